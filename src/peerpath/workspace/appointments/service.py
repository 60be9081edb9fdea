"""Appointments between a peer specialist and a member: schedule, request, confirm, cancel,
mark done, and export as iCalendar (.ics).

Access goes through core.access like every member record: the member themself (their own
schedule, Section.PROFILE, which the member always holds) or staff through the notes grant
(Section.NOTES: the assigned peer specialist reads and writes, that specialist's supervisor
reads). Admins and supporters see no appointments. Times are stored in UTC and shown in the
organization's time zone (org setting `timezone`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerpath.core import access, audit
from peerpath.core.access import Action, Section
from peerpath.core.audit import Viewer
from peerpath.core.errors import Conflict, Forbidden, Invalid, NotFound
from peerpath.core.org_settings import org_settings
from peerpath.db.base import utcnow
from peerpath.db.models import (
    Appointment,
    AppointmentModality,
    AppointmentStatus,
    Organization,
    Role,
    User,
)
from peerpath.workspace.appointments.schemas import AppointmentIn

MODALITY_LABELS = {
    AppointmentModality.IN_PERSON: "In person",
    AppointmentModality.PHONE: "Phone",
    AppointmentModality.VIDEO: "Video",
    AppointmentModality.COMMUNITY: "In the community",
}
OPEN = (AppointmentStatus.SCHEDULED, AppointmentStatus.REQUESTED)
PRODID = "-//peerpath//appointments//EN"


def zone(organization: Organization) -> ZoneInfo:
    return ZoneInfo(org_settings(organization).timezone)


def local(moment: datetime, organization: Organization) -> datetime:
    return moment.astimezone(zone(organization))


def from_local(day: date, at: time, organization: Organization) -> datetime:
    return datetime.combine(day, at, tzinfo=zone(organization)).astimezone(UTC)


@dataclass(frozen=True)
class AppointmentView:
    appointment: Appointment
    member: User
    peer: User
    starts_local: datetime
    ends_local: datetime

    @property
    def modality_label(self) -> str:
        return MODALITY_LABELS[self.appointment.modality]

    @property
    def upcoming(self) -> bool:
        return self.appointment.ends_at >= utcnow()


def _member(db: Session, viewer: Viewer, member_id: int, action: Action, **kw: object) -> User:
    """The member's own schedule is theirs (PROFILE, held in full by the member); for anyone
    else appointments ride on the notes grant. Audited by member_for_viewer."""
    section = Section.PROFILE if viewer.user.id == member_id else Section.NOTES
    return access.member_for_viewer(db, viewer, member_id, section, action, **kw)  # type: ignore[arg-type]


def appointment_for_viewer(
    db: Session, viewer: Viewer, appointment_id: int, action: Action = Action.READ
) -> tuple[Appointment, User]:
    appt = db.get(Appointment, appointment_id)
    member_id = appt.member_id if appt is not None and appt.organization_id == viewer.org_id else 0
    member = _member(
        db, viewer, member_id, action, record_type="appointment", record_id=appointment_id
    )
    if appt is None:
        raise NotFound()
    return appt, member


def _views(db: Session, appts: Sequence[Appointment]) -> list[AppointmentView]:
    ids = {a.member_id for a in appts} | {a.peer_specialist_id for a in appts}
    people = {u.id: u for u in db.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    out = []
    for a in appts:
        org = people[a.member_id].organization
        out.append(
            AppointmentView(
                a,
                people[a.member_id],
                people[a.peer_specialist_id],
                local(a.starts_at, org),
                local(a.ends_at, org),
            )
        )
    return out


def view(db: Session, viewer: Viewer, appointment_id: int) -> AppointmentView:
    appt, _ = appointment_for_viewer(db, viewer, appointment_id)
    return _views(db, [appt])[0]


def my_appointments(
    db: Session, viewer: Viewer, *, past_days: int = 60, limit: int = 200
) -> list[AppointmentView]:
    """The viewer's own appointments (member: theirs; peer specialist: the ones they hold with
    members the policy still lets them read), recent past and all upcoming, by time."""
    user = viewer.user
    since = utcnow() - timedelta(days=past_days)
    query = select(Appointment).where(
        Appointment.organization_id == user.organization_id, Appointment.ends_at >= since
    )
    if user.role == Role.MEMBER:
        _member(db, viewer, user.id, Action.READ, record_type="appointments")
        query = query.where(Appointment.member_id == user.id)
    elif user.role == Role.PEER_SPECIALIST:
        query = query.where(
            Appointment.peer_specialist_id == user.id,
            Appointment.member_id.in_(access.notes_member_ids(viewer)),
        )
    else:
        raise Forbidden()
    appts = db.scalars(query.order_by(Appointment.starts_at, Appointment.id).limit(limit)).all()
    if user.role != Role.MEMBER:
        audit.record(
            db,
            viewer=viewer,
            action="read:list",
            record_type="appointment_list",
            allowed=True,
            detail=f"{len(appts)} appointments",
        )
    return _views(db, appts)


def next_appointments(db: Session, member_ids: Iterable[int]) -> dict[int, Appointment]:
    """Each member's next scheduled appointment (from now), in one query, for the caseload.

    The caller has already decided (through the access policy) that it may show these
    members; this only reads the schedule."""
    ids = sorted(set(member_ids))
    if not ids:
        return {}
    ranked = (
        select(
            Appointment.id,
            func.row_number()
            .over(
                partition_by=Appointment.member_id,
                order_by=(Appointment.starts_at, Appointment.id),
            )
            .label("rank"),
        )
        .where(
            Appointment.member_id.in_(ids),
            Appointment.status == AppointmentStatus.SCHEDULED,
            Appointment.starts_at >= utcnow(),
        )
        .subquery()
    )
    rows = db.scalars(
        select(Appointment).join(ranked, ranked.c.id == Appointment.id).where(ranked.c.rank == 1)
    ).all()
    return {a.member_id: a for a in rows}


def create(db: Session, viewer: Viewer, data: AppointmentIn) -> Appointment:
    """A peer specialist schedules a contact with a member on their caseload; a member asks
    their peer specialist for one (status requested until confirmed)."""
    user = viewer.user
    errors: dict[str, str] = {}
    if user.role == Role.MEMBER:
        if data.member_id not in (None, user.id):
            raise NotFound()
        member = _member(db, viewer, user.id, Action.WRITE, record_type="appointment")
        peer_id = access.assigned_peer_id(db, member)
        if peer_id is None:
            raise Invalid(
                "You do not have a peer specialist yet, so there is no one to ask.",
                errors={"member_id": "No peer specialist is assigned to you yet."},
            )
        status = AppointmentStatus.REQUESTED
    elif user.role == Role.PEER_SPECIALIST:
        if data.member_id is None:
            raise Invalid(
                "Please choose the member.", errors={"member_id": "Please choose the member."}
            )
        member = _member(db, viewer, data.member_id, Action.WRITE, record_type="appointment")
        peer_id = user.id
        status = AppointmentStatus.SCHEDULED
    else:
        raise Forbidden()
    starts = data.starts_at.astimezone(UTC)
    if starts < utcnow() - timedelta(minutes=5):
        errors["starts_at"] = "Please choose a time that has not passed yet."
    if starts > utcnow() + timedelta(days=730):
        errors["starts_at"] = "Please choose a time within the next two years."
    if errors:
        raise Invalid(
            "Nothing was saved yet: please look at the parts marked below.", errors=errors
        )
    now = utcnow()
    appt = Appointment(
        organization_id=member.organization_id,
        member_id=member.id,
        peer_specialist_id=peer_id,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=data.minutes),
        modality=data.modality,
        location=data.location,
        purpose=data.purpose,
        status=status,
        created_by_id=user.id,
        sequence=0,
        created_at=now,
        updated_at=now,
    )
    db.add(appt)
    db.flush()
    return appt


def _change(
    db: Session,
    viewer: Viewer,
    appointment_id: int,
    to: AppointmentStatus,
    allowed_from: tuple[AppointmentStatus, ...],
) -> Appointment:
    appt, _ = appointment_for_viewer(db, viewer, appointment_id, Action.WRITE)
    if appt.status == to:
        return appt
    if appt.status not in allowed_from:
        raise Conflict(f"This appointment is {appt.status.label.lower()} already.")
    appt.status = to
    appt.sequence += 1
    appt.updated_at = utcnow()
    db.flush()
    return appt


def cancel(db: Session, viewer: Viewer, appointment_id: int) -> Appointment:
    """The member or their peer specialist cancels an open appointment."""
    return _change(db, viewer, appointment_id, AppointmentStatus.CANCELLED, OPEN)


def _staff_only(viewer: Viewer) -> None:
    if viewer.user.role != Role.PEER_SPECIALIST:
        raise NotFound()


def confirm(db: Session, viewer: Viewer, appointment_id: int) -> Appointment:
    """The peer specialist accepts a member's request."""
    _staff_only(viewer)
    return _change(
        db, viewer, appointment_id, AppointmentStatus.SCHEDULED, (AppointmentStatus.REQUESTED,)
    )


