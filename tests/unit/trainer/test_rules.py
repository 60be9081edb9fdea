"""Blueprint assembly, scheduling transitions, readiness and item statistics on known inputs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Card, Rating, State

from peerpath.trainer import scheduling
from peerpath.trainer.config import allocate, config
from peerpath.trainer.stats import Response, item_analysis, point_biserial, readiness_estimate

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_largest_remainder_for_the_default_blueprint() -> None:
    # 75 x 10/46 = 16.30 (three domains), 75 x 16/46 = 26.09: floors sum to 74, and the one
    # left goes to the largest remainder (.30, a tie broken by the order listed).
    weights = config().blueprints["icrc-pr"].weights
    assert allocate(75, weights) == {
        "advocacy": 17,
        "mentoring_education": 16,
        "recovery_wellness": 16,
        "ethical_responsibility": 26,
    }


def test_largest_remainder_for_the_short_blueprint() -> None:
    # 10 x 10/46 = 2.17 and 10 x 16/46 = 3.48: floors 2+2+2+3 = 9, the extra goes to ethics.
    weights = config().blueprints["practice-10"].weights
    assert allocate(10, weights) == {
        "advocacy": 2,
        "mentoring_education": 2,
        "recovery_wellness": 2,
        "ethical_responsibility": 4,
    }


@pytest.mark.parametrize("total", [1, 7, 50, 75, 100, 133])
def test_allocation_always_adds_up(total: int) -> None:
    counts = allocate(total, {"a": 3, "b": 1, "c": 0.5})
    assert sum(counts.values()) == total
    assert counts["a"] >= counts["b"] >= counts["c"]


def test_answers_map_to_ratings() -> None:
    assert scheduling.rating_for(False, "sure") == Rating.Again
    assert scheduling.rating_for(False, None) == Rating.Again
    assert scheduling.rating_for(True, "unsure") == Rating.Hard
    assert scheduling.rating_for(True, "sure") == Rating.Good
    assert scheduling.rating_for(True, None) == Rating.Good


def test_card_transitions() -> None:
    wrong = scheduling.review(None, False, None, NOW, 0.9)
    hard = scheduling.review(None, True, "unsure", NOW, 0.9)
    good = scheduling.review(None, True, "sure", NOW, 0.9)
    assert wrong.state == State.Learning and wrong.due == NOW + timedelta(minutes=1)
    assert wrong.due <= hard.due <= good.due
    # Good answers on later days graduate the card and push it further out each time.
    later = scheduling.review(good.to_json(), True, "sure", good.due, 0.9)
    again = scheduling.review(later.to_json(), True, "sure", later.due + timedelta(days=1), 0.9)
    assert again.state == State.Review
    assert (again.due - later.due) > (later.due - good.due)
    relearn = scheduling.review(again.to_json(), False, None, again.due, 0.9)
    assert relearn.state == State.Relearning
    assert relearn.due - again.due < timedelta(hours=1)


def test_review_needs_an_aware_datetime() -> None:
    with pytest.raises(ValueError):
        scheduling.review(None, True, None, datetime(2026, 1, 1), 0.9)


def test_queue_serves_the_most_at_risk_first() -> None:
    def card(days_ago: int, qid: int) -> scheduling.DueCard:
        c = scheduling.review(None, True, "sure", NOW - timedelta(days=40), 0.9)
        c = scheduling.review(c.to_json(), True, "sure", c.due, 0.9)
        c.due = NOW - timedelta(days=days_ago)
        c.last_review = NOW - timedelta(days=days_ago + 5)
        return scheduling.DueCard(qid, c.to_json(), c.due)

    cards = [card(1, 1), card(20, 2), card(5, 3)]
    order = scheduling.queue_order(cards, NOW, 0.9)
    assert [c.question_id for c in order] == [2, 3, 1]
    assert Card.from_json(order[0].card_json).due == NOW - timedelta(days=20)


def test_readiness_on_known_inputs() -> None:
    none = readiness_estimate(0, 0)
    # Uniform prior on theta: expected share correct = 0.25 + 0.75 * 0.5
    assert none.mean == pytest.approx(0.625, abs=0.002)
    assert none.low == pytest.approx(0.25 + 0.75 * 0.05, abs=0.005)
    assert none.high == pytest.approx(0.25 + 0.75 * 0.95, abs=0.005)
    many = readiness_estimate(80, 100)
    assert many.mean == pytest.approx(0.80, abs=0.01)
    assert many.high - many.low < 0.15
    few = readiness_estimate(8, 10)
    assert few.high - few.low > many.high - many.low
    # At or below chance, the estimate sits near the guessing floor, never under it.
    chance = readiness_estimate(25, 100)
    assert chance.low >= 0.25 and chance.mean < 0.32


def test_readiness_refuses_impossible_inputs() -> None:
    with pytest.raises(ValueError):
        readiness_estimate(5, 3)


def test_point_biserial_on_known_inputs() -> None:
    # item: 1,1,0,0 ; totals 4,3,2,1 -> M1 = 3.5, M0 = 1.5, s = sqrt(1.25), p = q = .5
    r = point_biserial([True, True, False, False], [4, 3, 2, 1])
    assert r == pytest.approx((3.5 - 1.5) / 1.25**0.5 * 0.5, abs=1e-9)
    assert point_biserial([True, True], [1, 2]) is None  # no variation in the item
    assert point_biserial([True, False], [1, 1]) is None  # no variation in totals


def _responses(item: int, pattern: str, key: str = "A") -> list[Response]:
    return [
        Response(learner, item, choice, choice == key) for learner, choice in enumerate(pattern)
    ]


def test_item_analysis_facility_distractors_and_flags() -> None:
    # 20 learners. Item 1: 19 choose the key (very easy). Item 2: the key A is chosen by 4,
    # distractor C by 12 (chosen more than the key; facility 20% below the guessing bound).
    item1 = _responses(1, "A" * 19 + "B")
    item2 = _responses(2, "AAAA" + "C" * 12 + "BBDD")
    stats = item_analysis(item1 + item2, {1: "A", 2: "A"}, min_sample=20)
    assert stats[1].n == 20 and stats[1].facility == pytest.approx(0.95)
    assert not any("very easy" in f for f in stats[1].flags)  # 0.95 is not above 0.95
    assert stats[2].facility == pytest.approx(0.2)
    assert stats[2].choice_rates == {"A": 0.2, "B": 0.1, "C": 0.6, "D": 0.1}
    assert any("very hard" in f for f in stats[2].flags)
    assert any("option C is chosen more often than the key" in f for f in stats[2].flags)


def test_item_analysis_discrimination_uses_the_rest_score() -> None:
    # Learners 0-9 answer items 2..5 right, learners 10-19 wrong. Item 1 is answered right by
    # the weaker half only: negative discrimination, flagged.
    responses = []
    for learner in range(20):
        strong = learner < 10
        for item in range(2, 6):
            responses.append(Response(learner, item, "A" if strong else "B", strong))
        responses.append(Response(learner, 1, "B" if strong else "A", not strong))
    keys = {i: "A" for i in range(1, 6)}
    stats = item_analysis(responses, keys, min_sample=20)
    assert stats[1].point_biserial is not None and stats[1].point_biserial < -0.9
    assert any("weak discrimination" in f for f in stats[1].flags)
    assert stats[2].point_biserial is not None and stats[2].point_biserial > 0.9


def test_small_samples_are_never_flagged() -> None:
    stats = item_analysis(_responses(1, "CCCCC"), {1: "A"}, min_sample=20)
    assert stats[1].flags == [] and stats[1].facility == 0
