"""The journal's JSON API: the same rules as the pages, for the member's own apps."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.models import AuditEvent, User
from tests.conftest import Browser
from tests.integration.checkins.journal.conftest import tables_containing


def test_api_write_read_change_and_delete_an_entry(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    user = demo["harbor.member1"]
    base = f"/api/v1/members/{user.id}/journal"
    client.login("harbor.member1")

    created = client.api(
        "POST", base, json={"text": "Walked to the river", "prompt_key": "small_good"}
    )
    assert created.status_code == 201
    entry = created.json()
    assert entry["prompt"].startswith("What is one small thing")
    assert entry["shared_with_peer_at"] is None
    url = f"{base}/{entry['id']}"
    assert client.get(url).json()["text"] == "Walked to the river"

    changed = client.api(
        "PATCH", url, json={"version": entry["version"], "text": "Walked to the river, slowly"}
    )
    stale = client.api("PATCH", url, json={"version": entry["version"], "text": "Old"})
    assert changed.status_code == 200 and changed.json()["text"] == "Walked to the river, slowly"
    assert changed.json()["chime"] == entry["chime"]
    assert stale.status_code == 409 and stale.json()["current"] == {
        "text": "Walked to the river, slowly"
    }

    assert client.api("DELETE", url).status_code == 422  # which version? say it
    assert client.api("DELETE", f"{url}?version={entry['version']}").status_code == 409
    deleted = client.api("DELETE", f"{url}?version={changed.json()['version']}")
    assert deleted.status_code == 204
    assert client.get(url).status_code == 404


def test_api_search_and_pages_are_the_members_own(client: Browser, demo: dict[str, User]) -> None:
    user = demo["harbor.member1"]
    client.login("harbor.member1")

    everything = client.get(f"/api/v1/members/{user.id}/journal")
    found = client.get(f"/api/v1/members/{user.id}/journal?q=tea HELPS")

    assert everything.status_code == 200 and len(everything.json()) == 15
    texts = [e["text"] for e in found.json()]
    assert len(texts) == 1 and "Tea helps." in texts[0]
    newest, oldest = everything.json()[0], everything.json()[-1]
    assert newest["created_at"] > oldest["created_at"]


def test_api_refuses_bad_input_with_field_errors(client: Browser, demo: dict[str, User]) -> None:
    user = demo["harbor.member1"]
    client.login("harbor.member1")
    url = f"/api/v1/members/{user.id}/journal"

    empty = client.api("POST", url, json={"text": ""})
    long = client.api("POST", url, json={"text": "z" * 20_001})
    tags = client.api("POST", url, json={"text": "ok", "chime": ["wellness"]})
    shape = client.api("POST", url, json={"text": ["not", "text"]})

    assert empty.status_code == 422 and "text" in empty.json()["errors"]
    assert long.status_code == 422 and "20,000" in long.json()["errors"]["text"]
    assert tags.status_code == 422 and "chime" in tags.json()["errors"]
    assert shape.status_code == 422 and shape.json()["detail"]


def test_api_write_for_someone_else_is_not_found_and_audited(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    user = demo["harbor.member1"]
    client.login("harbor.peer1")

    response = client.api(
        "POST", f"/api/v1/members/{user.id}/journal", json={"text": "Written by staff"}
    )

    assert response.status_code == 404
    db.expire_all()
    refusal = db.scalars(
        select(AuditEvent).where(
            AuditEvent.actor_username == "harbor.peer1", AuditEvent.action == "write:journal"
        )
    ).one()
    assert refusal.allowed is False and refusal.subject_member_id == user.id
    assert tables_containing(db, "Written by staff") == []


def test_api_share_and_unshare_change_what_the_peer_sees(
    make_client, demo: dict[str, User]
) -> None:
    user = demo["harbor.member1"]
    member, peer = make_client(), make_client()
    member.login("harbor.member1")
    peer.login("harbor.peer1")
    entry = member.api(
        "POST", f"/api/v1/members/{user.id}/journal", json={"text": "For Rosa"}
    ).json()
    url = f"/api/v1/members/{user.id}/journal/{entry['id']}"

    assert peer.get(url).status_code == 404
    shared = member.api("POST", f"{url}/share")
    assert shared.status_code == 200 and shared.json()["shared_with_peer_at"]
    assert peer.get(url).json()["text"] == "For Rosa"
    unshared = member.api("POST", f"{url}/unshare")
    assert unshared.status_code == 200 and unshared.json()["shared_with_peer_at"] is None
    assert peer.get(url).status_code == 404


def test_api_lists_the_prompts(client: Browser, demo: dict[str, User]) -> None:
    client.login("harbor.peer1")

    prompts = client.get("/api/v1/journal/prompts").json()

    assert len(prompts) >= 20
    assert all(p["chime"] for p in prompts)
