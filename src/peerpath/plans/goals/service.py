"""Rules for the plan overview and the person-centered planning chain (no web code here).

Strengths come first, then the member's vision, then goals in their own words -> measurable
objectives -> action steps (who does what, and when), plus decision worksheets.

Writes: the member's own change is applied at once; their peer specialist's becomes a
proposal (plans.common.write_or_propose), applied later by the same applier, credited to the
person who proposed it. Every write is checked in this order: the target belongs to this
member and organization, the input is valid, the edit started from the newest version. When a
check fails, the access policy still decides first (and audits), so a refusal never tells an
outsider anything about the record.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace
from typing import Any, NoReturn, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from peerpath.core import access
from peerpath.core.access import Action, Section
from peerpath.core.audit import Viewer
from peerpath.core.errors import EditConflict, Invalid, NotFound
from peerpath.db.base import utcnow
from peerpath.db.models import (
    ActionStep,
    DecisionWorksheet,
    Goal,
    GoalStatus,
    MemberProfile,
    Objective,
    PlanProposal,
    Role,
    StepOwner,
    Strength,
    SupporterEntry,
    User,
)
from peerpath.plans import common
from peerpath.plans.common import Kind, Proposed
from peerpath.plans.goals import schemas as s
from peerpath.plans.vocabulary import (
    CHIME,
    DIMENSIONS,
    GOAL_STATUSES,
    STEP_OWNERS,
    STRENGTH_CATEGORIES,
)

M = TypeVar("M", bound=BaseModel)
ItemT = TypeVar("ItemT")

# Working-on goals first; achieved and let-go ones stay visible, further down.
STATUS_ORDER = (GoalStatus.ACTIVE, GoalStatus.PAUSED, GoalStatus.ACHIEVED, GoalStatus.LET_GO)
VERSION_MISSING = (
    "Version: this change does not say which version it started from. "
    "Please open the page again and make the change from there."
)


# ---- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectiveNode:
    objective: Objective
    steps: list[ActionStep]


@dataclass(frozen=True)
class GoalNode:
    goal: Goal
    objectives: list[ObjectiveNode]
    strengths: list[Strength]
    # People from the member's supporters map who help with this goal (removed ones left out).
    supporters: list[SupporterEntry] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return GOAL_STATUSES[self.goal.status]

    @property
    def done_objectives(self) -> list[ObjectiveNode]:
        return [o for o in self.objectives if o.objective.done]

    @property
    def done_steps(self) -> list[ActionStep]:
        return [step for o in self.objectives for step in o.steps if step.done]


@dataclass(frozen=True)
class PlanView:
    member: User
    is_member: bool  # the viewer is the member: decides proposals, writes directly
    can_write: bool  # the viewer may write (the member) or propose (their peer specialist)
    vision: str
    strengths: list[Strength]
    goals: list[GoalNode]
    decisions: list[DecisionWorksheet]
    proposals: list[PlanProposal]
    names: dict[int, str]
    # Where signing stands and whether a review is due: shown to the member and to staff.
    status_message: str = ""
    review_message: str = ""
    review_kind: str = "none"


@dataclass(frozen=True)
class GoalPage:
    member: User
    is_member: bool
    can_write: bool
    node: GoalNode
    names: dict[int, str]


@dataclass(frozen=True)
class FormContext:
    """What an add/edit form needs: the member, the item (if editing) and its parents."""

    member: User
    is_member: bool
    strengths: list[Strength]
    goal: Goal | None = None
    supporters: list[SupporterEntry] = field(default_factory=list)
    objective: Objective | None = None
    step: ActionStep | None = None
    decision: DecisionWorksheet | None = None


@dataclass(frozen=True)
class DecisionPage:
    member: User
    is_member: bool
    can_write: bool
    decision: DecisionWorksheet
    names: dict[int, str]


def plan_overview(db: Session, viewer: Viewer, member_id: int) -> PlanView:
    member = common.plan_member(db, viewer, member_id, record_type="plan")
    goals = _goal_nodes(db, member)
    decisions = _decisions(db, member)
    proposals = common.pending_proposals(db, member)
    from peerpath.plans.versions.service import plan_status  # the versions area builds on us

    # The versions area only builds the live snapshot when it cannot tell "changed since
    # signed" from its cache; then it takes the goals from the tree this page already has.
    status = plan_status(db, member, parts={"goals": lambda: _goals_snapshot_of(db, goals)})
    return PlanView(
        status_message=status.message,
        review_message=status.review.message,
        review_kind=status.review.state,
        member=member,
        is_member=viewer.user.id == member.id,
        can_write=access.can(db, viewer.user, member, Section.PLAN, Action.WRITE),
        vision=_vision(db, member),
        strengths=_strengths(db, member),
        goals=goals,
        decisions=decisions,
        proposals=proposals,
        names=common.author_names(
            db,
            [
                *_author_ids(n.goal for n in goals),
                *_author_ids(o.objective for n in goals for o in n.objectives),
                *_author_ids(st for n in goals for o in n.objectives for st in o.steps),
                *_author_ids(decisions),
                *(p.proposed_by_id for p in proposals),
            ],
        ),
    )


def goal_page(db: Session, viewer: Viewer, member_id: int, goal_id: int) -> GoalPage:
    member = common.plan_member(db, viewer, member_id, record_type="goal", record_id=goal_id)
    goal = _goal_for(db, member, goal_id)
    if goal is None:
        raise NotFound()
    node = _goal_nodes(db, member, only=goal)[0]
    return GoalPage(
        member=member,
        is_member=viewer.user.id == member.id,
        can_write=access.can(db, viewer.user, member, Section.PLAN, Action.WRITE),
        node=node,
        names=common.author_names(
            db,
            [
                *_author_ids([goal]),
                *_author_ids(o.objective for o in node.objectives),
                *_author_ids(st for o in node.objectives for st in o.steps),
            ],
        ),
    )


def step_item(
    db: Session, viewer: Viewer, member_id: int, step_id: int
) -> tuple[User, ActionStep, dict[int, str], bool]:
    """One action step with its authors (for redrawing it in place after a change)."""
    member = common.plan_member(db, viewer, member_id, record_type="action_step", record_id=step_id)
    found = _step_for(db, member, step_id)
    if found is None:
        raise NotFound()
    step = found[0]
    can_write = access.can(db, viewer.user, member, Section.PLAN, Action.WRITE)
    return member, step, common.author_names(db, _author_ids([step])), can_write


def decision_page(db: Session, viewer: Viewer, member_id: int, decision_id: int) -> DecisionPage:
    member = common.plan_member(
        db, viewer, member_id, record_type="decision_worksheet", record_id=decision_id
    )
    decision = _decision_for(db, member, decision_id)
    if decision is None:
        raise NotFound()
    return DecisionPage(
        member=member,
        is_member=viewer.user.id == member.id,
        can_write=access.can(db, viewer.user, member, Section.PLAN, Action.WRITE),
        decision=decision,
        names=common.author_names(db, _author_ids([decision])),
    )


def decisions_list(db: Session, viewer: Viewer, member_id: int) -> list[s.DecisionRead]:
    member = common.plan_member(db, viewer, member_id, record_type="decision_worksheet")
    decisions = _decisions(db, member)
    names = common.author_names(db, _author_ids(decisions))
    return [decision_read(d, names) for d in decisions]


def pending(db: Session, viewer: Viewer, member_id: int) -> list[s.ProposalRead]:
    member = common.plan_member(db, viewer, member_id, record_type="proposals")
    proposals = common.pending_proposals(db, member)
    names = common.author_names(db, (p.proposed_by_id for p in proposals))
    return [proposal_read(p, names) for p in proposals]


# Form pages are for people who may write (the member) or propose (their peer specialist).
# Anyone else who may only read gets "not found", and the refusal is audited as a write.


def goal_form(db: Session, viewer: Viewer, member_id: int, goal_id: int | None) -> FormContext:
    member = _writer(db, viewer, member_id, "goal", goal_id)
    goal = None
    if goal_id is not None:
        goal = _goal_for(db, member, goal_id)
        if goal is None:
            raise NotFound()
    return FormContext(
        member=member,
        is_member=viewer.user.id == member.id,
        strengths=_strengths(db, member),
        supporters=_supporters(db, member),
        goal=goal,
    )


def objective_form(
    db: Session,
    viewer: Viewer,
    member_id: int,
    *,
    goal_id: int | None = None,
    objective_id: int | None = None,
) -> FormContext:
    member = _writer(db, viewer, member_id, "objective", objective_id)
    objective = None
    if objective_id is not None:
        found = _objective_for(db, member, objective_id)
        if found is None:
            raise NotFound()
        objective, goal = found
    else:
        maybe_goal = _goal_for(db, member, goal_id)
        if maybe_goal is None:
            raise NotFound()
        goal = maybe_goal
    return FormContext(
        member=member,
        is_member=viewer.user.id == member.id,
        strengths=[],
        goal=goal,
        objective=objective,
    )


def step_form(
    db: Session,
    viewer: Viewer,
    member_id: int,
    *,
    objective_id: int | None = None,
    step_id: int | None = None,
) -> FormContext:
    member = _writer(db, viewer, member_id, "action_step", step_id)
    step = None
    if step_id is not None:
        found_step = _step_for(db, member, step_id)
        if found_step is None:
            raise NotFound()
        step, objective, goal = found_step
    else:
        found = _objective_for(db, member, objective_id)
        if found is None:
            raise NotFound()
        objective, goal = found
    return FormContext(
        member=member,
        is_member=viewer.user.id == member.id,
        strengths=[],
        goal=goal,
        objective=objective,
        step=step,
    )


def decision_form(
    db: Session, viewer: Viewer, member_id: int, decision_id: int | None
) -> FormContext:
    member = _writer(db, viewer, member_id, "decision_worksheet", decision_id)
    decision = None
    if decision_id is not None:
        decision = _decision_for(db, member, decision_id)
        if decision is None:
            raise NotFound()
    return FormContext(
        member=member, is_member=viewer.user.id == member.id, strengths=[], decision=decision
    )


# ---- writing: goals ------------------------------------------------------------------------


def create_goal(
    db: Session, viewer: Viewer, member_id: int, data: Mapping[str, Any]
) -> Goal | Proposed:
    parsed, errors = _parse(s.GoalIn, data)
    member = _member_row(db, member_id)
    if parsed is not None and member is not None:
        errors |= _strength_errors(db, member, parsed.strength_ids)
        errors |= _supporter_errors(db, member, parsed.supporter_ids)
    if parsed is None or errors:
        _refuse(db, viewer, member_id, GOAL, "new", Invalid(errors=errors))
    result = common.write_or_propose(
        db,
        viewer,
        member_id,
        GOAL,
        action="create",
        payload=parsed.model_dump(mode="json"),
        summary=f"New goal: {parsed.title}",
    )
    return _outcome(result, Goal)


def update_goal(
    db: Session,
    viewer: Viewer,
    member_id: int,
    goal_id: int,
    data: Mapping[str, Any],
    *,
    back_url: str = "",
    require_version: bool = True,
) -> Goal | Proposed:
    member = _member_row(db, member_id)
    goal = _goal_for(db, member, goal_id) if member else None
    changes, version = _prepare_update(
        db, viewer, member_id, GOAL, goal_id, goal, s.GoalPatch, data, back_url, require_version
    )
    assert member is not None and goal is not None
    errors: dict[str, str] = {}
    if "strength_ids" in changes:
        errors |= _strength_errors(db, member, changes["strength_ids"])
    if "supporter_ids" in changes:
        errors |= _supporter_errors(db, member, changes["supporter_ids"])
    if errors:
        _refuse(db, viewer, member_id, GOAL, goal_id, Invalid(errors=errors))
    result = common.write_or_propose(
        db,
        viewer,
        member_id,
        GOAL,
        action="update",
        target_id=goal.id,
        base_version=version,
        payload={"op": "edit", **changes},
        summary=_goal_change_summary(goal, changes),
    )
    return _outcome(result, Goal)


def set_goal_status(
    db: Session,
    viewer: Viewer,
    member_id: int,
    goal_id: int,
    status: str,
    version: int | None,
    *,
    back_url: str = "",
) -> Goal | Proposed:
    return update_goal(
        db,
        viewer,
        member_id,
        goal_id,
        {"status": status, "version": version},
        back_url=back_url,
    )


def remove_goal(
    db: Session,
    viewer: Viewer,
    member_id: int,
    goal_id: int,
    version: int | None,
    *,
    back_url: str = "",
) -> Goal | Proposed:
    member = _member_row(db, member_id)
    goal = _goal_for(db, member, goal_id) if member else None
    _prepare_removal(db, viewer, member_id, GOAL, goal_id, goal, version, back_url)
    assert goal is not None
    result = common.write_or_propose(
        db,
        viewer,
        member_id,
        GOAL,
        action="remove",
        target_id=goal.id,
        base_version=version,
        payload={"op": "remove"},
        summary=f"Remove the goal “{goal.title}”",
    )
    return _outcome(result, Goal)


# ---- writing: objectives -------------------------------------------------------------------


def create_objective(
    db: Session, viewer: Viewer, member_id: int, goal_id: int, data: Mapping[str, Any]
) -> Objective | Proposed:
    member = _member_row(db, member_id)
    goal = _goal_for(db, member, goal_id) if member else None
    if goal is None:
        _refuse(db, viewer, member_id, OBJECTIVE, "new", NotFound())
    parsed, errors = _parse(s.ObjectiveIn, data)
    if parsed is None:
        _refuse(db, viewer, member_id, OBJECTIVE, "new", Invalid(errors=errors))
    result = common.write_or_propose(
        db,
        viewer,
        member_id,
        OBJECTIVE,
        action="create",
        payload={"goal_id": goal.id, **parsed.model_dump(mode="json")},
        summary=f"New objective for “{goal.title}”: {parsed.text}",
    )
    return _outcome(result, Objective)


def update_objective(
    db: Session,
    viewer: Viewer,
    member_id: int,
    objective_id: int,
    data: Mapping[str, Any],
    *,
    back_url: str = "",
    require_version: bool = True,
) -> Objective | Proposed:
    member = _member_row(db, member_id)
    found = _objective_for(db, member, objective_id) if member else None
    objective = found[0] if found else None
    changes, version = _prepare_update(
        db,
        viewer,
        member_id,
        OBJECTIVE,
        objective_id,
        objective,
        s.ObjectivePatch,
        data,
        back_url,
        require_version,
    )
    assert objective is not None
    result = common.write_or_propose(
        db,
        viewer,
        member_id,
        OBJECTIVE,
        action="update",
        target_id=objective.id,
        base_version=version,
        payload={"op": "edit", **changes},
        summary=_item_change_summary("objective", objective.text, changes),
    )
    return _outcome(result, Objective)


def remove_objective(
    db: Session,
    viewer: Viewer,
    member_id: int,
    objective_id: int,
    version: int | None,
    *,
    back_url: str = "",
) -> Objective | Proposed:
    member = _member_row(db, member_id)
    found = _objective_for(db, member, objective_id) if member else None
    objective = found[0] if found else None
    _prepare_removal(db, viewer, member_id, OBJECTIVE, objective_id, objective, version, back_url)
    assert objective is not None
    result = common.write_or_propose(
        db,
        viewer,
        member_id,
        OBJECTIVE,
        action="remove",
        target_id=objective.id,
        base_version=version,
        payload={"op": "remove"},
        summary=f"Remove the objective “{objective.text}”",
    )
    return _outcome(result, Objective)


# ---- writing: action steps -----------------------------------------------------------------


def create_step(
    db: Session, viewer: Viewer, member_id: int, objective_id: int, data: Mapping[str, Any]
) -> ActionStep | Proposed:
    member = _member_row(db, member_id)
    found = _objective_for(db, member, objective_id) if member else None
    if found is None:
        _refuse(db, viewer, member_id, STEP, "new", NotFound())
    parsed, errors = _parse(s.StepIn, data)
    if parsed is None:
        _refuse(db, viewer, member_id, STEP, "new", Invalid(errors=errors))
    objective = found[0]
    result = common.write_or_propose(
        db,
        viewer,
        member_id,
        STEP,
        action="create",
        payload={"objective_id": objective.id, **parsed.model_dump(mode="json")},
        summary=f"New action step for “{objective.text}”: {parsed.text}",
    )
    return _outcome(result, ActionStep)


def update_step(
    db: Session,
    viewer: Viewer,
    member_id: int,
    step_id: int,
    data: Mapping[str, Any],
    *,
    back_url: str = "",
    require_version: bool = True,
) -> ActionStep | Proposed:
    member = _member_row(db, member_id)
    found = _step_for(db, member, step_id) if member else None
    step = found[0] if found else None
    changes, version = _prepare_update(
        db, viewer, member_id, STEP, step_id, step, s.StepPatch, data, back_url, require_version
    )
    assert step is not None
    result = common.write_or_propose(
        db,
        viewer,
        member_id,
        STEP,
        action="update",
        target_id=step.id,
        base_version=version,
        payload={"op": "edit", **changes},
        summary=_item_change_summary("action step", step.text, changes),
    )
    return _outcome(result, ActionStep)


def set_step_done(
    db: Session, viewer: Viewer, member_id: int, step_id: int, done: str
) -> ActionStep | Proposed:
    """The done toggle names the state it wants, so repeating it never flips it back."""
    return update_step(db, viewer, member_id, step_id, {"done": done}, require_version=False)


def set_objective_done(
    db: Session, viewer: Viewer, member_id: int, objective_id: int, done: str
) -> Objective | Proposed:
    return update_objective(
        db, viewer, member_id, objective_id, {"done": done}, require_version=False
    )


def remove_step(
    db: Session,
    viewer: Viewer,
    member_id: int,
    step_id: int,
    version: int | None,
    *,
    back_url: str = "",
) -> ActionStep | Proposed:
    member = _member_row(db, member_id)
    found = _step_for(db, member, step_id) if member else None
    step = found[0] if found else None
    _prepare_removal(db, viewer, member_id, STEP, step_id, step, version, back_url)
    assert step is not None
    result = common.write_or_propose(
        db,
        viewer,
        member_id,
        STEP,
        action="remove",
        target_id=step.id,
        base_version=version,
        payload={"op": "remove"},
        summary=f"Remove the action step “{step.text}”",
    )
    return _outcome(result, ActionStep)


# ---- writing: decision worksheets ----------------------------------------------------------


def create_decision(
    db: Session, viewer: Viewer, member_id: int, data: Mapping[str, Any]
) -> DecisionWorksheet | Proposed:
    parsed, errors = _parse(s.DecisionIn, data)
    if parsed is None:
        _refuse(db, viewer, member_id, DECISION, "new", Invalid(errors=errors))
    result = common.write_or_propose(
        db,
        viewer,
        member_id,
        DECISION,
        action="create",
        payload=parsed.model_dump(mode="json"),
        summary=f"New decision worksheet: {parsed.decision}",
    )
    return _outcome(result, DecisionWorksheet)


def update_decision(
    db: Session,
    viewer: Viewer,
    member_id: int,
    decision_id: int,
    data: Mapping[str, Any],
    *,
    back_url: str = "",
) -> DecisionWorksheet | Proposed:
    member = _member_row(db, member_id)
    decision = _decision_for(db, member, decision_id) if member else None
    changes, version = _prepare_update(
        db,
        viewer,
        member_id,
        DECISION,
        decision_id,
        decision,
        s.DecisionPatch,
        data,
        back_url,
        True,
    )
    assert decision is not None
    result = common.write_or_propose(
        db,
        viewer,
        member_id,
        DECISION,
        action="update",
        target_id=decision.id,
        base_version=version,
        payload={"op": "edit", **changes},
        summary=f"Changes to the decision worksheet “{decision.decision}”",
    )
    return _outcome(result, DecisionWorksheet)


def remove_decision(
    db: Session,
    viewer: Viewer,
    member_id: int,
    decision_id: int,
    version: int | None,
    *,
    back_url: str = "",
) -> DecisionWorksheet | Proposed:
    member = _member_row(db, member_id)
    decision = _decision_for(db, member, decision_id) if member else None
    _prepare_removal(db, viewer, member_id, DECISION, decision_id, decision, version, back_url)
    assert decision is not None
    result = common.write_or_propose(
        db,
        viewer,
        member_id,
        DECISION,
        action="remove",
        target_id=decision.id,
        base_version=version,
        payload={"op": "remove"},
        summary=f"Remove the decision worksheet “{decision.decision}”",
    )
    return _outcome(result, DecisionWorksheet)


# ---- appliers: the one place each change is made (member's own, or an accepted proposal) ----


def _apply_goal_create(
    db: Session,
    author: User,
    member: User,
    target_id: int | None,
    base_version: int | None,
    payload: dict[str, Any],
) -> Goal:
    data = _valid(s.GoalIn, payload)
    goal = Goal(
        **common.new_item_fields(author, member),
        member_id=member.id,
        title=data.title,
        why_it_matters=data.why_it_matters,
        dimensions=data.dimensions,
        chime=data.chime,
        strength_ids=_own_strength_ids(db, member, data.strength_ids),
        supporter_ids=_own_supporter_ids(db, member, data.supporter_ids),
        status=GoalStatus.ACTIVE,
        position=_next_position(db, member),
    )
    db.add(goal)
    db.flush()
    return goal


def _apply_goal_update(
    db: Session,
    author: User,
    member: User,
    target_id: int | None,
    base_version: int | None,
    payload: dict[str, Any],
) -> Goal:
    goal = _goal_for(db, member, target_id)
    if goal is None:
        raise NotFound("That goal is no longer in the plan.")
    if _op(payload) == "remove":
        _check_removal(db, goal, base_version)
        objective_ids = select(Objective.id).where(
            Objective.organization_id == goal.organization_id, Objective.goal_id == goal.id
        )
        db.execute(
            delete(ActionStep).where(
                ActionStep.organization_id == goal.organization_id,
                ActionStep.objective_id.in_(objective_ids),
            )
        )
        db.execute(
            delete(Objective).where(
                Objective.organization_id == goal.organization_id, Objective.goal_id == goal.id
            )
        )
        db.delete(goal)
        db.flush()
        return goal
    changes = _valid_changes(s.GoalPatch, payload)
    _check_version(db, goal, base_version, changes)
    for key, value in changes.items():
        if key == "status":
            status = GoalStatus(value)
            if status != goal.status:
                goal.status = status
                goal.status_changed_at = utcnow()
        elif key == "strength_ids":
            goal.strength_ids = _own_strength_ids(db, member, value)
        elif key == "supporter_ids":
            goal.supporter_ids = _own_supporter_ids(db, member, value)
        else:
            setattr(goal, key, value)
    common.touch(goal, author)
    db.flush()
    return goal


def _apply_objective_create(
    db: Session,
    author: User,
    member: User,
    target_id: int | None,
    base_version: int | None,
    payload: dict[str, Any],
) -> Objective:
    rest = dict(payload)
    goal = _goal_for(db, member, _payload_id(rest.pop("goal_id", None)))
    if goal is None:
        raise NotFound("That goal is no longer in the plan.")
    data = _valid(s.ObjectiveIn, rest)
    position = db.scalar(
        select(func.coalesce(func.max(Objective.position), 0)).where(
            Objective.organization_id == goal.organization_id, Objective.goal_id == goal.id
        )
    )
    objective = Objective(
        **common.new_item_fields(author, member),
        goal_id=goal.id,
        text=data.text,
        measure=data.measure,
        target_date=data.target_date,
        done=data.done,
        position=(position or 0) + 1,
    )
    db.add(objective)
    db.flush()
    return objective


def _apply_objective_update(
    db: Session,
    author: User,
    member: User,
    target_id: int | None,
    base_version: int | None,
    payload: dict[str, Any],
) -> Objective:
    found = _objective_for(db, member, target_id)
    if found is None:
        raise NotFound("That objective is no longer in the plan.")
    objective = found[0]
    if _op(payload) == "remove":
        _check_removal(db, objective, base_version)
        db.execute(
            delete(ActionStep).where(
                ActionStep.organization_id == objective.organization_id,
                ActionStep.objective_id == objective.id,
            )
        )
        db.delete(objective)
        db.flush()
        return objective
    changes = _valid_changes(s.ObjectivePatch, payload)
    _check_version(db, objective, base_version, changes)
    parsed = s.ObjectivePatch.model_validate(changes)
    for key in changes:
        setattr(objective, key, getattr(parsed, key))
    common.touch(objective, author)
    db.flush()
    return objective


def _apply_step_create(
    db: Session,
    author: User,
    member: User,
    target_id: int | None,
    base_version: int | None,
    payload: dict[str, Any],
) -> ActionStep:
    rest = dict(payload)
    found = _objective_for(db, member, _payload_id(rest.pop("objective_id", None)))
    if found is None:
        raise NotFound("That objective is no longer in the plan.")
    objective = found[0]
    data = _valid(s.StepIn, rest)
    position = db.scalar(
        select(func.coalesce(func.max(ActionStep.position), 0)).where(
            ActionStep.organization_id == objective.organization_id,
            ActionStep.objective_id == objective.id,
        )
    )
    step = ActionStep(
        **common.new_item_fields(author, member),
        objective_id=objective.id,
        text=data.text,
        who=data.who,
        who_detail=data.who_detail,
        when=data.when,
        done=data.done,
        position=(position or 0) + 1,
    )
    db.add(step)
    db.flush()
    return step


def _apply_step_update(
    db: Session,
    author: User,
    member: User,
    target_id: int | None,
    base_version: int | None,
    payload: dict[str, Any],
) -> ActionStep:
    found = _step_for(db, member, target_id)
    if found is None:
        raise NotFound("That action step is no longer in the plan.")
    step = found[0]
    if _op(payload) == "remove":
        _check_removal(db, step, base_version)
        db.delete(step)
        db.flush()
        return step
    changes = _valid_changes(s.StepPatch, payload)
    _check_version(db, step, base_version, changes)
    parsed = s.StepPatch.model_validate(changes)
    for key in changes:
        setattr(step, key, getattr(parsed, key))
    common.touch(step, author)
    db.flush()
    return step


def _apply_decision_create(
    db: Session,
    author: User,
    member: User,
    target_id: int | None,
    base_version: int | None,
    payload: dict[str, Any],
) -> DecisionWorksheet:
    data = _valid(s.DecisionIn, payload)
    decision = DecisionWorksheet(
        **common.new_item_fields(author, member),
        member_id=member.id,
        decision=data.decision,
        options=[o.model_dump() for o in data.options],
        what_matters=data.what_matters,
        who_involved=data.who_involved,
        my_choice=data.my_choice,
    )
    db.add(decision)
    db.flush()
    return decision


def _apply_decision_update(
    db: Session,
    author: User,
    member: User,
    target_id: int | None,
    base_version: int | None,
    payload: dict[str, Any],
) -> DecisionWorksheet:
    decision = _decision_for(db, member, target_id)
    if decision is None:
        raise NotFound("That decision worksheet is no longer in the plan.")
    if _op(payload) == "remove":
        _check_removal(db, decision, base_version)
        db.delete(decision)
        db.flush()
        return decision
    changes = _valid_changes(s.DecisionPatch, payload)
    _check_version(db, decision, base_version, changes)
    for key, value in changes.items():
        setattr(decision, key, value)
    common.touch(decision, author)
    db.flush()
    return decision


GOAL = common.register_kind(
    Kind("goal", Section.PLAN, "goal", create=_apply_goal_create, update=_apply_goal_update)
)
OBJECTIVE = common.register_kind(
    Kind(
        "objective",
        Section.PLAN,
        "objective",
        create=_apply_objective_create,
        update=_apply_objective_update,
    )
)
STEP = common.register_kind(
    Kind(
        "action_step",
        Section.PLAN,
        "action step",
        create=_apply_step_create,
        update=_apply_step_update,
    )
)
DECISION = common.register_kind(
    Kind(
        "decision_worksheet",
        Section.PLAN,
        "decision worksheet",
        create=_apply_decision_create,
        update=_apply_decision_update,
    )
)


# ---- JSON shapes ---------------------------------------------------------------------------


def _authorship(item: Any, names: Mapping[int, str]) -> dict[str, Any]:
    return {
        "created_by": names.get(item.created_by_id, ""),
        "created_at": item.created_at,
        "updated_by": names.get(item.updated_by_id, ""),
        "updated_at": item.updated_at,
        "version": item.version,
    }


def strength_ref(strength: Strength) -> s.StrengthRef:
    return s.StrengthRef(
        id=strength.id,
        text=strength.text,
        category=STRENGTH_CATEGORIES.get(strength.category, str(strength.category)),
    )


def supporter_ref(entry: SupporterEntry) -> s.SupporterRef:
    return s.SupporterRef(id=entry.id, name=entry.name, relationship=entry.relationship_label)


def supporter_label(entry: SupporterEntry) -> str:
    """A person as the plan pages name them: "Lena Reyes (sister)"."""
    relationship = entry.relationship_label.strip()
    return f"{entry.name} ({relationship})" if relationship else entry.name


def step_read(step: ActionStep, names: Mapping[int, str]) -> s.StepRead:
    return s.StepRead(
        **_authorship(step, names),
        id=step.id,
        objective_id=step.objective_id,
        text=step.text,
        who=step.who,
        who_label=STEP_OWNERS[step.who],
        who_detail=step.who_detail,
        when=step.when,
        done=step.done,
    )


def goal_read(node: GoalNode, names: Mapping[int, str]) -> s.GoalRead:
    goal = node.goal
    return s.GoalRead(
        **_authorship(goal, names),
        id=goal.id,
        title=goal.title,
        why_it_matters=goal.why_it_matters,
        dimensions=list(goal.dimensions or []),
        chime=list(goal.chime or []),
        strength_ids=[st.id for st in node.strengths],
        strengths=[strength_ref(st) for st in node.strengths],
        supporter_ids=[sp.id for sp in node.supporters],
        supporters=[supporter_ref(sp) for sp in node.supporters],
        status=goal.status,
        status_label=node.status_label,
        status_changed_at=goal.status_changed_at,
        objectives=[
            s.ObjectiveRead(
                **_authorship(o.objective, names),
                id=o.objective.id,
                goal_id=o.objective.goal_id,
                text=o.objective.text,
                measure=o.objective.measure,
                target_date=o.objective.target_date,
                done=o.objective.done,
                steps=[step_read(step, names) for step in o.steps],
            )
            for o in node.objectives
        ],
    )


def decision_read(decision: DecisionWorksheet, names: Mapping[int, str]) -> s.DecisionRead:
    return s.DecisionRead(
        **_authorship(decision, names),
        id=decision.id,
        decision=decision.decision,
        options=[
            s.OptionRead(
                option=str(o.get("option", "")),
                pros=str(o.get("pros", "")),
                cons=str(o.get("cons", "")),
            )
            for o in decision.options or []
            if isinstance(o, dict)
        ],
        what_matters=decision.what_matters,
        who_involved=decision.who_involved,
        my_choice=decision.my_choice,
    )


def proposal_read(proposal: PlanProposal, names: Mapping[int, str]) -> s.ProposalRead:
    return s.ProposalRead(
        id=proposal.id,
        kind=proposal.kind,
        action=proposal.action,
        target_id=proposal.target_id,
        summary=proposal.summary,
        note=proposal.note,
        status=str(proposal.status),
        proposed_by=names.get(proposal.proposed_by_id, ""),
        proposed_at=proposal.proposed_at,
    )


def proposed_read(db: Session, outcome: Proposed, member_name: str) -> s.ProposedRead:
    names = common.author_names(db, [outcome.proposal.proposed_by_id])
    return s.ProposedRead(
        message=suggestion_message(member_name),
        proposal=proposal_read(outcome.proposal, names),
    )


def suggestion_message(member_name: str) -> str:
    return (
        f"Your suggestion was sent to {member_name}. It becomes part of their plan "
        "if they accept it."
    )


def plan_read(view: PlanView) -> s.PlanRead:
    return s.PlanRead(
        member_id=view.member.id,
        member_name=view.member.display_name,
        vision=view.vision,
        strengths=[strength_ref(st) for st in view.strengths],
        goals=[goal_read(n, view.names) for n in view.goals],
        decisions=[decision_read(d, view.names) for d in view.decisions],
        pending_proposals=len(view.proposals),
    )


def goal_out(db: Session, goal: Goal) -> s.GoalRead:
    """A goal as the API answers it; only after the policy has allowed the change."""
    member = db.get(User, goal.member_id)
    assert member is not None
    node = _goal_nodes(db, member, only=goal)[0]
    names = common.author_names(
        db,
        [
            *_author_ids([goal]),
            *_author_ids(o.objective for o in node.objectives),
            *_author_ids(st for o in node.objectives for st in o.steps),
        ],
    )
    return goal_read(node, names)


def objective_out(db: Session, objective: Objective) -> s.ObjectiveRead:
    goal = db.get(Goal, objective.goal_id)
    assert goal is not None
    return next(o for o in goal_out(db, goal).objectives if o.id == objective.id)


def step_out(db: Session, step: ActionStep) -> s.StepRead:
    return step_read(step, common.author_names(db, _author_ids([step])))


def decision_out(db: Session, decision: DecisionWorksheet) -> s.DecisionRead:
    return decision_read(decision, common.author_names(db, _author_ids([decision])))


def goal_id_for(db: Session, *, objective_id: int | None = None, step_id: int | None = None) -> int:
    """The goal above an objective or step, for going back to its page after a change."""
    if step_id is not None:
        step = db.get(ActionStep, step_id)
        objective_id = step.objective_id if step else None
    objective = db.get(Objective, objective_id) if objective_id is not None else None
    if objective is None:
        raise NotFound()
    return objective.goal_id


def member_name(db: Session, member_id: int) -> str:
    """Only for messages after the policy has allowed a write to this member's plan."""
    member = db.get(User, member_id)
    return member.display_name if member else ""


