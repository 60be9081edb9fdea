"""Engine and session factory. Nothing is created at import time: `Database(settings)` builds it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker
from sqlalchemy.pool import QueuePool

from peerpath.db.reports import ReportProcess
from peerpath.settings import Settings

T = TypeVar("T")


def make_engine(
    url: str, *, busy_timeout_ms: int = 5000, single_connection: bool = False, **kwargs: Any
) -> Engine:
    if url.startswith("sqlite"):
        # The web server uses one connection per process: SQLite has one writer at a time,
        # and most requests write (audit rows). Waiting in the pool's queue is first come,
        # first served; waiting in SQLite's busy handler is not (it sleeps and lets newcomers
        # overtake), which gave multi-second tails and "database is locked" under load (see
        # docs/benchmarks.md). CLI commands and tools keep a normal pool: they may open a
        # second connection while holding one, which a single connection would turn into a
        # 30-second wait.
        pool: dict[str, Any] = (
            {"pool_size": 1, "max_overflow": 0, "pool_timeout": 30} if single_connection else {}
        )
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
            # A failed statement's values (a member's words) never reach error text or logs.
            hide_parameters=True,
            **pool,
        )
        _configure_sqlite(engine, busy_timeout_ms)
        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True, **kwargs)


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the pysqlite driver, decide when transactions begin
        # (the driver's own handling breaks SAVEPOINT, which the tests rely on).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        # FULL, not NORMAL: with WAL, NORMAL can lose the last commits on power loss.
        # A signed note or an audit row that the app reported as saved must survive;
        # the price is one fsync of the WAL per commit, small at our write rates.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # IMMEDIATE takes the write lock up front: a deferred transaction that reads and
        # later upgrades to a writer can fail with "database is locked" (SQLITE_BUSY_SNAPSHOT)
        # without waiting for busy_timeout. The read phase of a web GET (see READ_PHASE) is
        # the exception: it never writes, so a plain BEGIN takes no lock at all.
        if conn.get_execution_options().get(READ_PHASE):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


# A web GET on SQLite runs in two phases (core/unit_of_work.py). The read phase is the handler,
# in a plain read transaction that takes no lock, so readers in every worker run side by side
# and never queue behind one another's write lock. What a GET must write (its audit rows, a
# session's sliding expiry) is queued with write_later and written afterwards, in one short
# IMMEDIATE transaction, before the response leaves. A GET that writes anything else raises
# WriteNeeded at its first flush and is run again from the start as an ordinary request.
READ_PHASE = "peerpath_read_phase"
_LATER = "peerpath_write_later"


class WriteNeeded(Exception):
    """A request in its read phase tried to write: run it again with the write lock."""


def in_read_phase(db: Session) -> bool:
    return bool(db.info.get(READ_PHASE))


def write_later(db: Session, write: Callable[[Session], object]) -> None:
    """Do `write` now, or, in a GET's read phase, just before the response leaves."""
    if in_read_phase(db):
        db.info.setdefault(_LATER, []).append(write)
    else:
        write(db)


def take_later_writes(db: Session) -> list[Callable[[Session], object]]:
    writes: list[Callable[[Session], object]] = db.info.pop(_LATER, [])
    return writes


@event.listens_for(Session, "before_flush")
def _refuse_flush_in_read_phase(session: Session, _context: Any, _instances: Any) -> None:
    if in_read_phase(session) and (session.new or session.dirty or session.deleted):
        raise WriteNeeded()


@event.listens_for(Session, "do_orm_execute")
def _refuse_statements_in_read_phase(state: ORMExecuteState) -> None:
    if in_read_phase(state.session) and (state.is_insert or state.is_update or state.is_delete):
        raise WriteNeeded()


def _pool_capacity(engine: Engine) -> int | None:
    pool = engine.pool
    if isinstance(pool, QueuePool):
        return pool.size() + max(0, int(getattr(pool, "_max_overflow", 0)))
    return None


class Database:
    """One engine and its session factory for the lifetime of an app or a CLI command."""

    def __init__(
        self, settings: Settings, engine: Engine | None = None, *, single_connection: bool = False
    ) -> None:
        self.settings = settings
        self.engine = engine or make_engine(
            settings.effective_database_url,
            busy_timeout_ms=settings.sqlite_busy_timeout_ms,
            single_connection=single_connection,
        )
        self.sessionmaker = sessionmaker(bind=self.engine, expire_on_commit=False)
        # The web server on SQLite runs a GET's handler in a read phase (see READ_PHASE).
        self.read_sessionmaker: sessionmaker[Session] | None = None
        # How many web requests may hold a connection at once: the app's pool (one SQLite
        # connection, or PostgreSQL's pool_size + max_overflow). None (CLI, tests): no limit.
        self._slots = _pool_capacity(self.engine) if single_connection else None
        self._turns: asyncio.Semaphore | None = None
        if single_connection and self.engine.dialect.name == "sqlite":
            self.read_sessionmaker = sessionmaker(
                bind=self.engine.execution_options(**{READ_PHASE: True}),
                expire_on_commit=False,
                info={READ_PHASE: True},
            )
        # The web server computes long reports in a process of its own (db/reports.py).
        self._reports: ReportProcess | None = None
        if single_connection:
            self._reports = ReportProcess(
                self.engine.url.render_as_string(hide_password=False),
                settings.sqlite_busy_timeout_ms,
            )

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Wait for a free connection on the event loop, before a request takes a worker thread.

        A request that waits for a pooled connection inside a worker thread holds that thread,
        while the requests that have the connections need a thread for each next step
        (dependencies, handler, commit). With more waiting requests than threads (64 writers,
        40 threads) nobody moves until the pool's 30-second timeout, and then most get a 503
        (tests/reliability/test_concurrency.py). Waiting here costs no thread and is first
        come, first served. The web request wrapper (core/unit_of_work.py) enters this.
        """
        if self._slots is None:
            yield
            return
        if self._turns is None:
            self._turns = asyncio.Semaphore(self._slots)
        async with self._turns:
            yield

    def report(self, db: Session, fn: Callable[..., T], *args: Any) -> T:
        """`fn(session, *args)`, a long read-only report, for a web request whose session is
        `db`: on the web server in the report process (db/reports.py), after committing the
        request's work and giving its turn to the next request; elsewhere in process."""
        if self._reports is None:
            return fn(db, *args)
        db.commit()
        with self._stepped_out():
            return self._reports.run(fn, *args)

    @contextmanager
    def _stepped_out(self) -> Iterator[None]:
        """From a request's worker thread: give its turn back while it needs no connection."""
        from anyio import from_thread

        turns = self._turns
        try:
            if turns is not None:
                from_thread.run_sync(turns.release)
        except RuntimeError:  # not in a request's worker thread: nothing to give back
            turns = None
        try:
            yield
        finally:
            if turns is not None:
                from_thread.run(turns.acquire)

    @contextmanager
    def session_scope(self) -> Iterator[Session]:
        """A unit of work: commit on success, roll back on any error."""
        session = self.sessionmaker()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def stop_reports(self) -> None:
        """End the report process, if one was started (a later report starts a new one)."""
        if self._reports is not None:
            self._reports.shutdown()

    def dispose(self) -> None:
        self.stop_reports()
        self.engine.dispose()


def report(db: Session, fn: Callable[..., T], *args: Any) -> T:
    """Database.report for the web request that `db` belongs to; elsewhere `fn(db, *args)`."""
    database = db.info.get("database")
    if database is None:
        return fn(db, *args)
    result: T = database.report(db, fn, *args)
    return result
