"""`peerpath backup` and `peerpath restore` round trips, and the refusals that protect data.

pg_dump and pg_restore work on whole databases, so on PostgreSQL each test gets temporary
databases of its own (not the private schemas the other tests use) and drops them afterwards.
"""

from __future__ import annotations

import sqlite3
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from peerpath.core import audit, security
from peerpath.core.crypto import load_keyring
from peerpath.db import backup as backup_module
from peerpath.db import migrate
from peerpath.db.backup import BackupError, backup, restore
from peerpath.db.models import AuditEvent, Organization, Role, User
from peerpath.db.session import Database, make_engine
from peerpath.demo import DEMO_PASSWORD, load_demo
from peerpath.settings import Settings
from tests.conftest import POSTGRES_URL

NewDatabase = Callable[[], Database]


def create_postgres_database(admin: Engine) -> str:
    name = f"pp_backup_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return name


@pytest.fixture
def new_database(backend: str, tmp_path: Path) -> Iterator[NewDatabase]:
    """Makes new, empty databases of this backend; all are removed at the end of the test."""
    admin = (
        make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT") if backend == "postgres" else None
    )
    created: list[tuple[Database, str]] = []

    def factory() -> Database:
        if admin is None:
            name = f"db{len(created)}"
            url = f"sqlite:///{tmp_path / (name + '.db')}"
        else:
            name = create_postgres_database(admin)
            url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        settings = Settings(
            environment="test", var_dir=tmp_path / "var", database_url=url, _env_file=None
        )  # type: ignore[call-arg]
        database = Database(settings)
        created.append((database, name))
        return database

    yield factory
    for database, name in created:
        database.dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    if admin is not None:
        admin.dispose()


@pytest.fixture
def live(new_database: NewDatabase, tmp_path: Path) -> Database:
    """A migrated database with the demo organizations and one audit event."""
    database = new_database()
    migrate.upgrade(database.engine)
    keyring = load_keyring(Settings(var_dir=tmp_path / "keys", _env_file=None))  # type: ignore[call-arg]
    with database.session_scope() as db:
        load_demo(db, keyring=keyring)
        audit.record(db, action="create", record_type="demo", allowed=True, detail="demo loaded")
    return database


def snapshot(database: Database) -> dict[str, Any]:
    """Everything a restore must bring back, in a form that compares by value."""
    with database.engine.connect() as conn:
        return {
            "revision": migrate.current(database.engine),
            "organizations": sorted(conn.execute(select(Organization.slug, Organization.name))),
            "users": sorted(
                conn.execute(select(User.username, User.display_name, User.role, User.is_active))
            ),
            "audit": sorted(conn.execute(select(AuditEvent.id, AuditEvent.detail))),
        }


def change_after_backup(database: Database) -> None:
    """Edit, add and log: every kind of change a restore has to undo."""
    with database.session_scope() as db:
        member = db.scalars(select(User).where(User.username == "harbor.member1")).one()
        member.display_name = "Renamed After Backup"
        org = Organization(slug="later", name="Added After Backup")
        db.add(org)
        db.flush()
        db.add(
            User(
                organization_id=org.id,
                username="later.admin",
                display_name="Added Later",
                role=Role.ADMIN,
                is_active=True,
            )
        )
        audit.record(db, action="update", record_type="user", allowed=True, detail="after")


def display_name(database: Database, username: str) -> str | None:
    with database.engine.connect() as conn:
        return conn.scalar(select(User.display_name).where(User.username == username))


def test_restore_backup_with_force_returns_data_to_backup_state(
    live: Database, tmp_path: Path
) -> None:
    before = snapshot(live)
    target = backup(live.engine, live.settings, tmp_path / "peerpath.backup")
    change_after_backup(live)
    assert snapshot(live) != before

    restore(live.engine, live.settings, target, force=True)

    assert snapshot(live) == before
    assert display_name(live, "harbor.member1") == "Jordan Reyes"
    assert display_name(live, "later.admin") is None


def test_restore_backup_into_new_database_needs_no_force(
    live: Database, new_database: NewDatabase, tmp_path: Path
) -> None:
    target = backup(live.engine, live.settings, tmp_path / "peerpath.backup")
    fresh = new_database()

    restore(fresh.engine, fresh.settings, target)

    assert snapshot(fresh) == snapshot(live)
    assert migrate.current(fresh.engine) == migrate.head()
    with fresh.engine.connect() as conn:
        password_hash = conn.scalar(
            select(User.password_hash).where(User.username == "riverbend.peer1")
        )
    assert security.verify_password(password_hash, DEMO_PASSWORD)


def test_restore_backup_keeps_audit_log_append_only(
    live: Database, new_database: NewDatabase, tmp_path: Path
) -> None:
    target = backup(live.engine, live.settings, tmp_path / "peerpath.backup")
    fresh = new_database()

    restore(fresh.engine, fresh.settings, target)

    with pytest.raises(DBAPIError, match="append-only"), fresh.engine.begin() as conn:
        conn.execute(update(AuditEvent).values(detail="rewritten"))


