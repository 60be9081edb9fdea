"""Inline language hints in a plan editor: typing "non-compliant" shows a hint with its reason,
a click on a suggestion replaces exactly those words, and the page stays axe-clean."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from peerpath.db.models import Role
from tests.browser.test_accessibility import axe_problems, sign_in

pytestmark = pytest.mark.browser


def test_hint_appears_and_suggestion_replaces_the_words(new_page: Callable[..., Page]) -> None:
    page = new_page(viewport={"width": 375, "height": 740})
    sign_in(page, "harbor.member1", Role.MEMBER, "Jordan Reyes")
    page.goto("/my-plan")
    member_path = re.search(r"/members/\d+", page.url)
    assert member_path, page.url
    page.goto(member_path.group(0) + "/plan/goals/new")

    field = page.locator("#f-why_it_matters")
    field.click()
    field.press_sequentially("Last year I was non-compliant and I want that to change.", delay=5)

    hint = page.locator("#f-why_it_matters-language-hints .language-hint").first
    expect(hint).to_be_visible(timeout=5000)
    expect(hint).to_contain_text("non-compliant")
    expect(hint).to_contain_text("disobedient")  # the reason is shown
    region = page.locator("#f-why_it_matters-language-hints .language-hints-body")
    assert region.get_attribute("aria-live") == "polite"
    assert axe_problems(page, where=" with a language hint") == []

    hint.locator("button.language-hint-apply").first.click()
    value = field.input_value()
    assert "non-compliant" not in value
    assert value.startswith("Last year I was ") and value.endswith(" and I want that to change.")
    # the replacement is re-checked and the hint goes away
    expect(page.locator("#f-why_it_matters-language-hints .language-hint")).to_have_count(
        0, timeout=5000
    )
