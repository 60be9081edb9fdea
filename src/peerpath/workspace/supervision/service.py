"""The supervisor's review queue: signed notes waiting for review, by the peer specialists
they supervise, about members whose notes they may read (the access policy's subquery)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.core import access, audit
from peerpath.core.audit import Viewer
from peerpath.db.models import NoteStatus, Role, SessionNote, SupervisionAssignment, User
from peerpath.workspace.notes.service import NoteView, build_views


def queue(db: Session, viewer: Viewer, *, limit: int = 200) -> list[NoteView]:
    access.require_role(viewer, Role.SUPERVISOR)
    supervised = select(SupervisionAssignment.peer_specialist_id).where(
        SupervisionAssignment.organization_id == viewer.org_id,
        SupervisionAssignment.supervisor_id == viewer.user.id,
    )
    notes = db.scalars(
        select(SessionNote)
        .where(
            SessionNote.status == NoteStatus.PENDING_REVIEW,
            SessionNote.author_id.in_(supervised),
            SessionNote.member_id.in_(access.notes_member_ids(viewer)),
        )
        .order_by(SessionNote.signed_at, SessionNote.id)
        .limit(limit)
    ).all()
    members = {
        m.id: m for m in db.scalars(select(User).where(User.id.in_({n.member_id for n in notes})))
    }
    audit.record(
        db,
        viewer=viewer,
        action="read:list",
        record_type="review_queue",
        allowed=True,
        detail=f"{len(notes)} notes",
    )
    return build_views(db, notes, members, billing=True)
