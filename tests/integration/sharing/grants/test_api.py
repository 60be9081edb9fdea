"""The grants API: the member lists, adds and stops grants; everyone else gets 404. And the
42 CFR Part 2 check when a supporter would see tagged records."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.core.access import org_today
from peerpath.db.base import utcnow
from peerpath.db.models import (
    AuditEvent,
    CheckIn,
    Disclosure,
    Part2Consent,
    Part2Record,
    Program,
    RecipientKind,
    User,
)
from tests.conftest import Browser
from tests.integration.sharing.grants.conftest import default_grant, grants_of


def test_member_lists_adds_and_stops_grants(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member, peer2 = demo["harbor.member1"], demo["harbor.peer2"]
    client.login("harbor.member1")
    url = f"/api/v1/members/{member.id}/grants"
    stopped = default_grant(db, member, RecipientKind.MY_SUPERVISOR, "notes")
    assert client.api("DELETE", f"{url}/{stopped.id}").status_code == 204

    listed = client.get(url)

    assert listed.status_code == 200
    rows = {row["id"]: row for row in listed.json()}
    assert rows[stopped.id]["in_force"] is False and rows[stopped.id]["revoked_at"]
    assert rows[stopped.id]["recipient"] == "my_supervisor"
    assert sum(1 for r in rows.values() if r["from_defaults"] and r["in_force"]) == 9

    last_day = org_today(member.organization) + timedelta(days=30)
    created = client.api(
        "POST",
        url,
        json={
            "recipient": f"staff:{peer2.id}",
            "sections": ["plan", "crisis_plan"],
            "purpose": "care_coordination",
            "expires_on": last_day.isoformat(),
        },
    )

    assert created.status_code == 201, created.text
    body = created.json()
    assert [(r["section"], r["recipient"]) for r in body] == [
        ("plan", f"staff:{peer2.id}"),
        ("crisis_plan", f"staff:{peer2.id}"),
    ]
    assert all(r["purpose"] == "care_coordination" and r["in_force"] for r in body)
    assert body[0]["expires_on"] == last_day.isoformat()
    # Stopping twice is fine (204 both times).
    assert client.api("DELETE", f"{url}/{body[0]['id']}").status_code == 204
    assert client.api("DELETE", f"{url}/{body[0]['id']}").status_code == 204
    assert len(grants_of(db, member, kind=RecipientKind.STAFF)) == 1
    # Someone else's grant id: 404, untouched.
    other = default_grant(db, demo["harbor.member2"], RecipientKind.MY_PEER_SPECIALIST, "plan")
    assert client.api("DELETE", f"{url}/{other.id}").status_code == 404
    assert client.api("DELETE", f"{url}/999999").status_code == 404


def test_api_answers_422_with_field_errors_and_saves_nothing(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    before = len(grants_of(db, member, in_force_only=False))
    client.login("harbor.member1")
    url = f"/api/v1/members/{member.id}/grants"

    response = client.api(
        "POST",
        url,
        json={
            "recipient": "staff:abc",
            "sections": ["plan", "diagnosis"],
            "purpose": "other",
            "expires_on": "2001-01-01",
        },
    )

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"recipient", "sections", "purpose_detail", "expires_on"}
    assert response.json()["detail"].startswith("Nothing was shared")
    for body in (
        {},
        {"recipient": "my_peer_specialist", "sections": "plan"},
        {"recipient": 5, "sections": [1]},
        {"recipient": "my_peer_specialist", "sections": ["plan"], "expires_on": "tomorrow"},
    ):
        assert client.api("POST", url, json=body).status_code == 422, body
    assert len(grants_of(db, member, in_force_only=False)) == before


def test_everyone_but_the_member_gets_404_and_the_refusal_is_audited(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    grant = default_grant(db, member, RecipientKind.MY_PEER_SPECIALIST, "plan")
    url = f"/api/v1/members/{member.id}/grants"
    for username in ("harbor.peer1", "harbor.admin", "harbor.member2", "riverbend.admin"):
        other = make_client()
        other.login(username)
        assert other.get(url).status_code == 404, username
        assert other.api("POST", url, json={}).status_code == 404, username
        body = {"recipient": "my_peer_specialist", "sections": ["journal"], "purpose": "other"}
        assert other.api("POST", url, json=body).status_code == 404, username
        assert other.api("DELETE", f"{url}/{grant.id}").status_code == 404, username
    db.expire_all()
    assert grant.revoked_at is None
    assert grants_of(db, member, section="journal") == []
    refused = db.scalars(
        select(AuditEvent).where(
            AuditEvent.record_type == "sharing_grants",
            AuditEvent.subject_member_id == member.id,
            AuditEvent.allowed.is_(False),
        )
    ).all()
    assert {e.actor_username for e in refused} == {"harbor.peer1", "harbor.admin", "harbor.member2"}


def test_supporter_grant_over_part2_records_needs_a_consent_and_is_accounted_for(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member, supporter = demo["harbor.member1"], demo["harbor.supporter1"]
    programme = Program(organization_id=member.organization_id, name="Harbor SUD", is_part2=True)
    db.add(programme)
    db.flush()
    checkin_id = db.scalar(select(CheckIn.id).where(CheckIn.member_id == member.id).limit(1))
    assert checkin_id is not None
    db.add(
        Part2Record(
            organization_id=member.organization_id,
            member_id=member.id,
            program_id=programme.id,
            record_type="checkins",
            record_id=checkin_id,
        )
    )
    consents = db.scalars(
        select(Part2Consent).where(
            Part2Consent.member_id == member.id, Part2Consent.revoked_at.is_(None)
        )
    ).all()
    for consent in consents:
        consent.revoked_at = utcnow()
    db.commit()
    client.login("harbor.member1")
    url = f"/api/v1/members/{member.id}/grants"
    body = {"recipient": f"supporter:{supporter.id}", "sections": ["checkins"]}
    body["purpose"] = "family_and_friends"

    refused = client.api("POST", url, json=body)

    assert refused.status_code == 422
    assert "42 CFR Part 2" in refused.json()["errors"]["recipient"]
    assert grants_of(db, member, kind=RecipientKind.SUPPORTER, section="checkins") == []
    # Sections without tagged records need no consent.
    plain = client.api("POST", url, json={**body, "sections": ["plan"]})
    assert plain.status_code == 201 and plain.json()[0]["section"] == "plan"

    consent = Part2Consent(
        organization_id=member.organization_id,
        member_id=member.id,
        member_name=member.display_name,
        disclosing_party="Harbor Peer Center",
        information_description="My check-ins",
        recipients="Lena Reyes",
        recipient_user_id=supporter.id,
        purpose="So my sister can support me",
        right_to_revoke_acknowledged=True,
        expiry_event="When I take it back",
        signature=member.display_name,
        signed_on=org_today(member.organization),
    )
    db.add(consent)
    db.commit()
    allowed = client.api("POST", url, json=body)

    assert allowed.status_code == 201, allowed.text
    [grant] = grants_of(db, member, kind=RecipientKind.SUPPORTER, section="checkins")
    assert grant.part2_consent_id == consent.id
    disclosure = db.scalar(
        select(Disclosure).where(Disclosure.member_id == member.id, Disclosure.kind == "grant")
    )
    assert disclosure is not None
    assert disclosure.consent_id == consent.id and disclosure.included_part2
    assert "Lena Reyes" in disclosure.recipient and "check-ins" in disclosure.description
