"""THE access policy: every read or write of a member's data is decided here, and audited here.

Deny by default. Two things decide together:

- the viewer's relationship to the member (self, assigned peer specialist, that specialist's
  supervisor, same-organization admin, other staff, linked supporter) says which
  (section, action) pairs are *possible* for them at all (CAPABILITIES);
- the member's own sharing grants (db.models.sharing.SharingGrant) say which sections they
  have *shared* with this viewer today: by name, or as "whoever is my peer specialist" /
  "my peer specialist's supervisor". Nobody but the member reads a section without a grant in
  force (not revoked, not past its expiry date), with one exception: staff may open the crisis
  plan in an emergency by giving a reason (EmergencyAccess), which the member is told about.

A refusal answers NotFound, the same as a record that does not exist, so existence never leaks
across people or organizations. Grants are read fresh on every request (a per-database-session
cache is dropped on every flush), so a revocation ends access at the next request, including
for sessions that are already signed in.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
    and_,
    event,
    false,
    insert,
    or_,
    select,
)
from sqlalchemy.orm import Mapper, Session

from peerpath.core import audit
from peerpath.core.audit import Viewer
from peerpath.core.errors import Forbidden, NotFound
from peerpath.db.base import utcnow
from peerpath.db.models import (
    CaseloadAssignment,
    EmergencyAccess,
    JournalEntry,
    Organization,
    RecipientKind,
    Role,
    SharingGrant,
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


# The sections a member can share; profile (who they are) and the audit log are not grants.
SHAREABLE: tuple[Section, ...] = (
    Section.PLAN,
    Section.WELLNESS_PLAN,
    Section.CRISIS_PLAN,
    Section.CHECKINS,
    Section.MEASURES,
    Section.JOURNAL,
    Section.NOTES,
)
STAFF_ROLES = (Role.PEER_SPECIALIST, Role.SUPERVISOR, Role.ADMIN, Role.TRAINEE)


class Relation(enum.StrEnum):
    SELF = "self"
    ASSIGNED_PEER = "assigned_peer_specialist"
    SUPERVISOR = "supervisor_of_assigned_peer_specialist"
    ADMIN = "admin"
    OTHER_STAFF = "other_staff"  # same organization, no relationship: named grants only
    SUPPORTER = "linked_supporter"
    NONE = "none"


R, W, S = Action.READ, Action.WRITE, Action.SIGN
PLAN_PARTS = (Section.PLAN, Section.WELLNESS_PLAN, Section.CRISIS_PLAN)
_READ_SHARED = frozenset((section, R) for section in SHAREABLE)
# What each relationship can do at most. Every section but PROFILE also needs a grant in force
# (or, for the crisis plan, an emergency opening); `can` checks both.
CAPABILITIES: dict[Relation, frozenset[tuple[Section, Action]]] = {
    Relation.SELF: frozenset((s, a) for s in Section for a in Action),
    Relation.ASSIGNED_PEER: frozenset(
        {(Section.PROFILE, R), (Section.NOTES, W), (Section.PLAN, S)}
        # For anyone but the member, a write to the plan becomes a proposal they decide on.
        | {(part, W) for part in PLAN_PARTS}
        | _READ_SHARED
    ),
    Relation.SUPERVISOR: frozenset({(Section.PROFILE, R), (Section.PLAN, S)} | _READ_SHARED),
    # Admins manage accounts: they see who a member is, and what a member shares with them.
    Relation.ADMIN: frozenset({(Section.PROFILE, R), (Section.PROFILE, W)} | _READ_SHARED),
    # Other staff see a member's name only while the member shares something with them.
    Relation.OTHER_STAFF: frozenset({(Section.PROFILE, R)} | _READ_SHARED),
    Relation.SUPPORTER: frozenset({(Section.PROFILE, R)} | _READ_SHARED),
    Relation.NONE: frozenset(),
}
EMERGENCY_RELATIONS = (
    Relation.ASSIGNED_PEER,
    Relation.SUPERVISOR,
    Relation.ADMIN,
    Relation.OTHER_STAFF,
)
EMERGENCY_HOURS = 4


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
        return Relation.SUPPORTER if link is not None else Relation.NONE
    if viewer.role in STAFF_ROLES:
        return Relation.OTHER_STAFF
    return Relation.NONE


def can(db: Session, viewer: User, member: User, section: Section, action: Action) -> bool:
    """The decision alone, without audit: for showing or hiding a link, never for data."""
    return (section, action) in allowed(db, viewer, member)


def allowed(db: Session, viewer: User, member: User) -> frozenset[tuple[Section, Action]]:
    """Every (section, action) `viewer` may do on `member`'s record right now."""
    relation = relation_to_member(db, viewer, member)
    if relation == Relation.SELF:
        # Transparency: members read the notes about them (and comment on them) unless their
        # organization has turned that off. Members never write the notes themselves.
        notes = {(Section.NOTES, Action.READ)} if _members_read_notes(member) else set()
        return frozenset(
            {pair for pair in CAPABILITIES[relation] if pair[0] != Section.NOTES} | notes
        )
    possible = CAPABILITIES[relation]
    if not possible:
        return frozenset()
    shared, emergency = _shared_now(db, viewer, member, relation)
    open_sections = set(shared)
    if emergency:
        open_sections.add(Section.CRISIS_PLAN)
    if relation != Relation.OTHER_STAFF or shared:
        # Staff with no relationship learn who a member is only through a grant to them.
        open_sections.add(Section.PROFILE)
    return frozenset(
        (section, action)
        for section, action in possible
        if section in open_sections
        # An emergency opening is for reading the crisis plan, nothing more.
        and (section in shared or section == Section.PROFILE or action == Action.READ)
    )


