"""No route answers 500, whatever arrives: odd ids, oversized numbers, junk form fields."""

from __future__ import annotations

import re
import sqlite3

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

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


# ---- issue 10: dates out of range, odd numbers, double submissions --------------------------

ODD_DAYS = ["0001-01-01", "9999-12-31", "2026-02-30", "2026-13-01", "-2026-01-01", "20260101x"]
ODD_RATINGS: list[object] = [-1, 11, 10**30, -(10**30), 1.5, 1e308, "NaN", "Infinity", True, "7"]


def test_check_in_api_refuses_odd_days_and_numbers_with_422(
    client: Browser, demo: dict[str, User]
) -> None:
    member = demo["harbor.member1"]
    client.login("harbor.member1")
    url = f"/api/v1/members/{member.id}/checkins"
    for day in ODD_DAYS:
        response = client.api("POST", url, json={"day": day, "hope": 5})
        assert response.status_code == 422, (day, response.status_code, response.text[:200])
        assert "day" in response.json()["errors"]
    for rating in ODD_RATINGS:
        response = client.api("POST", url, json={"hope": rating})
        assert response.status_code == 422, (rating, response.status_code)
    # JSON that Python's parser reads as a float outside any range: still a 4xx.
    response = client.api(
        "POST", url, content=b'{"hope": 1e999}', headers={"content-type": "application/json"}
    )
    assert 400 <= response.status_code < 500


def test_check_in_form_refuses_odd_days_and_numbers_without_500(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("harbor.member1")
    for day in ODD_DAYS:
        assert client.submit("/check-in", {"day": day, "hope": "5"}).status_code in (400, 422)
    for rating in ("-1", "11", "9" * 400, "1e308", "NaN", "five"):
        response = client.submit("/check-in", {"hope": rating, "connection": rating})
        assert response.status_code in (400, 422), (rating, response.status_code)


def test_odd_numbers_in_query_strings_never_answer_500(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("harbor.member1")
    for value in ("-1", "0", "9" * 400, "1e308", "NaN", "-0", "0x10", "１２"):
        for url in ("/journal", "/check-in/history", "/api/v1/me/record-views"):
            response = client.get(url, params={"page": value, "before": value, "limit": value})
            assert response.status_code < 500, (url, value)


def test_a_double_clicked_check_in_saves_one_check_in(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    from datetime import date

    from sqlalchemy import func, select

    from peerpath.db.models import CheckIn

    member = demo["harbor.member1"]
    client.login("harbor.member1")
    url = f"/api/v1/members/{member.id}/checkins"
    body = {"hope": 6, "note": "A good walk."}
    first = client.api("POST", url, json=body)
    second = client.api("POST", url, json=body)
    assert first.status_code in (200, 201) and second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    today = date.fromisoformat(first.json()["day"])
    count = db.scalar(
        select(func.count()).where(CheckIn.member_id == member.id, CheckIn.day == today)
    )
    assert count == 1
    # The same through the page form, twice.
    for _ in range(2):
        assert client.submit("/check-in", {"hope": "6", "note": "A good walk."}).status_code < 400
    count = db.scalar(
        select(func.count()).where(CheckIn.member_id == member.id, CheckIn.day == today)
    )
    assert count == 1


def test_signing_a_note_twice_signs_it_once(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    from tests.integration.workspace.notes.test_notes import _new_note

    member = demo["harbor.member1"]
    client.login("harbor.peer1")
    note = _new_note(client, db, member)
    first = client.api("POST", f"/api/v1/notes/{note['id']}/sign", json={})
    assert first.status_code == 200, first.text
    second = client.api("POST", f"/api/v1/notes/{note['id']}/sign", json={})
    assert second.status_code == 409
    after = client.api("GET", f"/api/v1/notes/{note['id']}").json()
    assert after["signed_at"] == first.json()["signed_at"]
    assert after["version"] == first.json()["version"]
