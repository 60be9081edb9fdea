"""Every read and write of member data lands in the audit log, and members can see who looked."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.models import AuditEvent, User
from tests.conftest import Browser


def _events(db: Session, **filters: object) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    for key, value in filters.items():
        query = query.where(getattr(AuditEvent, key) == value)
    return list(db.scalars(query).all())


def test_opening_a_member_record_writes_an_audit_row(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    client.login("harbor.peer1")
    assert client.get(f"/members/{member.id}", headers={"user-agent": "pytest-agent"}).is_success
    rows = _events(db, subject_member_id=member.id, action="read:profile")
    assert len(rows) == 1
    row = rows[0]
    assert row.actor_username == "harbor.peer1"
    assert row.actor_role == "peer_specialist"
    assert row.record_type == "member"
    assert row.record_id == str(member.id)
    assert row.allowed is True
    assert row.organization_id == member.organization_id
    assert row.ip == "testclient"
    assert row.user_agent == "pytest-agent"


def test_refused_read_is_audited_even_though_the_request_fails(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    client.login("harbor.peer2")  # not member1's peer specialist
    assert client.get(f"/members/{member.id}").status_code == 404
    rows = _events(db, actor_username="harbor.peer2", allowed=False)
    assert [(r.action, r.subject_member_id) for r in rows] == [("read:profile", member.id)]


def test_probe_of_another_organization_is_audited_without_naming_their_member(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    client.login("riverbend.peer1")
    assert client.get(f"/members/{member.id}").status_code == 404
    row = _events(db, actor_username="riverbend.peer1", allowed=False)[0]
    assert row.organization_id == demo["riverbend.peer1"].organization_id
    assert row.subject_member_id is None
    assert row.record_id == str(member.id)


def test_member_sees_who_looked_at_their_record(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    peer, supervisor, me = make_client(), make_client(), make_client()
    peer.login("harbor.peer1")
    peer.get(f"/members/{member.id}")
    supervisor.login("harbor.supervisor")
    supervisor.get(f"/members/{member.id}")
    me.login("harbor.member1")
    page = me.get("/me/record-views")
    assert page.status_code == 200
    assert "Rosa Delgado (Peer specialist)" in page.text
    assert "Marcus Bell (Supervisor)" in page.text
    assert "opened your profile" in page.text
    api = me.get("/api/v1/me/record-views").json()
    assert {v["who"] for v in api} >= {"Rosa Delgado (Peer specialist)", "Marcus Bell (Supervisor)"}
    # Another member sees none of it.
    other = make_client()
    other.login("harbor.member2")
    assert "Rosa Delgado" not in other.get("/me/record-views").text


def test_member_record_views_hide_own_visits_unless_asked(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("harbor.member1")
    client.get("/my-recovery")
    assert not any(v["who"] == "You" for v in client.get("/api/v1/me/record-views").json())
    with_own = client.get("/api/v1/me/record-views?include_own=true").json()
    assert any(v["who"] == "You" for v in with_own)


def test_admin_searches_the_log_of_their_own_organization_only(
    make_client, demo: dict[str, User]
) -> None:
    peer = make_client()
    peer.login("harbor.peer2")
    peer.get(f"/members/{demo['harbor.member1'].id}")  # refused and logged
    river_peer = make_client()
    river_peer.login("riverbend.peer1")
    river_peer.get(f"/members/{demo['riverbend.member1'].id}")
    admin = make_client()
    admin.login("harbor.admin")
    refused = admin.get("/api/v1/admin/audit", params={"allowed": "false"}).json()
    assert [e["actor_username"] for e in refused if e["action"] == "read:profile"] == [
        "harbor.peer2"
    ]
    everything = admin.get("/api/v1/admin/audit").json()
    assert all(not e["actor_username"].startswith("riverbend") for e in everything)
    by_actor = admin.get("/admin/audit", params={"actor": "peer2", "allowed": "no"})
    assert by_actor.status_code == 200
    assert "harbor.peer2" in by_actor.text
    bad_date = admin.get("/admin/audit", params={"date_from": "31/12/2026"})
    assert bad_date.status_code == 422
    assert "Use a date like" in bad_date.text


def test_searching_the_audit_log_is_itself_audited(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    client.login("harbor.admin")
    client.get("/admin/audit")
    assert _events(db, actor_username="harbor.admin", record_type="audit_log")


def test_admin_changes_to_an_account_are_audited(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member3"]
    client.login("harbor.admin")
    client.api("PATCH", f"/api/v1/admin/users/{member.id}", json={"display_name": "Eli T."})
    rows = _events(db, actor_username="harbor.admin", action="update")
    assert rows and rows[-1].subject_member_id == member.id
    assert "display_name" in rows[-1].detail


def test_caseload_lists_overdue_plan_reviews_first(client: Browser, demo: dict[str, User]) -> None:
    client.login("harbor.peer1")
    page = client.get("/caseload").text
    # Demo: member1's plan review is overdue, member2's is scheduled, 3 and 4 have none.
    assert page.index("Jordan Reyes") < page.index("Priya Nair") < page.index("Eli Thompson")
    assert "Review is due" in page


def test_plan_overview_shows_review_state_to_member_and_peer(
    make_client, demo: dict[str, User]
) -> None:
    member = demo["harbor.member1"]
    for username in ("harbor.member1", "harbor.peer1"):
        c = make_client()
        c.login(username)
        page = c.get(f"/members/{member.id}/plan").text
        assert "Review is due" in page, username
