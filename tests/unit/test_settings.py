"""Settings: production refuses unsafe values; development works with nothing configured."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from peerpath.core.crypto import format_key
from peerpath.settings import MIN_SECRET_LENGTH, Settings

STRONG_KEY = "k" * MIN_SECRET_LENGTH
JOURNAL_KEYS = format_key("k1", bytes(range(32)))


@pytest.fixture(autouse=True)
def no_peerpath_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test sees only the values it passes, never the shell's PEERPATH_* variables."""
    for field in Settings.model_fields:
        monkeypatch.delenv(f"PEERPATH_{field.upper()}", raising=False)


def make_settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    "secret_key",
    [
        pytest.param("", id="missing"),
        pytest.param("change-me", id="placeholder"),
        pytest.param("  Change-Me ", id="placeholder with spaces and capitals"),
        pytest.param("k" * (MIN_SECRET_LENGTH - 1), id="one character short"),
    ],
)
def test_create_production_settings_unsafe_secret_key_refused(
    secret_key: str, tmp_path: Path
) -> None:
    with pytest.raises(ValidationError, match="PEERPATH_SECRET_KEY"):
        make_settings(environment="production", secret_key=secret_key, var_dir=tmp_path)


def test_create_production_settings_insecure_cookies_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="PEERPATH_COOKIE_SECURE"):
        make_settings(
            environment="production",
            secret_key=STRONG_KEY,
            encryption_keys=JOURNAL_KEYS,
            cookie_secure=False,
            var_dir=tmp_path,
        )


def test_create_production_settings_without_journal_keys_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="PEERPATH_ENCRYPTION_KEYS"):
        make_settings(environment="production", secret_key=STRONG_KEY, var_dir=tmp_path)


def test_create_production_settings_strong_key_accepted(tmp_path: Path) -> None:
    settings = make_settings(
        environment="production",
        secret_key=STRONG_KEY,
        encryption_keys=JOURNAL_KEYS,
        var_dir=tmp_path,
    )

    assert settings.resolved_secret_key() == STRONG_KEY
    assert not (tmp_path / "secret_key").exists()


def test_create_development_settings_placeholder_key_accepted(tmp_path: Path) -> None:
    settings = make_settings(secret_key="change-me", cookie_secure=False, var_dir=tmp_path)

    assert settings.environment == "development"
    assert settings.resolved_secret_key() == "change-me"


def test_resolve_secret_key_development_without_key_generates_private_file(
    tmp_path: Path,
) -> None:
    var_dir = tmp_path / "var"
    settings = make_settings(var_dir=var_dir)

    key = settings.resolved_secret_key()

    path = var_dir / "secret_key"
    assert len(key) >= MIN_SECRET_LENGTH
    assert path.read_text(encoding="utf-8") == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_resolve_secret_key_second_call_returns_same_key(tmp_path: Path) -> None:
    first = make_settings(var_dir=tmp_path).resolved_secret_key()

    assert make_settings(var_dir=tmp_path).resolved_secret_key() == first
    assert make_settings(var_dir=tmp_path).resolved_secret_key() == first


def test_resolve_secret_key_other_var_dirs_get_different_keys(tmp_path: Path) -> None:
    one = make_settings(var_dir=tmp_path / "one").resolved_secret_key()
    two = make_settings(var_dir=tmp_path / "two").resolved_secret_key()

    assert one != two


def test_effective_database_url_default_is_sqlite_file_in_var_dir(tmp_path: Path) -> None:
    settings = make_settings(var_dir=tmp_path / "var")

    expected = f"sqlite:///{(tmp_path / 'var' / 'peerpath.db').resolve()}"
    assert settings.effective_database_url == expected
    assert settings.is_sqlite


def test_effective_database_url_configured_is_used_as_given(tmp_path: Path) -> None:
    url = "postgresql+psycopg://peerpath@db.example.org/peerpath"
    settings = make_settings(var_dir=tmp_path, database_url=url)

    assert settings.effective_database_url == url
    assert not settings.is_sqlite


def test_create_settings_reads_peerpath_environment_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PEERPATH_PORT", "9001")
    monkeypatch.setenv("PEERPATH_COOKIE_SECURE", "false")
    monkeypatch.setenv("PEERPATH_BASE_URL", "https://peer.example.org")

    settings = make_settings()

    assert (settings.port, settings.cookie_secure) == (9001, False)
    assert settings.base_url == "https://peer.example.org"


def test_create_settings_reads_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "PEERPATH_ENVIRONMENT=production\n"
        f"PEERPATH_SECRET_KEY={STRONG_KEY}\n"
        f"PEERPATH_ENCRYPTION_KEYS={JOURNAL_KEYS}\n"
        "PEERPATH_LOGIN_LOCKOUT_MINUTES=30\n",
        encoding="utf-8",
    )

    settings = Settings(_env_file=env_file)  # type: ignore[call-arg]

    assert settings.environment == "production"
    assert settings.login_lockout_minutes == 30


@pytest.mark.parametrize(
    "values",
    [
        pytest.param({"port": 0}, id="port 0"),
        pytest.param({"port": 70000}, id="port too high"),
        pytest.param({"session_lifetime_minutes": 1}, id="session under 5 minutes"),
        pytest.param({"environment": "staging"}, id="unknown environment"),
    ],
)
def test_create_settings_out_of_range_value_refused(values: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        make_settings(**values)
