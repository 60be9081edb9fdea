"""The supervisor's review queue (/supervision/queue) and the approve / return actions, as
pages and JSON API; both call the same service functions."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from peerpath.core.deps import DbSession, Me, RecordId, SupervisorViewer
from peerpath.core.errors import Invalid
from peerpath.core.templating import redirect, render
from peerpath.core.unit_of_work import UnitOfWorkRoute
from peerpath.workspace.notes import service as notes
from peerpath.workspace.notes.routes import (
    PostedForm,
    _note_page,
    _text,
    _validated,
    note_read,
)
from peerpath.workspace.notes.schemas import ApproveIn, NoteRead, QueueItemRead, ReturnIn
from peerpath.workspace.supervision import service

pages = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
api = APIRouter(route_class=UnitOfWorkRoute, tags=["supervision"])


@pages.get("/supervision/queue")
def queue_page(request: Request, db: DbSession, viewer: SupervisorViewer) -> Response:
    return render(
        request,
        "workspace/supervision/queue.html",
        {"title": "Notes to review", "views": service.queue(db, viewer)},
    )


def review_gate(db: DbSession, viewer: Me, note_id: RecordId) -> None:
    """Only the supervisor of the note's member's peer specialist: others get the audited 404
    before anything else is looked at. A note not waiting for review is a 409 later."""
    notes.reviewable_note(db, viewer, note_id, waiting=False)


@pages.post("/notes/{note_id}/approve", dependencies=[Depends(review_gate)])
def approve_submit(
    request: Request, db: DbSession, viewer: Me, note_id: RecordId, form: PostedForm
) -> Response:
    data = _validated(ApproveIn, {"comment": _text(form, "comment")})
    notes.approve_note(db, viewer, note_id, data.comment)
    return redirect("/supervision/queue", request, "Approved.")


@pages.post("/notes/{note_id}/return", dependencies=[Depends(review_gate)])
def return_submit(
    request: Request, db: DbSession, viewer: Me, note_id: RecordId, form: PostedForm
) -> Response:
    try:
        data = _validated(ReturnIn, {"comment": _text(form, "comment")})
        notes.return_note(db, viewer, note_id, data.comment)
    except Invalid:
        return _note_page(
            request,
            db,
            viewer,
            notes.note_view(db, viewer, note_id),
            errors={"return_comment": "Comment: please say what to revise, for the author."},
            error="The note was not returned yet: please add a comment for the author.",
            form={"return_comment": _text(form, "comment")},
            status_code=422,
        )
    return redirect("/supervision/queue", request, "Returned to the author with your comment.")


@api.get("/supervision/queue", response_model=list[QueueItemRead])
def api_queue(db: DbSession, viewer: SupervisorViewer) -> list[QueueItemRead]:
    return [
        QueueItemRead(
            id=v.note.id,
            member_id=v.member.id,
            member=v.member.display_name,
            author=v.author,
            contact_date=v.note.contact_date,
            signed_at=v.note.signed_at,
            billable=v.note.billable,
        )
        for v in service.queue(db, viewer)
    ]


@api.post("/notes/{note_id}/approve", response_model=NoteRead, dependencies=[Depends(review_gate)])
def api_approve(db: DbSession, viewer: Me, note_id: RecordId, body: ApproveIn) -> NoteRead:
    notes.approve_note(db, viewer, note_id, body.comment)
    return note_read(notes.note_view(db, viewer, note_id), viewer)


@api.post("/notes/{note_id}/return", response_model=NoteRead, dependencies=[Depends(review_gate)])
def api_return(db: DbSession, viewer: Me, note_id: RecordId, body: ReturnIn) -> NoteRead:
    notes.return_note(db, viewer, note_id, body.comment)
    return note_read(notes.note_view(db, viewer, note_id), viewer)
