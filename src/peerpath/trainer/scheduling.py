"""Spaced repetition with fsrs: answer -> rating, card updates, and the daily review queue.

wrong -> Again; correct and unsure -> Hard; correct and sure (or no confidence given) -> Good.
The daily queue serves at most `daily_cap` reviews a day. After missed days the overdue backlog
is not dumped at once: the cards most at risk (lowest retrievability, then the longest overdue)
come first, and never more than the cap a day, so the backlog drains over the following days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from fsrs import Card, Rating, Scheduler


def rating_for(correct: bool, confidence: str | None) -> Rating:
    if not correct:
        return Rating.Again
    if confidence == "unsure":
        return Rating.Hard
    return Rating.Good


@lru_cache(maxsize=4)
def scheduler(desired_retention: float = 0.9) -> Scheduler:
    # No fuzzing: the same history gives the same schedule (tests, and explanations to people).
    return Scheduler(desired_retention=desired_retention, enable_fuzzing=False)


def new_card(now: datetime) -> Card:
    card = Card()
    card.due = now
    return card


def review(
    card_json: str | None, correct: bool, confidence: str | None, now: datetime, retention: float
) -> Card:
    if now.tzinfo is None:
        raise ValueError("use an aware UTC datetime")
    now = now.astimezone(UTC)
    card = Card.from_json(card_json) if card_json else new_card(now)
    updated, _log = scheduler(retention).review_card(
        card, rating_for(correct, confidence), review_datetime=now
    )
    return updated


@dataclass(frozen=True)
class DueCard:
    question_id: int
    card_json: str
    due: datetime


def queue_order(cards: Sequence[DueCard], now: datetime, retention: float) -> list[DueCard]:
    """Due cards, most at risk first: lowest retrievability, then the longest overdue."""
    sched = scheduler(retention)

    def risk(c: DueCard) -> tuple[float, datetime, int]:
        card = Card.from_json(c.card_json)
        return (sched.get_card_retrievability(card, current_datetime=now), c.due, c.question_id)

    return sorted(cards, key=risk)


def todays_allowance(cap: int, reviewed_today: int) -> int:
    return max(0, cap - reviewed_today)
