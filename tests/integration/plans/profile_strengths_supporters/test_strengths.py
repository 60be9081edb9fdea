"""The strengths inventory: the member writes it; staff suggestions wait for the member."""

from __future__ import annotations

import html

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerpath.db.models import (
    AuditEvent,
    PlanProposal,
    ProposalStatus,
    Strength,
    StrengthCategory,
    User,
)
from peerpath.plans.strengths.suggestions import SUGGESTIONS
from tests.conftest import Browser


def _strengths(db: Session, member: User) -> list[Strength]:
    db.expire_all()
    return list(
        db.scalars(
            select(Strength).where(Strength.member_id == member.id).order_by(Strength.id)
        ).all()
    )


def _one(db: Session, member: User, text: str) -> Strength:
    found = [s for s in _strengths(db, member) if s.text == text]
    assert len(found) == 1, text
    return found[0]


def _pending(db: Session, member: User) -> list[PlanProposal]:
    db.expire_all()
    return list(
        db.scalars(
            select(PlanProposal)
            .where(
                PlanProposal.member_id == member.id,
                PlanProposal.status == ProposalStatus.PENDING,
                PlanProposal.kind == "strength",
            )
            .order_by(PlanProposal.id)
        ).all()
    )


def test_list_strengths_as_member_groups_by_category_with_authors(
    client: Browser, demo: dict[str, User]
) -> None:
    member = demo["harbor.member1"]
    client.login("harbor.member1")

    page = client.get(f"/members/{member.id}/strengths")

    text = html.unescape(page.text)
    assert page.status_code == 200
    for heading in ("Personal qualities", "Skills and talents", "Past successes"):
        assert heading in text
    assert "I can cook for a crowd on a small budget" in text
    assert "Written by Jordan Reyes" in text
    assert "Written by Rosa Delgado" in text  # an accepted suggestion credits the proposer
    # The demo's waiting suggestion from peer1, with the member's answer buttons.
    assert "Suggestions waiting for your answer" in text
    assert "Good at calming people down when they're nervous" in text
    assert "Accept" in text and "Decline" in text


