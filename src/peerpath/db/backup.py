"""Online, consistent backups and restores: SQLite's backup API, or pg_dump/pg_restore."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import URL, Engine, inspect, text

from peerpath.settings import Settings

# A peerpath backup holds at least these tables; anything else is refused before restoring.
REQUIRED_TABLES = frozenset({"alembic_version", "users"})


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("This SQLite database lives in memory; there is no file to back up.")
    return Path(database)


def _libpq_args(engine: Engine) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password, and an environment that carries it instead.

    A password on the command line is visible to every local user in the process list.
    """
    url = engine.url
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    # URL.create, not url.set(password=None): set() treats None as "leave unchanged".
    libpq = URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )
    return libpq.render_as_string(hide_password=False), env


def has_data(engine: Engine) -> bool:
    """True when the database holds peerpath tables with at least one account."""
    if "users" not in inspect(engine).get_table_names():
        return False
    with engine.connect() as conn:
        return bool(conn.execute(text("SELECT 1 FROM users LIMIT 1")).first())


def backup(engine: Engine, settings: Settings, target: Path, *, force: bool = False) -> Path:
    if target.exists() and not force:
        raise BackupError(f"{target} already exists. Choose another name, or add --force.")
    if engine.dialect.name == "sqlite" and not _sqlite_path(engine).is_file():
        raise BackupError(f"There is no database at {_sqlite_path(engine)} to back up.")
    if "alembic_version" not in inspect(engine).get_table_names():
        raise BackupError(
            "This database has no peerpath tables; run `peerpath db upgrade` first, "
            "or check PEERPATH_DATABASE_URL."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written next to the target and renamed when complete: a failed backup never leaves a
    # half-written file under the real name, nor destroys the previous one (with --force).
    partial = target.with_name(target.name + ".partial")
    try:
        if engine.dialect.name == "sqlite":
            _sqlite_backup(engine, partial)
        else:
            url, env = _libpq_args(engine)
            _run(
                [
                    _tool(settings.pg_dump_path),
                    "--format=custom",
                    "--no-owner",
                    "--file",
                    str(partial),
                    url,
                ],
                env,
            )
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _sqlite_backup(engine: Engine, partial: Path) -> None:
    partial.unlink(missing_ok=True)
    _sqlite_copy(sqlite3.connect(_sqlite_path(engine)), sqlite3.connect(partial))


def _sqlite_copy(source: sqlite3.Connection, dest: sqlite3.Connection) -> None:
    """SQLite's backup API: a consistent snapshot, page by page, while the app keeps serving."""
    try:
        source.backup(dest)
    finally:
        dest.close()
        source.close()


def restore(engine: Engine, settings: Settings, source: Path, *, force: bool = False) -> None:
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    # Check the file before anything else: a wrong file is refused even with --force.
    if engine.dialect.name == "sqlite":
        _check_sqlite_backup(source)
    else:
        _check_postgres_backup(settings, source)
    if has_data(engine) and not force:
        raise BackupError(
            "The database already holds peerpath data. Restoring replaces all of it; "
            "add --force if that is what you want (take a backup of it first)."
        )
    # Pooled connections would keep reading the replaced database (or hold locks on it).
    engine.dispose()
    if engine.dialect.name == "sqlite":
        target = _sqlite_path(engine)
        target.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(sqlite3.connect(_sqlite_uri(source, "ro"), uri=True), sqlite3.connect(target))
        return
    url, env = _libpq_args(engine)
    _run(
        [
            _tool(settings.pg_restore_path),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            url,
            str(source),
        ],
        env,
    )


def _sqlite_uri(path: Path, mode: str) -> str:
    # as_uri() percent-encodes the path; a bare "file:" + path breaks on "#", "?" or "%".
    return f"{path.resolve().as_uri()}?mode={mode}"


def _check_sqlite_backup(source: Path) -> None:
    try:
        conn = sqlite3.connect(_sqlite_uri(source, "ro"), uri=True)
        try:
            names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source} is not a SQLite backup ({exc}).") from exc
    if not names >= REQUIRED_TABLES:
        raise BackupError(f"{source} is a SQLite file, but not a peerpath backup.")


_TOC_TABLE = re.compile(r"^\d+; \d+ \d+ TABLE \S+ (\S+) ", re.MULTILINE)


def _check_postgres_backup(settings: Settings, source: Path) -> None:
    result = subprocess.run(  # noqa: S603
        [_tool(settings.pg_restore_path), "--list", str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(
            f"{source} is not a PostgreSQL backup made by `peerpath backup` "
            f"({result.stderr.strip()[:300]})."
        )
    if not set(_TOC_TABLE.findall(result.stdout)) >= REQUIRED_TABLES:
        raise BackupError(f"{source} is a PostgreSQL backup, but not of a peerpath database.")


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} was not found. Install the PostgreSQL client tools.")
    return found


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(  # noqa: S603
        command, capture_output=True, text=True, check=False, env=env
    )
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[:500]}")
