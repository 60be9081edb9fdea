"""Amendment requests: the member's comment beside a record; staff who read it respond."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.models import AmendmentRequest, CheckIn, Goal, User
from tests.conftest import Browser


def _goal(db: Session, member: User) -> Goal:
    goal = db.scalar(select(Goal).where(Goal.member_id == member.id).order_by(Goal.id).limit(1))
    assert goal is not None
    return goal


def test_member_comments_on_a_goal_and_peer_sees_it_beside_it(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    goal = _goal(db, member)
    me = make_client()
    me.login("harbor.member1")

    saved = me.submit(
        f"/members/{member.id}/amendments",
        {
            "record_type": "goals",
            "record_id": str(goal.id),
            "text": "Please add that mornings matter most to me.",
            "next": f"/members/{member.id}/plan",
        },
    )

    assert saved.status_code == 303
    assert saved.headers["location"] == f"/members/{member.id}/plan"
    assert "Please add that mornings matter most to me." in me.get(saved.headers["location"]).text
    peer = make_client()
    peer.login("harbor.peer1")
    plan = peer.get(f"/members/{member.id}/plan").text
    assert "Please add that mornings matter most to me." in plan
    assert "Your response" in plan  # peer1 can answer beside it


def test_peer_responds_once_and_the_member_sees_the_response(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    request_id = db.scalar(
        select(AmendmentRequest.id).where(
            AmendmentRequest.member_id == member.id, AmendmentRequest.responded_at.is_(None)
        )
    )
    peer = make_client()
    peer.login("harbor.peer1")

    answered = peer.api(
        "POST",
        f"/api/v1/members/{member.id}/amendments/{request_id}/response",
        json={"response": "Yes, let's reword it together on Thursday."},
    )
    again = peer.api(
        "POST",
        f"/api/v1/members/{member.id}/amendments/{request_id}/response",
        json={"response": "A second answer."},
    )

    assert answered.status_code == 200
    assert answered.json()["responded_by"]
    assert again.status_code == 409
    me = make_client()
    me.login("harbor.member1")
    listed = me.get(f"/api/v1/members/{member.id}/amendments").json()
    assert any(a["response"] == "Yes, let's reword it together on Thursday." for a in listed)


def test_checkin_comments_show_on_the_checkins_page(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    checkin = db.scalar(
        select(CheckIn).where(CheckIn.member_id == member.id).order_by(CheckIn.day.desc())
    )
    assert checkin is not None
    client.login("harbor.member1")

    created = client.api(
        "POST",
        f"/api/v1/members/{member.id}/amendments",
        json={"record_type": "checkins", "record_id": checkin.id, "text": "A hard day at work."},
    )

    assert created.status_code == 201
    assert "A hard day at work." in client.get("/check-in/history").text


def test_who_cannot_see_or_write_requests(make_client, demo: dict[str, User], db: Session) -> None:
    member = demo["harbor.member1"]
    goal = _goal(db, member)
    body = {"record_type": "goals", "record_id": goal.id, "text": "Not mine to write."}
    for username in ("harbor.peer1", "harbor.member2", "riverbend.member1"):
        other = make_client()
        other.login(username)
        response = other.api("POST", f"/api/v1/members/{member.id}/amendments", json=body)
        assert response.status_code == 404, username
    # an admin reads the profile, never the plan: the goal's request is not shown to them
    admin = make_client()
    admin.login("harbor.admin")
    listed = admin.get(f"/api/v1/members/{member.id}/amendments").json()
    assert all(a["record_type"] not in ("goals", "checkins") for a in listed)
    assert "Could we change the wording" not in admin.get(f"/members/{member.id}/amendments").text


def test_a_record_that_is_not_mine_or_empty_text_saves_nothing(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    someone_elses = _goal(db, demo["harbor.member2"])
    before = db.scalar(select(AmendmentRequest.id).order_by(AmendmentRequest.id.desc()))
    client.login("harbor.member1")

    theirs = client.submit(
        f"/members/{member.id}/amendments",
        {"record_type": "goals", "record_id": str(someone_elses.id), "text": "Hello"},
    )
    empty = client.submit(
        f"/members/{member.id}/amendments",
        {"record_type": "goals", "record_id": str(_goal(db, member).id), "text": "   "},
    )
    unknown = client.api(
        "POST",
        f"/api/v1/members/{member.id}/amendments",
        json={"record_type": "audit_events", "record_id": 1, "text": "Hello"},
    )

    assert theirs.status_code == empty.status_code == unknown.status_code == 422
    assert "Please write something here." in empty.text
    after = db.scalar(select(AmendmentRequest.id).order_by(AmendmentRequest.id.desc()))
    assert after == before
