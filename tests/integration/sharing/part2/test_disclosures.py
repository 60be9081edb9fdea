"""A copy of the record for someone else: refused without a consent when Part 2 records are in
it, allowed with one, written to the accounting of disclosures, and carrying the notice. The
member's own export is unchanged."""

from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.models import Disclosure, SharingGrant, User
from peerpath.sharing.part2 import service
from tests.conftest import Browser
from tests.integration.sharing.part2.conftest import (
    Enrol,
    consent_form,
    consents_of,
    new_checkin,
)

FOR_CLINIC = {"recipient": "Northside Clinic", "purpose": "My first appointment"}


def _disclosures(db: Session, member: User) -> list[Disclosure]:
    db.expire_all()
    return list(
        db.scalars(
            select(Disclosure).where(Disclosure.member_id == member.id).order_by(Disclosure.id)
        ).all()
    )


def _tagged_member(db: Session, demo: dict[str, User], enrol: Enrol) -> User:
    member = demo["harbor.member2"]
    enrol(member)
    new_checkin(db, member)
    db.commit()
    return member


def test_copy_for_someone_else_is_refused_without_a_consent(
    client: Browser, db: Session, demo: dict[str, User], enrol: Enrol
) -> None:
    member = _tagged_member(db, demo, enrol)
    client.login("harbor.member2")
    page = client.get("/me/export/for-someone-else")
    assert page.status_code == 200 and "write a consent first" in page.text

    for kind in ("download", "print"):
        refused = client.submit("/me/export/for-someone-else", {**FOR_CLINIC, "format": kind})
        assert refused.status_code == 422
        assert 'id="f-consent_id-error"' in refused.text
        assert 'href="/me/consents/new"' in refused.text
    api = client.api("POST", "/api/v1/me/export/for-someone-else", json=FOR_CLINIC)
    assert api.status_code == 422 and "consent_id" in api.json()["errors"]
    assert _disclosures(db, member) == []


def test_copy_for_someone_else_with_a_consent_carries_the_notice(
    client: Browser, db: Session, demo: dict[str, User], enrol: Enrol
) -> None:
    member = _tagged_member(db, demo, enrol)
    client.login("harbor.member2")
    assert client.submit("/me/consents/new", consent_form(member)).status_code == 303
    consent = consents_of(db, member)[0]
    chosen = {**FOR_CLINIC, "consent_id": str(consent.id)}

    download = client.submit("/me/export/for-someone-else", {**chosen, "format": "download"})

    assert download.status_code == 200, download.text[:500]
    assert download.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    data = json.loads(archive.read("data.json"))
    readme = archive.read("README.txt").decode()
    assert data["part2_notice"] == service.NOTICE
    assert data["disclosure"]["recipient"] == "Northside Clinic"
    assert data["disclosure"]["consent_id"] == consent.id
    assert readme.startswith(service.NOTICE_TITLE.upper())
    assert "Northside Clinic" in readme

    printed = client.submit("/me/export/for-someone-else", {**chosen, "format": "print"})
    assert printed.status_code == 200
    body = printed.text
    assert service.NOTICE in body and service.NOTICE_TITLE in body
    assert body.index(service.NOTICE) < body.index("<h1>")  # at the top
    assert "Northside Clinic" in body

    api = client.api(
        "POST",
        "/api/v1/me/export/for-someone-else",
        json={**FOR_CLINIC, "consent_id": consent.id},
    )
    assert api.status_code == 200 and api.json()["part2_notice"] == service.NOTICE

    rows = _disclosures(db, member)
    assert [r.kind for r in rows] == ["export", "print", "export"]
    assert all(r.consent_id == consent.id and r.included_part2 for r in rows)
    assert all(r.recipient == "Northside Clinic" and r.disclosed_by_id == member.id for r in rows)
    assert "My first appointment" in rows[0].description


def test_revoked_consent_no_longer_allows_a_copy(
    client: Browser, db: Session, demo: dict[str, User], enrol: Enrol
) -> None:
    member = _tagged_member(db, demo, enrol)
    client.login("harbor.member2")
    client.submit("/me/consents/new", consent_form(member))
    consent = consents_of(db, member)[0]
    client.submit(f"/me/consents/{consent.id}/revoke")

    refused = client.submit(
        "/me/export/for-someone-else",
        {**FOR_CLINIC, "consent_id": str(consent.id), "format": "print"},
    )
    assert refused.status_code == 422
    assert _disclosures(db, member) == []


