"""Benchmark: the caseload page and note search at issue-9 scale, over HTTP, 16 clients.

Uses the large scale dataset (`peerpath demo --scale large`: 20 organizations, 20,000
members with ~62 per peer specialist, 400,000 session notes, appointments, check-ins, plans
and audit rows), generated once and kept between runs:

- SQLite: var/bench/large.db
- PostgreSQL: the database `peerpath_bench_large` on the server given with --postgres
  (created if missing; the URL's own database is only used to create it)

then starts a real server (`python -m peerpath serve`, one uvicorn worker) on it, signs in
16 peer specialists (scale01.peer1 ... scale16.peer1, one per organization, each with about
60 members), and lets 16 concurrent clients (httpx async, closed loop, no pause) load either
the caseload page (/caseload) or a note search page (/notes/search?q=...) with a word drawn
from a list of everyday words found in notes, for a fixed time after a warm-up.

Run by hand (not part of the test suite):

    .venv/bin/python benchmarks/workspace_scale.py                       # SQLite, both pages
    .venv/bin/python benchmarks/workspace_scale.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
    .venv/bin/python benchmarks/workspace_scale.py --only search --seconds 10
    .venv/bin/python benchmarks/workspace_scale.py --regenerate         # rebuild the data
    .venv/bin/python benchmarks/workspace_scale.py --profile /tmp/ws.txt   # py-spy samples

Targets (issue 5): caseload p95 under 100 ms, note search p95 under 200 ms, both engines.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import httpx2
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
from checkin_save import _cpu_seconds, _free_port, _machine, _percentile, _wait_until_up

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "var" / "bench"
PASSWORD = "peerpath-demo"
CSRF_INPUT = re.compile(r'name="csrftoken" value="([^"]+)"')
PG_DATABASE = "peerpath_bench_large"
TARGETS_MS = {"caseload": 100.0, "search": 200.0}
WORDS = (
    "interview",
    "library",
    "housing forms",
    "sister",
    "garden",
    "warmline",
    "sleep",
    "budgeting",
    "landlord",
    "GED practice",
    "bus route",
    "food pantry",
    "setback",
    "crisis plan",
    "volunteer",
    "tired slower",
    "legal aid",
    "court date",
)


def _environment(url: str, var_dir: Path, base_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEERPATH_")}
    env.update(
        PEERPATH_VAR_DIR=str(var_dir),
        PEERPATH_DATABASE_URL=url,
        PEERPATH_SECRET_KEY=secrets.token_urlsafe(30),
        PEERPATH_BASE_URL=base_url,
        PEERPATH_LOG_LEVEL="warning",
        PEERPATH_COOKIE_SECURE="false",
    )
    return env


def _has_scale_data(url: str) -> bool:
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


def _postgres_url(server_url: str) -> str:
    url = make_url(server_url)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": PG_DATABASE}
        )
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{PG_DATABASE}"'))
    admin.dispose()
    return url.set(database=PG_DATABASE).render_as_string(hide_password=False)


def prepare(name: str, url: str, regenerate: bool) -> None:
    var_dir = BENCH / name
    var_dir.mkdir(parents=True, exist_ok=True)
    if regenerate and name == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(BENCH / "large.db") + suffix).unlink(missing_ok=True)
    if regenerate and name == "postgres":
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    if _has_scale_data(url):
        return
    env = _environment(url, var_dir, "http://127.0.0.1")
    print(f"Generating the large dataset for {name} (minutes) ...", flush=True)
    started = time.perf_counter()
    for args in (["db", "upgrade"], ["demo", "--scale", "large"]):
        subprocess.run(
            [sys.executable, "-m", "peerpath", *args], env=env, cwd=ROOT, check=True, timeout=3600
        )
    print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)
    if name == "postgres":  # fresh tables have no statistics: plans would be guesses
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
        engine.dispose()


async def _sign_in(client: httpx2.AsyncClient, username: str) -> None:
    page = await client.get("/login")
    match = CSRF_INPUT.search(page.text)
    token = client.cookies.get("csrftoken") or (match.group(1) if match else "")
    response = await client.post(
        "/login", data={"csrftoken": token, "username": username, "password": PASSWORD}
    )
    if response.status_code != 303:
        raise SystemExit(f"signing in as {username} failed: {response.status_code}")


async def _loop(
    n: int,
    client: httpx2.AsyncClient,
    page: str,
    measure_from: float,
    stop_at: float,
    latencies: list[float],
    errors: dict[str, int],
    think: float = 0.0,
) -> None:
    rng = random.Random(n)
    if think:
        await asyncio.sleep(rng.uniform(0, think))  # spread the first requests out
    while True:
        started = time.perf_counter()
        if started >= stop_at:
            return
        path = "/caseload" if page == "caseload" else "/notes/search"
        params = {} if page == "caseload" else {"q": rng.choice(WORDS)}
        try:
            response = await client.get(path, params=params)
            ok = response.status_code == 200
            what = str(response.status_code)
        except httpx2.HTTPError as exc:
            ok, what = False, type(exc).__name__
        ended = time.perf_counter()
        if started >= measure_from:
            if ok:
                latencies.append(ended - started)
            else:
                errors[what] = errors.get(what, 0) + 1
        if think:
            await asyncio.sleep(think)


async def measure(name: str, url: str, args: argparse.Namespace) -> list[str]:
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = _environment(url, BENCH / name, base_url)
    command = [sys.executable, "-m", "peerpath", "serve", "--port", str(port)]
    if args.profile:
        spy = str(Path(sys.executable).with_name("py-spy"))
        out = f"{args.profile}.{name}"
        command = [spy, "record", "--format", "raw", "--rate", "250", "-o", out, "--", *command]
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    lines: list[str] = []
    try:
        _wait_until_up(base_url, server)
        clients = [
            httpx2.AsyncClient(base_url=base_url, timeout=60, follow_redirects=False)
            for _ in range(args.clients)
        ]
        try:
            for n, c in enumerate(clients):
                await _sign_in(c, f"scale{n % 20 + 1:02d}.peer1")
            for page in args.only:
                for c in clients[:1]:  # warm the routes once
                    await c.get("/caseload")
                    await c.get("/notes/search", params={"q": "garden"})
                latencies: list[float] = []
                errors: dict[str, int] = {}
                measure_from = time.perf_counter() + args.warmup
                stop_at = measure_from + args.seconds
                cpu_before = _cpu_seconds(server.pid)
                load_before = os.getloadavg()[0]
                await asyncio.gather(
                    *(
                        _loop(n, c, page, measure_from, stop_at, latencies, errors, args.think)
                        for n, c in enumerate(clients)
                    )
                )
                cpu = _cpu_seconds(server.pid) - cpu_before
                ms = [x * 1000 for x in latencies]
                p95 = _percentile(ms, 0.95)
                verdict = "meets" if p95 < TARGETS_MS[page] else "MISSES"
                lines.append(
                    f"| {name} | {page} | {args.think:g} s | {len(ms)} | "
                    f"{len(ms) / args.seconds:.1f}/s | "
                    f"{_percentile(ms, 0.5):.0f} | {p95:.0f} | {_percentile(ms, 0.99):.0f} | "
                    f"{sum(errors.values())} | {cpu / max(1, len(ms)) * 1000:.1f} ms | "
                    f"{load_before:.1f} | {verdict} {TARGETS_MS[page]:.0f} ms |"
                )
                print(lines[-1], flush=True)
        finally:
            for c in clients:
                await c.aclose()
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default="", help="PostgreSQL server URL (any database)")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--only", nargs="+", default=["caseload", "search"])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument(
        "--think", type=float, default=0.0, help="seconds each client pauses between requests"
    )
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--profile", default="", help="py-spy raw samples to this path prefix")
    args = parser.parse_args()
    engines: list[tuple[str, str]] = []
    if not args.skip_sqlite:
        engines.append(("sqlite", f"sqlite:///{BENCH / 'large.db'}"))
    if args.postgres:
        engines.append(("postgres", _postgres_url(args.postgres)))
    rows: list[str] = []
    for name, url in engines:
        prepare(name, url, args.regenerate)
        rows += asyncio.run(measure(name, url, args))
    print()
    print(f"Machine: {_machine()}")
    print(f"{args.clients} clients, {args.seconds:.0f} s each after {args.warmup:.0f} s warm-up")
    print()
    print(
        "| engine | page | requests | throughput | p50 ms | p95 ms | p99 ms | errors | "
        "server CPU/request | load | target |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(row)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
