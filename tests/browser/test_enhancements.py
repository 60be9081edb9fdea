"""HTMX enhancements work under the real Content-Security-Policy (no bypass here)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from peerpath.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_people_filter_updates_in_place_under_the_csp(browser: Browser, live_server: str) -> None:
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page.goto("/login")
    page.get_by_label("Username").fill("harbor.admin")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin")
    page.goto("/admin/users")
    rows = page.locator("#people tbody tr")
    assert rows.count() == 14
    page.evaluate("window.__sameDocument = true")
    page.get_by_label("Name or username").fill("okafor")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Sam Okafor")
    expect(page.get_by_role("status")).to_contain_text("1 account shown")
    # Swapped in place (no page load), and the address bar keeps the filter for sharing/back.
    assert page.evaluate("window.__sameDocument") is True
    assert "q=okafor" in page.url
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
    context.close()
