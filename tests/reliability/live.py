"""A real `peerpath serve` process on a database of its own, for the reliability tests.

`LiveSite` prepares a fresh database (SQLite in a temporary folder, or a new PostgreSQL
database that is dropped afterwards), migrates it and loads the demo organizations, adds
members of its own, and starts, kills (SIGKILL) and restarts the server on that same
database. Clients are httpx2 clients holding a real session: one made through the login
form, or (to keep 64 sign-ins out of the time budget) one made by the same service function
the login form calls, with the CSRF cookie fetched from the server.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypeVar

import httpx2
from sqlalchemy import Engine, ForeignKeyConstraint, func, select, text
from sqlalchemy.engine import make_url

from peerpath.accounts import service as accounts
from peerpath.core.crypto import load_keyring
from peerpath.db import migrate
from peerpath.db.base import Base
from peerpath.db.models import Organization, Role, User
from peerpath.db.session import Database, make_engine
from peerpath.demo import DEMO_PASSWORD, load_demo
from peerpath.settings import Settings
from tests.conftest import CSRF_INPUT, POSTGRES_URL
from tests.security.log_scan import server_log

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]
SESSION_COOKIE = "peerpath_session"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveSite:
    """One database and the server processes started on it, one after another."""

    def __init__(self, backend: str, tmp_path: Path) -> None:
        self.backend = backend
        self.tmp_path = tmp_path
        self.var_dir = tmp_path / "var"
        self.var_dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.pg_name = ""
        database_url = ""
        if backend == "postgres":
            self.pg_name = create_postgres_database()
            database_url = postgres_url(self.pg_name)
        self.settings = Settings(
            environment="test",
            var_dir=self.var_dir,
            database_url=database_url,
            secret_key=secrets.token_urlsafe(30),
            base_url=self.base_url,
            cookie_secure=False,
            _env_file=None,
        )  # type: ignore[call-arg]
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PEERPATH_")}
        self.env.update(
            PEERPATH_ENVIRONMENT="test",
            PEERPATH_VAR_DIR=str(self.var_dir),
            PEERPATH_SECRET_KEY=self.settings.secret_key,
            PEERPATH_BASE_URL=self.base_url,
            PEERPATH_LOG_LEVEL="warning",
            # Plain http on 127.0.0.1: the client library sends Secure cookies only over https.
            PEERPATH_COOKIE_SECURE="false",
        )
        if database_url:
            self.env["PEERPATH_DATABASE_URL"] = database_url
        self.server: subprocess.Popen[bytes] | None = None
        self._logs: list[Path] = []
        self.command = [sys.executable, "-m", "peerpath", "serve", "--port"]
        self.starts = 0
        self._log: IO[bytes] | None = None
        self.database = Database(self.settings)

    # ---- the database -----------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        return self.database.engine

    def prepare(self, members: int = 0) -> list[User]:
        """Migrate, load the demo organizations, and add `members` members of our own."""
        migrate.upgrade(self.engine)
        with self.database.session_scope() as db:
            load_demo(db, keyring=load_keyring(self.settings))
        return self.add_members(members) if members else []

    def add_members(self, count: int, org_slug: str = "harbor") -> list[User]:
        with self.database.session_scope() as db:
            org = db.scalars(select(Organization).where(Organization.slug == org_slug)).one()
            added = [
                User(
                    organization_id=org.id,
                    username=f"{org_slug}.rel{n:02d}",
                    display_name=f"Reliability Member {n}",
                    role=Role.MEMBER,
                    password_hash=None,  # never signs in with a password
                    is_active=True,
                )
                for n in range(1, count + 1)
            ]
            db.add_all(added)
        return added

    def user(self, username: str) -> User:
        with self.database.session_scope() as db:
            return db.scalars(select(User).where(User.username == username)).one()

    def user_by_id(self, user_id: int) -> User:
        with self.database.session_scope() as db:
            return db.scalars(select(User).where(User.id == user_id)).one()

    def session_token(self, user: User) -> str:
        """A session for `user`, made by the function the login form uses."""
        with self.database.session_scope() as db:
            return accounts.start_session(
                db,
                db.get(User, user.id) or user,
                ip="127.0.0.1",
                user_agent="peerpath reliability test",
                settings=self.settings,
            )

    def dispose(self) -> None:
        self.database.dispose()
        if self.pg_name:
            drop_postgres_database(self.pg_name)

    # ---- the server -------------------------------------------------------------------

    def start(self) -> None:
        assert self.server is None or self.server.poll() is not None
        self.database.dispose()  # the server must not find our pooled connections in its way
        self.starts += 1
        # In the log scan's folder: the server's output is checked for member data and secrets.
        path = server_log(f"reliability-{self.starts}")
        self._logs.append(path)
        self._log = path.open("wb")
        self.server = subprocess.Popen(  # one uvicorn worker, as `make run` serves
            [*self.command, str(self.port)],
            env=self.env,
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        with httpx2.Client(base_url=self.base_url, timeout=5) as probe:
            while time.monotonic() < deadline:
                if self.server.poll() is not None:
                    raise AssertionError(
                        f"the server exited with code {self.server.returncode}:\n{self.log()}"
                    )
                try:
                    if probe.get("/login").status_code == 200:
                        return
                except httpx2.HTTPError:
                    pass
                time.sleep(0.1)
        raise AssertionError(f"the server did not answer within 60 s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown handler, no last commit, no flush."""
        assert self.server is not None
        os.killpg(self.server.pid, signal.SIGKILL)
        self.server.wait(timeout=30)
        self._close_log()

    def stop(self) -> None:
        if self.server is not None and self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)
            try:
                self.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.server.pid, signal.SIGKILL)
                self.server.wait(timeout=30)
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def log(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-4000:] for p in self._logs)

    # ---- clients ----------------------------------------------------------------------

    def client(self) -> httpx2.AsyncClient:
        return httpx2.AsyncClient(base_url=self.base_url, timeout=60, follow_redirects=False)

    async def signed_in(self, user: User) -> tuple[httpx2.AsyncClient, str]:
        """A client with a session for `user` and the CSRF token the server issued to it."""
        client = self.client()
        token = await csrf_token(client)
        client.cookies.set(SESSION_COOKIE, self.session_token(user), domain="127.0.0.1")
        return client, token

    async def login(self, username: str) -> tuple[httpx2.AsyncClient, str]:
        """A client signed in through the login form with the demo password."""
        client = self.client()
        token = await csrf_token(client)
        response = await client.post(
            "/login", data={"csrftoken": token, "username": username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 303, f"signing in as {username}: {response.status_code}"
        # Signing in drops the CSRF token; the first page after it hands out a new one.
        await client.get(response.headers["location"])
        return client, client.cookies.get("csrftoken") or ""


async def csrf_token(client: httpx2.AsyncClient) -> str:
    page = await client.get("/login")
    match = CSRF_INPUT.search(page.text)
    return str(client.cookies.get("csrftoken") or (match.group(1) if match else ""))


@contextmanager
def live_site(backend: str, tmp_path: Path) -> Iterator[LiveSite]:
    site = LiveSite(backend, tmp_path)
    try:
        yield site
    finally:
        site.stop()
        site.dispose()


# ---- PostgreSQL: a whole database per test (pg_dump and restores work on databases) ----


def _admin() -> Engine:
    return make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")


def postgres_url(name: str) -> str:
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def create_postgres_database() -> str:
    name = f"pp_rel_{uuid.uuid4().hex[:12]}"
    admin = _admin()
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return name


def drop_postgres_database(name: str) -> None:
    admin = _admin()
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


# ---- consistency checks, the same on both engines -----------------------------------------


def orphans(engine: Engine) -> dict[str, int]:
    """Rows whose foreign key points at nothing, per constraint, for every foreign key the
    models declare (PRAGMA foreign_key_check does the same on SQLite; this also runs on
    PostgreSQL, where it re-checks what the constraints promise)."""
    found: dict[str, int] = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for fk in table.constraints:
                if not isinstance(fk, ForeignKeyConstraint):
                    continue
                child_cols = [c.name for c in fk.columns]
                parent = fk.referred_table
                parent_cols = [e.column.name for e in fk.elements]
                present = " AND ".join(f'c."{c}" IS NOT NULL' for c in child_cols)
                joined = " AND ".join(
                    f'p."{pc}" = c."{cc}"' for cc, pc in zip(child_cols, parent_cols, strict=True)
                )
                sql = (
                    f'SELECT count(*) FROM "{table.name}" c WHERE {present} AND NOT EXISTS '
                    f'(SELECT 1 FROM "{parent.name}" p WHERE {joined})'
                )
                count = int(conn.execute(text(sql)).scalar_one())
                if count:
                    found[f"{table.name}.{fk.name or child_cols}"] = count
    return found


def integrity_problems(engine: Engine) -> list[str]:
    """SQLite's own checks of the file and of every foreign key; nothing on PostgreSQL."""
    if engine.dialect.name != "sqlite":
        return []
    with engine.connect() as conn:
        problems = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA integrity_check")]
        problems = [p for p in problems if p != "ok"]
        problems += [repr(tuple(r)) for r in conn.exec_driver_sql("PRAGMA foreign_key_check")]
    return problems


def count(engine: Engine, table: Any, *where: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """asyncio.run on a thread of its own: the suite's browser tests keep Playwright's event
    loop running in the main thread, where asyncio.run would refuse to start."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="reliability-loop") as pool:
        return pool.submit(asyncio.run, coroutine).result()
