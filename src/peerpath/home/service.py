"""Read models for the home pages; every member read goes through core.access (and is audited)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from peerpath.core import access
from peerpath.core.access import Action, Section
from peerpath.core.audit import Viewer
from peerpath.db.base import utcnow
from peerpath.db.models import (
    ActionStep,
    AuditEvent,
    CaseloadAssignment,
    Goal,
    GoalStatus,
    MemberProfile,
    NoteStatus,
    Objective,
    OutreachPreference,
    PlanVersion,
    Role,
    SessionNote,
    SupervisionAssignment,
    SupporterLink,
    User,
)
from peerpath.plans.versions.service import ReviewState, review_from

if TYPE_CHECKING:
    from peerpath.sharing.supporters.service import Supported

RECORD_VIEWS_LIMIT = 200


@dataclass(frozen=True)
class MemberOverview:
    member: User
    peer_specialist: User | None
    supporters: Sequence[User]
    # What this viewer may open, as the policy says: drives which links a page shows.
    sections: frozenset[tuple[Section, Action]]
    member_since: str
    relation_name: str


def member_overview(db: Session, viewer: Viewer, member_id: int) -> MemberOverview:
    member = access.member_for_viewer(db, viewer, member_id, Section.PROFILE)
    peer_id = access.assigned_peer_id(db, member)
    supporters = db.scalars(
        select(User)
        .join(SupporterLink, SupporterLink.supporter_id == User.id)
        .where(
            SupporterLink.organization_id == member.organization_id,
            SupporterLink.member_id == member.id,
        )
        .order_by(User.display_name)
    ).all()
    relation = access.relation_to_member(db, viewer.user, member)
    return MemberOverview(
        member=member,
        peer_specialist=db.get(User, peer_id) if peer_id else None,
        supporters=supporters,
        sections=access.allowed(db, viewer.user, member),
        member_since=member.created_at.strftime("%B %Y"),
        relation_name=str(relation),
    )


def members(db: Session, viewer: Viewer) -> Sequence[User]:
    return access.members_for_viewer(db, viewer)


def supporting(db: Session, viewer: Viewer) -> list[Supported]:
    """The supporter's home: the members who linked them and what each shares with them today."""
    from peerpath.sharing.supporters.service import supported_members

    return supported_members(db, viewer)


ATTENTION_LABELS = {
    0: "Outreach due",
    1: "Plan review overdue",
    2: "Note returned to you",
    3: "Plan review due soon",
    4: "",
}


@dataclass(frozen=True)
class CaseloadRow:
    member: User
    review: ReviewState
    preferred_name: str = ""
    last_contact: date | None = None
    next_appointment: datetime | None = None
    open_steps: int = 0
    wants_outreach: bool = False
    outreach_days: int | None = None
    outreach_due: bool = False
    returned_notes: int = 0

    @property
    def name(self) -> str:
        return self.preferred_name or self.member.display_name

    @property
    def attention(self) -> int:
        """What needs attention first (never a score of the person): outreach the member asked
        for, an overdue plan review, a note returned to the peer specialist, a review due soon."""
        if self.outreach_due:
            return 0
        if self.review.state == "overdue":
            return 1
        if self.returned_notes:
            return 2
        if self.review.state == "due_soon":
            return 3
        return 4

    @property
    def days_since_contact(self) -> int | None:
        if self.last_contact is None:
            return None
        return (utcnow().date() - self.last_contact).days


