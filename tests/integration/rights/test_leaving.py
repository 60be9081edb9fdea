"""Leaving the programme, and `peerpath retention run` erasing what is due."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from peerpath.accounts import service as accounts
from peerpath.cli import app as cli_app
from peerpath.core.audit import Viewer
from peerpath.db.base import utcnow
from peerpath.db.models import AuditEvent, MemberDeparture, User, UserSession
from peerpath.rights import leaving
from peerpath.rights.registry import REGISTRY, rows_of
from peerpath.settings import Settings, get_settings
from tests.conftest import DEMO_PASSWORD, Browser


def _counts(db: Session, member: User) -> dict[str, int]:
    return {
        entry.table: len(db.execute(rows_of(entry, member.organization_id, member.id)).all())
        for entry in REGISTRY
    }


def _leave(db: Session, member: User, days_ago: int = 0) -> None:
    leaving.leave(db, Viewer(member), member.id, "leave")
    departure = db.scalar(select(MemberDeparture).where(MemberDeparture.member_id == member.id))
    assert departure is not None
    departure.left_at = utcnow() - timedelta(days=days_ago)
    db.flush()


def _set_days(member: User, days: int) -> None:
    org = member.organization
    org.settings = {**(org.settings or {}), "retention_days_after_leaving": days}


def test_confirmation_page_says_what_happens_and_when(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("harbor.member1")

    page = client.get("/me/leave").text

    assert "2555 days" in page and "signed out on every device" in page
    assert "export" in page.lower()


def test_wrong_word_changes_nothing(client: Browser, demo: dict[str, User], db: Session) -> None:
    client.login("harbor.member1")

    response = client.submit("/me/leave", {"confirm": "yes"})

    assert response.status_code == 422
    assert "type the word" in response.text
    assert client.get("/my-recovery").status_code == 200
    assert db.scalar(select(func.count()).select_from(MemberDeparture)) == 0


def test_leaving_signs_out_everywhere_and_blocks_sign_in(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    phone, laptop = make_client(), make_client()
    phone.login("harbor.member1")
    laptop.login("harbor.member1")

    left = laptop.submit("/me/leave", {"confirm": " Leave "})

    assert left.status_code == 303 and left.headers["location"] == "/goodbye"
    assert "Your account is closed" in laptop.get("/goodbye").text
    assert phone.get("/my-recovery", follow_redirects=False).status_code in (303, 401)
    refused = phone.submit("/login", {"username": "harbor.member1", "password": DEMO_PASSWORD})
    assert refused.status_code != 303
    db.expire_all()
    assert db.scalar(select(func.count()).where(UserSession.user_id == member.id)) == 0
    assert db.get(User, member.id).is_active is False  # type: ignore[union-attr]
    # nothing is erased yet: the retention period has only started
    assert _counts(db, member)["checkins"] > 0


def test_retention_erases_all_of_the_member_and_nothing_else(
    demo: dict[str, User], db: Session
) -> None:
    member, other = demo["harbor.member1"], demo["harbor.member2"]
    other_before = _counts(db, other)
    audit_before = db.scalar(select(func.count()).where(AuditEvent.subject_member_id == member.id))
    assert _counts(db, member)["journal_entries"] > 0
    _leave(db, member, days_ago=2556)

    report = leaving.run(db)

    assert [e.member_id for e in report.erased] == [member.id]
    assert report.erased[0].counts["checkins"] > 0
    db.expire_all()
    remaining = {t: n for t, n in _counts(db, member).items() if n and t != "audit_events"}
    assert remaining == {}
    assert _counts(db, other) == other_before
    erased = db.get(User, member.id)
    assert erased is not None
    assert erased.username == f"erased-member-{member.id}" and erased.email is None
    assert erased.display_name == leaving.ERASED_NAME and erased.password_hash is None
    # the audit log stays, plus one event with counts (never content)
    events = db.scalars(
        select(AuditEvent).where(
            AuditEvent.subject_member_id == member.id, AuditEvent.action == "erase"
        )
    ).all()
    details = " ".join(e.detail for e in events)
    assert events and " checkins " in details and all(len(e.detail) <= 300 for e in events)
    after = db.scalar(select(func.count()).where(AuditEvent.subject_member_id == member.id))
    assert after is not None and audit_before is not None and after > audit_before
    # running again erases nothing more
    assert leaving.run(db).erased == []


def test_dry_run_changes_nothing(demo: dict[str, User], db: Session) -> None:
    member = demo["harbor.member1"]
    _leave(db, member, days_ago=3000)
    before = _counts(db, member)

    report = leaving.run(db, dry_run=True)

    assert report.erased[0].counts["checkins"] == before["checkins"]
    db.expire_all()
    assert _counts(db, member) == before
    assert db.get(User, member.id).username == "harbor.member1"  # type: ignore[union-attr]


def test_not_due_yet_is_untouched_and_the_setting_decides(
    demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    _leave(db, member, days_ago=10)
    before = _counts(db, member)

    report = leaving.run(db)

    assert report.erased == [] and report.not_due == 1
    assert _counts(db, member) == before
    _set_days(member, 7)
    db.flush()
    assert [e.member_id for e in leaving.run(db).erased] == [member.id]


def test_a_member_reactivated_after_leaving_is_kept(demo: dict[str, User], db: Session) -> None:
    member = demo["harbor.member1"]
    _leave(db, member, days_ago=5000)
    member.is_active = True
    db.flush()

    report = leaving.run(db)

    assert report.erased == [] and report.came_back == 1
    assert _counts(db, member)["checkins"] > 0


def test_admin_sets_the_retention_days(client: Browser, demo: dict[str, User]) -> None:
    client.login("harbor.admin")

    bad = client.submit("/admin/retention", {"retention_days_after_leaving": "-3"})
    good = client.api("PUT", "/api/v1/admin/retention", json={"retention_days_after_leaving": 30})

    assert bad.status_code == 422
    assert good.status_code == 200
    assert client.get("/api/v1/admin/retention").json() == {"retention_days_after_leaving": 30}
    client.login("harbor.member1")
    assert "30 days" in client.get("/me/leave").text


def test_api_leave(client: Browser, demo: dict[str, User]) -> None:
    client.login("harbor.member2")

    wrong = client.api("POST", "/api/v1/me/leave", json={"confirm": "maybe"})
    done = client.api("POST", "/api/v1/me/leave", json={"confirm": "leave"})

    assert wrong.status_code == 422
    assert done.status_code == 200 and done.json()["retention_days"] == 2555


def test_cli_run_and_dry_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for field in Settings.model_fields:
        monkeypatch.delenv(f"PEERPATH_{field.upper()}", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PEERPATH_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PEERPATH_SECRET_KEY", "cli-test-secret-" + "k" * 32)
    runner = CliRunner()
    get_settings.cache_clear()
    try:
        assert runner.invoke(cli_app, ["db", "upgrade"]).exit_code == 0
        dry = runner.invoke(cli_app, ["retention", "run", "--dry-run"])
        real = runner.invoke(cli_app, ["retention", "run"])
    finally:
        get_settings.cache_clear()

    assert dry.exit_code == 0, dry.output
    assert "Would erase 0 member(s); 0 not due yet (dry run: nothing was changed)." in dry.output
    assert real.exit_code == 0 and "Erased 0 member(s)" in real.output


def test_accounts_sessions_end(demo: dict[str, User], db: Session) -> None:
    member = demo["harbor.member2"]
    accounts.create_api_token(db, Viewer(member), "mine")
    _leave(db, member)

    assert accounts.user_for_api_token(db, "pp_not_a_token") is None
    assert db.scalar(select(func.count()).where(UserSession.user_id == member.id)) == 0
