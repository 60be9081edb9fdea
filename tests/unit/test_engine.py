"""The web server queues SQLite work on one connection; CLI and tools keep a normal pool."""

from __future__ import annotations

from pathlib import Path

from peerpath.app import create_app
from peerpath.db.session import Database
from peerpath.settings import Settings


def _settings(tmp_path: Path) -> Settings:
    return Settings(var_dir=tmp_path, secret_key="s" * 40, _env_file=None)  # type: ignore[call-arg]


def test_server_app_uses_one_sqlite_connection(tmp_path: Path) -> None:
    app = create_app(_settings(tmp_path))
    pool = app.state.database.engine.pool
    assert pool.size() == 1
    assert pool._max_overflow == 0  # no public accessor
    app.state.database.dispose()


def test_cli_database_can_hold_two_connections_at_once(tmp_path: Path) -> None:
    database = Database(_settings(tmp_path))
    with database.engine.connect() as first, database.engine.connect() as second:
        assert first is not second
    database.dispose()


def test_a_long_read_on_sqlite_lets_other_writers_in_and_cannot_write(tmp_path: Path) -> None:
    """An uncached report reads apart from the request's write transaction (long_read):
    what the request wrote so far is committed, the write lock is free for others while the
    report reads, and the report's connection refuses writes."""
    import sqlite3

    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    database = Database(_settings(tmp_path), single_connection=True)
    with database.engine.begin() as conn:
        conn.execute(text("CREATE TABLE seen (who TEXT)"))
    db = database.sessionmaker()
    db.info["database"] = database
    db.execute(text("INSERT INTO seen VALUES ('audit row of this request')"))  # holds the lock
    path = database.engine.url.database
    assert path is not None
    with database.long_read(db) as reader:
        assert reader is not db
        rows = reader.execute(text("SELECT who FROM seen")).scalars().all()
        assert rows == ["audit row of this request"]
        other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # would fail with "database is locked" if held
        other.execute("ROLLBACK")
        other.close()
        with pytest.raises(OperationalError):
            reader.execute(text("INSERT INTO seen VALUES ('a report never writes')"))
    db.close()
    database.dispose()