# ---- snapshot parts (for signed versions and exports) --------------------------------------


def _goals_snapshot(db: Session, member: User) -> list[dict[str, Any]]:
    return _goals_snapshot_of(db, _goal_nodes(db, member))


def _goals_snapshot_of(db: Session, nodes: Sequence[GoalNode]) -> list[dict[str, Any]]:
    """The goals part of the snapshot from a goal tree already built (all the member's
    goals, as `_goal_nodes` returns them)."""
    names = common.author_names(
        db,
        [
            *_author_ids(n.goal for n in nodes),
            *_author_ids(o.objective for n in nodes for o in n.objectives),
            *_author_ids(st for n in nodes for o in n.objectives for st in o.steps),
        ],
    )
    return [goal_read(n, names).model_dump(mode="json") for n in nodes]


def _decisions_snapshot(db: Session, member: User) -> list[dict[str, Any]]:
    decisions = _decisions(db, member)
    names = common.author_names(db, _author_ids(decisions))
    return [decision_read(d, names).model_dump(mode="json") for d in decisions]


common.register_snapshot_part("goals", _goals_snapshot)
common.register_snapshot_part("decisions", _decisions_snapshot)


# ---- helpers -------------------------------------------------------------------------------


def _parse(model: type[M], data: Mapping[str, Any]) -> tuple[M | None, dict[str, str]]:
    try:
        return model.model_validate(dict(data)), {}
    except ValidationError as exc:
        return None, s.friendly_errors(exc)


