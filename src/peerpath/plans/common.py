"""Rules shared by every part of the plan: who may write, proposals, attribution, conflicts,
and the registry each area fills so proposals can be applied and versions snapshotted.

The member writes their own plan directly. Anyone else the access policy lets write (their
peer specialist) makes a PlanProposal instead; only the member accepts or declines it, and an
accepted proposal is applied by the same function the member's own edit uses, credited to
the person who proposed it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.core import access, audit
from peerpath.core.access import Action, Section
from peerpath.core.audit import Viewer
from peerpath.core.errors import EditConflict, NotFound
from peerpath.db.base import utcnow
from peerpath.db.models import PlanProposal, ProposalStatus, User

T = TypeVar("T")


class Applier(Protocol):
    """Applies one kind of change for `author` to `member`'s plan; returns the changed item."""

    def __call__(
        self,
        db: Session,
        author: User,
        member: User,
        target_id: int | None,
        base_version: int | None,
        payload: dict[str, Any],
    ) -> object: ...


@dataclass(frozen=True)
class Kind:
    """One kind of plan item a proposal can change, registered by the area that owns it."""

    name: str  # e.g. "goal"
    section: Section
    label: str  # e.g. "goal", for sentences such as "proposed a new goal"
    create: Applier | None = None
    update: Applier | None = None


KINDS: dict[str, Kind] = {}
# Each area adds a function that returns its part of the plan as plain data, for versions.
SNAPSHOT_PARTS: dict[str, Callable[[Session, User], Any]] = {}


# In dependency order: goals name strengths; versions snapshot everything before them.
AREAS = ("profile", "strengths", "supporters", "goals", "wellness", "versions")


def ensure_registered() -> None:
    """Import every area's service so its kinds and snapshot parts are registered."""
    import importlib

    for area in AREAS:
        importlib.import_module(f"peerpath.plans.{area}.service")


def register_kind(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


def register_snapshot_part(name: str, part: Callable[[Session, User], Any]) -> None:
    SNAPSHOT_PARTS[name] = part


def plan_member(
    db: Session,
    viewer: Viewer,
    member_id: int,
    section: Section = Section.PLAN,
    action: Action = Action.READ,
    *,
    record_type: str = "plan",
    record_id: object = None,
) -> User:
    """The member whose plan this is, if the policy allows (audited); NotFound otherwise."""
    return access.member_for_viewer(
        db, viewer, member_id, section, action, record_type=record_type, record_id=record_id
    )


@dataclass(frozen=True)
class Proposed:
    proposal: PlanProposal


def write_or_propose(
    db: Session,
    viewer: Viewer,
    member_id: int,
    kind: Kind,
    *,
    action: str,
    payload: Mapping[str, Any],
    summary: str,
    target_id: int | None = None,
    base_version: int | None = None,
    note: str = "",
) -> object:
    """Apply the change when the member makes it; otherwise record a proposal.

    Returns the changed item, or `Proposed(proposal)`.
    """
    member = plan_member(
        db,
        viewer,
        member_id,
        kind.section,
        Action.WRITE,
        record_type=kind.name,
        record_id=target_id if target_id is not None else "new",
    )
    applier = kind.create if action == "create" else kind.update
    if applier is None:
        raise NotFound()
    data = dict(payload)
    if viewer.user.id == member.id:
        return applier(db, viewer.user, member, target_id, base_version, data)
    proposal = PlanProposal(
        organization_id=member.organization_id,
        member_id=member.id,
        kind=kind.name,
        action=action,
        target_id=target_id,
        base_version=base_version,
        payload=data,
        summary=summary[:300],
        note=note[:500],
        proposed_by_id=viewer.user.id,
    )
    db.add(proposal)
    db.flush()
    audit.record(
        db,
        viewer=viewer,
        action="propose",
        record_type=kind.name,
        record_id=target_id if target_id is not None else "new",
        subject_member_id=member.id,
        allowed=True,
        detail=summary[:200],
    )
    return Proposed(proposal)


def pending_proposals(db: Session, member: User) -> list[PlanProposal]:
    """Call only after the policy has allowed reading this member's plan."""
    return list(
        db.scalars(
            select(PlanProposal)
            .where(
                PlanProposal.organization_id == member.organization_id,
                PlanProposal.member_id == member.id,
                PlanProposal.status == ProposalStatus.PENDING,
            )
            .order_by(PlanProposal.proposed_at, PlanProposal.id)
        ).all()
    )


def decide_proposal(
    db: Session,
    viewer: Viewer,
    member_id: int,
    proposal_id: int,
    *,
    accept: bool,
    comment: str = "",
) -> PlanProposal:
    """Only the member answers a proposal about their own plan."""
    if viewer.user.id != member_id:
        # Staff can read the plan, but the decision is the member's: "not yours to decide".
        plan_member(db, viewer, member_id, Section.PLAN, Action.READ)
        raise NotFound()
    member = plan_member(
        db,
        viewer,
        member_id,
        Section.PLAN,
        Action.WRITE,
        record_type="proposal",
        record_id=proposal_id,
    )
    proposal = db.get(PlanProposal, proposal_id)
    if (
        proposal is None
        or proposal.organization_id != member.organization_id
        or proposal.member_id != member.id
        or proposal.status != ProposalStatus.PENDING
    ):
        raise NotFound("That suggestion is no longer waiting for an answer.")
    ensure_registered()
    kind = KINDS.get(proposal.kind)
    if accept:
        applier = (
            None if kind is None else (kind.create if proposal.action == "create" else kind.update)
        )
        author = db.get(User, proposal.proposed_by_id)
        if applier is None or author is None:
            raise NotFound()
        applier(
            db, author, member, proposal.target_id, proposal.base_version, dict(proposal.payload)
        )
    proposal.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.DECLINED
    proposal.decided_at = utcnow()
    proposal.member_comment = comment[:500]
    db.flush()
    audit.record(
        db,
        viewer=viewer,
        action="accept" if accept else "decline",
        record_type="proposal",
        record_id=proposal.id,
        subject_member_id=member.id,
        allowed=True,
        detail=proposal.summary[:200],
    )
    return proposal


def check_version(
    item: Any, base_version: int | None, yours: Mapping[str, Any], back_url: str = ""
) -> None:
    """Refuse to save over a version newer than the one the edit started from."""
    if base_version is not None and base_version != item.version:
        current = {key: getattr(item, key) for key in yours if hasattr(item, key)}
        raise EditConflict(current=current, yours=dict(yours), back_url=back_url)


def touch(item: Any, author: User) -> None:
    """Record who changed an item, and move its version on."""
    item.updated_by_id = author.id
    item.updated_at = utcnow()
    item.version = (item.version or 0) + 1


def new_item_fields(author: User, member: User) -> dict[str, Any]:
    now = utcnow()
    return {
        "organization_id": member.organization_id,
        "created_by_id": author.id,
        "created_at": now,
        "updated_by_id": author.id,
        "updated_at": now,
        "version": 1,
    }


def author_names(db: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = db.execute(select(User.id, User.display_name).where(User.id.in_(wanted))).all()
    return {row[0]: row[1] for row in rows}


def clean_keys(values: Iterable[str], allowed: Mapping[str, str]) -> list[str]:
    """Keep only known keys, in the vocabulary's order, without repeats."""
    chosen = set(values)
    return [key for key in allowed if key in chosen]
