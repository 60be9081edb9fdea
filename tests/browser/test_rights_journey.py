"""Member data rights on a 375 px phone screen, axe-checked page by page: member1 downloads the
export (the JSON holds their check-ins and the audit part), opens the printable view, comments
on a plan item to request an amendment, and peer1 sees the comment beside the item."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from peerpath.db.models import Role
from tests.browser.test_accessibility import axe_problems, reflow_problems, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
COMMENT = "This goal is more about weekday mornings than about a job. Can we reword it?"


def _checked(page: Page, problems: list[str]) -> None:
    problems.extend(axe_problems(page, where=" at 375 px"))
    problems.extend(reflow_problems(page))


def test_member_exports_prints_and_requests_an_amendment_peer_sees_it(
    new_page: Callable[..., Page],
) -> None:
    problems: list[str] = []
    page = new_page(viewport=PHONE)
    sign_in(page, "harbor.member1", Role.MEMBER, "Jordan Reyes")

    # The export page, and the .zip download with data.json inside.
    page.goto("/me/export")
    _checked(page, problems)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download my data (.zip)").click()
    path = download_info.value.path()
    with zipfile.ZipFile(path) as archive:
        data = json.loads(archive.read("data.json"))
        assert "README.txt" in archive.namelist()
    assert len(data["tables"]["checkins"]) > 0
    assert len(data["audit"]) > 0

    # The printable view.
    page.goto("/me/export")
    page.get_by_role("link", name="Open my record to read or print").click()
    expect(page.get_by_role("heading", name=re.compile("Everything about"))).to_be_visible()
    expect(page.get_by_role("heading", name="Check-ins")).to_be_visible()
    expect(page.get_by_role("heading", name="Who has looked at my record")).to_be_visible()
    _checked(page, problems)

    # A comment beside a goal on the plan overview: an amendment request.
    page.goto("/my-plan")
    goal = page.locator("article.gp-goal").first
    details = goal.locator("details.amendments")
    if details.get_attribute("open") is None:  # open already when it holds comments
        details.locator("summary").click()
    goal.get_by_label("Add a comment or ask for a change").fill(COMMENT)
    _checked(page, problems)
    goal.get_by_role("button", name="Save my comment").click()
    expect(page.get_by_text(COMMENT).first).to_be_visible()
    _checked(page, problems)
    plan_url = page.url

    # peer1 sees the comment beside the same goal, and can respond there.
    peer = new_page(viewport=PHONE)
    sign_in(peer, "harbor.peer1", Role.PEER_SPECIALIST, "Rosa Delgado")
    peer.goto(plan_url.split("#")[0])
    beside = peer.locator("article.gp-goal").first.locator("details.amendments")
    expect(beside.get_by_text(COMMENT)).to_be_visible()
    expect(beside.get_by_label("Your response").last).to_be_visible()
    _checked(peer, problems)

    assert not problems, "\n".join(problems)