def _valid(model: type[M], data: Mapping[str, Any]) -> M:
    parsed, errors = _parse(model, data)
    if parsed is None:
        raise Invalid(errors=errors)
    return parsed


def _valid_changes(model: type[BaseModel], payload: Mapping[str, Any]) -> dict[str, Any]:
    """A stored edit's fields, checked again as if they had just been typed."""
    data = {k: v for k, v in payload.items() if k not in ("op", "version")}
    parsed = _valid(model, data)
    return parsed.model_dump(mode="json", exclude_unset=True, exclude={"version"})


def _op(payload: Mapping[str, Any]) -> str:
    op = payload.get("op", "edit")
    if op not in ("edit", "remove"):
        raise Invalid(errors={"op": "This change is not one we know how to make."})
    return str(op)


def _payload_id(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    return None


def _outcome(result: object, item_type: type[ItemT]) -> ItemT | Proposed:
    if isinstance(result, Proposed | item_type):
        return result
    raise TypeError(f"unexpected result {type(result).__name__}")  # pragma: no cover


def _refuse(
    db: Session, viewer: Viewer, member_id: int, kind: Kind, record_id: object, error: Exception
) -> NoReturn:
    """Let the policy answer (and audit) first; only someone allowed to write learns more."""
    common.plan_member(
        db,
        viewer,
        member_id,
        kind.section,
        Action.WRITE,
        record_type=kind.name,
        record_id=record_id,
    )
    raise error


def _writer(
    db: Session, viewer: Viewer, member_id: int, record_type: str, record_id: object
) -> User:
    member = common.plan_member(db, viewer, member_id, record_type=record_type, record_id=record_id)
    if not access.can(db, viewer.user, member, Section.PLAN, Action.WRITE):
        # Audits the refusal, then answers "not found".
        common.plan_member(
            db,
            viewer,
            member_id,
            Section.PLAN,
            Action.WRITE,
            record_type=record_type,
            record_id=record_id,
        )
    return member


def _prepare_update(
    db: Session,
    viewer: Viewer,
    member_id: int,
    kind: Kind,
    target_id: int,
    item: Any,
    model: type[BaseModel],
    data: Mapping[str, Any],
    back_url: str,
    require_version: bool,
) -> tuple[dict[str, Any], int | None]:
    if item is None:
        _refuse(db, viewer, member_id, kind, target_id, NotFound())
    parsed, errors = _parse(model, data)
    if parsed is None:
        _refuse(db, viewer, member_id, kind, target_id, Invalid(errors=errors))
    version: int | None = getattr(parsed, "version", None)
    changes = parsed.model_dump(mode="json", exclude_unset=True, exclude={"version"})
    if require_version and version is None:
        _refuse(
            db, viewer, member_id, kind, target_id, Invalid(errors={"version": VERSION_MISSING})
        )
    if not changes:
        _refuse(
            db,
            viewer,
            member_id,
            kind,
            target_id,
            Invalid("There was nothing to change.", errors={"form": "Nothing was changed."}),
        )
    if version is not None and version != item.version:
        try:
            _check_version(db, item, version, changes, back_url)
        except EditConflict as conflict:
            _refuse(db, viewer, member_id, kind, target_id, conflict)
    if viewer.user.id != member_id:
        # A suggestion carries only what it would change, so the member sees just that.
        changes = {k: v for k, v in changes.items() if not _same(_stored(item, k), v)}
        if not changes:
            _refuse(
                db,
                viewer,
                member_id,
                kind,
                target_id,
                Invalid(
                    "This suggestion would not change anything.",
                    errors={"form": "Nothing here differs from the plan as it is."},
                ),
            )
    return changes, version


def _same(stored: Any, new: Any) -> bool:
    if isinstance(stored, list) and isinstance(new, list):
        return sorted(map(str, stored)) == sorted(map(str, new))
    return bool(stored == new)


def _stored(item: Any, key: str) -> Any:
    """An item's field as it would appear in a JSON payload, to compare with a change."""
    value = getattr(item, key, None)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list):
        return list(value)
    return value


