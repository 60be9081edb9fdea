"""Helpers shared by the benchmarks that run a real `peerpath serve` on the large scale data.

The large dataset (`peerpath demo --scale large`) is generated once and kept between runs, in
the same places `workspace_scale.py` uses, so either script can reuse what the other made:

- SQLite: var/bench/large.db, with var/bench/sqlite as the var folder (journal keyring)
- PostgreSQL: the database `peerpath_bench_large` on the given server (created when missing)
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "var" / "bench"
SQLITE_FILE = BENCH / "large.db"
PG_DATABASE = "peerpath_bench_large"
DEMO_PASSWORD = "peerpath-demo"  # every generated account's password (peerpath.demo)
CSRF_INPUT = re.compile(r'name="csrftoken" value="([^"]+)"')


def engine_url(name: str, pg_server: str) -> str:
    """The SQLAlchemy URL of the large dataset for engine `name` (sqlite or postgres)."""
    if name == "sqlite":
        return f"sqlite:///{SQLITE_FILE}"
    url = make_url(pg_server)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": PG_DATABASE}
            )
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{PG_DATABASE}"'))
    finally:
        admin.dispose()
    return url.set(database=PG_DATABASE).render_as_string(hide_password=False)


def var_dir(name: str) -> Path:
    path = BENCH / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def environment(url: str, folder: Path, base_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEERPATH_")}
    env.update(
        PEERPATH_VAR_DIR=str(folder),
        PEERPATH_DATABASE_URL=url,
        PEERPATH_SECRET_KEY=secrets.token_urlsafe(30),
        PEERPATH_BASE_URL=base_url,
        PEERPATH_LOG_LEVEL="warning",
        # Plain http on 127.0.0.1: the client library sends Secure cookies only over https.
        PEERPATH_COOKIE_SECURE="false",
    )
    return env


def has_scale_data(url: str) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return bool(
                conn.scalar(text("SELECT count(*) FROM organizations WHERE slug = 'scale20'"))
            )
    except Exception:
        return False
    finally:
        engine.dispose()


def prepare(name: str, url: str, *, regenerate: bool = False) -> float | None:
    """Bring the database to the newest migration and generate the large data when missing.
    Returns the generation time in seconds, or None when the data was already there."""
    if regenerate and name == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(SQLITE_FILE) + suffix).unlink(missing_ok=True)
    if regenerate and name == "postgres":
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    env = environment(url, var_dir(name), "http://127.0.0.1")
    peerpath = [sys.executable, "-m", "peerpath"]
    # Always: a migration added since the data was made (an index) is applied to it.
    subprocess.run([*peerpath, "db", "upgrade"], env=env, cwd=ROOT, check=True, timeout=3600)
    if has_scale_data(url):
        return None
    print(f"Generating the large dataset for {name} (minutes) ...", flush=True)
    started = time.perf_counter()
    subprocess.run(
        [*peerpath, "demo", "--scale", "large"], env=env, cwd=ROOT, check=True, timeout=7200
    )
    took = time.perf_counter() - started
    print(f"  generated in {took:.0f} s (load average {os.getloadavg()[0]:.1f})", flush=True)
    if name == "postgres":  # fresh tables have no statistics: plans would be guesses
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
        engine.dispose()
    return took


async def sign_in(client: httpx2.AsyncClient, username: str, password: str = DEMO_PASSWORD) -> str:
    """Sign in through the login form; returns the CSRF token to send with forms."""
    page = await client.get("/login")
    match = CSRF_INPUT.search(page.text)
    token = client.cookies.get("csrftoken") or (match.group(1) if match else "")
    response = await client.post(
        "/login", data={"csrftoken": token, "username": username, "password": password}
    )
    if response.status_code != 303:
        raise SystemExit(f"signing in as {username} failed: {response.status_code}")
    # Signing in drops the CSRF token; the first page after it hands out a new one.
    home = await client.get(response.headers["location"])
    match = CSRF_INPUT.search(home.text)
    return client.cookies.get("csrftoken") or (match.group(1) if match else "")


# ---- the server's processes: workers, memory, CPU (Linux /proc; psutil is not needed) ----


def children(pid: int) -> list[int]:
    """Direct child processes of `pid`."""
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(p) for p in (task / "children").read_text().split()]
    except OSError:
        pass
    return found


def server_processes(pid: int) -> list[int]:
    """The uvicorn workers of the server started as `pid` (the process itself with one
    worker). Uvicorn's supervisor has the workers as children; a multiprocessing helper
    (the resource tracker) is a child too, but it is tiny and never serves."""
    kids = [
        kid
        for kid in children(pid)
        if b"resource_tracker" not in _cmdline(kid) and b"semaphore_tracker" not in _cmdline(kid)
    ]
    return kids or [pid]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), or 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


@dataclass
class MemorySampler:
    """Samples the resident memory of every worker of a server every `interval` seconds in a
    background thread; `peak` holds the highest value seen per worker process (MB)."""

    server_pid: int
    interval: float = 0.25
    peak: dict[int, float] = field(default_factory=dict)
    helpers_peak: float = 0.0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> MemorySampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> None:
        for pid in server_processes(self.server_pid):
            rss = rss_mb(pid)
            if rss:
                self.peak[pid] = max(self.peak.get(pid, 0.0), rss)
            # A worker's own helpers: its report process (db/reports.py), not a worker.
            for helper in server_processes(pid) if pid != self.server_pid else []:
                if helper != pid:
                    self.helpers_peak = max(self.helpers_peak, rss_mb(helper))

    def reset(self) -> None:
        self.peak = {}
        self.helpers_peak = 0.0

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


def server_cpu(server_pid: int) -> float:
    return sum(cpu_seconds(pid) for pid in {server_pid, *server_processes(server_pid)})
