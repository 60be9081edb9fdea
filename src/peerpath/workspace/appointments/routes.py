"""Appointments: /appointments is the signed-in member's or peer specialist's own schedule
(with a form to schedule, or for a member to ask for, a meeting), one page per appointment,
and iCalendar export of one appointment or of all of mine. JSON under /api/v1/appointments.
Pages and API call the same service functions."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import ValidationError

from peerpath.core.access import Action
from peerpath.core.deps import DbSession, Me, RecordId
from peerpath.core.errors import Forbidden, Invalid
from peerpath.core.templating import redirect, render
from peerpath.core.unit_of_work import UnitOfWorkRoute
from peerpath.db.models import AppointmentModality, Role
from peerpath.workspace.appointments import service
from peerpath.workspace.appointments.schemas import AppointmentIn, AppointmentRead

pages = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
api = APIRouter(route_class=UnitOfWorkRoute, tags=["appointments"])

FIELDS = ("member_id", "day", "at", "minutes", "modality", "location", "purpose")
LABELS = {
    "member_id": "Member",
    "day": "Date",
    "at": "Time",
    "starts_at": "Date and time",
    "minutes": "How long",
    "modality": "How you will meet",
    "location": "Where",
    "purpose": "What it is for",
}
MINUTES = [
    (m, f"{m} minutes" if m < 60 else f"{m // 60} h {m % 60:02d}") for m in (30, 45, 60, 90, 120)
]
MODALITIES = [(m.value, service.MODALITY_LABELS[m]) for m in AppointmentModality]
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"\d{1,2}:\d{2}")


def _own_schedule(viewer: Me) -> None:
    if viewer.user.role not in (Role.MEMBER, Role.PEER_SPECIALIST):
        raise Forbidden()


def _read(v: service.AppointmentView) -> AppointmentRead:
    a = v.appointment
    return AppointmentRead(
        id=a.id,
        member_id=a.member_id,
        member_name=v.member.display_name,
        peer_specialist_id=a.peer_specialist_id,
        peer_specialist_name=v.peer.display_name,
        starts_at=a.starts_at,
        ends_at=a.ends_at,
        modality=a.modality,
        location=a.location,
        purpose=a.purpose,
        status=a.status,
        calendar_url=f"/appointments/{a.id}/event.ics",
    )


def _friendly(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for err in exc.errors():
        key = str(err["loc"][0]) if err.get("loc") else "form"
        label = LABELS.get(key, key)
        kind = err["type"]
        if kind in ("string_too_long", "too_long"):
            message = f"{label}: please keep this shorter."
        elif kind == "enum":
            message = f"{label}: please choose one of the options."
        elif key == "minutes":
            message = "How long: please choose between 15 minutes and 8 hours."
        elif key == "member_id":
            message = "Please choose the member."
        else:
            message = f"{label}: please check this."
        errors.setdefault(key, message)
    return errors


def _from_form(viewer: Me, form: dict[str, str]) -> AppointmentIn:
    errors: dict[str, str] = {}
    day_text, at_text = form.get("day", "").strip(), form.get("at", "").strip()
    day: date | None = None
    at: time | None = None
    try:
        day = date.fromisoformat(day_text) if _DAY.fullmatch(day_text) else None
    except ValueError:
        day = None
    try:
        at = time.fromisoformat(at_text.zfill(5)) if _TIME.fullmatch(at_text) else None
    except ValueError:
        at = None
    if day is None:
        errors["day"] = "Date: please enter a date like 2026-03-31."
    if at is None:
        errors["at"] = "Time: please enter a time like 14:30."
    data: dict[str, Any] = {
        "minutes": form.get("minutes") or 60,
        "modality": form.get("modality") or AppointmentModality.IN_PERSON.value,
        "location": form.get("location", ""),
        "purpose": form.get("purpose", ""),
    }
    if viewer.user.role == Role.PEER_SPECIALIST:
        data["member_id"] = form.get("member_id") or None
    if day is not None and at is not None:
        data["starts_at"] = service.from_local(day, at, viewer.user.organization)
    else:
        data["starts_at"] = datetime(2000, 1, 1).astimezone()  # checked below; errors win
    try:
        parsed = AppointmentIn.model_validate(data)
    except ValidationError as exc:
        errors.update(_friendly(exc))
        parsed = None
    if errors or parsed is None:
        raise Invalid(
            "Nothing was saved yet: please look at the parts marked below.", errors=errors
        )
    return parsed


def _list_page(
    request: Request,
    db: DbSession,
    viewer: Me,
    *,
    form: dict[str, str] | None = None,
    error: str = "",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    views = service.my_appointments(db, viewer)
    is_member = viewer.user.role == Role.MEMBER
    return render(
        request,
        "workspace/appointments/list.html",
        {
            "title": "My appointments" if is_member else "Appointments",
            "is_member": is_member,
            "upcoming": [v for v in views if v.upcoming],
            "past": [v for v in reversed(views) if not v.upcoming],
            "members": service.member_choices(db, viewer),
            "form": form or {"minutes": "60", "modality": "in_person"},
            "minutes": MINUTES,
            "modalities": MODALITIES,
            "timezone": service.zone(viewer.user.organization).key,
            "error": error,
            "errors": errors or {},
        },
        status_code=status_code,
    )


@pages.get("/appointments")
def appointments_page(request: Request, db: DbSession, viewer: Me) -> Response:
    _own_schedule(viewer)
    return _list_page(request, db, viewer)


@pages.post("/appointments")
async def appointments_submit(request: Request, db: DbSession, viewer: Me) -> Response:
    _own_schedule(viewer)
    raw = await request.form()
    form = {k: str(raw.get(k, "")) for k in FIELDS}
    try:
        appt = service.create(db, viewer, _from_form(viewer, form))
    except Invalid as exc:
        return _list_page(
            request, db, viewer, form=form, error=exc.message, errors=exc.errors, status_code=422
        )
    message = (
        "Your request is sent. Your peer specialist will confirm it."
        if viewer.user.role == Role.MEMBER
        else "The appointment is scheduled."
    )
    return redirect(f"/appointments/{appt.id}", request, message)


@pages.get("/appointments.ics")
def my_calendar(db: DbSession, viewer: Me) -> Response:
    _own_schedule(viewer)
    views = service.my_appointments(db, viewer)
    body = service.to_ics(views, viewer, "peerpath appointments")
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="appointments.ics"',
            "Cache-Control": "no-store",
        },
    )


@pages.get("/appointments/{appointment_id}")
def appointment_page(
    request: Request, db: DbSession, viewer: Me, appointment_id: RecordId
) -> Response:
    v = service.view(db, viewer, appointment_id)
    a = v.appointment
    is_peer = viewer.user.id == a.peer_specialist_id
    return render(
        request,
        "workspace/appointments/appointment.html",
        {
            "title": "Appointment",
            "v": v,
            "is_peer": is_peer,
            "can_cancel": a.status in service.OPEN
            and viewer.user.id in (a.member_id, a.peer_specialist_id),
        },
    )


@pages.get("/appointments/{appointment_id}/event.ics")
def appointment_calendar(db: DbSession, viewer: Me, appointment_id: RecordId) -> Response:
    v = service.view(db, viewer, appointment_id)
    return Response(
        service.to_ics([v], viewer, "peerpath appointment"),
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="appointment-{appointment_id}.ics"',
            "Cache-Control": "no-store",
        },
    )


@pages.get("/appointments/{appointment_id}/cancel")
def cancel_confirm_page(
    request: Request, db: DbSession, viewer: Me, appointment_id: RecordId
) -> Response:
    # Only someone who may cancel sees the question (WRITE check, audited).
    service.appointment_for_viewer(db, viewer, appointment_id, Action.WRITE)
    v = service.view(db, viewer, appointment_id)
    return render(
        request, "workspace/appointments/cancel.html", {"title": "Cancel this appointment?", "v": v}
    )


@pages.post("/appointments/{appointment_id}/cancel")
def cancel_submit(
    request: Request, db: DbSession, viewer: Me, appointment_id: RecordId
) -> Response:
    service.cancel(db, viewer, appointment_id)
    return redirect(f"/appointments/{appointment_id}", request, "The appointment is cancelled.")


@pages.post("/appointments/{appointment_id}/confirm")
def confirm_submit(
    request: Request, db: DbSession, viewer: Me, appointment_id: RecordId
) -> Response:
    service.confirm(db, viewer, appointment_id)
    return redirect(f"/appointments/{appointment_id}", request, "The appointment is confirmed.")


@pages.post("/appointments/{appointment_id}/done")
def done_submit(request: Request, db: DbSession, viewer: Me, appointment_id: RecordId) -> Response:
    service.mark_done(db, viewer, appointment_id)
    return redirect(f"/appointments/{appointment_id}", request, "Marked as done.")


# ---- API ---------------------------------------------------------------------------------


@api.get("/appointments", response_model=list[AppointmentRead])
def api_list(db: DbSession, viewer: Me) -> list[AppointmentRead]:
    _own_schedule(viewer)
    return [_read(v) for v in service.my_appointments(db, viewer)]


@api.post(
    "/appointments",
    response_model=AppointmentRead,
    status_code=201,
    dependencies=[Depends(_own_schedule)],
)
def api_create(db: DbSession, viewer: Me, body: AppointmentIn) -> AppointmentRead:
    _own_schedule(viewer)
    appt = service.create(db, viewer, body)
    return _read(service.view(db, viewer, appt.id))


@api.get("/appointments/{appointment_id}", response_model=AppointmentRead)
def api_get(db: DbSession, viewer: Me, appointment_id: RecordId) -> AppointmentRead:
    return _read(service.view(db, viewer, appointment_id))


@api.post("/appointments/{appointment_id}/cancel", response_model=AppointmentRead)
def api_cancel(db: DbSession, viewer: Me, appointment_id: RecordId) -> AppointmentRead:
    service.cancel(db, viewer, appointment_id)
    return _read(service.view(db, viewer, appointment_id))


@api.post("/appointments/{appointment_id}/confirm", response_model=AppointmentRead)
def api_confirm(db: DbSession, viewer: Me, appointment_id: RecordId) -> AppointmentRead:
    service.confirm(db, viewer, appointment_id)
    return _read(service.view(db, viewer, appointment_id))


@api.post("/appointments/{appointment_id}/done", response_model=AppointmentRead)
def api_done(db: DbSession, viewer: Me, appointment_id: RecordId) -> AppointmentRead:
    service.mark_done(db, viewer, appointment_id)
    return _read(service.view(db, viewer, appointment_id))
