"""Access rules for emergency openings of a crisis plan and the member's list of them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.models import EmergencyAccess, User
from tests.integration.access_rules import IdLookup, Rule, only, role

# Staff of member1's organization (not trainees, not supporters, not the member) reach the
# form; an empty form or body is 422 and opens nothing. peer1 and the supervisor already have
# the crisis plan shared with them (enrolment defaults): they see a page saying so.
HARBOR_OPENERS = only("harbor.peer1", "harbor.peer2", "harbor.supervisor", "harbor.admin")

RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/members/{member_id}/crisis-plan/emergency"): HARBOR_OPENERS,
    ("POST", "/members/{member_id}/crisis-plan/emergency"): HARBOR_OPENERS,
    ("POST", "/api/v1/members/{member_id}/crisis-plan/emergency"): HARBOR_OPENERS,
    # Each member reads only their own openings; "Got it" on member1's demo opening.
    ("GET", "/me/emergency-openings"): role("member"),
    ("GET", "/api/v1/me/emergency-openings"): role("member"),
    ("POST", "/me/emergency-openings/{opening_id}/seen"): only("harbor.member1"),
    ("POST", "/api/v1/me/emergency-openings/{opening_id}/seen"): only("harbor.member1"),
}


def _member1_opening(db: Session, demo: dict[str, User]) -> object:
    """The opening of harbor.member1's crisis plan in the emergency demo."""
    return db.scalar(
        select(EmergencyAccess.id)
        .where(EmergencyAccess.member_id == demo["harbor.member1"].id)
        .order_by(EmergencyAccess.id)
        .limit(1)
    )


ID_LOOKUPS: dict[str, IdLookup] = {"opening_id": _member1_opening}