def test_add_strength_as_member_saves_it_directly(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    waiting = len(_pending(db, member))
    client.login("harbor.member1")

    response = client.submit(
        f"/members/{member.id}/strengths",
        {"category": "interests", "text": "  Baking bread  "},
    )

    assert response.status_code == 303
    item = _one(db, member, "Baking bread")
    assert item.category == StrengthCategory.INTERESTS
    assert (item.created_by_id, item.updated_by_id, item.version) == (member.id, member.id, 1)
    page = client.get(response.headers["location"])
    assert "Added to your strengths" in page.text and "Baking bread" in page.text
    assert len(_pending(db, member)) == waiting  # the member's own: no proposal


def test_add_strength_from_suggestions_with_one_click(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member8"]  # nearly empty: every idea is still on offer
    idea = SUGGESTIONS[StrengthCategory.PAST_SUCCESSES][0]
    client.login("harbor.member8")
    page = client.get(f"/members/{member.id}/strengths")
    offered = f'<input type="hidden" name="text" value="{idea}">'
    assert offered in page.text

    response = client.submit(
        f"/members/{member.id}/strengths", {"category": "past_successes", "text": idea}
    )

    assert response.status_code == 303
    assert _one(db, member, idea).category == StrengthCategory.PAST_SUCCESSES
    assert offered not in client.get(f"/members/{member.id}/strengths").text  # not offered again


def test_add_strength_with_bad_input_is_422_and_saves_nothing(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    before = len(_strengths(db, member))
    client.login("harbor.member1")

    page = client.submit(f"/members/{member.id}/strengths", {"category": "wizardry", "text": ""})
    api = client.api(
        "POST", f"/api/v1/members/{member.id}/strengths", json={"category": "x", "text": ""}
    )

    assert page.status_code == 422
    assert "Category: please choose one of the options." in page.text
    assert "Strength: please write something here." in page.text
    assert 'aria-invalid="true"' in page.text
    assert api.status_code == 422
    assert {"category", "text"} <= set(api.json()["errors"])
    assert len(_strengths(db, member)) == before


def test_change_strength_as_member_moves_version_on(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    item = _one(db, member, "I'm good at fixing bikes")
    client.login("harbor.member1")
    edit = client.get(f"/members/{member.id}/strengths/{item.id}")
    assert edit.status_code == 200 and f'name="version" value="{item.version}"' in edit.text

    response = client.submit(
        f"/members/{member.id}/strengths/{item.id}",
        {"category": "skills_and_talents", "text": "I fix bikes for friends", "version": "1"},
    )

    assert response.status_code == 303
    changed = _one(db, member, "I fix bikes for friends")
    assert (changed.id, changed.version, changed.updated_by_id) == (item.id, 2, member.id)


def test_change_strength_with_stale_version_is_409_with_both_texts(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    item = _one(db, member, "I'm good at fixing bikes")
    client.login("harbor.member1")
    url = f"/members/{member.id}/strengths/{item.id}"
    assert client.submit(url, {"category": "skills_and_talents", "text": "First", "version": "1"})

    page = client.submit(url, {"category": "skills_and_talents", "text": "Second", "version": "1"})
    api = client.api("PATCH", f"/api/v1{url}", json={"text": "Third", "version": 1})

    assert page.status_code == 409
    assert "First" in page.text and "Second" in page.text
    assert api.status_code == 409
    assert api.json()["current"] == {"text": "First"}
    assert api.json()["yours"] == {"text": "Third"}
    assert _one(db, member, "First").version == 2


def test_remove_strength_as_member_asks_first_then_deletes_and_audits(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    item = _one(db, member, "Fishing off the pier at sunrise")
    item_id = item.id
    client.login("harbor.member1")
    url = f"/members/{member.id}/strengths/{item_id}/remove"

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Remove this strength?" in confirm.text and "Yes, remove it" in confirm.text
    assert db.get(Strength, item_id) is not None  # asking removes nothing

    response = client.submit(url, {"version": "1"})

    assert response.status_code == 303
    db.expire_all()
    assert db.get(Strength, item_id) is None
    deleted = db.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "delete",
            AuditEvent.record_type == "strength",
            AuditEvent.record_id == str(item_id),
        )
    ).all()
    assert len(deleted) == 1 and deleted[0].actor_username == "harbor.member1"


def test_remove_strength_without_version_is_422_and_keeps_it(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    item = _one(db, member, "Fishing off the pier at sunrise")
    client.login("harbor.member1")

    page = client.submit(f"/members/{member.id}/strengths/{item.id}/remove", {})
    api = client.api("DELETE", f"/api/v1/members/{member.id}/strengths/{item.id}")

    assert page.status_code == 422 and "out of date" in page.text
    assert api.status_code == 422
    assert _one(db, member, "Fishing off the pier at sunrise").id == item.id


def test_add_strength_as_peer_becomes_a_proposal_member_accepts_credited_to_peer(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member2"]
    peer, owner = make_client(), make_client()
    peer.login("harbor.peer1")
    owner.login("harbor.member2")

    suggested = peer.submit(
        f"/members/{member.id}/strengths",
        {"category": "personal_qualities", "text": "Warm with new people", "note": "Saw it today"},
    )

    assert suggested.status_code == 303
    assert "waiting for Priya Nair" in html.unescape(peer.get(suggested.headers["location"]).text)
    assert [s for s in _strengths(db, member) if s.text == "Warm with new people"] == []
    (proposal,) = _pending(db, member)
    assert proposal.proposed_by_id == demo["harbor.peer1"].id
    page = html.unescape(owner.get(f"/members/{member.id}/strengths").text)
    assert "Warm with new people" in page and "Note from Rosa Delgado" in page

    answer = owner.submit(
        f"/members/{member.id}/proposals/{proposal.id}/accept",
        {"next": f"/members/{member.id}/strengths"},
    )

    assert answer.status_code == 303
    assert answer.headers["location"] == f"/members/{member.id}/strengths"
    item = _one(db, member, "Warm with new people")
    assert item.created_by_id == demo["harbor.peer1"].id
    db.refresh(proposal)
    assert proposal.status == ProposalStatus.ACCEPTED
    after = html.unescape(owner.get(f"/members/{member.id}/strengths").text)
    assert "Accepted: Rosa Delgado's suggestion is now part of your plan." in after


def test_add_strength_as_peer_member_declines_and_nothing_is_added(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    owner = make_client()
    owner.login("harbor.member1")
    (proposal,) = _pending(db, member)  # the demo's waiting suggestion
    before = len(_strengths(db, member))

    answer = owner.submit(
        f"/members/{member.id}/proposals/{proposal.id}/decline",
        {"comment": "Thanks, not yet", "next": "https://elsewhere.example/"},
    )

    assert answer.status_code == 303
    assert answer.headers["location"] == f"/members/{member.id}/strengths"  # never off-site
    db.refresh(proposal)
    assert (proposal.status, proposal.member_comment) == (
        ProposalStatus.DECLINED,
        "Thanks, not yet",
    )
    assert len(_strengths(db, member)) == before


def test_change_and_remove_strength_as_peer_apply_only_when_accepted(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    bikes = _one(db, member, "I'm good at fixing bikes")
    pier = _one(db, member, "Fishing off the pier at sunrise")
    bikes_id, pier_id = bikes.id, pier.id
    peer, owner = make_client(), make_client()
    peer.login("harbor.peer1")
    owner.login("harbor.member1")

    change = peer.api(
        "PATCH",
        f"/api/v1/members/{member.id}/strengths/{bikes_id}",
        json={"text": "I can fix any bike", "version": 1, "note": "Heard you fixed three!"},
    )
    removal = peer.api(
        "DELETE", f"/api/v1/members/{member.id}/strengths/{pier_id}", params={"version": 1}
    )

    assert (change.status_code, removal.status_code) == (202, 202)
    assert change.json()["status"] == "pending" and change.json()["proposed_by"] == "Rosa Delgado"
    assert _one(db, member, "I'm good at fixing bikes").version == 1
    assert db.get(Strength, pier_id) is not None
    for proposal_id in (change.json()["id"], removal.json()["id"]):
        answered = owner.api(
            "POST", f"/api/v1/members/{member.id}/proposals/{proposal_id}/accept", json={}
        )
        assert answered.status_code == 200 and answered.json()["status"] == "accepted"
    changed = _one(db, member, "I can fix any bike")
    assert (changed.id, changed.version, changed.updated_by_id) == (
        bikes_id,
        2,
        demo["harbor.peer1"].id,
    )
    assert db.get(Strength, pier_id) is None


def test_api_strengths_as_member_lists_saves_and_removes(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["riverbend.member1"]
    client.login("riverbend.member1")
    base = f"/api/v1/members/{member.id}/strengths"

    listing = client.get(base).json()
    created = client.api("POST", base, json={"category": "interests", "text": "Vinyl"})
    item = created.json()
    changed = client.api(
        "PATCH", f"{base}/{item['id']}", json={"category": "skills_and_talents", "version": 1}
    )
    removed = client.api("DELETE", f"{base}/{item['id']}", params={"version": 2})

    assert len(listing["strengths"]) == 12
    assert listing["strengths"][0]["created_by"] == "Kai Bennett"
    assert created.status_code == 201
    assert (item["text"], item["created_by"], item["version"]) == ("Vinyl", "Kai Bennett", 1)
    assert changed.status_code == 200
    assert (changed.json()["category_label"], changed.json()["version"]) == (
        "Skills and talents",
        2,
    )
    assert removed.status_code == 204
    assert all(s.text != "Vinyl" for s in _strengths(db, member))


def test_strengths_outside_the_plan_circle_are_404(make_client, demo: dict[str, User]) -> None:
    member = demo["harbor.member1"]
    for username in (
        "harbor.admin",
        "harbor.supporter1",
        "harbor.peer2",
        "harbor.member2",
        "riverbend.peer1",
    ):
        viewer = make_client()
        viewer.login(username)
        assert viewer.get(f"/members/{member.id}/strengths").status_code == 404, username
        posted = viewer.submit(
            f"/members/{member.id}/strengths", {"category": "interests", "text": "x"}
        )
        assert posted.status_code == 404, username
        api = viewer.api("POST", f"/api/v1/members/{member.id}/strengths", json={})
        assert api.status_code == 404, username  # refused before the body is even checked


def test_strengths_as_supervisor_are_readable_but_not_writable(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    before = len(_strengths(db, member))
    client.login("harbor.supervisor")

    page = client.get(f"/members/{member.id}/strengths")
    posted = client.submit(
        f"/members/{member.id}/strengths", {"category": "interests", "text": "Chess"}
    )

    assert page.status_code == 200
    assert "Add this strength" not in page.text and "Suggest this strength" not in page.text
    assert posted.status_code == 404
    assert len(_strengths(db, member)) == before
    assert (
        db.scalar(
            select(func.count())
            .select_from(PlanProposal)
            .where(PlanProposal.proposed_by_id == demo["harbor.supervisor"].id)
        )
        == 0
    )


def test_edit_strength_of_another_member_through_own_path_is_404(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    me, other = demo["harbor.member1"], demo["harbor.member2"]
    theirs = _strengths(db, other)[0]
    client.login("harbor.member1")

    assert client.get(f"/members/{me.id}/strengths/{theirs.id}").status_code == 404
    changed = client.api(
        "PATCH", f"/api/v1/members/{me.id}/strengths/{theirs.id}", json={"text": "x", "version": 1}
    )
    assert changed.status_code == 404
    assert _one(db, other, theirs.text).version == 1


def test_read_strengths_writes_an_audit_row(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    client.login("harbor.peer1")

    assert client.get(f"/api/v1/members/{member.id}/strengths").status_code == 200

    rows = db.scalars(
        select(AuditEvent).where(
            AuditEvent.actor_username == "harbor.peer1", AuditEvent.record_type == "strengths"
        )
    ).all()
    assert [(r.action, r.allowed, r.subject_member_id) for r in rows] == [
        ("read:plan", True, member.id)
    ]
