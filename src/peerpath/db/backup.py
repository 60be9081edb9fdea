"""Online, consistent backups and restores: SQLite's backup API, or pg_dump/pg_restore."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine, inspect, text

from peerpath.settings import Settings


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("This SQLite database lives in memory; there is no file to back up.")
    return Path(database)


def _libpq_url(engine: Engine) -> str:
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def has_data(engine: Engine) -> bool:
    """True when the database holds peerpath tables with at least one account."""
    if "users" not in inspect(engine).get_table_names():
        return False
    with engine.connect() as conn:
        return bool(conn.execute(text("SELECT 1 FROM users LIMIT 1")).first())


def backup(engine: Engine, settings: Settings, target: Path, *, force: bool = False) -> Path:
    if target.exists() and not force:
        raise BackupError(f"{target} already exists. Choose another name, or add --force.")
    target.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        partial = target.with_name(target.name + ".partial")
        source = sqlite3.connect(_sqlite_path(engine))
        dest = sqlite3.connect(partial)
        try:
            # The backup API copies a consistent snapshot while the app keeps serving.
            source.backup(dest)
        finally:
            dest.close()
            source.close()
        partial.replace(target)
        return target
    _run(
        [
            _tool(settings.pg_dump_path),
            "--format=custom",
            "--no-owner",
            "--file",
            str(target),
            _libpq_url(engine),
        ]
    )
    return target


def restore(engine: Engine, settings: Settings, source: Path, *, force: bool = False) -> None:
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    if has_data(engine) and not force:
        raise BackupError(
            "The database already holds peerpath data. Restoring replaces all of it; "
            "add --force if that is what you want (take a backup of it first)."
        )
    if engine.dialect.name == "sqlite":
        _check_sqlite_backup(source)
        engine.dispose()
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dest = sqlite3.connect(_sqlite_path(engine))
        try:
            src.backup(dest)
        finally:
            dest.close()
            src.close()
        return
    _run(
        [
            _tool(settings.pg_restore_path),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            _libpq_url(engine),
            str(source),
        ]
    )


def _check_sqlite_backup(source: Path) -> None:
    try:
        conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source} is not a SQLite backup ({exc}).") from exc
    if "alembic_version" not in names or "users" not in names:
        raise BackupError(f"{source} is a SQLite file, but not a peerpath backup.")


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} was not found. Install the PostgreSQL client tools.")
    return found


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[:500]}")
