"""The session-note journey from the issue on a 375 px phone screen, axe-checked page by page:
peer1 opens the caseload, writes a note linked to member1's objective (it saves itself as
they type) and signs it; the supervisor returns it with a comment; peer1 revises and signs
again; the supervisor approves; peer1 adds a dated addendum; member1 reads it and comments."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from peerpath.db.models import Role
from tests.browser.test_accessibility import axe_problems, reflow_problems, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
SAID = "Walking there with someone the first time made it possible."
REVISED = "Walking there with someone the first time made it possible. Next time, alone."
ADDENDUM = "Jordan called later to say the bus route works better than walking."
COMMENT = "Yes, and I want to keep Fridays for this."


def _checked(page: Page, problems: list[str]) -> None:
    problems.extend(axe_problems(page, where=" at 375 px"))
    problems.extend(reflow_problems(page))


def test_note_written_returned_revised_approved_read_and_commented_on_a_phone(
    new_page: Callable[..., Page],
) -> None:
    problems: list[str] = []
    peer = new_page(viewport=PHONE)
    sign_in(peer, "harbor.peer1", Role.PEER_SPECIALIST, "Rosa Delgado")
    _checked(peer, problems)
    peer.get_by_role("link", name="Write a note about Jordan").click()
    expect(peer.get_by_role("heading", level=1)).to_contain_text("Jordan Reyes")
    _checked(peer, problems)
    peer.get_by_label("Start time").fill("10:00")
    peer.get_by_label("End time").fill("10:30")
    peer.locator("fieldset.note-objectives input[type=checkbox]").first.check()
    peer.get_by_label("Purpose of the contact").fill("Try the walk to the community garden.")
    peer.get_by_label("What you did together").fill("Walked the route together; shared my own.")
    peer.get_by_label("The member's response, in their words").fill(SAID)
    # Saved as you type: the status line says so (aria-live), before any button is pressed.
    expect(peer.locator("#autosave-status")).to_contain_text("Draft saved at", timeout=10_000)
    peer.get_by_role("button", name="Save draft").click()
    expect(peer).to_have_url(re.compile(r"/notes/\d+/edit$"))
    note_url = re.sub(r"/edit$", "", peer.url)
    peer.get_by_role("button", name="Save and review for signing").click()
    _checked(peer, problems)
    peer.get_by_role("button", name="Sign and lock this note").click()
    expect(peer.get_by_text("Signed and sent for review")).to_be_visible()
    _checked(peer, problems)

    supervisor = new_page(viewport=PHONE)
    sign_in(supervisor, "harbor.supervisor", Role.SUPERVISOR, "Marcus Bell")
    supervisor.goto("/supervision/queue")
    _checked(supervisor, problems)
    supervisor.goto(note_url)
    _checked(supervisor, problems)
    supervisor.get_by_label(re.compile("Or return it to")).fill("Please add what comes next.")
    supervisor.get_by_role("button", name="Return for revision").click()
    expect(supervisor.get_by_text("Returned to the author")).to_be_visible()

    peer.goto("/notes")
    expect(peer.get_by_text("Please add what comes next.")).to_be_visible()
    _checked(peer, problems)
    peer.goto(note_url + "/edit")
    peer.get_by_label("The member's response, in their words").fill(REVISED)
    peer.get_by_role("button", name="Save and review for signing").click()
    peer.get_by_role("button", name="Sign and lock this note").click()
    expect(peer.get_by_text("Signed and sent for review")).to_be_visible()

    supervisor.goto(note_url)
    supervisor.get_by_role("button", name="Approve").click()
    expect(supervisor.get_by_text("Approved.")).to_be_visible()

    peer.goto(note_url)
    peer.get_by_label("Add a dated addendum").fill(ADDENDUM)
    peer.get_by_role("button", name="Add addendum").click()
    expect(peer.get_by_text(ADDENDUM)).to_be_visible()
    _checked(peer, problems)

    member = new_page(viewport=PHONE)
    sign_in(member, "harbor.member1", Role.MEMBER, "Jordan Reyes")
    member.goto("/my-notes")
    _checked(member, problems)
    member.goto(note_url)
    expect(member.get_by_text(REVISED)).to_be_visible()
    expect(member.get_by_text(ADDENDUM)).to_be_visible()
    text = member.locator("main").inner_text()
    assert "H0038" not in text and not re.search(r"\bunits?\b", text)
    member.get_by_label("Add my comment").fill(COMMENT)
    member.get_by_role("button", name="Add my comment").click()
    expect(member.get_by_text(COMMENT)).to_be_visible()
    _checked(member, problems)
    assert problems == []
