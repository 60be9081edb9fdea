"""Sign-in, sign-out, lockout, CSRF, session rotation and password change."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.models import AuditEvent, User, UserSession
from peerpath.demo import DEMO_PASSWORD
from peerpath.settings import Settings
from tests.conftest import Browser

NEW_PASSWORD = "a calm river at dawn"


def test_login_page_is_the_start_page_for_visitors(client: Browser) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.url.path == "/login"
    assert 'type="password"' in page.text


def test_login_each_role_lands_on_its_home(client: Browser, demo: dict[str, User]) -> None:
    homes = {
        "harbor.member1": ("/my-recovery", "Welcome, Jordan Reyes"),
        "harbor.peer1": ("/caseload", "My caseload"),
        "harbor.supervisor": ("/supervision", "Rosa Delgado"),
        "harbor.admin": ("/admin", "Harbor Peer Center"),
        "harbor.supporter1": ("/supporting", "Jordan Reyes"),
        "harbor.trainee1": ("/training", "Exam practice"),
        "riverbend.member1": ("/my-recovery", "Welcome, Kai Bennett"),
    }
    for username, (home, text) in homes.items():
        client.cookies.clear()
        response = client.login(username)
        assert response.headers["location"] == home
        page = client.get(home)
        assert page.status_code == 200, username
        assert text in page.text, username


def test_login_wrong_password_refuses_with_a_message(client: Browser, demo: dict) -> None:
    response = client.submit("/login", {"username": "harbor.member1", "password": "not it at all"})
    assert response.status_code == 401
    assert "do not match" in response.text
    assert "peerpath_session" not in response.cookies


def test_login_unknown_and_known_user_get_the_same_answer(client: Browser, demo: dict) -> None:
    known = client.submit("/login", {"username": "harbor.member1", "password": "wrong-password!"})
    unknown = client.submit("/login", {"username": "nobody.here", "password": "wrong-password!"})
    assert known.status_code == unknown.status_code == 401
    assert _error_text(known.text) == _error_text(unknown.text)


def _error_text(html: str) -> str:
    start = html.index('role="alert"')
    return html[start : html.index("</div>", start)]


def test_login_locks_out_after_repeated_failures(
    client: Browser, demo: dict, settings: Settings
) -> None:
    for _ in range(settings.login_max_failures_per_account):
        client.submit("/login", {"username": "harbor.member2", "password": "wrong-password!"})
    locked = client.submit("/login", {"username": "harbor.member2", "password": DEMO_PASSWORD})
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.text
    # The same lockout words for a name that has no account: existence is not revealed.
    for _ in range(settings.login_max_failures_per_account):
        client.submit("/login", {"username": "ghost.user", "password": "wrong-password!"})
    ghost = client.submit("/login", {"username": "ghost.user", "password": "wrong-password!"})
    assert ghost.status_code == 429
    assert _error_text(ghost.text) == _error_text(locked.text)


def test_login_lockout_is_per_account(client: Browser, demo: dict, settings: Settings) -> None:
    for _ in range(settings.login_max_failures_per_account):
        client.submit("/login", {"username": "harbor.member2", "password": "wrong-password!"})
    assert client.login("harbor.member3").status_code == 303


def test_login_lockout_per_ip_covers_every_account(
    client: Browser, demo: dict, settings: Settings
) -> None:
    settings.login_max_failures_per_ip = 3
    for n in range(3):
        client.submit("/login", {"username": f"guess{n}", "password": "wrong-password!"})
    blocked = client.submit("/login", {"username": "harbor.member4", "password": DEMO_PASSWORD})
    assert blocked.status_code == 429


def test_login_rotates_the_session_cookie(client: Browser, demo: dict, db: Session) -> None:
    client.login("harbor.member1")
    first = client.cookies.get("peerpath_session")
    client.login("harbor.member1")
    second = client.cookies.get("peerpath_session")
    assert first and second and first != second
    # The old session no longer signs anyone in.
    stale = Browser(client.app, base_url="https://testserver")
    stale.cookies.set("peerpath_session", first)
    assert stale.get("/my-recovery", follow_redirects=False).status_code == 303


def test_logout_ends_the_session(client: Browser, demo: dict) -> None:
    client.login("harbor.member1")
    token = client.cookies.get("peerpath_session")
    response = client.submit("/logout")
    assert response.status_code == 303
    replay = Browser(client.app, base_url="https://testserver")
    replay.cookies.set("peerpath_session", token)
    assert (
        replay.get("/my-recovery", follow_redirects=False).headers["location"].startswith("/login")
    )


def test_session_cookie_flags_are_secure(client: Browser, demo: dict) -> None:
    response = client.login("harbor.member1")
    cookie = next(
        v
        for k, v in response.headers.multi_items()
        if k == "set-cookie" and "peerpath_session" in v
    )
    lowered = cookie.lower()
    assert "httponly" in lowered
    assert "secure" in lowered
    assert "samesite=lax" in lowered


def test_post_without_csrf_token_is_refused(client: Browser, demo: dict) -> None:
    client.login("harbor.member1")
    response = client.post(
        "/logout", data={}, follow_redirects=False
    )  # a cookie-carrying form post with no token: what a forged cross-site form sends
    assert response.status_code == 403
    assert "expired or did not come from peerpath" in response.text
    assert client.get("/my-recovery", follow_redirects=False).status_code == 200


def test_login_form_without_csrf_token_is_refused(client: Browser, demo: dict) -> None:
    response = client.post(
        "/login",
        data={"username": "harbor.member1", "password": DEMO_PASSWORD},
        follow_redirects=False,
    )
    assert response.status_code == 403


def test_htmx_style_header_token_is_accepted(client: Browser, demo: dict) -> None:
    client.login("harbor.member1")
    response = client.post(
        "/logout", headers={"x-csrftoken": client.csrf()}, follow_redirects=False
    )
    assert response.status_code == 303


def test_pages_redirect_anonymous_visitors_to_login_with_next(client: Browser) -> None:
    response = client.get("/admin/users?q=x", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/admin/users%3Fq%3Dx"


def test_login_follows_a_local_next_but_not_an_outside_one(client: Browser, demo: dict) -> None:
    inside = client.submit(
        "/login",
        {"username": "harbor.member1", "password": DEMO_PASSWORD, "next": "/me/record-views"},
    )
    assert inside.headers["location"] == "/me/record-views"
    client.cookies.clear()
    outside = client.submit(
        "/login",
        {"username": "harbor.member1", "password": DEMO_PASSWORD, "next": "//evil.example/"},
    )
    assert outside.headers["location"] == "/my-recovery"


def test_change_password_signs_out_other_sessions(make_client, demo: dict, db: Session) -> None:
    laptop, phone = make_client(), make_client()
    laptop.login("harbor.member1")
    phone.login("harbor.member1")
    response = laptop.submit(
        "/account/password",
        {
            "current_password": DEMO_PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 303
    assert laptop.get("/my-recovery", follow_redirects=False).status_code == 200
    assert phone.get("/my-recovery", follow_redirects=False).status_code == 303
    member = db.scalar(select(User).where(User.username == "harbor.member1"))
    assert member is not None
    assert len(db.scalars(select(UserSession).where(UserSession.user_id == member.id)).all()) == 1
    fresh = make_client()
    assert (
        fresh.submit("/login", {"username": "harbor.member1", "password": NEW_PASSWORD}).status_code
        == 303
    )


def test_change_password_refuses_a_common_password(client: Browser, demo: dict) -> None:
    client.login("harbor.member1")
    response = client.submit(
        "/account/password",
        {
            "current_password": DEMO_PASSWORD,
            "new_password": "password1234",
            "confirm_password": "password1234",
        },
    )
    assert response.status_code == 422
    assert "commonly used" in response.text


def test_change_password_refuses_a_wrong_current_password(client: Browser, demo: dict) -> None:
    client.login("harbor.member1")
    response = client.submit(
        "/account/password",
        {
            "current_password": "not my password",
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 422
    assert "current password is not right" in response.text
    client.cookies.clear()
    assert client.login("harbor.member1").status_code == 303  # old password still works


def test_login_is_audited_success_and_failure(client: Browser, demo: dict, db: Session) -> None:
    client.submit("/login", {"username": "harbor.member1", "password": "wrong-password!"})
    client.login("harbor.member1")
    rows = db.scalars(
        select(AuditEvent).where(AuditEvent.action == "login").order_by(AuditEvent.id)
    ).all()
    assert [r.allowed for r in rows] == [False, True]
    assert rows[1].actor_username == "harbor.member1"
    assert rows[1].ip == "testclient"


def test_deactivated_user_cannot_sign_in(client: Browser, demo: dict, db: Session) -> None:
    member = demo["harbor.member2"]
    member.is_active = False
    db.commit()
    response = client.submit("/login", {"username": "harbor.member2", "password": DEMO_PASSWORD})
    assert response.status_code == 401


def test_security_headers_are_on_every_page(client: Browser) -> None:
    for path in ("/login", "/no-such-page"):
        response = client.get(path)
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
