"""The organization's settings for plans: whose signatures, and months until review."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.core.org_settings import org_settings
from peerpath.db.models import AuditEvent, Organization, User
from tests.conftest import Browser
from tests.integration.plans.versions.conftest import set_org_settings


def _settings(db: Session, username_org: str) -> dict[str, object]:
    db.expire_all()
    org = db.scalar(select(Organization).where(Organization.slug == username_org))
    assert org is not None
    return org_settings(org).model_dump()


def test_admin_changes_plan_settings_and_the_change_is_audited(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    client.login("harbor.admin")
    page = client.get("/admin/settings")
    assert page.status_code == 200
    assert 'href="/admin/settings" aria-current="page"' in page.text  # in the admin nav
    assert '<label for="f-plan_review_months">' in page.text

    response = client.submit(
        "/admin/settings",
        {"plan_signatures": ["member", "peer_specialist", "supervisor"], "plan_review_months": "9"},
    )

    assert response.status_code == 303
    saved = _settings(db, "harbor")
    assert saved["plan_signatures"] == ["member", "peer_specialist", "supervisor"]
    assert saved["plan_review_months"] == 9
    assert _settings(db, "riverbend")["plan_review_months"] == 6  # another organization's own
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "update:settings"))
    assert event is not None
    assert event.actor_username == "harbor.admin"
    assert "plan_review_months: 6 → 9" in event.detail
    assert "Settings saved." in client.get("/admin/settings").text


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        (
            {"plan_signatures": ["member"], "plan_review_months": "0"},
            "plan_review_months",
            "from 1 to 36",
        ),
        (
            {"plan_signatures": ["member"], "plan_review_months": "99"},
            "plan_review_months",
            "from 1 to 36",
        ),
        (
            {"plan_signatures": ["member"], "plan_review_months": "six"},
            "plan_review_months",
            "whole number",
        ),
        (
            {"plan_signatures": ["member", "boss"], "plan_review_months": "6"},
            "plan_signatures",
            "is not a role that signs plans",
        ),
        (
            {"plan_signatures": ["peer_specialist"], "plan_review_months": "6"},
            "plan_signatures",
            "the member&#39;s own signature is always needed",
        ),
    ],
)
def test_admin_settings_form_refuses_bad_values_with_422(
    client: Browser,
    demo: dict[str, User],
    db: Session,
    form: dict[str, object],
    field: str,
    message: str,
) -> None:
    client.login("harbor.admin")
    before = _settings(db, "harbor")

    response = client.submit("/admin/settings", form)

    assert response.status_code == 422
    assert message in response.text
    assert f'href="#f-{field}"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert _settings(db, "harbor") == before


def test_api_settings_read_and_patch(client: Browser, demo: dict[str, User], db: Session) -> None:
    client.login("riverbend.admin")
    assert client.get("/api/v1/admin/settings").json() == {
        "plan_signatures": ["member", "peer_specialist"],
        "plan_review_months": 6,
        "sharing_defaults": {
            "my_peer_specialist": [
                "plan",
                "wellness_plan",
                "crisis_plan",
                "checkins",
                "measures",
                "notes",
            ],
            "my_supervisor": ["plan", "wellness_plan", "crisis_plan", "notes"],
        },
    }

    changed = client.api("PATCH", "/api/v1/admin/settings", json={"plan_review_months": 12})

    assert changed.status_code == 200
    assert changed.json()["plan_review_months"] == 12
    assert changed.json()["plan_signatures"] == ["member", "peer_specialist"]
    assert _settings(db, "riverbend")["plan_review_months"] == 12


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"plan_review_months": 0}, "plan_review_months"),
        ({"plan_review_months": 99}, "plan_review_months"),
        ({"plan_review_months": True}, "plan_review_months"),
        ({"plan_signatures": ["member", "chair"]}, "plan_signatures"),
        ({"plan_signatures": "supervisor"}, "plan_signatures"),
        ({"plan_signatures": []}, "plan_signatures"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_api_settings_patch_refuses_bad_values_with_422(
    client: Browser, demo: dict[str, User], db: Session, body: dict[str, object], field: str
) -> None:
    client.login("harbor.admin")
    before = _settings(db, "harbor")

    response = client.api("PATCH", "/api/v1/admin/settings", json=body)

    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert response.json()["detail"]
    assert _settings(db, "harbor") == before


@pytest.mark.parametrize(
    "username", ["harbor.member1", "harbor.peer1", "harbor.supervisor", "harbor.supporter1"]
)
def test_settings_as_someone_who_is_not_an_admin_answers_403(
    client: Browser, demo: dict[str, User], db: Session, username: str
) -> None:
    client.login(username)
    before = _settings(db, "harbor")
    assert client.get("/admin/settings").status_code == 403
    assert (
        client.submit(
            "/admin/settings", {"plan_signatures": ["member"], "plan_review_months": "1"}
        ).status_code
        == 403
    )
    assert client.get("/api/v1/admin/settings").status_code == 403
    patch = client.api("PATCH", "/api/v1/admin/settings", json={"plan_review_months": 1})
    assert patch.status_code == 403
    assert _settings(db, "harbor") == before


def test_stored_settings_that_no_longer_validate_fall_back_per_field(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    set_org_settings(
        db,
        demo["harbor.admin"],
        plan_review_months=99,
        plan_signatures=["member", "supervisor"],
    )

    saved = _settings(db, "harbor")
    assert saved["plan_signatures"] == ["member", "supervisor"]  # still valid: kept
    assert saved["plan_review_months"] == 6  # out of range now: the default
    client.login("harbor.admin")
    assert client.get("/admin/settings").status_code == 200
