"""Every route, called as every demo role of both organizations and as an anonymous visitor.

The table below says who may use each route. A route missing from the table fails the test, so
every new route must state its access rule here. Denial means 401/403/404 or a redirect to the
sign-in page; allowed means anything else below 500. No combination may answer 500.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session

from peerpath.accounts import service as accounts
from peerpath.core.audit import Viewer
from peerpath.db.models import User
from tests.conftest import Browser

ORGS = ("harbor", "riverbend")
SUFFIXES = ("admin", "supervisor", "peer1", "peer2", "member1", "member2", "supporter1", "trainee1")
ACTORS = ["anonymous"] + [f"{org}.{suffix}" for org in ORGS for suffix in SUFFIXES]

Rule = Callable[[str], bool]


def anyone(actor: str) -> bool:
    return True


def signed_in(actor: str) -> bool:
    return actor != "anonymous"


def role(*suffix_prefixes: str) -> Rule:
    return lambda actor: (
        actor != "anonymous" and actor.split(".")[1].rstrip("0123456789") in (suffix_prefixes)
    )


def only(*usernames: str) -> Rule:
    return lambda actor: actor in usernames


# harbor.member1's record: self, assigned peer (peer1), peer1's supervisor, the org's admin,
# and the supporter member1 invited. Nobody from riverbend, and not peer2 or member2.
MEMBER1_CIRCLE = only(
    "harbor.member1", "harbor.peer1", "harbor.supervisor", "harbor.admin", "harbor.supporter1"
)
HARBOR_ADMIN = only("harbor.admin")
NOBODY = only()

# (method, path) -> who is allowed. Paths use the route's own template.
RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/"): anyone,
    ("GET", "/login"): anyone,
    ("POST", "/login"): NOBODY,  # empty credentials: refused for everyone, but never a 500
    ("POST", "/logout"): anyone,
    ("GET", "/account"): signed_in,
    ("POST", "/account/password"): signed_in,
    ("POST", "/account/tokens"): signed_in,
    ("POST", "/account/tokens/{token_id}/revoke"): only("harbor.member1"),
    ("GET", "/invite/{token}"): NOBODY,  # an unknown invitation is 'not there' for all
    ("POST", "/invite/{token}"): NOBODY,
    ("GET", "/my-recovery"): role("member"),
    ("GET", "/me/record-views"): role("member"),
    ("GET", "/caseload"): role("peer"),
    ("GET", "/supervision"): role("supervisor"),
    ("GET", "/supporting"): role("supporter"),
    ("GET", "/training"): role("trainee", "peer"),
    ("GET", "/members/{member_id}"): MEMBER1_CIRCLE,
    ("GET", "/admin"): role("admin"),
    ("GET", "/admin/users"): role("admin"),
    ("GET", "/admin/users/new"): role("admin"),
    ("POST", "/admin/users"): role("admin"),
    ("GET", "/admin/users/{user_id}"): HARBOR_ADMIN,
    ("POST", "/admin/users/{user_id}"): HARBOR_ADMIN,
    ("POST", "/admin/users/{user_id}/invite"): HARBOR_ADMIN,
    ("GET", "/admin/users/{user_id}/deactivate"): HARBOR_ADMIN,
    ("POST", "/admin/users/{user_id}/deactivate"): HARBOR_ADMIN,
    ("POST", "/admin/users/{user_id}/reactivate"): HARBOR_ADMIN,
    ("GET", "/admin/audit"): role("admin"),
    ("GET", "/api/v1/me"): signed_in,
    ("POST", "/api/v1/me/password"): signed_in,
    ("GET", "/api/v1/me/tokens"): signed_in,
    ("POST", "/api/v1/me/tokens"): signed_in,
    ("DELETE", "/api/v1/me/tokens/{token_id}"): only("harbor.member1"),
    ("GET", "/api/v1/members"): signed_in,
    ("GET", "/api/v1/members/{member_id}"): MEMBER1_CIRCLE,
    ("GET", "/api/v1/me/record-views"): role("member"),
    ("GET", "/api/v1/admin/users"): role("admin"),
    ("POST", "/api/v1/admin/users"): role("admin"),
    ("GET", "/api/v1/admin/users/{user_id}"): HARBOR_ADMIN,
    ("PATCH", "/api/v1/admin/users/{user_id}"): HARBOR_ADMIN,
    ("POST", "/api/v1/admin/users/{user_id}/deactivate"): HARBOR_ADMIN,
    ("POST", "/api/v1/admin/users/{user_id}/reactivate"): HARBOR_ADMIN,
    ("GET", "/api/v1/admin/audit"): role("admin"),
    # --- plan: profile, strengths, supporters map ---
    # --- plan: vision, goals, objectives, steps, decisions, proposals ---
    # --- plan: versions, signing, compare, print, export, organization settings ---
    # --- plan: wellness and crisis plan ---
}

# Path parameter -> how to find a real value for it (harbor.member1's records, mostly).
IdLookup = Callable[[Session, dict[str, User]], object]
ID_LOOKUPS: dict[str, IdLookup] = {
    "member_id": lambda db, demo: demo["harbor.member1"].id,
    "user_id": lambda db, demo: demo["harbor.member1"].id,
    "token": lambda db, demo: "not-a-real-invitation",
    # --- plan id lookups ---
}


# Routes that name one person's data: a refusal must be 404, never 403, for anyone signed in
# with a role that could use the route at all, so existence never leaks.
RECORD_ROUTES = {
    "/members/{member_id}",
    "/api/v1/members/{member_id}",
    "/account/tokens/{token_id}/revoke",
    "/api/v1/me/tokens/{token_id}",
}


def app_routes(app: FastAPI) -> set[tuple[str, str]]:
    return set(app.state.route_table)


def test_every_route_has_an_access_rule(app: FastAPI) -> None:
    routes = app_routes(app)
    assert routes - set(RULES) == set(), "routes without an access rule"
    assert set(RULES) - routes == set(), "rules for routes that no longer exist"


def _order(key: tuple[str, str]) -> tuple[int, str, str]:
    # Sign-out last, so it does not end the session for the routes after it.
    return (1 if key[1] == "/logout" else 0, key[1], key[0])


def _is_denied(response: Any) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    location = response.headers.get("location", "")
    return response.status_code == 303 and location.startswith("/login?next=")


@pytest.mark.parametrize("actor", ACTORS)
def test_route_access_matches_the_policy(
    actor: str, client: Browser, demo: dict[str, User], db: Session
) -> None:
    member1 = demo["harbor.member1"]
    token, _ = accounts.create_api_token(db, Viewer(member1), "matrix token")
    db.commit()
    values = {name: lookup(db, demo) for name, lookup in ID_LOOKUPS.items()}
    values["token_id"] = token.id
    if actor != "anonymous":
        client.login(actor)
    problems = []
    for method, template in sorted(RULES, key=_order):
        path = template.format(**values)
        if method == "GET":
            response = client.get(path, follow_redirects=False)
        elif path.startswith("/api/"):
            response = client.api(method, path, json={}, follow_redirects=False)
        else:
            response = (
                client.submit(path, {}, follow_redirects=False)
                if method == "POST"
                else (client.request(method, path, follow_redirects=False))
            )
        expected_allowed = RULES[(method, template)](actor)
        denied = _is_denied(response)
        if response.status_code >= 500:
            problems.append(f"{method} {path}: {response.status_code}")
        elif expected_allowed == denied:
            verdict = "denied" if denied else "allowed"
            problems.append(
                f"{method} {path}: {verdict} ({response.status_code}), "
                f"expected {'allowed' if expected_allowed else 'denied'}"
            )
        elif (
            denied
            and template in RECORD_ROUTES
            and actor != "anonymous"
            and response.status_code == 403
        ):
            problems.append(f"{method} {path}: 403 leaks existence; expected 404")
    assert problems == [], f"as {actor}:\n" + "\n".join(problems)


def test_other_organization_records_answer_404_like_missing_ones(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("riverbend.admin")
    theirs = client.get(f"/admin/users/{demo['harbor.member1'].id}")
    missing = client.get("/admin/users/999999")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.text == missing.text
    api_theirs = client.get(f"/api/v1/members/{demo['harbor.member1'].id}")
    api_missing = client.get("/api/v1/members/999999")
    assert api_theirs.status_code == api_missing.status_code == 404
    assert api_theirs.json() == api_missing.json()
