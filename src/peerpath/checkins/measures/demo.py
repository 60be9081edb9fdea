"""Demo measure responses (invented): the wellness wheel about monthly for members 1-4, with
the ups and downs of real journeys. SWEMWBS wording is not entered, so the demo shows what a
member and an admin see before an organization adds licensed wording."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from peerpath.checkins.measures import service
from peerpath.checkins.measures.registry import WELLNESS_WHEEL, score
from peerpath.db.models import MeasureResponse, User

# Ratings in dimension order (emotional, environmental, financial, intellectual, occupational,
# physical, social, spiritual), oldest month first.
WHEEL: dict[str, tuple[tuple[int, ...], ...]] = {
    "member1": (
        (4, 5, 3, 4, 3, 4, 3, 5),
        (5, 5, 3, 5, 4, 5, 4, 5),
        (4, 5, 3, 4, 4, 4, 4, 5),
        (5, 6, 4, 5, 5, 5, 5, 6),
        (6, 6, 4, 6, 6, 6, 6, 6),
        (6, 7, 5, 6, 6, 7, 7, 7),
    ),
    "member2": (
        (5, 6, 4, 6, 5, 4, 6, 5),
        (6, 6, 4, 6, 5, 5, 6, 6),
        (5, 6, 3, 6, 4, 5, 6, 6),
        (6, 7, 4, 7, 5, 6, 7, 6),
    ),
    "member3": (
        (3, 4, 2, 5, 3, 4, 3, 4),
        (4, 5, 3, 5, 3, 4, 4, 4),
        (4, 6, 3, 6, 4, 5, 4, 5),
    ),
    "member4": (
        (6, 5, 5, 6, 4, 6, 5, 7),
        (6, 6, 5, 6, 5, 6, 6, 7),
    ),
}


def load(db: Session, org_slug: str, users: dict[str, User]) -> None:
    today = service.today()
    rows = []
    for suffix, months in WHEEL.items():
        member = users[suffix]
        for n, answers in enumerate(months):
            months_ago = len(months) - 1 - n
            scored = score(WELLNESS_WHEEL, answers)
            rows.append(
                MeasureResponse(
                    organization_id=member.organization_id,
                    member_id=member.id,
                    measure_key=WELLNESS_WHEEL.key,
                    answered_on=today - timedelta(days=30 * months_ago + 2),
                    answers=list(answers),
                    raw_score=scored.raw_score,
                    score=scored.score,
                    detail=scored.detail,
                )
            )
    db.add_all(rows)
    db.flush()
