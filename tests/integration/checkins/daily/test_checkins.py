"""Members check in on the areas they chose; a day can be changed only on the day it was made;
the count of days with a check-in never resets; coming back after a gap is welcomed."""

from __future__ import annotations

import itertools
from datetime import timedelta

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from sqlalchemy.orm import Session

from peerpath.checkins.daily import service
from peerpath.db.models import CheckIn, User
from tests.conftest import Browser
from tests.integration.checkins.daily.conftest import Clock, count, iso


def _checkins_url(member: User) -> str:
    return f"/api/v1/members/{member.id}/checkins"


def test_new_member_rates_three_dimensions_by_default(
    client: Browser, demo: dict[str, User]
) -> None:
    member8 = demo["harbor.member8"]
    client.login("harbor.member8")
    prefs = client.get(f"/api/v1/members/{member8.id}/checkin-preferences").json()
    assert prefs["dimensions"] == ["emotional", "physical", "social"]
    assert prefs["saved"] is False
    assert prefs["track_hope"] and prefs["track_connection"]

    page = HTMLParser(client.get("/check-in").text)
    legends = [n.text(strip=True) for n in page.css("fieldset.rating > legend")]
    assert legends == [
        "Emotional",
        "Physical",
        "Social",
        "Hope (optional)",
        "Connection (optional)",
    ]
    settings = client.get("/check-in/settings").text
    assert "Fewer is kinder" in settings


def test_save_preferences_accepts_one_to_eight_known_dimensions(
    client: Browser, demo: dict[str, User]
) -> None:
    member8 = demo["harbor.member8"]
    url = f"/api/v1/members/{member8.id}/checkin-preferences"
    client.login("harbor.member8")
    body = {"dimensions": ["spiritual", "emotional"], "track_hope": False}
    saved = client.api("PUT", url, json=body)
    assert saved.status_code == 200, saved.text
    assert saved.json()["dimensions"] == ["emotional", "spiritual"]  # in the usual order
    assert saved.json()["track_hope"] is False and saved.json()["saved"] is True

    everything = list(service.DIMENSIONS)
    assert client.api("PUT", url, json={"dimensions": everything}).status_code == 200
    for bad in ([], ["mood"], [*everything, "emotional"]):
        refused = client.api("PUT", url, json={"dimensions": bad})
        assert refused.status_code == 422, bad
        assert "dimensions" in refused.json()["errors"]
    assert client.get(url).json()["dimensions"] == everything


