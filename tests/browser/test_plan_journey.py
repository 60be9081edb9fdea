"""The recovery-plan journey from the issue, in a real browser, with axe and 320 px checks on
every page: member1 writes a strength, a goal with an objective and a step, fills the crisis
plan, signs and prints; peer1 proposes an objective that member1 accepts."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from peerpath.db.models import Role
from tests.browser.test_accessibility import DESKTOP, check_current_page, path_of, sign_in

pytestmark = pytest.mark.browser

STRENGTH = "I keep showing up, even on slow days"
GOAL = "Cook Sunday dinner with my kids"
OBJECTIVE = "Plan three simple recipes together by spring"
STEP = "Write the shopping list on Saturday morning"
CRISIS_SIGNS = "I stop answering messages and stay in bed past noon"
PEER_OBJECTIVE = "Try one new recipe from the library cookbook"


def _checked(page: Page, problems: list[str]) -> None:
    problems.extend(check_current_page(page))


def test_member_builds_signs_and_prints_plan_and_accepts_a_suggestion(
    new_page: Callable[..., Page],
) -> None:
    problems: list[str] = []
    member = new_page(viewport=DESKTOP)
    sign_in(member, "harbor.member1", Role.MEMBER, "Jordan Reyes")

    member.goto("/my-plan")
    match = re.fullmatch(r"/members/(\d+)/plan", path_of(member))
    assert match, path_of(member)
    base = f"/members/{match.group(1)}"
    _checked(member, problems)

    # A strength first: strengths come before goals.
    member.goto(f"{base}/strengths")
    member.get_by_label("Category").select_option(label="Personal qualities")
    member.get_by_label(re.compile(r"^Strength")).fill(STRENGTH)
    member.get_by_role("button", name="Add this strength").click()
    expect(member.get_by_text(STRENGTH).first).to_be_visible()
    _checked(member, problems)

    # A goal in my words, an objective with a date, and a step.
    member.goto(f"{base}/plan")
    member.get_by_role("link", name="Add a goal").click()
    member.get_by_label("The goal").fill(GOAL)
    member.get_by_role("checkbox", name="Social").check()
    _checked(member, problems)
    member.get_by_role("button", name="Save this goal").click()
    expect(member.get_by_text(GOAL).first).to_be_visible()
    member.get_by_role("link", name="Add an objective").first.click()
    member.get_by_label("The objective").fill(OBJECTIVE)
    member.get_by_label("Target date (optional)").fill("2027-03-20")
    member.get_by_role("button", name="Save this objective").click()
    expect(member.get_by_text(OBJECTIVE).first).to_be_visible()
    member.get_by_role("link", name=re.compile(f"Add a step for: {OBJECTIVE}")).first.click()
    member.get_by_label("The action step").fill(STEP)
    _checked(member, problems)
    member.get_by_role("button", name="Save this step").click()
    expect(member.get_by_text(STEP).first).to_be_visible()
    _checked(member, problems)

    # The crisis plan, one section on its own.
    member.goto(f"{base}/wellness/crisis")
    member.get_by_label(re.compile("Signs that tell my supporters")).fill(CRISIS_SIGNS)
    _checked(member, problems)
    member.get_by_role("button", name="Save this section").click()
    member.goto(f"{base}/wellness")
    expect(member.get_by_text(CRISIS_SIGNS).first).to_be_visible()
    _checked(member, problems)

    # Sign: the plan as it is now becomes a frozen version.
    member.goto(f"{base}/plan/versions")
    member.get_by_role("button", name="Sign my plan as it is now").click()
    expect(member.get_by_text(re.compile(r"Version 3")).first).to_be_visible()
    _checked(member, problems)

    # Print: a clean page with the plan and no site navigation.
    member.goto(f"{base}/plan/print")
    expect(member.get_by_text(GOAL).first).to_be_visible()
    expect(member.get_by_text(STRENGTH).first).to_be_visible()
    assert member.locator('nav[aria-label="Main"]').count() == 0
    _checked(member, problems)
    member.goto(f"{base}/crisis/print")
    expect(member.get_by_text(CRISIS_SIGNS).first).to_be_visible()
    _checked(member, problems)

    # The peer specialist can only suggest.
    peer = new_page(viewport=DESKTOP)
    sign_in(peer, "harbor.peer1", Role.PEER_SPECIALIST, "Rosa Delgado")
    peer.goto(f"{base}/plan")
    peer.get_by_role("link", name=f"Suggest an objective for: {GOAL}").click()
    peer.get_by_label("The objective").fill(PEER_OBJECTIVE)
    _checked(peer, problems)
    peer.get_by_role("button", name="Send this suggestion").click()
    peer.goto(f"{base}/plan")
    expect(peer.get_by_text(re.compile(PEER_OBJECTIVE)).first).to_be_visible()
    _checked(peer, problems)

    # The member decides: accept, and the objective is in the plan, credited to peer1.
    member.goto(f"{base}/plan")
    suggestion = member.locator("li.gp-suggestion").filter(has_text=PEER_OBJECTIVE)
    expect(suggestion).to_have_count(1)
    suggestion.get_by_role("button", name=re.compile("^Accept")).click()
    expect(member.locator("li.gp-suggestion").filter(has_text=PEER_OBJECTIVE)).to_have_count(0)
    expect(member.get_by_text(PEER_OBJECTIVE).first).to_be_visible()
    _checked(member, problems)

    assert not problems, "\n".join(problems)
