"""The consent form holds every section 2.31 element or saves nothing; consents are the
member's alone; taking one back stops the sharing that relied on it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.core.access import Section, org_today
from peerpath.db.models import AuditEvent, Part2Consent, SharingGrant, User
from peerpath.sharing.part2 import service
from tests.conftest import Browser
from tests.integration.sharing.part2.conftest import (
    Enrol,
    consent_form,
    consents_of,
    new_checkin,
)

# Each element -> the form change that leaves it out, and the field its problem is shown at.
MISSING = {
    "member_name": ({"member_name": "", "signature": ""}, "member_name"),
    "disclosing_party": ({"disclosing_party": "  "}, "disclosing_party"),
    "information_description": ({"information_description": ""}, "information_description"),
    "recipients": ({"recipients": ""}, "recipients"),
    "purpose": ({"purpose": ""}, "purpose"),
    "right_to_revoke": ({"right_to_revoke_acknowledged": ""}, "right_to_revoke_acknowledged"),
    "expiry": ({"expires_on": "", "expiry_event": ""}, "expiry"),
    "signature": ({"signature": ""}, "signature"),
    "signed_on": ({"signed_on": ""}, "signed_on"),
}


@pytest.mark.parametrize("element", list(MISSING))
def test_form_refuses_a_consent_without_each_element(
    element: str, client: Browser, db: Session, demo: dict[str, User]
) -> None:
    member = demo["harbor.member2"]
    changes, field = MISSING[element]
    client.login("harbor.member2")

    response = client.submit("/me/consents/new", consent_form(member, **changes))

    assert response.status_code == 422
    assert f'id="f-{field}-error"' in response.text  # shown next to its field
    assert f"f-{field}-error" in response.text.split(f'id="f-{field}-error"')[0]  # described
    assert "was not saved" in response.text
    assert consents_of(db, member) == []


def test_api_names_every_missing_element_at_once(
    client: Browser, db: Session, demo: dict[str, User]
) -> None:
    member = demo["harbor.member2"]
    client.login("harbor.member2")

    response = client.api("POST", f"/api/v1/members/{member.id}/part2-consents", json={})

    assert response.status_code == 422
    assert set(response.json()["errors"]) == {
        "member_name",
        "disclosing_party",
        "information_description",
        "recipients",
        "purpose",
        "right_to_revoke_acknowledged",
        "expiry",
        "signature",
        "signed_on",
    }
    assert consents_of(db, member) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"signature": "Someone Else"}, "signature"),
        ({"signed_on": "2999-01-01"}, "signed_on"),
        ({"signed_on": "yesterday"}, "signed_on"),
        ({"expires_on": "2001-01-01"}, "expires_on"),
        ({"recipient_user_id": "999999"}, "recipient_user_id"),
        ({"purpose": "x" * 2001}, "purpose"),
    ],
)
def test_form_refuses_wrong_values(
    changes: dict[str, str], field: str, client: Browser, db: Session, demo: dict[str, User]
) -> None:
    member = demo["harbor.member2"]
    client.login("harbor.member2")
    response = client.submit("/me/consents/new", consent_form(member, **changes))
    assert response.status_code == 422
    assert f'id="f-{field}-error"' in response.text
    assert consents_of(db, member) == []


def test_complete_consent_is_saved_and_shown(
    client: Browser, db: Session, demo: dict[str, User]
) -> None:
    member = demo["harbor.member2"]
    client.login("harbor.member2")
    page = client.get("/me/consents/new")
    assert page.status_code == 200
    assert service.RIGHT_TO_REVOKE in page.text
    assert f'value="{member.display_name}"' in page.text  # the name is filled in
    assert f'value="{org_today(member.organization).isoformat()}"' in page.text  # today

    response = client.submit(
        "/me/consents/new",
        consent_form(member, expires_on="", expiry_event="When I move out of the county"),
    )

    assert response.status_code == 303, response.text
    [consent] = consents_of(db, member)
    assert consent.recipients == "Dr. Lee, Northside Clinic"
    assert consent.right_to_revoke_acknowledged is True
    assert consent.expires_on is None and consent.expiry_event == "When I move out of the county"
    assert consent.created_by_id == member.id
    assert response.headers["location"] == f"/me/consents/{consent.id}"
    shown = client.get(f"/me/consents/{consent.id}")
    assert "Dr. Lee, Northside Clinic" in shown.text and "In force" in shown.text
    listed = client.get("/me/consents")
    assert "Dr. Lee, Northside Clinic" in listed.text
    assert db.scalar(
        select(AuditEvent.id).where(
            AuditEvent.action == "create:part2_consent", AuditEvent.record_id == str(consent.id)
        )
    )


def test_consent_may_name_a_linked_supporter(
    client: Browser, db: Session, demo: dict[str, User]
) -> None:
    member, supporter = demo["harbor.member1"], demo["harbor.supporter1"]
    client.login("harbor.member1")
    assert supporter.display_name in client.get("/me/consents/new").text

    response = client.submit(
        "/me/consents/new",
        consent_form(member, recipients="", recipient_user_id=str(supporter.id)),
    )

    assert response.status_code == 303, response.text
    consent = consents_of(db, member)[-1]
    assert consent.recipient_user_id == supporter.id
    assert consent.recipients == supporter.display_name
    # a supporter of someone else cannot be named
    other = demo["riverbend.supporter1"]
    refused = client.submit(
        "/me/consents/new", consent_form(member, recipient_user_id=str(other.id))
    )
    assert refused.status_code == 422


def test_api_creates_reads_and_revokes(client: Browser, db: Session, demo: dict[str, User]) -> None:
    member = demo["harbor.member2"]
    client.login("harbor.member2")
    url = f"/api/v1/members/{member.id}/part2-consents"
    body = consent_form(member)
    body_json = {**body, "right_to_revoke_acknowledged": True}

    created = client.api("POST", url, json=body_json)

    assert created.status_code == 201, created.text
    consent_id = created.json()["id"]
    assert created.json()["status"] == "in_force"
    assert [c["id"] for c in client.get(url).json()] == [consent_id]
    revoked = client.api("POST", f"{url}/{consent_id}/revoke")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    again = client.api("POST", f"{url}/{consent_id}/revoke")  # idempotent
    assert again.status_code == 200 and again.json()["revoked_at"] == revoked.json()["revoked_at"]


def test_revoking_stops_the_sharing_that_relied_on_it(
    client: Browser, db: Session, demo: dict[str, User]
) -> None:
    member, supporter = demo["harbor.member1"], demo["harbor.supporter1"]
    consent = consents_of(db, member)[0]  # the demo consent naming supporter1
    grant = SharingGrant(
        organization_id=member.organization_id,
        member_id=member.id,
        recipient_kind="supporter",
        recipient_user_id=supporter.id,
        section="crisis_plan",
        purpose="family_and_friends",
        part2_consent_id=consent.id,
    )
    db.add(grant)
    db.commit()
    client.login("harbor.member1")

    confirm = client.get(f"/me/consents/{consent.id}/revoke")
    assert confirm.status_code == 200
    assert "Yes, take it back" in confirm.text and "crisis plan" in confirm.text
    done = client.submit(f"/me/consents/{consent.id}/revoke")

    assert done.status_code == 303
    db.expire_all()
    assert db.get(Part2Consent, consent.id).revoked_at is not None  # type: ignore[union-attr]
    assert db.get(SharingGrant, grant.id).revoked_at is not None  # type: ignore[union-attr]
    assert "Taken back" in client.get("/me/consents").text


def test_check_supporter_grant_needs_a_consent_naming_the_supporter(
    db: Session, demo: dict[str, User], enrol: Enrol
) -> None:
    member, supporter = demo["harbor.member1"], demo["harbor.supporter1"]
    # nothing tagged yet: no consent needed
    assert service.check_supporter_grant(db, member, supporter.id, [Section.CHECKINS]) is None
    enrol(member)
    new_checkin(db, member)
    consent = consents_of(db, member)[0]  # the demo consent naming supporter1
    assert service.check_supporter_grant(db, member, supporter.id, [Section.CHECKINS]) == consent.id
    # tagged records only in check-ins: sharing the crisis plan needs no consent
    assert service.check_supporter_grant(db, member, supporter.id, [Section.CRISIS_PLAN]) is None
    consent.revoked_at = consent.created_at
    db.flush()
    with pytest.raises(service.ConsentRequired):
        service.check_supporter_grant(db, member, supporter.id, [Section.CHECKINS])
    # an expired consent does not count either
    consent.revoked_at = None
    consent.expires_on = org_today(member.organization) - timedelta(days=1)
    db.flush()
    with pytest.raises(service.ConsentRequired):
        service.check_supporter_grant(db, member, supporter.id, [Section.CHECKINS, Section.PLAN])


@pytest.mark.parametrize(
    "actor",
    ["harbor.member2", "harbor.peer1", "harbor.admin", "harbor.supporter1", "riverbend.member1"],
)
def test_nobody_else_reads_or_changes_a_members_consents(
    actor: str, client: Browser, db: Session, demo: dict[str, User]
) -> None:
    member = demo["harbor.member1"]
    consent = consents_of(db, member)[0]
    client.login(actor)
    base = f"/api/v1/members/{member.id}"

    assert client.get(f"{base}/part2-consents").status_code == 404
    assert client.get(f"{base}/part2-consents/{consent.id}").status_code == 404
    assert client.api("POST", f"{base}/part2-consents/{consent.id}/revoke").status_code == 404
    assert (
        client.api("POST", f"{base}/part2-consents", json={"member_name": "x" * 5000}).status_code
        == 404
    )
    assert client.get(f"{base}/disclosures").status_code == 404
    if actor.split(".")[1].startswith("member"):
        assert client.get(f"/me/consents/{consent.id}").status_code == 404
        assert client.submit(f"/me/consents/{consent.id}/revoke").status_code == 404
    db.expire_all()
    assert db.get(Part2Consent, consent.id).revoked_at is None  # type: ignore[union-attr]
