"""The dashboard cache and the per-organization data version that keeps it honest.

Every ORM flush that adds, changes or deletes a row in a table the dashboard counts gives that
organization's row in `outcome_data_versions` a fresh random stamp, in the same transaction (so
it commits or rolls back with the data). A random stamp rather than a counter: a rolled-back
history can never reproduce a stamp a cached dashboard was computed at. A bulk ORM statement
(insert/update/delete on such a table, whose organization we cannot tell) bumps every
organization.

A computed dashboard is kept in an in-process LRU keyed by (organization, programme, period,
today) together with the version it was computed at. Serving it reads the version (one
primary-key lookup); a different version means recompute. Each worker process has its own LRU
but they all read the same version, so a write seen by one worker invalidates them all.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import Delete, Insert, Update, event, insert, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from peerpath.db.models import Organization, OutcomeDataVersion

# Tables whose rows the dashboard counts.
TRACKED_TABLES = frozenset(
    {
        "organizations",  # settings: billing rules, time zone
        "users",
        "checkins",
        "measure_responses",
        "goals",
        "plan_versions",
        "session_notes",
        "group_sessions",
        "group_attendance",
        "programs",
        "program_enrollments",
    }
)
_PENDING = "outcomes_changed_orgs"

T = TypeVar("T")


def _org_of(obj: object) -> int | None:
    table = getattr(obj, "__tablename__", None)
    if table not in TRACKED_TABLES:
        return None
    org = getattr(obj, "id" if table == "organizations" else "organization_id", None)
    return org if isinstance(org, int) else None


def _stamp() -> int:
    return secrets.randbelow(2**31 - 2) + 1


def bump(session: Session, organization_ids: set[int]) -> None:
    """Give each organization's data version a new stamp (creating the row)."""
    if not organization_ids:
        return
    conn = session.connection()
    dialect = conn.dialect.name
    for org_id in sorted(organization_ids):  # a fixed order: no lock-order deadlocks
        stamp = _stamp()
        stmt: Any
        if dialect == "postgresql":
            stmt = postgresql.insert(OutcomeDataVersion)
        else:
            stmt = sqlite.insert(OutcomeDataVersion)
        stmt = stmt.values(organization_id=org_id, version=stamp).on_conflict_do_update(
            index_elements=[OutcomeDataVersion.organization_id], set_={"version": stamp}
        )
        conn.execute(stmt)


def bump_all(session: Session) -> None:
    conn = session.connection()
    stamp = _stamp()
    conn.execute(update(OutcomeDataVersion).values(version=stamp))
    missing = select(Organization.id, literal(stamp)).where(
        Organization.id.not_in(select(OutcomeDataVersion.organization_id))
    )
    conn.execute(insert(OutcomeDataVersion).from_select(["organization_id", "version"], missing))


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, flush_context: UOWTransaction) -> None:
    """Note which organizations' counted data changed; the stamp is written at commit."""
    orgs: set[int] = session.info.setdefault(_PENDING, set())
    dirty = [obj for obj in session.dirty if session.is_modified(obj)]
    # a deleted organization takes its version row with it (ON DELETE CASCADE)
    deleted = [obj for obj in session.deleted if not isinstance(obj, Organization)]
    for obj in (*session.new, *dirty, *deleted):
        org = _org_of(obj)
        if org is not None:
            orgs.add(org)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    """Stamp the changed organizations as the transaction's last write. On PostgreSQL the
    version row is then locked only for the moment of the commit and always last, so writers
    of one organization never hold it while they wait for another lock (no deadlock cycle)."""
    session.flush()
    bump(session, session.info.pop(_PENDING, set()))


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state: ORMExecuteState) -> None:
    stmt = state.statement
    if not isinstance(stmt, Insert | Update | Delete):
        return
    table = getattr(stmt, "table", None)
    if getattr(table, "name", None) in TRACKED_TABLES:
        bump_all(state.session)


def data_version(db: Session, organization_id: int) -> int:
    return (
        db.scalar(
            select(OutcomeDataVersion.version).where(
                OutcomeDataVersion.organization_id == organization_id
            )
        )
        or 0
    )


class LRU:
    """A small thread-safe LRU of (version, value) pairs."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_compute(self, key: Hashable, version: int, compute: Callable[[], T]) -> T:
        with self._lock:
            found = self._items.get(key)
            if found is not None and found[0] == version:
                self._items.move_to_end(key)
                self.hits += 1
                value: T = found[1]
                return value
            self.misses += 1
        value = compute()
        with self._lock:
            self._items[key] = (version, value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0


DASHBOARDS = LRU()