def test_settings_form_refuses_no_dimensions_and_keeps_the_choice(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("harbor.member8")
    refused = client.submit("/check-in/settings", {"track_hope": "1"})
    assert refused.status_code == 422
    assert "Please choose at least one area to rate." in refused.text
    assert 'aria-describedby="dimensions-error"' in refused.text
    saved = client.submit(
        "/check-in/settings", {"dimensions": ["financial", "social"], "track_connection": "1"}
    )
    assert saved.status_code == 303 and saved.headers["location"] == "/check-in"
    form = HTMLParser(client.get("/check-in").text)
    legends = [n.text(strip=True) for n in form.css("fieldset.rating > legend")]
    assert legends == ["Financial", "Social", "Connection (optional)"]


def test_check_in_form_offers_accessible_rating_groups(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("harbor.member8")
    page = HTMLParser(client.get("/check-in").text)
    group = page.css_first("fieldset#f-ratings\\.emotional")
    assert group is not None and group.css_first("legend").text(strip=True) == "Emotional"
    radios = group.css("input[type=radio][name=r_emotional]")
    assert [r.attributes["value"] for r in radios] == [str(n) for n in range(11)]
    for radio in radios:
        label = page.css_first(f'label[for="{radio.attributes["id"]}"]')
        assert label is not None
    ends = group.css_first(".rating-ends").text(separator=" ", strip=True)
    assert "0 = very low" in ends and "10 = very good" in ends
    day = page.css_first("input#f-day")
    assert day.attributes["type"] == "date"
    assert day.attributes["max"] == iso(service.today())
    assert day.attributes["value"] == iso(service.today())
    for name in ("note", "what_helped"):
        assert page.css_first(f'label[for="f-{name}"]') is not None
    assert page.css_first("script:not([src])") is None


def test_member_checks_in_from_the_page_and_sees_days_in_the_last_30(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member8 = demo["harbor.member8"]
    client.login("harbor.member8")
    saved = client.submit(
        "/check-in",
        {
            "day": iso(service.today()),
            "r_emotional": "6",
            "r_social": "4",
            "hope": "7",
            "note": "Walked to the library.",
            "what_helped": "The walk",
        },
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/check-in/saved?day={iso(service.today())}"
    confirmation = client.get(saved.headers["location"]).text
    assert "Days with a check-in in the last 30: <strong>1</strong>" in confirmation
    assert "streak" not in confirmation.lower()
    assert "Welcome back" not in confirmation  # a first check-in is not a return

    rows = client.get(_checkins_url(member8)).json()
    assert len(rows) == 1
    row = rows[0]
    assert row["ratings"] == {"emotional": 6, "social": 4}
    assert (row["hope"], row["connection"]) == (7, None)
    assert row["note"] == "Walked to the library." and row["what_helped"] == "The walk"
    assert row["can_change"] is True
    assert count(db, CheckIn, member8) == 1


def test_save_checkin_refuses_bad_ratings_and_saves_nothing(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member8 = demo["harbor.member8"]
    url = _checkins_url(member8)
    client.login("harbor.member8")
    client.api(
        "PUT",
        f"{url[:-9]}/checkin-preferences",
        json={"dimensions": ["emotional"], "track_hope": False},
    )
    cases = [
        ({"ratings": {"emotional": 11}}, "ratings.emotional"),
        ({"ratings": {"emotional": -1}}, "ratings.emotional"),
        ({"ratings": {"emotional": 4.5}}, "ratings.emotional"),
        ({"ratings": {"emotional": True}}, "ratings.emotional"),
        ({"ratings": {"emotional": "5"}}, "ratings.emotional"),
        ({"ratings": {"physical": 5}}, "ratings.physical"),  # a dimension not tracked
        ({"ratings": {"mood": 5}}, "ratings"),  # not a dimension at all
        ({"ratings": {"emotional": 5}, "hope": 6}, "hope"),  # hope is switched off
        ({"ratings": {"emotional": 5}, "connection": 12}, "connection"),
        ({}, "ratings"),  # nothing at all
    ]
    for body, key in cases:
        response = client.api("POST", url, json=body)
        assert response.status_code == 422, body
        data = response.json()
        assert data["detail"] and key in data["errors"], (body, data)
    page = client.submit("/check-in", {"r_emotional": "5", "r_physical": "5"})
    assert page.status_code == 422
    assert "you are not rating this area at the moment" in page.text
    assert count(db, CheckIn, member8) == 0


def test_save_checkin_refuses_future_and_too_old_days(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member8 = demo["harbor.member8"]
    url = _checkins_url(member8)
    today = service.today()
    client.login("harbor.member8")
    tomorrow = client.api(
        "POST", url, json={"day": iso(today + timedelta(days=1)), "ratings": {"emotional": 5}}
    )
    assert tomorrow.status_code == 422 and "still ahead" in tomorrow.json()["errors"]["day"]
    too_old = client.api(
        "POST", url, json={"day": iso(today - timedelta(days=400)), "ratings": {"emotional": 5}}
    )
    assert too_old.status_code == 422 and "day" in too_old.json()["errors"]
    page = client.submit("/check-in", {"day": iso(today + timedelta(days=3)), "r_emotional": "5"})
    assert page.status_code == 422 and "still ahead" in page.text
    garbled = client.submit("/check-in", {"day": "31/02/2026", "r_emotional": "5"})
    assert garbled.status_code == 422 and "a date like" in garbled.text
    assert count(db, CheckIn, member8) == 0
    a_year_back = client.api(
        "POST", url, json={"day": iso(service.earliest_day()), "ratings": {"emotional": 5}}
    )
    assert a_year_back.status_code == 201


def test_same_day_edit_is_allowed_and_next_day_edit_conflicts(
    client: Browser, demo: dict[str, User], clock: Clock, db: Session
) -> None:
    member8 = demo["harbor.member8"]
    url = _checkins_url(member8)
    client.login("harbor.member8")
    day = iso(service.today() - timedelta(days=2))  # back-dated, made today
    first = client.api("POST", url, json={"day": day, "ratings": {"emotional": 3}})
    assert first.status_code == 201
    checkin_id = first.json()["id"]
    again = client.api("POST", url, json={"day": day, "ratings": {"emotional": 4}})
    assert again.status_code == 200 and again.json()["id"] == checkin_id
    patched = client.api("PATCH", f"{url}/{checkin_id}", json={"note": "Better by evening."})
    assert patched.status_code == 200
    assert patched.json()["ratings"] == {"emotional": 4}
    assert patched.json()["note"] == "Better by evening."

    clock.move(1)  # the next (UTC) day
    late_post = client.api("POST", url, json={"day": day, "ratings": {"emotional": 9}})
    assert late_post.status_code == 409
    assert late_post.json()["detail"].startswith("You can change a check-in on the day you made it")
    late_patch = client.api("PATCH", f"{url}/{checkin_id}", json={"ratings": {"emotional": 9}})
    assert late_patch.status_code == 409
    late_page = client.submit("/check-in", {"day": day, "r_emotional": "9"})
    assert late_page.status_code == 409
    assert "You can change a check-in on the day you made it" in late_page.text
    assert 'value="9"' in late_page.text  # what they entered is still on the form
    row = client.get(f"{url}/{checkin_id}").json()
    assert row["ratings"] == {"emotional": 4} and row["can_change"] is False
    # A new day is fine.
    assert client.api("POST", url, json={"ratings": {"emotional": 9}}).status_code == 201


def test_check_in_page_tells_in_advance_when_a_back_dated_day_has_one(
    client: Browser, demo: dict[str, User], clock: Clock
) -> None:
    member8 = demo["harbor.member8"]
    client.login("harbor.member8")
    earlier = service.today() - timedelta(days=3)
    made = client.api(
        "POST", _checkins_url(member8), json={"day": iso(earlier), "ratings": {"social": 6}}
    )
    assert made.status_code == 201
    # The same day: the form opens with it filled in, to change.
    same_day = client.get(f"/check-in?day={iso(earlier)}").text
    assert "earlier today" in same_day
    assert 'id="r_social-6" name="r_social" value="6" checked' in same_day

    clock.move(1)
    page = client.get("/check-in").text
    assert "Days in the last week that already have a check-in" in page
    assert f"{earlier:%a} {earlier.day} {earlier:%b}" in page
    chosen = client.get(f"/check-in?day={iso(earlier)}").text
    assert "You can change a check-in on the day you made it" in chosen
    note = client.get(f"/check-in/day?day={iso(earlier)}", headers={"hx-request": "true"})
    assert note.status_code == 200 and "<html" not in note.text
    assert "You already have a check-in for" in note.text
    free_day = client.get(
        f"/check-in/day?day={iso(earlier - timedelta(days=1))}", headers={"hx-request": "true"}
    )
    assert free_day.text.strip() == ""
    plain = client.get(f"/check-in/day?day={iso(earlier)}", follow_redirects=False)
    assert plain.status_code == 303 and plain.headers["location"] == f"/check-in?day={iso(earlier)}"


def test_days_with_checkin_counts_distinct_days_and_never_resets(
    client: Browser, demo: dict[str, User], clock: Clock, db: Session
) -> None:
    member8 = demo["harbor.member8"]
    url = _checkins_url(member8)
    client.login("harbor.member8")
    today = service.today()
    for back in [*range(10, 30), 45]:  # 20 days in the window, one long before it
        day = iso(today - timedelta(days=back))
        assert (
            client.api("POST", url, json={"day": day, "ratings": {"physical": 5}}).status_code
            == 201
        )
    # Saving the same day twice is still one day.
    again = client.api(
        "POST", url, json={"day": iso(today - timedelta(days=10)), "ratings": {"physical": 6}}
    )
    assert again.status_code == 200
    assert service.days_with_checkin(db, member8, 30) == 20
    assert service.days_with_checkin(db, member8, 7) == 0
    assert service.days_with_checkin(db, member8, 60) == 21

    clock.move(3)  # three quiet days: only days that leave the window stop counting
    assert service.days_with_checkin(db, member8, 30) == 17
    made = client.api("POST", url, json={"ratings": {"physical": 7}})
    assert made.status_code == 201 and made.json()["days_with_checkin_last_30"] == 18


def test_coming_back_after_seven_days_without_a_check_in_is_welcomed(
    client: Browser, demo: dict[str, User], clock: Clock, db: Session
) -> None:
    member8 = demo["harbor.member8"]
    url = _checkins_url(member8)
    client.login("harbor.member8")
    today = service.today()
    first = client.api("POST", url, json={"ratings": {"emotional": 5}})
    assert first.json()["welcome_back"] is False  # a first check-in is not a return
    assert service.coming_back(db, member8) is False

    # A week back with 6 quiet days in between: not yet a "gap of 7+ days".
    client.api(
        "POST", url, json={"day": iso(today - timedelta(days=7)), "ratings": {"emotional": 4}}
    )
    assert service.coming_back(db, member8) is False

    clock.move(8)  # 7 days without a check-in, then today's
    page = client.get("/check-in").text
    assert "Welcome back." in page
    saved = client.submit("/check-in", {"r_emotional": "6"})
    assert saved.status_code == 303
    assert service.coming_back(db, member8) is True
    confirmation = client.get(saved.headers["location"]).text
    assert "Welcome back" in confirmation
    assert "Days with a check-in in the last 30: <strong>3</strong>" in confirmation

    clock.move(9)  # the next day: no gap any more
    assert (
        client.api("POST", url, json={"ratings": {"emotional": 7}}).json()["welcome_back"] is False
    )


def test_member_and_peer_read_the_history_and_only_the_member_can_change_it(
    make_client, demo: dict[str, User]
) -> None:
    member1 = demo["harbor.member1"]
    member = make_client()
    member.login("harbor.member1")
    mine = member.get("/check-in/history")
    assert mine.status_code == 200
    assert mine.text.count('<li class="card">') == 30
    assert "Older check-ins" in mine.text
    older = HTMLParser(mine.text).css_first('a[href^="/check-in/history?before="]')
    assert member.get(older.attributes["href"]).status_code == 200

    peer = make_client()
    peer.login("harbor.peer1")
    theirs = peer.get(f"/members/{member1.id}/checkins")
    assert theirs.status_code == 200
    assert "Only Jordan Reyes can write or change them" in theirs.text
    assert "<form" not in theirs.text.split('<main id="main"')[1]
    rows = peer.get(_checkins_url(member1)).json()
    assert len(rows) == 60 and rows[0]["day"] > rows[-1]["day"]
    assert peer.get(f"{_checkins_url(member1)}/{rows[0]['id']}").status_code == 200


def test_demo_gives_member1_months_of_check_ins_with_a_gap_and_member8_none(
    demo: dict[str, User], db: Session
) -> None:
    member1, member8 = demo["harbor.member1"], demo["harbor.member8"]
    today = service.today()
    rows = service.checkins_between(db, member1, today - timedelta(days=200), today)
    assert 140 <= len(rows) <= 180
    gaps = [(b.day - a.day).days - 1 for a, b in itertools.pairwise(rows)]
    assert max(gaps) == 10
    assert any(r.note for r in rows)

    def average(part: list[CheckIn]) -> float:
        values = [v for r in part for v in r.ratings.values()]
        return sum(values) / len(values)

    assert average(rows[-30:]) > average(rows[:30]) + 1  # drifting upward, with dips
    assert service.checkins_between(db, member8, today - timedelta(days=400), today) == []
