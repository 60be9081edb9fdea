"""Goals, objectives and action steps: the member writes directly, their peer specialist's
writes become suggestions, statuses in recovery words with a moment of recognition, removal
with a confirmation, conflicts on stale versions, and refused input that saves nothing."""

from __future__ import annotations

from datetime import date
from html import unescape

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerpath.db.models import (
    ActionStep,
    AuditEvent,
    Goal,
    GoalStatus,
    Objective,
    PlanProposal,
    ProposalStatus,
    StepOwner,
    Strength,
    User,
)
from tests.conftest import Browser


def _goal(db: Session, member: User, title: str) -> Goal:
    db.expire_all()
    goal = db.scalar(select(Goal).where(Goal.member_id == member.id, Goal.title == title))
    assert goal is not None, title
    return goal


def _count(db: Session, model: type) -> int:
    db.expire_all()
    return int(db.scalar(select(func.count()).select_from(model)) or 0)


def _objectives(db: Session, goal: Goal) -> list[Objective]:
    db.expire_all()
    return list(db.scalars(select(Objective).where(Objective.goal_id == goal.id)))


def _steps(db: Session, objective: Objective) -> list[ActionStep]:
    db.expire_all()
    return list(db.scalars(select(ActionStep).where(ActionStep.objective_id == objective.id)))


def _pending(db: Session, member: User, kind: str) -> list[PlanProposal]:
    db.expire_all()
    return list(
        db.scalars(
            select(PlanProposal)
            .where(
                PlanProposal.member_id == member.id,
                PlanProposal.kind == kind,
                PlanProposal.status == ProposalStatus.PENDING,
            )
            .order_by(PlanProposal.id)
        )
    )


def _strength_id(db: Session, member: User, beginning: str) -> int:
    strength = db.scalar(
        select(Strength).where(Strength.member_id == member.id, Strength.text.startswith(beginning))
    )
    assert strength is not None
    return strength.id


KITCHEN = "Find steady work in a kitchen"
DINNER = "Cook Sunday dinner for the people I care about"


# ---- goals: the member writes ----------------------------------------------------------


