"""Rules for the plan's strengths area (no web code here).

The member adds, changes and removes their own strengths. Their peer specialist may suggest a
strength (or a change, or a removal): that is a proposal the member accepts or declines, and
an accepted one is credited to the person who suggested it. This module also answers
proposals for every kind of plan item (see `decide`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.core import access, audit
from peerpath.core.access import Action, Section
from peerpath.core.audit import Viewer
from peerpath.core.errors import Conflict, EditConflict, NotFound
from peerpath.db.models import PlanProposal, ProposalStatus, Strength, StrengthCategory, User
from peerpath.plans.common import (
    KINDS,
    Kind,
    Proposed,
    author_names,
    check_version,
    decide_proposal,
    new_item_fields,
    pending_proposals,
    plan_member,
    register_kind,
    register_snapshot_part,
    touch,
    write_or_propose,
)
from peerpath.plans.strengths.schemas import (
    ProposalRead,
    StrengthChange,
    StrengthIn,
    StrengthRead,
)
from peerpath.plans.strengths.suggestions import suggestions_for
from peerpath.plans.vocabulary import STRENGTH_CATEGORIES

REMOVE = "remove"  # proposal action (besides create and update): the payload says {"remove": true}


class AlreadyAnswered(Conflict):
    """The member answered this proposal before (a second click, another tab)."""


def short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def is_removal(payload: Mapping[str, Any]) -> bool:
    return bool(payload.get(REMOVE))


# ---- applying changes (the member's own, or an accepted proposal) -------------------------


def gone(label: str) -> Conflict:
    return Conflict(
        f"The {label} this is about has since been removed from the plan, so there is "
        "nothing left to change. You can decline the suggestion."
    )


def _strength_of(db: Session, member: User, strength_id: int | None) -> Strength | None:
    item = db.get(Strength, strength_id) if strength_id else None
    if item is None or item.organization_id != member.organization_id:
        return None
    return item if item.member_id == member.id else None


def _create(
    db: Session,
    author: User,
    member: User,
    target_id: int | None,
    base_version: int | None,
    payload: dict[str, Any],
) -> Strength:
    data = StrengthIn.model_validate(payload)
    item = Strength(
        **new_item_fields(author, member),
        member_id=member.id,
        category=data.category,
        text=data.text,
    )
    db.add(item)
    db.flush()
    return item


def _update(
    db: Session,
    author: User,
    member: User,
    target_id: int | None,
    base_version: int | None,
    payload: dict[str, Any],
) -> Strength:
    item = _strength_of(db, member, target_id)
    if item is None:
        raise gone("strength")
    back_url = f"/members/{member.id}/strengths/{item.id}"
    if is_removal(payload):
        if base_version is not None and base_version != item.version:
            raise EditConflict(
                current={"category": item.category, "text": item.text},
                yours={"change": "Remove this strength"},
                back_url=f"/members/{member.id}/strengths",
            )
        db.delete(item)
        db.flush()
        return item
    changes = {key: payload[key] for key in ("category", "text") if payload.get(key) is not None}
    check_version(item, base_version, changes, back_url)
    if "category" in changes:
        item.category = StrengthCategory(changes["category"])
    if "text" in changes:
        item.text = str(changes["text"])
    touch(item, author)
    db.flush()
    return item


STRENGTH = register_kind(
    Kind(name="strength", section=Section.PLAN, label="strength", create=_create, update=_update)
)


# ---- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalView:
    proposal: PlanProposal
    proposer: str
    details: list[tuple[str, str]]


# Field labels for showing what a proposal would write, by kind (other areas add theirs).
DETAIL_LABELS: dict[str, dict[str, str]] = {
    "strength": {"category": "Category", "text": "Strength"}
}


def _detail_value(field: str, value: object) -> str:
    if field == "category" and value in set(StrengthCategory):
        return STRENGTH_CATEGORIES[StrengthCategory(str(value))]
    return str(value)


def proposal_views(db: Session, proposals: Iterable[PlanProposal]) -> list[ProposalView]:
    proposals = list(proposals)
    names = author_names(db, [p.proposed_by_id for p in proposals])
    views = []
    for p in proposals:
        labels = DETAIL_LABELS.get(p.kind, {})
        details = (
            []
            if is_removal(p.payload)
            else [
                (label, _detail_value(field, p.payload[field]))
                for field, label in labels.items()
                if p.payload.get(field) not in (None, "")
            ]
        )
        views.append(ProposalView(p, names.get(p.proposed_by_id, "Someone"), details))
    return views


def pending_of_kinds(db: Session, member: User, kinds: Iterable[str]) -> list[PlanProposal]:
    """Call only after the policy has allowed reading this member's plan."""
    wanted = set(kinds)
    return [p for p in pending_proposals(db, member) if p.kind in wanted]


