"""Peer support groups: the group and its weekly rule, sessions generated for a date range or
added one by one, the roster, attendance, a group note per session, and links from an
attendee's individual session note to the group session.

Who sees what:
- the organization's peer specialists and supervisors see every group and its sessions and
  group notes; attendees' names only for the facilitator (who takes attendance) and for staff
  whose own access to that member's notes the policy grants (core.access.notes_member_ids);
  everyone else sees a count;
- a member sees the groups they are on the roster of, its schedule, and their own
  attendance; never the group note or anyone else's name.
Adding someone to a roster needs the notes write grant for that member (their peer
specialist). The facilitator records attendance and writes the group note.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.core import access, audit
from peerpath.core.access import Action, Section
from peerpath.core.audit import Viewer
from peerpath.core.errors import Conflict, EditConflict, Forbidden, Invalid, NotFound
from peerpath.db.base import utcnow
from peerpath.db.models import (
    GroupAttendance,
    GroupMember,
    GroupSession,
    GroupSessionNote,
    NoteModality,
    PeerGroup,
    Role,
    SessionNote,
    User,
)
from peerpath.workspace.groups.schemas import GroupIn, SessionsIn

STAFF = (Role.PEER_SPECIALIST, Role.SUPERVISOR)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MAX_RANGE_DAYS = 366


@dataclass
class Attendee:
    member_id: int
    name: str
    present: bool
    can_write_note: bool = False


@dataclass
class SessionView:
    session: GroupSession
    group: PeerGroup
    is_staff: bool
    is_facilitator: bool
    attendees: list[Attendee] = field(default_factory=list)  # names the viewer may see
    others_present: int = 0
    me_present: bool | None = None  # a member's own attendance
    linked_notes: list[SessionNote] = field(default_factory=list)

    @property
    def group_note(self) -> str | None:
        return self.session.group_note if self.is_staff else None


def _is_staff(viewer: Viewer) -> bool:
    return viewer.user.role in STAFF and viewer.user.is_active


def _on_roster(db: Session, group_id: int, member_id: int) -> bool:
    return (
        db.scalar(
            select(GroupMember.id).where(
                GroupMember.group_id == group_id, GroupMember.member_id == member_id
            )
        )
        is not None
    )


def group_for_viewer(db: Session, viewer: Viewer, group_id: int) -> PeerGroup:
    group = db.get(PeerGroup, group_id)
    allowed = (
        group is not None
        and group.organization_id == viewer.org_id
        and (
            _is_staff(viewer)
            or (viewer.user.role == Role.MEMBER and _on_roster(db, group.id, viewer.user.id))
        )
    )
    audit.record(
        db,
        viewer=viewer,
        action="read:group",
        record_type="peer_group",
        record_id=group_id,
        allowed=allowed,
    )
    if not allowed or group is None:
        raise NotFound()
    return group


def facilitated_group(db: Session, viewer: Viewer, group_id: int) -> PeerGroup:
    group = group_for_viewer(db, viewer, group_id)
    if group.facilitator_id != viewer.user.id:
        raise NotFound()
    return group


def session_for_viewer(db: Session, viewer: Viewer, session_id: int) -> GroupSession:
    session = db.get(GroupSession, session_id)
    if session is None or session.organization_id != viewer.org_id:
        group_for_viewer(db, viewer, 0)  # audited refusal
        raise NotFound()
    group_for_viewer(db, viewer, session.group_id)
    return session


def list_groups(db: Session, viewer: Viewer) -> list[PeerGroup]:
    query = select(PeerGroup).where(
        PeerGroup.organization_id == viewer.org_id, PeerGroup.is_active.is_(True)
    )
    if viewer.user.role == Role.MEMBER:
        query = query.where(
            PeerGroup.id.in_(
                select(GroupMember.group_id).where(GroupMember.member_id == viewer.user.id)
            )
        )
    elif not _is_staff(viewer):
        raise Forbidden()
    return list(db.scalars(query.order_by(PeerGroup.name, PeerGroup.id)))


def facilitators(db: Session, viewer: Viewer) -> list[User]:
    return list(
        db.scalars(
            select(User)
            .where(
                User.organization_id == viewer.org_id,
                User.role == Role.PEER_SPECIALIST,
                User.is_active.is_(True),
            )
            .order_by(User.display_name, User.id)
        )
    )


def create_group(db: Session, viewer: Viewer, data: GroupIn) -> PeerGroup:
    if not _is_staff(viewer):
        raise Forbidden()
    facilitator_id = data.facilitator_id or (
        viewer.user.id if viewer.user.role == Role.PEER_SPECIALIST else None
    )
    if facilitator_id is None or facilitator_id not in {u.id for u in facilitators(db, viewer)}:
        raise Invalid(
            "Please choose the peer specialist who facilitates the group.",
            errors={"facilitator_id": "Please choose a peer specialist."},
        )
    group = PeerGroup(
        organization_id=viewer.org_id,
        name=data.name,
        description=data.description,
        location=data.location,
        facilitator_id=facilitator_id,
        weekday=data.weekday,
        start_time=data.start_time,
        duration_minutes=data.duration_minutes,
        is_active=True,
        created_at=utcnow(),
    )
    db.add(group)
    db.flush()
    return group


def sessions_of(db: Session, group: PeerGroup) -> list[GroupSession]:
    return list(
        db.scalars(
            select(GroupSession)
            .where(GroupSession.group_id == group.id)
            .order_by(GroupSession.session_date.desc())
        )
    )


def recurring_dates(weekday: int, start: date, end: date) -> list[date]:
    first = start + timedelta(days=(weekday - start.weekday()) % 7)
    return (
        [first + timedelta(weeks=i) for i in range(((end - first).days // 7) + 1)]
        if first <= end
        else []
    )


def add_sessions(
    db: Session, viewer: Viewer, group_id: int, data: SessionsIn
) -> list[GroupSession]:
    """The facilitator adds one session, or the group's weekly sessions for a date range.
    Dates that already have a session are left as they are (generating twice adds nothing)."""
    group = facilitated_group(db, viewer, group_id)
    errors: dict[str, str] = {}
    if data.on is not None:
        dates = [data.on]
    elif data.start is not None and data.end is not None:
        if group.weekday is None:
            errors["start"] = "This group has no weekly day: add sessions one by one."
        elif data.end < data.start:
            errors["end"] = "The last day comes before the first."
        elif (data.end - data.start).days > MAX_RANGE_DAYS:
            errors["end"] = "Please choose a range of a year or less."
        dates = recurring_dates(group.weekday or 0, data.start, data.end) if not errors else []
    else:
        errors["on"] = "Please give a date, or a first and last day."
        dates = []
    if errors:
        raise Invalid(
            "No sessions were added: please look at the parts marked below.", errors=errors
        )
    existing = set(
        db.scalars(
            select(GroupSession.session_date).where(
                GroupSession.group_id == group.id, GroupSession.session_date.in_(dates)
            )
        )
    )
    added = []
    for day in dates:
        if day in existing:
            continue
        session = GroupSession(
            organization_id=group.organization_id,
            group_id=group.id,
            session_date=day,
            start_time=group.start_time,
            duration_minutes=group.duration_minutes,
            cancelled=False,
            group_note="",
            version=1,
        )
        db.add(session)
        added.append(session)
    db.flush()
    return added


def roster(db: Session, group: PeerGroup) -> list[GroupMember]:
    return list(db.scalars(select(GroupMember).where(GroupMember.group_id == group.id)))


def add_to_roster(db: Session, viewer: Viewer, group_id: int, member_id: int) -> GroupMember:
    """A member joins a group through their own peer specialist (notes write grant)."""
    group = group_for_viewer(db, viewer, group_id)
    if not _is_staff(viewer):
        raise NotFound()
    member = access.member_for_viewer(
        db,
        viewer,
        member_id,
        Section.NOTES,
        Action.WRITE,
        record_type="group_member",
        record_id=group_id,
    )
    if _on_roster(db, group.id, member.id):
        raise Conflict(f"{member.display_name} is on this group's list already.")
    entry = GroupMember(
        organization_id=group.organization_id,
        group_id=group.id,
        member_id=member.id,
        added_by_id=viewer.user.id,
        added_at=utcnow(),
    )
    db.add(entry)
    db.flush()
    return entry


def _names(db: Session, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())


def _readable(db: Session, viewer: Viewer, ids: Sequence[int]) -> set[int]:
    if not ids:
        return set()
    allowed = access.notes_member_ids(viewer).where(User.id.in_(ids))
    return set(db.scalars(allowed))


def session_view(db: Session, viewer: Viewer, session_id: int) -> SessionView:
    session = session_for_viewer(db, viewer, session_id)
    group = db.get(PeerGroup, session.group_id)
    assert group is not None
    staff = _is_staff(viewer)
    view = SessionView(session, group, staff, group.facilitator_id == viewer.user.id)
    present = set(
        db.scalars(
            select(GroupAttendance.member_id).where(GroupAttendance.session_id == session.id)
        )
    )
    if not staff:
        view.me_present = viewer.user.id in present
        return view
    on_roster = [m.member_id for m in roster(db, group)]
    everyone = sorted(set(on_roster) | present)
    readable = _readable(db, viewer, everyone)
    shown = set(everyone) if view.is_facilitator else readable
    names = _names(db, sorted(shown))
    view.attendees = sorted(
        (
            Attendee(
                i,
                names.get(i, ""),
                i in present,
                i in readable and viewer.user.role == Role.PEER_SPECIALIST,
            )
            for i in shown
        ),
        key=lambda a: (a.name, a.member_id),
    )
    view.others_present = len(present - shown)
    # Individual notes linked to this session, only those the viewer may read.
    linked = select(GroupSessionNote.session_note_id).where(
        GroupSessionNote.group_session_id == session.id
    )
    view.linked_notes = list(
        db.scalars(
            select(SessionNote)
            .where(
                SessionNote.id.in_(linked),
                SessionNote.member_id.in_(access.notes_member_ids(viewer)),
            )
            .order_by(SessionNote.id)
        )
    )
    return view


def set_attendance(
    db: Session, viewer: Viewer, session_id: int, present: Sequence[int]
) -> set[int]:
    """The facilitator records who was there: people on the group's list only."""
    session = session_for_viewer(db, viewer, session_id)
    group = facilitated_group(db, viewer, session.group_id)
    allowed = {m.member_id for m in roster(db, group)}
    wanted = set(present)
    if wanted - allowed:
        raise Invalid(
            "Attendance was not saved: only people on the group's list can be marked present.",
            errors={"present": "Someone chosen is not on this group's list."},
        )
    current = {
        a.member_id: a
        for a in db.scalars(select(GroupAttendance).where(GroupAttendance.session_id == session.id))
    }
    for member_id, row in current.items():
        if member_id not in wanted:
            db.delete(row)
    for member_id in sorted(wanted - set(current)):
        db.add(
            GroupAttendance(
                organization_id=session.organization_id,
                session_id=session.id,
                member_id=member_id,
                recorded_by_id=viewer.user.id,
                recorded_at=utcnow(),
            )
        )
    db.flush()
    return wanted


