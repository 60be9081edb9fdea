"""Peer support groups: /groups (list, new group), /groups/{id} (schedule, roster, sessions),
/group-sessions/{id} (attendance, the group note, individual notes that refer to it), and the
same under /api/v1. Pages and API call the same service functions."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError

from peerpath.core.audit import Viewer
from peerpath.core.deps import DbSession, Me, RecordId
from peerpath.core.errors import Forbidden, Invalid, NotFound
from peerpath.core.templating import redirect, render
from peerpath.core.unit_of_work import UnitOfWorkRoute
from peerpath.db.models import PeerGroup, Role
from peerpath.workspace.groups import service
from peerpath.workspace.groups.schemas import (
    AttendanceIn,
    AttendeeRead,
    GroupIn,
    GroupNoteIn,
    GroupRead,
    LinkNoteIn,
    RosterIn,
    SessionRead,
    SessionsIn,
)

pages = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
api = APIRouter(route_class=UnitOfWorkRoute, tags=["groups"])

LABELS = {
    "name": "Name",
    "description": "What the group is about",
    "location": "Where",
    "facilitator_id": "Facilitator",
    "weekday": "Weekly on",
    "start_time": "Start time",
    "duration_minutes": "How long",
    "on": "Date",
    "start": "First day",
    "end": "Last day",
    "member_id": "Member",
    "text": "Group note",
    "version": "Version",
    "session_note_id": "Note",
    "present": "Present",
}
WEEKDAY_OPTIONS = [("", "No weekly day")] + [(str(i), d) for i, d in enumerate(service.WEEKDAYS)]
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _friendly(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for err in exc.errors():
        key = str(err["loc"][0]) if err.get("loc") else "form"
        label = LABELS.get(key, key)
        kind = err["type"]
        if kind in ("missing", "string_too_short", "too_short"):
            message = f"{label}: please fill this in."
        elif kind in ("string_too_long", "too_long"):
            message = f"{label}: please keep this shorter."
        elif kind.startswith("date"):
            message = f"{label}: please enter a date like 2026-03-31."
        elif kind.startswith("time"):
            message = f"{label}: please enter a time like 18:00."
        else:
            message = f"{label}: please check this."
        errors.setdefault(key, message)
    return errors


def _validated(model: type[BaseModel], data: dict[str, Any]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise Invalid(
            "Nothing was saved yet: please look at the parts marked below.",
            errors=_friendly(exc),
        ) from None


def _blank_none(value: Any) -> Any:
    return None if value in ("", None) else value


def _group_read(db: DbSession, group: PeerGroup) -> GroupRead:
    names = service._names(db, [group.facilitator_id])
    return GroupRead(
        id=group.id,
        name=group.name,
        description=group.description,
        location=group.location,
        facilitator_id=group.facilitator_id,
        facilitator_name=names.get(group.facilitator_id, ""),
        weekday=group.weekday,
        start_time=group.start_time,
        duration_minutes=group.duration_minutes,
    )


def _session_read(view: service.SessionView) -> SessionRead:
    s = view.session
    attendees = (
        [
            AttendeeRead(member_id=a.member_id, name=a.name, present=a.present)
            for a in view.attendees
        ]
        if view.is_staff
        else []
    )
    return SessionRead(
        id=s.id,
        group_id=s.group_id,
        session_date=s.session_date,
        start_time=s.start_time,
        duration_minutes=s.duration_minutes,
        cancelled=s.cancelled,
        group_note=view.group_note,
        version=s.version,
        attendees=attendees,
        others_present=view.others_present,
        linked_note_ids=[n.id for n in view.linked_notes],
    )


# ---- gates: who may use a write route, decided before the body is read ------------------


def staff_gate(viewer: Me) -> None:
    if viewer.user.role not in service.STAFF:
        raise Forbidden()


def facilitator_gate(db: DbSession, viewer: Me, group_id: RecordId) -> None:
    service.facilitated_group(db, viewer, group_id)


def roster_gate(db: DbSession, viewer: Me, group_id: RecordId) -> None:
    group = service.group_for_viewer(db, viewer, group_id)
    if viewer.user.role != Role.PEER_SPECIALIST or group is None:
        raise NotFound()


def session_facilitator_gate(db: DbSession, viewer: Me, session_id: RecordId) -> None:
    session = service.session_for_viewer(db, viewer, session_id)
    service.facilitated_group(db, viewer, session.group_id)


def link_gate(db: DbSession, viewer: Me, session_id: RecordId) -> None:
    service.session_for_viewer(db, viewer, session_id)
    if viewer.user.role != Role.PEER_SPECIALIST:
        raise NotFound()


# ---- pages -------------------------------------------------------------------------------


def _list_page(
    request: Request,
    db: DbSession,
    viewer: Viewer,
    *,
    form: dict[str, str] | None = None,
    error: str = "",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    groups = service.list_groups(db, viewer)
    staff = viewer.user.role in service.STAFF
    names = service._names(db, sorted({g.facilitator_id for g in groups}))
    return render(
        request,
        "workspace/groups/list.html",
        {
            "title": "Peer support groups" if staff else "My groups",
            "groups": groups,
            "names": names,
            "staff": staff,
            "weekday_label": service.weekday_label,
            "facilitators": [(u.id, u.display_name) for u in service.facilitators(db, viewer)]
            if staff
            else [],
            "weekdays": WEEKDAY_OPTIONS,
            "form": form
            or {
                "facilitator_id": str(viewer.user.id),
                "start_time": "18:00",
                "duration_minutes": "90",
                "weekday": "",
            },
            "error": error,
            "errors": errors or {},
        },
        status_code=status_code,
    )


@pages.get("/groups")
def groups_page(request: Request, db: DbSession, viewer: Me) -> Response:
    return _list_page(request, db, viewer)


GROUP_FIELDS = (
    "name",
    "description",
    "location",
    "facilitator_id",
    "weekday",
    "start_time",
    "duration_minutes",
)


@pages.post("/groups", dependencies=[Depends(staff_gate)])
async def groups_submit(request: Request, db: DbSession, viewer: Me) -> Response:
    raw = await request.form()
    form = {k: str(raw.get(k, "")) for k in GROUP_FIELDS}
    try:
        optional = ("facilitator_id", "weekday", "start_time", "duration_minutes")
        data = _validated(
            GroupIn, {k: v for k, v in form.items() if v.strip() or k not in optional}
        )
        group = service.create_group(db, viewer, data)
    except Invalid as exc:
        return _list_page(
            request, db, viewer, form=form, error=exc.message, errors=exc.errors, status_code=422
        )
    return redirect(f"/groups/{group.id}", request, "The group is created. Add its sessions below.")


def _group_page(
    request: Request,
    db: DbSession,
    viewer: Viewer,
    group_id: int,
    *,
    error: str = "",
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    group = service.group_for_viewer(db, viewer, group_id)
    staff = viewer.user.role in service.STAFF
    sessions = service.sessions_of(db, group)
    roster_ids = [m.member_id for m in service.roster(db, group)]
    facilitator = group.facilitator_id == viewer.user.id
    shown = set(roster_ids) if facilitator else service._readable(db, viewer, roster_ids)
    names = service._names(db, sorted(shown | {group.facilitator_id}))
    mine = service.my_attendance(db, viewer, [s.id for s in sessions]) if not staff else set()
    caseload = service.roster_choices(db, viewer, roster_ids)
    return render(
        request,
        "workspace/groups/group.html",
        {
            "title": group.name,
            "group": group,
            "staff": staff,
            "facilitator": facilitator,
            "facilitator_name": names.get(group.facilitator_id, ""),
            "schedule": service.weekday_label(group),
            "sessions": sessions,
            "roster": sorted(names[i] for i in shown if i in names),
            "roster_hidden": len(roster_ids) - len(shown),
            "caseload": caseload,
            "mine": mine,
            "today": date.today(),
            "form": form or {},
            "error": error,
            "errors": errors or {},
        },
        status_code=status_code,
    )


@pages.get("/groups/{group_id}")
def group_page(request: Request, db: DbSession, viewer: Me, group_id: RecordId) -> Response:
    return _group_page(request, db, viewer, group_id)


def _day(value: str) -> date | str | None:
    value = value.strip()
    if not value:
        return None
    if _DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    return value  # left for validation to refuse with a friendly message


@pages.post("/groups/{group_id}/sessions", dependencies=[Depends(facilitator_gate)])
async def sessions_submit(
    request: Request, db: DbSession, viewer: Me, group_id: RecordId
) -> Response:
    service.group_for_viewer(db, viewer, group_id)
    raw = await request.form()
    form = {k: str(raw.get(k, "")) for k in ("on", "start", "end")}
    try:
        data = _validated(SessionsIn, {k: _day(v) for k, v in form.items()})
        added = service.add_sessions(db, viewer, group_id, data)
    except Invalid as exc:
        return _group_page(
            request,
            db,
            viewer,
            group_id,
            error=exc.message,
            errors=exc.errors,
            form=form,
            status_code=422,
        )
    count = len(added)
    message = (
        f"{count} session{'s' if count != 1 else ''} added."
        if count
        else "Those sessions were there already."
    )
    return redirect(f"/groups/{group_id}", request, message)


@pages.post("/groups/{group_id}/roster", dependencies=[Depends(roster_gate)])
async def roster_submit(
    request: Request, db: DbSession, viewer: Me, group_id: RecordId
) -> Response:
    service.group_for_viewer(db, viewer, group_id)
    raw = await request.form()
    try:
        data = _validated(RosterIn, {"member_id": _blank_none(str(raw.get("member_id", "")))})
    except Invalid as exc:
        return _group_page(
            request, db, viewer, group_id, error=exc.message, errors=exc.errors, status_code=422
        )
    service.add_to_roster(db, viewer, group_id, data.member_id)
    return redirect(f"/groups/{group_id}", request, "Added to the group's list.")


def _session_page(
    request: Request,
    db: DbSession,
    viewer: Viewer,
    session_id: int,
    *,
    error: str = "",
    errors: dict[str, str] | None = None,
    note_text: str | None = None,
    status_code: int = 200,
) -> Response:
    view = service.session_view(db, viewer, session_id)
    return render(
        request,
        "workspace/groups/session.html",
        {
            "title": f"{view.group.name}, {view.session.session_date.strftime('%-d %B %Y')}",
            "v": view,
            "linkable": service.linkable_notes(db, viewer, view),
            "note_text": view.session.group_note if note_text is None else note_text,
            "error": error,
            "errors": errors or {},
        },
        status_code=status_code,
    )


@pages.get("/group-sessions/{session_id}")
def session_page(request: Request, db: DbSession, viewer: Me, session_id: RecordId) -> Response:
    return _session_page(request, db, viewer, session_id)


@pages.post(
    "/group-sessions/{session_id}/attendance", dependencies=[Depends(session_facilitator_gate)]
)
async def attendance_submit(
    request: Request, db: DbSession, viewer: Me, session_id: RecordId
) -> Response:
    service.session_for_viewer(db, viewer, session_id)
    raw = await request.form()
    try:
        data = _validated(AttendanceIn, {"present": [v for v in raw.getlist("present") if v]})
        service.set_attendance(db, viewer, session_id, data.present)
    except Invalid as exc:
        return _session_page(
            request, db, viewer, session_id, error=exc.message, errors=exc.errors, status_code=422
        )
    return redirect(f"/group-sessions/{session_id}", request, "Attendance saved.")


@pages.post("/group-sessions/{session_id}/note", dependencies=[Depends(session_facilitator_gate)])
async def group_note_submit(
    request: Request, db: DbSession, viewer: Me, session_id: RecordId
) -> Response:
    service.session_for_viewer(db, viewer, session_id)
    raw = await request.form()
    text = str(raw.get("text", ""))
    try:
        data = _validated(GroupNoteIn, {"text": text, "version": raw.get("version") or None})
        service.save_group_note(db, viewer, session_id, data.text, data.version)
    except Invalid as exc:
        return _session_page(
            request,
            db,
            viewer,
            session_id,
            error=exc.message,
            errors=exc.errors,
            note_text=text,
            status_code=422,
        )
    return redirect(f"/group-sessions/{session_id}", request, "Group note saved.")


@pages.post("/group-sessions/{session_id}/notes", dependencies=[Depends(link_gate)])
async def link_note_submit(
    request: Request, db: DbSession, viewer: Me, session_id: RecordId
) -> Response:
    service.session_for_viewer(db, viewer, session_id)
    raw = await request.form()
    try:
        data = _validated(
            LinkNoteIn, {"session_note_id": _blank_none(str(raw.get("session_note_id", "")))}
        )
        service.link_note(db, viewer, session_id, data.session_note_id)
    except Invalid as exc:
        return _session_page(
            request, db, viewer, session_id, error=exc.message, errors=exc.errors, status_code=422
        )
    return redirect(
        f"/group-sessions/{session_id}", request, "The note now refers to this session."
    )


# ---- API ---------------------------------------------------------------------------------


@api.get("/groups", response_model=list[GroupRead])
def api_groups(db: DbSession, viewer: Me) -> list[GroupRead]:
    return [_group_read(db, g) for g in service.list_groups(db, viewer)]


@api.post("/groups", response_model=GroupRead, status_code=201, dependencies=[Depends(staff_gate)])
def api_create_group(db: DbSession, viewer: Me, body: GroupIn) -> GroupRead:
    return _group_read(db, service.create_group(db, viewer, body))


@api.get("/groups/{group_id}", response_model=GroupRead)
def api_group(db: DbSession, viewer: Me, group_id: RecordId) -> GroupRead:
    return _group_read(db, service.group_for_viewer(db, viewer, group_id))


@api.get("/groups/{group_id}/sessions", response_model=list[SessionRead])
def api_sessions(db: DbSession, viewer: Me, group_id: RecordId) -> list[SessionRead]:
    group = service.group_for_viewer(db, viewer, group_id)
    return [
        _session_read(service.session_view(db, viewer, s.id))
        for s in service.sessions_of(db, group)[:100]
    ]


@api.post(
    "/groups/{group_id}/sessions",
    response_model=list[SessionRead],
    status_code=201,
    dependencies=[Depends(facilitator_gate)],
)
def api_add_sessions(
    db: DbSession, viewer: Me, group_id: RecordId, body: SessionsIn
) -> list[SessionRead]:
    added = service.add_sessions(db, viewer, group_id, body)
    return [_session_read(service.session_view(db, viewer, s.id)) for s in added]


@api.post("/groups/{group_id}/roster", status_code=201, dependencies=[Depends(roster_gate)])
def api_roster(db: DbSession, viewer: Me, group_id: RecordId, body: RosterIn) -> dict[str, int]:
    entry = service.add_to_roster(db, viewer, group_id, body.member_id)
    return {"group_id": entry.group_id, "member_id": entry.member_id}


@api.get("/group-sessions/{session_id}", response_model=SessionRead)
def api_session(db: DbSession, viewer: Me, session_id: RecordId) -> SessionRead:
    return _session_read(service.session_view(db, viewer, session_id))


@api.put(
    "/group-sessions/{session_id}/attendance",
    response_model=SessionRead,
    dependencies=[Depends(session_facilitator_gate)],
)
def api_attendance(
    db: DbSession, viewer: Me, session_id: RecordId, body: AttendanceIn
) -> SessionRead:
    service.set_attendance(db, viewer, session_id, body.present)
    return _session_read(service.session_view(db, viewer, session_id))


@api.put(
    "/group-sessions/{session_id}/note",
    response_model=SessionRead,
    dependencies=[Depends(session_facilitator_gate)],
)
def api_group_note(
    db: DbSession, viewer: Me, session_id: RecordId, body: GroupNoteIn
) -> SessionRead:
    service.save_group_note(db, viewer, session_id, body.text, body.version)
    return _session_read(service.session_view(db, viewer, session_id))


@api.post(
    "/group-sessions/{session_id}/notes",
    response_model=SessionRead,
    status_code=201,
    dependencies=[Depends(link_gate)],
)
def api_link_note(db: DbSession, viewer: Me, session_id: RecordId, body: LinkNoteIn) -> SessionRead:
    service.link_note(db, viewer, session_id, body.session_note_id)
    return _session_read(service.session_view(db, viewer, session_id))