def test_restore_backup_from_folder_with_special_characters(
    live: Database, new_database: NewDatabase, tmp_path: Path
) -> None:
    # "#", "?" and "%" mean something in a file: URI; a folder name must not change the file.
    target = backup(live.engine, live.settings, tmp_path / "backups #1 at 100%" / "peerpath.bak")
    fresh = new_database()

    restore(fresh.engine, fresh.settings, target)

    assert snapshot(fresh) == snapshot(live)


def test_restore_database_with_data_without_force_refused(live: Database, tmp_path: Path) -> None:
    target = backup(live.engine, live.settings, tmp_path / "peerpath.backup")
    change_after_backup(live)
    changed = snapshot(live)

    with pytest.raises(BackupError, match="--force"):
        restore(live.engine, live.settings, target)

    assert snapshot(live) == changed


def test_backup_existing_target_without_force_refused(live: Database, tmp_path: Path) -> None:
    target = tmp_path / "peerpath.backup"
    target.write_text("an older backup", encoding="utf-8")

    with pytest.raises(BackupError, match="--force"):
        backup(live.engine, live.settings, target)

    assert target.read_text(encoding="utf-8") == "an older backup"


def test_backup_existing_target_with_force_replaced(
    live: Database, new_database: NewDatabase, tmp_path: Path
) -> None:
    target = backup(live.engine, live.settings, tmp_path / "peerpath.backup")
    change_after_backup(live)

    backup(live.engine, live.settings, target, force=True)

    fresh = new_database()
    restore(fresh.engine, fresh.settings, target)
    assert display_name(fresh, "harbor.member1") == "Renamed After Backup"
    assert not target.with_name(target.name + ".partial").exists()


def test_backup_database_without_tables_refused(new_database: NewDatabase, tmp_path: Path) -> None:
    empty = new_database()
    target = tmp_path / "peerpath.backup"

    with pytest.raises(BackupError, match=r"db upgrade|no database"):
        backup(empty.engine, empty.settings, target)

    assert not target.exists()
    if empty.engine.dialect.name == "sqlite":
        # Refusing must not leave an empty database file behind where none was.
        assert not Path(str(empty.engine.url.database)).exists()


def test_restore_missing_file_refused(live: Database, tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="no backup file"):
        restore(live.engine, live.settings, tmp_path / "nothing-here.backup", force=True)


def write_foreign_backup(backend: str, path: Path, new_database: NewDatabase) -> None:
    """A real backup file of the right kind, made from a database that is not peerpath."""
    if backend == "sqlite":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("INSERT INTO notes (body) VALUES ('hello')")
        conn.commit()
        conn.close()
        return
    other = new_database()
    with other.engine.begin() as conn:
        conn.execute(text("CREATE TABLE notes (id serial PRIMARY KEY, body text)"))
    url = other.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    subprocess.run(["pg_dump", "--format=custom", "--file", str(path), url], check=True)


@pytest.mark.parametrize("kind", ["text file", "other application's backup"])
def test_restore_non_peerpath_file_refused(
    backend: str, live: Database, new_database: NewDatabase, tmp_path: Path, kind: str
) -> None:
    source = tmp_path / "not-peerpath.backup"
    if kind == "text file":
        source.write_text("name,email\nJordan,jordan@example.org\n", encoding="utf-8")
    else:
        write_foreign_backup(backend, source, new_database)
    before = snapshot(live)

    with pytest.raises(BackupError, match=r"not a (SQLite|PostgreSQL|peerpath) backup|not of a"):
        restore(live.engine, live.settings, source, force=True)

    assert snapshot(live) == before


@pytest.mark.parametrize(
    "backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_backup_postgres_keeps_password_out_of_command_line(
    live: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Any local user can read another process's command line; the password goes in PGPASSWORD.
    password = live.engine.url.password or "only-in-the-environment"  # trust auth ignores it
    engine = make_engine(
        live.engine.url.set(password=password).render_as_string(hide_password=False)
    )
    calls: list[tuple[list[str], dict[str, str]]] = []
    real_run = subprocess.run

    def spy(command: list[str], **kwargs: Any) -> Any:
        calls.append((command, kwargs.get("env") or {}))
        return real_run(command, **kwargs)

    monkeypatch.setattr(backup_module.subprocess, "run", spy)
    try:
        target = backup(engine, live.settings, tmp_path / "peerpath.backup")
        restore(engine, live.settings, target, force=True)
    finally:
        engine.dispose()

    database_calls = [(cmd, env) for cmd, env in calls if "--list" not in cmd]
    assert [Path(cmd[0]).name for cmd, _ in database_calls] == ["pg_dump", "pg_restore"]
    for command, env in database_calls:
        assert not any(str(password) in part for part in command)
        assert env["PGPASSWORD"] == password
