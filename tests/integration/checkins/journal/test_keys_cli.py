"""`peerpath keys new` and `peerpath keys rotate` as an operator runs them, on a real SQLite
file: after rotation every entry reads with the new key alone, the old key is gone from the
keyring file, and no journal text is anywhere in the database file's bytes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from peerpath.checkins.journal.demo import ENTRIES
from peerpath.cli import app
from peerpath.core.crypto import (
    KEYRING_FILE,
    Keyring,
    associated_data,
    format_key,
    load_keyring_file,
    new_key,
    parse_keys,
)
from peerpath.db.models import JournalEntry
from peerpath.db.session import make_engine
from peerpath.settings import Settings, get_settings

PLAIN = [plain for entries in ENTRIES.values() for *_, plain in entries]
DEMO_ENTRIES = 2 * len(PLAIN)  # both demo organizations


class Operator:
    def __init__(self, var_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.var_dir = var_dir
        self.monkeypatch = monkeypatch
        self.runner = CliRunner()

    def __call__(self, *args: str) -> Result:
        get_settings.cache_clear()
        return self.runner.invoke(app, list(args))

    def keys_env(self, spec: str) -> None:
        self.monkeypatch.setenv("PEERPATH_ENCRYPTION_KEYS", spec)

    def rows(self) -> list[JournalEntry]:
        engine = make_engine(f"sqlite:///{self.var_dir / 'peerpath.db'}")
        try:
            with Session(engine) as db:
                return list(db.scalars(select(JournalEntry).order_by(JournalEntry.id)))
        finally:
            engine.dispose()

    def database_bytes(self) -> bytes:
        return b"".join(p.read_bytes() for p in sorted(self.var_dir.glob("peerpath.db*")))


@pytest.fixture
def operator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Operator]:
    for name in Settings.model_fields:
        monkeypatch.delenv(f"PEERPATH_{name.upper()}", raising=False)
    monkeypatch.chdir(tmp_path)
    var_dir = tmp_path / "var"
    monkeypatch.setenv("PEERPATH_VAR_DIR", str(var_dir))
    monkeypatch.setenv("PEERPATH_SECRET_KEY", "cli-test-secret-" + "k" * 32)
    yield Operator(var_dir, monkeypatch)
    get_settings.cache_clear()


def _with_demo(operator: Operator) -> None:
    for args in (("db", "upgrade"), ("demo",)):
        result = operator(*args)
        assert result.exit_code == 0, result.output


def _texts(rows: list[JournalEntry], keyring: Keyring) -> list[str]:
    return [
        keyring.decrypt(
            r.key_id, r.nonce, r.ciphertext, associated_data(r.organization_id, r.member_id)
        )
        for r in rows
    ]


def _assert_no_clear_text(data: bytes) -> None:
    assert data  # the database file is there
    for plain in PLAIN:
        assert plain.encode() not in data
        assert plain[:20].encode() not in data


def test_keys_new_prints_a_key_for_the_environment(operator: Operator) -> None:
    first, second = operator("keys", "new"), operator("keys", "new")

    assert first.exit_code == 0
    key_id, keys = parse_keys(first.output.strip())
    assert len(keys[key_id]) == 32
    assert first.output != second.output


def test_keys_rotate_with_the_keyring_file_replaces_the_key(operator: Operator) -> None:
    _with_demo(operator)
    path = operator.var_dir / KEYRING_FILE
    old = load_keyring_file(path)
    before = _texts(operator.rows(), old)
    _assert_no_clear_text(operator.database_bytes())

    result = operator("keys", "rotate", "--batch-size", "10")

    assert result.exit_code == 0, result.output
    assert f"Re-encrypted {DEMO_ENTRIES} journal entries" in result.output
    assert f"Removed the old key(s) {old.current_id}" in result.output
    fresh = load_keyring_file(path)
    assert set(fresh.keys) == {fresh.current_id} and fresh.current_id not in old.keys
    assert json.loads(path.read_text())["keys"].keys() == {fresh.current_id}
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    rows = operator.rows()
    assert {r.key_id for r in rows} == {fresh.current_id}
    assert _texts(rows, fresh) == before
    _assert_no_clear_text(operator.database_bytes())


def test_keys_rotate_with_environment_keys_moves_everything_to_the_first(
    operator: Operator,
) -> None:
    old_spec, new_spec = format_key("kold", new_key()), format_key("knew", new_key())
    operator.keys_env(old_spec)
    _with_demo(operator)
    before = _texts(operator.rows(), Keyring(*parse_keys(old_spec)))
    operator.keys_env(f"{new_spec},{old_spec}")

    result = operator("keys", "rotate")

    assert result.exit_code == 0, result.output
    assert f"Re-encrypted {DEMO_ENTRIES} journal entries" in result.output
    assert "You may now remove the other keys (kold)" in result.output
    rows = operator.rows()
    assert {r.key_id for r in rows} == {"knew"}
    assert _texts(rows, Keyring(*parse_keys(new_spec))) == before
    assert not (operator.var_dir / KEYRING_FILE).exists()
    _assert_no_clear_text(operator.database_bytes())
    again = operator("keys", "rotate")
    assert "Re-encrypted 0 journal entries" in again.output


def test_keys_rotate_without_the_old_key_stops_and_changes_nothing(operator: Operator) -> None:
    old_spec = format_key("kold", new_key())
    operator.keys_env(old_spec)
    _with_demo(operator)
    operator.keys_env(format_key("knew", new_key()))

    result = operator("keys", "rotate")

    assert result.exit_code == 1
    assert "Key rotation stopped" in result.stderr and "kold" in result.stderr
    assert {r.key_id for r in operator.rows()} == {"kold"}
