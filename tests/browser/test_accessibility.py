"""Accessibility in a real browser: every page each demo role can reach passes axe-core with no
serious or critical violations, reflows at 320 px without horizontal scrolling, and the
login page works from the keyboard.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from peerpath.core.deps import SESSION_COOKIE
from peerpath.core.templating import HOME_BY_ROLE, NAV_BY_ROLE
from peerpath.db.models import Role
from peerpath.demo import DEMO_ORGS, DEMO_PASSWORD, DemoOrg

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / "axe-4.14.1.min.js"
BLOCKING_IMPACTS = ("serious", "critical")
DESKTOP = {"width": 1280, "height": 800}
NARROW = {"width": 320, "height": 640}

# One account of each role per organization (the demo's first peer, member, ...).
ROLE_ACCOUNTS = {
    "admin": Role.ADMIN,
    "supervisor": Role.SUPERVISOR,
    "peer1": Role.PEER_SPECIALIST,
    "member1": Role.MEMBER,
    "supporter1": Role.SUPPORTER,
    "trainee1": Role.TRAINEE,
}
DEMO_ACCOUNTS = [
    pytest.param(f"{org.slug}.{suffix}", role, org, id=f"{org.slug}.{suffix}")
    for org in DEMO_ORGS
    for suffix, role in ROLE_ACCOUNTS.items()
]
# Roles that can open a member's record page (/members/<id>).
MEMBER_RECORD_VIEWERS = {Role.PEER_SPECIALIST, Role.SUPERVISOR, Role.SUPPORTER, Role.MEMBER}
MEMBER_LINK = 'main a[href^="/members/"]'

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map(n => n.target.join(' ')),
  }));
}"""

MEASURE_WIDTH = """() => {
  const limit = window.innerWidth + 1;
  const describe = el => {
    const classes = typeof el.className === 'string' ? el.className.trim() : '';
    const right = Math.round(el.getBoundingClientRect().right);
    return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (classes ? '.' + classes.split(/\\s+/).join('.') : '') + ' (right edge ' + right + 'px)';
  };
  const wide = [...document.body.querySelectorAll('*')]
    .filter(el => el.getBoundingClientRect().right > limit)
    .slice(0, 5)
    .map(describe);
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, wide};
}"""


