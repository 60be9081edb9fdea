"""Demo amendment requests (text written for peerpath).

member1 asks for a change beside their first goal (no response yet, so their peer specialist
has something to answer) and comments on an older check-in, which peer1 has answered.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.base import utcnow
from peerpath.db.models import AmendmentRequest, CheckIn, Goal, User

GOAL_COMMENT = (
    "The reason under this goal was written in our first meeting. It is less about proving "
    "I can hold a job now, and more about having somewhere to be on weekday mornings. "
    "Could we change the wording together?"
)
CHECKIN_COMMENT = (
    "I rated social very low this day because my sister had just cancelled a visit, not "
    "because I was avoiding people. I'd like that remembered when we look back."
)
CHECKIN_RESPONSE = (
    "Thank you for adding this. It is kept beside the check-in, and I will keep it in mind "
    "when we look at your progress together."
)


def load(db: Session, org_slug: str, users: dict[str, User]) -> None:
    member = users.get("member1")
    peer = users.get("peer1")
    if member is None:
        return
    now = utcnow()
    goal_id = db.scalar(
        select(Goal.id).where(Goal.member_id == member.id).order_by(Goal.id).limit(1)
    )
    if goal_id is not None:
        db.add(
            AmendmentRequest(
                organization_id=member.organization_id,
                member_id=member.id,
                record_type="goals",
                record_id=goal_id,
                text=GOAL_COMMENT,
                created_at=now - timedelta(days=2),
                response="",
            )
        )
    checkin_id = db.scalar(
        select(CheckIn.id)
        .where(CheckIn.member_id == member.id)
        .order_by(CheckIn.day)
        .offset(20)
        .limit(1)
    )
    if checkin_id is not None and peer is not None:
        db.add(
            AmendmentRequest(
                organization_id=member.organization_id,
                member_id=member.id,
                record_type="checkins",
                record_id=checkin_id,
                text=CHECKIN_COMMENT,
                created_at=now - timedelta(days=20),
                response=CHECKIN_RESPONSE,
                responded_by_id=peer.id,
                responded_at=now - timedelta(days=19),
            )
        )
    db.flush()
