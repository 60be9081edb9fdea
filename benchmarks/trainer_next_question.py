"""Benchmark: serving the next exam-trainer question, with 16 learners asking at once.

Starts a real peerpath server (uvicorn, one worker) on a fresh SQLite database in a temporary
folder holding the demo organizations and the synced shipped bank (about 250 questions), adds
16 trainees of its own with some practice history each (so selection has attempts and cards to
look at), signs each one in, then lets 16 concurrent clients ask for the next question for a
fixed time: `GET /api/v1/training/next` (practice, all domains, by default) or the practice
page (`--mode page`), or the review queue (`--mode review`).

Run by hand (not part of the test suite):

    .venv/bin/python benchmarks/trainer_next_question.py                 # API, 16 clients, 20 s
    .venv/bin/python benchmarks/trainer_next_question.py --mode page
    .venv/bin/python benchmarks/trainer_next_question.py --mode review
    .venv/bin/python benchmarks/trainer_next_question.py --think 0.5     # a person reading
    .venv/bin/python benchmarks/trainer_next_question.py --mode baseline # GET /api/v1/me
    PEERPATH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python benchmarks/trainer_next_question.py  # PostgreSQL: an empty database

By default every client asks again as soon as it has its answer (a closed loop with no pause),
which measures the server at saturation. It prints count, throughput, latency percentiles,
errors, server CPU per request and the machine's load, ready to paste into docs/benchmarks.md.
The target (issue 8): p95 under 50 ms at 16 clients.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.checkin_save import (  # noqa: E402
    CSRF_INPUT,
    PASSWORD,
    Result,
    _cpu_seconds,
    _environment,
    _free_port,
    _machine,
    _mark_start,
    _peerpath,
    _percentile,
    _wait_until_up,
)

TARGET_P95_MS = 50.0
HISTORY = 40  # practice answers per benchmark learner


def _add_learners(var_dir: Path, count: int, database_url: str) -> list[str]:
    """Trainees of the benchmark's own, each with some practice history."""
    from peerpath.core import security
    from peerpath.core.audit import Viewer
    from peerpath.db.base import utcnow
    from peerpath.db.models import Organization, Role, User
    from peerpath.db.session import Database
    from peerpath.settings import Settings
    from peerpath.trainer import service

    extra = {"database_url": database_url} if database_url else {}
    settings = Settings(var_dir=var_dir, _env_file=None, **extra)  # type: ignore[call-arg]
    database = Database(settings)
    usernames = [f"harbor.learner{n:02d}" for n in range(1, count + 1)]
    password_hash = security.hash_password(PASSWORD)
    rng = random.Random(8)
    with database.session_scope() as db:
        org = db.query(Organization).filter_by(slug="harbor").one()
        for n, username in enumerate(usernames, start=1):
            user = User(
                organization_id=org.id,
                username=username,
                display_name=f"Benchmark Learner {n}",
                role=Role.TRAINEE,
                password_hash=password_hash,
                is_active=True,
            )
            db.add(user)
            db.flush()
            db.refresh(user)
            learner = Viewer(user)
            start = utcnow() - timedelta(days=10)
            for k in range(HISTORY):
                q = service.next_practice(db, learner, service.Filter(), now=start, rng=rng)
                assert q is not None
                service.answer(
                    db,
                    learner,
                    question_id=q.question_id,
                    version_id=q.version_id,
                    choice=q.key if rng.random() < 0.7 else "A",
                    confidence=rng.choice(["sure", "unsure", None]),
                    mode="practice",
                    now=start + timedelta(minutes=k),
                )
    database.dispose()
    return usernames


async def _sign_in(client: httpx2.AsyncClient, username: str) -> None:
    page = await client.get("/login")
    match = CSRF_INPUT.search(page.text)
    token = client.cookies.get("csrftoken") or (match.group(1) if match else "")
    response = await client.post(
        "/login", data={"csrftoken": token, "username": username, "password": PASSWORD}
    )
    if response.status_code != 303:
        raise SystemExit(f"signing in as {username} failed: {response.status_code}")


def _url(mode: str) -> str:
    return {
        "api": "/api/v1/training/next",
        "review": "/api/v1/training/next?mode=review",
        "page": "/training/practice",
        "baseline": "/api/v1/me",  # the cheapest signed-in request, for comparison
    }[mode]