def path_of(page: Page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


def axe_problems(page: Page, where: str = "") -> list[str]:
    """Serious and critical axe-core violations on the current page, one line each."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    violations: list[dict[str, Any]] = page.evaluate(RUN_AXE)
    return [
        f"{path_of(page)}{where}: axe {v['id']} ({v['impact']}): {v['help']}; "
        f"nodes: {', '.join(v['targets'])}"
        for v in violations
        if v["impact"] in BLOCKING_IMPACTS
    ]


def reflow_problems(page: Page) -> list[str]:
    """Horizontal scrolling at the current (narrow) width: WCAG 1.4.10 Reflow."""
    m = page.evaluate(MEASURE_WIDTH)
    if m["scrollWidth"] <= m["innerWidth"] + 1:
        return []
    return [
        f"{path_of(page)}: scrolls sideways at {m['innerWidth']} px "
        f"(scrollWidth {m['scrollWidth']} > innerWidth {m['innerWidth']}); "
        f"wide elements: {', '.join(m['wide']) or 'none found'}"
    ]


def check_current_page(page: Page) -> list[str]:
    """axe at desktop width; then, at 320 px, no sideways scrolling and axe again (a table
    that scrolls inside the page only at 320 px must still be reachable by keyboard)."""
    problems = axe_problems(page)
    page.set_viewport_size(NARROW)
    try:
        problems += reflow_problems(page)
        problems += axe_problems(page, where=f" at {NARROW['width']} px")
    finally:
        page.set_viewport_size(DESKTOP)
    return problems


# Member shortcuts that redirect to the member's own record pages.
SHORTCUTS = {"/my-plan": r"/members/\d+/plan", "/my-wellness-plan": r"/members/\d+/wellness"}


def visit(page: Page, url: str, status: int = 200) -> list[str]:
    response = page.goto(url)
    assert response is not None, f"no response for {url}"
    assert response.status == status, f"{url} answered {response.status}, expected {status}"
    expected = SHORTCUTS.get(url, re.escape(url))
    assert re.fullmatch(expected, path_of(page)), f"{url} ended up at {path_of(page)}"
    return check_current_page(page)


def follow(page: Page, link: Any, expected_path: str) -> list[str]:
    """Click a link, check where it led, and check the page it opened."""
    with page.expect_navigation():
        link.click()
    assert re.fullmatch(expected_path, path_of(page)), (
        f"the link led to {path_of(page)}, expected {expected_path}"
    )
    return check_current_page(page)


def sign_in(page: Page, username: str, role: Role, display_name: str) -> None:
    """Sign in through the real login form and land on the role's home page."""
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert path_of(page) == HOME_BY_ROLE[role], (
        f"signing in as {username} landed on {path_of(page)}: "
        f"{page.locator('main').inner_text()[:300]}"
    )
    # Chromium keeps the Secure session cookie on http://127.0.0.1: the header names who is in.
    assert display_name in page.locator(".site-header").inner_text()
    session = [c for c in page.context.cookies() if c["name"] == SESSION_COOKIE]
    assert session, "no session cookie after signing in"
    assert session[0]["secure"], "the session cookie is not marked Secure"


def member_record_pages(page: Page, role: Role) -> list[str]:
    if role is Role.MEMBER:
        # A member's home page does not link to their own record; ask the API who they are.
        me = page.request.get("/api/v1/me")
        assert me.ok, f"/api/v1/me answered {me.status}"
        return visit(page, f"/members/{me.json()['id']}")
    page.goto(HOME_BY_ROLE[role])
    links = page.locator(MEMBER_LINK)
    assert links.count() > 0, f"{HOME_BY_ROLE[role]} links to no member's record"
    return follow(page, links.first, r"/members/\d+")


def admin_pages(page: Page, org: DemoOrg) -> list[str]:
    problems: list[str] = []
    page.goto("/admin/users")
    problems += follow(page, page.get_by_role("link", name="Add a person"), "/admin/users/new")
    page.goto("/admin/users")
    # A peer specialist's page is the fullest: supervisor choice and a caseload list.
    person = page.locator("main table").get_by_role("link", name=org.people["peer1"], exact=True)
    problems += follow(page, person, r"/admin/users/\d+")
    deactivate = page.get_by_role("link", name="Deactivate…")
    problems += follow(page, deactivate, r"/admin/users/\d+/deactivate")
    assert page.get_by_role("heading", name=f"Deactivate {org.people['peer1']}?").is_visible()
    return problems


@pytest.mark.parametrize(("username", "role", "org"), DEMO_ACCOUNTS)
def test_every_page_of_the_role_is_accessible(
    new_page: Callable[..., Page], username: str, role: Role, org: DemoOrg
) -> None:
    page = new_page(viewport=DESKTOP)
    display_name = org.people[username.split(".", 1)[1]]
    sign_in(page, username, role, display_name)

    nav = page.locator('nav[aria-label="Main"] a').evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    expected_nav = [item.href for item in NAV_BY_ROLE[role]] + ["/account"]
    assert nav == expected_nav

    problems: list[str] = []
    for url in expected_nav:
        problems += visit(page, url)
    if role in MEMBER_RECORD_VIEWERS:
        problems += member_record_pages(page, role)
    if role is Role.ADMIN:
        problems += admin_pages(page, org)
    assert not problems, f"{len(problems)} problem(s) for {username}:\n" + "\n".join(problems)


def test_anonymous_pages_are_accessible(new_page: Callable[..., Page]) -> None:
    page = new_page(viewport=DESKTOP)
    problems = visit(page, "/login")
    assert page.get_by_role("heading", name="Sign in to peerpath").is_visible()
    problems += visit(page, "/no-such-page", status=404)
    assert page.get_by_role("heading", name="We could not find that page").is_visible()
    assert not problems, "\n".join(problems)


def test_the_checks_catch_real_problems(new_page: Callable[..., Page]) -> None:
    """The harness is not vacuous: a missing alt text and a too-wide box are reported."""
    page = new_page(viewport=DESKTOP)
    assert visit(page, "/login") == []
    page.evaluate(
        """() => {
          const img = document.createElement('img');
          img.id = 'no-alt';
          img.src = '/static/app.css';
          const wide = document.createElement('div');
          wide.id = 'too-wide';
          wide.style.width = '600px';
          wide.textContent = 'wide';
          document.querySelector('main').append(img, wide);
        }"""
    )
    problems = check_current_page(page)
    assert any("axe image-alt (critical)" in p and "#no-alt" in p for p in problems), problems
    assert any("scrolls sideways at 320 px" in p and "div#too-wide" in p for p in problems), (
        problems
    )


def test_login_works_from_the_keyboard(new_page: Callable[..., Page]) -> None:
    page = new_page(viewport=DESKTOP)
    page.goto("/login")

    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({text: document.activeElement.textContent.trim(),"
        " href: document.activeElement.getAttribute('href')})"
    )
    assert focused == {"text": "Skip to main content", "href": "#main"}
    # It sits above the top edge until focused; focused, it must be on screen.
    assert page.evaluate("() => document.activeElement.getBoundingClientRect().top") >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"

    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "username"
    page.keyboard.type("harbor.member1")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "password"
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert path_of(page) == HOME_BY_ROLE[Role.MEMBER]
    assert "Jordan Reyes" in page.get_by_role("heading", level=1).inner_text()
