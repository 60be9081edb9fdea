"""The plan overview: /my-plan, strengths before goals, the vision, pending suggestions, who
may read it, the JSON tree, and recovery-oriented words on every plan page."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.models import (
    AuditEvent,
    DecisionWorksheet,
    Goal,
    GoalStatus,
    PlanProposal,
    ProposalStatus,
    User,
)
from peerpath.plans import common
from tests.conftest import Browser


def _goals(db: Session, member: User) -> list[Goal]:
    db.expire_all()
    return list(db.scalars(select(Goal).where(Goal.member_id == member.id).order_by(Goal.id)))


def test_open_my_plan_redirects_member_to_their_own_plan(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("harbor.member2")
    response = client.get("/my-plan", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/members/{demo['harbor.member2'].id}/plan"


@pytest.mark.parametrize("username", ["harbor.peer1", "harbor.admin", "harbor.supporter1"])
def test_open_my_plan_as_someone_who_is_not_a_member_is_refused(
    client: Browser, demo: dict[str, User], username: str
) -> None:
    client.login(username)
    assert client.get("/my-plan", follow_redirects=False).status_code == 403


def test_view_plan_shows_strengths_first_then_vision_goals_and_links(
    client: Browser, demo: dict[str, User]
) -> None:
    member = demo["harbor.member1"]
    client.login("harbor.member1")
    page = client.get(f"/members/{member.id}/plan")
    assert page.status_code == 200
    html = page.text
    assert "My recovery plan" in html
    assert "A year from now I have steady work" in html  # vision, from the profile
    assert html.index('id="strengths-heading"') < html.index('id="goals-heading"')
    assert "I can cook for a crowd on a small budget" in html
    for title in (
        "Find steady work in a kitchen",
        "Cook Sunday dinner for the people I care about",
        "Get a small place of my own",
    ):
        assert title in html
    # Tags as words, status in the plan's own vocabulary, steps with who and when.
    assert "Occupational" in html and "Hope and optimism" in html
    assert "Working on it" in html and "Achieved" in html and "Paused for now" in html
    assert "My sister Lena" in html and "Sunday phone call" in html
    assert "Written by Jordan Reyes on" in html
    for href in ("/strengths", "/supporters", "/wellness", "/plan/versions", "/profile"):
        assert f'href="/members/{member.id}{href}"' in html
    # A decision worksheet is listed.
    assert "Take the night dishwasher job now" in html


def test_view_plan_lists_every_pending_suggestion_with_answer_buttons_for_the_member(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    pending = common.pending_proposals(db, member)
    assert len(pending) >= 2  # the strengths area's suggestion and ours
    client.login("harbor.member1")
    html = unescape(client.get(f"/members/{member.id}/plan").text)
    for proposal in pending:
        assert proposal.summary in html
        action = f'action="/members/{member.id}/proposals/{proposal.id}/accept"'
        assert action in html
        assert f'action="/members/{member.id}/proposals/{proposal.id}/decline"' in html
    assert f'name="next" value="/members/{member.id}/plan"' in html
    assert "Suggested by Rosa Delgado on" in html


def test_view_plan_as_peer_shows_suggestions_without_answer_buttons(
    client: Browser, demo: dict[str, User]
) -> None:
    member = demo["harbor.member1"]
    client.login("harbor.peer1")
    html = unescape(client.get(f"/members/{member.id}/plan").text)
    assert "Jordan Reyes's recovery plan" in html
    assert "Suggestions waiting for Jordan Reyes's answer" in html
    assert "/accept" not in html and "/decline" not in html
    assert "Suggest a goal" in html


def test_view_plan_as_supervisor_is_read_only(client: Browser, demo: dict[str, User]) -> None:
    member = demo["harbor.member1"]
    client.login("harbor.supervisor")
    page = client.get(f"/members/{member.id}/plan")
    assert page.status_code == 200
    assert "Find steady work in a kitchen" in page.text
    assert "/plan/goals/new" not in page.text
    assert "Mark as done" not in page.text and "Suggest marking" not in page.text


@pytest.mark.parametrize(
    "username",
    ["harbor.admin", "harbor.supporter1", "harbor.peer2", "harbor.member2", "riverbend.peer1"],
)
def test_view_plan_as_someone_outside_the_plan_is_not_found(
    client: Browser, demo: dict[str, User], username: str
) -> None:
    member = demo["harbor.member1"]
    client.login(username)
    assert client.get(f"/members/{member.id}/plan").status_code == 404
    assert client.get(f"/api/v1/members/{member.id}/plan").status_code == 404
    assert client.get(f"/api/v1/members/{member.id}/proposals").status_code == 404


def test_view_plan_of_a_new_member_invites_strengths_first(
    client: Browser, demo: dict[str, User]
) -> None:
    member = demo["harbor.member8"]
    client.login("harbor.member8")
    html = client.get(f"/members/{member.id}/plan").text
    assert "No strengths written yet. Strengths come first" in html
    assert "No goals yet" in html


@pytest.mark.parametrize("username", ["harbor.member1", "harbor.peer1", "harbor.supervisor"])
def test_plan_pages_never_use_failure_words(
    client: Browser, demo: dict[str, User], db: Session, username: str
) -> None:
    member = demo["harbor.member1"]
    client.login(username)
    urls = [f"/members/{member.id}/plan"]
    urls += [f"/members/{member.id}/plan/goals/{g.id}" for g in _goals(db, member)]
    decisions = db.scalars(
        select(DecisionWorksheet).where(DecisionWorksheet.member_id == member.id)
    )
    urls += [f"/members/{member.id}/plan/decisions/{d.id}" for d in decisions]
    if username != "harbor.supervisor":
        urls += [f"/members/{member.id}/plan/goals/new"]
        urls += [f"/members/{member.id}/plan/goals/{g.id}/edit" for g in _goals(db, member)]
    for url in urls:
        page = client.get(url)
        assert page.status_code == 200, url
        assert "fail" not in page.text.lower(), url


def test_plan_pages_show_goal_statuses_only_in_recovery_words(
    client: Browser, demo: dict[str, User]
) -> None:
    member = demo["harbor.member7"]  # one goal working on, one let go
    client.login("harbor.member7")
    html = client.get(f"/members/{member.id}/plan").text
    assert "Working on it" in html and "Let go" in html
    assert not re.search(r"fail|unsuccessful|abandon|dropped out", html, re.IGNORECASE)


def test_api_plan_returns_the_whole_tree(client: Browser, demo: dict[str, User]) -> None:
    member = demo["harbor.member1"]
    client.login("harbor.supervisor")
    response = client.get(f"/api/v1/members/{member.id}/plan")
    assert response.status_code == 200
    body = response.json()
    assert body["member_name"] == "Jordan Reyes"
    assert body["vision"].startswith("A year from now")
    assert body["pending_proposals"] >= 1
    kitchen = next(g for g in body["goals"] if g["title"] == "Find steady work in a kitchen")
    assert kitchen["status"] == "active" and kitchen["status_label"] == "Working on it"
    assert "occupational" in kitchen["dimensions"]
    assert any(s["text"].startswith("I can cook for a crowd") for s in kitchen["strengths"])
    objective = kitchen["objectives"][0]
    assert objective["target_date"] and objective["measure"]
    owners = {step["who"] for o in kitchen["objectives"] for step in o["steps"]}
    assert owners == {"me", "peer_specialist", "supporter", "service"}
    assert {"created_by", "created_at", "updated_by", "version"} <= set(kitchen)
    assert body["decisions"][0]["options"][0]["option"]


def test_api_proposals_lists_pending_suggestions(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    client.login("harbor.member1")
    response = client.get(f"/api/v1/members/{member.id}/proposals")
    assert response.status_code == 200
    body = response.json()
    expected = {p.id for p in common.pending_proposals(db, member)}
    assert {p["id"] for p in body} == expected
    ours = next(p for p in body if p["kind"] == "objective")
    assert ours["proposed_by"] == "Rosa Delgado"
    assert ours["summary"].startswith("New objective for")
    assert ours["status"] == "pending"


def test_view_plan_writes_an_audit_row(client: Browser, demo: dict[str, User], db: Session) -> None:
    member = demo["harbor.member1"]
    client.login("harbor.supervisor")
    client.get(f"/members/{member.id}/plan")
    db.expire_all()
    event = db.scalar(
        select(AuditEvent)
        .where(
            AuditEvent.actor_user_id == demo["harbor.supervisor"].id,
            AuditEvent.subject_member_id == member.id,
            AuditEvent.record_type == "plan",
        )
        .order_by(AuditEvent.id.desc())
    )
    assert event is not None and event.allowed and event.action == "read:plan"


def test_demo_gives_every_member_a_plan_at_a_different_stage(
    demo: dict[str, User], db: Session
) -> None:
    for org in ("harbor", "riverbend"):
        counts = [len(_goals(db, demo[f"{org}.member{n}"])) for n in range(1, 9)]
        assert counts[0] == 3 and counts[7] == 0
        assert all(c >= 1 for c in counts[:7])
        statuses = {g.status for g in _goals(db, demo[f"{org}.member1"])}
        assert statuses == {GoalStatus.ACTIVE, GoalStatus.ACHIEVED, GoalStatus.PAUSED}
        member1 = demo[f"{org}.member1"]
        pending = db.scalars(
            select(PlanProposal).where(
                PlanProposal.member_id == member1.id,
                PlanProposal.status == ProposalStatus.PENDING,
                PlanProposal.kind.in_(["goal", "objective"]),
            )
        ).all()
        assert len(pending) == 1
        assert pending[0].proposed_by_id == demo[f"{org}.peer1"].id


def test_snapshot_parts_hold_goals_with_objectives_and_decisions(
    demo: dict[str, User], db: Session
) -> None:
    common.ensure_registered()
    member = demo["riverbend.member1"]
    goals = common.SNAPSHOT_PARTS["goals"](db, member)
    decisions = common.SNAPSHOT_PARTS["decisions"](db, member)
    assert goals[0]["title"] == "Work at the bike co-op"
    assert goals[0]["objectives"][0]["steps"][0]["text"]
    assert decisions[0]["decision"].startswith("Stay with Dad")
