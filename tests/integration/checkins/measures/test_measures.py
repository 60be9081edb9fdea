"""Measures as members, peer specialists and admins use them: answering, results against the
member's own past only, and licensed wording an organization enters itself."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerpath.checkins.measures import service
from peerpath.checkins.measures.registry import SWEMWBS_METRIC
from peerpath.db.models import AuditEvent, MeasureItemText, MeasureResponse, User
from tests.conftest import Browser

WORDING = {f"item_{n}": f"Licensed statement number {n}" for n in range(1, 8)}
# Words that would grade or compare a person; results never use them.
JUDGING = re.compile(
    r"clinical|cut-?off|percentile|below average|above average|normal range|at risk|"
    r"low wellbeing|high wellbeing|compared with others|national",
    re.IGNORECASE,
)


def _responses(db: Session, member: User, key: str) -> list[MeasureResponse]:
    db.expire_all()
    return list(
        db.scalars(
            select(MeasureResponse)
            .where(MeasureResponse.member_id == member.id, MeasureResponse.measure_key == key)
            .order_by(MeasureResponse.answered_on, MeasureResponse.id)
        )
    )


def _enter_wording(client: Browser) -> None:
    client.login("harbor.admin")
    response = client.submit(
        "/admin/measures/swemwbs/items", {**WORDING, "licence_reference": "WEMWBS reg. 2026-114"}
    )
    assert response.status_code == 303, response.text


def test_member_answers_the_wellness_wheel_and_sees_their_own_trend(
    client: Browser, demo: dict[str, User], db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    member = demo["harbor.member1"]
    monkeypatch.setattr(service, "today", lambda: date.today() + timedelta(days=1))
    client.login("harbor.member1")
    answers = {f"item_{n}": str(v) for n, v in enumerate([7, 7, 6, 7, 7, 8, 8, 8], 1)}

    response = client.submit("/measures/wellness_wheel", answers)

    assert response.status_code == 303
    rows = _responses(db, member, "wellness_wheel")
    assert rows[-1].answers == [7, 7, 6, 7, 7, 8, 8, 8]
    assert rows[-1].score == 7.25 and rows[-1].raw_score == 58
    page = client.get("/measures/wellness_wheel")
    assert "Your score today: 7.25" in page.text
    first = rows[0].score
    assert f"3.37 higher than your first score ({service.fmt(first)}" in page.text
    assert not JUDGING.search(page.text)


def test_incomplete_or_out_of_range_answers_save_nothing(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member2"]
    client.login("harbor.member2")
    before = len(_responses(db, member, "wellness_wheel"))
    answers = {f"item_{n}": "5" for n in range(1, 9)}
    answers["item_3"] = ""
    answers["item_6"] = "11"

    response = client.submit("/measures/wellness_wheel", answers)

    assert response.status_code == 422
    assert "Financial: please choose an answer" in response.text
    assert "Physical: choose a whole number from 0 to 10" in response.text
    assert 'href="#f-item_3"' in response.text and 'id="f-item_3"' in response.text
    assert 'id="f-item_1-5" name="item_1" value="5" checked' in response.text  # kept
    assert len(_responses(db, member, "wellness_wheel")) == before


def test_swemwbs_waits_until_the_organization_adds_its_licensed_wording(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    client.login("harbor.member1")

    page = client.get("/measures/swemwbs")
    listing = client.get("/measures")
    answer = client.submit("/measures/swemwbs", {f"item_{n}": "3" for n in range(1, 8)})
    api = client.api(
        "POST", f"/api/v1/members/{member.id}/measures/swemwbs/responses", json={"answers": [3] * 7}
    )

    assert page.status_code == 200
    assert "needs to add the wording" in page.text and 'name="item_1"' not in page.text
    assert "Not available yet" in listing.text
    assert answer.status_code == 422 and api.status_code == 422
    assert "item wording under its licence" in api.json()["detail"]
    assert _responses(db, member, "swemwbs") == []


def test_admin_adds_licensed_wording_and_members_of_that_organization_answer(
    make_client, demo: dict[str, User], db: Session
) -> None:
    admin = make_client()
    _enter_wording(admin)
    member, elsewhere = make_client(), make_client()
    member.login("harbor.member3")
    elsewhere.login("riverbend.member3")

    form = member.get("/measures/swemwbs")
    assert "Licensed statement number 7" in form.text
    assert "Licensed statement number 1" not in elsewhere.get("/measures/swemwbs").text
    response = member.submit("/measures/swemwbs", {f"item_{n}": "3" for n in range(1, 8)})

    assert response.status_code == 303
    row = _responses(db, demo["harbor.member3"], "swemwbs")[0]
    assert row.raw_score == 21 and row.score == SWEMWBS_METRIC[21] == 19.25
    db.expire_all()
    audit = db.scalars(select(AuditEvent).where(AuditEvent.action == "write:measure_wording")).one()
    assert audit.actor_username == "harbor.admin" and "WEMWBS reg. 2026-114" in audit.detail
    listing = admin.get("/admin/measures")
    assert "WEMWBS reg. 2026-114" in listing.text


@pytest.mark.parametrize(
    "username", ["harbor.member1", "harbor.peer1", "harbor.supervisor", "harbor.supporter1"]
)
def test_only_admins_enter_licensed_wording(
    client: Browser, demo: dict[str, User], db: Session, username: str
) -> None:
    client.login(username)

    page = client.get("/admin/measures/swemwbs/items")
    post = client.submit("/admin/measures/swemwbs/items", {**WORDING, "licence_reference": "none"})

    assert page.status_code == 403 and post.status_code == 403
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(MeasureItemText)) == 0


def test_admin_wording_form_needs_every_statement_and_a_licence_reference(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    client.login("harbor.admin")
    partial = {**WORDING, "item_4": "   "}

    response = client.submit("/admin/measures/swemwbs/items", partial)

    assert response.status_code == 422
    assert "Statement 4: enter its wording" in response.text
    assert "Licence reference: enter" in response.text
    assert 'value="Licensed statement number 5"' in response.text  # kept
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(MeasureItemText)) == 0
    assert client.get("/admin/measures/wellness_wheel/items").status_code == 404  # ours


def test_peer_reads_their_members_results_but_never_answers_for_them(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    peer = make_client()
    peer.login("harbor.peer1")

    page = peer.get(f"/members/{member.id}/measures")
    api = peer.get(f"/api/v1/members/{member.id}/measures/wellness_wheel/responses")
    write = peer.api(
        "POST",
        f"/api/v1/members/{member.id}/measures/wellness_wheel/responses",
        json={"answers": [5] * 8},
    )

    assert page.status_code == 200
    assert "than their first score" in page.text and not JUDGING.search(page.text)
    assert api.status_code == 200 and len(api.json()) == 6
    assert write.status_code == 404
    assert len(_responses(db, member, "wellness_wheel")) == 6
    for username in ("harbor.supervisor", "harbor.admin", "harbor.peer2", "riverbend.peer1"):
        other = make_client()
        other.login(username)
        assert other.get(f"/members/{member.id}/measures").status_code == 404, username
        assert (
            other.get(f"/api/v1/members/{member.id}/measures/wellness_wheel/responses").status_code
            == 404
        ), username


def test_api_registry_describes_each_measure_and_its_licence(
    make_client, demo: dict[str, User]
) -> None:
    client = make_client()
    client.login("harbor.member1")

    registry = {m["key"]: m for m in client.get("/api/v1/measures").json()}

    assert registry["wellness_wheel"]["available"] is True
    assert len(registry["wellness_wheel"]["items"]) == 8
    assert registry["wellness_wheel"]["licence"] == "ours_free"
    assert registry["swemwbs"]["items"] is None and registry["swemwbs"]["available"] is False
    assert registry["swemwbs"]["wording_supplied_by_organization"] is True
    assert registry["swemwbs"]["licence"] == "licence_required"
    assert registry["swemwbs"]["scale"] == {
        "min": 1,
        "max": 5,
        "labels": {
            "1": "None of the time",
            "2": "Rarely",
            "3": "Some of the time",
            "4": "Often",
            "5": "All of the time",
        },
    }


def test_api_records_responses_and_refuses_bad_ones(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member4"]
    url = f"/api/v1/members/{member.id}/measures/wellness_wheel/responses"
    client.login("harbor.member4")
    before = len(_responses(db, member, "wellness_wheel"))

    created = client.api(
        "POST", url, json={"answers": [6, 6, 5, 6, 5, 7, 6, 7], "answered_on": "2026-01-05"}
    )
    short = client.api("POST", url, json={"answers": [6, 6]})
    high = client.api("POST", url, json={"answers": [6, 6, 5, 6, 5, 7, 6, 70]})
    future = client.api(
        "POST",
        url,
        json={"answers": [5] * 8, "answered_on": (date.today() + timedelta(days=3)).isoformat()},
    )
    unknown = client.api(
        "POST", f"/api/v1/members/{member.id}/measures/no_such/responses", json={"answers": [1]}
    )

    assert created.status_code == 201 and created.json()["score"] == 6.0
    assert short.status_code == 422 and "answers" in short.json()["errors"]
    assert high.status_code == 422 and "item_8" in high.json()["errors"]
    assert future.status_code == 422 and "answered_on" in future.json()["errors"]
    assert unknown.status_code == 404
    assert len(_responses(db, member, "wellness_wheel")) == before + 1
    listed = client.get(url).json()
    assert [r["answered_on"] for r in listed] == sorted(r["answered_on"] for r in listed)


def test_measures_list_shows_the_members_own_last_score_and_trend(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("harbor.member1")

    page = client.get("/measures")

    assert page.status_code == 200
    assert "Latest score 6.38" in page.text and "than your first score" in page.text
    assert not JUDGING.search(page.text)


def test_demo_has_monthly_wellness_wheels_for_members_one_to_four(
    demo: dict[str, User], db: Session
) -> None:
    counts = [len(_responses(db, demo[f"harbor.member{n}"], "wellness_wheel")) for n in range(1, 9)]

    assert counts == [6, 4, 3, 2, 0, 0, 0, 0]
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(MeasureItemText)) == 0
