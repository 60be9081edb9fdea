"""Only the member writes their check-ins, tool log and setbacks. Their assigned peer
specialist may read them; everyone else gets "not there" (404), and every look is audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.models import AuditEvent, CheckIn, Setback, ToolUse, User
from tests.conftest import Browser
from tests.integration.checkins.daily.conftest import count


def _ids(db: Session, member: User) -> dict[str, int]:
    def first(model: type[CheckIn] | type[Setback] | type[ToolUse]) -> int:
        found = db.scalar(select(model.id).where(model.member_id == member.id).limit(1))
        assert found is not None
        return int(found)

    return {"checkin": first(CheckIn), "setback": first(Setback), "use": first(ToolUse)}


def _reads(member_id: int, ids: dict[str, int]) -> list[str]:
    base = f"/api/v1/members/{member_id}"
    return [
        f"{base}/checkin-preferences",
        f"{base}/checkins",
        f"{base}/checkins/{ids['checkin']}",
        f"{base}/tools",
        f"{base}/setbacks",
        f"/members/{member_id}/checkins",
        f"/members/{member_id}/setbacks",
    ]


def _writes(member_id: int, ids: dict[str, int]) -> list[tuple[str, str, dict[str, object]]]:
    base = f"/api/v1/members/{member_id}"
    return [
        ("PUT", f"{base}/checkin-preferences", {"dimensions": ["social"]}),
        ("POST", f"{base}/checkins", {"ratings": {"emotional": 5}}),
        ("POST", f"{base}/checkins", {"ratings": {"emotional": 99}}),  # invalid body: still 404
        ("PATCH", f"{base}/checkins/{ids['checkin']}", {"note": "not mine to write"}),
        ("POST", f"{base}/tools", {"tool": "Walk", "helped": "yes"}),
        ("DELETE", f"{base}/tools/{ids['use']}", {}),
        ("POST", f"{base}/setbacks", {"what_happened": "not mine to write"}),
        ("PATCH", f"{base}/setbacks/{ids['setback']}", {"what_happened": "not mine"}),
    ]


def test_peer_reads_member_records_but_cannot_write_them(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member1 = demo["harbor.member1"]
    ids = _ids(db, member1)
    before = {m: count(db, m, member1) for m in (CheckIn, ToolUse, Setback)}
    client.login("harbor.peer1")
    for url in _reads(member1.id, ids):
        assert client.get(url).status_code == 200, url
    for method, url, body in _writes(member1.id, ids):
        response = client.api(method, url, json=body)
        assert response.status_code == 404, (method, url, response.text)
    assert {m: count(db, m, member1) for m in (CheckIn, ToolUse, Setback)} == before
    refused = db.scalars(
        select(AuditEvent).where(
            AuditEvent.actor_user_id == demo["harbor.peer1"].id,
            AuditEvent.action == "write:checkins",
        )
    ).all()
    assert refused and not any(e.allowed for e in refused)
    allowed_reads = db.scalars(
        select(AuditEvent).where(
            AuditEvent.actor_user_id == demo["harbor.peer1"].id,
            AuditEvent.action == "read:checkins",
            AuditEvent.subject_member_id == member1.id,
        )
    ).all()
    assert allowed_reads and all(e.allowed for e in allowed_reads)


@pytest.mark.parametrize(
    "actor",
    ["harbor.peer2", "harbor.supervisor", "harbor.admin", "harbor.supporter1", "riverbend.peer1"],
)
def test_other_people_find_nothing_there(
    actor: str, client: Browser, demo: dict[str, User], db: Session
) -> None:
    member1 = demo["harbor.member1"]
    ids = _ids(db, member1)
    client.login(actor)
    for url in _reads(member1.id, ids):
        response = client.get(url)
        assert response.status_code == 404, (actor, url)
    for method, url, body in _writes(member1.id, ids):
        assert client.api(method, url, json=body).status_code == 404, (actor, method, url)


def test_members_cannot_reach_each_others_records(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member1, member2 = demo["harbor.member1"], demo["harbor.member2"]
    ids = _ids(db, member1)
    client.login("harbor.member2")
    for url in _reads(member1.id, ids):
        assert client.get(url).status_code == 404, url
    # member1's rows through member2's own address are "not there" either.
    own = f"/api/v1/members/{member2.id}"
    assert client.get(f"{own}/checkins/{ids['checkin']}").status_code == 404
    assert client.api("PATCH", f"{own}/checkins/{ids['checkin']}", json={}).status_code == 404
    assert client.api("PATCH", f"{own}/setbacks/{ids['setback']}", json={}).status_code == 404
    assert client.get(f"/setbacks/{ids['setback']}").status_code == 404
    assert client.submit(f"/setbacks/{ids['setback']}", {"what_happened": "x"}).status_code == 404
    missing = client.get(f"{own}/checkins/999999")
    theirs = client.get(f"{own}/checkins/{ids['checkin']}")
    assert missing.json() == theirs.json()


def test_member_pages_are_for_members_only(client: Browser, demo: dict[str, User]) -> None:
    client.login("harbor.peer1")
    for url in ("/check-in", "/check-in/history", "/tools", "/setbacks", "/setbacks/new"):
        assert client.get(url).status_code == 403, url
