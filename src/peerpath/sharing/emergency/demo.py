"""Demo emergency opening (text written for peerpath).

Two days ago member1's crisis plan was opened in an emergency by peer2, who was on call and is
not member1's peer specialist. The opening has ended; member1 has not read the notice yet, so
it shows on their home page.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from peerpath.core import audit
from peerpath.core.access import EMERGENCY_HOURS
from peerpath.core.audit import Viewer
from peerpath.db.base import utcnow
from peerpath.db.models import EmergencyAccess, User
from peerpath.sharing.emergency.service import AUDIT_ACTION, RECORD_TYPE

REASON = (
    "You called the evening support line and said you did not feel safe at home tonight. "
    "I was on call and opened your crisis plan to see who you want us to contact and what "
    "helps you most when things get this hard."
)


def load(db: Session, org_slug: str, users: dict[str, User]) -> None:
    member = users.get("member1")
    staff = users.get("peer2")
    if member is None or staff is None:
        return
    opened = utcnow() - timedelta(days=2, hours=3)
    opening = EmergencyAccess(
        organization_id=member.organization_id,
        member_id=member.id,
        staff_id=staff.id,
        reason=REASON,
        opened_at=opened,
        expires_at=opened + timedelta(hours=EMERGENCY_HOURS),
    )
    db.add(opening)
    db.flush()
    event = audit.record(
        db,
        viewer=Viewer(staff),
        action=AUDIT_ACTION,
        record_type=RECORD_TYPE,
        record_id=opening.id,
        subject_member_id=member.id,
        allowed=True,
        detail=f"reason given ({len(REASON)} characters); open for {EMERGENCY_HOURS} hours",
    )
    event.occurred_at = opened  # set before its first flush: the log is append-only
