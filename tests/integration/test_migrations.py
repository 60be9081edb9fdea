"""Migrations build exactly the schema the models describe, on SQLite and on PostgreSQL.

Each test starts from an empty database, so these prove what `peerpath db upgrade` does on a
new server, not what the shared test database happens to contain.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, delete, func, insert, inspect, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from peerpath.db import migrate
from peerpath.db.base import Base
from peerpath.db.fts import FTS_TABLES, include_object
from peerpath.db.models import AuditEvent, User  # importing models registers every table
from peerpath.db.session import Database, make_engine
from peerpath.settings import Settings
from tests.conftest import (
    POSTGRES_URL,
    drop_postgres_schema,
    fresh_engine,
    postgres_engine,
    worker_suffix,
)

AUDIT = AuditEvent.__table__


@pytest.fixture
def empty_engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    name = f"mig_{uuid.uuid4().hex[:8]}"
    engine = fresh_engine(backend, tmp_path, name)
    yield engine
    engine.dispose()
    if backend == "postgres":
        drop_postgres_schema(f"pp_{name}_{worker_suffix()}")


def schema_differences(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object}
        )
        return list(compare_metadata(context, Base.metadata))


def peerpath_tables(engine: Engine) -> set[str]:
    # The note search index tables (SQLite FTS5) live outside the metadata: peerpath.db.fts.
    return set(inspect(engine).get_table_names()) - {"alembic_version"} - FTS_TABLES


def add_audit_event(engine: Engine) -> int:
    with engine.begin() as conn:
        result = conn.execute(
            insert(AUDIT).values(action="view", record_type="user", record_id="1", allowed=True)
        )
        return int(result.inserted_primary_key[0])


def test_upgrade_empty_database_matches_models(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)

    assert peerpath_tables(empty_engine) == set(Base.metadata.tables)
    assert schema_differences(empty_engine) == []


def test_upgrade_empty_database_reaches_head(empty_engine: Engine) -> None:
    assert migrate.current(empty_engine) is None

    migrate.upgrade(empty_engine)

    assert migrate.head() is not None
    assert migrate.current(empty_engine) == migrate.head()


@pytest.mark.parametrize("verb", ["update", "delete"])
def test_change_audit_event_refused_by_trigger(empty_engine: Engine, verb: str) -> None:
    migrate.upgrade(empty_engine)
    row_id = add_audit_event(empty_engine)
    statement = (
        update(AUDIT).where(AUDIT.c.id == row_id).values(detail="rewritten", allowed=False)
        if verb == "update"
        else delete(AUDIT).where(AUDIT.c.id == row_id)
    )

    with pytest.raises(DBAPIError, match="append-only"), empty_engine.begin() as conn:
        conn.execute(statement)

    with empty_engine.connect() as conn:
        row = conn.execute(select(AUDIT).where(AUDIT.c.id == row_id)).one()
    assert (row.detail, row.allowed) == ("", True)


@pytest.mark.postgres
def test_truncate_audit_events_refused_on_postgres(tmp_path: Path) -> None:
    name = f"mig_{uuid.uuid4().hex[:8]}"
    engine = fresh_engine("postgres", tmp_path, name)
    try:
        migrate.upgrade(engine)
        add_audit_event(engine)

        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text("TRUNCATE audit_events"))

        with engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(AUDIT)) == 1
    finally:
        engine.dispose()
        drop_postgres_schema(f"pp_{name}_{worker_suffix()}")


def test_downgrade_to_base_removes_every_table(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)

    migrate.downgrade(empty_engine, "base")

    assert peerpath_tables(empty_engine) == set()
    assert migrate.current(empty_engine) is None


def test_upgrade_after_downgrade_rebuilds_schema_and_triggers(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    migrate.downgrade(empty_engine, "base")

    migrate.upgrade(empty_engine)

    assert migrate.current(empty_engine) == migrate.head()
    assert schema_differences(empty_engine) == []
    row_id = add_audit_event(empty_engine)
    with pytest.raises(DBAPIError, match="append-only"), empty_engine.begin() as conn:
        conn.execute(delete(AUDIT).where(AUDIT.c.id == row_id))


def test_insert_user_with_unknown_organization_refused(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)

    with pytest.raises(DBAPIError), empty_engine.begin() as conn:
        conn.execute(
            insert(User.__table__).values(
                organization_id=999,
                username="nobody",
                display_name="Nobody",
                role="member",
                is_active=True,
            )
        )


def test_upgrade_database_url_with_percent_sign(backend: str, tmp_path: Path) -> None:
    # "%" is special to the configparser behind Alembic's Config: an encoded password
    # (p%40ss for "p@ss") or a folder called "50%" must not break `peerpath db upgrade`.
    if backend == "sqlite":
        folder = tmp_path / "50% off #1"
        folder.mkdir()
        engine = make_engine(f"sqlite:///{folder / 'peerpath.db'}")
        schema = ""
    else:
        schema = f"pp_mig_{uuid.uuid4().hex[:8]}_{worker_suffix()}"
        postgres_engine(schema).dispose()
        # Any "%" will do; a query value keeps the test independent of how the server
        # authenticates (a made-up password would be refused by password auth).
        url = make_url(POSTGRES_URL).update_query_dict({"application_name": "peerpath 100%"})
        engine = make_engine(
            url.render_as_string(hide_password=False),
            connect_args={"options": f"-csearch_path={schema}"},
        )
    try:
        assert "%" in engine.url.render_as_string(hide_password=False)

        migrate.upgrade(engine)

        assert migrate.current(engine) == migrate.head()
    finally:
        engine.dispose()
        if schema:
            drop_postgres_schema(schema)


def test_connect_sqlite_sets_durability_pragmas(tmp_path: Path) -> None:
    settings = Settings(
        environment="test", var_dir=tmp_path, sqlite_busy_timeout_ms=1234, _env_file=None
    )  # type: ignore[call-arg]
    database = Database(settings)
    try:
        with database.engine.connect() as conn:
            pragmas = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")
            }
    finally:
        database.dispose()

    assert pragmas == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "synchronous": 2,  # FULL
        "busy_timeout": 1234,
    }
