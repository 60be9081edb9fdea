"""Database objects for full-text note search that the ORM metadata does not describe.

The search index is built by the migration (workspace groups/appointments/search) and kept by
the database itself: on SQLite an FTS5 external-content virtual table over session_notes (plus
the shadow tables FTS5 makes for it) kept in sync by triggers; on PostgreSQL a stored
generated tsvector column on session_notes with a GIN index. Neither can be written as a
SQLAlchemy Table/Column/Index that both backends share, so they are left out of the metadata
and `include_object` tells Alembic's comparison (autogenerate, and
tests/integration/test_migrations.py) to look past them.
"""

from __future__ import annotations

from typing import Any

FTS_TABLE = "session_notes_fts"
# FTS5 creates these for the virtual table (external content: no _content table).
FTS_TABLES = frozenset(
    {FTS_TABLE} | {f"{FTS_TABLE}_{suffix}" for suffix in ("data", "idx", "docsize", "config")}
)
PG_FTS_INDEX = "ix_session_notes_fts"
# PostgreSQL: a stored generated tsvector column on session_notes (not in the model).
PG_VECTOR_COLUMN = "search_vector"
# The text a note is searched by, in one place: the PostgreSQL index expression and the
# query must match it exactly for the index to be used.
SEARCH_COLUMNS = (
    "purpose",
    "intervention",
    "member_response",
    "strengths_observed",
    "next_steps",
    "location",
)
PG_DOCUMENT = " || ' ' || ".join(SEARCH_COLUMNS)
# SQLite's FTS5 table also holds member_id as a token (column filter `member_id : "42"`).
FTS_MEMBER_COLUMN = "member_id"


def is_search_object(name: str | None, type_: str) -> bool:
    if name is None:
        return False
    if type_ == "table":
        return name in FTS_TABLES
    if type_ == "index":
        return name == PG_FTS_INDEX
    if type_ == "column":
        return name == PG_VECTOR_COLUMN
    return False


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic hook: skip the search index objects that exist only in the database."""
    return not (reflected and compare_to is None and is_search_object(name, type_))
