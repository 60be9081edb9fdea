"""The supervision home: each supervised peer specialist with their caseload, nothing more."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.models import AuditEvent, User
from tests.conftest import Browser

SECTION = re.compile(r'<section class="card" aria-labelledby="peer-\d+">(.*?)</section>', re.S)
NAME = re.compile(r"<h2[^>]*>([^<]+)</h2>")
MEMBER = re.compile(r'<li><a href="/members/(\d+)">([^<]+)</a></li>')


def _sections(html: str) -> dict[str, list[tuple[int, str]]]:
    found = {}
    for body in SECTION.findall(html):
        name = NAME.search(body)
        assert name is not None
        found[name.group(1)] = [(int(i), n) for i, n in MEMBER.findall(body)]
    return found


def test_each_peer_specialist_is_listed_with_their_own_members_in_name_order(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    client.login("harbor.supervisor")
    page = client.get("/supervision")
    assert page.status_code == 200
    sections = _sections(page.text)
    assert list(sections) == ["Rosa Delgado", "Sam Okafor"]  # peer1 and peer2, by name

    def caseload(numbers: range) -> list[tuple[int, str]]:
        members = [demo[f"harbor.member{n}"] for n in numbers]
        return sorted(((m.id, m.display_name) for m in members), key=lambda m: m[1])

    assert sections["Rosa Delgado"] == caseload(range(1, 5))
    assert sections["Sam Okafor"] == caseload(range(5, 9))
    assert "4 members on their caseload" in page.text
    # Nobody from the other organization appears.
    assert demo["riverbend.member1"].display_name not in page.text

    # The list is one audited caseload read naming how many members it showed.
    rows = db.scalars(
        select(AuditEvent).where(
            AuditEvent.actor_username == "harbor.supervisor", AuditEvent.action == "read:list"
        )
    ).all()
    assert [r.detail for r in rows] == ["8 members"]


def test_a_member_moved_to_another_peer_specialist_moves_on_the_page(
    make_client, demo: dict[str, User]
) -> None:
    admin, supervisor = make_client(), make_client()
    admin.login("harbor.admin")
    member = demo["harbor.member1"]
    moved = admin.api(
        "PATCH",
        f"/api/v1/admin/users/{member.id}",
        json={"peer_specialist_id": demo["harbor.peer2"].id},
    )
    assert moved.status_code == 200, moved.text
    supervisor.login("harbor.supervisor")
    sections = _sections(supervisor.get("/supervision").text)
    assert (member.id, member.display_name) in sections["Sam Okafor"]
    assert (member.id, member.display_name) not in sections["Rosa Delgado"]