def _prepare_removal(
    db: Session,
    viewer: Viewer,
    member_id: int,
    kind: Kind,
    target_id: int,
    item: Any,
    version: int | None,
    back_url: str,
) -> None:
    if item is None:
        _refuse(db, viewer, member_id, kind, target_id, NotFound())
    if version is None:
        _refuse(
            db, viewer, member_id, kind, target_id, Invalid(errors={"version": VERSION_MISSING})
        )
    try:
        _check_removal(db, item, version, back_url)
    except EditConflict as conflict:
        _refuse(db, viewer, member_id, kind, target_id, conflict)


def _check_version(
    db: Session, item: Any, base_version: int | None, changes: Mapping[str, Any], back_url: str = ""
) -> None:
    """common.check_version, comparing the words people see rather than stored keys."""
    if base_version is None or base_version == item.version:
        return
    shown_now = SimpleNamespace(
        version=item.version, **{k: _shown(db, k, getattr(item, k, None), item) for k in changes}
    )
    yours = {k: _shown(db, k, v, item) for k, v in changes.items()}
    common.check_version(shown_now, base_version, yours, back_url)


def _check_removal(db: Session, item: Any, base_version: int | None, back_url: str = "") -> None:
    if base_version is None or base_version == item.version:
        return
    names = common.author_names(db, [item.updated_by_id])
    changed = f"Kept: changed by {names.get(item.updated_by_id, 'someone')} after you opened it"
    raise EditConflict(
        current={"change": changed}, yours={"change": "Remove it"}, back_url=back_url
    )


