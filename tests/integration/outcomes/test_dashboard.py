"""The outcomes dashboard: figures, suppression, programmes, exports and the cache."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.models import CheckIn, OutcomeDataVersion, User
from peerpath.outcomes import cache
from tests.conftest import Browser
from tests.integration.outcomes.conftest import PERIOD, cell


def _api(client: Browser, query: str = PERIOD) -> dict[str, Any]:
    response = client.api("GET", f"/api/v1/outcomes?{query}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_figures_for_a_year(client: Browser, lakeside: dict[str, User]) -> None:
    client.login("lakeside.admin")
    data = _api(client)
    assert data["period_from"] == "2025-01-01" and data["program_name"] == "All programmes"
    assert cell(data, "members", "served", "count") == {
        "column": "count",
        "value": 30,
        "suppressed": False,
    }
    # 10 new members: fewer than 11, so null and flagged
    assert cell(data, "members", "new", "count") == {
        "column": "count",
        "value": None,
        "suppressed": True,
    }
    assert cell(data, "members", "active", "count")["value"] == 24
    # contacts: drafts do not count; a small cell (zero video contacts) is hidden
    assert cell(data, "contacts", str(lakeside["peer1"].id), "in_person")["value"] == 15
    assert cell(data, "contacts", str(lakeside["peer1"].id), "phone")["value"] == 12
    assert cell(data, "contacts", str(lakeside["peer1"].id), "video")["suppressed"] is True
    assert cell(data, "contacts", "total", "total")["value"] == 27
    # 15 billable in-person hours at 4 units each
    assert cell(data, "units", str(lakeside["peer1"].id), "in_person")["value"] == 60
    # goals: 12 achieved shown, 3 paused hidden (and let go, 0, hidden with it)
    assert cell(data, "goals", "achieved", "count")["value"] == 12
    assert cell(data, "goals", "paused", "count")["suppressed"] is True
    assert cell(data, "goals", "let_go", "count")["suppressed"] is True
    assert cell(data, "goals", "total", "count")["value"] == 15
    # engagement
    assert cell(data, "engagement", "members", "value")["value"] == 24
    assert cell(data, "engagement", "median_days", "value")["value"] == 2.0
    # wellness change, emotional: 15 higher (+2), 5 same, 4 lower (-2) -> mean +0.92
    assert cell(data, "wellness_change", "emotional", "people")["value"] == 24
    assert cell(data, "wellness_change", "emotional", "mean")["value"] == round(22 / 24, 2)
    assert cell(data, "wellness_change", "emotional", "higher")["value"] == 15
    assert cell(data, "wellness_change", "emotional", "same")["suppressed"] is True
    assert cell(data, "wellness_change", "emotional", "lower")["suppressed"] is True
    # an area nobody rated twice: everything derived from fewer than 11 people is hidden
    assert cell(data, "wellness_change", "social", "mean") == {
        "column": "mean",
        "value": None,
        "suppressed": True,
    }


def test_page_shows_fewer_than_11_and_charts_with_tables(
    client: Browser, lakeside: dict[str, User]
) -> None:
    client.login("lakeside.supervisor")
    page = client.get(f"/outcomes?{PERIOD}")
    assert page.status_code == 200
    text = page.text
    assert "fewer than 11" in text
    assert text.count("<svg") >= 5
    assert text.count("<table") >= text.count("<svg")
    for red in ("#ff0000", "#d32f2f", "#c62828", 'fill="red"'):
        assert red not in text.lower()


def test_demo_dashboard_is_mostly_suppressed(client: Browser, demo: dict[str, User]) -> None:
    client.login("harbor.admin")
    page = client.get("/outcomes")
    assert page.status_code == 200
    assert "fewer than 11" in page.text
    data = _api(client, "")
    served = cell(data, "members", "served", "count")
    assert served == {"column": "count", "value": None, "suppressed": True}


def test_programme_filter(client: Browser, lakeside: dict[str, User]) -> None:
    client.login("lakeside.admin")
    made = client.api("POST", "/api/v1/programs", json={"name": "Harbor Lights"})
    assert made.status_code == 201, made.text
    program_id = made.json()["id"]
    for i in range(12):
        r = client.api(
            "POST",
            f"/api/v1/programs/{program_id}/enrollments",
            json={"member_id": lakeside[f"member{i}"].id, "start_date": "2024-12-01"},
        )
        assert r.status_code == 201, r.text
    again = client.api(
        "POST",
        f"/api/v1/programs/{program_id}/enrollments",
        json={"member_id": lakeside["member0"].id, "start_date": "2025-01-01"},
    )
    assert again.status_code == 409
    data = _api(client, f"{PERIOD}&program={program_id}")
    assert data["program_name"] == "Harbor Lights"
    assert cell(data, "members", "served", "count")["value"] == 12
    assert cell(data, "engagement", "members", "value")["value"] == 12
    assert cell(data, "contacts", "total", "total")["value"] == 24
    # a programme of another organization is not there
    assert client.api("GET", f"/api/v1/outcomes?{PERIOD}&program=999999").status_code == 404
    assert client.api("GET", f"/api/v1/outcomes?{PERIOD}&program=abc").status_code == 422
    page = client.get(f"/outcomes?{PERIOD}&program={program_id}")
    assert "Harbor Lights" in page.text


def test_bad_dates_are_explained(client: Browser, lakeside: dict[str, User]) -> None:
    client.login("lakeside.admin")
    r = client.api("GET", "/api/v1/outcomes?from=2025-05-01&to=2025-01-01")
    assert r.status_code == 422 and "to" in r.json()["errors"]
    page = client.get("/outcomes?from=yesterday")
    assert page.status_code == 422
    assert "please enter a date like" in page.text


def test_csv_and_xlsx_export_with_the_same_suppression(
    client: Browser, lakeside: dict[str, User], db: Session
) -> None:
    client.login("lakeside.admin")
    client.api("POST", "/api/v1/programs", json={"name": '=HYPERLINK("x")'})
    r = client.get(f"/outcomes/export.csv?{PERIOD}")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    new = next(x for x in rows if x["row"] == "New members")
    assert new["value"] == "" and new["suppressed"] == "yes"
    served = next(x for x in rows if x["row"] == "Members served")
    assert served["value"] == "30" and served["suppressed"] == "no"
    assert "fewer than 11" not in r.text
    assert not any(v.startswith(("=", "+", "@")) for x in rows for v in x.values() if v)

    x = client.get(f"/outcomes/export.xlsx?{PERIOD}")
    assert x.status_code == 200
    book = zipfile.ZipFile(io.BytesIO(x.content))
    strings = book.read("xl/sharedStrings.xml").decode()
    assert "Members served" in strings and "Small-cell suppression" in strings
    assert "<f>" not in book.read("xl/worksheets/sheet2.xml").decode()


def test_printable_report(client: Browser, lakeside: dict[str, User]) -> None:
    client.login("lakeside.admin")
    r = client.get(f"/outcomes/report?{PERIOD}")
    assert r.status_code == 200
    assert "2025-01-01 to 2025-12-31" in r.text
    assert "All programmes" in r.text
    assert "About small numbers" in r.text
    assert "/static/print.css" in r.text


def test_cache_serves_repeat_views_and_a_new_checkin_shows_next_time(
    client: Browser, lakeside: dict[str, User], db: Session
) -> None:
    client.login("lakeside.admin")
    first = _api(client)
    misses = cache.DASHBOARDS.misses
    assert _api(client) == first
    assert cache.DASHBOARDS.misses == misses and cache.DASHBOARDS.hits >= 1
    # reading the dashboard writes only the audit log: the data version does not move
    org_id = lakeside["admin"].organization_id
    stamp = db.scalar(
        select(OutcomeDataVersion.version).where(OutcomeDataVersion.organization_id == org_id)
    )
    _api(client)
    db.expire_all()
    assert (
        db.scalar(
            select(OutcomeDataVersion.version).where(OutcomeDataVersion.organization_id == org_id)
        )
        == stamp
    )
    # a member who had not checked in does so: the next view counts them
    member = lakeside["member25"]
    db.add(
        CheckIn(
            organization_id=org_id,
            member_id=member.id,
            day=date(2025, 7, 1),
            ratings={"emotional": 6},
        )
    )
    db.commit()
    after = _api(client)
    assert cell(after, "engagement", "members", "value")["value"] == 25
    assert cell(after, "members", "active", "count")["value"] == 25


def test_a_new_session_note_through_the_app_shows_next_time(
    client: Browser, make_client: Callable[[], Browser], lakeside: dict[str, User]
) -> None:
    client.login("lakeside.admin")
    before = _api(client)
    assert cell(before, "contacts", "total", "total")["value"] == 27
    peer = make_client()
    peer.login("lakeside.peer1")
    note = {
        "contact_date": "2025-08-05",
        "start_time": "09:00",
        "end_time": "09:45",
        "modality": "community",
        "location": "Library",
        "intervention": "Walked through the bus routes to the new job together.",
        "purpose": "Getting to work on time.",
        "member_response": "Felt ready to try it alone next week.",
        "strengths_observed": "Planning ahead.",
        "next_steps": "Check in after the first week.",
        "billable": False,
    }
    made = peer.api("POST", f"/api/v1/members/{lakeside['member3'].id}/notes", json=note)
    assert made.status_code == 201, made.text
    # a draft is not a contact yet; the cached figures still hold
    assert cell(_api(client), "contacts", "total", "total")["value"] == 27
    signed = peer.api(
        "POST", f"/api/v1/notes/{made.json()['id']}/sign", json={"version": made.json()["version"]}
    )
    assert signed.status_code == 200, signed.text
    after = _api(client)
    assert cell(after, "contacts", "total", "total")["value"] == 28
