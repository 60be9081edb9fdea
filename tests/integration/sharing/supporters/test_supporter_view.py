"""What a supporter sees: only the sections a linked member shares with them today, as links
to the normal section pages; 404 for everything else of that member and of everyone else; and
their reads land in the member's "who has looked at my record"."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.core.access import SHAREABLE, Section, org_today
from peerpath.db.models import SharingGrant, User
from tests.conftest import Browser
from tests.integration.sharing.supporters.helpers import share

# Routes that read one member's data, with {id} for the member. The crisis plan ones open for a
# supporter with a crisis plan grant; every other one stays closed (404).
CRISIS_ROUTES = [
    "/members/{id}/wellness",
    "/members/{id}/crisis/print",
    "/members/{id}/wellness/print",
    "/api/v1/members/{id}/wellness",
    "/api/v1/members/{id}/wellness/crisis",
]
PROFILE_ROUTES = [
    "/members/{id}",
    "/members/{id}/profile",
    "/api/v1/members/{id}",
    "/api/v1/members/{id}/profile",
]
CLOSED_ROUTES = [
    "/members/{id}/plan",
    "/members/{id}/strengths",
    "/members/{id}/supporters",
    "/members/{id}/plan/versions",
    "/members/{id}/plan/print",
    "/members/{id}/plan/export.json",
    "/members/{id}/wellness/toolbox",
    "/members/{id}/checkins",
    "/members/{id}/setbacks",
    "/members/{id}/progress",
    "/members/{id}/measures",
    "/members/{id}/notes",
    "/members/{id}/journal/shared",
    "/api/v1/members/{id}/plan",
    "/api/v1/members/{id}/proposals",
    "/api/v1/members/{id}/plan/decisions",
    "/api/v1/members/{id}/plan/versions",
    "/api/v1/members/{id}/wellness/toolbox",
    "/api/v1/members/{id}/checkins",
    "/api/v1/members/{id}/checkin-preferences",
    "/api/v1/members/{id}/tools",
    "/api/v1/members/{id}/setbacks",
    "/api/v1/members/{id}/progress",
    "/api/v1/members/{id}/journal",
    "/api/v1/members/{id}/journal/shared",
]
HREF = re.compile(r'href="([^"#]+)')


def test_supporting_lists_only_what_is_shared_today(client: Browser, demo: dict[str, User]) -> None:
    member = demo["harbor.member1"]
    client.login("harbor.supporter1")

    page = client.get("/supporting")

    assert page.status_code == 200
    text = page.text
    assert "Jordan Reyes" in text and "(you are their sister)" in text
    assert f'href="/members/{member.id}/wellness#section-crisis">Crisis plan</a>' in text
    links = [h for h in HREF.findall(text) if h.startswith("/members/")]
    assert links == [f"/members/{member.id}", f"/members/{member.id}/wellness"]
    for other in ("Recovery plan", "Check-ins", "Questionnaires", "Session notes", "Journal"):
        assert f">{other}<" not in text
    # A supporter's navigation holds their page and their account, nothing else.
    nav = text.split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0]
    assert HREF.findall(nav) == ["/supporting", "/account"]


def test_supporter_reads_exactly_the_granted_sections(
    client: Browser, demo: dict[str, User]
) -> None:
    member, other = demo["harbor.member1"], demo["harbor.member2"]
    client.login("harbor.supporter1")
    problems = []
    for template in CRISIS_ROUTES + PROFILE_ROUTES:
        path = template.format(id=member.id)
        if (status := client.get(path).status_code) != 200:
            problems.append(f"{path}: {status}, expected 200")
    for template in CLOSED_ROUTES:
        path = template.format(id=member.id)
        if (status := client.get(path).status_code) != 404:
            problems.append(f"{path}: {status}, expected 404")
    # Another member of the same organization, who never linked this supporter.
    for template in CRISIS_ROUTES + PROFILE_ROUTES + CLOSED_ROUTES:
        path = template.format(id=other.id)
        if (status := client.get(path).status_code) != 404:
            problems.append(f"{path}: {status}, expected 404")
    # riverbend's member1 shares with riverbend's supporter1, never with harbor's.
    theirs = demo["riverbend.member1"]
    for template in CRISIS_ROUTES + PROFILE_ROUTES:
        path = template.format(id=theirs.id)
        if (status := client.get(path).status_code) != 404:
            problems.append(f"{path}: {status}, expected 404")
    assert problems == []


def test_expired_grant_is_not_listed_and_does_not_open(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    grant = db.scalar(
        select(SharingGrant).where(
            SharingGrant.member_id == member.id,
            SharingGrant.recipient_user_id == demo["harbor.supporter1"].id,
        )
    )
    assert grant is not None
    grant.expires_on = org_today(member.organization) - timedelta(days=1)
    db.commit()
    client.login("harbor.supporter1")

    assert "not sharing anything with you right now" in client.get("/supporting").text
    assert client.get(f"/members/{member.id}/wellness").status_code == 404


def test_every_shared_page_opens_and_links_to_nothing_closed(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    """With every section shared, each link on /supporting opens, and every link to this
    member's record on those pages opens too (no edit buttons or tabs that answer 404)."""
    member = demo["harbor.member1"]
    share(db, member, demo["harbor.supporter1"], [s for s in SHAREABLE if s != "crisis_plan"])
    client.login("harbor.supporter1")
    home = client.get("/supporting").text
    prefix = f"/members/{member.id}"
    pages = sorted({href for href in HREF.findall(home) if href.startswith(prefix)})
    # about them, plan, wellness and crisis, 3 check-ins, questionnaires, notes
    assert len(pages) == 8
    problems = []
    seen: set[str] = set()
    for page in pages:
        response = client.get(page)
        if response.status_code != 200:
            problems.append(f"{page}: {response.status_code}")
            continue
        for href in HREF.findall(response.text):
            if href.startswith(prefix) and href not in seen:
                seen.add(href)
                status = client.get(href, follow_redirects=False).status_code
                if status not in (200, 303):
                    problems.append(f"{page} links to {href}: {status}")
    assert problems == []


