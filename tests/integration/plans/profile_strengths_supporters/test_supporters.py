"""The supporters map: people in the member's circle and places that help."""

from __future__ import annotations

import html

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.models import (
    AuditEvent,
    CommunityPlace,
    PlanProposal,
    ProposalStatus,
    SupporterEntry,
    User,
)
from peerpath.plans.common import SNAPSHOT_PARTS, ensure_registered
from tests.conftest import Browser


def _people(db: Session, member: User) -> list[SupporterEntry]:
    db.expire_all()
    return list(
        db.scalars(
            select(SupporterEntry)
            .where(SupporterEntry.member_id == member.id)
            .order_by(SupporterEntry.id)
        ).all()
    )


def _places(db: Session, member: User) -> list[CommunityPlace]:
    db.expire_all()
    return list(
        db.scalars(
            select(CommunityPlace)
            .where(CommunityPlace.member_id == member.id)
            .order_by(CommunityPlace.id)
        ).all()
    )


def _person(db: Session, member: User, name: str) -> SupporterEntry:
    (found,) = [p for p in _people(db, member) if p.name == name]
    return found


def test_view_supporters_as_member_shows_people_places_and_authors(
    client: Browser, demo: dict[str, User]
) -> None:
    member = demo["harbor.member1"]
    client.login("harbor.member1")

    page = client.get(f"/members/{member.id}/supporters")

    text = html.unescape(page.text)
    assert page.status_code == 200
    assert "My supporters map" in text
    assert "Lena Reyes" in text and "(sister)" in text and "Text first: 555-0142" in text
    assert "Comes over and stays the night." in text
    assert "The pier on Ocean Avenue" in text and "the water calms me down" in text
    assert "Written by Jordan Reyes" in text and "Written by Rosa Delgado" in text