def _shown(db: Session, key: str, value: Any, item: Any) -> str:
    """One field as people read it, for the side-by-side conflict view. Ids name only the
    item's own member's strengths and people (a change not yet checked may name others)."""
    if value is None:
        return ""
    if key == "dimensions":
        return ", ".join(DIMENSIONS.get(v, str(v)) for v in value)
    if key == "chime":
        return ", ".join(CHIME.get(v, str(v)) for v in value)
    if key == "strength_ids":
        ids = [int(v) for v in value if isinstance(v, int)]
        if not ids:
            return ""
        rows = db.execute(
            select(Strength.id, Strength.text).where(
                Strength.organization_id == item.organization_id,
                Strength.member_id == item.member_id,
                Strength.id.in_(ids),
            )
        ).all()
        texts = {row[0]: row[1] for row in rows}
        return ", ".join(texts.get(i, "") for i in ids if texts.get(i))
    if key == "supporter_ids":
        ids = [int(v) for v in value if isinstance(v, int)]
        if not ids:
            return ""
        people = {
            entry.id: supporter_label(entry)
            for entry in db.scalars(
                select(SupporterEntry).where(
                    SupporterEntry.organization_id == item.organization_id,
                    SupporterEntry.member_id == item.member_id,
                    SupporterEntry.id.in_(ids),
                )
            )
        }
        return ", ".join(people[i] for i in ids if i in people)
    if key == "status":
        return GOAL_STATUSES.get(GoalStatus(value), str(value))
    if key == "who":
        return STEP_OWNERS.get(StepOwner(value), str(value))
    if key == "done":
        return "Done" if value else "Not done yet"
    if key == "options":
        return "\n".join(
            f"{o.get('option', '')} (pros: {o.get('pros', '') or '-'}; "
            f"cons: {o.get('cons', '') or '-'})"
            for o in value
            if isinstance(o, dict)
        )
    return str(value)


