"""THE access policy: every read or write of a member's data is decided here, and audited here.

Deny by default. A viewer's relationship to a member (self, assigned peer specialist, that
specialist's supervisor, same-organization admin, linked supporter) grants a fixed set of
(section, action) pairs; anything else is refused. A refusal answers NotFound, the same as a
record that does not exist, so existence never leaks across people or organizations.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session

from peerpath.core import audit
from peerpath.core.audit import Viewer
from peerpath.core.errors import Forbidden, NotFound
from peerpath.db.models import (
    CaseloadAssignment,
    JournalEntry,
    Role,
    SupervisionAssignment,
    SupporterLink,
    User,
)


class Section(enum.StrEnum):
    """The parts of a member's record that the policy tells apart."""

    PROFILE = "profile"  # preferred name, pronouns, account facts
    PLAN = "plan"  # recovery plan: vision, strengths, goals, decisions, supporters map
    WELLNESS_PLAN = "wellness_plan"  # toolbox, daily maintenance, triggers, early signs
    CRISIS_PLAN = "crisis_plan"  # when things break down, crisis and post-crisis plan
    CHECKINS = "checkins"  # check-ins, wellness-tool log, setbacks, progress views
    MEASURES = "measures"  # questionnaire responses and scores
    NOTES = "notes"  # session notes about the member
    JOURNAL = "journal"  # private journal: the member alone, unless they share an entry
    AUDIT = "audit"  # who has looked at the record


class Action(enum.StrEnum):
    READ = "read"
    # For anyone but the member, a write to the plan becomes a proposal the member decides on.
    WRITE = "write"
    SIGN = "sign"


class Relation(enum.StrEnum):
    SELF = "self"
    ASSIGNED_PEER = "assigned_peer_specialist"
    SUPERVISOR = "supervisor_of_assigned_peer_specialist"
    ADMIN = "admin"
    SUPPORTER = "linked_supporter"
    NONE = "none"


R, W, S = Action.READ, Action.WRITE, Action.SIGN
PLAN_PARTS = (Section.PLAN, Section.WELLNESS_PLAN, Section.CRISIS_PLAN)
GRANTS: dict[Relation, frozenset[tuple[Section, Action]]] = {
    Relation.SELF: frozenset((s, a) for s in Section for a in Action),
    Relation.ASSIGNED_PEER: frozenset(
        {(Section.PROFILE, R), (Section.NOTES, R), (Section.NOTES, W), (Section.PLAN, S)}
        | {(part, a) for part in PLAN_PARTS for a in (R, W)}
        # Progress conversations: the peer specialist reads check-ins and scores, never
        # writes them. The journal stays private except entries the member shares one by one.
        | {(Section.CHECKINS, R), (Section.MEASURES, R)}
    ),
    Relation.SUPERVISOR: frozenset(
        {(Section.PROFILE, R), (Section.NOTES, R), (Section.PLAN, S)}
        | {(part, R) for part in PLAN_PARTS}
    ),
    # Admins manage accounts: they see who a member is, never what a member wrote.
    Relation.ADMIN: frozenset({(Section.PROFILE, R), (Section.PROFILE, W)}),
    # Until members can grant more (the sharing issue), a supporter sees only who invited them.
    Relation.SUPPORTER: frozenset({(Section.PROFILE, R)}),
    Relation.NONE: frozenset(),
}


def relation_to_member(db: Session, viewer: User, member: User) -> Relation:
    if viewer.organization_id != member.organization_id or not viewer.is_active:
        return Relation.NONE
    if viewer.id == member.id:
        return Relation.SELF
    if viewer.role == Role.PEER_SPECIALIST:
        if assigned_peer_id(db, member) == viewer.id:
            return Relation.ASSIGNED_PEER
    elif viewer.role == Role.SUPERVISOR:
        peer_id = assigned_peer_id(db, member)
        if peer_id is not None and supervisor_id_of(db, member.organization_id, peer_id) == (
            viewer.id
        ):
            return Relation.SUPERVISOR
    elif viewer.role == Role.ADMIN:
        return Relation.ADMIN
    elif viewer.role == Role.SUPPORTER:
        link = db.scalar(
            select(SupporterLink.id).where(
                SupporterLink.organization_id == member.organization_id,
                SupporterLink.supporter_id == viewer.id,
                SupporterLink.member_id == member.id,
            )
        )
        if link is not None:
            return Relation.SUPPORTER
    return Relation.NONE


