"""Benchmark: the member's progress page with years of daily check-ins, at 100 and 20,000 members.

For each organization size it:

1. makes a fresh SQLite database in a temporary folder (`python -m peerpath db upgrade`);
2. bulk-inserts one organization with N members: a handful of "measured" members with
   YEARS years of daily check-ins, a tool use most days, setbacks and achieved goals; every
   other member a realistic, varied amount (0 to 12 months of history, checking in on 5 % to
   60 % of days, a few tool uses, the odd setback);
3. starts a real server (`python -m peerpath serve`, one worker) on that database;
4. signs each client in as one of the measured members, then fetches /progress with CLIENTS
   concurrent clients for SECONDS seconds (after a short warm-up) and reports p50/p95/p99,
   throughput and errors. A one-client run is reported too: it shows the time one request
   takes when nothing waits in front of it.

Run by hand, never in the test suite:

    .venv/bin/python benchmarks/progress_page.py                  # 100 and 20,000 members
    .venv/bin/python benchmarks/progress_page.py --members 100 --seconds 10

Results go in docs/benchmarks.md under "## Progress page".
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "benchmark passphrase for members"
DIMENSIONS = (
    "emotional",
    "environmental",
    "financial",
    "intellectual",
    "occupational",
    "physical",
    "social",
    "spiritual",
)
TOOLS = (
    "Walk around the block",
    "Call a friend",
    "Breathing count of four",
    "Cook a real meal",
    "Write three lines in the journal",
    "Music with headphones",
    "Peer group on Thursday",
    "Stretch before bed",
    "Tidy one small corner",
    "Sit in the park",
    "Text my sponsor",
    "Make tea and sit by the window",
)
HELPED = ("yes", "yes", "yes", "somewhat", "somewhat", "no")
GOALS = (
    "Walk to the library twice a week",
    "Open a savings account",
    "Cook dinner with my son on Sundays",
    "Finish the first aid course",
    "Go to the Thursday peer group for a month",
    "Get back to sleeping before midnight",
    "Plant the balcony garden",
    "Apply for the part-time job at the bakery",
)


# ---- data ----------------------------------------------------------------------------------


def stamp(moment: datetime) -> str:
    """A UTC timestamp as SQLAlchemy stores it on SQLite."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


@dataclass
class Generated:
    members: int
    measured_usernames: list[str]
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def upgrade(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "peerpath", "db", "upgrade"],
        check=True,
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )


def password_hash() -> str:
    sys.path.insert(0, str(ROOT / "src"))
    from peerpath.core import security

    return security.hash_password(PASSWORD)


