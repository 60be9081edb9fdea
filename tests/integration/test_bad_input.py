"""No route answers 500, whatever arrives: odd ids, oversized numbers, junk form fields."""

from __future__ import annotations

import re
import sqlite3

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from peerpath.db.models import User
from tests.conftest import Browser
from tests.integration.test_authorization_matrix import RULES

ODD_IDS = ["0", "-1", "99999999999999999999999", "abc", "1.5", "%00", "9" * 300]
JUNK_FORM = {
    "username": "x" * 5000,
    "display_name": "\u0000\ud7ff<script>alert(1)</script>",
    "role": "root",
    "peer_specialist_id": "99999999999999999999",
    "supervisor_id": "-7",
    "password": "p" * 10000,
    "q": "%' OR 1=1 --",
    "name": "",
}
JUNK_QUERY = {
    "q": "%_\\",
    "role": "x",
    "page": "-4",
    "member": "99999999999999999999",
    "date_from": "2026-02-31",
    "allowed": "maybe",
    "include_own": "perhaps",
}


@pytest.mark.parametrize("actor", ["harbor.admin", "harbor.member1", "harbor.peer1"])
def test_no_route_answers_500_to_odd_input(actor: str, client: Browser, demo: dict) -> None:
    client.login(actor)
    failures = []
    for method, template in sorted(RULES):
        if template == "/logout":
            continue
        for odd in ODD_IDS:
            path = re.sub(r"\{[^}]+\}", odd, template)
            if method == "GET":
                response = client.get(path, params=JUNK_QUERY, follow_redirects=False)
            elif path.startswith("/api/"):
                response = client.api(method, path, json=JUNK_FORM, follow_redirects=False)
            else:
                response = client.submit(path, JUNK_FORM)
            if response.status_code >= 500:
                failures.append(f"{method} {path}: {response.status_code}")
    assert failures == []


def test_server_error_page_shows_no_stack_trace(app: FastAPI) -> None:
    @app.get("/boom-for-test")
    def boom() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as c:
        response = c.get("/boom-for-test")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text


def test_not_found_page_is_friendly(client: Browser, demo: dict[str, User]) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "We could not find that page" in response.text
    assert '<main id="main"' in response.text


def test_busy_database_answers_503_with_retry_after(app: FastAPI) -> None:
    @app.get("/busy-for-test")
    def busy() -> None:
        raise OperationalError(
            "BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked")
        )

    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as c:
        response = c.get("/busy-for-test")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "2"
    assert "nothing was saved" in response.text