def proposal_read(proposal: PlanProposal, names: Mapping[int, str]) -> ProposalRead:
    return ProposalRead(
        id=proposal.id,
        kind=proposal.kind,
        action=proposal.action,
        target_id=proposal.target_id,
        summary=proposal.summary,
        note=proposal.note,
        payload=dict(proposal.payload),
        status=proposal.status,
        proposed_by=names.get(proposal.proposed_by_id, "Someone"),
        proposed_at=proposal.proposed_at,
        decided_at=proposal.decided_at,
        member_comment=proposal.member_comment,
    )


@dataclass(frozen=True)
class CategoryGroup:
    key: StrengthCategory
    label: str
    items: list[Strength]
    ideas: list[str]  # one-click suggestions the member has not added yet


@dataclass(frozen=True)
class StrengthsView:
    member: User
    is_member: bool
    can_write: bool  # the member writes; their peer specialist suggests
    groups: list[CategoryGroup]
    pending: list[ProposalView]
    names: dict[int, str]

    @property
    def count(self) -> int:
        return sum(len(g.items) for g in self.groups)


def strengths_of(db: Session, member: User) -> list[Strength]:
    """Call only after the policy has allowed reading this member's plan."""
    return list(
        db.scalars(
            select(Strength)
            .where(Strength.organization_id == member.organization_id)
            .where(Strength.member_id == member.id)
            .order_by(Strength.created_at, Strength.id)
        ).all()
    )


def strengths_view(db: Session, viewer: Viewer, member_id: int) -> StrengthsView:
    member = plan_member(db, viewer, member_id, record_type="strengths")
    items = strengths_of(db, member)
    texts = {s.text for s in items}
    groups = [
        CategoryGroup(
            key=key,
            label=label,
            items=[s for s in items if s.category == key],
            ideas=suggestions_for(key, texts),
        )
        for key, label in STRENGTH_CATEGORIES.items()
    ]
    ids = [i for s in items for i in (s.created_by_id, s.updated_by_id)]
    return StrengthsView(
        member=member,
        is_member=viewer.user.id == member.id,
        can_write=access.can(db, viewer.user, member, Section.PLAN, Action.WRITE),
        groups=groups,
        pending=proposal_views(db, pending_of_kinds(db, member, [STRENGTH.name])),
        names=author_names(db, ids),
    )


@dataclass(frozen=True)
class StrengthPage:
    member: User
    item: Strength
    is_member: bool
    can_write: bool
    names: dict[int, str]


def get_strength(db: Session, viewer: Viewer, member_id: int, strength_id: int) -> StrengthPage:
    member = plan_member(db, viewer, member_id, record_type="strength", record_id=strength_id)
    item = _strength_of(db, member, strength_id)
    if item is None:
        raise NotFound()
    return StrengthPage(
        member=member,
        item=item,
        is_member=viewer.user.id == member.id,
        can_write=access.can(db, viewer.user, member, Section.PLAN, Action.WRITE),
        names=author_names(db, [item.created_by_id, item.updated_by_id]),
    )


def strength_read(item: Strength, names: Mapping[int, str]) -> StrengthRead:
    return StrengthRead(
        id=item.id,
        category=item.category,
        category_label=STRENGTH_CATEGORIES[item.category],
        text=item.text,
        version=item.version,
        created_by=names.get(item.created_by_id, "Someone"),
        created_at=item.created_at,
        updated_by=names.get(item.updated_by_id, "Someone"),
        updated_at=item.updated_at,
    )


# ---- writing -------------------------------------------------------------------------------


def _target(db: Session, viewer: Viewer, member_id: int, strength_id: int) -> Strength:
    """The strength to change, if it is this member's; a refusal and a miss look the same."""
    item = db.get(Strength, strength_id)
    if item is None or item.member_id != member_id:
        plan_member(
            db,
            viewer,
            member_id,
            Section.PLAN,
            Action.WRITE,
            record_type="strength",
            record_id=strength_id,
        )
        raise NotFound()
    return item


def add_strength(
    db: Session, viewer: Viewer, member_id: int, data: StrengthIn
) -> Strength | Proposed:
    result = write_or_propose(
        db,
        viewer,
        member_id,
        STRENGTH,
        action="create",
        payload=data.model_dump(mode="json", exclude={"note"}),
        summary=f'Add a strength to "{STRENGTH_CATEGORIES[data.category]}": "{short(data.text)}"',
        note=data.note,
    )
    assert isinstance(result, Strength | Proposed)
    return result


