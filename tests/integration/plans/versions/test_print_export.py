"""The print-friendly plan and the JSON export."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.models import AuditEvent, User
from peerpath.plans import common
from tests.conftest import Browser
from tests.integration.plans.versions.conftest import set_profile, versions_of


def test_print_plan_has_no_navigation_and_contains_the_plan(
    client: Browser, demo: dict[str, User], db: Session, fake_part: dict[int, Any]
) -> None:
    member = demo["harbor.member3"]
    set_profile(db, member, vision="Mornings outside, evenings with friends.")
    fake_part[member.id] = [{"title": "Learn to bake bread", "steps": ["Buy flour", "Ask Gran"]}]
    client.login("harbor.member3")

    page = client.get(f"/members/{member.id}/plan/print")

    assert page.status_code == 200
    text = page.text
    assert "<nav" not in text
    assert 'class="site-header"' not in text and 'class="site-footer"' not in text
    assert 'href="/static/print.css" media="print"' in text
    assert "Eli Thompson&#39;s recovery plan" in text
    assert "Mornings outside, evenings with friends." in text
    assert "Learn to bake bread" in text and "Buy flour, Ask Gran" in text
    assert "<main" in text
    assert "No signatures yet." in text


def test_print_plan_shows_the_latest_signature_block(make_client, demo: dict[str, User]) -> None:
    member1 = demo["harbor.member1"]
    peer = make_client()
    peer.login("harbor.peer1")

    page = peer.get(f"/members/{member1.id}/plan/print")

    assert page.status_code == 200
    assert "Latest signed version: version 2." in page.text
    assert "signed by Jordan Reyes" in page.text
    assert "Peer specialist:</span> not signed yet" in page.text


def test_print_version_shows_the_frozen_version_and_its_signatures(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member1 = demo["harbor.member1"]
    first = versions_of(db, member1)[0]
    client.login("harbor.supervisor")

    page = client.get(f"/members/{member1.id}/plan/versions/{first.id}/print")

    assert page.status_code == 200
    assert "Version 1, saved" in page.text
    assert "Signed by everyone" in page.text
    assert "signed by Rosa Delgado" in page.text
    assert "<nav" not in page.text


def test_print_version_of_another_member_answers_404(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    first = versions_of(db, demo["harbor.member1"])[0]
    client.login("harbor.member2")
    own_path = f"/members/{demo['harbor.member2'].id}/plan/versions/{first.id}/print"
    theirs = f"/members/{demo['harbor.member1'].id}/plan/versions/{first.id}/print"
    assert client.get(own_path).status_code == 404
    assert client.get(theirs).status_code == 404


def test_export_contains_every_snapshot_part_and_every_version(
    client: Browser, demo: dict[str, User], db: Session, fake_part: dict[int, Any]
) -> None:
    member1 = demo["harbor.member1"]
    fake_part[member1.id] = {"note": "Exported too"}
    client.login("harbor.member1")

    response = client.get(f"/api/v1/members/{member1.id}/plan/export")

    assert response.status_code == 200
    data = response.json()
    common.ensure_registered()
    assert set(data["plan"]) == set(common.SNAPSHOT_PARTS)
    assert set(data["parts"]) == set(common.SNAPSHOT_PARTS)
    assert data["plan"]["zz_test_notes"] == {"note": "Exported too"}
    assert [v["number"] for v in data["versions"]] == [1, 2]
    assert [s["role"] for s in data["versions"][0]["signatures"]] == ["member", "peer_specialist"]
    assert data["versions"][0]["review_due"] is not None
    assert data["versions"][1]["completed_at"] is None
    assert data["member"]["display_name"] == "Jordan Reyes"


def test_export_download_is_an_attachment_and_is_audited_as_an_export(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member1 = demo["harbor.member1"]
    client.login("harbor.member1")
    versions_page = client.get(f"/members/{member1.id}/plan/versions")
    assert "Download my plan (JSON)" in versions_page.text

    response = client.get(f"/members/{member1.id}/plan/export.json")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="peerpath-plan-jordan-reyes-' in disposition
    assert response.json()["versions"]
    exports = db.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "export:plan", AuditEvent.subject_member_id == member1.id
        )
    ).all()
    assert [e.actor_username for e in exports] == ["harbor.member1"]


def test_print_and_export_as_people_outside_the_circle_answer_404(
    make_client, demo: dict[str, User]
) -> None:
    member1 = demo["harbor.member1"]
    for username in ("harbor.admin", "harbor.supporter1", "harbor.member2", "riverbend.admin"):
        other = make_client()
        other.login(username)
        for path in (
            f"/members/{member1.id}/plan/print",
            f"/members/{member1.id}/plan/export.json",
            f"/api/v1/members/{member1.id}/plan/export",
        ):
            assert other.get(path).status_code == 404, (username, path)


def test_reading_versions_and_print_writes_audit_rows(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member1 = demo["harbor.member1"]
    client.login("harbor.supervisor")
    client.get(f"/members/{member1.id}/plan/print")
    client.get(f"/api/v1/members/{member1.id}/plan/versions")

    rows = db.scalars(
        select(AuditEvent).where(
            AuditEvent.actor_username == "harbor.supervisor",
            AuditEvent.subject_member_id == member1.id,
        )
    ).all()
    seen = {(r.action, r.record_type) for r in rows}
    assert ("read:plan", "plan_print") in seen
    assert ("read:plan", "plan_versions") in seen
    assert all(r.allowed for r in rows)
