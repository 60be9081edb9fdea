"""Pages and JSON API for check-ins, the wellness-tool log and setbacks.

Member shortcut pages act on the signed-in member (/check-in, /tools, /setbacks); read-only
member-addressed pages (/members/{id}/checkins, /members/{id}/setbacks) serve the member and
their peer specialist; the API lives under /api/v1/members/{id}/.... Pages and API call the
same service functions. Every form works without JavaScript (POST, then redirect and flash).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from peerpath.checkins.daily import service
from peerpath.checkins.daily.schemas import (
    CheckinIn,
    CheckinPatch,
    CheckinRead,
    CheckinSaved,
    PreferencesIn,
    PreferencesRead,
    SetbackIn,
    SetbackPatch,
    SetbackRead,
    ToolLogRead,
    ToolStatRead,
    ToolUseIn,
    ToolUseRead,
)
from peerpath.core import access
from peerpath.core.access import Action, Section
from peerpath.core.deps import DbSession, Me, MemberViewer, RecordId
from peerpath.core.errors import Conflict, Invalid
from peerpath.core.templating import redirect, render
from peerpath.core.unit_of_work import UnitOfWorkRoute
from peerpath.db.models import CheckIn, Setback, ToolHelped, ToolUse
from peerpath.plans.vocabulary import DIMENSIONS

pages = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
api = APIRouter(route_class=UnitOfWorkRoute, tags=["check-ins"])

OTHER_TOOL = "__other__"
# A line under each area on the check-in form, in plain words.
PROMPTS = {
    "emotional": "How you feel inside today.",
    "environmental": "How your surroundings feel: home, safety, a little space of your own.",
    "financial": "How things feel with money today.",
    "intellectual": "Learning, curiosity, being creative.",
    "occupational": "Work, study, volunteering, or whatever fills your day.",
    "physical": "Your body: sleep, food, movement, energy.",
    "social": "Time with people, and feeling close to them.",
    "spiritual": "Meaning, purpose, values, faith or nature.",
}
HELPED_OPTIONS = [(h.value, service.HELPED_LABELS[h]) for h in ToolHelped]
LABELS = {
    "day": "Day",
    "used_on": "Day",
    "happened_on": "When it happened",
    "came_back_on": "I felt back on my feet on",
    "note": "Note",
    "what_helped": "What helped",
    "what_happened": "What happened",
    "tool": "Tool",
    "helped": "Did it help?",
    "hope": "Hope",
    "connection": "Connection",
    "dimensions": "Areas to rate",
    "triggers": "Triggers",
    "warning_signs": "Early warning signs",
}


async def posted_form(request: Request) -> FormData:
    """The submitted form, read once (pages with a variable set of fields use it)."""
    return await request.form()


PostedForm = Annotated[FormData, Depends(posted_form)]


def write_gate(db: DbSession, viewer: Me, member_id: RecordId) -> None:
    """Only the member writes their check-ins, tool log and setbacks: anyone else gets the
    audited refusal (404) before the body is even validated, so nothing leaks."""
    if viewer.user.id != member_id:
        access.member_for_viewer(db, viewer, member_id, Section.CHECKINS, Action.WRITE)


# ---- small helpers ----------------------------------------------------------------------


def _friendly(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for err in exc.errors():
        loc = [str(part) for part in err.get("loc", ())]
        key = ".".join(loc[:2]) if loc[:1] == ["ratings"] else (loc[0] if loc else "form")
        if loc[:1] == ["ratings"] and len(loc) > 1:
            label = DIMENSIONS.get(loc[1], loc[1])
        else:
            label = LABELS.get(key, key.replace("_", " ").capitalize())
        kind = err["type"]
        ctx = err.get("ctx") or {}
        if key == "dimensions" and kind == "too_short":
            message = "Please choose at least one area to rate."
        elif kind in ("missing", "string_too_short"):
            message = f"{label}: please write something here."
        elif kind == "string_too_long":
            message = f"{label}: please keep this to {ctx.get('max_length')} characters or fewer."
        elif kind == "too_long":
            message = f"{label}: please pick {ctx.get('max_length')} or fewer."
        elif kind in ("enum", "literal_error"):
            message = f"{label}: please choose one of the options."
        elif kind.startswith(("int", "less_than", "greater_than")):
            message = f"{label}: please choose a whole number from 0 to 10."
        elif kind.startswith("date"):
            message = f"{label}: please enter a date like 2026-03-31."
        else:
            message = f"{label}: {err['msg']}."
        errors.setdefault(key, message)
    return errors


def _validated(model: type[Any], data: Mapping[str, Any]) -> Any:
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        raise Invalid(
            "Nothing was saved yet: please look at the parts marked below.",
            errors=_friendly(exc),
        ) from None


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _parse_day(value: str, key: str, errors: dict[str, str]) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        if _ISO_DAY.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    errors[key] = f"{LABELS.get(key, 'Day')}: please enter a date like 2026-03-31."
    return None


def _query_day(value: str) -> date | None:
    return _parse_day(value, "day", {})


def _text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value if isinstance(value, str) else ""


def _texts(form: FormData, key: str) -> list[str]:
    return [v for v in form.getlist(key) if isinstance(v, str)]


def _merge_invalid(errors: dict[str, str], exc: Invalid | None = None) -> Invalid:
    merged = {**errors, **(exc.errors if exc else {})}
    return Invalid(
        exc.message if exc else "Nothing was saved yet: please look at the parts marked below.",
        errors=merged,
    )


# ---- check-in pages ---------------------------------------------------------------------


def _checkin_values(row: CheckIn | None) -> dict[str, Any]:
    if row is None:
        return {"ratings": {}, "hope": "", "connection": "", "note": "", "what_helped": ""}
    return {
        "ratings": {k: str(v) for k, v in row.ratings.items()},
        "hope": "" if row.hope is None else str(row.hope),
        "connection": "" if row.connection is None else str(row.connection),
        "note": row.note,
        "what_helped": row.what_helped,
    }


def _checkin_page(
    request: Request,
    view: service.CheckinFormView,
    *,
    form: dict[str, Any] | None = None,
    day_value: str = "",
    errors: dict[str, str] | None = None,
    error: str = "",
    conflict: str = "",
    status_code: int = 200,
) -> Response:
    status = view.status
    values = (
        form if form is not None else _checkin_values(status.existing if status.editable else None)
    )
    return render(
        request,
        "checkins/daily/checkin.html",
        {
            "title": "Check in",
            "v": view,
            "form": values,
            "day_value": day_value or status.day.isoformat(),
            "errors": errors or {},
            "error": error,
            "conflict": conflict,
            "prompts": PROMPTS,
        },
        status_code=status_code,
    )


@pages.get("/check-in")
def checkin_page(request: Request, db: DbSession, viewer: MemberViewer, day: str = "") -> Response:
    view = service.checkin_form(db, viewer, _query_day(day))
    return _checkin_page(request, view)


def _checkin_from_form(form: FormData) -> CheckinIn:
    errors: dict[str, str] = {}
    day = _parse_day(_text(form, "day"), "day", errors)
    ratings: dict[str, int] = {}
    for key in DIMENSIONS:
        raw = _text(form, f"r_{key}").strip()
        if raw.isdigit() and len(raw) <= 2:
            ratings[key] = int(raw)
        elif raw:
            errors[f"ratings.{key}"] = f"{DIMENSIONS[key]}: please choose a number from 0 to 10."
    extra: dict[str, int | None] = {}
    for key in ("hope", "connection"):
        raw = _text(form, key).strip()
        extra[key] = int(raw) if raw.isdigit() and len(raw) <= 2 else None
        if raw and extra[key] is None:
            errors[key] = f"{LABELS[key]}: please choose a number from 0 to 10."
    try:
        data = _validated(
            CheckinIn,
            {
                "day": day,
                "ratings": ratings,
                **extra,
                "note": _text(form, "note"),
                "what_helped": _text(form, "what_helped"),
            },
        )
    except Invalid as exc:
        raise _merge_invalid(errors, exc) from None
    if errors:
        raise _merge_invalid(errors)
    assert isinstance(data, CheckinIn)
    return data


@pages.post("/check-in")
def checkin_submit(
    request: Request, db: DbSession, viewer: MemberViewer, form: PostedForm
) -> Response:
    day_value = _text(form, "day")
    try:
        saved = service.save_checkin(db, viewer, viewer.user.id, _checkin_from_form(form))
    except Invalid as exc:
        view = service.checkin_form(db, viewer, _query_day(day_value))
        return _checkin_page(
            request,
            view,
            form=_echo(form),
            day_value=day_value,
            errors=exc.errors,
            error=exc.message,
            status_code=422,
        )
    except Conflict as exc:
        db.rollback()
        view = service.checkin_form(db, viewer, _query_day(day_value))
        return _checkin_page(
            request,
            view,
            form=_echo(form),
            day_value=day_value,
            conflict=exc.message,
            status_code=409,
        )
    return redirect(f"/check-in/saved?day={saved.checkin.day.isoformat()}")


def _echo(form: FormData) -> dict[str, Any]:
    return {
        "ratings": {k: _text(form, f"r_{k}") for k in DIMENSIONS if _text(form, f"r_{k}")},
        "hope": _text(form, "hope"),
        "connection": _text(form, "connection"),
        "note": _text(form, "note"),
        "what_helped": _text(form, "what_helped"),
    }


@pages.get("/check-in/day")
def checkin_day_status(
    request: Request, db: DbSession, viewer: MemberViewer, day: str = ""
) -> Response:
    """The note under the day field, for HTMX; a plain visit opens the form for that day."""
    parsed = _query_day(day)
    if request.headers.get("hx-request") != "true":
        return redirect(f"/check-in?day={parsed.isoformat()}" if parsed else "/check-in")
    status = service.own_day_status(db, viewer, parsed) if parsed else None
    return render(
        request,
        "checkins/daily/_day_status.html",
        {
            "status": status,
            "today": service.today(),
            "earliest": service.earliest_day(),
            "asked": parsed,
            "asked_form_day": None,
        },
    )


@pages.get("/check-in/saved")
def checkin_saved(request: Request, db: DbSession, viewer: MemberViewer, day: str = "") -> Response:
    parsed = _query_day(day) or service.today()
    status = service.own_day_status(db, viewer, parsed)
    if status.existing is None:
        return redirect("/check-in")
    member = viewer.user
    is_today = parsed == service.today()
    return render(
        request,
        "checkins/daily/saved.html",
        {
            "title": "Check-in saved",
            "checkin": status.existing,
            "is_today": is_today,
            "editable": status.editable,
            "days_in_30": service.days_with_checkin(db, member, 30),
            "welcome_back": is_today and service.coming_back(db, member),
        },
    )


def _settings_page(
    request: Request,
    prefs: service.Preferences,
    *,
    chosen: list[str] | None = None,
    track_hope: bool | None = None,
    track_connection: bool | None = None,
    errors: dict[str, str] | None = None,
    error: str = "",
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "checkins/daily/settings.html",
        {
            "title": "My check-in settings",
            "prefs": prefs,
            "chosen": chosen if chosen is not None else list(prefs.dimensions),
            "track_hope": prefs.track_hope if track_hope is None else track_hope,
            "track_connection": prefs.track_connection
            if track_connection is None
            else track_connection,
            "dimensions": list(DIMENSIONS.items()),
            "defaults": [DIMENSIONS[k] for k in service.DEFAULT_DIMENSIONS],
            "errors": errors or {},
            "error": error,
        },
        status_code=status_code,
    )


@pages.get("/check-in/settings")
def settings_page(request: Request, db: DbSession, viewer: MemberViewer) -> Response:
    _, prefs = service.get_preferences(db, viewer, viewer.user.id)
    return _settings_page(request, prefs)


@pages.post("/check-in/settings")
def settings_submit(
    request: Request, db: DbSession, viewer: MemberViewer, form: PostedForm
) -> Response:
    chosen = _texts(form, "dimensions")
    hope = bool(_text(form, "track_hope"))
    connection = bool(_text(form, "track_connection"))
    try:
        data = _validated(
            PreferencesIn,
            {"dimensions": chosen, "track_hope": hope, "track_connection": connection},
        )
        service.save_preferences(db, viewer, viewer.user.id, data)
    except Invalid as exc:
        _, prefs = service.get_preferences(db, viewer, viewer.user.id)
        return _settings_page(
            request,
            prefs,
            chosen=chosen,
            track_hope=hope,
            track_connection=connection,
            errors=exc.errors,
            error=exc.message,
            status_code=422,
        )
    return redirect("/check-in", request, "Your check-in settings are saved.")


def _history_page(
    request: Request, db: DbSession, viewer: Me, member_id: int, before: str
) -> Response:
    before_day = _query_day(before)
    member, rows = service.list_checkins(db, viewer, member_id, before=before_day, limit=31)
    shown = rows[:30]
    is_member = viewer.user.id == member.id
    return render(
        request,
        "checkins/daily/history.html",
        {
            "title": "My check-ins" if is_member else f"{member.display_name}'s check-ins",
            "member": member,
            "is_member": is_member,
            "checkins": shown,
            "older": shown[-1].day.isoformat() if len(rows) > len(shown) else "",
            "newer": bool(before_day),
            "dimensions": DIMENSIONS,
            "days_in_30": service.days_with_checkin(db, member, 30),
            "base_url": "/check-in/history" if is_member else f"/members/{member.id}/checkins",
        },
    )


@pages.get("/check-in/history")
def history_page(
    request: Request, db: DbSession, viewer: MemberViewer, before: str = ""
) -> Response:
    return _history_page(request, db, viewer, viewer.user.id, before)


@pages.get("/members/{member_id}/checkins")
def member_checkins_page(
    request: Request, db: DbSession, viewer: Me, member_id: RecordId, before: str = ""
) -> Response:
    return _history_page(request, db, viewer, member_id, before)


# ---- wellness-tool log pages ------------------------------------------------------------


def _tools_page(
    request: Request,
    db: DbSession,
    viewer: MemberViewer,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    error: str = "",
    status_code: int = 200,
) -> Response:
    member, uses = service.list_tool_uses(db, viewer, viewer.user.id, limit=10)
    tools = service.toolbox(db, viewer, member)
    return render(
        request,
        "checkins/daily/tools.html",
        {
            "title": "Tools I used",
            "member": member,
            "toolbox": tools,
            "uses": uses,
            "stats": service.tools_that_helped(db, member, limit=8),
            "helped_options": HELPED_OPTIONS,
            "helped_labels": {h.value: label for h, label in service.HELPED_LABELS.items()},
            "form": form or {"used_on": service.today().isoformat()},
            "other": OTHER_TOOL,
            "today": service.today(),
            "earliest": service.earliest_day(),
            "errors": errors or {},
            "error": error,
        },
        status_code=status_code,
    )


@pages.get("/tools")
def tools_page(request: Request, db: DbSession, viewer: MemberViewer) -> Response:
    return _tools_page(request, db, viewer)


@pages.post("/tools")
def tools_submit(
    request: Request, db: DbSession, viewer: MemberViewer, form: PostedForm
) -> Response:
    values = {
        key: _text(form, key) for key in ("tool_choice", "tool_other", "helped", "note", "used_on")
    }
    errors: dict[str, str] = {}
    choice, typed = values["tool_choice"].strip(), " ".join(values["tool_other"].split())
    try:
        tool = typed
        if choice and choice != OTHER_TOOL:
            member = viewer.user
            offered = service.toolbox(db, viewer, member)
            if choice not in offered:
                errors["tool_choice"] = "Please pick a tool from the list, or type one."
            elif typed:
                errors["tool_other"] = (
                    f"You picked “{choice[:60]}” and also typed “{typed[:60]}”. "
                    "Please keep just one."
                )
            tool = choice
        elif not typed:
            errors["tool_other"] = "Please pick a tool from your toolbox, or type the one you used."
        used_on = _parse_day(values["used_on"], "used_on", errors)
        if not values["helped"]:
            errors["helped"] = "Did it help? Please choose yes, somewhat or not this time."
        if errors:
            raise _merge_invalid(errors)
        data = _validated(
            ToolUseIn,
            {"tool": tool, "helped": values["helped"], "note": values["note"], "used_on": used_on},
        )
        use = service.log_tool_use(db, viewer, viewer.user.id, data)
    except Invalid as exc:
        found = dict(exc.errors)
        if "tool" in found:
            found["tool_other"] = found.pop("tool")
        return _tools_page(
            request,
            db,
            viewer,
            form=values,
            errors=found,
            error=exc.message,
            status_code=422,
        )
    return redirect("/tools", request, f"Noted: {use.tool}.")


@pages.post("/tools/{entry_id}/delete")
def tool_delete(
    request: Request, db: DbSession, viewer: MemberViewer, entry_id: RecordId
) -> Response:
    service.delete_tool_use(db, viewer, viewer.user.id, entry_id)
    return redirect("/tools", request, "That entry is taken out of your log.")


# ---- setback pages ----------------------------------------------------------------------


def _setbacks_page(request: Request, db: DbSession, viewer: Me, member_id: int) -> Response:
    member, rows = service.list_setbacks(db, viewer, member_id)
    is_member = viewer.user.id == member.id
    return render(
        request,
        "checkins/daily/setbacks.html",
        {
            "title": "Setbacks and learning moments"
            if is_member
            else f"{member.display_name}'s setbacks and learning moments",
            "member": member,
            "is_member": is_member,
            "setbacks": rows,
        },
    )


@pages.get("/setbacks")
def setbacks_page(request: Request, db: DbSession, viewer: MemberViewer) -> Response:
    return _setbacks_page(request, db, viewer, viewer.user.id)


@pages.get("/members/{member_id}/setbacks")
def member_setbacks_page(
    request: Request, db: DbSession, viewer: Me, member_id: RecordId
) -> Response:
    return _setbacks_page(request, db, viewer, member_id)


def _setback_values(row: Setback | None) -> dict[str, Any]:
    if row is None:
        return {
            "happened_on": service.today().isoformat(),
            "what_happened": "",
            "triggers": [],
            "warning_signs": [],
            "what_helped": "",
            "came_back_on": "",
        }
    return {
        "happened_on": row.happened_on.isoformat(),
        "what_happened": row.what_happened,
        "triggers": list(row.triggers),
        "warning_signs": list(row.warning_signs),
        "what_helped": row.what_helped,
        "came_back_on": row.came_back_on.isoformat() if row.came_back_on else "",
    }


def _setback_form_page(
    request: Request,
    db: DbSession,
    viewer: MemberViewer,
    row: Setback | None,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    error: str = "",
    status_code: int = 200,
) -> Response:
    choices = service.setback_choices(db, viewer, viewer.user)
    triggers = list(dict.fromkeys([*choices.triggers, *(row.triggers if row else [])]))
    signs = list(dict.fromkeys([*choices.warning_signs, *(row.warning_signs if row else [])]))
    return render(
        request,
        "checkins/daily/setback_form.html",
        {
            "title": "Change this setback" if row else "Write down a setback",
            "row": row,
            "member": viewer.user,
            "triggers": triggers,
            "signs": signs,
            "plan_has_triggers": bool(choices.triggers),
            "plan_has_signs": bool(choices.warning_signs),
            "form": form or _setback_values(row),
            "today": service.today(),
            "errors": errors or {},
            "error": error,
        },
        status_code=status_code,
    )


def _setback_form_data(form: FormData) -> dict[str, Any]:
    errors: dict[str, str] = {}
    data = {
        **_raw_setback(form),
        "happened_on": _parse_day(_text(form, "happened_on"), "happened_on", errors),
        "came_back_on": _parse_day(_text(form, "came_back_on"), "came_back_on", errors),
    }
    if errors:
        raise _merge_invalid(errors)
    return data


@pages.get("/setbacks/new")
def setback_new_page(request: Request, db: DbSession, viewer: MemberViewer) -> Response:
    return _setback_form_page(request, db, viewer, None)


@pages.post("/setbacks/new")
def setback_new_submit(
    request: Request, db: DbSession, viewer: MemberViewer, form: PostedForm
) -> Response:
    try:
        data = _setback_form_data(form)
        service.create_setback(db, viewer, viewer.user.id, _validated(SetbackIn, data))
    except Invalid as exc:
        return _setback_form_page(
            request,
            db,
            viewer,
            None,
            form=_raw_setback(form),
            errors=exc.errors,
            error=exc.message,
            status_code=422,
        )
    return redirect(
        "/setbacks",
        request,
        "Saved. Writing it down is part of coming back: this learning moment is yours to keep.",
    )


def _raw_setback(form: FormData) -> dict[str, Any]:
    return {
        "happened_on": _text(form, "happened_on"),
        "what_happened": _text(form, "what_happened"),
        "triggers": _texts(form, "triggers"),
        "warning_signs": _texts(form, "warning_signs"),
        "what_helped": _text(form, "what_helped"),
        "came_back_on": _text(form, "came_back_on"),
    }


@pages.get("/setbacks/{setback_id}")
def setback_edit_page(
    request: Request, db: DbSession, viewer: MemberViewer, setback_id: RecordId
) -> Response:
    row = service.get_setback(db, viewer, viewer.user.id, setback_id)
    return _setback_form_page(request, db, viewer, row)


@pages.post("/setbacks/{setback_id}")
def setback_edit_submit(
    request: Request, db: DbSession, viewer: MemberViewer, setback_id: RecordId, form: PostedForm
) -> Response:
    row = service.get_setback(db, viewer, viewer.user.id, setback_id)
    try:
        data = _setback_form_data(form)
        data["happened_on"] = data["happened_on"] or row.happened_on
        service.update_setback(
            db, viewer, viewer.user.id, setback_id, _validated(SetbackPatch, data)
        )
    except Invalid as exc:
        return _setback_form_page(
            request,
            db,
            viewer,
            row,
            form=_raw_setback(form),
            errors=exc.errors,
            error=exc.message,
            status_code=422,
        )
    return redirect("/setbacks", request, "Your changes are saved.")


# ---- JSON API ---------------------------------------------------------------------------


def _prefs_read(member_id: int, prefs: service.Preferences) -> PreferencesRead:
    return PreferencesRead(
        member_id=member_id,
        dimensions=list(prefs.dimensions),
        track_hope=prefs.track_hope,
        track_connection=prefs.track_connection,
        saved=prefs.saved,
    )


def _checkin_read(row: CheckIn) -> CheckinRead:
    return CheckinRead(
        id=row.id,
        member_id=row.member_id,
        day=row.day,
        ratings=dict(row.ratings),
        hope=row.hope,
        connection=row.connection,
        note=row.note,
        what_helped=row.what_helped,
        created_at=row.created_at,
        updated_at=row.updated_at,
        can_change=service.can_change(row),
    )


def _model(model: type[BaseModel], row: object) -> Any:
    return model.model_validate(row, from_attributes=True)


@api.get("/members/{member_id}/checkin-preferences", response_model=PreferencesRead)
def api_preferences(db: DbSession, viewer: Me, member_id: RecordId) -> PreferencesRead:
    member, prefs = service.get_preferences(db, viewer, member_id)
    return _prefs_read(member.id, prefs)


@api.put(
    "/members/{member_id}/checkin-preferences",
    response_model=PreferencesRead,
    dependencies=[Depends(write_gate)],
)
def api_save_preferences(
    db: DbSession, viewer: Me, member_id: RecordId, body: PreferencesIn
) -> PreferencesRead:
    return _prefs_read(member_id, service.save_preferences(db, viewer, member_id, body))


@api.get("/members/{member_id}/checkins", response_model=list[CheckinRead])
def api_checkins(
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    before: date | None = None,
    limit: Annotated[int, Query(ge=1, le=400)] = 60,
) -> list[CheckinRead]:
    _, rows = service.list_checkins(db, viewer, member_id, before=before, limit=limit)
    return [_checkin_read(r) for r in rows]


@api.post(
    "/members/{member_id}/checkins",
    response_model=CheckinSaved,
    # 201 for the day's first check-in, 200 when it replaces that day's (a double submit).
    responses={201: {"model": CheckinSaved, "description": "The day's first check-in."}},
    dependencies=[Depends(write_gate)],
)
def api_save_checkin(
    db: DbSession, viewer: Me, member_id: RecordId, body: CheckinIn, response: Response
) -> CheckinSaved:
    saved = service.save_checkin(db, viewer, member_id, body)
    response.status_code = 201 if saved.created else 200
    member = viewer.user
    return CheckinSaved(
        **_checkin_read(saved.checkin).model_dump(),
        days_with_checkin_last_30=service.days_with_checkin(db, member, 30),
        welcome_back=saved.checkin.day == service.today() and service.coming_back(db, member),
    )


@api.get("/members/{member_id}/checkins/{checkin_id}", response_model=CheckinRead)
def api_checkin(
    db: DbSession, viewer: Me, member_id: RecordId, checkin_id: RecordId
) -> CheckinRead:
    return _checkin_read(service.get_checkin(db, viewer, member_id, checkin_id))


@api.patch(
    "/members/{member_id}/checkins/{checkin_id}",
    response_model=CheckinRead,
    dependencies=[Depends(write_gate)],
)
def api_update_checkin(
    db: DbSession, viewer: Me, member_id: RecordId, checkin_id: RecordId, body: CheckinPatch
) -> CheckinRead:
    return _checkin_read(service.update_checkin(db, viewer, member_id, checkin_id, body))


def _stat_read(stat: service.ToolStat) -> ToolStatRead:
    return ToolStatRead(
        tool=stat.tool,
        times_used=stat.times_used,
        helped=stat.helped,
        helped_somewhat=stat.helped_somewhat,
        did_not_help=stat.did_not_help,
        help_score=stat.help_score,
        last_used=stat.last_used,
    )


@api.get("/members/{member_id}/tools", response_model=ToolLogRead)
def api_tools(
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> ToolLogRead:
    member, uses = service.list_tool_uses(db, viewer, member_id, limit=limit)
    return ToolLogRead(
        uses=[_model(ToolUseRead, u) for u in uses],
        what_helped_most=[_stat_read(s) for s in service.tools_that_helped(db, member, None)],
    )


@api.post(
    "/members/{member_id}/tools",
    response_model=ToolUseRead,
    status_code=201,
    dependencies=[Depends(write_gate)],
)
def api_log_tool(db: DbSession, viewer: Me, member_id: RecordId, body: ToolUseIn) -> ToolUse:
    return service.log_tool_use(db, viewer, member_id, body)


@api.delete(
    "/members/{member_id}/tools/{use_id}",
    status_code=204,
    dependencies=[Depends(write_gate)],
)
def api_delete_tool(db: DbSession, viewer: Me, member_id: RecordId, use_id: RecordId) -> Response:
    service.delete_tool_use(db, viewer, member_id, use_id)
    return Response(status_code=204)


@api.get("/members/{member_id}/setbacks", response_model=list[SetbackRead])
def api_setbacks(db: DbSession, viewer: Me, member_id: RecordId) -> list[SetbackRead]:
    _, rows = service.list_setbacks(db, viewer, member_id)
    return [_model(SetbackRead, r) for r in rows]


@api.post(
    "/members/{member_id}/setbacks",
    response_model=SetbackRead,
    status_code=201,
    dependencies=[Depends(write_gate)],
)
def api_create_setback(db: DbSession, viewer: Me, member_id: RecordId, body: SetbackIn) -> Setback:
    return service.create_setback(db, viewer, member_id, body)


@api.patch(
    "/members/{member_id}/setbacks/{setback_id}",
    response_model=SetbackRead,
    dependencies=[Depends(write_gate)],
)
def api_update_setback(
    db: DbSession, viewer: Me, member_id: RecordId, setback_id: RecordId, body: SetbackPatch
) -> Setback:
    return service.update_setback(db, viewer, member_id, setback_id, body)