def change_strength(
    db: Session, viewer: Viewer, member_id: int, strength_id: int, data: StrengthChange
) -> Strength | Proposed:
    item = _target(db, viewer, member_id, strength_id)
    changes: dict[str, Any] = {
        key: value
        for key, value in data.model_dump(mode="json", include={"category", "text"}).items()
        if value is not None and value != getattr(item, key)
    }
    if not changes:
        # Nothing differs from what is saved: no new version and no empty suggestion.
        plan_member(
            db,
            viewer,
            member_id,
            Section.PLAN,
            Action.WRITE,
            record_type="strength",
            record_id=strength_id,
        )
        return item
    wording = f' to "{short(str(changes["text"]))}"' if "text" in changes else ""
    moving = (
        f' (under "{STRENGTH_CATEGORIES[StrengthCategory(changes["category"])]}")'
        if "category" in changes
        else ""
    )
    result = write_or_propose(
        db,
        viewer,
        member_id,
        STRENGTH,
        action="update",
        payload=changes,
        summary=f'Change the strength "{short(item.text)}"{wording}{moving}',
        target_id=item.id,
        base_version=data.version,
        note=data.note,
    )
    assert isinstance(result, Strength | Proposed)
    return result


def remove_strength(
    db: Session, viewer: Viewer, member_id: int, strength_id: int, version: int, note: str = ""
) -> Strength | Proposed:
    item = _target(db, viewer, member_id, strength_id)
    result = write_or_propose(
        db,
        viewer,
        member_id,
        STRENGTH,
        action=REMOVE,
        payload={REMOVE: True},
        summary=f'Remove the strength "{short(item.text)}"',
        target_id=item.id,
        base_version=version,
        note=note,
    )
    if not isinstance(result, Proposed):
        record_removal(db, viewer, member_id, STRENGTH.name, strength_id)
    assert isinstance(result, Strength | Proposed)
    return result


def record_removal(
    db: Session, viewer: Viewer, member_id: int, kind: str, record_id: int | None
) -> None:
    """A removal is a real delete of the row: the audit log keeps that it happened (not what
    it said)."""
    audit.record(
        db,
        viewer=viewer,
        action="delete",
        record_type=kind,
        record_id=record_id,
        subject_member_id=member_id,
        allowed=True,
        detail=f"{kind.replace('_', ' ')} removed from the plan",
    )


# ---- answering proposals (any kind) -------------------------------------------------------


def decide(
    db: Session,
    viewer: Viewer,
    member_id: int,
    proposal_id: int,
    *,
    accept: bool,
    comment: str = "",
) -> PlanProposal:
    """The member accepts or declines a suggestion; answering twice is a friendly conflict."""
    if viewer.user.id == member_id:
        earlier = db.get(PlanProposal, proposal_id)
        if (
            earlier is not None
            and earlier.member_id == member_id
            and earlier.organization_id == viewer.org_id
            and earlier.status != ProposalStatus.PENDING
        ):
            plan_member(db, viewer, member_id, record_type="proposal", record_id=proposal_id)
            word = "accepted" if earlier.status == ProposalStatus.ACCEPTED else "declined"
            raise AlreadyAnswered(f"You already answered this suggestion: you {word} it.")
    proposal = decide_proposal(db, viewer, member_id, proposal_id, accept=accept, comment=comment)
    if accept and proposal.action == REMOVE and proposal.kind in KINDS:
        record_removal(db, viewer, member_id, proposal.kind, proposal.target_id)
    return proposal


def proposer_name(db: Session, proposal: PlanProposal) -> str:
    return author_names(db, [proposal.proposed_by_id]).get(proposal.proposed_by_id, "Someone")


def member_name(db: Session, proposal: PlanProposal) -> str:
    return author_names(db, [proposal.member_id]).get(proposal.member_id, "the member")


def snapshot(db: Session, member: User) -> list[dict[str, Any]]:
    items = strengths_of(db, member)
    names = author_names(db, [s.created_by_id for s in items])
    order = list(STRENGTH_CATEGORIES)
    return [
        {
            "id": s.id,
            "category": str(s.category),
            "category_label": STRENGTH_CATEGORIES[s.category],
            "text": s.text,
            "written_by": names.get(s.created_by_id, ""),
        }
        for s in sorted(items, key=lambda s: (order.index(s.category), s.created_at, s.id))
    ]


register_snapshot_part("strengths", snapshot)
