"""The `peerpath` command as an operator uses it: configured by PEERPATH_* variables only.

Runs on SQLite in a temporary var folder (PostgreSQL backup and restore are covered in
test_backup.py). `serve` never starts a server here: uvicorn.run is replaced.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest
import uvicorn
from sqlalchemy import select
from typer.testing import CliRunner, Result

from peerpath.cli import app
from peerpath.core import security
from peerpath.db import migrate
from peerpath.db.models import AuditEvent, User
from peerpath.db.session import make_engine
from peerpath.settings import Settings, get_settings

STRONG_PASSWORD = "quiet lighthouse at dawn 7"


class Cli(Protocol):
    var_dir: Path

    def __call__(self, *args: str) -> Result: ...


class PeerpathCli:
    """Runs `peerpath ARGS...` with fresh settings each time, as a new process would."""

    def __init__(self, var_dir: Path) -> None:
        self.var_dir = var_dir
        self.runner = CliRunner()

    def __call__(self, *args: str) -> Result:
        get_settings.cache_clear()
        return self.runner.invoke(app, list(args))


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    # Only what this test sets: no PEERPATH_* from the shell, no .env from the working folder.
    for field in Settings.model_fields:
        monkeypatch.delenv(f"PEERPATH_{field.upper()}", raising=False)
    monkeypatch.chdir(tmp_path)
    var_dir = tmp_path / "var"
    monkeypatch.setenv("PEERPATH_VAR_DIR", str(var_dir))
    monkeypatch.setenv("PEERPATH_SECRET_KEY", "cli-test-secret-" + "k" * 32)
    yield PeerpathCli(var_dir)
    get_settings.cache_clear()


@pytest.fixture
def migrated(cli: Cli) -> Cli:
    result = cli("db", "upgrade")
    assert result.exit_code == 0, result.output
    return cli


def usernames(cli: Cli) -> set[str]:
    engine = make_engine(f"sqlite:///{cli.var_dir / 'peerpath.db'}")
    try:
        with engine.connect() as conn:
            return set(conn.scalars(select(User.username)))
    finally:
        engine.dispose()


def create_account(
    cli: Cli, username: str = "acme.admin", password: str = STRONG_PASSWORD
) -> Result:
    cli("org", "create", "acme", "Acme Recovery Cafe")  # refused harmlessly when it exists
    return cli(
        "user",
        "create",
        "--org",
        "acme",
        "--username",
        username,
        "--name",
        "Ada Admin",
        "--role",
        "admin",
        "--password",
        password,
    )


def test_db_upgrade_then_current_shows_head(cli: Cli) -> None:
    head = migrate.head()
    assert "database: None" in cli("db", "current").output

    upgraded = cli("db", "upgrade")
    current = cli("db", "current")

    assert upgraded.exit_code == 0
    assert f"Database is at {head}" in upgraded.output
    assert current.exit_code == 0
    assert f"database: {head}" in current.output
    assert f"code head: {head}" in current.output


def test_demo_new_database_prints_logins(migrated: Cli) -> None:
    result = migrated("demo")

    assert result.exit_code == 0, result.output
    assert "harbor.member1" in result.output
    assert "riverbend.admin" in result.output
    assert "peerpath-demo" in result.output
    assert "harbor.member1" in usernames(migrated)


def test_demo_loaded_twice_says_already_loaded(migrated: Cli) -> None:
    migrated("demo")
    count = len(usernames(migrated))

    result = migrated("demo")

    assert result.exit_code == 0
    assert "already loaded" in result.output
    assert "harbor.member1" in result.output
    assert len(usernames(migrated)) == count


def test_user_create_with_password_creates_account(migrated: Cli) -> None:
    result = create_account(migrated)

    assert result.exit_code == 0, result.output
    assert "Created acme.admin (admin) in acme" in result.output
    engine = make_engine(f"sqlite:///{migrated.var_dir / 'peerpath.db'}")
    try:
        with engine.connect() as conn:
            user = conn.execute(select(User).where(User.username == "acme.admin")).one()
            logged = conn.scalars(select(AuditEvent.detail).where(AuditEvent.action == "create"))
            details = list(logged)
    finally:
        engine.dispose()
    assert (user.display_name, user.role, user.is_active) == ("Ada Admin", "admin", True)
    assert security.verify_password(user.password_hash, STRONG_PASSWORD)
    assert "created with the peerpath CLI" in details


def test_demo_with_real_account_refused(migrated: Cli) -> None:
    assert create_account(migrated).exit_code == 0

    result = migrated("demo")

    assert result.exit_code == 1
    assert "real accounts" in result.stderr
    assert usernames(migrated) == {"acme.admin"}


def test_demo_if_new_with_real_account_skips_quietly(migrated: Cli) -> None:
    assert create_account(migrated).exit_code == 0

    result = migrated("demo", "--if-new")

    assert result.exit_code == 0
    assert "not loaded" in result.output
    assert usernames(migrated) == {"acme.admin"}


def test_demo_if_new_empty_database_loads(migrated: Cli) -> None:
    result = migrated("demo", "--if-new")

    assert result.exit_code == 0
    assert "harbor.member1" in usernames(migrated)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        pytest.param("short-pw", "at least 12 characters", id="too short"),
        pytest.param("passwordpassword", "commonly used", id="common"),
        pytest.param("my-acme.admin-pass", "does not contain your username", id="has username"),
    ],
)
def test_user_create_weak_password_refused(migrated: Cli, password: str, message: str) -> None:
    result = create_account(migrated, password=password)

    assert result.exit_code == 1
    assert message in result.stderr
    assert usernames(migrated) == set()


def test_user_create_unknown_organization_refused(migrated: Cli) -> None:
    command = 'user create --org nowhere --username someone --name "Some One" --role member'

    result = migrated(*shlex.split(command), "--password", STRONG_PASSWORD)

    assert result.exit_code == 1
    assert "peerpath org create" in result.stderr


def test_user_create_taken_username_refused(migrated: Cli) -> None:
    assert create_account(migrated).exit_code == 0

    result = create_account(migrated)

    assert result.exit_code == 1
    assert "taken" in result.stderr


def test_org_create_existing_slug_refused(migrated: Cli) -> None:
    assert migrated("org", "create", "acme", "Acme Recovery Cafe").exit_code == 0

    result = migrated("org", "create", "acme", "Another Acme")

    assert result.exit_code == 1
    assert "exists already" in result.stderr


def test_backup_existing_file_without_force_refused(migrated: Cli, tmp_path: Path) -> None:
    migrated("demo")
    target = tmp_path / "nightly.backup"
    assert migrated("backup", str(target)).exit_code == 0
    first = target.read_bytes()

    result = migrated("backup", str(target))

    assert result.exit_code == 1
    assert "--force" in result.stderr
    assert target.read_bytes() == first


def test_restore_backup_refused_without_force_then_restored_with_force(
    migrated: Cli, tmp_path: Path
) -> None:
    migrated("demo")
    target = tmp_path / "nightly.backup"
    written = migrated("backup", str(target))
    assert written.exit_code == 0, written.output
    assert f"Backup written to {target}" in written.output
    demo_users = usernames(migrated)
    # A real account after the backup: the change the restore has to undo.
    assert create_account(migrated).exit_code == 0

    refused = migrated("restore", str(target))
    assert refused.exit_code == 1
    assert "--force" in refused.stderr
    assert "acme.admin" in usernames(migrated)

    restored = migrated("restore", str(target), "--force")
    assert restored.exit_code == 0, restored.output
    assert f"Restored from {target}" in restored.output
    assert usernames(migrated) == demo_users
    assert "already loaded" in migrated("demo").output


def test_restore_missing_file_refused(migrated: Cli, tmp_path: Path) -> None:
    result = migrated("restore", str(tmp_path / "nothing.backup"), "--force")

    assert result.exit_code == 1
    assert "no backup file" in result.stderr


@pytest.fixture
def uvicorn_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []

    def fake_run(app: str, **kwargs: Any) -> None:
        calls.append({"app": app, **kwargs})

    monkeypatch.setattr(uvicorn, "run", fake_run)
    return calls


def test_serve_unmigrated_database_refused(cli: Cli, uvicorn_calls: list[dict[str, Any]]) -> None:
    result = cli("serve")

    assert result.exit_code == 1
    assert "peerpath db upgrade" in result.stderr
    assert uvicorn_calls == []


def test_serve_migrated_database_starts_server(
    migrated: Cli, uvicorn_calls: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PEERPATH_PORT", "8123")

    result = migrated("serve", "--host", "127.0.0.2")

    assert result.exit_code == 0, result.output
    assert len(uvicorn_calls) == 1
    call = uvicorn_calls[0]
    assert (call["app"], call["factory"]) == ("peerpath.app:create_app", True)
    assert (call["host"], call["port"]) == ("127.0.0.2", 8123)


def test_production_with_placeholder_key_explains_without_traceback(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PEERPATH_ENVIRONMENT", "production")
    monkeypatch.setenv("PEERPATH_SECRET_KEY", "change-me")
    result = cli("db", "current")
    assert result.exit_code == 1
    assert "cannot start with these settings" in result.output
    assert "PEERPATH_SECRET_KEY" in result.output
    assert "Traceback" not in result.output
