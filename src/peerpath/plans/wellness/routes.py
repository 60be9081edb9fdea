"""Pages and JSON API for the wellness and crisis plan.

Pages: the whole plan, one section's page (its edit form, loaded in place with HTMX or opened
on its own without JavaScript), and two printable pages. The API reads and writes the same
sections through the same service functions.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response

from peerpath.core.deps import DbSession, Me, MemberViewer, RecordId
from peerpath.core.errors import EditConflict, Invalid
from peerpath.core.templating import redirect, render
from peerpath.core.unit_of_work import UnitOfWorkRoute
from peerpath.db.base import MAX_ID
from peerpath.db.models import User, WellnessSection
from peerpath.plans.common import Proposed
from peerpath.plans.wellness import service
from peerpath.plans.wellness.schemas import (
    WellnessPlanRead,
    WellnessProposalRead,
    WellnessSectionRead,
    WellnessSectionWrite,
)
from peerpath.plans.wellness.sections import MAX_FIELD_CHARS, SectionDef

pages = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
api = APIRouter(route_class=UnitOfWorkRoute, tags=["plan"])

SectionKey = Annotated[str, Path(min_length=1, max_length=40)]


async def _form_fields(request: Request) -> dict[str, str]:
    """A posted form's text fields (the fields of a section depend on which section it is)."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


FormFields = Annotated[dict[str, str], Depends(_form_fields)]


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _plan_url(member_id: int) -> str:
    return f"/members/{member_id}/wellness"


def _plan_title(plan: service.WellnessPlanView) -> str:
    if plan.is_member:
        return "My wellness and crisis plan"
    return f"{plan.member.display_name}'s wellness and crisis plan"


