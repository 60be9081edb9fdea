"""The wellness-tool log: pick a tool from your own toolbox (or type one), say whether it
helped, and see what has helped you most, from your own notes."""

from __future__ import annotations

from datetime import timedelta

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from sqlalchemy.orm import Session

from peerpath.checkins.daily import service
from peerpath.db.models import ToolUse, User
from tests.conftest import Browser
from tests.integration.checkins.daily.conftest import count, iso, set_plan_section

TOOLBOX = {
    "helps_me": "- A walk round the park\n- Calling Sam\n\n",
    "quick_tools": "• Cold water on my face\n- A walk round the park",
}


def _tools_url(member: User) -> str:
    return f"/api/v1/members/{member.id}/tools"


def test_tools_page_offers_the_lines_of_the_members_toolbox(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    set_plan_section(db, demo["harbor.member8"], "toolbox", TOOLBOX)
    client.login("harbor.member8")
    page = HTMLParser(client.get("/tools").text)
    choices = [n.attributes["value"] for n in page.css("input[name=tool_choice]")]
    assert choices == ["A walk round the park", "Calling Sam", "Cold water on my face", "__other__"]
    assert page.css_first("fieldset#f-tool_choice > legend").text() == "Which tool?"
    assert page.css_first('label[for="f-tool_other"]') is not None
    assert [n.attributes["value"] for n in page.css("input[name=helped]")] == [
        "yes",
        "somewhat",
        "no",
    ]


def test_tools_page_without_a_toolbox_links_to_the_wellness_plan(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member8 = demo["harbor.member8"]
    set_plan_section(db, member8, "toolbox", {})
    client.login("harbor.member8")
    page = client.get("/tools").text
    assert "Your wellness toolbox is empty so far" in page
    assert f'href="/members/{member8.id}/wellness"' in page
    saved = client.submit("/tools", {"tool_other": "Stretching", "helped": "somewhat"})
    assert saved.status_code == 303
    assert "Stretching" in client.get("/tools").text


def test_log_tool_from_the_toolbox_or_typed_in(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member8 = demo["harbor.member8"]
    set_plan_section(db, member8, "toolbox", TOOLBOX)
    client.login("harbor.member8")
    yesterday = iso(service.today() - timedelta(days=1))
    picked = client.submit(
        "/tools",
        {"tool_choice": "Calling Sam", "helped": "yes", "note": "Long chat.", "used_on": yesterday},
    )
    assert picked.status_code == 303 and picked.headers["location"] == "/tools"
    typed = client.submit(
        "/tools", {"tool_choice": "__other__", "tool_other": "  Baking  bread ", "helped": "no"}
    )
    assert typed.status_code == 303
    uses = client.get(_tools_url(member8)).json()["uses"]
    assert [(u["tool"], u["helped"], u["used_on"]) for u in uses] == [
        ("Baking bread", "no", iso(service.today())),
        ("Calling Sam", "yes", yesterday),
    ]
    assert uses[1]["note"] == "Long chat."


def test_log_tool_refuses_unclear_input_and_saves_nothing(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member8 = demo["harbor.member8"]
    set_plan_section(db, member8, "toolbox", TOOLBOX)
    client.login("harbor.member8")
    cases = [
        ({"tool_choice": "Something not in my toolbox", "helped": "yes"}, "tool_choice"),
        ({"tool_choice": "Calling Sam", "tool_other": "Reading", "helped": "yes"}, "tool_other"),
        ({"helped": "yes"}, "tool_other"),
        ({"tool_choice": "Calling Sam"}, "helped"),
        ({"tool_choice": "Calling Sam", "helped": "maybe"}, "helped"),
        (
            {
                "tool_other": "Reading",
                "helped": "yes",
                "used_on": iso(service.today() + timedelta(days=1)),
            },
            "used_on",
        ),
        ({"tool_other": "x" * 201, "helped": "yes"}, "tool_other"),
    ]
    for form, key in cases:
        response = client.submit("/tools", form)
        assert response.status_code == 422, form
        assert f'href="#f-{key}"' in response.text, (form, response.text[:2000])
    api = client.api("POST", _tools_url(member8), json={"tool": " ", "helped": "yes"})
    assert api.status_code == 422 and "tool" in api.json()["errors"]
    api = client.api("POST", _tools_url(member8), json={"tool": "Reading", "helped": "kind of"})
    assert api.status_code == 422
    assert count(db, ToolUse, member8) == 0


def test_what_helped_most_ranks_tools_from_the_members_own_log(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member8 = demo["harbor.member8"]
    client.login("harbor.member8")
    log = [
        ("Walk", "yes"),
        ("Walk", "yes"),
        ("walk ", "somewhat"),
        ("Music", "yes"),
        ("Music", "no"),
        ("Music", "no"),
        ("Music", "no"),
        ("Tea", "somewhat"),
        ("Tea", "somewhat"),
        ("Phone a friend", "yes"),
        ("Phone a friend", "yes"),
    ]
    for tool, helped in log:
        made = client.api("POST", _tools_url(member8), json={"tool": tool, "helped": helped})
        assert made.status_code == 201, made.text
    ranked = service.tools_that_helped(db, member8, limit=None)
    assert [(s.tool, s.times_used, s.help_score) for s in ranked] == [
        ("walk", 3, 2.5),  # spelled as most recently written
        ("Phone a friend", 2, 2.0),
        ("Tea", 2, 1.0),  # as much help in all as Music, and more often
        ("Music", 4, 1.0),
    ]
    assert ranked[0].in_words == "Used 3 times: helped twice, helped somewhat once."
    assert [s.tool for s in service.tools_that_helped(db, member8, limit=2)] == [
        "walk",
        "Phone a friend",
    ]
    api = client.get(_tools_url(member8)).json()
    assert [s["tool"] for s in api["what_helped_most"]] == [
        "walk",
        "Phone a friend",
        "Tea",
        "Music",
    ]
    assert api["what_helped_most"][3] | {"last_used": None} == {
        "tool": "Music",
        "times_used": 4,
        "helped": 1,
        "helped_somewhat": 0,
        "did_not_help": 3,
        "help_score": 1.0,
        "last_used": None,
    }
    page = client.get("/tools").text
    assert "your own notes, not a rule" in page
    stats = page[page.index("What has helped me most") :]
    assert stats.index("walk") < stats.index("Phone a friend") < stats.index("Tea")


def test_member_takes_an_entry_out_of_their_log(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member8, member1 = demo["harbor.member8"], demo["harbor.member1"]
    member = make_client()
    member.login("harbor.member8")
    first = member.api("POST", _tools_url(member8), json={"tool": "Walk", "helped": "yes"}).json()
    second = member.api("POST", _tools_url(member8), json={"tool": "Tea", "helped": "no"}).json()
    assert member.api("DELETE", f"{_tools_url(member8)}/{first['id']}").status_code == 204
    assert member.submit(f"/tools/{second['id']}/delete").status_code == 303
    assert count(db, ToolUse, member8) == 0
    # Someone else's entry, through one's own address: "not there".
    theirs = db.query(ToolUse.id).filter(ToolUse.member_id == member1.id).first()
    assert theirs is not None
    assert member.api("DELETE", f"{_tools_url(member8)}/{theirs[0]}").status_code == 404
    assert member.submit(f"/tools/{theirs[0]}/delete").status_code == 404
    assert member.api("DELETE", f"{_tools_url(member1)}/{theirs[0]}").status_code == 404


def test_demo_gives_member1_a_tool_log_across_several_tools(
    demo: dict[str, User], db: Session
) -> None:
    stats = service.tools_that_helped(db, demo["harbor.member1"], limit=None)
    assert 5 <= len(stats) <= 6
    assert sum(s.times_used for s in stats) >= 40
    assert all(
        sum(getattr(s, part) for s in stats) > 0
        for part in ("helped", "helped_somewhat", "did_not_help")
    )
    assert service.tools_that_helped(db, demo["harbor.member8"]) == []
