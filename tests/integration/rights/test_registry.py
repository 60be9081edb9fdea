"""Export completeness: every table that holds member data is in the rights registry (or in its
explicit, commented exclusion list). A new table that is in neither fails here, by name."""

from __future__ import annotations

from sqlalchemy import Table

from peerpath.db.base import Base
from peerpath.db.models import User  # noqa: F401  (registers every table)
from peerpath.rights.registry import BY_TABLE, EXCLUDED, REGISTRY, erase_order

MEMBER_COLUMNS = {"member_id", "user_id", "subject_member_id", "learner_id"}
# Tables that name a person without a foreign key or member column.
LISTED_MEMBER_RELATED = {"login_attempts"}


def _points_at(table: Table) -> set[str]:
    return {fk.column.table.name for fk in table.foreign_keys}


def member_related_tables() -> set[str]:
    """Tables with a member column, a foreign key to users, or a foreign-key chain to such a
    table (objectives -> goals, addenda -> session notes, ...), plus the listed ones."""
    tables = Base.metadata.tables
    related = {
        name
        for name, table in tables.items()
        if MEMBER_COLUMNS & set(table.c.keys()) or "users" in _points_at(table)
    } | LISTED_MEMBER_RELATED
    changed = True
    while changed:
        changed = False
        for name, table in tables.items():
            if name not in related and _points_at(table) & (related - {"organizations"}):
                related.add(name)
                changed = True
    return related


def test_every_member_table_is_in_the_registry_or_excluded() -> None:
    missing = sorted(member_related_tables() - set(BY_TABLE) - set(EXCLUDED))

    assert missing == [], (
        "These tables hold data about people but are neither in the rights registry "
        "(src/peerpath/rights/registry.py REGISTRY: exported and erased) nor in its EXCLUDED "
        f"list with a reason: {', '.join(missing)}"
    )


def test_registry_and_exclusions_name_real_tables_once() -> None:
    names = [entry.table for entry in REGISTRY]

    assert len(names) == len(set(names))
    assert not set(names) & set(EXCLUDED)
    assert set(names) | set(EXCLUDED) <= set(Base.metadata.tables)
    assert all(reason.strip() for reason in EXCLUDED.values())


def test_every_entry_finds_the_member() -> None:
    for entry in REGISTRY:
        table = Base.metadata.tables[entry.table]
        if entry.parent is None:
            assert entry.member_column in table.c, entry.table
        else:
            column, parent = entry.parent
            assert column in table.c, entry.table
            assert parent in BY_TABLE, f"{entry.table}: parent {parent} is not in the registry"
            assert parent in _points_at(table), f"{entry.table} has no foreign key to {parent}"


def test_erasing_goes_children_first_and_keeps_the_audit_log() -> None:
    order = [entry.table for entry in erase_order()]

    assert "audit_events" not in order
    assert order.index("action_steps") < order.index("objectives") < order.index("goals")
    assert order.index("note_addenda") < order.index("session_notes")
    assert order.index("plan_signatures") < order.index("plan_versions")


def test_no_kept_table_blocks_erasing() -> None:
    """A table that is kept must not hold a plain foreign key to rows the retention run
    deletes (it would refuse the delete, or keep a dangling reference)."""
    erased = {entry.table for entry in erase_order()}
    blocking = [
        f"{table.name}.{fk.parent.name} -> {fk.column.table.name}"
        for table in Base.metadata.sorted_tables
        if table.name not in erased
        for fk in table.foreign_keys
        if fk.column.table.name in erased
        and (fk.ondelete or "").upper() not in ("CASCADE", "SET NULL")
    ]

    assert blocking == []