def _goal_change_summary(goal: Goal, changes: Mapping[str, Any]) -> str:
    if set(changes) == {"status"}:
        status = GOAL_STATUSES[GoalStatus(changes["status"])].lower()
        return f"Mark the goal “{goal.title}” as {status}"
    return _item_change_summary("goal", goal.title, changes)


def _item_change_summary(label: str, text: str, changes: Mapping[str, Any]) -> str:
    if set(changes) == {"done"}:
        state = "done" if changes["done"] else "not done yet"
        return f"Mark the {label} “{text}” as {state}"
    fields = ", ".join(s.FIELD_LABELS.get(k, k).lower() for k in changes)
    return f"Changes to the {label} “{text}” ({fields})"


def _member_row(db: Session, member_id: int) -> User | None:
    user = db.get(User, member_id)
    return user if user is not None and user.role == Role.MEMBER else None


def _goal_for(db: Session, member: User | None, goal_id: int | None) -> Goal | None:
    if member is None or goal_id is None:
        return None
    goal = db.get(Goal, goal_id)
    if (
        goal is None
        or goal.member_id != member.id
        or goal.organization_id != member.organization_id
    ):
        return None
    return goal


def _objective_for(
    db: Session, member: User | None, objective_id: int | None
) -> tuple[Objective, Goal] | None:
    if member is None or objective_id is None:
        return None
    objective = db.get(Objective, objective_id)
    if objective is None or objective.organization_id != member.organization_id:
        return None
    goal = _goal_for(db, member, objective.goal_id)
    return (objective, goal) if goal is not None else None


