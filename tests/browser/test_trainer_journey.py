"""The exam-trainer journey from issue 8 on a 375 px phone screen, axe-checked page by page:
trainee1 practises five questions, starts a short mock exam, flags one, submits, reviews."""

from __future__ import annotations

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


def _show_if_noted(page: Page) -> None:
    # A content-noted scenario shows its notice first; the learner chooses to read it.
    show = page.get_by_role("link", name="Show me the question")
    if show.count():
        show.click()


def test_trainee_practises_takes_a_short_mock_exam_and_reviews_on_a_phone(
    new_page: Callable[..., Page],
) -> None:
    problems: list[str] = []
    page = new_page(viewport=PHONE)
    sign_in(page, "harbor.trainee1", Role.TRAINEE, "Chris Walker")
    _checked(page, problems)
    expect(page.get_by_role("link", name="988").first).to_be_visible()

    # Five practice questions, with feedback and explanations for every option.
    page.get_by_role("link", name="Advocacy").first.click()
    for n in range(5):
        _show_if_noted(page)
        expect(page.get_by_role("button", name="Check my answer")).to_be_visible()
        if n == 0:
            _checked(page, problems)
        page.locator("fieldset.tr-choices input[type=radio]").nth(n % 4).check()
        if n % 2:
            page.get_by_label("Unsure").check()
        page.get_by_role("button", name="Check my answer").click()
        expect(page.get_by_text(re.compile("The best answer is"))).to_be_visible()
        assert page.locator(".tr-explanation").count() == 4
        if n == 0:
            _checked(page, problems)
        page.get_by_role("link", name="Next question").click()

    # A short mock exam: answer, flag one, move around, submit with confirmation.
    page.goto("/training/exams")
    _checked(page, problems)
    page.get_by_label("Which exam?").select_option("practice-10")
    page.get_by_role("button", name="Start a mock exam").click()
    expect(page.get_by_role("heading", name="Question 1 of 10")).to_be_visible()
    _checked(page, problems)
    for n in range(1, 11):
        page.locator("fieldset.tr-choices input[type=radio]").nth(n % 4).check()
        if n == 2:
            page.get_by_label("Flag this question to come back to it").check()
        if n < 10:
            page.get_by_role("button", name="Save and next").click()
            expect(page.get_by_role("heading", name=f"Question {n + 1} of 10")).to_be_visible()
        else:
            page.get_by_role("button", name="Save and finish").click()
    expect(page.get_by_role("heading", name="Submit this exam?")).to_be_visible()
    expect(page.get_by_text("flagged 1 for review")).to_be_visible()
    _checked(page, problems)
    page.get_by_label("Yes, I am ready to submit").check()
    page.get_by_role("button", name="Submit the exam").click()
    expect(page.get_by_role("heading", name=re.compile("results"))).to_be_visible()
    expect(page.get_by_text(re.compile("not a scaled exam score"))).to_be_visible()
    _checked(page, problems)

    # Review with every explanation.
    page.get_by_role("link", name="Review every question with explanations").click()
    expect(page.get_by_text("(you flagged it)")).to_be_visible()
    assert page.locator(".tr-explanation").count() == 40
    _checked(page, problems)

    assert not problems, "\n".join(problems)
