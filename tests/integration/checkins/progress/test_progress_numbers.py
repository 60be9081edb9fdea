"""The numbers on the progress page and in its API, from check-ins with known dates."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from peerpath.checkins.progress import service
from peerpath.db.models import AuditEvent, GoalStatus, User
from tests.conftest import Browser
from tests.integration.checkins.progress.conftest import (
    TODAY,
    MakeMember,
    add_checkin,
    add_goal,
    add_setback,
    add_tool_use,
    api_progress,
    days_ago,
)


def _wheel(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["key"]: d for d in data["wheel"]["dimensions"]}


def _known_wheel_member(db: Session, make_member: MakeMember) -> User:
    member = make_member(
        "wheel", "Wren Castillo", dimensions=("emotional", "social", "physical", "spiritual")
    )
    # Now: the latest 7 check-ins (31 March back to 25 March).
    for n, emotional in enumerate([7, 8, 7, 6, 8, 7, 6]):
        ratings = {"emotional": emotional, "social": 4}
        if n in (0, 2, 4):
            ratings["physical"] = {0: 5, 2: 6, 4: 7}[n]
        add_checkin(db, member, days_ago(n), ratings, hope=6, connection=5)
    add_checkin(db, member, days_ago(29), {"emotional": 0, "social": 0})  # in no window
    # 30 days ago: the 7 days ending 1 March (23 February to 1 March).
    add_checkin(db, member, days_ago(30), {"emotional": 5, "social": 3})
    add_checkin(db, member, days_ago(33), {"emotional": 4, "social": 3})
    add_checkin(db, member, days_ago(36), {"emotional": 3, "social": 2})
    add_checkin(db, member, days_ago(37), {"emotional": 10, "social": 10})  # just outside
    # 90 days ago: the 7 days ending 31 December.
    add_checkin(db, member, days_ago(92), {"emotional": 2, "social": 5})
    db.commit()
    return member


def test_wheel_averages_now_30_and_90_days_ago_from_own_checkins(
    client: Browser, db: Session, make_member: MakeMember
) -> None:
    member = _known_wheel_member(db, make_member)
    client.login(member.username)
    data = api_progress(client, member)

    windows = {w["key"]: w for w in data["wheel"]["windows"]}
    assert windows["now"]["start"] == days_ago(6).isoformat()
    assert windows["now"]["end"] == TODAY.isoformat()
    assert (windows["days_30"]["start"], windows["days_30"]["end"]) == ("2026-02-23", "2026-03-01")
    assert (windows["days_90"]["start"], windows["days_90"]["end"]) == ("2025-12-25", "2025-12-31")
    wheel = _wheel(data)
    assert list(wheel) == ["emotional", "social", "physical", "spiritual"]
    assert (wheel["emotional"]["now"], wheel["emotional"]["days_30"]) == (7.0, 4.0)
    assert wheel["emotional"]["days_90"] == 2.0
    assert (wheel["social"]["now"], wheel["social"]["days_30"], wheel["social"]["days_90"]) == (
        4.0,
        2.7,
        5.0,
    )
    # Averages only over the days that rated it; no ratings is null, never a zero.
    assert wheel["physical"] == {
        "key": "physical",
        "label": "Physical",
        "now": 6.0,
        "days_30": None,
        "days_90": None,
    }
    assert (wheel["spiritual"]["now"], wheel["spiritual"]["days_30"]) == (None, None)

    page = client.get("/progress")
    assert page.status_code == 200
    assert "No ratings yet" in page.text  # spiritual, in the table
    assert "no ratings yet" in page.text  # and on the wheel itself
    assert "<td>7</td>" in page.text and "<td>2.7</td>" in page.text


def test_now_uses_the_latest_seven_checkins_even_when_they_are_long_ago(
    client: Browser, db: Session, make_member: MakeMember
) -> None:
    member = make_member("sparse", "Sol Ibarra", dimensions=("emotional",))
    for k in range(10):  # ten check-ins, about ten months back
        add_checkin(db, member, days_ago(300 - k), {"emotional": k})
    db.commit()
    client.login(member.username)
    data = api_progress(client, member)
    now = next(w for w in data["wheel"]["windows"] if w["key"] == "now")
    assert (now["start"], now["end"], now["checkins"]) == (
        days_ago(297).isoformat(),
        days_ago(291).isoformat(),
        7,
    )
    assert _wheel(data)["emotional"]["now"] == 6.0  # (3 + 4 + ... + 9) / 7
    assert data["days_with_checkin_last_30"] == 0
    assert all(w["average"] is None for w in data["series"][0]["weeks"])


def test_trend_weeks_without_ratings_are_gaps_not_zeros(
    client: Browser, db: Session, make_member: MakeMember
) -> None:
    member = make_member("gaps", "Gale Moreno", dimensions=("social",), track_connection=False)
    add_checkin(db, member, days_ago(0), {"social": 6}, hope=7)
    add_checkin(db, member, days_ago(2), {"social": 8})
    add_checkin(db, member, days_ago(21), {"social": 0}, hope=3)  # a real zero
    add_checkin(db, member, days_ago(50), {"social": 5})
    db.commit()
    client.login(member.username)
    data = api_progress(client, member)

    series = {s["key"]: s for s in data["series"]}
    assert list(series) == ["social", "hope"]  # connection is not tracked
    assert series["hope"]["kind"] == "hope" and series["social"]["kind"] == "dimension"
    weeks = series["social"]["weeks"]
    assert len(weeks) == service.TREND_WEEKS
    assert weeks[-1] == {"start": "2026-03-25", "end": "2026-03-31", "average": 7.0, "ratings": 2}
    assert weeks[-4]["average"] == 0.0 and weeks[-4]["ratings"] == 1
    assert weeks[-2]["average"] is None and weeks[-3]["average"] is None
    assert [w["average"] for w in weeks].count(None) == service.TREND_WEEKS - 3

    page = client.get("/progress")
    assert "A break in a line is a week without ratings, not a zero." in page.text
    assert "<td>No ratings</td>" in page.text
    # Two separate stretches of line for social: weeks -4 and -1 are not joined across the gap.
    social_svg = page.text.split('id="progress-trend-social"')[1].split("</svg>")[0]
    assert social_svg.count("<path ") == 0  # every rated week stands alone between gaps
    assert social_svg.count("<circle ") == 3


def test_tools_goals_and_timeline_come_from_the_members_own_record(
    client: Browser, db: Session, make_member: MakeMember
) -> None:
    member = make_member("record", "Rowan Achebe")
    for n in range(0, 60):
        if not 20 <= n <= 29:  # ten days without a check-in, then coming back on day 19
            add_checkin(db, member, days_ago(n), {"emotional": 6})
    for helped in ("yes", "yes", "somewhat", "no"):
        add_tool_use(db, member, "Morning walk by the water", helped, days_ago(3))
    add_tool_use(db, member, "Calling my sister", "yes", days_ago(4))
    add_tool_use(db, member, "Scrolling late at night", "no", days_ago(5))
    add_setback(db, member, days_ago(30), days_ago(19))
    add_setback(db, member, days_ago(2), None)
    add_setback(db, member, days_ago(400), days_ago(390))  # long before the timeline
    add_goal(db, member, "Walk to the library twice a week", GoalStatus.ACHIEVED, days_ago(12))
    add_goal(db, member, "Cook dinner with my son", GoalStatus.ACHIEVED, days_ago(70))
    add_goal(db, member, "Find a part-time job", GoalStatus.ACTIVE, None)
    add_goal(db, member, "Run a half marathon", GoalStatus.LET_GO, days_ago(5))
    db.commit()
    client.login(member.username)
    data = api_progress(client, member)

    # Most help first (yes = 1, somewhat = 0.5: 2.5 against 1), with the member's own counts;
    # a tool that never helped is not listed among the ones that helped.
    assert data["tools"] == [
        {
            "tool": "Morning walk by the water",
            "uses": 4,
            "yes": 2,
            "somewhat": 1,
            "no": 1,
            "helped_score": 0.62,
        },
        {
            "tool": "Calling my sister",
            "uses": 1,
            "yes": 1,
            "somewhat": 0,
            "no": 0,
            "helped_score": 1.0,
        },
    ]
    assert data["goals_achieved"]["count"] == 2
    assert [(g["title"], g["achieved_on"]) for g in data["goals_achieved"]["goals"]] == [
        ("Walk to the library twice a week", days_ago(12).isoformat()),
        ("Cook dinner with my son", days_ago(70).isoformat()),
    ]
    events = data["timeline"]["events"]
    assert data["timeline"]["start"] == days_ago(service.WINDOW_DAYS - 1).isoformat()
    setbacks = [e for e in events if e["kind"] == "setback"]
    assert [(e["day"], e["came_back_on"]) for e in setbacks] == [
        (days_ago(30).isoformat(), days_ago(19).isoformat()),
        (days_ago(2).isoformat(), None),
    ]
    comebacks = [e for e in events if e["kind"] == "coming_back"]
    assert comebacks == [
        {
            "kind": "coming_back",
            "day": days_ago(19).isoformat(),
            "setback_id": None,
            "came_back_on": None,
            "days_without_checkin": 10,
        }
    ]
    assert sum(e["kind"] == "checkin" for e in events) == 50
    assert data["days_with_checkin_last_30"] == 20

    page = client.get("/progress").text
    assert "20</strong> days with a check-in in the last 30" in page
    assert "Calling my sister" in page and "Scrolling late at night" not in page
    assert "Find a part-time job" not in page and "Run a half marathon" not in page
    assert "Came back on 12 March 2026" in page
    assert "Check-in after 10 days without one" in page
    assert "Day of coming back not recorded yet" in page


def test_a_break_of_six_days_is_not_marked_as_coming_back(
    client: Browser, db: Session, make_member: MakeMember
) -> None:
    member = make_member("breaks", "Ash Lindqvist")
    for n in (0, 7, 15):  # 6 days without a check-in, then 7 days without one
        add_checkin(db, member, days_ago(n), {"emotional": 5})
    db.commit()
    client.login(member.username)
    events = api_progress(client, member)["timeline"]["events"]
    comebacks = [(e["day"], e["days_without_checkin"]) for e in events if e["kind"] != "checkin"]
    assert comebacks == [(days_ago(7).isoformat(), 7)]


def test_progress_shows_no_data_of_another_member(
    make_client: Any, db: Session, make_member: MakeMember
) -> None:
    mine = make_member("own1", "Noa Brightwater")
    theirs = make_member("own2", "Idris Falk")
    for n in range(14):
        add_checkin(db, mine, days_ago(n), {"emotional": 3, "social": 3}, hope=3, connection=3)
        add_checkin(db, theirs, days_ago(n), {"emotional": 9, "social": 9}, hope=9, connection=9)
    add_tool_use(db, mine, "Journaling after lunch", "yes", days_ago(1))
    add_tool_use(db, theirs, "Swimming at the community pool", "yes", days_ago(1))
    add_goal(db, mine, "Plant tomatoes on the balcony", GoalStatus.ACHIEVED, days_ago(3))
    add_goal(db, theirs, "Finish the welding course", GoalStatus.ACHIEVED, days_ago(3))
    add_setback(db, theirs, days_ago(40), days_ago(35))
    db.commit()

    for viewer in (mine.username, "harbor.peer1"):
        client = make_client()
        client.login(viewer)
        data = api_progress(client, mine)
        assert {d["now"] for d in data["wheel"]["dimensions"] if d["now"] is not None} == {3.0}
        averages = {w["average"] for s in data["series"] for w in s["weeks"]}
        assert averages <= {3.0, None}
        assert [t["tool"] for t in data["tools"]] == ["Journaling after lunch"]
        assert [g["title"] for g in data["goals_achieved"]["goals"]] == [
            "Plant tomatoes on the balcony"
        ]
        assert not any(e["kind"] == "setback" for e in data["timeline"]["events"])
        page = client.get(f"/members/{mine.id}/progress").text
        for other in ("Swimming", "welding", "Idris", ">9<"):
            assert other not in page


def test_progress_takes_a_few_queries_however_long_the_history(
    db: Session, make_member: MakeMember
) -> None:
    short = make_member("short", "Pat Short")
    long = make_member("long", "Lou Long")
    for n in range(10):
        add_checkin(db, short, days_ago(n), {"emotional": 5})
        add_tool_use(db, short, f"Tool {n}", "yes", days_ago(n))
    for n in range(3 * 365):
        add_checkin(db, long, days_ago(n), {"emotional": n % 11}, hope=n % 7)
        add_tool_use(db, long, f"Tool {n % 12}", ("yes", "somewhat", "no")[n % 3], days_ago(n))
        if n % 90 == 0:
            add_setback(db, long, days_ago(n), days_ago(max(n - 3, 0)))
    db.commit()

    def statements(member: User) -> int:
        seen: list[str] = []
        engine = db.get_bind()

        def count(*args: Any) -> None:
            if str(args[2]).lstrip().upper().startswith("SELECT"):
                seen.append(str(args[2]))

        event.listen(engine, "before_cursor_execute", count)
        try:
            service.build_progress(db, member, TODAY)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    assert statements(short) == statements(long) <= 6


def test_reading_progress_is_audited_against_the_member(
    client: Browser, db: Session, demo: dict[str, User]
) -> None:
    member1 = demo["harbor.member1"]
    client.login("harbor.peer1")
    assert client.get(f"/members/{member1.id}/progress").status_code == 200
    row = db.scalars(
        select(AuditEvent)
        .where(AuditEvent.record_type == "progress")
        .order_by(AuditEvent.id.desc())
    ).first()
    assert row is not None
    assert (row.action, row.subject_member_id, row.allowed) == ("read:checkins", member1.id, True)
    assert row.actor_username == "harbor.peer1"
