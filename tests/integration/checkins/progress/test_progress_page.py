"""Who may open a member's progress, what the page says, and how its charts can be read."""

from __future__ import annotations

import re
from typing import Any

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node
from sqlalchemy.orm import Session

from peerpath.db.models import GoalStatus, User
from tests.conftest import Browser
from tests.integration.checkins.progress.conftest import (
    MakeMember,
    add_checkin,
    add_goal,
    add_setback,
    add_tool_use,
    days_ago,
)

# Nothing on the page may compare a person with others, rank them, or speak of failure.
FORBIDDEN = re.compile(
    r"percentile|\brank|leaderboard|average of others|other members|compared to others"
    r"|\bfail|relapse|streak|\bpatient|\bclient\b|non-?complian",
    re.IGNORECASE,
)


def _rich_member(db: Session, make_member: MakeMember) -> User:
    member = make_member("rich", "Marisol Vega", dimensions=("emotional", "social", "spiritual"))
    for n in range(0, 200):
        if n % 5 == 3 or 40 <= n <= 52:
            continue
        add_checkin(
            db,
            member,
            days_ago(n),
            {"emotional": 3 + n % 6, "social": 4 + n % 5},
            hope=5 + n % 4,
            connection=4 + n % 3,
        )
    add_setback(db, member, days_ago(53), days_ago(39))
    add_setback(db, member, days_ago(10), days_ago(8))
    add_tool_use(db, member, "Breathing count of four", "yes", days_ago(2))
    add_tool_use(db, member, "Breathing count of four", "somewhat", days_ago(9))
    add_goal(db, member, "Sleep before midnight most nights", GoalStatus.ACHIEVED, days_ago(20))
    db.commit()
    return member


def _text_of(html: str) -> str:
    tree = HTMLParser(html)
    body = tree.body
    assert body is not None
    return body.text(separator=" ")


@pytest.mark.parametrize("viewer", ["self", "harbor.peer1"])
def test_progress_page_uses_no_comparison_or_failure_words(
    make_client: Any, db: Session, make_member: MakeMember, viewer: str
) -> None:
    member = _rich_member(db, make_member)
    client = make_client()
    client.login(member.username if viewer == "self" else viewer)
    url = "/progress" if viewer == "self" else f"/members/{member.id}/progress"
    page = client.get(url)
    assert page.status_code == 200
    assert FORBIDDEN.findall(page.text) == []
    assert "Setback" in page.text and "Coming back" in page.text
    if viewer != "self":
        assert "Marisol Vega&#39;s progress" in page.text
        assert "Check in today" not in page.text


def test_each_chart_is_an_image_with_a_title_a_description_and_a_table_after_it(
    client: Browser, db: Session, make_member: MakeMember
) -> None:
    member = _rich_member(db, make_member)
    client.login(member.username)
    tree = HTMLParser(client.get("/progress").text)
    charts = tree.css("svg")
    # the wheel, a line for each of emotional, social, spiritual, hope and connection, timeline
    assert len(charts) == 7
    for chart in charts:
        attrs = chart.attributes
        assert attrs.get("role") == "img"
        assert attrs.get("viewbox") or attrs.get("viewBox")
        assert attrs.get("width") == "100%"
        assert "style" not in attrs
        title = chart.css_first(f"title#{attrs['aria-labelledby']}")
        desc = chart.css_first(f"desc#{attrs['aria-describedby']}")
        assert title is not None and title.text().strip()
        assert desc is not None and len(desc.text()) > 40
        following: Node | None = chart.next
        while following is not None and following.tag == "-text":
            following = following.next
        assert following is not None and following.tag == "details", chart.attributes["id"]
        summary = following.css_first("summary")
        assert summary is not None and "Show the numbers" in summary.text()
        table = following.css_first("table")
        assert table is not None
        caption = table.css_first("caption")
        assert caption is not None and caption.text().strip()
    assert tree.css_first("script:not([src])") is None
    assert not tree.css("[style]")


def test_wheel_marks_dimensions_without_ratings_instead_of_zero(
    client: Browser, db: Session, make_member: MakeMember
) -> None:
    member = _rich_member(db, make_member)
    client.login(member.username)
    page = client.get("/progress").text
    wheel = page.split('id="progress-wheel"')[1].split("</svg>")[0]
    assert "Spiritual" in wheel and "no ratings yet" in wheel
    assert "Spiritual: no ratings yet." in wheel  # in the description as well


