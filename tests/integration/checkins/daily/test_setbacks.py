"""Setbacks are written down as learning moments, linked to the member's own wellness plan:
the triggers and early warning signs to pick from are lines of that plan, and nothing else."""

from __future__ import annotations

from datetime import timedelta

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from sqlalchemy.orm import Session

from peerpath.checkins.daily import service
from peerpath.db.models import Setback, User
from tests.conftest import Browser
from tests.integration.checkins.daily.conftest import count, iso, set_plan_section

TRIGGERS = {"triggers": "Money worries\n- Loud family gatherings\n", "trigger_plan": "Call Sam"}
SIGNS = {"early_signs": "Sleeping badly\nNot answering texts", "early_signs_plan": "Rest"}
UNWELCOME_WORDS = ("relapse", "failure", "failed", "fail ")


def _plan(db: Session, member: User) -> None:
    set_plan_section(db, member, "triggers", TRIGGERS)
    set_plan_section(db, member, "early_signs", SIGNS)


def _setbacks_url(member: User) -> str:
    return f"/api/v1/members/{member.id}/setbacks"


def test_setback_form_offers_lines_from_the_members_own_wellness_plan(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    _plan(db, demo["harbor.member8"])
    client.login("harbor.member8")
    page = HTMLParser(client.get("/setbacks/new").text)
    triggers = [n.attributes["value"] for n in page.css("input[name=triggers]")]
    signs = [n.attributes["value"] for n in page.css("input[name=warning_signs]")]
    assert triggers == ["Money worries", "Loud family gatherings"]  # not the plan's responses
    assert signs == ["Sleeping badly", "Not answering texts"]
    for box in page.css("input[type=checkbox]"):
        assert page.css_first(f'label[for="{box.attributes["id"]}"]') is not None
    assert page.css_first("fieldset#f-triggers > legend") is not None


def test_setback_form_without_plan_lines_says_so_kindly_and_links_the_plan(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member8 = demo["harbor.member8"]
    set_plan_section(db, member8, "triggers", {})
    set_plan_section(db, member8, "early_signs", {})
    client.login("harbor.member8")
    page = client.get("/setbacks/new").text
    assert "Your wellness plan has no triggers written down yet, and that is fine." in page
    assert "no early warning signs written down yet" in page
    assert f'href="/members/{member8.id}/wellness"' in page
    saved = client.submit("/setbacks/new", {"what_happened": "A hard weekend."})
    assert saved.status_code == 303


def test_member_writes_down_a_setback_linked_to_their_plan(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member8 = demo["harbor.member8"]
    _plan(db, member8)
    client.login("harbor.member8")
    happened = iso(service.today() - timedelta(days=6))
    back = iso(service.today() - timedelta(days=2))
    saved = client.submit(
        "/setbacks/new",
        {
            "happened_on": happened,
            "what_happened": "Stayed in for days after the bill came.",
            "triggers": ["Money worries"],
            "warning_signs": ["Not answering texts", "Sleeping badly"],
            "what_helped": "Sam came round.",
            "came_back_on": back,
        },
    )
    assert saved.status_code == 303 and saved.headers["location"] == "/setbacks"
    listed = client.get("/setbacks")
    assert "learning moment" in listed.text
    rows = client.get(_setbacks_url(member8)).json()
    assert len(rows) == 1
    row = rows[0]
    assert row["triggers"] == ["Money worries"]
    assert row["warning_signs"] == ["Sleeping badly", "Not answering texts"]  # plan order
    assert (row["happened_on"], row["came_back_on"]) == (happened, back)
    for text in (listed.text, client.get("/setbacks/new").text):
        lowered = text.lower()
        assert not any(word in lowered for word in UNWELCOME_WORDS)


def test_create_setback_accepts_only_lines_from_the_members_own_plan(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member8 = demo["harbor.member8"]
    _plan(db, member8)
    set_plan_section(db, demo["harbor.member2"], "triggers", {"triggers": "Crowded buses"})
    client.login("harbor.member8")
    page = client.submit(
        "/setbacks/new", {"what_happened": "A rough day.", "triggers": ["Crowded buses"]}
    )
    assert page.status_code == 422
    assert "Please pick triggers from your own wellness plan" in page.text
    api = client.api(
        "POST",
        _setbacks_url(member8),
        json={"what_happened": "A rough day.", "warning_signs": ["Sleeping badly", "Shouting"]},
    )
    assert api.status_code == 422 and "warning_signs" in api.json()["errors"]
    assert count(db, Setback, member8) == 0
    # Spacing and letter case do not matter; the plan's own wording is what is kept.
    ok = client.api(
        "POST",
        _setbacks_url(member8),
        json={"what_happened": "A rough day.", "triggers": ["  money   WORRIES "]},
    )
    assert ok.status_code == 201 and ok.json()["triggers"] == ["Money worries"]


def test_setback_dates_and_own_words_are_checked(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member8 = demo["harbor.member8"]
    url = _setbacks_url(member8)
    today = service.today()
    client.login("harbor.member8")
    cases = [
        ({"what_happened": "  "}, "what_happened"),
        ({"what_happened": "x", "happened_on": iso(today + timedelta(days=1))}, "happened_on"),
        ({"what_happened": "x", "came_back_on": iso(today + timedelta(days=1))}, "came_back_on"),
        (
            {
                "what_happened": "x",
                "happened_on": iso(today - timedelta(days=3)),
                "came_back_on": iso(today - timedelta(days=4)),
            },
            "came_back_on",
        ),
    ]
    for body, key in cases:
        response = client.api("POST", url, json=body)
        assert response.status_code == 422 and key in response.json()["errors"], body
    page = client.submit("/setbacks/new", {"what_happened": "", "came_back_on": "soon"})
    assert page.status_code == 422
    assert count(db, Setback, member8) == 0


def test_member_changes_their_setback_in_their_own_words(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member8 = demo["harbor.member8"]
    _plan(db, member8)
    client.login("harbor.member8")
    made = client.api(
        "POST",
        _setbacks_url(member8),
        json={"what_happened": "First try.", "triggers": ["Loud family gatherings"]},
    ).json()
    # The plan changes later; the line the setback names stays pickable.
    set_plan_section(db, member8, "triggers", {"triggers": "Money worries"})
    form = HTMLParser(client.get(f"/setbacks/{made['id']}").text)
    checked = [n.attributes["value"] for n in form.css("input[name=triggers][checked]")]
    assert checked == ["Loud family gatherings"]
    saved = client.submit(
        f"/setbacks/{made['id']}",
        {
            "happened_on": made["happened_on"],
            "what_happened": "What really happened, in my words.",
            "triggers": ["Loud family gatherings", "Money worries"],
            "came_back_on": iso(service.today()),
        },
    )
    assert saved.status_code == 303
    row = client.get(_setbacks_url(member8)).json()[0]
    assert row["what_happened"] == "What really happened, in my words."
    assert row["triggers"] == ["Money worries", "Loud family gatherings"]
    assert row["came_back_on"] == iso(service.today())
    patched = client.api(
        "PATCH", f"{_setbacks_url(member8)}/{made['id']}", json={"came_back_on": None}
    )
    assert patched.status_code == 200 and patched.json()["came_back_on"] is None
    assert patched.json()["what_happened"] == "What really happened, in my words."


def test_peer_reads_setbacks_and_member1_demo_links_them_to_the_plan(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member1 = demo["harbor.member1"]
    peer = make_client()
    peer.login("harbor.peer1")
    page = peer.get(f"/members/{member1.id}/setbacks")
    assert page.status_code == 200
    assert "Only Jordan Reyes can write or change them" in page.text
    assert 'href="/setbacks/' not in page.text
    rows = peer.get(_setbacks_url(member1)).json()
    assert len(rows) == 2
    # The demo's setbacks name lines of member1's own plan, offered again when editing.
    member = make_client()
    member.login("harbor.member1")
    form = HTMLParser(member.get(f"/setbacks/{rows[0]['id']}").text)
    offered = {n.attributes["value"] for n in form.css("input[name=triggers]")}
    offered |= {n.attributes["value"] for n in form.css("input[name=warning_signs]")}
    for row in rows:
        assert row["triggers"] and row["warning_signs"], row
        assert set(row["triggers"]) | set(row["warning_signs"]) <= offered