def org_today(organization: Organization) -> date:
    """Today in the organization's time zone: a grant "until 30 June" lasts all of 30 June."""
    from peerpath.core.org_settings import org_settings

    return datetime.now(ZoneInfo(org_settings(organization).timezone)).date()


def grant_in_force(today: date) -> ColumnElement[bool]:
    return and_(
        SharingGrant.revoked_at.is_(None),
        or_(SharingGrant.expires_on.is_(None), SharingGrant.expires_on >= today),
    )


_CACHE_KEY = "peerpath.access.shared"


def shared_sections(
    db: Session, viewer: User, member: User, relation: Relation | None = None
) -> frozenset[Section]:
    """The sections `member` shares with `viewer` today, through grants in force."""
    if relation is None:
        relation = relation_to_member(db, viewer, member)
    if relation == Relation.SELF:
        return frozenset(SHAREABLE)
    if relation == Relation.NONE:
        return frozenset()
    return _shared_now(db, viewer, member, relation)[0]


def _shared_now(
    db: Session, viewer: User, member: User, relation: Relation
) -> tuple[frozenset[Section], bool]:
    """(sections shared with the viewer today, crisis plan opened in an emergency), read once
    per database session until the next flush or commit."""
    cache: dict[tuple[int, int], tuple[frozenset[Section], bool]] = db.info.setdefault(
        _CACHE_KEY, {}
    )
    key = (viewer.id, member.id)
    if key in cache:
        return cache[key]
    matches = [
        and_(
            SharingGrant.recipient_kind.in_((RecipientKind.STAFF, RecipientKind.SUPPORTER)),
            SharingGrant.recipient_user_id == viewer.id,
        )
    ]
    if relation == Relation.ASSIGNED_PEER:
        matches.append(SharingGrant.recipient_kind == RecipientKind.MY_PEER_SPECIALIST)
    elif relation == Relation.SUPERVISOR:
        matches.append(SharingGrant.recipient_kind == RecipientKind.MY_SUPERVISOR)
    rows = db.scalars(
        select(SharingGrant.section)
        .where(
            SharingGrant.organization_id == member.organization_id,
            SharingGrant.member_id == member.id,
            grant_in_force(org_today(member.organization)),
            or_(*matches),
        )
        .distinct()
    ).all()
    known = {section.value for section in SHAREABLE}
    shared = frozenset(Section(value) for value in rows if value in known)
    emergency = (
        Section.CRISIS_PLAN not in shared
        and relation in EMERGENCY_RELATIONS
        and emergency_open(db, viewer, member)
    )
    cache[key] = (shared, emergency)
    return cache[key]


def emergency_open(db: Session, viewer: User, member: User) -> bool:
    """Has `viewer` opened `member`'s crisis plan in an emergency, still within its hours?"""
    return (
        db.scalar(
            select(EmergencyAccess.id)
            .where(
                EmergencyAccess.organization_id == member.organization_id,
                EmergencyAccess.member_id == member.id,
                EmergencyAccess.staff_id == viewer.id,
                EmergencyAccess.expires_at > utcnow(),
            )
            .limit(1)
        )
        is not None
    )


@event.listens_for(Session, "after_flush")
def _forget_shared_sections(session: Session, flush_context: object) -> None:
    # A grant written, revoked or expired in this session is seen by the next decision.
    session.info.pop(_CACHE_KEY, None)


@event.listens_for(Session, "after_commit")
def _forget_after_commit(session: Session) -> None:
    session.info.pop(_CACHE_KEY, None)


