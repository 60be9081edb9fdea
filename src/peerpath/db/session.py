"""Engine and session factory. Nothing is created at import time: `Database(settings)` builds it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from peerpath.settings import Settings


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
        # IMMEDIATE takes the write lock up front. Most requests write (audit rows),
        # and a deferred transaction that later upgrades to a writer can fail with
        # "database is locked" without waiting for busy_timeout.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _make_reader(url: str, busy_timeout_ms: int) -> Engine:
    """SQLite connections for long read-only work: deferred transactions that take no lock
    (WAL readers never block the writer and are never blocked by it), and refuse writes."""
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
        hide_parameters=True,
        pool_size=2,
        max_overflow=2,
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
        # How many web requests may hold a connection at once: the app's pool (one SQLite
        # connection, or PostgreSQL's pool_size + max_overflow). None (CLI, tests): no limit.
        self._slots = _pool_capacity(self.engine) if single_connection else None
        self._turns: asyncio.Semaphore | None = None
        # The web server on SQLite reads long reports on connections of their own (long_read).
        self._reader: sessionmaker[Session] | None = None
        if single_connection and self.engine.dialect.name == "sqlite":
            self._reader = sessionmaker(
                bind=_make_reader(str(self.engine.url), settings.sqlite_busy_timeout_ms),
                expire_on_commit=False,
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

    @contextmanager
    def long_read(self, db: Session) -> Iterator[Session]:
        """A session for long read-only work inside a web request (an uncached report).

        On SQLite every request transaction holds the one write lock from its first query to
        its commit (BEGIN IMMEDIATE), so a report computed for a second would hold up every
        other request in every worker. Here the request's transaction is committed first (its
        audit row stands), the request gives its turn to the next one (Database.turn), and
        the report reads on a connection of its own in a plain read transaction. PostgreSQL,
        tests and the CLI have no single write lock: the request's own session is used.
        """
        if self._reader is None:
            yield db
            return
        db.commit()
        with self._stepped_out():
            reader = self._reader()
            try:
                yield reader
            finally:
                reader.rollback()
                reader.close()

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

    def dispose(self) -> None:
        self.engine.dispose()
        if self._reader is not None:
            bind = self._reader.kw["bind"]
            bind.dispose()


@contextmanager
def long_read(db: Session) -> Iterator[Session]:
    """Database.long_read for the web request that `db` belongs to; elsewhere `db` itself."""
    database = db.info.get("database")
    if database is None:
        yield db
        return
    with database.long_read(db) as reader:
        yield reader
