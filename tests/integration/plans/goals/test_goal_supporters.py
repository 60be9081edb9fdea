"""Goals name people from the member's supporters map who help with them: chosen on the goal
form or through the API, only from the member's own map, shown on the goal page and the plan
overview, carried by a peer specialist's suggestion, and kept in the plan's snapshot."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerpath.db.models import Goal, PlanProposal, ProposalStatus, SupporterEntry, User
from peerpath.plans import common
from tests.conftest import Browser

DINNER = "Cook Sunday dinner for the people I care about"
KITCHEN = "Find steady work in a kitchen"
LEGEND = "People from my supporters map who help with this goal"


def _goal(db: Session, member: User, title: str) -> Goal:
    db.expire_all()
    goal = db.scalar(select(Goal).where(Goal.member_id == member.id, Goal.title == title))
    assert goal is not None, title
    return goal


def _person(db: Session, member: User, name: str) -> SupporterEntry:
    person = db.scalar(
        select(SupporterEntry).where(
            SupporterEntry.member_id == member.id, SupporterEntry.name == name
        )
    )
    assert person is not None, name
    return person


def _count_goals(db: Session) -> int:
    db.expire_all()
    return int(db.scalar(select(func.count()).select_from(Goal)) or 0)


def _pending_goal_proposals(db: Session, member: User) -> list[PlanProposal]:
    db.expire_all()
    return list(
        db.scalars(
            select(PlanProposal)
            .where(
                PlanProposal.member_id == member.id,
                PlanProposal.kind == "goal",
                PlanProposal.status == ProposalStatus.PENDING,
            )
            .order_by(PlanProposal.id)
        )
    )


# ---- the member links people on the goal form ----------------------------------------------


def test_create_goal_with_supporters_as_member_shows_them_on_goal_and_plan(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    lena = _person(db, member, "Lena Reyes").id
    marco = _person(db, member, "Marco").id
    client.login("harbor.member1")
    form = unescape(client.get(f"/members/{member.id}/plan/goals/new").text)
    assert LEGEND in form
    assert "Lena Reyes (sister)" in form and "Marco (friend from the pier)" in form
    saved = client.submit(
        f"/members/{member.id}/plan/goals",
        {
            "title": "Go fishing off the pier once a month",
            "supporter_ids": [str(marco), str(lena)],
        },
    )
    assert saved.status_code == 303
    goal = _goal(db, member, "Go fishing off the pier once a month")
    assert goal.supporter_ids == [marco, lena]
    page = unescape(client.get(saved.headers["location"]).text)
    assert "People who help" in page
    assert "Marco (friend from the pier), Lena Reyes (sister)" in page
    plan = unescape(client.get(f"/members/{member.id}/plan").text)
    assert "With: Marco (friend from the pier), Lena Reyes (sister)" in re.sub(r"<[^>]+>", "", plan)


def test_edit_goal_form_checks_the_people_already_linked(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    goal = _goal(db, member, DINNER)
    lena = _person(db, member, "Lena Reyes").id
    rosa = _person(db, member, "Rosa Delgado").id
    client.login("harbor.member1")
    form = client.get(f"/members/{member.id}/plan/goals/{goal.id}/edit").text
    assert re.search(rf'id="f-supporter_ids-{lena}"[^>]*checked', form)
    assert not re.search(rf'id="f-supporter_ids-{rosa}"[^>]*checked', form)


def test_goal_form_without_supporters_links_to_the_supporters_map(
    client: Browser, demo: dict[str, User]
) -> None:
    member = demo["harbor.member7"]
    client.login("harbor.member7")
    form = unescape(client.get(f"/members/{member.id}/plan/goals/new").text)
    assert LEGEND not in form
    assert 'name="supporter_ids"' not in form
    assert f'href="/members/{member.id}/supporters"' in form


def test_link_supporters_through_api_answers_them_by_name(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    goal = _goal(db, member, KITCHEN)
    rosa = _person(db, member, "Rosa Delgado").id
    client.login("harbor.member1")
    base = f"/api/v1/members/{member.id}/plan"
    response = client.api(
        "PATCH",
        f"{base}/goals/{goal.id}",
        json={"supporter_ids": [rosa], "version": goal.version},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["supporter_ids"] == [rosa]
    assert body["supporters"] == [
        {"id": rosa, "name": "Rosa Delgado", "relationship": "peer specialist"}
    ]
    tree = client.get(base).json()
    kitchen = next(g for g in tree["goals"] if g["id"] == goal.id)
    assert [p["name"] for p in kitchen["supporters"]] == ["Rosa Delgado"]
    created = client.api(
        "POST", f"{base}/goals", json={"title": "Call Lena every Sunday", "supporter_ids": [rosa]}
    )
    assert created.status_code == 201
    assert created.json()["supporters"][0]["name"] == "Rosa Delgado"


def test_api_stale_edit_of_supporters_is_409_naming_people_not_ids(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    goal = _goal(db, member, DINNER)
    rosa = _person(db, member, "Rosa Delgado").id
    others = _person(db, demo["harbor.member2"], "Anjali").id
    client.login("harbor.member1")
    url = f"/api/v1/members/{member.id}/plan/goals/{goal.id}"
    ok = client.api("PATCH", url, json={"supporter_ids": [rosa], "version": goal.version})
    assert ok.status_code == 200
    stale = client.api(
        "PATCH", url, json={"supporter_ids": [rosa, others], "version": goal.version}
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["current"]["supporter_ids"] == "Rosa Delgado (peer specialist)"
    # Another member's person is never named, even before the change is checked.
    assert body["yours"]["supporter_ids"] == "Rosa Delgado (peer specialist)"


# ---- only the member's own people ----------------------------------------------------------


def test_create_goal_with_a_supporter_of_someone_else_is_refused_and_nothing_saved(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member2"]
    others = _person(db, demo["harbor.member1"], "Lena Reyes").id
    before = _count_goals(db)
    client.login("harbor.member2")
    response = client.submit(
        f"/members/{member.id}/plan/goals",
        {"title": "Visit my cousin", "supporter_ids": [str(others)]},
    )
    assert response.status_code == 422
    page = unescape(response.text)
    assert "People who help: choose from the people in this member's supporters map." in page
    assert "Lena Reyes" not in page  # another member's person is never named
    api = client.api(
        "POST",
        f"/api/v1/members/{member.id}/plan/goals",
        json={"title": "Visit my cousin", "supporter_ids": [others]},
    )
    assert api.status_code == 422
    assert set(api.json()["errors"]) == {"supporter_ids"}
    assert _count_goals(db) == before


def test_edit_goal_with_a_supporter_of_someone_else_is_refused_and_goal_unchanged(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    goal = _goal(db, member, DINNER)
    before = (list(goal.supporter_ids), goal.version, goal.title)
    others = _person(db, demo["riverbend.member1"], "Theo").id
    client.login("harbor.member1")
    api = client.api(
        "PATCH",
        f"/api/v1/members/{member.id}/plan/goals/{goal.id}",
        json={"title": "Sunday dinner", "supporter_ids": [others], "version": goal.version},
    )
    assert api.status_code == 422
    assert "supporter_ids" in api.json()["errors"]
    page = client.submit(
        f"/members/{member.id}/plan/goals/{goal.id}",
        {"title": "Sunday dinner", "supporter_ids": [str(others)], "version": str(goal.version)},
    )
    assert page.status_code == 422
    assert 'id="f-supporter_ids-error"' in page.text
    after = _goal(db, member, DINNER)
    assert (list(after.supporter_ids), after.version, after.title) == before


def test_removed_supporter_is_left_out_of_the_goal_quietly(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    goal = _goal(db, member, DINNER)
    db.delete(_person(db, member, "Marco"))
    db.commit()
    client.login("harbor.member1")
    page = unescape(client.get(f"/members/{member.id}/plan/goals/{goal.id}").text)
    assert "Lena Reyes (sister)" in page and "Marco" not in page
    body = client.get(f"/api/v1/members/{member.id}/plan").json()
    dinner = next(g for g in body["goals"] if g["id"] == goal.id)
    assert [p["name"] for p in dinner["supporters"]] == ["Lena Reyes"]


# ---- a peer specialist's suggestion ------------------------------------------------------


def test_suggest_supporters_as_peer_applied_when_member_accepts(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member, peer = demo["harbor.member1"], demo["harbor.peer1"]
    goal = _goal(db, member, KITCHEN)
    old_version = goal.version
    lena = _person(db, member, "Lena Reyes").id
    rosa = _person(db, member, "Rosa Delgado").id
    staff = make_client()
    staff.login("harbor.peer1")
    form = unescape(staff.get(f"/members/{member.id}/plan/goals/{goal.id}/edit").text)
    assert "People from Jordan Reyes's supporters map who help with this goal" in form
    sent = staff.api(
        "PATCH",
        f"/api/v1/members/{member.id}/plan/goals/{goal.id}",
        json={"supporter_ids": [rosa, lena], "version": old_version},
    )
    assert sent.status_code == 202, sent.text
    assert (
        sent.json()["proposal"]["summary"] == f"Changes to the goal “{KITCHEN}” (people who help)"
    )
    assert _goal(db, member, KITCHEN).supporter_ids == []  # not applied yet
    proposal = _pending_goal_proposals(db, member)[-1]

    owner = make_client()
    owner.login("harbor.member1")
    accepted = owner.submit(
        f"/members/{member.id}/proposals/{proposal.id}/accept",
        {"next": f"/members/{member.id}/plan"},
    )
    assert accepted.status_code == 303
    changed = _goal(db, member, KITCHEN)
    assert changed.supporter_ids == [rosa, lena]
    assert changed.updated_by_id == peer.id and changed.version == old_version + 1
    page = unescape(owner.get(f"/members/{member.id}/plan/goals/{goal.id}").text)
    assert "Rosa Delgado (peer specialist), Lena Reyes (sister)" in page


def test_accept_suggestion_naming_a_person_removed_since_keeps_only_the_others(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    goal = _goal(db, member, KITCHEN)
    lena = _person(db, member, "Lena Reyes").id
    marco = _person(db, member, "Marco")
    staff = make_client()
    staff.login("harbor.peer1")
    sent = staff.api(
        "PATCH",
        f"/api/v1/members/{member.id}/plan/goals/{goal.id}",
        json={"supporter_ids": [lena, marco.id], "version": goal.version},
    )
    assert sent.status_code == 202, sent.text
    proposal = _pending_goal_proposals(db, member)[-1]
    db.delete(marco)
    db.commit()
    owner = make_client()
    owner.login("harbor.member1")
    owner.submit(f"/members/{member.id}/proposals/{proposal.id}/accept", {})
    assert _goal(db, member, KITCHEN).supporter_ids == [lena]


# ---- demo and snapshot ---------------------------------------------------------------------


def test_demo_connection_goals_name_people_from_the_supporters_map(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    jordan, kai = demo["harbor.member1"], demo["riverbend.member1"]
    dinner = _goal(db, jordan, DINNER)
    assert dinner.supporter_ids == [
        _person(db, jordan, "Lena Reyes").id,
        _person(db, jordan, "Marco").id,
    ]
    open_mic = _goal(db, kai, "Play a full set at open mic night")
    assert open_mic.supporter_ids == [
        _person(db, kai, "Theo").id,
        _person(db, kai, "Paul Bennett").id,
    ]
    client.login("harbor.supervisor")
    plan = re.sub(r"<[^>]+>", "", unescape(client.get(f"/members/{jordan.id}/plan").text))
    assert "With: Lena Reyes (sister), Marco (friend from the pier)" in plan


def test_snapshot_part_holds_the_people_who_help(demo: dict[str, User], db: Session) -> None:
    common.ensure_registered()
    member = demo["harbor.member1"]
    goals = common.SNAPSHOT_PARTS["goals"](db, member)
    dinner = next(g for g in goals if g["title"] == DINNER)
    assert dinner["supporters"] == [
        {"id": dinner["supporter_ids"][0], "name": "Lena Reyes", "relationship": "sister"},
        {
            "id": dinner["supporter_ids"][1],
            "name": "Marco",
            "relationship": "friend from the pier",
        },
    ]
