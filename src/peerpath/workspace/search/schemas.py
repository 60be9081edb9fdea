"""API shapes for note search."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from peerpath.db.models import NoteModality, NoteStatus


class NoteHitRead(BaseModel):
    note_id: int
    member_id: int
    member_name: str
    contact_date: date
    status: NoteStatus
    modality: NoteModality
    # HTML: the note's own text escaped, matched words wrapped in <mark>.
    snippet_html: str
    url: str


class SearchResults(BaseModel):
    q: str
    total: int
    limit: int
    offset: int
    hits: list[NoteHitRead]
