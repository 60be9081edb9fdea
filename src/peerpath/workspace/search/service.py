"""Full-text search over the session notes a viewer may read.

One interface, `search_notes(db, viewer, q, limit, offset) -> (total, hits)`, two backends:

- SQLite: the FTS5 external-content table `session_notes_fts` (porter stemming), kept in sync
  with session_notes by triggers (see the migration and peerpath.db.fts); snippet() for the
  highlighted passage.
- PostgreSQL: an expression GIN index on to_tsvector('english', <note text>) matched with
  websearch_to_tsquery; ts_headline for the passage.

The words are taken out of the user's text and each one is quoted, so no input can break the
query syntax; text with no words (only punctuation) finds nothing. Results are restricted by
the access policy (core.access.notes_member_ids, plus drafts only for their author) inside the
query, before anything is counted or shown. Each search writes one audit event holding the
number of notes found, never the words searched for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import ColumnElement, Select, and_, func, literal_column, or_, select, text
from sqlalchemy.orm import Session

from peerpath.core import access, audit
from peerpath.core.audit import Viewer
from peerpath.db.fts import (
    FTS_MEMBER_COLUMN,
    FTS_TABLE,
    PG_DOCUMENT,
    PG_VECTOR_COLUMN,
    SEARCH_COLUMNS,
)
from peerpath.db.models import NoteModality, NoteStatus, SessionNote, User

MAX_TERMS = 12
MAX_QUERY_CHARS = 200
MAX_LIMIT = 100
# Private markers around highlighted words: the passage is escaped first, then they become
# <mark>, so note text can never inject markup.
START, STOP = "\x02", "\x03"
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class NoteHit:
    note_id: int
    member_id: int
    member_name: str
    contact_date: date
    status: NoteStatus
    modality: NoteModality
    snippet: Markup


def terms(q: str) -> list[str]:
    """The words of a query: letters and digits only, at most MAX_TERMS, lower-cased."""
    words = _WORD.findall(q[:MAX_QUERY_CHARS].replace("_", " ").lower())
    seen: list[str] = []
    for word in words:
        if word not in seen:
            seen.append(word)
    return seen[:MAX_TERMS]


def highlight(raw: str) -> Markup:
    escaped = str(escape(raw.replace("\n", " ")))
    # Escaped above; only our own markers become tags.
    return Markup(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S704


def _visible(viewer: Viewer) -> list[ColumnElement[bool]]:
    return [
        SessionNote.organization_id == viewer.org_id,
        SessionNote.member_id.in_(access.notes_member_ids(viewer)),
        or_(SessionNote.status != NoteStatus.DRAFT, SessionNote.author_id == viewer.user.id),
    ]


# Words are looked for in the note's text columns only, never in the member_id token column.
_TEXT_COLUMNS = "{" + " ".join(SEARCH_COLUMNS) + "}"
# Up to this many readable members, the member filter goes into the FTS5 query itself (an
# intersection of doclists, a few ms); beyond it, matches are filtered by a join instead.
MEMBER_TOKENS_MAX = 2000


def _fts_match(words: list[str], member_ids: list[int] | None = None) -> str:
    # Each word becomes an FTS5 string ("..."), all required; \w+ holds no double quote.
    required = " AND ".join('"' + w + '"' for w in words)
    query = f"{_TEXT_COLUMNS} : ({required})"
    if member_ids is not None:
        members = " OR ".join(f'"{int(m)}"' for m in member_ids)
        query += f" AND {FTS_MEMBER_COLUMN} : ({members})"
    return query


def _sqlite(
    db: Session, viewer: Viewer, words: list[str], limit: int, offset: int
) -> tuple[int, list[tuple[int, str]]]:
    readable = list(db.scalars(access.notes_member_ids(viewer)))
    if not readable:
        return 0, []
    match = _fts_match(words, readable if len(readable) <= MEMBER_TOKENS_MAX else None)
    matching: Select[tuple[int]] = (
        select(literal_column("rowid"))
        .select_from(text(FTS_TABLE))
        .where(text(f"{FTS_TABLE} MATCH :match"))
    )
    # The FTS5 member filter is a speed-up; the policy filter below is what decides.
    where = and_(*_visible(viewer), SessionNote.id.in_(matching))
    total = (
        db.scalar(select(func.count()).select_from(SessionNote).where(where), {"match": match}) or 0
    )
    if total == 0 or offset >= total:
        return total, []
    ids = db.scalars(
        select(SessionNote.id)
        .where(where)
        .order_by(SessionNote.contact_date.desc(), SessionNote.id.desc())
        .limit(limit)
        .offset(offset),
        {"match": match},
    ).all()
    if not ids:
        return total, []
    marks = ", ".join(str(int(i)) for i in ids)
    rows = db.execute(
        text(
            # Only constants and integer ids are formatted in; the query words are bound.
            f"SELECT rowid, snippet({FTS_TABLE}, -1, :start, :stop, '…', 16) "  # noqa: S608
            f"FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH :match AND rowid IN ({marks})"
        ),
        {"match": _fts_match(words), "start": START, "stop": STOP},
    ).all()
    snippets = {int(r[0]): str(r[1]) for r in rows}
    return total, [(i, snippets.get(i, "")) for i in ids]


_PG_DOC: ColumnElement[str] = literal_column(PG_DOCUMENT)


def _postgres(
    db: Session, viewer: Viewer, words: list[str], limit: int, offset: int
) -> tuple[int, list[tuple[int, str]]]:
    query = func.websearch_to_tsquery(literal_column("'english'::regconfig"), " ".join(words))
    document: ColumnElement[Any] = literal_column(f"session_notes.{PG_VECTOR_COLUMN}")
    # The readable members as a literal list (one small query) lets the planner walk only
    # their notes by ix_session_notes_member_date; the policy filter stays in the query too.
    readable = list(db.scalars(access.notes_member_ids(viewer)))
    if not readable:
        return 0, []
    where = and_(*_visible(viewer), SessionNote.member_id.in_(readable), document.op("@@")(query))
    # One pass: the page and the total (a window count) together, so the text of each
    # readable note is matched once, not once for the count and again for the page.
    page = db.execute(
        select(SessionNote.id, func.count().over())
        .where(where)
        .order_by(SessionNote.contact_date.desc(), SessionNote.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    if page:
        total = int(page[0][1])
    elif offset == 0:
        total = 0
    else:  # past the last page: the total alone
        total = db.scalar(select(func.count()).select_from(SessionNote).where(where)) or 0
    ids = [int(r[0]) for r in page]
    if not ids:
        return total, []
    options = (
        f"StartSel={START}, StopSel={STOP}, MaxWords=28, MinWords=10, MaxFragments=2, "
        'FragmentDelimiter=" … "'
    )
    rows = db.execute(
        select(
            SessionNote.id,
            func.ts_headline(literal_column("'english'::regconfig"), _PG_DOC, query, options),
        ).where(SessionNote.id.in_(ids))
    ).all()
    snippets = {int(r[0]): str(r[1]) for r in rows}
    return total, [(i, snippets.get(i, "")) for i in ids]


def search_notes(
    db: Session, viewer: Viewer, q: str, limit: int = 20, offset: int = 0
) -> tuple[int, list[NoteHit]]:
    """(number of readable notes matching every word of `q`, one page of hits, newest first)."""
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    words = terms(q)
    found: list[tuple[int, str]] = []
    if not words:
        total = 0
    elif db.get_bind().dialect.name == "sqlite":
        total, found = _sqlite(db, viewer, words, limit, offset)
    else:
        total, found = _postgres(db, viewer, words, limit, offset)
    audit.record(
        db,
        viewer=viewer,
        action="search",
        record_type="session_note",
        allowed=True,
        detail=f"{total} notes found",
    )
    if not found:
        return total, []
    notes = {
        n.id: n
        for n in db.scalars(select(SessionNote).where(SessionNote.id.in_([i for i, _ in found])))
    }
    names = dict(
        db.execute(
            select(User.id, User.display_name).where(
                User.id.in_({n.member_id for n in notes.values()})
            )
        ).all()
    )
    hits = [
        NoteHit(
            note_id=i,
            member_id=notes[i].member_id,
            member_name=names.get(notes[i].member_id, ""),
            contact_date=notes[i].contact_date,
            status=notes[i].status,
            modality=notes[i].modality,
            snippet=highlight(snippet),
        )
        for i, snippet in found
        if i in notes
    ]
    return total, hits
