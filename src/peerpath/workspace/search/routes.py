"""Note search: /notes/search (page) and /api/v1/notes/search?q= (JSON), for peer
specialists, supervisors and members (who search the notes about them, when their
organization lets members read notes). Both call service.search_notes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from peerpath.core.audit import Viewer
from peerpath.core.deps import DbSession, Me
from peerpath.core.errors import Forbidden
from peerpath.core.templating import render
from peerpath.core.unit_of_work import UnitOfWorkRoute
from peerpath.db.models import Role
from peerpath.workspace.search import service
from peerpath.workspace.search.schemas import NoteHitRead, SearchResults

pages = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
api = APIRouter(route_class=UnitOfWorkRoute, tags=["search"])

PAGE = 20
SEARCHERS = (Role.PEER_SPECIALIST, Role.SUPERVISOR, Role.MEMBER)
Q = Annotated[str, Query(max_length=service.MAX_QUERY_CHARS)]
Offset = Annotated[int, Query(ge=0, le=100_000)]
Limit = Annotated[int, Query(ge=1, le=service.MAX_LIMIT)]


def _searcher(viewer: Viewer) -> None:
    if viewer.user.role not in SEARCHERS:
        raise Forbidden()


@pages.get("/notes/search")
def search_page(
    request: Request, db: DbSession, viewer: Me, q: Q = "", offset: Offset = 0
) -> Response:
    _searcher(viewer)
    total, hits = 0, list[service.NoteHit]()
    searched = bool(q.strip())
    if searched:
        total, hits = service.search_notes(db, viewer, q, PAGE, offset)
    return render(
        request,
        "workspace/search/search.html",
        {
            "title": "Search notes",
            "q": q,
            "searched": searched,
            "has_words": bool(service.terms(q)),
            "total": total,
            "hits": hits,
            "offset": offset,
            "page": PAGE,
            "is_member": viewer.user.role == Role.MEMBER,
        },
    )


@api.get("/notes/search", response_model=SearchResults)
def search_api(
    db: DbSession, viewer: Me, q: Q = "", limit: Limit = PAGE, offset: Offset = 0
) -> SearchResults:
    _searcher(viewer)
    total, hits = service.search_notes(db, viewer, q, limit, offset)
    return SearchResults(
        q=q,
        total=total,
        limit=limit,
        offset=offset,
        hits=[
            NoteHitRead(
                note_id=h.note_id,
                member_id=h.member_id,
                member_name=h.member_name,
                contact_date=h.contact_date,
                status=h.status,
                modality=h.modality,
                snippet_html=str(h.snippet),
                url=f"/notes/{h.note_id}",
            )
            for h in hits
        ],
    )
