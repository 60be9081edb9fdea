"""A pytest plugin: everything the suite logs goes to a file, and the run fails if that file holds
a demo member's journal text, the demo password or anything shaped like a live secret.

Servers that tests start as subprocesses (`peerpath serve`) write their output into the same
folder (server_log), so it is scanned too.

Registered from tests/conftest.py (`pytest_plugins`). One log file per process (the main one,
or each xdist worker) in a folder the main process makes and names in PEERPATH_TEST_LOG_DIR;
the main process scans them all at the end of the session, after every worker has finished.
A clean run removes the folder; a leaking run keeps it and prints where it is.

The handler sits on the root logger at DEBUG and on the uvicorn loggers (which do not always
propagate). peerpath's own logger is opened to DEBUG, so its debug and info lines are checked
too; other libraries keep their levels (SQLAlchemy's statement echo stays off).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

LOG_DIR_ENV = "PEERPATH_TEST_LOG_DIR"
LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access")
FORMAT = "%(asctime)s %(process)d %(name)s %(levelname)s %(message)s"
# Shapes of live secrets: an API token (accounts.service.TOKEN_PREFIX) or a bearer header.
SECRET_SHAPES = {
    "an API token": re.compile(r"\bpp_[A-Za-z0-9_-]{30,}"),
    "a bearer credential": re.compile(r"Bearer\s+[A-Za-z0-9_.-]{30,}"),
    "a session cookie": re.compile(r"peerpath_session=[A-Za-z0-9_-]{30,}"),
}
MIN_FRAGMENT = 24

_handler: logging.Handler | None = None


@dataclass(frozen=True)
class Leak:
    file: str
    line_no: int
    what: str


def needles() -> dict[str, str]:
    """Text that must never reach a log -> a description that does not repeat it."""
    from peerpath.checkins.journal.demo import ENTRIES
    from peerpath.demo import DEMO_PASSWORD

    found = {DEMO_PASSWORD: "the demo password", "t" * 40: "the test secret key"}
    for member, entries in ENTRIES.items():
        for days_ago, *_, text in entries:
            for fragment in _fragments(text):
                found[fragment] = f"{member}'s journal entry from {days_ago} days ago"
    return found


def _fragments(text: str) -> Iterator[str]:
    """Each sentence long enough to be unmistakable, so a truncated log line still matches."""
    for sentence in re.split(r"(?<=[.!?:])\s+|\n", text):
        sentence = sentence.strip()
        if len(sentence) >= MIN_FRAGMENT:
            yield sentence


def scan(lines: Iterable[str], file: str, secrets: dict[str, str]) -> list[Leak]:
    leaks = []
    for number, line in enumerate(lines, start=1):
        for needle, what in secrets.items():
            if needle in line:
                leaks.append(Leak(file, number, what))
        for what, shape in SECRET_SHAPES.items():
            if shape.search(line):
                leaks.append(Leak(file, number, what))
    return leaks


def scan_folder(folder: Path) -> list[Leak]:
    secrets = needles()
    leaks: list[Leak] = []
    for path in sorted(folder.glob("*.log")):
        with path.open(encoding="utf-8", errors="replace") as lines:
            leaks += scan(lines, str(path), secrets)
    return leaks


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def pytest_configure(config: pytest.Config) -> None:
    global _handler
    if not _is_worker(config):
        os.environ[LOG_DIR_ENV] = tempfile.mkdtemp(prefix="peerpath-test-logs-")
    folder = Path(os.environ[LOG_DIR_ENV])
    name = os.environ.get("PYTEST_XDIST_WORKER", "main")
    _handler = logging.FileHandler(folder / f"{name}.log", encoding="utf-8", delay=True)
    _handler.setLevel(logging.DEBUG)
    _handler.setFormatter(logging.Formatter(FORMAT))
    for logger_name in LOGGERS:
        logging.getLogger(logger_name).addHandler(_handler)
    logging.getLogger("peerpath").setLevel(logging.DEBUG)


def server_log(name: str) -> Path:
    """Where a test writes the output of a `peerpath serve` it starts (browser and reliability
    tests): in the scanned folder, so a server's own log lines are checked like the suite's."""
    folder = Path(os.environ.get(LOG_DIR_ENV) or tempfile.mkdtemp(prefix="peerpath-test-logs-"))
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    handle, path = tempfile.mkstemp(prefix=f"server-{worker}-{name}-", suffix=".log", dir=folder)
    os.close(handle)
    return Path(path)


def capture_file() -> Path | None:
    """The file this process logs to (for the plugin's own test)."""
    return Path(_handler.baseFilename) if isinstance(_handler, logging.FileHandler) else None


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _handler is not None:
        _handler.flush()
        _handler.close()
        for logger_name in LOGGERS:
            logging.getLogger(logger_name).removeHandler(_handler)
    if _is_worker(session.config):
        return
    folder = Path(os.environ[LOG_DIR_ENV])
    leaks = scan_folder(folder)
    session.config.stash[_LEAKS] = (folder, leaks)
    if leaks:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    else:
        shutil.rmtree(folder, ignore_errors=True)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    folder, leaks = config.stash.get(_LEAKS, (None, []))
    if not leaks:
        return
    terminalreporter.section("secrets or member data in the log", red=True)
    for leak in leaks[:50]:
        terminalreporter.write_line(f"{leak.file}:{leak.line_no}: {leak.what}", red=True)
    terminalreporter.write_line(
        f"{len(leaks)} in all; the log is kept in {folder}. Nothing a member wrote, and no "
        "password or token, may be logged: log ids instead.",
        red=True,
    )


_LEAKS = pytest.StashKey[tuple[Path, list[Leak]]]()