def test_add_person_and_place_as_member_saves_them_directly(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member4"]
    client.login("harbor.member4")
    base = f"/members/{member.id}/supporters"

    person = client.submit(
        f"{base}/people",
        {
            "name": "Mrs. Park",
            "relationship_label": "neighbour",
            "contact": "Next door",
            "crisis_role": "Checks in if my curtains stay shut",
        },
    )
    place = client.submit(
        f"{base}/places", {"place_name": "Korean church", "why_it_helps": "Tea after service"}
    )

    assert (person.status_code, place.status_code) == (303, 303)
    saved = _person(db, member, "Mrs. Park")
    assert (saved.relationship_label, saved.created_by_id, saved.version) == (
        "neighbour",
        member.id,
        1,
    )
    assert [p.name for p in _places(db, member)] == ["Korean church"]
    page = html.unescape(client.get(base).text)
    assert "Checks in if my curtains stay shut" in page and "Tea after service" in page


def test_add_place_with_blank_name_is_422_marks_the_place_field_and_saves_nothing(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member4"]
    client.login("harbor.member4")

    page = client.submit(
        f"/members/{member.id}/supporters/places", {"place_name": "  ", "why_it_helps": "x"}
    )
    api = client.api(
        "POST", f"/api/v1/members/{member.id}/supporters/people", json={"name": "n" * 121}
    )

    assert page.status_code == 422
    assert 'id="f-place_name" name="place_name"' in page.text
    assert 'href="#f-place_name"' in page.text
    assert "Place: please write something here." in page.text
    assert api.status_code == 422 and "name" in api.json()["errors"]
    assert _places(db, member) == [] and len(_people(db, member)) == 1


def test_change_person_as_member_and_stale_version_conflict(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    marco = _person(db, member, "Marco")
    client.login("harbor.member1")
    url = f"/members/{member.id}/supporters/people/{marco.id}"
    assert 'name="version" value="1"' in client.get(url).text
    form = {
        "name": "Marco",
        "relationship_label": "fishing buddy",
        "contact": marco.contact,
        "crisis_role": marco.crisis_role,
        "version": "1",
    }

    first = client.submit(url, form)
    second = client.submit(url, {**form, "relationship_label": "old friend"})

    assert first.status_code == 303
    assert second.status_code == 409
    assert "fishing buddy" in second.text and "old friend" in second.text
    assert _person(db, member, "Marco").relationship_label == "fishing buddy"


def test_remove_place_as_member_asks_first_then_deletes(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    (pier,) = [p for p in _places(db, member) if p.name == "The pier on Ocean Avenue"]
    pier_id = pier.id
    client.login("harbor.member1")
    url = f"/members/{member.id}/supporters/places/{pier_id}/remove"

    confirm = client.get(url)
    assert confirm.status_code == 200 and "Yes, remove it" in confirm.text
    response = client.submit(url, {"version": "1"})

    assert response.status_code == 303
    assert pier_id not in [p.id for p in _places(db, member)]
    assert db.scalar(
        select(AuditEvent.id).where(
            AuditEvent.action == "delete",
            AuditEvent.record_type == "community_place",
            AuditEvent.record_id == str(pier_id),
        )
    )


def test_add_person_as_peer_is_a_proposal_until_member_accepts(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    before = len(_people(db, member))
    peer, owner = make_client(), make_client()
    peer.login("harbor.peer1")
    owner.login("harbor.member1")

    suggested = peer.api(
        "POST",
        f"/api/v1/members/{member.id}/supporters/people",
        json={"name": "Coach Dee", "relationship_label": "boxing coach", "note": "He asked!"},
    )

    assert suggested.status_code == 202
    assert len(_people(db, member)) == before
    page = html.unescape(owner.get(f"/members/{member.id}/supporters").text)
    assert "Add Coach Dee to the supporters map" in page and "boxing coach" in page
    accepted = owner.submit(
        f"/members/{member.id}/proposals/{suggested.json()['id']}/accept",
        {"next": f"/members/{member.id}/supporters"},
    )
    assert accepted.status_code == 303
    assert accepted.headers["location"] == f"/members/{member.id}/supporters"
    coach = _person(db, member, "Coach Dee")
    assert coach.created_by_id == demo["harbor.peer1"].id


def test_remove_place_as_peer_is_a_proposal_and_decline_keeps_it(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    library = next(p for p in _places(db, member) if p.name == "Main Street library")
    peer, owner = make_client(), make_client()
    peer.login("harbor.peer1")
    owner.login("harbor.member1")

    suggested = peer.submit(
        f"/members/{member.id}/supporters/places/{library.id}/remove",
        {"version": "1", "note": "It closed for renovation"},
    )
    proposal = db.scalar(
        select(PlanProposal).where(
            PlanProposal.member_id == member.id,
            PlanProposal.kind == "community_place",
            PlanProposal.status == ProposalStatus.PENDING,
        )
    )

    assert suggested.status_code == 303
    assert proposal is not None and proposal.action == "remove"
    assert owner.submit(f"/members/{member.id}/proposals/{proposal.id}/decline", {})
    assert library.id in [p.id for p in _places(db, member)]


def test_api_supporters_lists_changes_and_removes(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["riverbend.member1"]
    client.login("riverbend.member1")
    base = f"/api/v1/members/{member.id}/supporters"

    listing = client.get(base).json()
    place = client.api("POST", f"{base}/places", json={"name": "Pool", "why_it_helps": "Swim"})
    changed = client.api(
        "PATCH", f"{base}/places/{place.json()['id']}", json={"why_it_helps": "Laps", "version": 1}
    )
    theo = next(p for p in listing["people"] if p["name"] == "Theo")
    stale = client.api("PATCH", f"{base}/people/{theo['id']}", json={"contact": "x", "version": 9})
    removed = client.api("DELETE", f"{base}/people/{theo['id']}", params={"version": 1})

    assert [p["name"] for p in listing["people"]][:2] == ["Paul Bennett", "Jess Morgan"]
    assert len(listing["places"]) == 3
    assert [p["summary"] for p in listing["pending_proposals"]] == [
        'Add the place "Thursday music jam at the community hall" to the supporters map'
    ]
    assert place.status_code == 201 and place.json()["created_by"] == "Kai Bennett"
    assert changed.status_code == 200 and changed.json()["why_it_helps"] == "Laps"
    assert stale.status_code == 409
    assert removed.status_code == 204
    assert "Theo" not in [p.name for p in _people(db, member)]


def test_supporters_outside_the_plan_circle_are_404(make_client, demo: dict[str, User]) -> None:
    member = demo["harbor.member1"]
    for username in ("harbor.admin", "harbor.supporter1", "harbor.peer2", "riverbend.admin"):
        viewer = make_client()
        viewer.login(username)
        assert viewer.get(f"/members/{member.id}/supporters").status_code == 404, username
        assert viewer.get(f"/api/v1/members/{member.id}/supporters").status_code == 404
        posted = viewer.api("POST", f"/api/v1/members/{member.id}/supporters/places", json={})
        assert posted.status_code == 404, username


def test_snapshot_parts_return_plain_data_of_each_area(db: Session, demo: dict[str, User]) -> None:
    ensure_registered()
    member = demo["harbor.member1"]

    profile = SNAPSHOT_PARTS["profile"](db, member)
    strengths = SNAPSHOT_PARTS["strengths"](db, member)
    supporters = SNAPSHOT_PARTS["supporters"](db, member)

    assert profile["preferred_name"] == "Jordan"
    assert strengths[0]["category"] == "personal_qualities"
    assert {"id", "category_label", "text", "written_by"} <= set(strengths[0])
    assert supporters["people"][0]["name"] == "Lena Reyes"
    assert supporters["places"][0] == {
        "id": supporters["places"][0]["id"],
        "name": "Harbor Peer Center",
        "why_it_helps": "People who get it. The Tuesday group.",
    }
