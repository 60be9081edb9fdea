"""Readiness estimates for a learner and item statistics for trainers (pure functions).

Readiness: each domain's "knowledge share" theta has a uniform Beta(1, 1) prior; an answer is
correct with probability g + (1 - g) * theta, where g = 0.25 is the chance of guessing one of
four options. The posterior is computed on a fine grid (the guessing term makes it
non-conjugate), and reported as the expected share correct on new questions of that domain,
g + (1 - g) * theta, with a central credible interval. It is an estimate from the learner's
own practice, never an official score prediction.

Items: facility p is the share correct on learners' first attempts; discrimination is the
point-biserial correlation between answering this item correctly and the learner's share
correct on their other first attempts (the corrected item-rest correlation); distractor rates
are the share of first attempts choosing each option.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from peerpath.trainer.vocabulary import GUESSING, LETTERS

GRID = 401


@dataclass(frozen=True)
class Estimate:
    attempts: int
    correct: int
    mean: float  # expected share correct on new questions, 0..1
    low: float
    high: float


def readiness_estimate(
    correct: int, attempts: int, *, guessing: float = GUESSING, interval: float = 0.9
) -> Estimate:
    """Posterior of the expected share correct given `correct` of `attempts` answers."""
    if attempts < 0 or not 0 <= correct <= attempts:
        raise ValueError("need 0 <= correct <= attempts")
    wrong = attempts - correct
    thetas = [(i + 0.5) / GRID for i in range(GRID)]
    logs = []
    for t in thetas:
        p = guessing + (1 - guessing) * t
        logs.append(correct * math.log(p) + wrong * math.log(1 - p))
    top = max(logs)
    weights = [math.exp(v - top) for v in logs]
    total = sum(weights)
    shares = [guessing + (1 - guessing) * t for t in thetas]
    mean = sum(w * s for w, s in zip(weights, shares, strict=True)) / total
    tail = (1 - interval) / 2
    low = high = shares[-1]
    running = 0.0
    low_set = False
    for w, s in zip(weights, shares, strict=True):
        running += w / total
        if not low_set and running >= tail:
            low, low_set = s, True
        if running >= 1 - tail:
            high = s
            break
    return Estimate(attempts, correct, mean, low, high)


@dataclass(frozen=True)
class Response:
    """One learner's first attempt at one item."""

    learner_id: int
    item_id: int
    choice: str | None
    correct: bool


@dataclass
class ItemStats:
    item_id: int
    n: int
    facility: float | None
    point_biserial: float | None
    choice_rates: dict[str, float] = field(default_factory=dict)
    key: str = ""
    flags: list[str] = field(default_factory=list)


def point_biserial(item: Sequence[bool], totals: Sequence[float]) -> float | None:
    """Pearson correlation of a 0/1 item score with a continuous total (None if undefined)."""
    n = len(item)
    if n < 2 or n != len(totals):
        return None
    ones = [t for i, t in zip(item, totals, strict=True) if i]
    zeros = [t for i, t in zip(item, totals, strict=True) if not i]
    if not ones or not zeros:
        return None
    mean_all = sum(totals) / n
    sd = math.sqrt(sum((t - mean_all) ** 2 for t in totals) / n)
    if sd == 0:
        return None
    p = len(ones) / n
    return (sum(ones) / len(ones) - sum(zeros) / len(zeros)) / sd * math.sqrt(p * (1 - p))


def item_analysis(
    responses: Iterable[Response],
    keys: dict[int, str],
    *,
    min_sample: int = 20,
    facility_high: float = 0.95,
    facility_low: float = 0.25,
    discrimination_low: float = 0.15,
) -> dict[int, ItemStats]:
    rows = list(responses)
    by_learner: dict[int, list[Response]] = {}
    by_item: dict[int, list[Response]] = {}
    for r in rows:
        by_learner.setdefault(r.learner_id, []).append(r)
        by_item.setdefault(r.item_id, []).append(r)
    learner_sum = {lid: sum(r.correct for r in rs) for lid, rs in by_learner.items()}
    learner_n = {lid: len(rs) for lid, rs in by_learner.items()}
    out: dict[int, ItemStats] = {}
    for item_id, rs in by_item.items():
        n = len(rs)
        key = keys.get(item_id, "")
        facility = sum(r.correct for r in rs) / n
        # rest score: the learner's share correct on their other items
        scored = [
            (r.correct, (learner_sum[r.learner_id] - r.correct) / (learner_n[r.learner_id] - 1))
            for r in rs
            if learner_n[r.learner_id] > 1
        ]
        r_pb = point_biserial([c for c, _ in scored], [t for _, t in scored])
        rates = {x: sum(1 for r in rs if r.choice == x) / n for x in LETTERS}
        stats = ItemStats(item_id, n, facility, r_pb, rates, key)
        if n >= min_sample:
            if facility > facility_high:
                stats.flags.append(f"very easy: {facility:.0%} correct")
            if facility < facility_low:
                stats.flags.append(f"very hard: {facility:.0%} correct, near guessing")
            if r_pb is not None and r_pb < discrimination_low:
                stats.flags.append(f"weak discrimination: r = {r_pb:.2f}")
            top_distractor = max(
                (x for x in LETTERS if x != key), key=lambda x: rates[x], default=None
            )
            if top_distractor and key and rates[top_distractor] > rates.get(key, 0.0):
                stats.flags.append(f"option {top_distractor} is chosen more often than the key")
        out[item_id] = stats
    return out
