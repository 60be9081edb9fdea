"""Benchmark: the caseload read for a peer specialist with 60 members, in a database holding
20,000 members and 400,000 session notes, with 16 concurrent readers.

Builds a fresh database (SQLite in a temporary folder, or PostgreSQL with --postgres URL, in
a schema of its own), migrates it, bulk-inserts one organization with 20,000 members spread
over peer specialists (the first one has 60), 20 notes per member (400,000), an outreach
choice for every third member, then times `home.service.caseload` - every query the
/caseload page runs, access policy and audit row included - plus rendering the page's
template, from 16 threads at once (each with its own session), for a fixed time.

Run by hand (not part of the test suite):

    .venv/bin/python benchmarks/caseload_page.py
    .venv/bin/python benchmarks/caseload_page.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
    .venv/bin/python benchmarks/caseload_page.py --members 2000 --seconds 5

It measures in-process (service + template), not over HTTP: the server's own overhead
(routing, session cookie, middleware) is not included. Target (issue): p95 under 100 ms.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from peerpath.core.audit import Viewer
from peerpath.db import migrate
from peerpath.db.models import (
    CaseloadAssignment,
    NoteModality,
    NoteStatus,
    Organization,
    OutreachPreference,
    Role,
    SessionNote,
    User,
)
from peerpath.db.session import make_engine
from peerpath.home import service as home

NOTES_PER_MEMBER = 20
FIRST_CASELOAD = 60
CASELOAD = 40


def seed(engine: Engine, members: int) -> int:
    """Returns the id of the peer specialist with 60 members."""
    now = datetime.now(UTC)
    today = now.date()
    with Session(engine) as db:
        org = Organization(slug="bench", name="Bench", settings={})
        db.add(org)
        db.flush()
        peers_needed = 1 + max(0, (members - FIRST_CASELOAD + CASELOAD - 1) // CASELOAD)
        db.execute(
            insert(User),
            [
                {
                    "organization_id": org.id,
                    "username": f"bench.peer{i}",
                    "display_name": f"Peer {i}",
                    "role": Role.PEER_SPECIALIST,
                    "password_hash": None,
                    "is_active": True,
                    "created_at": now,
                }
                for i in range(peers_needed)
            ],
        )
        peer_ids = list(
            db.scalars(select(User.id).where(User.role == Role.PEER_SPECIALIST).order_by(User.id))
        )
        db.execute(
            insert(User),
            [
                {
                    "organization_id": org.id,
                    "username": f"bench.member{i}",
                    "display_name": f"Member {i:05d}",
                    "role": Role.MEMBER,
                    "password_hash": None,
                    "is_active": True,
                    "created_at": now - timedelta(days=400),
                }
                for i in range(members)
            ],
        )
        member_ids = list(
            db.scalars(select(User.id).where(User.role == Role.MEMBER).order_by(User.id))
        )
        assignments = []
        for n, member_id in enumerate(member_ids):
            peer = (
                peer_ids[0]
                if n < FIRST_CASELOAD
                else peer_ids[1 + (n - FIRST_CASELOAD) // CASELOAD]
            )
            assignments.append(
                {
                    "organization_id": org.id,
                    "member_id": member_id,
                    "peer_specialist_id": peer,
                    "assigned_at": now,
                }
            )
        db.execute(insert(CaseloadAssignment), assignments)
        db.execute(
            insert(OutreachPreference),
            [
                {
                    "organization_id": org.id,
                    "member_id": member_id,
                    "wants_outreach": True,
                    "days": 14,
                    "updated_at": now,
                }
                for member_id in member_ids[::3]
            ],
        )
        peer_of = {a["member_id"]: a["peer_specialist_id"] for a in assignments}
        batch: list[dict[str, Any]] = []
        for member_id in member_ids:
            for k in range(NOTES_PER_MEMBER):
                batch.append(
                    {
                        "organization_id": org.id,
                        "member_id": member_id,
                        "author_id": peer_of[member_id],
                        "contact_date": today - timedelta(days=3 + 9 * k + member_id % 7),
                        "modality": NoteModality.IN_PERSON,
                        "location": "",
                        "intervention": "Walked the route to the library together.",
                        "purpose": "Practise the route.",
                        "member_response": "It felt shorter than I thought.",
                        "strengths_observed": "",
                        "next_steps": "",
                        "billable": True,
                        "status": NoteStatus.APPROVED if k else NoteStatus.RETURNED,
                        "version": 2,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            if len(batch) >= 20_000:
                db.execute(insert(SessionNote), batch)
                batch = []
        if batch:
            db.execute(insert(SessionNote), batch)
        db.commit()
        return peer_ids[0]


def run(engine: Engine, peer_id: int, clients: int, seconds: float) -> list[float]:
    from peerpath.core.templating import templates

    factory = sessionmaker(engine, expire_on_commit=False)
    template = templates.get_template("home/caseload.html")
    timings: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        mine: list[float] = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            with factory() as db:
                peer = db.get(User, peer_id)
                assert peer is not None
                rows = home.caseload(db, Viewer(peer))
                template.render(
                    {"rows": rows, "nav": (), "me": None, "flashes": [], "csrf_token": ""}
                )
                db.commit()
            mine.append(time.perf_counter() - started)
            assert len(rows) == FIRST_CASELOAD
        with lock:
            timings.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", default="", help="PostgreSQL URL (default: SQLite)")
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="peerpath-caseload-"))
    schema = ""
    if args.postgres:
        schema = f"bench_{secrets.token_hex(4)}"
        admin = make_engine(args.postgres)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        engine = make_engine(args.postgres, connect_args={"options": f"-csearch_path={schema}"})
    else:
        engine = make_engine(f"sqlite:///{folder / 'bench.db'}", single_connection=True)
    try:
        migrate.upgrade(engine)
        started = time.perf_counter()
        peer_id = seed(engine, args.members)
        if args.postgres:
            # What autovacuum does soon after a bulk load; SQLite gets no ANALYZE (the app never
            # runs one), so its plans must come from the indexes alone.
            with engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        seeded = time.perf_counter() - started
        run(engine, peer_id, 1, 2.0)  # warm up
        timings = sorted(run(engine, peer_id, args.clients, args.seconds))
        q = statistics.quantiles(timings, n=100)
        single = sorted(run(engine, peer_id, 1, 5.0))
        q1 = statistics.quantiles(single, n=100)
        backend = "PostgreSQL" if args.postgres else "SQLite"
        print(
            f"{backend}: {args.members} members, {args.members * NOTES_PER_MEMBER} notes "
            f"(seeded in {seeded:.0f} s); caseload of {FIRST_CASELOAD}, {args.clients} "
            f"clients, {args.seconds:.0f} s: n={len(timings)} "
            f"({len(timings) / args.seconds:.0f}/s), p50 {q[49] * 1000:.0f} ms, "
            f"p95 {q[94] * 1000:.0f} ms, p99 {q[98] * 1000:.0f} ms; one client p95 "
            f"{q1[94] * 1000:.1f} ms; load average {os.getloadavg()[0]:.1f}"
        )
    finally:
        engine.dispose()
        if schema:
            admin = make_engine(args.postgres)
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
