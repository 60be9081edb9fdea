"""The log scan (tests/security/log_scan.py) is on, and finds what it is meant to find."""

from __future__ import annotations

import logging
from pathlib import Path

from tests.security import log_scan


def test_the_suite_log_is_captured_to_a_file() -> None:
    path = log_scan.capture_file()
    assert path is not None, "log_scan is not registered (tests/conftest.py pytest_plugins)"
    logging.getLogger("peerpath.test").info("log scan self-check: record %s", 42)
    handler = next(h for h in logging.getLogger().handlers if isinstance(h, logging.FileHandler))
    handler.flush()
    assert "log scan self-check: record 42" in path.read_text(encoding="utf-8")


def test_scan_finds_journal_text_passwords_and_tokens_but_not_ordinary_lines(
    tmp_path: Path,
) -> None:
    from peerpath.checkins.journal.demo import ENTRIES
    from peerpath.demo import DEMO_PASSWORD

    journal_text = ENTRIES["member1"][1][-1]
    log = tmp_path / "x.log"
    log.write_text(
        "INFO peerpath GET /journal 200\n"
        f"WARNING peerpath saved entry: {journal_text[:60]}\n"
        f"INFO peerpath login with {DEMO_PASSWORD}\n"
        "INFO peerpath token pp_" + "a" * 43 + "\n"
        "INFO peerpath journal entry 17 does not decrypt with key 'k1'\n",
        encoding="utf-8",
    )
    leaks = log_scan.scan_folder(tmp_path)
    assert [(leak.line_no, leak.what) for leak in leaks] == [
        (2, "member1's journal entry from 160 days ago"),
        (3, "the demo password"),
        (4, "an API token"),
    ]


def test_the_output_of_servers_started_by_tests_is_scanned_too() -> None:
    """Browser and reliability tests run `peerpath serve` as a subprocess; its output goes to
    server_log(), in the folder the end-of-run scan reads."""
    from peerpath.demo import DEMO_PASSWORD

    path = log_scan.server_log("self-check")
    assert path.parent == log_scan.capture_file().parent  # type: ignore[union-attr]
    try:
        path.write_text(f"INFO uvicorn login with {DEMO_PASSWORD}\n", encoding="utf-8")
        leaks = log_scan.scan_folder(path.parent)
        assert [(leak.file, leak.what) for leak in leaks] == [(str(path), "the demo password")]
    finally:
        path.unlink()


def test_every_demo_journal_entry_has_a_searchable_fragment() -> None:
    from peerpath.checkins.journal.demo import ENTRIES

    needles = log_scan.needles()
    for member, entries in ENTRIES.items():
        for entry in entries:
            text = entry[-1]
            assert any(fragment in text for fragment in needles), (member, text)


def test_failed_statements_never_carry_their_values(tmp_path: Path) -> None:
    """A statement that fails (a busy database, a broken constraint) is logged by its error
    text; the values it carried (a member's words) must not be in that text."""
    import sqlalchemy as sa

    from peerpath.db.session import make_engine

    secret = "my private words about a hard week"
    for single in (False, True):
        engine = make_engine(
            f"sqlite:///{tmp_path / f'db{single}.sqlite'}", single_connection=single
        )
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE t (x TEXT NOT NULL UNIQUE)"))
            conn.execute(sa.text("INSERT INTO t VALUES (:x)"), {"x": secret})
        try:
            with engine.begin() as conn:
                conn.execute(sa.text("INSERT INTO t VALUES (:x)"), {"x": secret})
        except sa.exc.IntegrityError as exc:
            assert secret not in str(exc)
            assert "hidden" in str(exc)
        else:  # pragma: no cover - the UNIQUE constraint always refuses the second row
            raise AssertionError("the duplicate insert should have failed")
        engine.dispose()
