"""The JSON API: tokens, bearer authentication, JSON errors and the OpenAPI document."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.models import ApiToken, User
from tests.conftest import Browser


def _new_token(client: Browser, name: str = "reports") -> str:
    created = client.api("POST", "/api/v1/me/tokens", json={"name": name})
    assert created.status_code == 201
    return str(created.json()["token"])


def test_token_is_shown_once_and_stored_hashed(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    client.login("harbor.peer1")
    token = _new_token(client)
    stored = db.scalar(select(ApiToken).where(ApiToken.name == "reports"))
    assert stored is not None and token not in stored.token_hash
    listed = client.get("/api/v1/me/tokens").json()
    assert "token" not in listed[0] and listed[0]["prefix"] == token[:10]


def test_bearer_token_authenticates_without_cookies(make_client, demo: dict[str, User]) -> None:
    owner = make_client()
    owner.login("harbor.peer1")
    token = _new_token(owner)
    program = make_client()
    me = program.get("/api/v1/me", headers={"authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["username"] == "harbor.peer1"
    members = program.get("/api/v1/members", headers={"authorization": f"Bearer {token}"})
    assert [m["display_name"] for m in members.json()] == [
        "Eli Thompson",
        "Grace Kim",
        "Jordan Reyes",
        "Priya Nair",
    ]


def test_revoked_token_stops_working_at_once(make_client, demo: dict[str, User]) -> None:
    owner = make_client()
    owner.login("harbor.peer1")
    token = _new_token(owner)
    token_id = owner.get("/api/v1/me/tokens").json()[0]["id"]
    assert owner.api("DELETE", f"/api/v1/me/tokens/{token_id}").status_code == 200
    refused = make_client().get("/api/v1/me", headers={"authorization": f"Bearer {token}"})
    assert refused.status_code == 401
    assert "revoked" in refused.json()["detail"]


def test_bad_bearer_token_is_not_rescued_by_a_session_cookie(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("harbor.peer1")
    response = client.get("/api/v1/me", headers={"authorization": "Bearer pp_forged"})
    assert response.status_code == 401


def test_cookie_api_write_without_csrf_header_is_refused(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("harbor.peer1")
    response = client.post("/api/v1/me/tokens", json={"name": "sneaky"})
    assert response.status_code == 403
    assert "detail" in response.json()


def test_api_errors_are_json_with_the_right_status(client: Browser, demo: dict[str, User]) -> None:
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me").json()["detail"]
    client.login("harbor.admin")
    missing = client.get("/api/v1/admin/users/999999")
    assert missing.status_code == 404 and missing.json()["detail"]
    invalid = client.api("POST", "/api/v1/admin/users", json={"username": "x"})
    assert invalid.status_code == 422
    assert "display_name" in invalid.json()["errors"]
    wrong_type = client.get("/api/v1/admin/users/not-a-number")
    assert wrong_type.status_code == 422
    broken_json = client.api(
        "POST",
        "/api/v1/me/tokens",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert broken_json.status_code == 422
    member_only = client.get("/api/v1/me/record-views")
    assert member_only.status_code == 403


def test_api_creates_a_user_with_an_invitation(client: Browser, demo: dict[str, User]) -> None:
    client.login("harbor.admin")
    response = client.api(
        "POST",
        "/api/v1/admin/users",
        json={"username": "harbor.sky", "display_name": "Sky", "role": "supporter"},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["user"]["role"] == "supporter"
    assert body["invitation_url"].startswith("https://testserver/invite/")


def test_openapi_document_lists_the_api(client: Browser) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/me" in spec["paths"]
    assert "/api/v1/admin/audit" in spec["paths"]
    assert not any(not p.startswith("/api/v1/") for p in spec["paths"])


def test_unreadable_bodies_get_400_not_500(client: Browser, demo: dict[str, User]) -> None:
    client.login("harbor.member1")
    no_boundary = client.post(
        "/account/tokens", content=b"xx", headers={"content-type": "multipart/form-data"}
    )
    assert no_boundary.status_code == 400
    odd_type = client.post("/account/tokens", content=b"xx", headers={"content-type": "text/csv"})
    assert odd_type.status_code == 403
