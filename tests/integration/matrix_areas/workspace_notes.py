"""Access rules for session notes, supervision review, billing export and outreach choices."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.models import NoteStatus, SessionNote, User
from tests.integration.access_rules import IdLookup, Rule, only, role

# Notes about harbor.member1: the member, their peer specialist (peer1) and peer1's
# supervisor read them. Admins and supporters never read what a note says.
NOTE_READERS = only("harbor.member1", "harbor.peer1", "harbor.supervisor")
PEER1 = only("harbor.peer1")
MEMBER1 = only("harbor.member1")
SUPERVISOR = only("harbor.supervisor")
OUTREACH = only("harbor.member1", "harbor.peer1")

RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/notes"): role("peer"),
    ("GET", "/my-notes"): role("member"),
    ("POST", "/notes/autosave"): role("peer"),  # empty form: 404/422, never a 500
    ("GET", "/members/{member_id}/notes"): NOTE_READERS,
    ("GET", "/members/{member_id}/notes/new"): PEER1,
    ("POST", "/members/{member_id}/notes"): PEER1,
    ("GET", "/notes/{note_id}"): NOTE_READERS,
    ("GET", "/notes/{note_id}/edit"): PEER1,  # signed: redirects to the note
    ("POST", "/notes/{note_id}/edit"): PEER1,  # signed: 409
    ("POST", "/notes/{note_id}/sign"): PEER1,  # waiting for review: 409
    ("POST", "/notes/{note_id}/addenda"): PEER1,  # empty: 422
    ("POST", "/notes/{note_id}/comments"): MEMBER1,  # empty: 422
    ("POST", "/notes/{note_id}/approve"): SUPERVISOR,
    ("POST", "/notes/{note_id}/return"): SUPERVISOR,  # no comment: 422
    ("GET", "/members/{member_id}/outreach"): OUTREACH,
    ("POST", "/members/{member_id}/outreach"): OUTREACH,
    ("GET", "/supervision/queue"): role("supervisor"),
    ("GET", "/admin/billing"): role("admin"),
    ("GET", "/admin/billing/export.csv"): role("admin"),  # no dates: 422
    ("GET", "/api/v1/members/{member_id}/notes"): NOTE_READERS,
    ("POST", "/api/v1/members/{member_id}/notes"): PEER1,
    ("GET", "/api/v1/notes/{note_id}"): NOTE_READERS,
    ("PATCH", "/api/v1/notes/{note_id}"): PEER1,
    ("POST", "/api/v1/notes/{note_id}/sign"): PEER1,
    ("POST", "/api/v1/notes/{note_id}/addenda"): PEER1,
    ("POST", "/api/v1/notes/{note_id}/comments"): MEMBER1,
    ("POST", "/api/v1/notes/{note_id}/approve"): SUPERVISOR,
    ("POST", "/api/v1/notes/{note_id}/return"): SUPERVISOR,
    ("GET", "/api/v1/supervision/queue"): role("supervisor"),
    ("GET", "/api/v1/billing/export"): role("admin"),
    ("GET", "/api/v1/members/{member_id}/outreach"): OUTREACH,
    ("PUT", "/api/v1/members/{member_id}/outreach"): OUTREACH,
}


def _waiting_note(db: Session, demo: dict[str, User]) -> object:
    """harbor.member1's signed note waiting for the supervisor's review (notes demo)."""
    return db.scalar(
        select(SessionNote.id)
        .where(
            SessionNote.member_id == demo["harbor.member1"].id,
            SessionNote.status == NoteStatus.PENDING_REVIEW,
        )
        .order_by(SessionNote.id)
        .limit(1)
    )


ID_LOOKUPS: dict[str, IdLookup] = {"note_id": _waiting_note}

RULES.update(
    {
        ("POST", "/admin/billing/review"): role("admin"),  # no choice: 422
        ("GET", "/api/v1/admin/billing/settings"): role("admin"),
        ("PUT", "/api/v1/admin/billing/settings"): role("admin"),  # {}: no change
    }
)