def test_create_goal_as_member_saves_it_in_their_words(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member2"]
    design = _strength_id(db, member, "Drawing and graphic design")
    client.login("harbor.member2")
    form = client.get(f"/members/{member.id}/plan/goals/new")
    assert form.status_code == 200
    assert "Drawing and graphic design" in form.text  # the member's strengths to choose from
    response = client.submit(
        f"/members/{member.id}/plan/goals",
        {
            "title": "Dance at my cousin's wedding",
            "why_it_matters": "Because I used to love it.",
            "dimensions": ["social", "physical"],
            "chime": ["connectedness"],
            "strength_ids": [str(design)],
        },
    )
    assert response.status_code == 303
    goal = _goal(db, member, "Dance at my cousin's wedding")
    assert response.headers["location"] == f"/members/{member.id}/plan/goals/{goal.id}"
    assert goal.dimensions == ["physical", "social"]
    assert goal.chime == ["connectedness"]
    assert goal.strength_ids == [design]
    assert goal.status == GoalStatus.ACTIVE
    assert goal.created_by_id == member.id
    page = unescape(client.get(response.headers["location"]).text)
    assert "Your goal is saved." in page
    assert "Physical, Social" in page and "Drawing and graphic design" in page
    assert "Written by Priya Nair on" in page


def test_create_goal_without_a_title_is_refused_and_nothing_saved(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member2"]
    before = _count(db, Goal)
    client.login("harbor.member2")
    response = client.submit(
        f"/members/{member.id}/plan/goals",
        {"title": "   ", "why_it_matters": "Kept for me", "dimensions": ["astral"]},
    )
    assert response.status_code == 422
    assert 'class="error-summary"' in response.text
    assert "Goal: please write something here." in response.text
    assert "Areas of wellness: choose from the eight dimensions" in response.text
    assert 'aria-invalid="true"' in response.text
    assert "Kept for me" in response.text  # what they typed is kept
    assert _count(db, Goal) == before


def test_create_goal_with_a_strength_of_someone_else_is_refused(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member2"]
    others = _strength_id(db, demo["harbor.member1"], "I'm good at fixing bikes")
    before = _count(db, Goal)
    client.login("harbor.member2")
    response = client.submit(
        f"/members/{member.id}/plan/goals", {"title": "A goal", "strength_ids": [str(others)]}
    )
    assert response.status_code == 422
    assert "Strengths used: choose from the strengths in this plan." in response.text
    assert _count(db, Goal) == before


def test_edit_goal_as_member_moves_the_version_on(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    goal = _goal(db, member, KITCHEN)
    old_version = goal.version
    client.login("harbor.member1")
    form = client.get(f"/members/{member.id}/plan/goals/{goal.id}/edit")
    assert f'name="version" value="{old_version}"' in form.text
    response = client.submit(
        f"/members/{member.id}/plan/goals/{goal.id}",
        {
            "title": "Find steady work in a restaurant kitchen",
            "why_it_matters": goal.why_it_matters,
            "dimensions": ["occupational"],
            "version": str(goal.version),
        },
    )
    assert response.status_code == 303
    changed = _goal(db, member, "Find steady work in a restaurant kitchen")
    assert changed.version == old_version + 1
    assert changed.dimensions == ["occupational"] and changed.chime == []


def test_edit_goal_with_a_stale_version_shows_both_texts_and_keeps_the_newer(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    goal = _goal(db, member, KITCHEN)
    old_version = goal.version
    first, second = make_client(), make_client()
    first.login("harbor.member1")
    second.login("harbor.member1")
    saved = first.submit(
        f"/members/{member.id}/plan/goals/{goal.id}",
        {"title": "Work as a line cook", "version": str(old_version)},
    )
    assert saved.status_code == 303
    stale = second.submit(
        f"/members/{member.id}/plan/goals/{goal.id}",
        {"title": "Work as a baker", "version": str(old_version)},
    )
    assert stale.status_code == 409
    assert "Work as a line cook" in stale.text and "Work as a baker" in stale.text
    assert f"/members/{member.id}/plan/goals/{goal.id}/edit" in stale.text
    db.expire_all()
    assert db.get(Goal, goal.id).title == "Work as a line cook"  # type: ignore[union-attr]


def test_edit_goal_of_another_member_through_my_own_path_is_not_found(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    mine = demo["harbor.member2"]
    theirs = _goal(db, demo["harbor.member1"], KITCHEN)
    client.login("harbor.member2")
    assert client.get(f"/members/{mine.id}/plan/goals/{theirs.id}").status_code == 404
    response = client.submit(
        f"/members/{mine.id}/plan/goals/{theirs.id}",
        {"title": "Taken over", "version": str(theirs.version)},
    )
    assert response.status_code == 404
    assert _goal(db, demo["harbor.member1"], KITCHEN).version == theirs.version


# ---- statuses: achieved, paused, let go -------------------------------------------------


def test_achieve_goal_shows_a_calm_moment_of_recognition(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    goal = _goal(db, member, KITCHEN)
    client.login("harbor.member1")
    response = client.submit(
        f"/members/{member.id}/plan/goals/{goal.id}/status",
        {"status": "achieved", "version": str(goal.version)},
    )
    assert response.status_code == 303
    page = unescape(client.get(response.headers["location"]).text)
    assert "You marked this goal as achieved." in page
    assert "You achieved this goal" in page
    today = date.today()
    assert f"Achieved on {today.day} {today:%B %Y}" in page
    assert "The steps it took" in page
    assert "Sign up for the online course on the library computers" in page  # a done step
    assert "I can cook for a crowd on a small budget" in page  # strengths it used
    lowered = page.lower()
    for word in ("confetti", "points", "streak", "fail"):
        assert word not in lowered
    achieved = _goal(db, member, KITCHEN)
    assert achieved.status == GoalStatus.ACHIEVED and achieved.status_changed_at is not None


def test_view_achieved_goal_as_peer_names_the_member(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    goal = _goal(db, member, DINNER)
    client.login("harbor.peer1")
    page = unescape(client.get(f"/members/{member.id}/plan/goals/{goal.id}").text)
    assert "Jordan Reyes achieved this goal" in page
    assert "Host one Sunday dinner" in page


@pytest.mark.parametrize(
    ("status", "words"),
    [("paused", "Paused for now"), ("let_go", "Let go"), ("active", "Working on it")],
)
def test_change_goal_status_uses_recovery_words(
    client: Browser, demo: dict[str, User], db: Session, status: str, words: str
) -> None:
    member = demo["harbor.member1"]
    goal = _goal(db, member, DINNER)
    client.login("harbor.member1")
    response = client.submit(
        f"/members/{member.id}/plan/goals/{goal.id}/status",
        {"status": status, "version": str(goal.version)},
    )
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert words in page
    assert "fail" not in page.lower()
    assert _goal(db, member, DINNER).status == GoalStatus(status)


def test_change_goal_status_to_failed_is_refused(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    goal = _goal(db, member, KITCHEN)
    client.login("harbor.member1")
    response = client.submit(
        f"/members/{member.id}/plan/goals/{goal.id}/status",
        {"status": "failed", "version": str(goal.version)},
    )
    assert response.status_code == 422
    assert "choose one of the options" in response.text
    assert _goal(db, member, KITCHEN).status == GoalStatus.ACTIVE


# ---- removing, with a confirmation ------------------------------------------------------


def test_remove_goal_asks_first_then_removes_it_with_its_objectives(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    goal = _goal(db, member, KITCHEN)
    goal_id = goal.id
    objective_ids = [o.id for o in _objectives(db, goal)]
    assert objective_ids
    client.login("harbor.member1")
    confirm = client.get(f"/members/{member.id}/plan/goals/{goal.id}/remove")
    assert confirm.status_code == 200
    assert "Remove this goal?" in confirm.text and "Yes, remove this goal" in confirm.text
    assert f'name="version" value="{goal.version}"' in confirm.text
    unconfirmed = client.submit(f"/members/{member.id}/plan/goals/{goal.id}/remove", {})
    assert unconfirmed.status_code == 422
    assert _goal(db, member, KITCHEN).id == goal.id
    removed = client.submit(
        f"/members/{member.id}/plan/goals/{goal.id}/remove", {"version": str(goal.version)}
    )
    assert removed.status_code == 303
    assert removed.headers["location"] == f"/members/{member.id}/plan"
    db.expunge_all()
    assert db.get(Goal, goal_id) is None
    assert db.scalar(select(func.count()).where(Objective.id.in_(objective_ids))) == 0
    assert db.scalar(select(func.count()).where(ActionStep.objective_id.in_(objective_ids))) == 0


def test_remove_goal_changed_since_the_page_opened_is_a_conflict(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    goal = _goal(db, member, KITCHEN)
    client.login("harbor.member1")
    response = client.submit(
        f"/members/{member.id}/plan/goals/{goal.id}/remove", {"version": str(goal.version + 5)}
    )
    assert response.status_code == 409
    assert "Remove it" in response.text
    assert _goal(db, member, KITCHEN).id == goal.id


# ---- the peer specialist suggests; the member decides -----------------------------------


def test_create_goal_as_peer_becomes_a_suggestion_the_member_accepts_credited_to_peer(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member, peer = demo["harbor.member1"], demo["harbor.peer1"]
    before = _count(db, Goal)
    staff = make_client()
    staff.login("harbor.peer1")
    form = staff.get(f"/members/{member.id}/plan/goals/new")
    assert "Send this suggestion" in form.text
    sent = staff.submit(
        f"/members/{member.id}/plan/goals",
        {"title": "Try the Saturday fishing club", "dimensions": ["social"]},
    )
    assert sent.status_code == 303
    assert "Your suggestion was sent to Jordan Reyes" in unescape(
        staff.get(sent.headers["location"]).text
    )
    assert _count(db, Goal) == before
    proposal = _pending(db, member, "goal")[-1]
    assert proposal.summary == "New goal: Try the Saturday fishing club"
    assert proposal.proposed_by_id == peer.id

    owner = make_client()
    owner.login("harbor.member1")
    plan_url = f"/members/{member.id}/plan"
    assert "New goal: Try the Saturday fishing club" in owner.get(plan_url).text
    accepted = owner.submit(
        f"/members/{member.id}/proposals/{proposal.id}/accept", {"next": plan_url}
    )
    assert accepted.status_code == 303
    goal = _goal(db, member, "Try the Saturday fishing club")
    assert goal.created_by_id == peer.id and goal.updated_by_id == peer.id
    assert goal.dimensions == ["social"]
    page = owner.get(f"{plan_url}/goals/{goal.id}").text
    assert "Written by Rosa Delgado on" in page


def test_decline_a_suggested_goal_leaves_the_plan_as_it_was(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    staff = make_client()
    staff.login("harbor.peer1")
    staff.submit(f"/members/{member.id}/plan/goals", {"title": "Join a gym"})
    proposal = _pending(db, member, "goal")[-1]
    before = _count(db, Goal)
    owner = make_client()
    owner.login("harbor.member1")
    declined = owner.submit(
        f"/members/{member.id}/proposals/{proposal.id}/decline",
        {"next": f"/members/{member.id}/plan"},
    )
    assert declined.status_code == 303
    assert _count(db, Goal) == before
    db.expire_all()
    assert db.get(PlanProposal, proposal.id).status == ProposalStatus.DECLINED  # type: ignore[union-attr]


def test_accept_the_demo_suggested_objective_adds_it_under_the_goal(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    goal = _goal(db, member, KITCHEN)
    proposal = _pending(db, member, "objective")[0]
    client.login("harbor.member1")
    accepted = client.submit(
        f"/members/{member.id}/proposals/{proposal.id}/accept",
        {"next": f"/members/{member.id}/plan"},
    )
    assert accepted.status_code == 303
    texts = {o.text: o for o in _objectives(db, goal)}
    assert "Go to the county job fair" in texts
    assert texts["Go to the county job fair"].created_by_id == demo["harbor.peer1"].id
    assert texts["Go to the county job fair"].target_date is not None


def test_accept_the_demo_suggested_goal_edit_changes_only_what_was_suggested(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["riverbend.member1"]
    goal = _goal(db, member, "Work at the bike co-op")
    old_version, old_dimensions = goal.version, list(goal.dimensions)
    proposal = _pending(db, member, "goal")[0]
    client.login("riverbend.member1")
    client.submit(f"/members/{member.id}/proposals/{proposal.id}/accept", {})
    changed = _goal(db, member, "Work at the bike co-op")
    assert changed.why_it_matters.endswith("would help with rent.")
    assert changed.dimensions == old_dimensions
    assert changed.updated_by_id == demo["riverbend.peer1"].id
    assert changed.version == old_version + 1


def test_accept_a_suggested_edit_after_the_member_changed_the_goal_is_a_conflict(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    goal = _goal(db, member, KITCHEN)
    staff = make_client()
    staff.login("harbor.peer1")
    staff.submit(
        f"/members/{member.id}/plan/goals/{goal.id}",
        {"title": "Find kitchen work near the bus line", "version": str(goal.version)},
    )
    proposal = _pending(db, member, "goal")[-1]
    owner = make_client()
    owner.login("harbor.member1")
    owner.submit(
        f"/members/{member.id}/plan/goals/{goal.id}",
        {"title": "Find kitchen work I enjoy", "version": str(goal.version)},
    )
    answer = owner.submit(f"/members/{member.id}/proposals/{proposal.id}/accept", {})
    assert answer.status_code == 409
    assert "Find kitchen work near the bus line" in answer.text
    assert "Find kitchen work I enjoy" in answer.text
    assert _goal(db, member, "Find kitchen work I enjoy").id == goal.id


def test_peer_status_change_is_a_suggestion(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    goal = _goal(db, member, KITCHEN)
    client.login("harbor.peer1")
    response = client.submit(
        f"/members/{member.id}/plan/goals/{goal.id}/status",
        {"status": "achieved", "version": str(goal.version)},
    )
    assert response.status_code == 303
    assert _goal(db, member, KITCHEN).status == GoalStatus.ACTIVE
    proposal = _pending(db, member, "goal")[-1]
    assert proposal.summary == f"Mark the goal “{KITCHEN}” as achieved"


@pytest.mark.parametrize("username", ["harbor.supervisor", "harbor.peer2", "harbor.admin"])
def test_write_goal_as_someone_who_may_not_write_is_not_found_and_audited(
    client: Browser, demo: dict[str, User], db: Session, username: str
) -> None:
    member = demo["harbor.member1"]
    goal = _goal(db, member, KITCHEN)
    before = _count(db, PlanProposal), _count(db, Goal)
    client.login(username)
    assert client.get(f"/members/{member.id}/plan/goals/new").status_code == 404
    assert client.get(f"/members/{member.id}/plan/goals/{goal.id}/edit").status_code == 404
    assert client.submit(f"/members/{member.id}/plan/goals", {"title": "x"}).status_code == 404
    assert (
        client.submit(
            f"/members/{member.id}/plan/goals/{goal.id}/remove", {"version": str(goal.version)}
        ).status_code
        == 404
    )
    assert (_count(db, PlanProposal), _count(db, Goal)) == before
    db.expire_all()
    denied = db.scalars(
        select(AuditEvent).where(
            AuditEvent.actor_user_id == demo[username].id,
            AuditEvent.subject_member_id == member.id,
            AuditEvent.allowed.is_(False),
        )
    ).all()
    assert len(denied) >= 4  # every refused request is on record
    assert any(e.action == "write:plan" for e in denied)


def test_write_goal_as_member_writes_an_audit_row(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member3"]
    client.login("harbor.member3")
    client.submit(f"/members/{member.id}/plan/goals", {"title": "Learn to screen print"})
    db.expire_all()
    events = db.scalars(
        select(AuditEvent).where(
            AuditEvent.actor_user_id == member.id,
            AuditEvent.action == "write:plan",
            AuditEvent.record_type == "goal",
            AuditEvent.allowed.is_(True),
        )
    ).all()
    assert events


# ---- objectives -------------------------------------------------------------------------


def test_create_objective_as_member_with_a_target_date(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    goal = _goal(db, member, KITCHEN)
    client.login("harbor.member1")
    assert (
        client.get(f"/members/{member.id}/plan/goals/{goal.id}/objectives/new").status_code == 200
    )
    response = client.submit(
        f"/members/{member.id}/plan/goals/{goal.id}/objectives",
        {"text": "Do a trial shift", "measure": "One shift worked", "target_date": "2026-09-30"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/members/{member.id}/plan/goals/{goal.id}"
    created = next(o for o in _objectives(db, goal) if o.text == "Do a trial shift")
    assert created.target_date == date(2026, 9, 30) and created.measure == "One shift worked"
    page = client.get(response.headers["location"]).text
    assert "30 September 2026" in page


@pytest.mark.parametrize("bad_date", ["2026-02-30", "next Tuesday", "30/09/2026", "2026-13-01"])
def test_create_objective_with_an_invalid_target_date_is_refused_and_nothing_saved(
    client: Browser, demo: dict[str, User], db: Session, bad_date: str
) -> None:
    member = demo["harbor.member1"]
    goal = _goal(db, member, KITCHEN)
    before = _count(db, Objective)
    client.login("harbor.member1")
    response = client.submit(
        f"/members/{member.id}/plan/goals/{goal.id}/objectives",
        {"text": "Do a trial shift", "target_date": bad_date},
    )
    assert response.status_code == 422
    assert "Target date: use a real date, like 2026-06-30." in response.text
    assert 'value="Do a trial shift"' in response.text
    assert _count(db, Objective) == before


def test_edit_objective_with_a_stale_version_is_a_conflict_showing_both(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    objective = _objectives(db, _goal(db, member, KITCHEN))[0]
    client.login("harbor.member1")
    url = f"/members/{member.id}/plan/objectives/{objective.id}"
    first = client.submit(url, {"text": "Get my food handler card this month", "version": "1"})
    assert first.status_code == 303
    second = client.submit(url, {"text": "Get the card by spring", "version": "1"})
    assert second.status_code == 409
    assert "Get my food handler card this month" in second.text
    assert "Get the card by spring" in second.text


def test_mark_objective_done_as_member(client: Browser, demo: dict[str, User], db: Session) -> None:
    member = demo["harbor.member1"]
    objective = _objectives(db, _goal(db, member, KITCHEN))[0]
    client.login("harbor.member1")
    plan = f"/members/{member.id}/plan"
    response = client.submit(
        f"{plan}/objectives/{objective.id}/done", {"done": "true", "next": plan}
    )
    assert response.status_code == 303 and response.headers["location"] == plan
    db.expire_all()
    assert db.get(Objective, objective.id).done is True  # type: ignore[union-attr]


def test_suggest_objective_as_peer_then_member_accepts(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    goal = _goal(db, member, KITCHEN)
    staff = make_client()
    staff.login("harbor.peer1")
    sent = staff.submit(
        f"/members/{member.id}/plan/goals/{goal.id}/objectives",
        {"text": "Visit two kitchens to see the work", "target_date": "2026-08-01"},
    )
    assert sent.status_code == 303
    assert all(o.text != "Visit two kitchens to see the work" for o in _objectives(db, goal))
    proposal = _pending(db, member, "objective")[-1]
    owner = make_client()
    owner.login("harbor.member1")
    owner.submit(f"/members/{member.id}/proposals/{proposal.id}/accept", {})
    created = next(o for o in _objectives(db, goal) if o.text.startswith("Visit two kitchens"))
    assert created.created_by_id == demo["harbor.peer1"].id
    assert created.target_date == date(2026, 8, 1)


# ---- action steps -----------------------------------------------------------------------


def test_create_step_as_member_with_who_and_when(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    objective = _objectives(db, _goal(db, member, KITCHEN))[0]
    client.login("harbor.member1")
    url = f"/members/{member.id}/plan/objectives/{objective.id}/steps"
    assert client.get(url + "/new").status_code == 200
    response = client.submit(
        url,
        {
            "text": "Borrow the study guide",
            "who": "service",
            "who_detail": "Harbor library",
            "when": "Saturday mornings",
        },
    )
    assert response.status_code == 303
    step = next(s for s in _steps(db, objective) if s.text == "Borrow the study guide")
    assert step.who == StepOwner.SERVICE and step.when == "Saturday mornings"
    page = client.get(response.headers["location"]).text
    assert "A service (Harbor library)" in page and "Saturday mornings" in page


def test_create_step_with_an_unknown_owner_is_refused(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    objective = _objectives(db, _goal(db, member, KITCHEN))[0]
    before = _count(db, ActionStep)
    client.login("harbor.member1")
    response = client.submit(
        f"/members/{member.id}/plan/objectives/{objective.id}/steps",
        {"text": "Something", "who": "the doctor"},
    )
    assert response.status_code == 422
    assert "Who: choose one of the options." in response.text
    assert _count(db, ActionStep) == before


def test_toggle_step_done_with_htmx_redraws_just_the_step(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    objective = _objectives(db, _goal(db, member, KITCHEN))[0]
    step = next(s for s in _steps(db, objective) if not s.done)
    client.login("harbor.member1")
    plan = f"/members/{member.id}/plan"
    page = client.get(plan).text
    assert f'hx-post="{plan}/steps/{step.id}/done"' in page
    response = client.post(
        f"{plan}/steps/{step.id}/done",
        data={"done": "true", "next": plan},
        headers={"x-csrftoken": client.csrf(), "hx-request": "true"},
    )
    assert response.status_code == 200
    assert response.text.strip().startswith(f'<li id="step-{step.id}"')
    assert "<html" not in response.text
    assert "Mark as not done yet" in response.text
    db.expire_all()
    assert db.get(ActionStep, step.id).done is True  # type: ignore[union-attr]


def test_toggle_step_done_without_javascript_redirects_back(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    goal = _goal(db, member, KITCHEN)
    step = next(s for s in _steps(db, _objectives(db, goal)[0]) if s.done)
    client.login("harbor.member1")
    back = f"/members/{member.id}/plan/goals/{goal.id}"
    response = client.submit(
        f"/members/{member.id}/plan/steps/{step.id}/done", {"done": "false", "next": back}
    )
    assert response.status_code == 303 and response.headers["location"] == back
    assert "Step marked as not done yet." in client.get(back).text
    db.expire_all()
    assert db.get(ActionStep, step.id).done is False  # type: ignore[union-attr]


def test_toggle_step_done_never_redirects_off_site(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    step = _steps(db, _objectives(db, _goal(db, member, KITCHEN))[0])[0]
    client.login("harbor.member1")
    response = client.submit(
        f"/members/{member.id}/plan/steps/{step.id}/done",
        {"done": "true", "next": "https://example.org/"},
    )
    assert response.headers["location"] == f"/members/{member.id}/plan"


def test_toggle_step_done_as_peer_is_a_suggestion(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    step = next(s for s in _steps(db, _objectives(db, _goal(db, member, KITCHEN))[0]) if not s.done)
    client.login("harbor.peer1")
    plan = f"/members/{member.id}/plan"
    assert f'hx-post="{plan}/steps/{step.id}/done"' not in client.get(plan).text
    response = client.submit(f"{plan}/steps/{step.id}/done", {"done": "true", "next": plan})
    assert response.status_code == 303
    db.expire_all()
    assert db.get(ActionStep, step.id).done is False  # type: ignore[union-attr]
    assert _pending(db, member, "action_step")[-1].summary.startswith("Mark the action step")


def test_edit_and_remove_step_as_member(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    step = _steps(db, _objectives(db, _goal(db, member, KITCHEN))[0])[0]
    step_id, version = step.id, step.version
    client.login("harbor.member1")
    url = f"/members/{member.id}/plan/steps/{step.id}"
    assert client.get(url + "/edit").status_code == 200
    edited = client.submit(
        url,
        {"text": step.text, "who": "supporter", "who_detail": "Lena", "version": str(version)},
    )
    assert edited.status_code == 303
    db.expire_all()
    assert db.get(ActionStep, step.id).who == StepOwner.SUPPORTER  # type: ignore[union-attr]
    assert "Remove this action step?" in client.get(url + "/remove").text
    removed = client.submit(url + "/remove", {"version": str(version + 1)})
    assert removed.status_code == 303
    db.expunge_all()
    assert db.get(ActionStep, step_id) is None


def test_suggest_goal_edit_as_peer_carries_only_what_changes(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    goal = _goal(db, member, KITCHEN)
    form = {
        "title": goal.title,
        "why_it_matters": goal.why_it_matters,
        "dimensions": list(goal.dimensions),
        "chime": list(goal.chime),
        "strength_ids": [str(i) for i in goal.strength_ids],
        "version": str(goal.version),
    }
    client.login("harbor.peer1")
    unchanged = client.submit(f"/members/{member.id}/plan/goals/{goal.id}", form)
    assert unchanged.status_code == 422
    assert "Nothing here differs from the plan as it is." in unchanged.text
    sent = client.submit(
        f"/members/{member.id}/plan/goals/{goal.id}", {**form, "title": "Cook for a living"}
    )
    assert sent.status_code == 303
    proposal = _pending(db, member, "goal")[-1]
    assert proposal.payload == {"op": "edit", "title": "Cook for a living"}
    assert proposal.base_version == goal.version
    assert proposal.summary == f"Changes to the goal “{KITCHEN}” (goal)"
    assert _goal(db, member, KITCHEN).version == goal.version  # nothing applied yet