def caseload(db: Session, viewer: Viewer) -> list[CaseloadRow]:
    """The viewer's members with last contact, next appointment, plan review, open action
    steps and outreach due, what needs attention first. A fixed number of queries, however
    many members (one per column, each over the whole caseload)."""
    members = access.members_for_viewer(db, viewer)
    ids = [m.id for m in members]
    today = utcnow().date()
    org = viewer.org_id
    due: dict[int, date | None] = {}
    profiles: dict[int, str] = {}
    last: dict[int, date] = {}
    steps: dict[int, int] = {}
    outreach: dict[int, OutreachPreference] = {}
    returned: dict[int, int] = {}
    appointments: dict[int, datetime] = {}
    if ids:
        for member_id, review_due in db.execute(
            select(PlanVersion.member_id, PlanVersion.review_due)
            .where(
                PlanVersion.organization_id == org,
                PlanVersion.member_id.in_(ids),
                PlanVersion.completed_at.is_not(None),
            )
            .order_by(PlanVersion.member_id, PlanVersion.number)
        ):
            due[member_id] = review_due
        profiles = {
            member_id: name
            for member_id, name in db.execute(
                select(MemberProfile.member_id, MemberProfile.preferred_name).where(
                    MemberProfile.organization_id == org, MemberProfile.member_id.in_(ids)
                )
            )
            if name
        }
        last = dict(
            db.execute(
                # The member ids are this organization's already: filtering on them alone
                # lets every database use the (member_id, contact_date) index.
                select(SessionNote.member_id, func.max(SessionNote.contact_date))
                .where(
                    SessionNote.member_id.in_(ids),
                    SessionNote.status != NoteStatus.DRAFT,
                )
                .group_by(SessionNote.member_id)
            ).all()
        )
        steps = dict(
            db.execute(
                select(Goal.member_id, func.count(ActionStep.id))
                .join(
                    Objective,
                    (Objective.goal_id == Goal.id)
                    & (Objective.organization_id == Goal.organization_id),
                )
                .join(
                    ActionStep,
                    (ActionStep.objective_id == Objective.id)
                    & (ActionStep.organization_id == Objective.organization_id),
                )
                .where(
                    Goal.organization_id == org,
                    Goal.member_id.in_(ids),
                    Goal.status == GoalStatus.ACTIVE,
                    ActionStep.done.is_(False),
                )
                .group_by(Goal.member_id)
            ).all()
        )
        outreach = {
            p.member_id: p
            for p in db.scalars(
                select(OutreachPreference).where(
                    OutreachPreference.organization_id == org,
                    OutreachPreference.member_id.in_(ids),
                )
            )
        }
        returned = dict(
            db.execute(
                select(SessionNote.member_id, func.count(SessionNote.id))
                .where(
                    SessionNote.author_id == viewer.user.id,
                    SessionNote.status == NoteStatus.RETURNED,
                    SessionNote.member_id.in_(ids),
                )
                .group_by(SessionNote.member_id)
            ).all()
        )
        # The appointments area's own query (one statement for the whole caseload).
        from peerpath.workspace.appointments.service import next_appointments

        appointments = {m: a.starts_at for m, a in next_appointments(db, ids).items()}
    rows = []
    for m in members:
        pref = outreach.get(m.id)
        wants = bool(pref and pref.wants_outreach)
        contact = last.get(m.id)
        quiet_since = contact or m.created_at.date()
        rows.append(
            CaseloadRow(
                member=m,
                review=review_from(due.get(m.id), today),
                preferred_name=profiles.get(m.id, ""),
                last_contact=contact,
                next_appointment=appointments.get(m.id),
                open_steps=steps.get(m.id, 0),
                wants_outreach=wants,
                outreach_days=pref.days if pref and wants else None,
                outreach_due=wants and pref is not None and (today - quiet_since).days >= pref.days,
                returned_notes=returned.get(m.id, 0),
            )
        )
    review_order = {"overdue": 0, "due_soon": 1, "scheduled": 2, "none": 3}
    return sorted(
        rows,
        key=lambda r: (
            r.attention,
            review_order[r.review.state],
            r.member.display_name,
            r.member.id,
        ),
    )


@dataclass(frozen=True)
class Supervisee:
    peer: User
    members: Sequence[Row[tuple[int, str]]]  # (id, display_name), in name order


def supervision(db: Session, viewer: Viewer) -> list[Supervisee]:
    access.require_role(viewer, Role.SUPERVISOR)
    visible = access.member_names_for_viewer(db, viewer)
    peers = db.scalars(
        select(User)
        .join(SupervisionAssignment, SupervisionAssignment.peer_specialist_id == User.id)
        .where(
            SupervisionAssignment.organization_id == viewer.org_id,
            SupervisionAssignment.supervisor_id == viewer.user.id,
        )
        .order_by(User.display_name)
    ).all()
    assignments = dict(
        db.execute(
            select(CaseloadAssignment.member_id, CaseloadAssignment.peer_specialist_id).where(
                CaseloadAssignment.organization_id == viewer.org_id,
                CaseloadAssignment.peer_specialist_id.in_([p.id for p in peers]),
            )
        ).all()
    )
    by_peer: dict[int, list[Row[tuple[int, str]]]] = {p.id: [] for p in peers}
    for member in visible:  # already in name order
        peer_id = assignments.get(member.id)
        if peer_id in by_peer:
            by_peer[peer_id].append(member)
    return [Supervisee(peer=p, members=by_peer[p.id]) for p in peers]


@dataclass(frozen=True)
class RecordView:
    event: AuditEvent
    who: str
    what: str