def enrolment_default_grants(
    organization_id: int, member_id: int, stored_settings: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """The grant rows a new member starts with: the organization's enrolment defaults."""
    from peerpath.core.org_settings import OrgSettings, SharingDefaults

    try:
        defaults = OrgSettings.model_validate(
            {"sharing_defaults": (stored_settings or {}).get("sharing_defaults", {})}
        ).sharing_defaults
    except ValueError:
        defaults = SharingDefaults()
    now = utcnow()
    return [
        {
            "organization_id": organization_id,
            "member_id": member_id,
            "recipient_kind": kind,
            "recipient_user_id": None,
            "section": section,
            "purpose": "ongoing_support",
            "purpose_detail": "",
            "expires_on": None,
            "from_defaults": True,
            "created_at": now,
        }
        for kind, sections in (
            (RecipientKind.MY_PEER_SPECIALIST, defaults.my_peer_specialist),
            (RecipientKind.MY_SUPERVISOR, defaults.my_supervisor),
        )
        for section in sections
    ]


@event.listens_for(User, "after_insert")
def _grant_enrolment_defaults(mapper: Mapper[User], connection: Connection, user: User) -> None:
    """Every new member account starts with the organization's enrolment defaults as grants,
    however it was made (admin screen, invitation, demo, tests)."""
    if user.role != Role.MEMBER:
        return
    stored = connection.scalar(
        select(Organization.settings).where(Organization.id == user.organization_id)
    )
    rows = enrolment_default_grants(user.organization_id, user.id, stored)
    if rows:
        connection.execute(insert(SharingGrant), rows)


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
    if user.role == Role.MEMBER:
        if _members_read_notes(user):
            return members.where(User.id == user.id)
        return members.where(false())
    org = user.organization_id
    notes_grants = select(SharingGrant.member_id).where(
        SharingGrant.organization_id == org,
        SharingGrant.section == Section.NOTES.value,
        grant_in_force(org_today(user.organization)),
    )
    named = notes_grants.where(
        SharingGrant.recipient_kind.in_((RecipientKind.STAFF, RecipientKind.SUPPORTER)),
        SharingGrant.recipient_user_id == user.id,
    )
    if user.role == Role.SUPPORTER:
        linked = select(SupporterLink.member_id).where(
            SupporterLink.organization_id == org, SupporterLink.supporter_id == user.id
        )
        return members.where(User.id.in_(named), User.id.in_(linked))
    if user.role not in STAFF_ROLES:
        return members.where(false())
    assigned = select(CaseloadAssignment.member_id).where(CaseloadAssignment.organization_id == org)
    mine = None
    if user.role == Role.PEER_SPECIALIST:
        mine = and_(
            User.id.in_(assigned.where(CaseloadAssignment.peer_specialist_id == user.id)),
            User.id.in_(
                notes_grants.where(SharingGrant.recipient_kind == RecipientKind.MY_PEER_SPECIALIST)
            ),
        )
    elif user.role == Role.SUPERVISOR:
        supervised = select(SupervisionAssignment.peer_specialist_id).where(
            SupervisionAssignment.organization_id == org,
            SupervisionAssignment.supervisor_id == user.id,
        )
        mine = and_(
            User.id.in_(assigned.where(CaseloadAssignment.peer_specialist_id.in_(supervised))),
            User.id.in_(
                notes_grants.where(SharingGrant.recipient_kind == RecipientKind.MY_SUPERVISOR)
            ),
        )
    by_name = User.id.in_(named)
    return members.where(by_name if mine is None else or_(mine, by_name))


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
        or (member is not None and can(db, viewer.user, member, Section.JOURNAL, Action.READ))
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


def _visible_members(user: User, *columns: Any) -> Select[Any]:
    """The members whose profile `user` may list: whole `User` rows, or just `columns`."""
    query = select(*(columns or (User,))).where(
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
    return query.order_by(User.display_name, User.id)


def _audit_member_list(db: Session, viewer: Viewer, count: int) -> None:
    audit.record(
        db,
        viewer=viewer,
        action="read:list",
        record_type="member_list",
        allowed=True,
        detail=f"{count} members",
    )


def members_for_viewer(db: Session, viewer: Viewer) -> Sequence[User]:
    """The members whose profile this viewer may list, audited as one caseload read."""
    members = db.scalars(_visible_members(viewer.user)).all()
    _audit_member_list(db, viewer, len(members))
    return members


def member_names_for_viewer(db: Session, viewer: Viewer) -> Sequence[Row[tuple[int, str]]]:
    """The same list as members_for_viewer, as (id, display_name) rows: for pages that only
    name and link members, without loading whole accounts (a supervisor may see thousands)."""
    rows = db.execute(_visible_members(viewer.user, User.id, User.display_name)).all()
    _audit_member_list(db, viewer, len(rows))
    return rows


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
