"""Answering staff suggestions: only the member decides, once, and the proposer is credited."""

from __future__ import annotations

import html

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.models import AuditEvent, PlanProposal, ProposalStatus, Strength, User
from tests.conftest import Browser


def _demo_proposal(db: Session, member: User) -> PlanProposal:
    proposal = db.scalar(
        select(PlanProposal)
        .where(
            PlanProposal.member_id == member.id,
            PlanProposal.kind == "strength",
            PlanProposal.status == ProposalStatus.PENDING,
        )
        .order_by(PlanProposal.id)
    )
    assert proposal is not None
    return proposal


def test_accept_proposal_via_api_credits_the_proposer_and_is_audited(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    proposal = _demo_proposal(db, member)
    client.login("harbor.member1")

    response = client.api(
        "POST",
        f"/api/v1/members/{member.id}/proposals/{proposal.id}/accept",
        json={"comment": "Yes, that's me"},
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["proposed_by"], body["member_comment"]) == (
        "accepted",
        "Rosa Delgado",
        "Yes, that's me",
    )
    added = db.scalar(
        select(Strength).where(
            Strength.member_id == member.id,
            Strength.text == "Good at calming people down when they're nervous",
        )
    )
    assert added is not None
    assert added.created_by_id == demo["harbor.peer1"].id
    accepted = db.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "accept", AuditEvent.record_id == str(proposal.id)
        )
    ).all()
    assert [(a.actor_username, a.subject_member_id) for a in accepted] == [
        ("harbor.member1", member.id)
    ]


def test_answer_proposal_twice_is_a_friendly_note_not_an_error(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    proposal = _demo_proposal(db, member)
    client.login("harbor.member1")
    url = f"/members/{member.id}/proposals/{proposal.id}"
    assert client.submit(f"{url}/accept", {}).status_code == 303

    again = client.submit(f"{url}/decline", {"next": f"/members/{member.id}/supporters"})
    api_again = client.api("POST", f"/api/v1{url}/accept", json={})

    assert again.status_code == 303
    assert again.headers["location"] == f"/members/{member.id}/supporters"
    note = html.unescape(client.get(again.headers["location"]).text)
    assert "You already answered this suggestion: you accepted it." in note
    assert api_again.status_code == 409
    db.refresh(proposal)
    assert proposal.status == ProposalStatus.ACCEPTED


def test_answer_proposal_as_staff_is_404_and_leaves_it_waiting(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    proposal = _demo_proposal(db, member)
    for username in ("harbor.peer1", "harbor.supervisor", "harbor.admin", "riverbend.member1"):
        viewer = make_client()
        viewer.login(username)
        url = f"/members/{member.id}/proposals/{proposal.id}/accept"
        assert viewer.submit(url, {}).status_code == 404, username
        assert viewer.api("POST", f"/api/v1{url}", json={}).status_code == 404, username
    db.refresh(proposal)
    assert proposal.status == ProposalStatus.PENDING


def test_answer_another_members_proposal_through_own_path_is_404(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    owner, other = demo["harbor.member1"], demo["harbor.member2"]
    proposal = _demo_proposal(db, owner)
    client.login("harbor.member2")

    response = client.submit(f"/members/{other.id}/proposals/{proposal.id}/accept", {})

    assert response.status_code == 404
    db.refresh(proposal)
    assert proposal.status == ProposalStatus.PENDING


def test_accept_proposal_for_a_removed_strength_explains_and_keeps_it_waiting(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    item = db.scalar(
        select(Strength).where(
            Strength.member_id == member.id, Strength.text == "I'm good at fixing bikes"
        )
    )
    assert item is not None
    peer, owner = make_client(), make_client()
    peer.login("harbor.peer1")
    owner.login("harbor.member1")
    suggested = peer.api(
        "PATCH",
        f"/api/v1/members/{member.id}/strengths/{item.id}",
        json={"text": "Bike whisperer", "version": 1},
    ).json()
    owner.api("DELETE", f"/api/v1/members/{member.id}/strengths/{item.id}", params={"version": 1})

    response = owner.submit(f"/members/{member.id}/proposals/{suggested['id']}/accept", {})

    assert response.status_code == 409
    assert "You can decline the suggestion." in response.text
    declined = owner.submit(f"/members/{member.id}/proposals/{suggested['id']}/decline", {})
    assert declined.status_code == 303


def test_view_pending_proposals_as_peer_shows_them_without_answer_buttons(
    client: Browser, demo: dict[str, User]
) -> None:
    member = demo["harbor.member1"]
    client.login("harbor.peer1")

    page = html.unescape(client.get(f"/members/{member.id}/strengths").text)

    assert "Suggestions waiting for Jordan Reyes's answer" in page
    assert "/proposals/" not in page
