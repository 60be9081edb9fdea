"""The outcomes dashboard on a 375 px phone screen, axe-checked: harbor.admin opens it,
switches programme, sees "fewer than 11" cells and downloads the CSV."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from peerpath.db.models import Role
from tests.browser.test_accessibility import axe_problems, reflow_problems, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


def _checked(page: Page, problems: list[str]) -> None:
    problems.extend(axe_problems(page, where=" at 375 px"))
    problems.extend(reflow_problems(page))


def test_admin_reads_outcomes_switches_programme_and_downloads_csv(
    new_page: Callable[..., Page],
) -> None:
    problems: list[str] = []
    page = new_page(viewport=PHONE, accept_downloads=True)
    sign_in(page, "harbor.admin", Role.ADMIN, "Dana Whitfield")

    page.goto("/outcomes")
    expect(page.get_by_role("heading", name=re.compile("Outcomes for"))).to_be_visible()
    expect(page.get_by_text("All programmes").first).to_be_visible()
    # harbor has only a handful of members: small numbers are hidden, in tables and charts
    expect(page.locator("td.suppressed", has_text="fewer than 11").first).to_be_visible()
    assert page.locator("svg.chart").count() >= 5
    _checked(page, problems)

    # switch to one programme
    page.get_by_label("Programme", exact=True).select_option(label="Coming Home (re-entry support)")
    page.get_by_role("button", name="Show outcomes").click()
    expect(
        page.get_by_text(re.compile(r"Coming Home \(re-entry support\), \d{4}-")).first
    ).to_be_visible()
    expect(page.locator("td.suppressed").first).to_have_text("fewer than 11")
    _checked(page, problems)

    # download the CSV for this view
    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    path = download.path()
    assert path is not None
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows and {r["programme"] for r in rows} == {"Coming Home (re-entry support)"}
    assert any(r["suppressed"] == "yes" and r["value"] == "" for r in rows)

    # the printable report
    page.get_by_role("link", name="Printable funder report").click()
    expect(page.get_by_role("heading", name=re.compile("Outcomes report"))).to_be_visible()
    _checked(page, problems)

    assert not problems, "\n".join(problems)