def _version(raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 10 or int(raw) > MAX_ID:
        raise Invalid(
            "This form could not tell which version of the section it started from. "
            "Nothing was saved: please open the section again and redo your change."
        )
    return int(raw)


@pages.get("/my-wellness-plan")
def my_wellness_plan(viewer: MemberViewer) -> Response:
    return redirect(_plan_url(viewer.user.id))


@pages.get("/members/{member_id}/wellness")
def plan_page(request: Request, db: DbSession, viewer: Me, member_id: RecordId) -> Response:
    plan = service.wellness_plan(db, viewer, member_id)
    return render(
        request,
        "plans/wellness/plan.html",
        {"title": _plan_title(plan), "plan": plan, "max_chars": MAX_FIELD_CHARS},
    )


def _print_page(
    request: Request, plan: service.WellnessPlanView, heading: str, crisis_only: bool
) -> Response:
    return render(
        request,
        "plans/wellness/print.html",
        {
            "title": heading,
            "heading": heading,
            "plan": plan,
            "crisis_only": crisis_only,
            "printed_on": service.today_text(),
        },
    )


@pages.get("/members/{member_id}/wellness/print")
def print_plan(request: Request, db: DbSession, viewer: Me, member_id: RecordId) -> Response:
    plan = service.wellness_plan(db, viewer, member_id)
    heading = f"Wellness and crisis plan: {plan.preferred_name}"
    return _print_page(request, plan, heading, crisis_only=False)


@pages.get("/members/{member_id}/crisis/print")
def print_crisis(request: Request, db: DbSession, viewer: Me, member_id: RecordId) -> Response:
    plan = service.crisis_plan(db, viewer, member_id)
    heading = f"Crisis plan: {plan.preferred_name}"
    return _print_page(request, plan, heading, crisis_only=True)


def _section_page(
    request: Request,
    plan: service.WellnessPlanView,
    sdef: SectionDef,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    section = plan.section(sdef.key)
    context: dict[str, Any] = {
        "title": f"{sdef.title} · {_plan_title(plan)}",
        "plan": plan,
        "s": section,
        "plan_title": _plan_title(plan),
        "max_chars": MAX_FIELD_CHARS,
        "errors": {},
        "error": "",
        "values": section.content if section else {},
        # The version the edit started from: kept as sent when the form comes back with
        # messages, so a newer save in between is still caught as a conflict.
        "form_version": section.version if section else 0,
        # Loaded into the plan page in place (HTMX): move focus to the first field.
        "focus_first": _is_htmx(request),
        **extra,
    }
    return render(request, "plans/wellness/edit.html", context, status_code=status_code)


@pages.get("/members/{member_id}/wellness/{section_key}")
def section_page(
    request: Request, db: DbSession, viewer: Me, member_id: RecordId, section_key: SectionKey
) -> Response:
    sdef = service.definition(section_key)
    plan = service.one_section(db, viewer, member_id, section_key)
    return _section_page(request, plan, sdef)


@pages.post("/members/{member_id}/wellness/{section_key}")
def section_submit(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    section_key: SectionKey,
    form: FormFields,
) -> Response:
    sdef = service.definition(section_key)
    content = {key: form.get(key, "") for key in sdef.field_keys}
    # Anything else in the form (the CSRF token, stray fields) is not part of the section.
    try:
        version = _version(form.get("version", ""))
        result = service.save_section(
            db, viewer, member_id, section_key, content, version, note=form.get("note", "")
        )
    except Invalid as exc:
        plan = service.one_section(db, viewer, member_id, section_key)
        return _section_page(
            request,
            plan,
            sdef,
            422,
            errors=exc.errors,
            error=exc.message,
            values=content,
            note=form.get("note", ""),
            form_version=form.get("version", "").strip()[:10],
        )
    except EditConflict as exc:
        plan = service.one_section(db, viewer, member_id, section_key)
        return render(
            request,
            "plans/wellness/conflict.html",
            {
                "title": "Someone else changed this section",
                "plan": plan,
                "d": sdef,
                "exc": exc,
                "plan_title": _plan_title(plan),
            },
            status_code=409,
        )
    member = db.get(User, member_id)
    name = member.display_name if member else "the member"
    if isinstance(result, Proposed):
        message = (
            f"Your suggestion for “{sdef.title}” was sent to {name}. "
            "Their plan changes only if they accept it."
        )
    else:
        message = f"Saved “{sdef.title}”."
    if _is_htmx(request):
        plan = service.one_section(db, viewer, member_id, section_key)
        return render(
            request,
            "plans/wellness/section_saved.html",
            {"plan": plan, "s": plan.section(section_key), "saved_message": message},
        )
    return redirect(f"{_plan_url(member_id)}#section-{section_key}", request, message)


# ---- JSON API ---------------------------------------------------------------------------


@api.get("/members/{member_id}/wellness", response_model=WellnessPlanRead)
def api_plan(db: DbSession, viewer: Me, member_id: RecordId) -> WellnessPlanRead:
    return WellnessPlanRead.of(service.wellness_plan(db, viewer, member_id))


@api.get("/members/{member_id}/wellness/{section_key}", response_model=WellnessSectionRead)
def api_section(
    db: DbSession, viewer: Me, member_id: RecordId, section_key: SectionKey
) -> WellnessSectionRead:
    plan = service.one_section(db, viewer, member_id, section_key)
    section = plan.section(section_key)
    assert section is not None
    return WellnessSectionRead.of(section)


@api.put(
    "/members/{member_id}/wellness/{section_key}",
    response_model=WellnessSectionRead,
    responses={
        202: {
            "model": WellnessProposalRead,
            "description": "Sent by a peer specialist: a proposal the member accepts or declines.",
        },
        409: {"description": "A newer version was saved; `current` and `yours` are both shown."},
        422: {"description": "Nothing was saved; `errors` names each field to fix."},
    },
)
def api_put_section(
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    section_key: SectionKey,
    body: WellnessSectionWrite,
) -> Response:
    sdef = service.definition(section_key)
    result = service.save_section(
        db, viewer, member_id, section_key, body.content, body.version, note=body.note
    )
    if isinstance(result, Proposed):
        return JSONResponse(
            jsonable_encoder(WellnessProposalRead.of(result.proposal)), status_code=202
        )
    assert isinstance(result, WellnessSection)
    view = service.SectionView(definition=sdef, row=result, updated_by=viewer.user.display_name)
    return JSONResponse(jsonable_encoder(WellnessSectionRead.of(view)))