def save_group_note(
    db: Session, viewer: Viewer, session_id: int, text: str, version: int
) -> GroupSession:
    session = session_for_viewer(db, viewer, session_id)
    facilitated_group(db, viewer, session.group_id)
    if version != session.version:
        raise EditConflict(
            current={"Group note": session.group_note},
            yours={"Group note": text},
            back_url=f"/group-sessions/{session.id}",
        )
    session.group_note = text
    session.version += 1
    session.note_updated_by_id = viewer.user.id
    session.note_updated_at = utcnow()
    db.flush()
    return session


def link_note(db: Session, viewer: Viewer, session_id: int, note_id: int) -> GroupSessionNote:
    """Refer an attendee's individual note (modality group) to this group session."""
    from peerpath.workspace.notes.service import note_for_viewer

    session = session_for_viewer(db, viewer, session_id)
    note, member = note_for_viewer(db, viewer, note_id, Action.WRITE)
    errors: dict[str, str] = {}
    attended = db.scalar(
        select(GroupAttendance.id).where(
            GroupAttendance.session_id == session.id, GroupAttendance.member_id == member.id
        )
    )
    if attended is None:
        errors["session_note_id"] = f"{member.display_name} is not marked present at this session."
    elif note.modality != NoteModality.GROUP:
        errors["session_note_id"] = (
            "Only a note with the modality Group can refer to a group session."
        )
    if errors:
        raise Invalid("The note was not linked.", errors=errors)
    existing = db.scalar(
        select(GroupSessionNote).where(GroupSessionNote.session_note_id == note.id)
    )
    if existing is not None:
        if existing.group_session_id == session.id:
            return existing
        raise Conflict("This note refers to another group session already.")
    link = GroupSessionNote(
        organization_id=session.organization_id,
        group_session_id=session.id,
        session_note_id=note.id,
    )
    db.add(link)
    db.flush()
    return link


