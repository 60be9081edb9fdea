"""The day-to-day journey from the issue on a 375 px phone screen, axe-checked page by page:
member1 checks in, logs a tool, writes a journal entry, records a setback as a learning
moment, and sees the progress page."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from peerpath.db.models import Role
from tests.browser.test_accessibility import axe_problems, reflow_problems, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
NOTE = "Slept well and walked to the bakery"
JOURNAL = "Today I noticed how much calmer mornings feel when I open the curtains first."
SETBACK = "A hard phone call knocked me off balance for a couple of days."


def _checked(page: Page, problems: list[str]) -> None:
    problems.extend(axe_problems(page, where=" at 375 px"))
    problems.extend(reflow_problems(page))


def test_member_checks_in_logs_tool_journals_records_setback_on_a_phone(
    new_page: Callable[..., Page],
) -> None:
    problems: list[str] = []
    page = new_page(viewport=PHONE)
    sign_in(page, "harbor.member1", Role.MEMBER, "Jordan Reyes")
    _checked(page, problems)

    # Check in: a rating for each chosen dimension, a note, save.
    page.goto("/check-in")
    _checked(page, problems)
    scales = page.locator("fieldset.rating")
    assert scales.count() >= 3
    for i in range(scales.count()):
        scales.nth(i).locator("label.rating-option").nth(7).click()
    page.get_by_label("A note (optional)").fill(NOTE)
    page.get_by_role("button", name="Save my check-in").click()
    expect(page.get_by_text(re.compile("in the last 30")).first).to_be_visible()
    _checked(page, problems)

    # Log a wellness tool and whether it helped.
    page.goto("/tools")
    page.locator("fieldset", has_text="Which tool?").locator("input[type=radio]").first.check()
    page.locator("fieldset", has_text="Did it help?").locator("input[value=yes]").check()
    _checked(page, problems)
    page.get_by_role("button", name="Log this tool").click()
    expect(page.get_by_role("heading", name=re.compile("helped", re.I)).first).to_be_visible()
    _checked(page, problems)

    # A private journal entry.
    page.goto("/journal")
    page.get_by_label("What would you like to write?").fill(JOURNAL)
    page.get_by_role("button", name="Save to my journal").click()
    page.goto("/journal")
    expect(page.get_by_text(re.compile("calmer mornings")).first).to_be_visible()
    _checked(page, problems)

    # A setback, as a learning moment linked to my own triggers.
    page.goto("/setbacks/new")
    page.get_by_label("When it happened").fill((date.today() - timedelta(days=3)).isoformat())
    page.get_by_label(re.compile("What happened, in my own words")).fill(SETBACK)
    triggers = page.locator("fieldset", has_text="list of triggers").locator("input[type=checkbox]")
    if triggers.count():
        triggers.first.check()
    _checked(page, problems)
    page.get_by_role("button", name="Save this learning moment").click()
    page.goto("/setbacks")
    expect(page.get_by_text(re.compile("hard phone call")).first).to_be_visible()
    _checked(page, problems)

    # Progress: my own past only, charts with tables.
    page.goto("/progress")
    expect(page.locator('svg[role="img"]').first).to_be_visible()
    assert page.locator("table").count() >= 1
    text = page.locator("main").inner_text().lower()
    assert "percentile" not in text and "relapse" not in text and "streak" not in text
    _checked(page, problems)

    assert not problems, "\n".join(problems)
