"""The web server queues SQLite work on one connection; CLI and tools keep a normal pool."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from peerpath.app import create_app
from peerpath.db.session import Database, report
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


def _report(db: Session, label: str) -> tuple[int, int, list[str], bool]:
    """A report function, as the web server runs one in its report process."""
    rows = list(db.execute(text("SELECT who FROM seen")).scalars())
    try:
        db.execute(text("INSERT INTO seen VALUES ('a report never writes')"))
    except OperationalError:
        wrote = False
    else:
        wrote = True
    return os.getpid(), os.getpriority(os.PRIO_PROCESS, 0), [*rows, label], wrote


def test_a_report_runs_apart_at_a_lower_priority_and_cannot_write(tmp_path: Path) -> None:
    """An uncached report (Database.report) runs in a process of its own at a lower CPU
    priority, sees what the request wrote so far (committed first, so the write lock is free
    for others meanwhile), and its connection refuses writes."""
    database = Database(_settings(tmp_path), single_connection=True)
    with database.engine.begin() as conn:
        conn.execute(text("CREATE TABLE seen (who TEXT)"))
    db = database.sessionmaker()
    db.info["database"] = database
    db.execute(text("INSERT INTO seen VALUES ('audit row of this request')"))  # holds the lock
    try:
        pid, priority, rows, wrote = report(db, _report, "label")
        assert pid != os.getpid()
        assert priority > os.getpriority(os.PRIO_PROCESS, 0)
        assert rows == ["audit row of this request", "label"]
        assert wrote is False
        # The request's transaction was committed before the report ran: the lock is free.
        other = sqlite3.connect(str(database.engine.url.database), timeout=0.05)
        other.isolation_level = None
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        other.close()
    finally:
        db.close()
        database.dispose()


def test_outside_the_web_server_a_report_runs_in_process(tmp_path: Path) -> None:
    database = Database(_settings(tmp_path))
    with database.engine.begin() as conn:
        conn.execute(text("CREATE TABLE seen (who TEXT)"))
    with database.session_scope() as db:
        db.info["database"] = database
        pid, _priority, rows, _wrote = report(db, _report, "here")
        db.rollback()
    assert pid == os.getpid()
    assert rows == ["here"]
    database.dispose()


def _pid(_db: Session) -> int:
    return os.getpid()


def test_the_report_process_outlives_the_thread_that_started_it(tmp_path: Path) -> None:
    """The web server's worker threads come and go; the report process must not go with the
    thread that happened to start it (it did, with Linux's parent-death signal)."""
    import threading
    import time

    database = Database(_settings(tmp_path), single_connection=True)
    pids: list[int] = []

    def one_report() -> None:
        db = database.sessionmaker()
        db.info["database"] = database
        pids.append(report(db, _pid))
        db.close()

    try:
        for _ in range(2):
            thread = threading.Thread(target=one_report)
            thread.start()
            thread.join()
            time.sleep(1.0)  # the first thread has ended; its report process must live on
        assert len(pids) == 2 and pids[0] == pids[1] != os.getpid()
    finally:
        database.dispose()


def test_the_report_process_ends_when_its_web_worker_is_killed(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    script = (
        "import os, sys, time\n"
        "from peerpath.db.reports import ReportProcess\n"
        "from tests.unit.test_engine import _pid\n"
        f"reports = ReportProcess('sqlite:///{tmp_path / 'r.db'}', 1000)\n"
        "print(reports.run(_pid), flush=True)\n"
        "time.sleep(60)\n"
    )
    worker = subprocess.Popen(  # a stand-in for a uvicorn worker
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=Path.cwd()
    )
    assert worker.stdout is not None
    child = int(worker.stdout.readline())
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and Path(f"/proc/{child}").exists():
        time.sleep(0.2)
    assert not Path(f"/proc/{child}").exists(), "the report process outlived its worker"


def test_ctrl_c_ends_the_report_process_quietly_through_its_web_worker(tmp_path: Path) -> None:
    """Ctrl+C on `peerpath serve` signals the whole process group. The worker shuts its report
    process down; the report process must not print a KeyboardInterrupt traceback of its own."""
    import signal
    import subprocess
    import sys

    script = (
        "import signal, time\n"
        # as uvicorn does: a Python started with SIGINT ignored (an xdist worker's child)
        # would otherwise keep ignoring it
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "from peerpath.db.reports import ReportProcess\n"
        "from tests.unit.test_engine import _pid\n"
        f"reports = ReportProcess('sqlite:///{tmp_path / 'r.db'}', 1000)\n"
        "try:\n"  # from before the line the test waits for: no gap for the signal to land in
        "    print(reports.run(_pid), flush=True)\n"
        "    time.sleep(60)\n"
        "except KeyboardInterrupt:\n"
        "    reports.shutdown()\n"
        "    print('stopped', flush=True)\n"
    )
    worker = subprocess.Popen(  # a stand-in for a uvicorn worker, in a group of its own
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path.cwd(),
        start_new_session=True,
    )
    assert worker.stdout is not None
    child = int(worker.stdout.readline())
    os.killpg(worker.pid, signal.SIGINT)  # what the terminal does on Ctrl+C
    out, err = worker.communicate(timeout=30)
    assert "stopped" in out
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert worker.returncode == 0
    assert (
        not Path(f"/proc/{child}").exists()
        or "zombie" in Path(f"/proc/{child}/status").read_text().lower()
    )
