"""Access rules for member data rights: export, amendment requests, leaving, retention."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.models import AmendmentRequest, User
from tests.integration.access_rules import MEMBER1_CIRCLE, IdLookup, Rule, anyone, only, role

MEMBER1 = only("harbor.member1")
# Staff who can read member1's goals answer the request beside one (the member cannot).
GOAL_READERS_STAFF = only("harbor.peer1", "harbor.supervisor")

RULES: dict[tuple[str, str], Rule] = {
    # Each member exports only themself.
    ("GET", "/me/export"): role("member"),
    ("GET", "/me/export/download"): role("member"),
    ("GET", "/me/export/print"): role("member"),
    ("GET", "/api/v1/me/export"): role("member"),
    # The list is gated on reading the member's profile; items are filtered by section.
    ("GET", "/members/{member_id}/amendments"): MEMBER1_CIRCLE,
    ("GET", "/api/v1/members/{member_id}/amendments"): MEMBER1_CIRCLE,
    # Only the member writes a request (empty form: 422); everyone else 404.
    ("POST", "/members/{member_id}/amendments"): MEMBER1,
    ("POST", "/api/v1/members/{member_id}/amendments"): MEMBER1,
    # empty response: 422
    ("POST", "/members/{member_id}/amendments/{amendment_id}/response"): GOAL_READERS_STAFF,
    ("POST", "/api/v1/members/{member_id}/amendments/{amendment_id}/response"): (
        GOAL_READERS_STAFF
    ),
    # Leaving: the confirmation page; an empty form is 422 and changes nothing.
    ("GET", "/me/leave"): role("member"),
    ("POST", "/me/leave"): role("member"),
    ("POST", "/api/v1/me/leave"): role("member"),
    ("GET", "/goodbye"): anyone,
    ("GET", "/admin/retention"): role("admin"),
    ("POST", "/admin/retention"): role("admin"),  # empty: 422
    ("GET", "/api/v1/admin/retention"): role("admin"),
    ("PUT", "/api/v1/admin/retention"): role("admin"),  # empty: 422
}


def _open_request(db: Session, demo: dict[str, User]) -> object:
    """harbor.member1's request beside their first goal, not answered yet (rights demo)."""
    return db.scalar(
        select(AmendmentRequest.id)
        .where(
            AmendmentRequest.member_id == demo["harbor.member1"].id,
            AmendmentRequest.record_type == "goals",
            AmendmentRequest.responded_at.is_(None),
        )
        .order_by(AmendmentRequest.id)
        .limit(1)
    )


ID_LOOKUPS: dict[str, IdLookup] = {"amendment_id": _open_request}