def test_supporter_reads_appear_in_who_has_looked(
    client: Browser, make_client: object, demo: dict[str, User]
) -> None:
    member = demo["harbor.member1"]
    lena = make_client()  # type: ignore[operator]
    lena.login("harbor.supporter1")
    assert lena.get(f"/members/{member.id}/wellness").status_code == 200
    assert lena.get(f"/members/{member.id}/plan").status_code == 404
    client.login("harbor.member1")

    page = client.get("/me/record-views").text
    rows = re.findall(r"<tr><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td></tr>", page)

    assert ("Lena Reyes (Supporter)", "opened your crisis plan") in rows
    assert ("Lena Reyes (Supporter)", "tried to open your record and was refused") in rows
    api = client.get("/api/v1/me/record-views").json()
    assert any(v["who"] == "Lena Reyes (Supporter)" and v["allowed"] for v in api)


def test_sharing_a_section_shows_it_at_once(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    client.login("harbor.supporter1")
    assert client.get(f"/members/{member.id}/checkins").status_code == 404

    share(db, member, demo["harbor.supporter1"], [Section.CHECKINS])

    assert f'href="/members/{member.id}/checkins"' in client.get("/supporting").text
    assert client.get(f"/members/{member.id}/checkins").status_code == 200


def test_member_overview_links_only_what_opens(client: Browser, demo: dict[str, User]) -> None:
    """The page about the member (linked from /supporting) offers only the crisis plan."""
    member = demo["harbor.member1"]
    client.login("harbor.supporter1")

    page = client.get(f"/members/{member.id}").text

    links = [h for h in HREF.findall(page) if h.startswith(f"/members/{member.id}/")]
    assert links == [f"/members/{member.id}/wellness"]
    assert "Crisis plan</a>" in page and "Recovery plan: not shared with you" in page
