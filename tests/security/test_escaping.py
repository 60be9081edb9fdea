"""HTML and script typed into any member-facing text field come back as text, never as markup:
on the pages, in the print views and in the member's export."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from peerpath.db.models import User
from tests.conftest import Browser

PAYLOAD = "<script>alert('pp-xss')</script><img src=x onerror=\"alert('pp-img')\">&amp;\"'"
RAW_MARKERS = ("<script>alert('pp-xss')", "<img src=x onerror")
ESCAPED = "&lt;script&gt;alert("


def _ok(response: Any, what: str) -> Any:
    assert response.status_code in (200, 201), f"{what}: {response.status_code} {response.text}"
    return response.json() if "json" in response.headers.get("content-type", "") else response


def _save_payloads(member: Browser, peer: Browser, member_id: int) -> dict[str, int]:
    profile = member.get(f"/api/v1/members/{member_id}/profile").json()
    _ok(
        member.api(
            "PUT",
            f"/api/v1/members/{member_id}/profile",
            json={
                "version": profile.get("version", 0),
                "preferred_name": PAYLOAD[:120],
                "recovery_meaning": PAYLOAD,
                "what_matters": PAYLOAD,
                "vision": PAYLOAD,
            },
        ),
        "profile",
    )
    goal = _ok(
        member.api(
            "POST",
            f"/api/v1/members/{member_id}/plan/goals",
            json={"title": PAYLOAD[:120], "why_it_matters": PAYLOAD},
        ),
        "goal",
    )
    _ok(
        member.api(
            "POST",
            f"/api/v1/members/{member_id}/checkins",
            json={"note": PAYLOAD, "what_helped": PAYLOAD},
        ),
        "check-in",
    )
    entry = _ok(
        member.api("POST", f"/api/v1/members/{member_id}/journal", json={"text": PAYLOAD}),
        "journal",
    )
    note = _ok(
        peer.api(
            "POST",
            f"/api/v1/members/{member_id}/notes",
            json={
                "location": PAYLOAD[:200],
                "intervention": PAYLOAD,
                "purpose": PAYLOAD,
                "member_response": PAYLOAD,
                "next_steps": PAYLOAD,
            },
        ),
        "session note",
    )
    return {"goal": goal["id"], "entry": entry["id"], "note": note["id"]}


def _problems(client: Browser, urls: list[str]) -> list[str]:
    problems = []
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            problems.append(f"{url}: {response.status_code}")
            continue
        for marker in RAW_MARKERS:
            if marker in response.text:
                problems.append(f"{url}: unescaped {marker!r}")
        if ESCAPED not in response.text:
            problems.append(f"{url}: the saved text is not shown at all")
    return problems


def test_script_in_every_text_field_is_shown_escaped_everywhere(
    make_client, demo: dict[str, User]
) -> None:
    member_id = demo["harbor.member1"].id
    member, peer = make_client(), make_client()
    member.login("harbor.member1")
    peer.login("harbor.peer1")
    ids = _save_payloads(member, peer, member_id)

    member_pages = [
        f"/members/{member_id}/profile",
        f"/members/{member_id}/plan",
        f"/members/{member_id}/plan/goals/{ids['goal']}",
        f"/members/{member_id}/plan/goals/{ids['goal']}/edit",
        f"/members/{member_id}/plan/print",
        "/check-in/history",
        "/journal",
        f"/journal/{ids['entry']}",
        f"/journal/{ids['entry']}/edit",
        "/me/export/print",
    ]
    peer_pages = [
        f"/members/{member_id}/profile",
        f"/members/{member_id}/plan",
        f"/members/{member_id}/plan/print",
        f"/notes/{ids['note']}",
        f"/notes/{ids['note']}/edit",
    ]
    problems = _problems(member, member_pages) + _problems(peer, peer_pages)
    assert problems == []


def test_the_export_keeps_the_text_exactly_as_typed_and_serves_no_html(
    client: Browser, demo: dict[str, User], make_client
) -> None:
    """The download is data (JSON and plain text in a zip), so the text is kept verbatim there:
    it is never served as a page, and its README and data are not HTML."""
    member_id = demo["harbor.member1"].id
    peer = make_client()
    peer.login("harbor.peer1")
    client.login("harbor.member1")
    _save_payloads(client, peer, member_id)
    response = client.get("/me/export/download")
    assert response.status_code == 200
    assert "text/html" not in response.headers["content-type"]
    assert response.headers["x-content-type-options"] == "nosniff"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        assert not [n for n in names if n.endswith((".html", ".htm", ".svg"))]
        data = json.loads(archive.read("data.json"))
    assert PAYLOAD in set(_strings(data))


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_json_answers_carry_the_text_verbatim_as_json(
    client: Browser, demo: dict[str, User], make_client
) -> None:
    member_id = demo["harbor.member1"].id
    peer = make_client()
    peer.login("harbor.peer1")
    client.login("harbor.member1")
    _save_payloads(client, peer, member_id)
    response = client.get(f"/api/v1/members/{member_id}/profile")
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["vision"] == PAYLOAD
