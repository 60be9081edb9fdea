"""The hot per-member queries use indexes, on both databases (issue 9: per-member pages take
the same time at 2,000 and at 20,000 members).

A database with thousands of members (the scale generator, sized for this test: 20
organizations, 4,000 members, tens of thousands of check-ins, notes, plan versions and audit
rows) is built once per backend. The service functions behind the per-member pages are called
for real while an SQLAlchemy event records every SELECT they send; each recorded statement
that reads a hot table is then explained with its own parameters:

- SQLite (`EXPLAIN QUERY PLAN`): every step on a hot table must be a SEARCH (an index lookup),
  never a SCAN of the table or of a whole index;
- PostgreSQL (`EXPLAIN`, after ANALYZE, planner settings untouched): no Seq Scan of a hot
  table, and every index scan of one has an index condition (not a full index walk).

On top of that, the table that decides the size of the answer must be reached through the
column that names the person: the caseload through the peer specialist, the audit rows
through the member.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, select, text
from sqlalchemy.orm import Session

from peerpath import scale
from peerpath.core.audit import Viewer
from peerpath.core.crypto import load_keyring
from peerpath.db import migrate
from peerpath.db.base import utcnow
from peerpath.db.models import JournalEntry, User
from peerpath.demo import load_demo
from peerpath.settings import Settings
from tests.conftest import drop_postgres_schema, fresh_engine, worker_suffix

HOT_TABLES = (
    "checkins",
    "session_notes",
    "caseload_assignments",
    "audit_events",
    "plan_versions",
    "journal_entries",
)
# 20 organizations like the large dataset (so one peer specialist's caseload is a small part
# of the table), 200 members each.
PLAN = scale.ScalePlan(
    organizations=20,
    staff_per_org=20,
    members=4_000,
    checkins_per_member=5,
    notes_per_member=2,
    plan_versions_per_member=2,
    audit_rows=40_000,
)
JOURNAL_PER_MEMBER = 5


@dataclass
class Captured:
    statement: str
    parameters: Any


@pytest.fixture(scope="module")
def big(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    name = f"plans_{uuid.uuid4().hex[:8]}"
    eng = fresh_engine(backend, tmp_path_factory.mktemp("plans"), name)
    migrate.upgrade(eng)
    with Session(eng) as db:
        load_demo(db)
        db.commit()
    scale.SCALES["query-plans"] = PLAN
    try:
        scale.generate(eng, "query-plans", seed=11)
    finally:
        del scale.SCALES["query-plans"]
    _add_journal_entries(eng)
    if backend == "postgres":  # what autovacuum does after a bulk load
        with eng.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    yield eng
    eng.dispose()
    if backend == "postgres":
        drop_postgres_schema(f"pp_{name}_{worker_suffix()}")


def _add_journal_entries(eng: Engine) -> None:
    """Journal rows for every generated member but scale01.member1 (whose list is the one
    explained, so nothing needs decrypting): the scale generator writes no journals."""
    table = JournalEntry.__table__
    with eng.begin() as conn:
        members = conn.execute(
            select(User.id, User.organization_id).where(
                User.username.like("scale%.member%"), User.username != "scale01.member1"
            )
        ).all()
        now = utcnow()
        rows = [
            {
                "organization_id": org_id,
                "member_id": member_id,
                "prompt_key": "",
                "chime": [],
                "key_id": "k1",
                "nonce": b"\0" * 12,
                "ciphertext": b"\0" * 48,
                "created_at": now - timedelta(days=n),
                "updated_at": now - timedelta(days=n),
            }
            for member_id, org_id in members
            for n in range(JOURNAL_PER_MEMBER)
        ]
        for start in range(0, len(rows), 5_000):
            conn.execute(table.insert(), rows[start : start + 5_000])  # type: ignore[attr-defined]


def _capture(eng: Engine, call: Callable[[Session], object]) -> list[Captured]:
    seen: list[Captured] = []

    def listen(
        conn: Connection, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")) and not many:
            seen.append(Captured(statement, parameters))

    event.listen(eng, "before_cursor_execute", listen)
    try:
        with Session(eng) as db:
            call(db)
            db.rollback()  # the audit rows the reads wrote
    finally:
        event.remove(eng, "before_cursor_execute", listen)
    return seen


def _reads(statement: str, table: str) -> bool:
    return re.search(rf'\b(FROM|JOIN)\s+"?{table}"?(\s|$|,|\))', statement) is not None


def _plan(eng: Engine, captured: Captured) -> list[str]:
    prefix = "EXPLAIN QUERY PLAN " if eng.dialect.name == "sqlite" else "EXPLAIN "
    with eng.connect() as conn:
        rows = conn.exec_driver_sql(prefix + captured.statement, captured.parameters).all()
    if eng.dialect.name == "sqlite":
        return [str(row[3]) for row in rows]
    return [str(row[0]) for row in rows]


def _problems(eng: Engine, captured: Captured, plan: list[str]) -> list[str]:
    """Steps on hot tables that read the whole table (or a whole index)."""
    found = []
    for table in HOT_TABLES:
        if not _reads(captured.statement, table):
            continue
        if eng.dialect.name == "sqlite":
            for step in plan:
                if re.match(rf"SCAN {table}\b", step):
                    found.append(f"{table}: {step}")
            continue
        for n, line in enumerate(plan):
            if re.search(rf"Seq Scan on {table}\b", line):
                found.append(f"{table}: {line.strip()}")
            elif re.search(rf"Index (Only )?Scan (Backward )?using \S+ on {table}\b", line):
                details = _node_details(plan, n)
                if not any("Index Cond" in d for d in details):
                    found.append(f"{table}: {line.strip()} (no index condition)")
    return found


def _node_details(plan: list[str], at: int) -> list[str]:
    """The detail lines (Index Cond, Filter, ...) under the plan node on line `at`."""
    indent = len(plan[at]) - len(plan[at].lstrip())
    details = []
    for line in plan[at + 1 :]:
        if "->" in line or len(line) - len(line.lstrip()) <= indent:
            break
        details.append(line.strip())
    return details


def _searched_by(eng: Engine, plans: list[list[str]], table: str, column: str) -> bool:
    """Some step reaches `table` through an index condition on `column`."""
    for plan in plans:
        if eng.dialect.name == "sqlite":
            if any(re.match(rf"SEARCH {table}\b.*\b{column}=", step) for step in plan):
                return True
            continue
        for n, line in enumerate(plan):
            if re.search(rf"on {table}\b", line) and any(
                "Cond" in d and column in d for d in _node_details(plan, n)
            ):
                return True
            # a Bitmap Heap Scan's condition is on its Bitmap Index Scan child
            if re.search(rf"Bitmap Heap Scan on {table}\b", line) and any(
                column in later and "Index Cond" in later for later in plan[n + 1 : n + 6]
            ):
                return True
    return False


def _user(db: Session, username: str) -> User:
    return db.scalars(select(User).where(User.username == username)).one()


def _hot_queries(settings: Settings) -> dict[str, Callable[[Session], object]]:
    from peerpath.checkins.daily.service import list_checkins
    from peerpath.checkins.journal.service import list_entries
    from peerpath.home.service import caseload, record_views
    from peerpath.plans.versions.service import versions_page
    from peerpath.workspace.notes.service import list_member_notes

    keyring = load_keyring(settings)

    def member_and_peer(db: Session) -> tuple[User, User]:
        member = _user(db, "scale01.member1")
        return member, _user(db, "scale01.peer1")

    return {
        "a member's check-ins, newest first": lambda db: list_checkins(
            db, Viewer(_user(db, "scale01.member1")), _user(db, "scale01.member1").id
        ),
        "a member's session notes": lambda db: list_member_notes(
            db, Viewer(member_and_peer(db)[1]), member_and_peer(db)[0].id
        ),
        "a peer specialist's caseload": lambda db: caseload(db, Viewer(_user(db, "scale01.peer1"))),
        "who looked at a member's record": lambda db: record_views(
            db, Viewer(_user(db, "scale01.member1"))
        ),
        "a member's plan versions": lambda db: versions_page(
            db, Viewer(_user(db, "scale01.member1")), _user(db, "scale01.member1").id
        ),
        "a member's journal entries": lambda db: list_entries(
            db, keyring, Viewer(_user(db, "scale01.member1")), _user(db, "scale01.member1").id
        ),
    }


# The table whose rows make up the answer, and the column it must be found by.
DRIVEN_BY = {
    "a member's check-ins, newest first": ("checkins", "member_id"),
    "a member's session notes": ("session_notes", "member_id"),
    "a peer specialist's caseload": ("caseload_assignments", "peer_specialist_id"),
    "who looked at a member's record": ("audit_events", "subject_member_id"),
    "a member's plan versions": ("plan_versions", "member_id"),
    "a member's journal entries": ("journal_entries", "member_id"),
}


@pytest.mark.parametrize("query", list(DRIVEN_BY))
def test_hot_per_member_queries_use_indexes(big: Engine, settings: Settings, query: str) -> None:
    statements = _capture(big, _hot_queries(settings)[query])
    table, column = DRIVEN_BY[query]
    hot = [s for s in statements if any(_reads(s.statement, t) for t in HOT_TABLES)]
    assert any(_reads(s.statement, table) for s in hot), f"{query}: no statement reads {table}"
    plans = [_plan(big, s) for s in hot]
    for s, plan in zip(hot, plans, strict=True):  # shown with -s, or when the test fails
        print(f"{query}: {' '.join(s.statement.split())[:200]}", *plan, sep="\n    ")
    problems = [
        f"{p}\n    in: {' '.join(s.statement.split())[:300]}\n    plan: {plan}"
        for s, plan in zip(hot, plans, strict=True)
        for p in _problems(big, s, plan)
    ]
    assert problems == [], f"{query}: hot tables read without an index:\n" + "\n".join(problems)
    assert _searched_by(big, plans, table, column), (
        f"{query}: {table} is not reached through {column}:\n"
        + "\n".join(
            f"{' '.join(s.statement.split())[:300]}\n    {plan}"
            for s, plan in zip(hot, plans, strict=True)
        )
    )


def test_the_plans_are_checked_against_enough_rows(big: Engine) -> None:
    """Guard for the test itself: too few rows and PostgreSQL would rightly scan everything."""
    with big.connect() as conn:
        counts = {t: conn.scalar(text(f"SELECT count(*) FROM {t}")) for t in HOT_TABLES}
    assert counts["checkins"] >= PLAN.members * PLAN.checkins_per_member
    assert counts["caseload_assignments"] >= PLAN.members
    assert counts["audit_events"] >= PLAN.audit_rows
    assert counts["journal_entries"] >= (PLAN.members - 1) * JOURNAL_PER_MEMBER
