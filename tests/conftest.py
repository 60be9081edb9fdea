"""Shared fixtures: a migrated database per backend, one rolled-back transaction per test,
the app bound to that transaction, demo-shaped data, and a client that signs in.

Every database test runs on SQLite and again on PostgreSQL when PEERPATH_TEST_POSTGRES_URL is
set (SQLAlchemy's "joining a session into an external transaction" recipe).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from peerpath.app import create_app
from peerpath.core import security
from peerpath.core.crypto import load_keyring
from peerpath.db import migrate
from peerpath.db.models import User
from peerpath.db.session import Database, make_engine
from peerpath.demo import DEMO_PASSWORD, load_demo
from peerpath.settings import Settings

# Everything the suite logs is written to a file and scanned at the end of the run for demo
# journal text, the demo password and token-shaped secrets (issue 10: nothing private in logs).
pytest_plugins = ["tests.security.log_scan"]

POSTGRES_URL = os.environ.get("PEERPATH_TEST_POSTGRES_URL", "")
POSTGRES_SKIP = (
    "PostgreSQL half skipped: set PEERPATH_TEST_POSTGRES_URL "
    "(for example postgresql+psycopg://postgres@127.0.0.1:5432/test) to run it"
)
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def worker_suffix() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def postgres_engine(schema: str) -> Engine:
    """An engine on a private schema, so parallel workers and tests never collide."""
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})


def drop_postgres_schema(schema: str) -> None:
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def fresh_engine(backend: str, tmp_path: Path, name: str) -> Engine:
    """A new, empty database of the given backend (for migration and backup tests)."""
    if backend == "sqlite":
        return make_engine(f"sqlite:///{tmp_path / (name + '.db')}")
    if not POSTGRES_URL:
        pytest.skip(POSTGRES_SKIP)
    return postgres_engine(f"pp_{name}_{worker_suffix()}")


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    """argon2id with small costs: the same code paths, without 100 ms per sign-in in tests."""
    original, original_dummy = security._hasher, security._DUMMY_HASH
    security._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    security._DUMMY_HASH = security._hasher.hash("dummy")
    yield
    security._hasher, security._DUMMY_HASH = original, original_dummy


def pytest_terminal_summary(terminalreporter: Any) -> None:
    skipped = [
        r for r in terminalreporter.stats.get("skipped", []) if POSTGRES_SKIP in str(r.longrepr)
    ]
    if skipped:
        terminalreporter.write_line(f"{len(skipped)} tests skipped. {POSTGRES_SKIP}.", yellow=True)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres" and not POSTGRES_URL:
        pytest.skip(POSTGRES_SKIP)
    return str(request.param)


@pytest.fixture(scope="session")
def engine(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    # Per process, so two test runs on one server (two checkouts, CI and a developer) never
    # drop each other's schema.
    schema = f"pp_test_{worker_suffix()}_{os.getpid()}"
    if backend == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}")
    else:
        eng = postgres_engine(schema)
    migrate.upgrade(eng)
    yield eng
    eng.dispose()
    if backend == "postgres":
        drop_postgres_schema(schema)


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        transaction = conn.begin()
        yield conn
        transaction.rollback()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def db(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    session = session_factory()
    yield session
    session.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        var_dir=tmp_path / "var",
        secret_key="t" * 40,
        base_url="https://testserver",
        _env_file=None,
    )  # type: ignore[call-arg]


@pytest.fixture
def app(settings: Settings, engine: Engine, session_factory: sessionmaker[Session]) -> FastAPI:
    database = Database(settings, engine=engine)
    database.sessionmaker = session_factory
    return create_app(settings, database)


@pytest.fixture
def demo(db: Session, settings: Settings) -> dict[str, User]:
    """The demo organizations; users by username (e.g. demo["harbor.member1"])."""
    # Demo journal entries are encrypted with the keyring the app under test loads.
    load_demo(db, keyring=load_keyring(settings))
    db.commit()
    return {u.username: u for u in db.scalars(select(User))}


CSRF_INPUT = re.compile(r'name="csrftoken" value="([^"]+)"')


class Browser(TestClient):
    """A TestClient that behaves like a browser: HTTPS, cookies, CSRF tokens on forms."""

    def csrf(self) -> str:
        token = self.cookies.get("csrftoken")
        if not token:
            page = self.get("/login")
            match = CSRF_INPUT.search(page.text)
            token = self.cookies.get("csrftoken") or (match.group(1) if match else "")
        return str(token)

    def submit(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        form = {"csrftoken": self.csrf(), **(data or {})}
        kwargs.setdefault("follow_redirects", False)
        return self.post(url, data=form, **kwargs)

    def login(self, username: str, password: str = DEMO_PASSWORD) -> Any:
        response = self.submit("/login", {"username": username, "password": password})
        assert response.status_code == 303, f"login as {username} failed: {response.text[:300]}"
        return response

    def api(self, method: str, url: str, **kwargs: Any) -> Any:
        headers = {"x-csrftoken": self.csrf(), **kwargs.pop("headers", {})}
        return self.request(method, url, headers=headers, **kwargs)


@pytest.fixture
def client(app: FastAPI) -> Iterator[Browser]:
    with Browser(app, base_url="https://testserver", raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def make_client(app: FastAPI) -> Any:
    """For tests that need several people signed in at once."""
    clients: list[Browser] = []

    def factory() -> Browser:
        c = Browser(app, base_url="https://testserver", raise_server_exceptions=False)
        clients.append(c)
        return c

    yield factory
    for c in clients:
        c.close()
