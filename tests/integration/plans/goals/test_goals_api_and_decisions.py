"""The goals JSON API (same rules as the pages) and decision worksheets."""

from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerpath.db.models import (
    ActionStep,
    DecisionWorksheet,
    Goal,
    Objective,
    PlanProposal,
    ProposalStatus,
    User,
)
from tests.conftest import Browser


def _count(db: Session, model: type) -> int:
    db.expire_all()
    return int(db.scalar(select(func.count()).select_from(model)) or 0)


def _decision(db: Session, member: User) -> DecisionWorksheet:
    db.expire_all()
    decision = db.scalar(
        select(DecisionWorksheet)
        .where(DecisionWorksheet.member_id == member.id)
        .order_by(DecisionWorksheet.id.desc())
    )
    assert decision is not None
    return decision


# ---- API: goals, objectives, steps ------------------------------------------------------


def test_api_member_builds_a_goal_objective_and_step(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member4"]
    client.login("harbor.member4")
    base = f"/api/v1/members/{member.id}/plan"
    goal = client.api(
        "POST",
        f"{base}/goals",
        json={"title": "Cook one new recipe a week", "dimensions": ["physical"]},
    )
    assert goal.status_code == 201, goal.text
    goal_body = goal.json()
    assert goal_body["created_by"] == "Grace Kim" and goal_body["version"] == 1
    objective = client.api(
        "POST",
        f"{base}/goals/{goal_body['id']}/objectives",
        json={"text": "Four recipes in May", "target_date": "2026-05-31"},
    )
    assert objective.status_code == 201, objective.text
    objective_id = objective.json()["id"]
    assert objective.json()["target_date"] == "2026-05-31"
    step = client.api(
        "POST",
        f"{base}/objectives/{objective_id}/steps",
        json={"text": "Pick a recipe", "who": "me", "when": "Sunday nights"},
    )
    assert step.status_code == 201, step.text
    step_id = step.json()["id"]
    patched = client.api("PATCH", f"{base}/steps/{step_id}", json={"done": True, "version": 1})
    assert patched.status_code == 200 and patched.json()["done"] is True
    status = client.api(
        "PATCH", f"{base}/goals/{goal_body['id']}", json={"status": "paused", "version": 1}
    )
    assert status.status_code == 200
    assert status.json()["status_label"] == "Paused for now"
    tree = client.get(base).json()
    mine = next(g for g in tree["goals"] if g["id"] == goal_body["id"])
    assert mine["objectives"][0]["steps"][0]["done"] is True
    removed = client.api("DELETE", f"{base}/goals/{goal_body['id']}?version=2")
    assert removed.status_code == 204
    db.expunge_all()
    assert db.get(Goal, goal_body["id"]) is None
    assert db.get(Objective, objective_id) is None and db.get(ActionStep, step_id) is None


def test_api_peer_write_answers_202_with_the_suggestion(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    before = _count(db, Goal)
    client.login("harbor.peer1")
    response = client.api(
        "POST", f"/api/v1/members/{member.id}/plan/goals", json={"title": "Visit the aquarium"}
    )
    assert response.status_code == 202
    body = response.json()
    assert body["proposal"]["summary"] == "New goal: Visit the aquarium"
    assert body["proposal"]["proposed_by"] == "Rosa Delgado"
    assert "Jordan Reyes" in body["message"]
    assert _count(db, Goal) == before
    db.expire_all()
    proposal = db.get(PlanProposal, body["proposal"]["id"])
    assert proposal is not None and proposal.status == ProposalStatus.PENDING


def test_api_invalid_input_is_422_with_field_errors_and_nothing_saved(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    goal = db.scalar(select(Goal).where(Goal.member_id == member.id))
    assert goal is not None
    before = _count(db, Objective), _count(db, Goal)
    client.login("harbor.member1")
    base = f"/api/v1/members/{member.id}/plan"
    bad_goal = client.api("POST", f"{base}/goals", json={"title": "", "chime": ["luck"]})
    assert bad_goal.status_code == 422
    assert set(bad_goal.json()["errors"]) == {"title", "chime"}
    bad_date = client.api(
        "POST",
        f"{base}/goals/{goal.id}/objectives",
        json={"text": "x", "target_date": "2026-02-30"},
    )
    assert bad_date.status_code == 422
    assert bad_date.json()["errors"]["target_date"].startswith("Target date: use a real date")
    no_version = client.api("PATCH", f"{base}/goals/{goal.id}", json={"title": "New"})
    assert no_version.status_code == 422 and "version" in no_version.json()["errors"]
    unknown = client.api("PATCH", f"{base}/goals/{goal.id}", json={"colour": "red", "version": 1})
    assert unknown.status_code == 422 and "colour" in unknown.json()["errors"]
    no_delete = client.api("DELETE", f"{base}/goals/{goal.id}")
    assert no_delete.status_code == 422
    assert (_count(db, Objective), _count(db, Goal)) == before


def test_api_stale_edit_is_409_with_current_and_yours(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    goal = db.scalar(select(Goal).where(Goal.member_id == member.id).order_by(Goal.id))
    assert goal is not None
    client.login("harbor.member1")
    url = f"/api/v1/members/{member.id}/plan/goals/{goal.id}"
    ok = client.api("PATCH", url, json={"title": "Newest words", "version": goal.version})
    assert ok.status_code == 200
    stale = client.api("PATCH", url, json={"title": "Older words", "version": goal.version})
    assert stale.status_code == 409
    body = stale.json()
    assert body["current"]["title"] == "Newest words"
    assert body["yours"]["title"] == "Older words"


@pytest.mark.parametrize(
    "username", ["harbor.supervisor", "harbor.admin", "harbor.peer2", "riverbend.member1"]
)
def test_api_write_as_someone_who_may_not_write_is_404_even_with_bad_input(
    client: Browser, demo: dict[str, User], db: Session, username: str
) -> None:
    member = demo["harbor.member1"]
    goal = db.scalar(select(Goal).where(Goal.member_id == member.id))
    assert goal is not None
    client.login(username)
    base = f"/api/v1/members/{member.id}/plan"
    for method, url, body in [
        ("POST", f"{base}/goals", {}),
        ("POST", f"{base}/goals", {"title": "ok"}),
        ("PATCH", f"{base}/goals/{goal.id}", {"title": "x", "version": goal.version}),
        ("PATCH", f"{base}/goals/{goal.id}", {"version": "junk"}),
        ("DELETE", f"{base}/goals/{goal.id}?version={goal.version}", None),
        ("POST", f"{base}/decisions", {}),
    ]:
        response = client.api(method, url, json=body)
        assert response.status_code == 404, (method, url, response.text)


def test_api_nested_item_of_another_member_is_404(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    mine, theirs = demo["harbor.member2"], demo["harbor.member1"]
    their_objective = db.scalar(
        select(Objective)
        .join(Goal, Goal.id == Objective.goal_id)
        .where(Goal.member_id == theirs.id)
    )
    assert their_objective is not None
    client.login("harbor.member2")
    response = client.api(
        "PATCH",
        f"/api/v1/members/{mine.id}/plan/objectives/{their_objective.id}",
        json={"done": True, "version": their_objective.version},
    )
    assert response.status_code == 404
    steps = client.api(
        "POST",
        f"/api/v1/members/{mine.id}/plan/objectives/{their_objective.id}/steps",
        json={"text": "sneaky"},
    )
    assert steps.status_code == 404


# ---- decision worksheets ----------------------------------------------------------------


def test_create_decision_worksheet_with_three_option_rows_and_room_for_more(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member3"]
    client.login("harbor.member3")
    form = client.get(f"/members/{member.id}/plan/decisions/new")
    assert form.status_code == 200
    assert form.text.count('name="option"') == 3
    fields = {
        "decision": "Which art class should I take?",
        "option": ["Printmaking", "Ceramics", ""],
        "pros": ["Quiet room", "Hands in clay", ""],
        "cons": ["Far away", "", ""],
        "what_matters": "Being around other artists",
    }
    more = client.submit(f"/members/{member.id}/plan/decisions", {**fields, "add_option": "1"})
    assert more.status_code == 200
    assert more.text.count('name="option"') == 4
    assert 'value="Ceramics"' in more.text
    assert _count(db, DecisionWorksheet) == _count(db, DecisionWorksheet)  # nothing saved yet
    before = _count(db, DecisionWorksheet)
    saved = client.submit(f"/members/{member.id}/plan/decisions", fields)
    assert saved.status_code == 303
    assert _count(db, DecisionWorksheet) == before + 1
    decision = _decision(db, member)
    assert decision.options == [
        {"option": "Printmaking", "pros": "Quiet room", "cons": "Far away"},
        {"option": "Ceramics", "pros": "Hands in clay", "cons": ""},
    ]
    page = unescape(client.get(saved.headers["location"]).text)
    assert "Which art class should I take?" in page and "Hands in clay" in page
    assert "Still weighing it up" in page
    assert "Written by Eli Thompson on" in page


def test_create_decision_worksheet_without_any_option_is_refused(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member3"]
    before = _count(db, DecisionWorksheet)
    client.login("harbor.member3")
    response = client.submit(
        f"/members/{member.id}/plan/decisions",
        {"decision": "Move or stay?", "option": ["", ""], "pros": ["", "Cheaper"]},
    )
    assert response.status_code == 422
    assert "Option 1, option: please write something here." in response.text
    assert _count(db, DecisionWorksheet) == before
    empty = client.submit(f"/members/{member.id}/plan/decisions", {"decision": "Move or stay?"})
    assert empty.status_code == 422
    assert "Options: please add at least one." in empty.text


def test_edit_decision_worksheet_and_a_stale_copy_conflicts(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    decision = _decision(db, member)
    url = f"/members/{member.id}/plan/decisions/{decision.id}"
    first, second = make_client(), make_client()
    first.login("harbor.member1")
    second.login("harbor.member1")
    edit_form = first.get(url + "/edit")
    assert edit_form.text.count('name="option"') == 3
    form = {
        "decision": decision.decision,
        "option": [o["option"] for o in decision.options],
        "pros": [o["pros"] for o in decision.options],
        "cons": [o["cons"] for o in decision.options],
        "version": str(decision.version),
    }
    saved = first.submit(url, {**form, "my_choice": "Ask about day shifts first."})
    assert saved.status_code == 303
    assert _decision(db, member).my_choice == "Ask about day shifts first."
    stale = second.submit(url, {**form, "my_choice": "Wait for prep cook."})
    assert stale.status_code == 409
    assert "Ask about day shifts first." in stale.text and "Wait for prep cook." in stale.text


def test_suggest_decision_worksheet_as_peer_is_a_suggestion(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member2"]
    before = _count(db, DecisionWorksheet)
    client.login("harbor.peer1")
    response = client.submit(
        f"/members/{member.id}/plan/decisions",
        {"decision": "Which evening class?", "option": ["Typography"], "pros": [""], "cons": [""]},
    )
    assert response.status_code == 303
    assert _count(db, DecisionWorksheet) == before
    db.expire_all()
    proposal = db.scalar(
        select(PlanProposal).where(
            PlanProposal.member_id == member.id, PlanProposal.kind == "decision_worksheet"
        )
    )
    assert proposal is not None and proposal.payload["options"][0]["option"] == "Typography"


def test_remove_decision_worksheet_after_confirming(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    decision = _decision(db, member)
    client.login("harbor.member1")
    url = f"/members/{member.id}/plan/decisions/{decision.id}"
    assert "Remove this decision worksheet?" in client.get(url + "/remove").text
    decision_id = decision.id
    response = client.submit(url + "/remove", {"version": str(decision.version)})
    assert response.status_code == 303
    db.expunge_all()
    assert db.get(DecisionWorksheet, decision_id) is None


def test_api_decisions_crud_as_member(client: Browser, demo: dict[str, User], db: Session) -> None:
    member = demo["harbor.member6"]
    client.login("harbor.member6")
    base = f"/api/v1/members/{member.id}/plan/decisions"
    created = client.api(
        "POST",
        base,
        json={
            "decision": "Which market day?",
            "options": [{"option": "Saturday", "pros": "Busy", "cons": "Early"}],
        },
    )
    assert created.status_code == 201, created.text
    decision_id = created.json()["id"]
    assert [d["id"] for d in client.get(base).json()] == [decision_id]
    assert client.get(f"{base}/{decision_id}").json()["options"][0]["option"] == "Saturday"
    patched = client.api(
        "PATCH", f"{base}/{decision_id}", json={"my_choice": "Saturday", "version": 1}
    )
    assert patched.status_code == 200 and patched.json()["my_choice"] == "Saturday"
    assert client.api("DELETE", f"{base}/{decision_id}?version=2").status_code == 204
    assert client.get(f"{base}/{decision_id}").status_code == 404
