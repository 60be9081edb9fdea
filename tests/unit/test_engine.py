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