ACTION_WORDS = {
    "read:profile": "opened your profile",
    "write:profile": "changed your profile",
    "read:plan": "opened your recovery plan",
    "write:plan": "suggested or made a change to your recovery plan",
    "sign:plan": "signed your recovery plan",
    "read:wellness_plan": "opened your wellness plan",
    "write:wellness_plan": "suggested or made a change to your wellness plan",
    "read:crisis_plan": "opened your crisis plan",
    "emergency:crisis_plan": "opened your crisis plan in an emergency, giving a reason",
    "read:emergency_form": "looked at the form for opening your crisis plan in an emergency",
    "write:crisis_plan": "suggested or made a change to your crisis plan",
    "read:checkins": "looked at your check-ins or progress",
    "write:checkins": "added to your check-ins",
    "read:measures": "looked at your questionnaire results",
    "write:measures": "answered a questionnaire",
    "read:notes": "read session notes about you",
    "write:notes": "wrote a session note about you",
    "read:journal": "opened a journal entry",
    "read:journal_shared": "looked at the journal entries you shared",
    "read:audit": "looked at who viewed your record",
    "read:account": "opened your account settings",
    "write:account": "changed your account settings",
    "propose": "suggested a change to your plan",
    "accept": "accepted a suggestion",
    "decline": "declined a suggestion",
    "export:plan": "downloaded your plan",
    "export:record": "downloaded everything peerpath holds about you",
    "write:amendment": "asked for a correction to your record",
    "write:amendment_response": "answered your request for a correction",
    "write:program_enrollment": "changed which programme you are enrolled in",
    "leave": "closed your account (leaving the programme)",
    "erase": "erased your data after the retention period",
    "search": "searched session notes",
    "create": "created something in your record",
    "update": "changed something in your record",
    "remove": "removed something from your record",
    "delete": "deleted something from your record",
    "deactivate": "deactivated your account",
    "reactivate": "reactivated your account",
    "sign": "signed your recovery plan",
}


def record_views(db: Session, viewer: Viewer, *, include_own: bool = False) -> list[RecordView]:
    """Who looked at or changed this member's record, newest first."""
    member = access.member_for_viewer(db, viewer, viewer.user.id, Section.AUDIT)
    query = select(AuditEvent).where(
        AuditEvent.organization_id == member.organization_id,
        AuditEvent.subject_member_id == member.id,
    )
    if not include_own:
        query = query.where(
            (AuditEvent.actor_user_id != member.id) | AuditEvent.actor_user_id.is_(None)
        )
    events = db.scalars(
        query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()).limit(
            RECORD_VIEWS_LIMIT
        )
    ).all()
    names = dict(
        db.execute(
            select(User.id, User.display_name).where(
                User.id.in_({e.actor_user_id for e in events if e.actor_user_id})
            )
        ).all()
    )
    views = []
    for event in events:
        role = Role(event.actor_role).label if event.actor_role in set(Role) else "Someone"
        who = (
            "You"
            if event.actor_user_id == member.id
            else (f"{names.get(event.actor_user_id or 0, event.actor_username)} ({role})")
        )
        what = ACTION_WORDS.get(event.action, event.action.replace(":", " ").replace("_", " "))
        if not event.allowed:
            what = "tried to open your record and was refused"
        views.append(RecordView(event=event, who=who, what=what))
    return views


@dataclass(frozen=True)
class OrgOverview:
    active_by_role: dict[Role, int]
    inactive: int
    members_without_peer: int
    refused_last_7_days: int


def org_overview(db: Session, viewer: Viewer) -> OrgOverview:
    access.require_role(viewer, Role.ADMIN)
    rows = db.execute(
        select(User.role, User.is_active, func.count())
        .where(User.organization_id == viewer.org_id)
        .group_by(User.role, User.is_active)
    ).all()
    active: Counter[Role] = Counter()
    inactive = 0
    for role, is_active, count in rows:
        if is_active:
            active[role] += count
        else:
            inactive += count
    assigned = select(CaseloadAssignment.member_id).where(
        CaseloadAssignment.organization_id == viewer.org_id
    )
    without_peer = (
        db.scalar(
            select(func.count()).where(
                User.organization_id == viewer.org_id,
                User.role == Role.MEMBER,
                User.is_active.is_(True),
                User.id.not_in(assigned),
            )
        )
        or 0
    )
    refused = (
        db.scalar(
            select(func.count()).where(
                AuditEvent.organization_id == viewer.org_id,
                AuditEvent.allowed.is_(False),
                AuditEvent.occurred_at >= utcnow() - timedelta(days=7),
            )
        )
        or 0
    )
    return OrgOverview(
        active_by_role={role: active.get(role, 0) for role in Role},
        inactive=inactive,
        members_without_peer=without_peer,
        refused_last_7_days=refused,
    )
