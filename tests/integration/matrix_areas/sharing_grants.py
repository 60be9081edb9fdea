"""Access rules for the member's sharing grants and staff's "shared with me" list."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.models import RecipientKind, SharingGrant, User
from tests.integration.access_rules import IdLookup, Rule, only, role

MEMBER1 = only("harbor.member1")

RULES: dict[tuple[str, str], Rule] = {
    # Each member's own sharing page; an empty add form is 422 and shares nothing.
    ("GET", "/me/sharing"): role("member"),
    ("POST", "/me/sharing/grants"): role("member"),
    # One of member1's grants: other members find no such grant (404), other roles 403.
    ("GET", "/me/sharing/grants/{grant_id}/revoke"): MEMBER1,
    ("POST", "/me/sharing/grants/{grant_id}/revoke"): MEMBER1,
    # Staff: members who share something with them by name (an empty list for most).
    ("GET", "/shared-with-me"): role("admin", "supervisor", "peer", "trainee"),
    # API: the member alone lists, adds (empty body: 422) and stops their grants.
    ("GET", "/api/v1/members/{member_id}/grants"): MEMBER1,
    ("POST", "/api/v1/members/{member_id}/grants"): MEMBER1,
    ("DELETE", "/api/v1/members/{member_id}/grants/{grant_id}"): MEMBER1,
}


def _member1_grant(db: Session, demo: dict[str, User]) -> object:
    """harbor.member1's enrolment-default grant of check-ins to their peer specialist."""
    return db.scalar(
        select(SharingGrant.id)
        .where(
            SharingGrant.member_id == demo["harbor.member1"].id,
            SharingGrant.recipient_kind == RecipientKind.MY_PEER_SPECIALIST,
            SharingGrant.section == "checkins",
            SharingGrant.revoked_at.is_(None),
        )
        .order_by(SharingGrant.id)
        .limit(1)
    )


ID_LOOKUPS: dict[str, IdLookup] = {"grant_id": _member1_grant}
