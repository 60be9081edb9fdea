"""Sharing one entry with the peer specialist, taking it back, and everyone else's view of the
journal: nothing."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from peerpath.db.models import AuditEvent, CaseloadAssignment, User
from tests.conftest import Browser
from tests.integration.checkins.journal.conftest import entries_of, newest_entry

TEXT = "Talked myself out of the old habit at the bus stop today"


def _written_and_shared(member: Browser, db: Session, user: User) -> int:
    member.submit("/journal", {"text": TEXT})
    entry_id = newest_entry(db, user).id
    assert member.submit(f"/journal/{entry_id}/share").status_code == 303
    return entry_id


def test_peer_reads_a_shared_entry_until_the_member_takes_it_back(
    make_client, demo: dict[str, User], db: Session
) -> None:
    user = demo["harbor.member1"]
    member, peer = make_client(), make_client()
    member.login("harbor.member1")
    peer.login("harbor.peer1")
    entry_id = _written_and_shared(member, db, user)

    shared_page = peer.get(f"/members/{user.id}/journal/{entry_id}")
    shared_list = peer.get(f"/members/{user.id}/journal/shared")
    api_entry = peer.get(f"/api/v1/members/{user.id}/journal/{entry_id}")
    assert shared_page.status_code == 200 and TEXT in shared_page.text
    assert shared_list.status_code == 200 and TEXT in shared_list.text
    assert api_entry.status_code == 200 and api_entry.json()["text"] == TEXT
    assert "Rosa Delgado" in member.get(f"/journal/{entry_id}").text

    assert member.submit(f"/journal/{entry_id}/unshare").status_code == 303

    assert peer.get(f"/members/{user.id}/journal/{entry_id}").status_code == 404
    assert peer.get(f"/api/v1/members/{user.id}/journal/{entry_id}").status_code == 404
    assert TEXT not in peer.get(f"/members/{user.id}/journal/shared").text


def test_shared_list_shows_only_shared_entries(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    user = demo["harbor.member1"]
    client.login("harbor.peer1")

    page = client.get(f"/members/{user.id}/journal/shared")
    api = client.get(f"/api/v1/members/{user.id}/journal/shared")

    assert page.status_code == 200
    assert "The job fair went better than I expected" in page.text
    assert "Noticed some of my early signs" in page.text
    assert "Tea helps" not in page.text  # a private entry
    assert len(api.json()) == 2
    assert all(e["shared_with_peer_at"] for e in api.json())


def test_peer_cannot_open_an_entry_the_member_did_not_share(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    user = demo["harbor.member1"]
    private = next(e for e in entries_of(db, user) if e.shared_with_peer_at is None)
    client.login("harbor.peer1")

    assert client.get(f"/members/{user.id}/journal/{private.id}").status_code == 404
    assert client.get(f"/api/v1/members/{user.id}/journal/{private.id}").status_code == 404
    # Nor list, search, write, share or unshare the journal.
    assert client.get(f"/api/v1/members/{user.id}/journal").status_code == 404
    assert client.get(f"/api/v1/members/{user.id}/journal?q=tea").status_code == 404
    assert client.get("/journal").status_code == 403
    assert (
        client.api("POST", f"/api/v1/members/{user.id}/journal", json={"text": "x"}).status_code
        == 404
    )
    assert (
        client.api("POST", f"/api/v1/members/{user.id}/journal/{private.id}/share").status_code
        == 404
    )


def test_admins_supervisors_and_others_never_read_journal_text(
    make_client, demo: dict[str, User], db: Session
) -> None:
    user = demo["harbor.member1"]
    member = make_client()
    member.login("harbor.member1")
    entry_id = _written_and_shared(member, db, user)

    for username in (
        "harbor.admin",
        "harbor.supervisor",
        "harbor.peer2",
        "harbor.supporter1",
        "harbor.member2",
        "riverbend.peer1",
        "riverbend.admin",
    ):
        other = make_client()
        other.login(username)
        for path in (
            f"/members/{user.id}/journal/{entry_id}",
            f"/members/{user.id}/journal/shared",
            f"/api/v1/members/{user.id}/journal",
            f"/api/v1/members/{user.id}/journal?q=bus",
            f"/api/v1/members/{user.id}/journal/shared",
            f"/api/v1/members/{user.id}/journal/{entry_id}",
        ):
            response = other.get(path)
            assert response.status_code == 404, (username, path)
            assert TEXT not in response.text


def test_sharing_and_reading_shared_entries_are_in_the_audit_log(
    make_client, demo: dict[str, User], db: Session
) -> None:
    user = demo["harbor.member1"]
    member, peer, stranger = make_client(), make_client(), make_client()
    member.login("harbor.member1")
    peer.login("harbor.peer1")
    stranger.login("harbor.peer2")
    entry_id = _written_and_shared(member, db, user)
    peer.get(f"/members/{user.id}/journal/shared")
    stranger.get(f"/members/{user.id}/journal/shared")
    member.submit(f"/journal/{entry_id}/unshare")

    db.expire_all()
    events = db.scalars(
        select(AuditEvent).where(AuditEvent.subject_member_id == user.id).order_by(AuditEvent.id)
    ).all()
    facts = {(e.actor_username, e.action, e.record_type, e.allowed) for e in events}
    assert ("harbor.member1", "write:journal", "journal_share", True) in facts
    assert ("harbor.member1", "write:journal", "journal_unshare", True) in facts
    assert ("harbor.peer1", "read:journal_shared", "journal_shared_entries", True) in facts
    assert ("harbor.peer2", "read:journal_shared", "journal_shared_entries", False) in facts
    assert all(TEXT not in e.detail for e in events)


def test_sharing_without_an_assigned_peer_specialist_is_refused(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    user = demo["harbor.member8"]
    db.execute(delete(CaseloadAssignment).where(CaseloadAssignment.member_id == user.id))
    db.commit()
    client.login("harbor.member8")
    client.submit("/journal", {"text": "Nobody to share with yet"})
    entry_id = newest_entry(db, user).id

    response = client.submit(f"/journal/{entry_id}/share")

    assert response.status_code == 422
    assert "no peer specialist assigned" in response.text
    assert newest_entry(db, user).shared_with_peer_at is None


def test_member_opening_their_own_member_addressed_entry_goes_to_their_journal(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    user = demo["harbor.member1"]
    entry_id = entries_of(db, user)[0].id
    client.login("harbor.member1")

    response = client.get(f"/members/{user.id}/journal/{entry_id}", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == f"/journal/{entry_id}"
