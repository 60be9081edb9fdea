"""Demo sharing with supporters (text written for peerpath).

member1 shares their crisis plan with supporter1 (already linked by the accounts demo), for
crisis support and with no end date, so signing in as the supporter shows something. member1
also has one invitation waiting for an answer (its link was never shown to anyone).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from peerpath.core import security
from peerpath.core.access import Section
from peerpath.db.base import utcnow
from peerpath.db.models import (
    RecipientKind,
    SharingGrant,
    SharingPurpose,
    SupporterInvitation,
    User,
)
from peerpath.sharing.supporters.service import INVITATION_DAYS


def load(db: Session, org_slug: str, users: dict[str, User]) -> None:
    member = users.get("member1")
    supporter = users.get("supporter1")
    if member is None or supporter is None:
        return
    db.add(
        SharingGrant(
            organization_id=member.organization_id,
            member_id=member.id,
            recipient_kind=RecipientKind.SUPPORTER,
            recipient_user_id=supporter.id,
            section=Section.CRISIS_PLAN.value,
            purpose=SharingPurpose.CRISIS_SUPPORT,
            purpose_detail="So my family knows what to do if things get very hard.",
            expires_on=None,
            from_defaults=False,
            created_by_id=member.id,
        )
    )
    db.add(
        SupporterInvitation(
            organization_id=member.organization_id,
            member_id=member.id,
            token_hash=security.token_hash(security.new_token()),
            relationship_label="friend",
            email=None,
            created_at=utcnow() - timedelta(days=1),
            expires_at=utcnow() + timedelta(days=INVITATION_DAYS - 1),
        )
    )
    db.flush()