def generate(db_path: Path, members: int, measured: int, years: int, seed: int) -> Generated:
    """Bulk-insert one organization; returns the measured members' usernames and row counts."""
    started = time.perf_counter()
    rng = random.Random(seed)
    today = datetime.now(UTC).date()
    now = stamp(datetime.now(UTC))
    hashed = password_hash()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA synchronous=OFF")
    cur = conn.cursor()
    cur.execute(
        "INSERT INTO organizations (slug, name, created_at, settings) VALUES (?, ?, ?, ?)",
        ("bench", "Benchmark Peer Center", now, "{}"),
    )
    org = cur.lastrowid
    peers = max(1, members // 25)
    users = [
        (org, f"bench.peer{p}", f"Peer Specialist {p}", "peer_specialist", hashed, 1, now)
        for p in range(peers)
    ]
    users += [
        (org, f"bench.member{m}", f"Member {m}", "member", hashed, 1, now) for m in range(members)
    ]
    cur.executemany(
        "INSERT INTO users (organization_id, username, display_name, role, password_hash, "
        "is_active, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        users,
    )
    ids = dict(cur.execute("SELECT username, id FROM users WHERE organization_id = ?", (org,)))
    member_ids = [ids[f"bench.member{m}"] for m in range(members)]
    peer_ids = [ids[f"bench.peer{p}"] for p in range(peers)]
    cur.executemany(
        "INSERT INTO caseload_assignments (organization_id, member_id, peer_specialist_id, "
        "assigned_at) VALUES (?, ?, ?, ?)",
        [(org, mid, peer_ids[i % peers], now) for i, mid in enumerate(member_ids)],
    )

    checkins: list[tuple[object, ...]] = []
    tool_uses: list[tuple[object, ...]] = []
    setbacks: list[tuple[object, ...]] = []
    goals: list[tuple[object, ...]] = []
    preferences: list[tuple[object, ...]] = []
    counts = {"checkins": 0, "tool_uses": 0, "setbacks": 0, "goals": 0}

    def flush() -> None:
        cur.executemany(
            "INSERT INTO checkins (organization_id, member_id, day, ratings, hope, connection, "
            "note, what_helped, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, '', '', ?, ?)",
            checkins,
        )
        cur.executemany(
            "INSERT INTO tool_uses (organization_id, member_id, tool, helped, note, used_on, "
            "created_at) VALUES (?, ?, ?, ?, '', ?, ?)",
            tool_uses,
        )
        cur.executemany(
            "INSERT INTO setbacks (organization_id, member_id, happened_on, what_happened, "
            "triggers, warning_signs, what_helped, came_back_on, created_at) "
            "VALUES (?, ?, ?, 'A hard stretch.', '[]', '[]', '', ?, ?)",
            setbacks,
        )
        cur.executemany(
            "INSERT INTO goals (organization_id, member_id, title, why_it_matters, dimensions, "
            "chime, strength_ids, status, status_changed_at, position, created_by_id, "
            "created_at, updated_by_id, updated_at, version) "
            "VALUES (?, ?, ?, '', '[]', '[]', '[]', ?, ?, 0, ?, ?, ?, ?, 1)",
            goals,
        )
        for name, rows in (
            ("checkins", checkins),
            ("tool_uses", tool_uses),
            ("setbacks", setbacks),
            ("goals", goals),
        ):
            counts[name] += len(rows)
            rows.clear()

    def history(mid: int, days: int, chance: float, dims: tuple[str, ...]) -> None:
        level = {d: rng.uniform(3, 7) for d in (*dims, "hope", "connection")}
        for age in range(days, -1, -1):
            for d in level:  # a slow, bounded wander: each member's own ups and downs
                level[d] = min(10.0, max(0.0, level[d] + rng.uniform(-0.6, 0.65)))
            if rng.random() >= chance:
                continue
            day = (today - timedelta(days=age)).isoformat()
            ratings = json.dumps({d: round(level[d]) for d in dims})
            checkins.append(
                (org, mid, day, ratings, round(level["hope"]), round(level["connection"]), now, now)
            )
            if rng.random() < 0.7:
                tool_uses.append((org, mid, rng.choice(TOOLS), rng.choice(HELPED), day, now))
            if rng.random() < 0.01:
                back = today - timedelta(days=max(0, age - rng.randint(2, 14)))
                setbacks.append((org, mid, day, back.isoformat(), now))

    def add_goals(mid: int, achieved: int, days: int) -> None:
        for g in range(achieved):
            when = stamp(datetime.now(UTC) - timedelta(days=rng.randint(1, max(days, 1))))
            goals.append((org, mid, GOALS[g % len(GOALS)], "achieved", when, mid, now, mid, now))
        goals.append(
            (org, mid, "Keep going to the Thursday group", "active", None, mid, now, mid, now)
        )

    measured_ids = member_ids[:measured]
    for mid in member_ids:
        dims = tuple(rng.sample(DIMENSIONS, rng.choice((3, 3, 3, 4, 5))))
        preferences.append((org, mid, json.dumps(list(dims)), 1, 1, now))
        if mid in measured_ids:
            history(mid, years * 365, 0.97, dims)
            add_goals(mid, 6, years * 365)
        else:
            days = rng.randint(0, 365)
            if days:
                history(mid, days, rng.uniform(0.05, 0.6), dims)
            add_goals(mid, rng.choice((0, 0, 1, 2)), days)
        if len(checkins) > 50_000:
            flush()
    flush()
    cur.executemany(
        "INSERT INTO checkin_preferences (organization_id, member_id, dimensions, track_hope, "
        "track_connection, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        preferences,
    )
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()
    return Generated(
        members=members,
        measured_usernames=[f"bench.member{m}" for m in range(measured)],
        counts=counts,
        seconds=time.perf_counter() - started,
    )


# ---- server and clients ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# An experiment, not the app: the same `peerpath serve`, with the worker's use of SQLite
# queued on a plain in-process lock, held from taking a connection from the pool to giving it
# back (after COMMIT). Waiters then wake as soon as the lock is
# free, instead of polling in SQLite's busy handler, whose growing sleeps let newcomers
# overtake old waiters until they time out ("database is locked"). See docs/benchmarks.md.
FAIR_LOCK_LAUNCHER = """
import threading
from sqlalchemy import event
import peerpath.db.session as session

_make_engine = session.make_engine
_lock = threading.Lock()

def make_engine(url, **kwargs):
    engine = _make_engine(url, **kwargs)
    if url.startswith("sqlite"):
        @event.listens_for(engine, "checkout")
        def _queue(dbapi_connection, record, proxy):
            _lock.acquire()

        @event.listens_for(engine, "checkin")
        def _release(dbapi_connection, record):
            _lock.release()
    return engine

session.make_engine = make_engine
from peerpath.cli import main
main()
"""


@contextmanager
def server(
    env: dict[str, str], port: int, *, fair_lock: bool = False
) -> Iterator[subprocess.Popen[bytes]]:
    """`python -m peerpath serve` with one worker, stopped (by its own pid) afterwards."""
    log = (Path(env["PEERPATH_VAR_DIR"]) / "server.log").open("wb")
    command = ["-c", FAIR_LOCK_LAUNCHER] if fair_lock else ["-m", "peerpath"]
    proc = subprocess.Popen(
        [sys.executable, *command, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/login")
                conn.getresponse().read()
                conn.close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the server did not start; see server.log") from None
                time.sleep(0.2)
        yield proc
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


COOKIE = re.compile(r"^([^=;]+)=([^;]*)")
CSRF_INPUT = re.compile(r'name="csrftoken" value="([^"]+)"')


class Client:
    """One keep-alive connection with its own cookies, like one browser tab."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: str | None = None
    ) -> tuple[int, bytes, dict[str, str]]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://127.0.0.1:{self.conn.port}"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        for value in response.headers.get_all("set-cookie") or []:
            match = COOKIE.match(value)
            if match:
                self.cookies[match.group(1)] = match.group(2)
        return response.status, data, dict(response.headers)

    def login(self, username: str) -> None:
        status, page, _ = self.request("GET", "/login")
        match = CSRF_INPUT.search(page.decode())
        token = match.group(1) if match else self.cookies.get("csrftoken", "")
        body = urlencode({"username": username, "password": PASSWORD, "csrftoken": token})
        status, _, _ = self.request("POST", "/login", body)
        if status != 303:
            raise RuntimeError(f"sign-in as {username} failed with {status}")


@dataclass
class Run:
    clients: int
    seconds: float
    latencies_ms: list[float]
    errors: int
    page_bytes: int

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]

    def summary(self) -> dict[str, float]:
        return {
            "clients": self.clients,
            "requests": len(self.latencies_ms),
            "throughput_per_s": round(len(self.latencies_ms) / self.seconds, 1),
            "p50_ms": round(statistics.median(self.latencies_ms), 1),
            "p95_ms": round(self.pct(95), 1),
            "p99_ms": round(self.pct(99), 1),
            "max_ms": round(max(self.latencies_ms), 1),
            "errors": self.errors,
            "page_kb": round(self.page_bytes / 1024, 1),
        }


def load(
    port: int,
    usernames: list[str],
    clients: int,
    seconds: float,
    warmup: float,
    path: str = "/progress",
) -> Run:
    signed_in = []
    for i in range(clients):
        client = Client(port)
        client.login(usernames[i % len(usernames)])
        signed_in.append(client)
    latencies: list[float] = []
    errors = [0]
    sizes = [0]
    lock = threading.Lock()
    start_at = time.monotonic() + 0.2
    measure_from = start_at + warmup
    stop_at = measure_from + seconds

    def worker(client: Client) -> None:
        mine: list[float] = []
        bad = 0
        while time.monotonic() < start_at:
            time.sleep(0.001)
        while True:
            began = time.monotonic()
            if began >= stop_at:
                break
            try:
                status, body, _ = client.request("GET", path)
                ok = status == 200 and (path != "/progress" or b'id="progress-wheel"' in body)
                sizes[0] = len(body)
            except (OSError, http.client.HTTPException):
                ok = False
                client.conn.close()
            took = (time.monotonic() - began) * 1000
            if began >= measure_from:
                mine.append(took)
                bad += 0 if ok else 1
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=worker, args=(c,)) for c in signed_in]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for c in signed_in:
        c.conn.close()
    return Run(clients, seconds, latencies, errors[0], sizes[0])


# ---- main ----------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": str(os.cpu_count()),
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "os": f"{platform.system()} {platform.release()}",
        "load average at start": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def bench(size: int, args: argparse.Namespace) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix=f"peerpath-bench-{size}-"))
    try:
        port = free_port()
        env = {
            **os.environ,
            "PEERPATH_VAR_DIR": str(folder),
            "PEERPATH_DATABASE_URL": "",
            "PEERPATH_ENVIRONMENT": "development",
            "PEERPATH_BASE_URL": f"http://127.0.0.1:{port}",
            "PEERPATH_COOKIE_SECURE": "false",
            "PEERPATH_LOG_LEVEL": "warning",
        }
        upgrade(env)
        generated = generate(folder / "peerpath.db", size, args.measured, args.years, args.seed)
        print(
            f"  {size} members: {generated.counts} in {generated.seconds:.1f} s; "
            f"database {(folder / 'peerpath.db').stat().st_size / 2**20:.0f} MiB",
            flush=True,
        )
        with server(env, port, fair_lock=args.fair_lock):
            single = load(port, generated.measured_usernames, 1, args.seconds / 2, args.warmup)
            print(f"  1 client:  {single.summary()}", flush=True)
            loaded = load(
                port, generated.measured_usernames, args.clients, args.seconds, args.warmup
            )
            print(f"  {args.clients} clients: {loaded.summary()}", flush=True)
            baseline = None
            if args.baseline:
                # The same load on a small page, to tell this page's cost from every request's.
                baseline = load(
                    port,
                    generated.measured_usernames,
                    args.clients,
                    args.seconds,
                    args.warmup,
                    args.baseline,
                )
                print(
                    f"  {args.clients} clients, {args.baseline}: {baseline.summary()}", flush=True
                )
        return {
            "members": size,
            "rows": generated.counts,
            "single": single.summary(),
            "concurrent": loaded.summary(),
            "baseline": baseline.summary() if baseline else None,
            "load average at end": " ".join(f"{x:.1f}" for x in os.getloadavg()),
        }
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            print(f"  kept {folder}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, nargs="+", default=[100, 20_000])
    parser.add_argument("--measured", type=int, default=5, help="members with YEARS of history")
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30.0, help="measured time per run")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=20260331)
    parser.add_argument(
        "--baseline",
        default="/account",
        help="also load this small page the same way ('' to skip)",
    )
    parser.add_argument(
        "--fair-lock",
        action="store_true",
        help="experiment: queue the worker's SQLite transactions on an in-process lock",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders")
    args = parser.parse_args()
    facts = machine()
    print("machine: " + ", ".join(f"{k} {v}" for k, v in facts.items()), flush=True)
    results = [bench(size, args) for size in args.members]
    print(json.dumps({"machine": facts, "results": results}, indent=2))


if __name__ == "__main__":
    main()
