"""Long read-only reports computed in a process of their own, at a lower CPU priority.

An uncached organization dashboard takes most of a second of pure Python. Inside a web worker
it shares that worker's interpreter lock with every other request the worker is serving, and
the machine's cores with the other workers: the load benchmark saw members' and peer
specialists' pages wait behind it (docs/benchmarks.md). In a separate process at a lower
priority (`nice`), the operating system runs people's pages first and the report in the time
left over; the report itself is no slower on an idle machine.

The web server (Database with single_connection) starts one such process per worker on first
use. Tests and the CLI compute in process. A report function is a module-level function
`fn(session, *args)` whose arguments and result can be pickled.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

T = TypeVar("T")

# How much lower the report process's priority is than the web workers'. 10 starved it on a
# saturated machine (64 clients: dashboards took 30-50 s and some timed out); at 5 it still
# gets about a quarter of a core that a web worker also wants.
NICENESS = 5
TIMEOUT_SECONDS = 300
PARENT_CHECK_SECONDS = 2.0

_sessions: sessionmaker[Session] | None = None  # in the report process


class ReportProcess:
    """One lazily started child process that runs report functions for this web worker."""

    def __init__(self, url: str, busy_timeout_ms: int) -> None:
        self._url = url
        self._busy_timeout_ms = busy_timeout_ms
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def run(self, fn: Callable[..., T], *args: Any) -> T:
        pool = self._started()
        try:
            return pool.submit(_call, fn, *args).result(timeout=TIMEOUT_SECONDS)
        except BrokenProcessPool:
            # The process died (killed, out of memory): start a fresh one next time, and
            # give this person their report anyway, from a fresh one now.
            log.warning("the report process stopped; starting a new one")
            self._forget(pool)
            return self._started().submit(_call, fn, *args).result(timeout=TIMEOUT_SECONDS)

    def _started(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_start,
                    initargs=(self._url, self._busy_timeout_ms),
                )
            return self._pool

    def _forget(self, pool: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is pool:
                self._pool = None
        pool.shutdown(wait=False, cancel_futures=True)

    def shutdown(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def read_only_engine(url: str, busy_timeout_ms: int, **pool: Any) -> Engine:
    """An engine whose transactions only read: on SQLite a plain BEGIN (no lock; WAL readers
    never block the writer) on connections that refuse writes; on PostgreSQL READ ONLY."""
    if not url.startswith("sqlite"):
        engine = create_engine(url, pool_pre_ping=True, hide_parameters=True, **pool)
        return engine.execution_options(postgresql_readonly=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
        hide_parameters=True,
        **pool,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def _start(url: str, busy_timeout_ms: int) -> None:
    """In the report process: lower its priority, leave Ctrl+C to the web worker, tie its
    life to the web worker's, and open a read-only engine."""
    global _sessions
    with contextlib.suppress(OSError):
        os.nice(NICENESS)
    # Ctrl+C reaches the whole process group: the web worker shuts this process down in
    # order (Database.stop_reports), so it must not die mid-wait with a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    engine = read_only_engine(url, busy_timeout_ms, pool_size=1, max_overflow=0)
    _sessions = sessionmaker(bind=engine, expire_on_commit=False)


def _die_with_parent() -> None:
    """End this process when the web worker that started it is gone, however it ended (a
    SIGKILLed worker would otherwise leave it waiting for work forever). Linux's
    PR_SET_PDEATHSIG cannot be used: it fires when the *thread* that started the process
    ends, and the web server's worker threads come and go. So a daemon thread watches for
    the process being handed to a new parent."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="report-parent-watch", daemon=True).start()


def _call(fn: Callable[..., T], *args: Any) -> T:
    assert _sessions is not None, "the report process was not started by ReportProcess"
    db = _sessions()
    try:
        return fn(db, *args)
    finally:
        db.rollback()
        db.close()
