"""Benchmark: the organization outcomes dashboard for a year, uncached and from the cache.

Runs the real app in-process (FastAPI's TestClient: routing, sign-in cookie, unit of work,
audit row, template rendering; no network or uvicorn) against a scale database made by
`peerpath demo --scale large` (or medium), signed in as the admin of the organization with
the most members, and times:

- the dashboard page /outcomes for the year up to today, with the cache emptied before every
  request (uncached: every figure computed from the database);
- the same page again and again (served from the cache: the data-version read, the audit
  row, and rendering);
- the JSON API /api/v1/outcomes the same two ways, and one programme's page uncached;
- a write (a check-in through the ORM) followed by a view, to show the cache is refreshed.

Run by hand (not part of the test suite):

    # once: a scale database (large: about 10 minutes on SQLite on 2 cores)
    PEERPATH_VAR_DIR=/tmp/ob PEERPATH_DATABASE_URL=sqlite:////tmp/ob/large.db \\
        .venv/bin/peerpath db upgrade
    PEERPATH_VAR_DIR=/tmp/ob PEERPATH_DATABASE_URL=sqlite:////tmp/ob/large.db \\
        .venv/bin/peerpath demo --scale large
    # then
    .venv/bin/python benchmarks/outcomes_dashboard.py --database-url sqlite:////tmp/ob/large.db
    .venv/bin/python benchmarks/outcomes_dashboard.py --database-url postgresql+psycopg://...

Targets (issue 9): uncached under 1 s, cached under 100 ms. It prints a block ready to paste
into docs/benchmarks.md; the load average is printed so a busy machine shows.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import secrets
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from peerpath.app import create_app  # noqa: E402
from peerpath.db.models import CheckIn, Program, Role, User  # noqa: E402
from peerpath.db.session import Database  # noqa: E402
from peerpath.demo import DEMO_PASSWORD  # noqa: E402
from peerpath.outcomes import cache  # noqa: E402
from peerpath.settings import Settings  # noqa: E402

CSRF_INPUT = re.compile(r'name="csrftoken" value="([^"]+)"')
TARGET_UNCACHED_MS = 1000.0
TARGET_CACHED_MS = 100.0


def _ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return (
        f"median {statistics.median(values) * 1000:7.1f} ms, p95 {p95 * 1000:7.1f} ms, "
        f"max {values[-1] * 1000:7.1f} ms (n={len(values)})"
    )


def _login(client: TestClient, username: str) -> None:
    page = client.get("/login")
    token = client.cookies.get("csrftoken") or CSRF_INPUT.search(page.text).group(1)  # type: ignore[union-attr]
    response = client.post(
        "/login",
        data={"csrftoken": token, "username": username, "password": DEMO_PASSWORD},
        follow_redirects=False,
    )
    if response.status_code != 303:
        raise SystemExit(f"sign-in as {username} failed: {response.status_code}")


CPU: dict[int, list[float]] = {}  # id(wall-clock list) -> CPU seconds per request


def _time(client: TestClient, url: str, *, clear: bool, runs: int) -> list[float]:
    """Wall-clock seconds per request; the process's CPU seconds go in CPU (the app runs in
    this process, so CPU time is the work itself, whatever else the machine is doing)."""
    out: list[float] = []
    cpu: list[float] = []
    for _ in range(runs):
        if clear:
            cache.DASHBOARDS.clear()
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        out.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        if response.status_code != 200:
            raise SystemExit(f"GET {url}: {response.status_code} {response.text[:300]}")
    CPU[id(out)] = cpu
    return out


def _both(values: list[float]) -> str:
    cpu = CPU.get(id(values), [])
    return (
        f"{_ms(values)}; CPU median {statistics.median(cpu) * 1000:.1f} ms" if cpu else _ms(values)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a database made by --scale")
    parser.add_argument("--runs", type=int, default=10, help="timed requests per measurement")
    parser.add_argument("--label", default="", help="e.g. 'large, SQLite'")
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="outcomes-bench-"))
    settings = Settings(
        environment="development",
        var_dir=var_dir,
        database_url=args.database_url,
        secret_key=secrets.token_urlsafe(40),
        base_url="https://testserver",
        _env_file=None,
    )
    database = Database(settings)
    app = create_app(settings, database)

    with database.session_scope() as db:
        org_id, members = db.execute(
            select(User.organization_id, func.count())
            .where(User.role == Role.MEMBER)
            .group_by(User.organization_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
        admin = db.scalar(
            select(User.username).where(User.organization_id == org_id, User.role == Role.ADMIN)
        )
        program_id = db.scalar(
            select(Program.id).where(Program.organization_id == org_id).order_by(Program.id)
        )
        total_checkins = db.scalar(
            select(func.count()).select_from(CheckIn).where(CheckIn.organization_id == org_id)
        )
        any_member = db.scalar(
            select(User.id).where(User.organization_id == org_id, User.role == Role.MEMBER)
        )

    with TestClient(app, base_url="https://testserver") as client:
        _login(client, str(admin))
        client.get("/outcomes")  # warm: imports, template compilation, connection pool
        page_uncached = _time(client, "/outcomes", clear=True, runs=args.runs)
        page_cached = _time(client, "/outcomes", clear=False, runs=args.runs * 5)
        api_uncached = _time(client, "/api/v1/outcomes", clear=True, runs=args.runs)
        api_cached = _time(client, "/api/v1/outcomes", clear=False, runs=args.runs * 5)
        program_uncached = (
            _time(client, f"/outcomes?program={program_id}", clear=True, runs=args.runs)
            if program_id
            else []
        )
        # a write, then the next view: recomputed once, then cached again
        client.get("/api/v1/outcomes")
        before = cache.DASHBOARDS.misses
        with database.session_scope() as db:
            day = db.scalar(select(func.min(CheckIn.day)).where(CheckIn.member_id == any_member))
            db.add(
                CheckIn(
                    organization_id=org_id,
                    member_id=any_member,
                    day=(day or date.today()) - timedelta(days=1),
                    ratings={"emotional": 6},
                )
            )
        after_write = _time(client, "/api/v1/outcomes", clear=False, runs=1)
        refreshed = cache.DASHBOARDS.misses == before + 1

    load = os.getloadavg()[0]
    print(f"## outcomes dashboard benchmark {args.label}".rstrip())
    print(f"python {platform.python_version()}, {platform.machine()}, load average {load:.2f}")
    print(f"database: {database.engine.dialect.name}; organization {org_id}: {members} members,")
    print(f"  {total_checkins} check-ins in all; period: the year up to today")
    print(f"page, uncached:       {_both(page_uncached)}")
    print(f"page, cached:         {_both(page_cached)}")
    print(f"API, uncached:        {_both(api_uncached)}")
    print(f"API, cached:          {_both(api_cached)}")
    if program_uncached:
        print(f"programme, uncached:  {_both(program_uncached)}")
    print(
        f"after a write:        {after_write[0] * 1000:.1f} ms, "
        f"recomputed: {'yes' if refreshed else 'NO'}"
    )
    ok_uncached = statistics.median(page_uncached) * 1000 < TARGET_UNCACHED_MS
    ok_cached = statistics.median(page_cached) * 1000 < TARGET_CACHED_MS
    print(
        f"targets: uncached < {TARGET_UNCACHED_MS:.0f} ms {'met' if ok_uncached else 'MISSED'}; "
        f"cached < {TARGET_CACHED_MS:.0f} ms {'met' if ok_cached else 'MISSED'} (medians)"
    )
    database.dispose()


if __name__ == "__main__":
    main()