def mark_done(db: Session, viewer: Viewer, appointment_id: int) -> Appointment:
    _staff_only(viewer)
    return _change(
        db, viewer, appointment_id, AppointmentStatus.DONE, (AppointmentStatus.SCHEDULED,)
    )


# ---- iCalendar ---------------------------------------------------------------------------

ICS_STATUS = {
    AppointmentStatus.REQUESTED: "TENTATIVE",
    AppointmentStatus.SCHEDULED: "CONFIRMED",
    AppointmentStatus.DONE: "CONFIRMED",
    AppointmentStatus.CANCELLED: "CANCELLED",
}


def uid(appt: Appointment, organization: Organization) -> str:
    """Stable for the appointment's life, so re-importing updates instead of duplicating."""
    return f"appointment-{appt.id}@{organization.slug}.peerpath"


def _event(v: AppointmentView, viewer: Viewer) -> Event:
    a = v.appointment
    other = v.peer if viewer.user.id == a.member_id else v.member
    event = Event()
    event.add("uid", uid(a, v.member.organization))
    event.add("dtstamp", a.updated_at.astimezone(UTC))
    event.add("dtstart", a.starts_at.astimezone(UTC))
    event.add("dtend", a.ends_at.astimezone(UTC))
    event.add("sequence", a.sequence)
    event.add("summary", f"Peer support meeting with {other.display_name}")
    event.add("status", ICS_STATUS[a.status])
    event.add("location", a.location or v.modality_label)
    if a.purpose:
        event.add("description", a.purpose)
    return event


def to_ics(views: Iterable[AppointmentView], viewer: Viewer, name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for v in views:
        cal.add_component(_event(v, viewer))
    return bytes(cal.to_ical())


def member_choices(db: Session, viewer: Viewer) -> list[User]:
    """Members a peer specialist may schedule with: their caseload (audited as a list)."""
    if viewer.user.role != Role.PEER_SPECIALIST:
        return []
    return list(access.members_for_viewer(db, viewer))
