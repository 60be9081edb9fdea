"""Access rules for a member's supporters: "My supporters", invitations, removal, the
invitation link a supporter opens, and the API."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.models import SupporterInvitation, SupporterLink, User
from tests.integration.access_rules import NOBODY, IdLookup, Rule, only, role

MEMBER1 = only("harbor.member1")

RULES: dict[tuple[str, str], Rule] = {
    # Each member manages only their own circle; other roles 403, other members' rows 404.
    ("GET", "/me/supporters"): role("member"),
    ("POST", "/me/supporters/link"): role("member"),  # empty form: 422, nothing linked
    ("POST", "/me/supporters/invitations"): role("member"),  # empty form: 422, none made
    ("GET", "/me/supporters/invitations/{invitation_id}/cancel"): MEMBER1,
    # without confirm=yes: 422, the invitation stays
    ("POST", "/me/supporters/invitations/{invitation_id}/cancel"): MEMBER1,
    ("GET", "/me/supporters/{link_id}/remove"): MEMBER1,
    # without confirm=yes: 422, the supporter stays
    ("POST", "/me/supporters/{link_id}/remove"): MEMBER1,
    # An unknown invitation link is "not there" for everyone, signed in or not.
    ("GET", "/supporter-invite/{token}"): NOBODY,
    ("POST", "/supporter-invite/{token}"): NOBODY,
    ("GET", "/api/v1/me/supporters"): role("member"),
    ("POST", "/api/v1/me/supporters"): role("member"),  # empty body: 422
    ("POST", "/api/v1/me/supporter-invitations"): role("member"),  # empty body: 422
}


def _pending_invitation(db: Session, demo: dict[str, User]) -> object:
    """harbor.member1's invitation waiting for an answer (supporters demo)."""
    return db.scalar(
        select(SupporterInvitation.id)
        .where(
            SupporterInvitation.member_id == demo["harbor.member1"].id,
            SupporterInvitation.accepted_at.is_(None),
            SupporterInvitation.cancelled_at.is_(None),
        )
        .order_by(SupporterInvitation.id)
        .limit(1)
    )


def _supporter_link(db: Session, demo: dict[str, User]) -> object:
    """harbor.member1's link to harbor.supporter1."""
    return db.scalar(
        select(SupporterLink.id).where(
            SupporterLink.member_id == demo["harbor.member1"].id,
            SupporterLink.supporter_id == demo["harbor.supporter1"].id,
        )
    )


ID_LOOKUPS: dict[str, IdLookup] = {
    "invitation_id": _pending_invitation,
    "link_id": _supporter_link,
}