async def _ask_loop(
    client: httpx2.AsyncClient,
    mode: str,
    measure_from: float,
    stop_at: float,
    result: Result,
    think: float,
) -> None:
    url = _url(mode)
    while time.perf_counter() < stop_at:
        began = time.perf_counter()
        try:
            response = await client.get(url)
            ok = response.status_code == 200
            status = str(response.status_code)
        except httpx2.HTTPError as exc:
            ok, status = False, type(exc).__name__
        took = time.perf_counter() - began
        if think:
            await asyncio.sleep(think)
        if began < measure_from:
            continue
        if ok:
            result.latencies.append(took)
        else:
            result.error(status)


async def _run(args: argparse.Namespace) -> tuple[Result, float]:
    database_url = os.environ.get("PEERPATH_DATABASE_URL", "")
    with tempfile.TemporaryDirectory(prefix="peerpath-bench-") as tmp:
        var_dir = Path(tmp) / "var"
        port = _free_port()
        base_url = f"http://127.0.0.1:{port}"
        env = _environment(var_dir, base_url)
        if database_url:
            env["PEERPATH_DATABASE_URL"] = database_url
        print("Preparing a fresh database with the demo organizations ...", flush=True)
        _peerpath(["db", "upgrade"], env)
        _peerpath(["demo"], env)
        usernames = _add_learners(var_dir, args.clients, database_url)
        server = subprocess.Popen(
            [sys.executable, "-m", "peerpath", "serve", "--port", str(port)], env=env, cwd=ROOT
        )
        try:
            _wait_until_up(base_url, server)
            result = Result()
            clients = [
                httpx2.AsyncClient(base_url=base_url, timeout=30, follow_redirects=False)
                for _ in usernames
            ]
            try:
                for c, name in zip(clients, usernames, strict=True):
                    await _sign_in(c, name)
                for _ in range(3):
                    await clients[0].get(_url(args.mode))
                measure_from = time.perf_counter() + args.warmup
                stop_at = measure_from + args.seconds
                asyncio.get_running_loop().call_later(args.warmup, _mark_start, server.pid, result)
                await asyncio.gather(
                    *(
                        _ask_loop(c, args.mode, measure_from, stop_at, result, args.think)
                        for c in clients
                    )
                )
                elapsed = time.perf_counter() - measure_from
                result.server_cpu = _cpu_seconds(server.pid) - result.server_cpu
                result.load = (result.load[0], os.getloadavg()[0])
            finally:
                for c in clients:
                    await c.aclose()
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=60)
    return result, elapsed


def _report(args: argparse.Namespace, result: Result, elapsed: float) -> None:
    count = len(result.latencies)
    ms = [x * 1000 for x in result.latencies]
    backend = "PostgreSQL" if os.environ.get("PEERPATH_DATABASE_URL") else "SQLite"
    print()
    print(f"Machine: {_machine()}")
    print(
        f"Server: `peerpath serve` (uvicorn, 1 worker), fresh {backend} database with the demo "
        f"and {args.clients} benchmark trainees with {HISTORY} practice answers each."
    )
    print(
        f"Load: {args.clients} clients, `{_url(args.mode)}`, {args.seconds:g} s after "
        f"{args.warmup:g} s warm-up, think time {args.think:g} s."
    )
    print(
        f"Result: {count} requests ({count / elapsed:.0f}/s), p50 {_percentile(ms, 0.5):.1f} ms, "
        f"p95 {_percentile(ms, 0.95):.1f} ms, p99 {_percentile(ms, 0.99):.1f} ms, "
        f"max {max(ms) if ms else float('nan'):.1f} ms; errors: {result.errors or 'none'}."
    )
    print(
        f"Server CPU per request: {result.server_cpu / max(count, 1) * 1000:.1f} ms; "
        f"load average (1 min) {result.load[0]:.2f} at start, {result.load[1]:.2f} at end."
    )
    verdict = "meets" if _percentile(ms, 0.95) < TARGET_P95_MS else "misses"
    print(f"Target p95 < {TARGET_P95_MS:.0f} ms: {verdict} it.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("api", "page", "review", "baseline"), default="api")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--think", type=float, default=0.0)
    args = parser.parse_args()
    result, elapsed = asyncio.run(_run(args))
    _report(args, result, elapsed)
    p95 = _percentile(result.latencies, 0.95) * 1000
    return 0 if p95 < TARGET_P95_MS and not result.errors else 1


if __name__ == "__main__":
    sys.exit(main())
