"""Signing: the member freezes the plan as a version; staff add the signatures it asks for."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.base import utcnow
from peerpath.db.models import AuditEvent, PlanSignature, User
from peerpath.plans.versions import service
from tests.conftest import Browser
from tests.integration.plans.versions.conftest import (
    set_profile,
    versions_of,
)


def _sign_as_member(client: Browser, member: User) -> None:
    response = client.submit(f"/members/{member.id}/plan/sign", {})
    assert response.status_code == 303, response.text[:500]
    assert response.headers["location"] == f"/members/{member.id}/plan/versions"


def _signatures(db: Session, version_id: int) -> dict[str, int]:
    rows = db.scalars(select(PlanSignature).where(PlanSignature.version_id == version_id)).all()
    return {row.role: row.signer_id for row in rows}


def test_sign_plan_as_member_freezes_the_plan_as_a_new_version(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member3"]
    set_profile(db, member, vision="A small garden and a steady morning routine.")
    member_client = make_client()
    member_client.login("harbor.member3")

    _sign_as_member(member_client, member)

    [version] = versions_of(db, member)
    assert version.number == 1
    assert version.snapshot["profile"]["vision"] == "A small garden and a steady morning routine."
    assert version.required_roles == ["member", "peer_specialist"]
    assert version.completed_at is None
    assert _signatures(db, version.id) == {"member": member.id}
    page = member_client.get(f"/members/{member.id}/plan/versions")
    assert "Version 1" in page.text
    assert "Waiting for the peer specialist to sign" in page.text


def test_edit_plan_after_signing_leaves_the_version_unchanged_and_marks_the_draft(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member3"]
    set_profile(db, member, vision="First words.")
    member_client = make_client()
    member_client.login("harbor.member3")
    _sign_as_member(member_client, member)

    set_profile(db, member, vision="Second words, after signing.")

    [version] = versions_of(db, member)
    assert version.snapshot["profile"]["vision"] == "First words."
    status = service.plan_status(db, member)
    assert status.draft_changed is True
    assert status.latest is not None and status.latest.number == 1
    page = member_client.get(f"/members/{member.id}/plan/versions")
    assert "changed since version 1" in page.text
    printed = member_client.get(f"/members/{member.id}/plan/versions/{version.id}/print")
    assert "First words." in printed.text
    assert "Second words" not in printed.text


def test_sign_version_as_peer_completes_it_and_sets_the_review_date(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member3"]
    member_client, peer_client = make_client(), make_client()
    member_client.login("harbor.member3")
    peer_client.login("harbor.peer1")
    _sign_as_member(member_client, member)
    [version] = versions_of(db, member)

    peer_page = peer_client.get(f"/members/{member.id}/plan/versions")
    assert "Sign version 1 as peer specialist" in peer_page.text
    response = peer_client.submit(f"/members/{member.id}/plan/versions/{version.id}/sign", {})

    assert response.status_code == 303
    [version] = versions_of(db, member)
    assert version.completed_at is not None
    assert version.review_due == service.add_months(version.completed_at.date(), 6)
    assert _signatures(db, version.id) == {
        "member": member.id,
        "peer_specialist": demo["harbor.peer1"].id,
    }
    page = member_client.get(f"/members/{member.id}/plan/versions")
    assert "Signed by everyone" in page.text
    assert "Rosa Delgado" in page.text  # who signed, shown to the member
    assert f"Next review by {service.long_date(version.review_due)}" in page.text


def test_sign_version_waits_for_the_supervisor_when_the_organization_asks_for_it(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member3"]
    admin = make_client()
    admin.login("harbor.admin")
    changed = admin.api(
        "PATCH",
        "/api/v1/admin/settings",
        json={"plan_signatures": ["member", "peer_specialist", "supervisor"]},
    )
    assert changed.status_code == 200, changed.text
    member_client, peer_client, supervisor_client = make_client(), make_client(), make_client()
    member_client.login("harbor.member3")
    peer_client.login("harbor.peer1")
    supervisor_client.login("harbor.supervisor")
    _sign_as_member(member_client, member)
    [version] = versions_of(db, member)
    assert version.required_roles == ["member", "peer_specialist", "supervisor"]

    peer_client.submit(f"/members/{member.id}/plan/versions/{version.id}/sign", {})
    [version] = versions_of(db, member)
    assert version.completed_at is None
    assert "Waiting for the supervisor to sign" in (
        member_client.get(f"/members/{member.id}/plan/versions").text
    )

    done = supervisor_client.api(
        "POST", f"/api/v1/members/{member.id}/plan/versions/{version.id}/sign"
    )
    assert done.status_code == 200, done.text
    assert done.json()["complete"] is True
    assert [s["role"] for s in done.json()["signatures"]] == [
        "member",
        "peer_specialist",
        "supervisor",
    ]
    [version] = versions_of(db, member)
    assert version.completed_at is not None


def test_sign_version_again_answers_409_with_a_clear_message(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member3"]
    member_client, peer_client = make_client(), make_client()
    member_client.login("harbor.member3")
    peer_client.login("harbor.peer1")
    _sign_as_member(member_client, member)
    [version] = versions_of(db, member)
    url = f"/api/v1/members/{member.id}/plan/versions/{version.id}/sign"
    assert peer_client.api("POST", url).status_code == 200

    again = peer_client.api("POST", url)
    page_again = peer_client.submit(f"/members/{member.id}/plan/versions/{version.id}/sign", {})

    assert again.status_code == 409
    assert "already has the peer specialist's signature" in again.json()["detail"]
    assert page_again.status_code == 409
    assert "already has the peer specialist&#39;s signature" in page_again.text
    assert len(_signatures(db, version.id)) == 2


def test_sign_version_for_a_role_the_version_does_not_need_answers_409(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member3"]
    member_client, supervisor_client = make_client(), make_client()
    member_client.login("harbor.member3")
    supervisor_client.login("harbor.supervisor")
    _sign_as_member(member_client, member)
    [version] = versions_of(db, member)

    response = supervisor_client.api(
        "POST", f"/api/v1/members/{member.id}/plan/versions/{version.id}/sign"
    )

    assert response.status_code == 409
    assert "does not ask for a supervisor's signature" in response.json()["detail"]
    assert "supervisor" not in _signatures(db, version.id)


def test_start_signature_as_staff_is_refused_and_saves_nothing(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member3"]
    for username in ("harbor.peer1", "harbor.supervisor", "harbor.admin", "riverbend.member1"):
        other = make_client()
        other.login(username)
        assert other.submit(f"/members/{member.id}/plan/sign", {}).status_code == 404
        assert other.api("POST", f"/api/v1/members/{member.id}/plan/sign").status_code == 404
    assert versions_of(db, member) == []


def test_sign_version_as_people_outside_the_circle_answers_404(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member3"]
    member_client = make_client()
    member_client.login("harbor.member3")
    _sign_as_member(member_client, member)
    [version] = versions_of(db, member)
    for username in (
        "harbor.admin",
        "harbor.peer2",
        "harbor.member1",
        "harbor.supporter1",
        "riverbend.peer1",
        "riverbend.supervisor",
    ):
        other = make_client()
        other.login(username)
        url = f"/api/v1/members/{member.id}/plan/versions/{version.id}/sign"
        assert other.api("POST", url).status_code == 404, username
        assert other.get(f"/members/{member.id}/plan/versions").status_code == 404, username
    assert set(_signatures(db, version.id)) == {"member"}


def test_sign_version_of_another_member_through_a_wrong_path_answers_404(
    make_client, demo: dict[str, User], db: Session
) -> None:
    # member1's version 2 waits for peer1; asking for it under member2's path finds nothing.
    version = versions_of(db, demo["harbor.member1"])[-1]
    peer_client = make_client()
    peer_client.login("harbor.peer1")
    url = f"/api/v1/members/{demo['harbor.member2'].id}/plan/versions/{version.id}/sign"
    assert peer_client.api("POST", url).status_code == 404


def test_start_signature_again_without_changes_answers_409(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member3"]
    member_client = make_client()
    member_client.login("harbor.member3")
    _sign_as_member(member_client, member)

    again = member_client.api("POST", f"/api/v1/members/{member.id}/plan/sign", json={})
    page_again = member_client.submit(f"/members/{member.id}/plan/sign", {})

    assert again.status_code == 409
    assert "has not changed since" in again.json()["detail"]
    assert page_again.status_code == 409
    assert "Nothing was signed" in page_again.text
    assert len(versions_of(db, member)) == 1


def test_start_signature_after_the_plan_changed_elsewhere_answers_409(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member3"]
    member_client = make_client()
    member_client.login("harbor.member3")
    seen = member_client.get(f"/api/v1/members/{member.id}/plan/versions").json()[
        "draft_fingerprint"
    ]
    set_profile(db, member, vision="Changed in another tab.")

    response = member_client.api(
        "POST", f"/api/v1/members/{member.id}/plan/sign", json={"seen": seen}
    )

    assert response.status_code == 409
    assert "changed after this page was opened" in response.json()["detail"]
    assert versions_of(db, member) == []


def test_sign_a_replaced_version_answers_409_and_points_to_the_newest(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member3"]
    member_client, peer_client = make_client(), make_client()
    member_client.login("harbor.member3")
    peer_client.login("harbor.peer1")
    set_profile(db, member, vision="One.")
    _sign_as_member(member_client, member)
    set_profile(db, member, vision="Two.")
    _sign_as_member(member_client, member)
    first, second = versions_of(db, member)

    response = peer_client.api("POST", f"/api/v1/members/{member.id}/plan/versions/{first.id}/sign")

    assert response.status_code == 409
    assert f"Please sign version {second.number} instead" in response.json()["detail"]
    listing = member_client.get(f"/api/v1/members/{member.id}/plan/versions").json()
    assert [v["superseded"] for v in listing["versions"]] == [False, True]


def test_api_sign_and_list_versions_show_signatures_and_review(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member3"]
    member_client, peer_client = make_client(), make_client()
    member_client.login("harbor.member3")
    peer_client.login("harbor.peer1")

    created = member_client.api("POST", f"/api/v1/members/{member.id}/plan/sign", json={})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["number"] == 1 and body["awaiting_roles"] == ["peer_specialist"]
    peer_client.api("POST", f"/api/v1/members/{member.id}/plan/versions/{body['id']}/sign")

    listing = peer_client.get(f"/api/v1/members/{member.id}/plan/versions")
    assert listing.status_code == 200
    data = listing.json()
    assert data["latest_number"] == 1
    assert data["draft_changed"] is False
    assert data["review"]["state"] == "scheduled"
    [version] = data["versions"]
    assert [(s["role"], s["signer_name"]) for s in version["signatures"]] == [
        ("member", "Eli Thompson"),
        ("peer_specialist", "Rosa Delgado"),
    ]


def test_sign_writes_audit_rows(make_client, demo: dict[str, User], db: Session) -> None:
    member = demo["harbor.member3"]
    member_client, peer_client = make_client(), make_client()
    member_client.login("harbor.member3")
    peer_client.login("harbor.peer1")
    _sign_as_member(member_client, member)
    [version] = versions_of(db, member)
    peer_client.submit(f"/members/{member.id}/plan/versions/{version.id}/sign", {})
    peer_client.get(f"/members/{member.id}/plan/versions")

    rows = db.scalars(select(AuditEvent).where(AuditEvent.subject_member_id == member.id)).all()
    signs = [(r.actor_username, r.action, r.detail) for r in rows if r.action == "sign"]
    assert ("harbor.member3", "sign", "version 1 signed as member") in signs
    assert ("harbor.peer1", "sign", "version 1 signed as peer_specialist (complete)") in signs
    assert any(
        r.actor_username == "harbor.peer1"
        and r.action == "read:plan"
        and r.record_type == "plan_versions"
        for r in rows
    )


def test_demo_member1_has_an_overdue_review_and_a_version_waiting_for_peer1(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member1 = demo["harbor.member1"]
    first, second = versions_of(db, member1)
    assert first.completed_at is not None and first.review_due is not None
    assert first.review_due < service.today_utc()
    assert first.created_at < utcnow() - timedelta(days=200)
    assert second.completed_at is None
    assert service.review_state(db, member1).state == "overdue"
    peer = make_client()
    peer.login("harbor.peer1")
    page = peer.get(f"/members/{member1.id}/plan/versions")
    assert "Review is due" in page.text
    assert "Sign version 2 as peer specialist" in page.text
    assert "fail" not in page.text.lower()
    member2_review = service.review_state(db, demo["harbor.member2"])
    assert member2_review.state == "scheduled"
    assert versions_of(db, demo["harbor.member8"]) == []
