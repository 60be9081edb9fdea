"""Session fixation, CSRF on every unsafe route, open redirects after sign-in, clickjacking
headers on every page, and timing-safe comparison of secrets."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asgi_csrf
import itsdangerous.signer
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.accounts import service as accounts
from peerpath.core.audit import Viewer
from peerpath.db.models import User, UserSession
from peerpath.demo import DEMO_PASSWORD
from tests.conftest import Browser
from tests.integration.test_authorization_matrix import ID_LOOKUPS, RULES

SRC = Path(__file__).resolve().parents[2] / "src" / "peerpath"
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
# Paths anyone may post to without being signed in; they are CSRF-protected even with no
# cookie at all (login CSRF: being signed in to someone else's account).
ANONYMOUS_FORMS = ("/login", "/invite/{token}", "/supporter-invite/{token}")
# Where the test client's cookie jar files cookies from https://testserver, so a planted cookie
# is the same cookie the server later sets (as in a browser), not a second one beside it.
JAR_DOMAIN = "testserver.local"


def _path_values(db: Session, demo: dict[str, User]) -> dict[str, Any]:
    token, _ = accounts.create_api_token(db, Viewer(demo["harbor.member1"]), "csrf walk")
    db.commit()
    values = {name: lookup(db, demo) for name, lookup in ID_LOOKUPS.items()}
    values["token_id"] = token.id
    return values


def _session_cookie(client: Browser) -> str:
    return str(client.cookies.get("peerpath_session") or "")


# ---- session fixation ---------------------------------------------------------------------


def test_a_planted_session_id_is_never_adopted_at_sign_in(
    client: Browser, demo: dict[str, User]
) -> None:
    planted = "attacker-chosen-session-value-0123456789abcdef"
    client.cookies.set("peerpath_session", planted, domain=JAR_DOMAIN)
    client.login("harbor.member1")
    issued = _session_cookie(client)
    assert issued and issued != planted
    attacker = Browser(client.app, base_url="https://testserver")
    attacker.cookies.set("peerpath_session", planted)
    assert attacker.get("/my-recovery", follow_redirects=False).status_code == 303


def test_an_attackers_own_session_planted_on_a_victim_ends_at_the_victims_sign_in(
    make_client, demo: dict[str, User], db: Session
) -> None:
    attacker = make_client()
    attacker.login("harbor.member2")
    planted = _session_cookie(attacker)
    victim = make_client()
    victim.cookies.set("peerpath_session", planted, domain=JAR_DOMAIN)
    victim.login("harbor.member1")
    assert _session_cookie(victim) != planted
    # The planted session was ended, not merely replaced in the victim's browser.
    assert attacker.get("/my-recovery", follow_redirects=False).status_code == 303
    assert victim.get("/my-recovery").status_code == 200
    assert "Jordan" in victim.get("/my-recovery").text


def test_session_ids_are_stored_hashed_and_rotate_on_every_sign_in(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    seen = set()
    for _ in range(3):
        client.login("harbor.member1")
        seen.add(_session_cookie(client))
    assert len(seen) == 3
    stored = set(
        db.scalars(
            select(UserSession.token_hash).where(UserSession.user_id == demo["harbor.member1"].id)
        )
    )
    assert not stored & seen


def test_the_csrf_token_is_renewed_at_sign_in_and_sign_out(
    client: Browser, demo: dict[str, User]
) -> None:
    """A CSRF token a browser held before signing in (a shared computer, a planted cookie) is
    dropped at sign-in; the signed-in pages hand out a new one, dropped again at sign-out."""
    before = client.csrf()
    client.login("harbor.member1")
    assert client.cookies.get("csrftoken") is None
    assert client.get("/my-recovery").status_code == 200
    during = client.cookies.get("csrftoken")
    assert during and during != before
    assert client.submit("/logout").status_code == 303
    assert client.cookies.get("csrftoken") is None
    assert client.csrf() not in (before, during)


# ---- CSRF on every unsafe method ----------------------------------------------------------


def _unsafe_routes() -> list[tuple[str, str]]:
    return sorted(
        (method, path)
        for method, path in RULES
        if method in UNSAFE and path != "/logout" and path not in ANONYMOUS_FORMS
    )


def test_every_unsafe_route_is_in_the_walk(app: Any) -> None:
    served = {key for key in app.state.route_table if key[0] in UNSAFE}
    walked = set(_unsafe_routes()) | {(m, p) for m, p in served if p in ANONYMOUS_FORMS}
    walked.add(("POST", "/logout"))
    assert served - walked == set()


@pytest.mark.parametrize("actor", ["harbor.member1", "harbor.admin", "harbor.peer1"])
def test_every_unsafe_route_refuses_a_cookie_request_without_a_csrf_token(
    actor: str, client: Browser, demo: dict[str, User], db: Session
) -> None:
    values = _path_values(db, demo)
    client.login(actor)
    wrong: list[str] = []
    for method, template in _unsafe_routes():
        path = template.format(**values)
        for label, kwargs in (
            ("no token", {}),
            ("forged token", {"headers": {"x-csrftoken": "forged"}}),
        ):
            if path.startswith("/api/"):
                response = client.request(method, path, json={}, **kwargs)
            else:
                response = client.request(
                    method, path, data={"csrftoken": "forged"} if kwargs else {}
                )
            if response.status_code != 403 or "did not come from peerpath" not in response.text:
                wrong.append(f"{method} {path} ({label}): {response.status_code}")
    assert wrong == []
    # And the session is untouched: nothing above signed anyone out or changed anything.
    assert client.get("/account").status_code == 200


def test_sign_out_without_a_token_is_refused(client: Browser, demo: dict[str, User]) -> None:
    client.login("harbor.member1")
    assert client.post("/logout", follow_redirects=False).status_code == 403
    assert client.get("/account").status_code == 200


@pytest.mark.parametrize("template", ANONYMOUS_FORMS)
def test_anonymous_forms_need_a_token_even_without_any_cookie(
    make_client, demo: dict[str, User], template: str
) -> None:
    fresh = make_client()
    path = template.format(token="some-invitation-token")
    response = fresh.post(
        path,
        data={"username": "harbor.member1", "password": DEMO_PASSWORD, "confirm_password": "x"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "peerpath_session" not in fresh.cookies


def test_a_bearer_token_skips_csrf_but_never_borrows_the_cookie(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("harbor.member1")
    response = client.post(
        "/api/v1/me/tokens", json={"name": "x"}, headers={"authorization": "Bearer pp_forged"}
    )
    assert response.status_code == 401


# ---- open redirects after sign-in ---------------------------------------------------------

HOSTILE_NEXT = [
    "//evil.example",
    "//evil.example/my-recovery",
    "https://evil.example",
    "http://evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https:evil.example",
    "evil.example",
    "/%2F%2Fevil.example",
    "///evil.example",
    "/\x00/evil.example",
]


def _stays_on_site(location: str) -> bool:
    # Browsers drop tabs and line breaks from URLs and treat "\" as "/".
    seen = re.sub(r"[\t\n\r]", "", location).replace("\\", "/").lstrip()
    parts = urlsplit(seen)
    return (
        seen.startswith("/") and not seen.startswith("//") and not parts.scheme and not parts.netloc
    )


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_sign_in_never_redirects_off_site(make_client, demo: dict[str, User], target: str) -> None:
    fresh = make_client()
    response = fresh.submit(
        "/login", {"username": "harbor.member1", "password": DEMO_PASSWORD, "next": target}
    )
    assert response.status_code == 303
    location = response.headers["location"]
    assert _stays_on_site(location), location
    # Already signed in: GET /login?next=... redirects at once, by the same rule.
    again = fresh.get("/login", params={"next": target}, follow_redirects=False)
    assert again.status_code == 303
    assert _stays_on_site(again.headers["location"]), again.headers["location"]


def test_a_local_next_is_still_followed(make_client, demo: dict[str, User]) -> None:
    fresh = make_client()
    response = fresh.submit(
        "/login",
        {"username": "harbor.member1", "password": DEMO_PASSWORD, "next": "/journal?page=2"},
    )
    assert response.headers["location"] == "/journal?page=2"


def test_no_redirect_anywhere_leaves_the_site(client: Browser, demo: dict[str, User]) -> None:
    """Every GET route, with hostile `next`/`return_to` query values: any redirect stays local."""
    client.login("harbor.member1")
    values = {name: 1 for name in ID_LOOKUPS} | {"token_id": 1, "token": "x"}
    off_site = []
    for method, template in sorted(RULES):
        if method != "GET":
            continue
        path = template.format(**values)
        response = client.get(
            path,
            params={"next": "//evil.example", "return_to": "https://evil.example"},
            follow_redirects=False,
        )
        location = response.headers.get("location")
        if location is not None and not _stays_on_site(location):
            off_site.append(f"{path} -> {location}")
    assert off_site == []


# ---- clickjacking -------------------------------------------------------------------------


def _frame_protected(response: Any) -> bool:
    csp = response.headers.get("content-security-policy", "")
    return response.headers.get("x-frame-options") == "DENY" and "frame-ancestors 'none'" in csp


@pytest.mark.parametrize("actor", ["anonymous", "harbor.member1", "harbor.peer1"])
def test_every_page_refuses_to_be_framed(
    actor: str, client: Browser, demo: dict[str, User], db: Session
) -> None:
    values = _path_values(db, demo)
    if actor != "anonymous":
        client.login(actor)
    unprotected = []
    for method, template in sorted(RULES):
        if method != "GET":
            continue
        response = client.get(template.format(**values), follow_redirects=False)
        if not _frame_protected(response):
            unprotected.append(f"{template}: {response.status_code}")
    assert unprotected == []


def test_error_answers_from_the_middleware_refuse_to_be_framed(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("harbor.member1")
    refused = client.post("/logout", follow_redirects=False)  # 403 from the CSRF layer
    unreadable = client.post(
        "/logout",
        content=b"x",
        headers={"content-type": "multipart/form-data"},
        follow_redirects=False,
    )
    too_large = client.post(
        "/logout", content=b"x", headers={"content-length": str(10**9)}, follow_redirects=False
    )
    static = client.get("/static/app.css")
    for response in (refused, unreadable, too_large, static):
        assert _frame_protected(response), response.status_code


# ---- timing-safe comparison ---------------------------------------------------------------

SECRET_NAME = re.compile(r"token|secret|password|digest|signature|hash|api_?key|csrf|nonce", re.I)
# Reviewed: why each `==` below on a secret-sounding name is not a timing leak.
REVIEWED = {
    # SQL lookups by SHA-256 of a presented 256-bit token: the database compares hashes the
    # caller cannot steer, so how long the comparison takes says nothing about the token.
    ("admin/service.py", "Invitation.token_hash == security.token_hash(token)"),
    ("accounts/service.py", "UserSession.token_hash == security.token_hash(token)"),
    ("accounts/service.py", "ApiToken.token_hash == security.token_hash(plaintext)"),
    (
        "sharing/supporters/service.py",
        "SupporterInvitation.token_hash == security.token_hash(token)",
    ),
    # Content hashes of question-bank text (change detection), not secrets.
    ("trainer/service.py", "hashes.get(data.id) != digest"),
    ("trainer/service.py", "current.content_hash == digest"),
    # "Type it twice" checks: both values come from the same person in the same request.
    ("accounts/routes.py", "new_password != confirm_password"),
    ("accounts/routes.py", "password != confirm_password"),
    ("sharing/supporters/service.py", "password != confirm_password"),
}


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Call):
        return _name(node.func)
    if isinstance(node, ast.Subscript):
        return _name(node.value)
    return ""


def test_secrets_are_never_compared_with_plain_equality() -> None:
    found = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Compare):
                continue
            if not any(isinstance(op, ast.Eq | ast.NotEq) for op in node.ops):
                continue
            names = [_name(node.left), *(_name(c) for c in node.comparators)]
            if any(SECRET_NAME.search(name) for name in names):
                found.add((path.relative_to(SRC).as_posix(), ast.unparse(node)))
    unreviewed = found - REVIEWED
    assert unreviewed == set(), (
        "compare secrets with hmac.compare_digest / secrets.compare_digest, or look them up "
        "by hash; if this comparison is not a secret, add it to REVIEWED with the reason"
    )


def test_the_libraries_that_compare_secrets_use_constant_time_comparison() -> None:
    # CSRF tokens: asgi-csrf; signed flash cookies: itsdangerous; passwords: argon2's verify.
    assert inspect.getsource(asgi_csrf).count("secrets.compare_digest(") >= 3
    assert "hmac.compare_digest" in inspect.getsource(itsdangerous.signer)
    security_source = (SRC / "core" / "security.py").read_text(encoding="utf-8")
    assert "_hasher.verify(" in security_source