def can(db: Session, viewer: User, member: User, section: Section, action: Action) -> bool:
    """The decision alone, without audit: for showing or hiding a link, never for data."""
    relation = relation_to_member(db, viewer, member)
    if relation == Relation.SELF and section == Section.NOTES:
        # Transparency: members read the notes about them (and comment on them) unless their
        # organization has turned that off. Members never write the notes themselves.
        return action == Action.READ and _members_read_notes(member)
    return (section, action) in GRANTS[relation]


def _members_read_notes(member: User) -> bool:
    from peerpath.core.org_settings import org_settings

    return org_settings(member.organization).member_reads_notes


def notes_member_ids(viewer: Viewer) -> Select[int]:
    """The ids of the members whose session notes `viewer` may read, as a subquery: the same
    decision as can(..., Section.NOTES, Action.READ), for searches and lists that must filter
    before they count. The caller audits what it shows."""
    user = viewer.user
    members = select(User.id).where(
        User.organization_id == user.organization_id, User.role == Role.MEMBER
    )
    if not user.is_active:
        return members.where(false())
    assigned = select(CaseloadAssignment.member_id).where(
        CaseloadAssignment.organization_id == user.organization_id
    )
    if user.role == Role.PEER_SPECIALIST:
        return members.where(
            User.id.in_(assigned.where(CaseloadAssignment.peer_specialist_id == user.id))
        )
    if user.role == Role.SUPERVISOR:
        supervised = select(SupervisionAssignment.peer_specialist_id).where(
            SupervisionAssignment.organization_id == user.organization_id,
            SupervisionAssignment.supervisor_id == user.id,
        )
        return members.where(
            User.id.in_(assigned.where(CaseloadAssignment.peer_specialist_id.in_(supervised)))
        )
    if user.role == Role.MEMBER and _members_read_notes(user):
        return members.where(User.id == user.id)
    return members.where(false())


def member_for_viewer(
    db: Session,
    viewer: Viewer,
    member_id: int,
    section: Section,
    action: Action = Action.READ,
    *,
    record_type: str = "member",
    record_id: object = None,
) -> User:
    """Load member `member_id` for `viewer` to `action` on `section`, or raise NotFound.

    Writes one audit row either way.
    """
    member = db.get(User, member_id)
    if member is None or member.role != Role.MEMBER:
        member = None
    allowed = member is not None and can(db, viewer.user, member, section, action)
    audit.record(
        db,
        viewer=viewer,
        action=f"{action}:{section}",
        record_type=record_type,
        record_id=member_id if record_id is None else record_id,
        # Only a real member of the viewer's own organization is named as subject, so a
        # probe of another tenant's ids never appears in that tenant's "who looked" page.
        subject_member_id=member.id
        if member is not None and member.organization_id == viewer.org_id
        else None,
        allowed=allowed,
    )
    if not allowed or member is None:
        raise NotFound()
    return member


def shared_journal_entry_for_viewer(
    db: Session, viewer: Viewer, member_id: int, entry_id: int
) -> JournalEntry:
    """One journal entry: the member always; their assigned peer specialist only while the
    member shares that entry. Everyone else, and every other entry: NotFound. Audited."""
    member = db.get(User, member_id)
    entry = db.get(JournalEntry, entry_id)
    relation = (
        relation_to_member(db, viewer.user, member)
        if member is not None and member.role == Role.MEMBER
        else Relation.NONE
    )
    belongs = (
        entry is not None
        and member is not None
        and entry.member_id == member.id
        and entry.organization_id == member.organization_id
    )
    allowed = belongs and (
        relation == Relation.SELF
        or (
            relation == Relation.ASSIGNED_PEER
            and entry is not None
            and entry.shared_with_peer_at is not None
        )
    )
    audit.record(
        db,
        viewer=viewer,
        action="read:journal",
        record_type="journal_entry",
        record_id=entry_id,
        subject_member_id=member.id
        if member is not None and member.organization_id == viewer.org_id
        else None,
        allowed=allowed,
    )
    if not allowed or entry is None:
        raise NotFound()
    return entry