def test_progress_page_for_a_member_with_no_data_is_a_friendly_start(
    client: Browser, make_member: MakeMember
) -> None:
    member = make_member("newcomer", "Quinn Abara", dimensions=None)
    client.login(member.username)
    page = client.get("/progress")
    assert page.status_code == 200
    assert "Your progress will grow here" in page.text
    assert 'href="/check-in"' in page.text
    assert "<strong>0</strong> days with a check-in in the last 30" in page.text
    assert "No goals marked achieved yet" in page.text
    assert FORBIDDEN.findall(page.text) == []
    tree = HTMLParser(page.text)
    assert tree.css("svg") == []  # nothing to draw yet, and no empty charts either
    assert "No check-ins and no setbacks in the last 26 weeks yet." in page.text

    data = client.get(f"/api/v1/members/{member.id}/progress").json()
    assert data["wheel"] == {
        "windows": [
            {"key": "now", "label": "Now", "start": None, "end": None, "checkins": 0},
            {
                "key": "days_30",
                "label": "30 days ago",
                "start": "2026-02-23",
                "end": "2026-03-01",
                "checkins": 0,
            },
            {
                "key": "days_90",
                "label": "90 days ago",
                "start": "2025-12-25",
                "end": "2025-12-31",
                "checkins": 0,
            },
        ],
        "dimensions": [],
    }
    assert data["series"] == [] and data["tools"] == []
    assert data["goals_achieved"] == {"count": 0, "goals": []}
    assert data["timeline"]["events"] == []


def test_peer_specialists_view_of_a_member_without_checkins_speaks_of_the_member(
    client: Browser, make_member: MakeMember
) -> None:
    member = make_member("quiet", "Tove Halvorsen")
    client.login("harbor.peer1")
    page = client.get(f"/members/{member.id}/progress")
    assert page.status_code == 200
    assert "Tove Halvorsen has not checked in yet" in page.text
    assert "Check in today" not in page.text


def test_api_progress_shape(client: Browser, db: Session, make_member: MakeMember) -> None:
    member = _rich_member(db, make_member)
    client.login(member.username)
    data = client.get(f"/api/v1/members/{member.id}/progress").json()
    assert set(data) == {
        "member_id",
        "today",
        "days_with_checkin_last_30",
        "wheel",
        "series",
        "goals_achieved",
        "tools",
        "timeline",
    }
    assert data["member_id"] == member.id and data["today"] == "2026-03-31"
    assert [w["key"] for w in data["wheel"]["windows"]] == ["now", "days_30", "days_90"]
    assert set(data["wheel"]["dimensions"][0]) == {"key", "label", "now", "days_30", "days_90"}
    assert [s["key"] for s in data["series"]] == [
        "emotional",
        "social",
        "spiritual",
        "hope",
        "connection",
    ]
    assert set(data["series"][0]["weeks"][0]) == {"start", "end", "average", "ratings"}
    assert set(data["tools"][0]) == {"tool", "uses", "yes", "somewhat", "no", "helped_score"}
    assert set(data["goals_achieved"]) == {"count", "goals"}
    assert {e["kind"] for e in data["timeline"]["events"]} == {
        "checkin",
        "setback",
        "coming_back",
    }


# ---- who may look -------------------------------------------------------------------------


def test_member_and_assigned_peer_specialist_may_read_progress(
    make_client: Any, demo: dict[str, User]
) -> None:
    member1 = demo["harbor.member1"]
    for username in ("harbor.member1", "harbor.peer1"):
        client = make_client()
        client.login(username)
        assert client.get(f"/members/{member1.id}/progress").status_code == 200
        assert client.get(f"/api/v1/members/{member1.id}/progress").status_code == 200
    own = make_client()
    own.login("harbor.member1")
    assert own.get("/progress").status_code == 200


@pytest.mark.parametrize(
    "username",
    [
        "harbor.peer2",
        "harbor.supervisor",
        "harbor.admin",
        "harbor.supporter1",
        "harbor.member2",
        "riverbend.peer1",
        "riverbend.admin",
    ],
)
def test_everyone_else_gets_not_found_for_a_members_progress(
    make_client: Any, demo: dict[str, User], username: str
) -> None:
    member1 = demo["harbor.member1"]
    client = make_client()
    client.login(username)
    page = client.get(f"/members/{member1.id}/progress")
    missing = client.get("/members/999999/progress")
    assert page.status_code == missing.status_code == 404
    api = client.get(f"/api/v1/members/{member1.id}/progress")
    assert api.status_code == 404
    assert api.json() == client.get("/api/v1/members/999999/progress").json()


def test_progress_shortcut_is_only_for_members(make_client: Any, demo: dict[str, User]) -> None:
    anonymous = make_client()
    assert anonymous.get("/progress", follow_redirects=False).status_code in (303, 401)
    for username in ("harbor.peer1", "harbor.admin", "harbor.supporter1"):
        client = make_client()
        client.login(username)
        assert client.get("/progress").status_code == 403
