"""Sharing with a supporter on a 375 px phone screen, axe-checked page by page.

member1 (Jordan) opens "Sharing my record", stops the crisis-plan sharing the demo set up, then
shares the crisis plan with their sister Lena (supporter1) until a week from now. Lena, in a
second browser, opens "People I support", sees only the crisis plan and opens it. Jordan stops
sharing; Lena reloads and it is gone. Finally Jordan shares it again as the demo had it, so the
shared live server is left as it was found.

A second journey: member2 invites someone by link, and the invited person makes their own
supporter account with it and lands on "People I support".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from peerpath.db.models import Role
from tests.browser.test_accessibility import axe_problems, path_of, reflow_problems, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
STOP_CRISIS = re.compile(r"^Stop sharing your crisis plan with Lena Reyes")


def _checked(page: Page, problems: list[str]) -> None:
    problems.extend(axe_problems(page, where=f" on {path_of(page)} at 375 px"))
    problems.extend(reflow_problems(page))


def _stop_crisis_sharing(page: Page, problems: list[str]) -> None:
    page.goto("/me/sharing")
    page.get_by_role("button", name=STOP_CRISIS).first.click()
    expect(page.get_by_role("button", name="Yes, stop sharing")).to_be_visible()
    _checked(page, problems)
    page.get_by_role("button", name="Yes, stop sharing").click()
    expect(page.get_by_role("button", name=STOP_CRISIS)).to_have_count(0)


def _share_crisis_plan(page: Page, until: date | None, purpose: str) -> None:
    page.goto("/me/sharing")
    page.get_by_label("Who to share with").select_option(label="Lena Reyes (sister)")
    page.get_by_label(re.compile(r"^Crisis plan")).check()
    page.get_by_label("What it is for").select_option(value=purpose)
    if until is not None:
        page.get_by_label("Last day of sharing (optional)").fill(until.isoformat())
    page.get_by_role("button", name="Share", exact=True).click()
    expect(page.get_by_role("button", name=STOP_CRISIS)).to_have_count(1)


def test_member_shares_crisis_plan_with_supporter_then_stops(
    new_page: Callable[..., Page],
) -> None:
    problems: list[str] = []
    member = new_page(viewport=PHONE)
    sign_in(member, "harbor.member1", Role.MEMBER, "Jordan Reyes")

    # "My supporters": Lena is in the circle, seeing the crisis plan (the demo's sharing).
    member.goto("/me/supporters")
    expect(member.get_by_role("heading", name=re.compile("Lena Reyes"))).to_be_visible()
    expect(member.get_by_text("What they can see today: Crisis plan.")).to_be_visible()
    _checked(member, problems)

    # Start from nothing shared with Lena, then share the crisis plan until a week from now.
    _stop_crisis_sharing(member, problems)
    _share_crisis_plan(member, date.today() + timedelta(days=7), "crisis_support")
    _checked(member, problems)

    # Lena, in her own browser: only the crisis plan is listed, and it opens.
    lena = new_page(viewport=PHONE)
    sign_in(lena, "harbor.supporter1", Role.SUPPORTER, "Lena Reyes")
    card = lena.locator("main section.card", has_text="Jordan Reyes")
    # Her name (about Jordan) and the one section shared with her.
    expect(card.get_by_role("link")).to_have_count(2)
    expect(card.get_by_role("link", name="Crisis plan")).to_be_visible()
    _checked(lena, problems)
    card.get_by_role("link", name="Crisis plan").click()
    expect(lena.get_by_role("heading", level=1)).to_contain_text("Jordan Reyes")
    expect(lena.locator("#section-crisis")).to_be_visible()
    expect(lena.locator("#section-toolbox")).to_have_count(0)  # the wellness plan is not shared
    expect(lena.get_by_role("link", name=re.compile("Suggest changes"))).to_have_count(0)
    _checked(lena, problems)
    crisis_url = lena.url.split("#")[0]

    # Jordan stops sharing; Lena's next request no longer finds it.
    _stop_crisis_sharing(member, problems)
    response = lena.goto(crisis_url)
    assert response is not None and response.status == 404
    lena.goto("/supporting")
    expect(
        lena.get_by_text("Jordan Reyes is not sharing anything with you right now.")
    ).to_be_visible()
    expect(lena.get_by_role("link", name="Crisis plan")).to_have_count(0)

    # Leave the shared server as the demo had it: the crisis plan shared, no end date.
    _share_crisis_plan(member, None, "crisis_support")

    assert not problems, "\n".join(problems)


def test_invited_person_makes_a_supporter_account(new_page: Callable[..., Page]) -> None:
    problems: list[str] = []
    member = new_page(viewport=PHONE)
    sign_in(member, "harbor.member2", Role.MEMBER, "Priya Nair")
    member.goto("/me/supporters")
    invite = member.locator("section", has=member.get_by_role("heading", name="Invite them"))
    invite.get_by_label("Who they are to you").fill("brother")
    invite.get_by_role("button", name="Make an invitation link").click()
    link = member.locator("#invitation-link").inner_text().strip()
    assert "/supporter-invite/" in link
    _checked(member, problems)

    guest = new_page(viewport=PHONE)
    guest.goto(link)
    expect(guest.get_by_role("heading", name="Join Priya Nair's support circle")).to_be_visible()
    _checked(guest, problems)
    guest.get_by_label("Your name").fill("Dev Nair")
    guest.get_by_label("Choose a username").fill("harbor.dev.browser")
    guest.get_by_label("Choose a password").fill("a long walk by the harbour")
    guest.get_by_label("The password again").fill("a long walk by the harbour")
    guest.get_by_role("button", name="Make my account").click()
    expect(guest.get_by_role("heading", name="People I support")).to_be_visible()
    expect(
        guest.get_by_text("Priya Nair is not sharing anything with you right now.")
    ).to_be_visible()
    _checked(guest, problems)

    # The link worked once.
    again = new_page(viewport=PHONE)
    response = again.goto(link)
    assert response is not None and response.status == 404

    assert not problems, "\n".join(problems)