def member_for_shared_journal(db: Session, viewer: Viewer, member_id: int) -> User:
    """The member whose shared journal entries `viewer` may list: the member themself, or
    their assigned peer specialist. The caller then lists only entries with
    shared_with_peer_at set (GRANTS give the peer no JOURNAL read, so member_for_viewer
    would refuse). Everyone else: NotFound. Audited as read:journal_shared."""
    member = db.get(User, member_id)
    relation = (
        relation_to_member(db, viewer.user, member)
        if member is not None and member.role == Role.MEMBER
        else Relation.NONE
    )
    allowed = relation in (Relation.SELF, Relation.ASSIGNED_PEER)
    audit.record(
        db,
        viewer=viewer,
        action="read:journal_shared",
        record_type="journal_shared_entries",
        record_id=member_id,
        subject_member_id=member.id
        if member is not None and member.organization_id == viewer.org_id
        else None,
        allowed=allowed,
    )
    if not allowed or member is None:
        raise NotFound()
    return member


def members_for_viewer(db: Session, viewer: Viewer) -> Sequence[User]:
    """The members whose profile this viewer may list, audited as one caseload read."""
    user = viewer.user
    query = select(User).where(
        User.organization_id == user.organization_id, User.role == Role.MEMBER
    )
    if user.role == Role.PEER_SPECIALIST:
        query = query.join(
            CaseloadAssignment,
            (CaseloadAssignment.member_id == User.id)
            & (CaseloadAssignment.organization_id == User.organization_id),
        ).where(CaseloadAssignment.peer_specialist_id == user.id)
    elif user.role == Role.SUPERVISOR:
        supervised = select(SupervisionAssignment.peer_specialist_id).where(
            SupervisionAssignment.organization_id == user.organization_id,
            SupervisionAssignment.supervisor_id == user.id,
        )
        query = query.join(
            CaseloadAssignment,
            (CaseloadAssignment.member_id == User.id)
            & (CaseloadAssignment.organization_id == User.organization_id),
        ).where(CaseloadAssignment.peer_specialist_id.in_(supervised))
    elif user.role == Role.SUPPORTER:
        query = query.join(
            SupporterLink,
            (SupporterLink.member_id == User.id)
            & (SupporterLink.organization_id == User.organization_id),
        ).where(SupporterLink.supporter_id == user.id)
    elif user.role == Role.MEMBER:
        query = query.where(User.id == user.id)
    elif user.role != Role.ADMIN:
        query = query.where(false())
    members = db.scalars(query.order_by(User.display_name, User.id)).all()
    audit.record(
        db,
        viewer=viewer,
        action="read:list",
        record_type="member_list",
        allowed=True,
        detail=f"{len(members)} members",
    )
    return members


def assigned_peer_id(db: Session, member: User) -> int | None:
    return db.scalar(
        select(CaseloadAssignment.peer_specialist_id).where(
            CaseloadAssignment.organization_id == member.organization_id,
            CaseloadAssignment.member_id == member.id,
        )
    )


def supervisor_id_of(db: Session, organization_id: int, peer_specialist_id: int) -> int | None:
    return db.scalar(
        select(SupervisionAssignment.supervisor_id).where(
            SupervisionAssignment.organization_id == organization_id,
            SupervisionAssignment.peer_specialist_id == peer_specialist_id,
        )
    )


def require_role(viewer: Viewer, *roles: Role) -> None:
    """Role gate for whole pages (admin screens, the caseload); holds no member data itself."""
    if viewer.user.role not in roles:
        raise Forbidden()


def user_in_own_org(db: Session, viewer: Viewer, user_id: int, *, action: str) -> User:
    """An admin's view of an account in their own organization; other tenants' are 'not there'."""
    require_role(viewer, Role.ADMIN)
    user = db.get(User, user_id)
    allowed = user is not None and user.organization_id == viewer.org_id
    audit.record(
        db,
        viewer=viewer,
        action=action,
        record_type="user",
        record_id=user_id,
        subject_member_id=user.id
        if allowed and user is not None and user.role == Role.MEMBER
        else None,
        allowed=allowed,
    )
    if not allowed or user is None:
        raise NotFound()
    return user
