"""The SQLite web server runs a GET's handler in a read phase that takes no lock, and writes
what the page must record (audit rows, a session's sliding expiry) in one short transaction
after it (db/session.py, READ_PHASE). These tests use the server's own database set-up: one
SQLite file, one connection per process."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from sqlalchemy import event, func, select

from peerpath.app import create_app
from peerpath.core.crypto import load_keyring
from peerpath.core.deps import DbSession
from peerpath.core.unit_of_work import UnitOfWorkRoute
from peerpath.db import migrate
from peerpath.db.base import utcnow
from peerpath.db.models import AuditEvent, User, UserSession
from peerpath.db.session import Database, in_read_phase
from peerpath.demo import load_demo
from peerpath.settings import Settings
from tests.conftest import Browser


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[FastAPI, Database, dict[str, int]]]:
    settings = Settings(
        environment="test",
        var_dir=tmp_path / "var",
        database_url=f"sqlite:///{tmp_path / 'server.db'}",
        secret_key="r" * 40,
        base_url="https://testserver",
        _env_file=None,
    )  # type: ignore[call-arg]
    database = Database(settings, single_connection=True)
    migrate.upgrade(database.engine)
    with database.session_scope() as db:
        load_demo(db, keyring=load_keyring(settings))
        ids = {u.username: u.id for u in db.scalars(select(User))}
    yield create_app(settings, database), database, ids
    database.dispose()


def _statements(database: Database) -> list[str]:
    seen: list[str] = []

    @event.listens_for(database.engine, "before_cursor_execute")
    def _record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement.split(None, 2)[0].upper() + _second_word(statement))

    return seen


def _second_word(statement: str) -> str:
    words = statement.split()
    return f" {words[1].upper()}" if words[0].upper() == "BEGIN" and len(words) > 1 else ""


def _audit_rows(database: Database, member_id: int) -> list[tuple[str, bool]]:
    with database.session_scope() as db:
        rows = db.execute(
            select(AuditEvent.action, AuditEvent.allowed)
            .where(AuditEvent.subject_member_id == member_id)
            .order_by(AuditEvent.id)
        )
        return [(action, allowed) for action, allowed in rows]


def test_a_page_view_reads_without_the_write_lock_and_is_audited_after(
    server: tuple[FastAPI, Database, dict[str, int]],
) -> None:
    app, database, ids = server
    member_id = ids["harbor.member1"]
    with Browser(app, base_url="https://testserver") as browser:
        browser.login("harbor.peer1")
        before = _audit_rows(database, member_id)
        seen = _statements(database)
        page = browser.get(f"/members/{member_id}")
    assert page.status_code == 200
    # The handler's queries run in a plain BEGIN; the write lock is taken only afterwards,
    # for the audit rows, and held for nothing but their INSERTs.
    assert seen[0] == "BEGIN"
    assert "SELECT" in seen[: seen.index("BEGIN IMMEDIATE")]
    assert set(seen[seen.index("BEGIN IMMEDIATE") + 1 :]) <= {"INSERT", "COMMIT"}
    after = _audit_rows(database, member_id)
    assert len(after) > len(before)
    assert all(allowed for _action, allowed in after[len(before) :])


def test_a_refused_read_is_on_record_after_the_read_phase(
    server: tuple[FastAPI, Database, dict[str, int]],
) -> None:
    app, database, ids = server
    other_org_member = ids["riverbend.member1"]
    with Browser(app, base_url="https://testserver", raise_server_exceptions=False) as browser:
        browser.login("harbor.peer1")
        page = browser.get(f"/members/{other_org_member}")
    assert page.status_code == 404
    with database.session_scope() as db:
        refused = db.scalars(
            select(AuditEvent.action).where(
                AuditEvent.actor_username == "harbor.peer1", AuditEvent.allowed.is_(False)
            )
        ).all()
    assert refused == ["read:profile"]


def test_a_get_that_writes_is_run_again_as_a_writer(
    server: tuple[FastAPI, Database, dict[str, int]],
) -> None:
    app, database, _ids = server
    phases: list[bool] = []
    router = APIRouter(route_class=UnitOfWorkRoute)

    @router.get("/test-only/writes")
    def writes(db: DbSession) -> dict[str, bool]:
        phases.append(in_read_phase(db))
        db.add(AuditEvent(action="test.get-writes", record_type="test", allowed=True))
        db.flush()
        return {"written": True}

    app.include_router(router)
    with Browser(app, base_url="https://testserver") as browser:
        response = browser.get("/test-only/writes")
    assert response.status_code == 200
    assert phases == [True, False]
    with database.session_scope() as db:
        count = db.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "test.get-writes")
        )
    assert count == 1


def test_sliding_expiry_of_a_session_is_written_after_a_page_view(
    server: tuple[FastAPI, Database, dict[str, int]],
) -> None:
    app, database, ids = server
    with Browser(app, base_url="https://testserver") as browser:
        browser.login("harbor.member1")
        long_ago = utcnow() - timedelta(minutes=30)
        with database.session_scope() as db:
            for session in db.scalars(
                select(UserSession).where(UserSession.user_id == ids["harbor.member1"])
            ):
                session.last_seen_at = long_ago
        assert browser.get("/my-recovery").status_code == 200
    with database.session_scope() as db:
        seen = db.scalars(
            select(UserSession.last_seen_at).where(UserSession.user_id == ids["harbor.member1"])
        ).all()
    assert seen and max(seen) > long_ago + timedelta(minutes=25)


def test_the_dashboard_is_computed_in_the_report_process_and_audited(
    server: tuple[FastAPI, Database, dict[str, int]],
) -> None:
    """On the web server an uncached dashboard is computed in the report process
    (db/reports.py); the page and its audit row are the same as computed in process."""
    app, database, _ids = server
    with Browser(app, base_url="https://testserver") as browser:
        browser.login("harbor.supervisor")
        page = browser.get("/outcomes")
        assert database._reports is not None and database._reports._pool is not None
    assert page.status_code == 200
    assert "Members served" in page.text
    # The app's shutdown ended the report process.
    assert database._reports._pool is None
    with database.session_scope() as db:
        actions = db.scalars(
            select(AuditEvent.action).where(AuditEvent.actor_username == "harbor.supervisor")
        ).all()
    assert any("outcomes" in action for action in actions)