def _step_for(
    db: Session, member: User | None, step_id: int | None
) -> tuple[ActionStep, Objective, Goal] | None:
    if member is None or step_id is None:
        return None
    step = db.get(ActionStep, step_id)
    if step is None or step.organization_id != member.organization_id:
        return None
    found = _objective_for(db, member, step.objective_id)
    return (step, *found) if found is not None else None


def _decision_for(
    db: Session, member: User | None, decision_id: int | None
) -> DecisionWorksheet | None:
    if member is None or decision_id is None:
        return None
    decision = db.get(DecisionWorksheet, decision_id)
    if (
        decision is None
        or decision.member_id != member.id
        or decision.organization_id != member.organization_id
    ):
        return None
    return decision


def _strengths(db: Session, member: User) -> list[Strength]:
    return list(
        db.scalars(
            select(Strength)
            .where(
                Strength.organization_id == member.organization_id, Strength.member_id == member.id
            )
            .order_by(Strength.id)
        ).all()
    )


def _own_strength_ids(db: Session, member: User, ids: Iterable[int]) -> list[int]:
    """Keep only strengths that are still this member's (one may have been removed since)."""
    wanted = [i for i in ids if isinstance(i, int)]
    if not wanted:
        return []
    own = set(
        db.scalars(
            select(Strength.id).where(
                Strength.organization_id == member.organization_id,
                Strength.member_id == member.id,
                Strength.id.in_(wanted),
            )
        ).all()
    )
    return [i for i in dict.fromkeys(wanted) if i in own]