def test_copy_without_protected_records_needs_no_consent_and_no_notice(
    client: Browser, db: Session, demo: dict[str, User]
) -> None:
    member = demo["harbor.member2"]
    client.login("harbor.member2")

    printed = client.submit("/me/export/for-someone-else", {**FOR_CLINIC, "format": "print"})

    assert printed.status_code == 200
    assert service.NOTICE not in printed.text
    [row] = _disclosures(db, member)
    assert row.kind == "print" and row.included_part2 is False and row.consent_id is None
    empty = client.submit("/me/export/for-someone-else", {})
    assert empty.status_code == 422
    for field in ("recipient", "purpose", "format"):
        assert f'id="f-{field}-error"' in empty.text
    assert len(_disclosures(db, member)) == 1


def test_own_export_needs_no_consent_and_is_not_a_disclosure(
    client: Browser, db: Session, demo: dict[str, User], enrol: Enrol
) -> None:
    member = _tagged_member(db, demo, enrol)
    client.login("harbor.member2")

    data = client.get("/api/v1/me/export").json()

    assert data["tables"]["part2_records"]  # the member sees which records are protected
    assert "part2_notice" not in data and "disclosure" not in data
    assert client.get("/me/export/download").status_code == 200
    printed = client.get("/me/export/print")
    assert printed.status_code == 200 and service.NOTICE not in printed.text
    assert _disclosures(db, member) == []


def test_accounting_lists_every_disclosure(
    client: Browser, db: Session, demo: dict[str, User]
) -> None:
    member = demo["riverbend.member3"]
    client.login("riverbend.member3")

    page = client.get("/me/disclosures")
    assert page.status_code == 200
    assert "Dr. Amara Osei, Eastside Family Clinic" in page.text  # the demo's printed copy
    assert "Included" in page.text and "Consent signed" in page.text

    consent = consents_of(db, member)[0]
    made = client.submit(
        "/me/export/for-someone-else",
        {
            "recipient": "Housing office",
            "purpose": "Housing application",
            "consent_id": str(consent.id),
            "format": "print",
        },
    )
    assert made.status_code == 200
    listed = client.get(f"/api/v1/members/{member.id}/disclosures").json()
    assert [d["recipient"] for d in listed] == [
        "Housing office",
        "Dr. Amara Osei, Eastside Family Clinic",
    ]
    assert listed[0]["included_part2"] is True and listed[0]["consent_id"] == consent.id
    assert listed[0]["disclosed_by"] == "You"
    assert "Housing office" in client.get("/me/disclosures").text


def test_staff_and_other_members_cannot_read_the_accounting(
    client: Browser, demo: dict[str, User], make_client: object
) -> None:
    member = demo["riverbend.member3"]
    for actor in (
        "riverbend.peer1",
        "riverbend.supervisor",
        "riverbend.admin",
        "riverbend.member1",
    ):
        other = make_client()  # type: ignore[operator]
        other.login(actor)
        assert other.get(f"/api/v1/members/{member.id}/disclosures").status_code == 404
        assert other.get(f"/api/v1/members/{member.id}/part2-consents").status_code == 404
        if actor == "riverbend.member1":
            assert "Eastside Family Clinic" not in other.get("/me/disclosures").text


def test_notice_for_a_supporter_when_shared_sections_hold_protected_records(
    db: Session, demo: dict[str, User], enrol: Enrol
) -> None:
    member, supporter = demo["harbor.member1"], demo["harbor.supporter1"]
    db.add(
        SharingGrant(
            organization_id=member.organization_id,
            member_id=member.id,
            recipient_kind="supporter",
            recipient_user_id=supporter.id,
            section="checkins",
            purpose="family_and_friends",
        )
    )
    db.flush()
    assert service.notice_for(db, supporter, member) is None  # nothing tagged yet
    enrol(member)
    new_checkin(db, member)
    assert service.notice_for(db, supporter, member) == service.NOTICE
    assert service.notice_for(db, demo["harbor.peer1"], member) is None  # staff: inside
