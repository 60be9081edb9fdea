"""Access rules for 42 CFR Part 2: consents, the accounting of disclosures, the export for
someone else, and the admins' Part 2 marking of a programme."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.models import Part2Consent, User
from tests.integration.access_rules import HARBOR_ADMIN, IdLookup, Rule, only, role

# Consents and disclosures are the member's alone: everyone else 404.
MEMBER1 = only("harbor.member1")

RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/me/consents"): role("member"),
    ("GET", "/me/consents/new"): role("member"),
    ("POST", "/me/consents/new"): role("member"),  # empty form: 422, nothing saved
    ("GET", "/me/consents/{consent_id}"): MEMBER1,
    ("GET", "/me/consents/{consent_id}/revoke"): MEMBER1,
    ("POST", "/me/consents/{consent_id}/revoke"): MEMBER1,
    ("GET", "/me/disclosures"): role("member"),
    ("GET", "/me/export/for-someone-else"): role("member"),
    ("POST", "/me/export/for-someone-else"): role("member"),  # empty form: 422
    ("POST", "/api/v1/me/export/for-someone-else"): role("member"),  # empty body: 422
    ("GET", "/api/v1/members/{member_id}/part2-consents"): MEMBER1,
    ("POST", "/api/v1/members/{member_id}/part2-consents"): MEMBER1,  # empty body: 422
    ("GET", "/api/v1/members/{member_id}/part2-consents/{consent_id}"): MEMBER1,
    ("POST", "/api/v1/members/{member_id}/part2-consents/{consent_id}/revoke"): MEMBER1,
    ("GET", "/api/v1/members/{member_id}/disclosures"): MEMBER1,
    ("GET", "/admin/programs/{program_id}/part2"): HARBOR_ADMIN,
    ("POST", "/admin/programs/{program_id}/part2"): HARBOR_ADMIN,  # no choice: 422
    ("PUT", "/api/v1/programs/{program_id}/part2"): HARBOR_ADMIN,  # empty body: 422
}


def _member1_consent(db: Session, demo: dict[str, User]) -> object:
    """harbor.member1's consent naming their supporter (sharing.part2 demo)."""
    return db.scalar(
        select(Part2Consent.id)
        .where(Part2Consent.member_id == demo["harbor.member1"].id)
        .order_by(Part2Consent.id)
        .limit(1)
    )


ID_LOOKUPS: dict[str, IdLookup] = {"consent_id": _member1_consent}