def _strength_errors(db: Session, member: User, ids: Sequence[int]) -> dict[str, str]:
    if len(_own_strength_ids(db, member, ids)) != len(set(ids)):
        return {"strength_ids": "Strengths used: choose from the strengths in this plan."}
    return {}


def _supporters(db: Session, member: User) -> list[SupporterEntry]:
    """The people in the member's supporters map, in the order that page lists them."""
    return list(
        db.scalars(
            select(SupporterEntry)
            .where(
                SupporterEntry.organization_id == member.organization_id,
                SupporterEntry.member_id == member.id,
            )
            .order_by(SupporterEntry.created_at, SupporterEntry.id)
        ).all()
    )


def _own_supporter_ids(db: Session, member: User, ids: Iterable[int]) -> list[int]:
    """Keep only people still in this member's supporters map (one may have been removed)."""
    wanted = [i for i in ids if isinstance(i, int)]
    if not wanted:
        return []
    own = set(
        db.scalars(
            select(SupporterEntry.id).where(
                SupporterEntry.organization_id == member.organization_id,
                SupporterEntry.member_id == member.id,
                SupporterEntry.id.in_(wanted),
            )
        ).all()
    )
    return [i for i in dict.fromkeys(wanted) if i in own]


def _supporter_errors(db: Session, member: User, ids: Sequence[int]) -> dict[str, str]:
    if len(_own_supporter_ids(db, member, ids)) != len(set(ids)):
        return {
            "supporter_ids": (
                "People who help: choose from the people in this member's supporters map."
            )
        }
    return {}


def _vision(db: Session, member: User) -> str:
    vision = db.scalar(
        select(MemberProfile.vision).where(
            MemberProfile.organization_id == member.organization_id,
            MemberProfile.member_id == member.id,
        )
    )
    return vision or ""


def _decisions(db: Session, member: User) -> list[DecisionWorksheet]:
    return list(
        db.scalars(
            select(DecisionWorksheet)
            .where(
                DecisionWorksheet.organization_id == member.organization_id,
                DecisionWorksheet.member_id == member.id,
            )
            .order_by(DecisionWorksheet.created_at.desc(), DecisionWorksheet.id.desc())
        ).all()
    )


def _next_position(db: Session, member: User) -> int:
    highest = db.scalar(
        select(func.coalesce(func.max(Goal.position), 0)).where(
            Goal.organization_id == member.organization_id, Goal.member_id == member.id
        )
    )
    return int(highest or 0) + 1


def _goal_nodes(db: Session, member: User, *, only: Goal | None = None) -> list[GoalNode]:
    if only is not None:
        goals = [only]
    else:
        goals = list(
            db.scalars(
                select(Goal)
                .where(Goal.organization_id == member.organization_id, Goal.member_id == member.id)
                .order_by(Goal.position, Goal.id)
            ).all()
        )
        goals.sort(key=lambda g: STATUS_ORDER.index(g.status))
    goal_ids = [g.id for g in goals]
    objectives = (
        list(
            db.scalars(
                # By goal alone: the composite foreign key keeps an objective in its goal's
                # organization, and SQLite, given the organization too, reads all of its
                # objectives instead of using the goal_id index.
                select(Objective)
                .where(Objective.goal_id.in_(goal_ids))
                .order_by(Objective.position, Objective.id)
            ).all()
        )
        if goal_ids
        else []
    )
    objective_ids = [o.id for o in objectives]
    steps = (
        list(
            db.scalars(
                select(ActionStep)  # by objective alone, as above
                .where(ActionStep.objective_id.in_(objective_ids))
                .order_by(ActionStep.position, ActionStep.id)
            ).all()
        )
        if objective_ids
        else []
    )
    strengths = {st.id: st for st in _strengths(db, member)}
    people = {sp.id: sp for sp in _supporters(db, member)} if goals else {}
    nodes = []
    for goal in goals:
        nodes.append(
            GoalNode(
                goal=goal,
                objectives=[
                    ObjectiveNode(o, [st for st in steps if st.objective_id == o.id])
                    for o in objectives
                    if o.goal_id == goal.id
                ],
                strengths=[strengths[i] for i in goal.strength_ids or [] if i in strengths],
                supporters=[people[i] for i in goal.supporter_ids or [] if i in people],
            )
        )
    return nodes


def _author_ids(items: Iterable[Any]) -> list[int]:
    ids: list[int] = []
    for item in items:
        ids += [item.created_by_id, item.updated_by_id]
    return ids
