"""Session notes: drafts, signing, addenda, member comments, supervisor review, outreach.

Every read or write goes through core.access (audited). The state machine (see the model's
docstring): draft -> signed | pending_review; pending_review -> approved | returned;
returned -> (edited) -> signed again. Only the author edits or signs, and only while the note
is a draft or returned. Locked notes (signed, pending_review, approved) take dated addenda.
Drafts are working copies: only their author sees them. Members read every other note about
them (unless their organization turned that off) and may comment; they never see billing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerpath.core import access, audit
from peerpath.core.access import Action, Relation, Section
from peerpath.core.audit import Viewer
from peerpath.core.errors import Conflict, EditConflict, Invalid, NotFound
from peerpath.core.org_settings import BillingRule, org_settings
from peerpath.db.base import utcnow
from peerpath.db.models import (
    Goal,
    GoalStatus,
    NoteAddendum,
    NoteComment,
    NoteReview,
    NoteStatus,
    Objective,
    OutreachPreference,
    ReviewDecision,
    Role,
    SessionNote,
    SessionNoteObjective,
    User,
)
from peerpath.workspace.billing.rules import rule_for, units_for
from peerpath.workspace.notes.schemas import NoteIn, NotePatch, OutreachIn

LOCKED = (NoteStatus.SIGNED, NoteStatus.PENDING_REVIEW, NoteStatus.APPROVED)
LABELS = {
    "contact_date": "Date",
    "start_time": "Start time",
    "end_time": "End time",
    "modality": "How you met",
    "location": "Where",
    "objective_ids": "Objectives worked on",
    "intervention": "What you did together",
    "purpose": "Purpose",
    "member_response": "The member's response, in their words",
    "strengths_observed": "Strengths you noticed",
    "next_steps": "Next steps",
    "billable": "Billable",
    "text": "Text",
    "comment": "Comment",
}
CONTENT_FIELDS = (
    "contact_date",
    "start_time",
    "end_time",
    "modality",
    "location",
    "intervention",
    "purpose",
    "member_response",
    "strengths_observed",
    "next_steps",
    "billable",
)


def today() -> date:
    return utcnow().date()


# ---- reading ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    id: int
    author: str
    text: str
    created_at: datetime


@dataclass(frozen=True)
class Review:
    reviewer: str
    decision: ReviewDecision
    comment: str
    created_at: datetime


@dataclass(frozen=True)
class BillingInfo:
    service_code: str
    units: int
    day_units: int
    daily_cap_units: int | None

    @property
    def warning(self) -> str:
        cap = self.daily_cap_units
        if cap is None or self.day_units <= cap:
            return ""
        return (
            f"This member's {self.service_code} units for this day add up to "
            f"{self.day_units}, more than the daily cap of {cap}. The note is saved; units "
            "beyond the cap are left out of the billing export."
        )


@dataclass
class NoteView:
    note: SessionNote
    member: User
    author: str
    objectives: list[SessionNoteObjective] = field(default_factory=list)
    addenda: list[Entry] = field(default_factory=list)
    comments: list[Entry] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    billing: BillingInfo | None = None

    @property
    def last_return(self) -> Review | None:
        returned = [r for r in self.reviews if r.decision == ReviewDecision.RETURNED]
        return returned[-1] if returned else None


def _visible_to(note: SessionNote, viewer: Viewer) -> bool:
    return note.status != NoteStatus.DRAFT or note.author_id == viewer.user.id


def note_for_viewer(
    db: Session, viewer: Viewer, note_id: int, action: Action = Action.READ
) -> tuple[SessionNote, User]:
    """The note and its member, if the access policy allows `action` on the member's notes
    (audited); drafts only for their author. NotFound otherwise, the same as no such note."""
    note = db.get(SessionNote, note_id)
    member_id = note.member_id if note is not None and note.organization_id == viewer.org_id else 0
    member = access.member_for_viewer(
        db,
        viewer,
        member_id,
        Section.NOTES,
        action,
        record_type="session_note",
        record_id=note_id,
    )
    if note is None or not _visible_to(note, viewer):
        raise NotFound()
    return note, member


def _names(db: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = set(ids)
    if not wanted:
        return {}
    return dict(db.execute(select(User.id, User.display_name).where(User.id.in_(wanted))).all())


def build_views(
    db: Session, notes: Sequence[SessionNote], members: dict[int, User], *, billing: bool
) -> list[NoteView]:
    """Views for many notes in a fixed number of queries (no query per note)."""
    ids = [n.id for n in notes]
    links: dict[int, list[SessionNoteObjective]] = defaultdict(list)
    addenda: dict[int, list[NoteAddendum]] = defaultdict(list)
    comments: dict[int, list[NoteComment]] = defaultdict(list)
    reviews: dict[int, list[NoteReview]] = defaultdict(list)
    if ids:
        for link in db.scalars(
            select(SessionNoteObjective)
            .where(SessionNoteObjective.note_id.in_(ids))
            .order_by(SessionNoteObjective.id)
        ):
            links[link.note_id].append(link)
        for a in db.scalars(
            select(NoteAddendum).where(NoteAddendum.note_id.in_(ids)).order_by(NoteAddendum.id)
        ):
            addenda[a.note_id].append(a)
        for c in db.scalars(
            select(NoteComment).where(NoteComment.note_id.in_(ids)).order_by(NoteComment.id)
        ):
            comments[c.note_id].append(c)
        for r in db.scalars(
            select(NoteReview).where(NoteReview.note_id.in_(ids)).order_by(NoteReview.id)
        ):
            reviews[r.note_id].append(r)
    people = _names(
        db,
        [n.author_id for n in notes]
        + [a.author_id for rows in addenda.values() for a in rows]
        + [c.author_id for rows in comments.values() for c in rows]
        + [r.reviewer_id for rows in reviews.values() for r in rows],
    )
    bills = _billing_for(db, notes, members) if billing else {}
    return [
        NoteView(
            note=n,
            member=members[n.member_id],
            author=people.get(n.author_id, ""),
            objectives=links[n.id],
            addenda=[
                Entry(a.id, people.get(a.author_id, ""), a.text, a.created_at)
                for a in addenda[n.id]
            ],
            comments=[
                Entry(c.id, people.get(c.author_id, ""), c.text, c.created_at)
                for c in comments[n.id]
            ],
            reviews=[
                Review(people.get(r.reviewer_id, ""), r.decision, r.comment, r.created_at)
                for r in reviews[n.id]
            ],
            billing=bills.get(n.id),
        )
        for n in notes
    ]


def _rules(member: User) -> list[BillingRule]:
    return org_settings(member.organization).billing_rules


def _billing_for(
    db: Session, notes: Sequence[SessionNote], members: dict[int, User]
) -> dict[int, BillingInfo]:
    billable = [n for n in notes if n.billable]
    if not billable:
        return {}
    pairs = {(n.member_id, n.contact_date) for n in billable}
    same_days = db.scalars(
        select(SessionNote).where(
            SessionNote.member_id.in_({m for m, _ in pairs}),
            SessionNote.contact_date.in_({d for _, d in pairs}),
            SessionNote.billable.is_(True),
        )
    ).all()
    totals: dict[tuple[int, date, str], int] = defaultdict(int)
    for other in same_days:
        rule = rule_for(other.modality, _rules(members[other.member_id]))
        if rule is not None:
            totals[(other.member_id, other.contact_date, rule.service_code)] += units_for(
                other.minutes, rule
            )
    out: dict[int, BillingInfo] = {}
    for n in billable:
        rule = rule_for(n.modality, _rules(members[n.member_id]))
        if rule is None:
            continue
        out[n.id] = BillingInfo(
            service_code=rule.service_code,
            units=units_for(n.minutes, rule),
            day_units=totals[(n.member_id, n.contact_date, rule.service_code)],
            daily_cap_units=rule.daily_cap_units,
        )
    return out


def shows_billing(viewer: Viewer) -> bool:
    """Billing codes and units are for staff pages only, never for members."""
    return viewer.user.role in (Role.PEER_SPECIALIST, Role.SUPERVISOR)


def note_view(db: Session, viewer: Viewer, note_id: int) -> NoteView:
    note, member = note_for_viewer(db, viewer, note_id)
    return build_views(db, [note], {member.id: member}, billing=shows_billing(viewer))[0]


def list_member_notes(
    db: Session, viewer: Viewer, member_id: int, *, limit: int = 200
) -> tuple[User, list[NoteView]]:
    """Notes about one member, newest contact first (drafts only the author's own)."""
    member = access.member_for_viewer(
        db, viewer, member_id, Section.NOTES, record_type="session_notes"
    )
    # The member is checked to be in the viewer's organization: member_id alone lets the
    # planner use the (member_id, contact_date) index.
    query = select(SessionNote).where(
        SessionNote.member_id == member.id,
        (SessionNote.status != NoteStatus.DRAFT) | (SessionNote.author_id == viewer.user.id),
    )
    notes = db.scalars(
        query.order_by(
            SessionNote.contact_date.desc(), SessionNote.start_time.desc(), SessionNote.id.desc()
        ).limit(limit)
    ).all()
    return member, build_views(db, notes, {member.id: member}, billing=shows_billing(viewer))


@dataclass(frozen=True)
class MyNotes:
    drafts: list[NoteView]
    returned: list[NoteView]
    waiting: list[NoteView]
    recent: list[NoteView]


def my_notes(db: Session, viewer: Viewer, *, recent: int = 30) -> MyNotes:
    """The author's own notes: drafts, returned for revision, waiting for review, recent."""
    access.require_role(viewer, Role.PEER_SPECIALIST)
    allowed = access.notes_member_ids(viewer)
    base = select(SessionNote).where(
        SessionNote.author_id == viewer.user.id,
        SessionNote.member_id.in_(allowed),
    )
    open_notes = db.scalars(
        base.where(
            SessionNote.status.in_(
                [NoteStatus.DRAFT, NoteStatus.RETURNED, NoteStatus.PENDING_REVIEW]
            )
        ).order_by(SessionNote.contact_date.desc(), SessionNote.id.desc())
    ).all()
    done = db.scalars(
        base.where(SessionNote.status.in_([NoteStatus.SIGNED, NoteStatus.APPROVED]))
        .order_by(SessionNote.contact_date.desc(), SessionNote.id.desc())
        .limit(recent)
    ).all()
    notes = [*open_notes, *done]
    members = {
        m.id: m for m in db.scalars(select(User).where(User.id.in_({n.member_id for n in notes})))
    }
    audit.record(
        db,
        viewer=viewer,
        action="read:list",
        record_type="session_notes_own",
        allowed=True,
        detail=f"{len(notes)} notes",
    )
    views = build_views(db, notes, members, billing=True)
    by_status: dict[NoteStatus, list[NoteView]] = defaultdict(list)
    for v in views:
        by_status[v.note.status].append(v)
    return MyNotes(
        drafts=by_status[NoteStatus.DRAFT],
        returned=by_status[NoteStatus.RETURNED],
        waiting=by_status[NoteStatus.PENDING_REVIEW],
        recent=[v for v in views if v.note.status in (NoteStatus.SIGNED, NoteStatus.APPROVED)],
    )


@dataclass(frozen=True)
class ObjectiveChoice:
    id: int
    text: str
    goal: str


def objective_choices(db: Session, member: User) -> list[ObjectiveChoice]:
    """The member's objectives under goals they are working on (call after access allowed)."""
    rows = db.execute(
        select(Objective.id, Objective.text, Goal.title)
        .join(
            Goal,
            (Goal.id == Objective.goal_id) & (Goal.organization_id == Objective.organization_id),
        )
        .where(
            Goal.organization_id == member.organization_id,
            Goal.member_id == member.id,
            Goal.status == GoalStatus.ACTIVE,
        )
        .order_by(Goal.position, Goal.id, Objective.position, Objective.id)
    ).all()
    return [ObjectiveChoice(i, t, g) for i, t, g in rows]


# ---- writing ----------------------------------------------------------------------------


def _objectives(db: Session, member: User, ids: Sequence[int]) -> dict[int, str]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    found = dict(
        db.execute(
            select(Objective.id, Objective.text)
            .join(
                Goal,
                (Goal.id == Objective.goal_id)
                & (Goal.organization_id == Objective.organization_id),
            )
            .where(
                Goal.organization_id == member.organization_id,
                Goal.member_id == member.id,
                Objective.id.in_(wanted),
            )
        ).all()
    )
    if len(found) != len(wanted):
        raise Invalid(
            "Nothing was saved yet: please look at the parts marked below.",
            errors={"objective_ids": "Please choose objectives from this member's own plan."},
        )
    return {i: found[i] for i in wanted}


def _check_content(note: Any, errors: dict[str, str]) -> None:
    """Rules for any saved version of a note; `note` is a SessionNote or a dict of values."""

    def get(key: str) -> Any:
        return note.get(key) if isinstance(note, dict) else getattr(note, key)

    contact_date = get("contact_date")
    if contact_date is not None and contact_date > today():
        errors["contact_date"] = "Date: a contact cannot be in the future."
    start, end = get("start_time"), get("end_time")
    if start and end and end <= start:
        errors["end_time"] = "End time: please choose a time after the start time."


def _invalid(errors: dict[str, str]) -> Invalid:
    return Invalid("Nothing was saved yet: please look at the parts marked below.", errors=errors)


def _set_objectives(db: Session, note: SessionNote, chosen: dict[int, str]) -> None:
    current = {
        link.objective_id: link
        for link in db.scalars(
            select(SessionNoteObjective).where(SessionNoteObjective.note_id == note.id)
        )
    }
    for objective_id, link in current.items():
        if objective_id not in chosen:
            db.delete(link)
    for objective_id, text in chosen.items():
        if objective_id not in current:
            db.add(
                SessionNoteObjective(
                    organization_id=note.organization_id,
                    note_id=note.id,
                    objective_id=objective_id,
                    objective_text=text,
                )
            )
    db.flush()


def create_note(db: Session, viewer: Viewer, member_id: int, data: NoteIn) -> SessionNote:
    member = access.member_for_viewer(
        db, viewer, member_id, Section.NOTES, Action.WRITE, record_type="session_note"
    )
    if viewer.user.role != Role.PEER_SPECIALIST:
        raise NotFound()
    chosen = _objectives(db, member, data.objective_ids)
    moment = utcnow()
    note = SessionNote(
        organization_id=member.organization_id,
        member_id=member.id,
        author_id=viewer.user.id,
        contact_date=data.contact_date or today(),
        status=NoteStatus.DRAFT,
        version=1,
        created_at=moment,
        updated_at=moment,
        **data.model_dump(include=set(CONTENT_FIELDS) - {"contact_date"}),
    )
    errors: dict[str, str] = {}
    _check_content(note, errors)
    if errors:
        raise _invalid(errors)
    db.add(note)
    db.flush()
    _set_objectives(db, note, chosen)
    return note


def _editable_note(db: Session, viewer: Viewer, note_id: int) -> tuple[SessionNote, User]:
    note, member = note_for_viewer(db, viewer, note_id, Action.WRITE)
    if note.author_id != viewer.user.id:
        raise Conflict("Only the person who wrote this note can change or sign it.")
    if not note.status.editable:
        raise Conflict(
            "This note is signed, so it cannot be changed. To correct or add something, "
            "write a dated addendum below the note."
        )
    return note, member


def current_values(db: Session, note: SessionNote) -> dict[str, Any]:
    values: dict[str, Any] = {key: getattr(note, key) for key in CONTENT_FIELDS}
    values["objective_ids"] = [
        link.objective_id
        for link in db.scalars(
            select(SessionNoteObjective)
            .where(SessionNoteObjective.note_id == note.id)
            .order_by(SessionNoteObjective.id)
        )
        if link.objective_id is not None
    ]
    return values


def update_note(
    db: Session, viewer: Viewer, note_id: int, data: NotePatch, *, back_url: str = ""
) -> SessionNote:
    """Change a draft or returned note; a stale `version` is a conflict, never an overwrite."""
    note, member = _editable_note(db, viewer, note_id)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    if data.version != note.version:
        raise EditConflict(
            current={k: v for k, v in current_values(db, note).items() if k in changes},
            yours=changes,
            back_url=back_url or f"/notes/{note.id}/edit",
        )
    chosen = _objectives(db, member, data.objective_ids) if data.objective_ids is not None else None
    values = {key: getattr(note, key) for key in CONTENT_FIELDS}
    for key in CONTENT_FIELDS:
        if key in changes:
            value = changes[key]
            if value is None and key in ("contact_date", "modality", "location", "billable"):
                continue
            if value is None and key not in ("start_time", "end_time"):
                value = ""
            values[key] = value
    errors: dict[str, str] = {}
    _check_content(values, errors)
    if errors:
        raise _invalid(errors)
    for key, value in values.items():
        setattr(note, key, value)
    note.version += 1
    note.updated_at = utcnow()
    db.flush()
    if chosen is not None:
        _set_objectives(db, note, chosen)
    return note


def needs_review(note: SessionNote, member: User) -> bool:
    rule = org_settings(member.organization).notes_needing_review
    return rule == "all" or (rule == "billable" and note.billable)


def sign_errors(db: Session, note: SessionNote, member: User) -> dict[str, str]:
    errors: dict[str, str] = {}
    _check_content(note, errors)
    if note.start_time is None:
        errors["start_time"] = "Start time: please fill this in before signing."
    if note.end_time is None:
        errors["end_time"] = "End time: please fill this in before signing."
    for key in ("purpose", "intervention", "member_response"):
        if not getattr(note, key).strip():
            errors[key] = f"{LABELS[key]}: please write something here before signing."
    if note.billable:
        links = db.scalar(
            select(func.count())
            .select_from(SessionNoteObjective)
            .where(SessionNoteObjective.note_id == note.id)
        )
        if not links:
            errors["objective_ids"] = (
                "Objectives worked on: a billable note names at least one objective from the "
                "member's plan."
            )
        if rule_for(note.modality, _rules(member)) is None:
            errors["billable"] = (
                f"Billable: no billing rule of your organization covers "
                f"“{note.modality.label}” contacts. Mark the note not billable, or ask your "
                "admin."
            )
    return errors


def sign_note(db: Session, viewer: Viewer, note_id: int, version: int | None = None) -> NoteView:
    """Sign (lock) a draft or a revised returned note; it waits for review when the
    organization's setting says so."""
    note, member = _editable_note(db, viewer, note_id)
    if version is not None and version != note.version:
        raise Conflict(
            "This note changed since you opened it (another tab or device). Please open it "
            "again, check it, then sign."
        )
    errors = sign_errors(db, note, member)
    if errors:
        raise Invalid(
            "The note is not signed yet: please complete the parts marked below.", errors=errors
        )
    note.status = NoteStatus.PENDING_REVIEW if needs_review(note, member) else NoteStatus.SIGNED
    note.signed_at = utcnow()
    note.updated_at = note.signed_at
    note.version += 1
    db.flush()
    return build_views(db, [note], {member.id: member}, billing=True)[0]


def add_addendum(db: Session, viewer: Viewer, note_id: int, text: str) -> NoteAddendum:
    note, _ = note_for_viewer(db, viewer, note_id, Action.WRITE)
    if note.status not in LOCKED:
        raise Conflict(
            "Addenda are for signed notes. This note can still be edited: change it, then sign."
        )
    row = NoteAddendum(
        organization_id=note.organization_id,
        note_id=note.id,
        author_id=viewer.user.id,
        text=text,
        created_at=utcnow(),
    )
    db.add(row)
    db.flush()
    return row


def add_comment(db: Session, viewer: Viewer, note_id: int, text: str) -> NoteComment:
    """The member's own comment on a note about them."""
    note, member = note_for_viewer(db, viewer, note_id)
    if viewer.user.id != member.id:
        raise NotFound()
    row = NoteComment(
        organization_id=note.organization_id,
        note_id=note.id,
        author_id=viewer.user.id,
        text=text,
        created_at=utcnow(),
    )
    db.add(row)
    db.flush()
    return row


def reviewable_note(
    db: Session, viewer: Viewer, note_id: int, *, waiting: bool = True
) -> tuple[SessionNote, User]:
    """The note, for the supervisor of its member's peer specialist (NotFound for anyone
    else); with `waiting`, Conflict unless it is waiting for review."""
    note, member = note_for_viewer(db, viewer, note_id)
    if access.relation_to_member(db, viewer.user, member) != Relation.SUPERVISOR:
        raise NotFound()
    if waiting and note.status != NoteStatus.PENDING_REVIEW:
        raise Conflict("This note is not waiting for review any more.")
    return note, member


def approve_note(db: Session, viewer: Viewer, note_id: int, comment: str = "") -> SessionNote:
    note, _ = reviewable_note(db, viewer, note_id)
    _review(db, viewer, note, ReviewDecision.APPROVED, comment)
    note.status = NoteStatus.APPROVED
    db.flush()
    return note


def return_note(db: Session, viewer: Viewer, note_id: int, comment: str) -> SessionNote:
    note, _ = reviewable_note(db, viewer, note_id)
    if not comment.strip():
        raise _invalid({"comment": "Comment: please say what to revise."})
    _review(db, viewer, note, ReviewDecision.RETURNED, comment)
    note.status = NoteStatus.RETURNED
    note.version += 1
    db.flush()
    return note


def _review(
    db: Session, viewer: Viewer, note: SessionNote, decision: ReviewDecision, comment: str
) -> None:
    moment = utcnow()
    db.add(
        NoteReview(
            organization_id=note.organization_id,
            note_id=note.id,
            reviewer_id=viewer.user.id,
            decision=decision,
            comment=comment,
            created_at=moment,
        )
    )
    note.updated_at = moment


# ---- outreach preference ----------------------------------------------------------------


def _outreach_member(db: Session, viewer: Viewer, member_id: int, action: Action) -> User:
    # The member decides with their peer specialist: the member (their own record) or the
    # assigned peer specialist (who writes their notes). Nobody else.
    if viewer.user.id == member_id:
        section = Section.PROFILE
    else:
        section = Section.NOTES
        action = Action.WRITE
    member = access.member_for_viewer(
        db, viewer, member_id, section, action, record_type="outreach_preference"
    )
    if viewer.user.id != member.id and viewer.user.role != Role.PEER_SPECIALIST:
        raise NotFound()
    return member


def outreach_of(db: Session, member: User) -> OutreachPreference:
    row = db.scalar(
        select(OutreachPreference).where(
            OutreachPreference.organization_id == member.organization_id,
            OutreachPreference.member_id == member.id,
        )
    )
    return row or OutreachPreference(
        organization_id=member.organization_id, member_id=member.id, wants_outreach=False, days=7
    )


def get_outreach(db: Session, viewer: Viewer, member_id: int) -> tuple[User, OutreachPreference]:
    member = _outreach_member(db, viewer, member_id, Action.READ)
    return member, outreach_of(db, member)


def save_outreach(
    db: Session, viewer: Viewer, member_id: int, data: OutreachIn
) -> OutreachPreference:
    member = _outreach_member(db, viewer, member_id, Action.WRITE)
    row = outreach_of(db, member)
    row.wants_outreach = data.wants_outreach
    row.days = data.days
    row.updated_by_id = viewer.user.id
    row.updated_at = utcnow()
    if row.id is None:
        db.add(row)
    db.flush()
    return row