def linkable_notes(db: Session, viewer: Viewer, view: SessionView) -> list[SessionNote]:
    """The viewer's own group-modality notes about attendees on the session's day, not yet
    linked anywhere: offered as one-click links on the session page."""
    present = [a.member_id for a in view.attendees if a.present and a.can_write_note]
    if not present or viewer.user.role != Role.PEER_SPECIALIST:
        return []
    linked = select(GroupSessionNote.session_note_id)
    return list(
        db.scalars(
            select(SessionNote).where(
                SessionNote.member_id.in_(present),
                SessionNote.member_id.in_(access.notes_member_ids(viewer)),
                SessionNote.author_id == viewer.user.id,
                SessionNote.modality == NoteModality.GROUP,
                SessionNote.contact_date == view.session.session_date,
                SessionNote.id.not_in(linked),
            )
        )
    )


def weekday_label(group: PeerGroup) -> str:
    if group.weekday is None:
        return "No weekly day (sessions added one by one)"
    return f"Every {WEEKDAYS[group.weekday]} at {group.start_time.strftime('%H:%M')}"


def start_label(at: time) -> str:
    return at.strftime("%H:%M")


def my_attendance(db: Session, viewer: Viewer, session_ids: Sequence[int]) -> set[int]:
    """The sessions (of those given) the signed-in member was present at."""
    if not session_ids:
        return set()
    return set(
        db.scalars(
            select(GroupAttendance.session_id).where(
                GroupAttendance.member_id == viewer.user.id,
                GroupAttendance.session_id.in_(session_ids),
            )
        )
    )


def roster_choices(db: Session, viewer: Viewer, roster_ids: Sequence[int]) -> list[User]:
    """Members a peer specialist may add to a group: their caseload, minus those on it."""
    if viewer.user.role != Role.PEER_SPECIALIST:
        return []
    return [m for m in access.members_for_viewer(db, viewer) if m.id not in set(roster_ids)]
