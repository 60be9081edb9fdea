"""The measures registry, as data: what each questionnaire is, who may ship its wording, how it
is scored and where it comes from.

A measure whose item wording is licensed ships without it (item_labels is None): an
organization that holds the licence enters the wording itself (admin page
/admin/measures/{key}/items), and only then can its members complete the measure.

Results are only ever shown against the member's own earlier results: no cut-offs, no bands,
no comparison with anyone else.

Not shipped, on purpose: other instruments whose licences we cannot confirm allow shipping
(for example MHRM, RAS-DS, the 14-item WEMWBS, Recovery Star). An organization can ask for
one to be added as a licensed measure like SWEMWBS below.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from statistics import fmean
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from peerpath.plans.vocabulary import DIMENSIONS


class LicenceStatus(enum.StrEnum):
    OURS_FREE = "ours_free"
    LICENCE_REQUIRED = "licence_required"
    PUBLIC_DOMAIN = "public_domain"

    @property
    def label(self) -> str:
        return LICENCE_LABELS[self]


LICENCE_LABELS = {
    LicenceStatus.OURS_FREE: "Ours, free to use",
    LicenceStatus.LICENCE_REQUIRED: "Licence required for the item wording",
    LicenceStatus.PUBLIC_DOMAIN: "Public domain",
}


class ScoringRule(enum.StrEnum):
    MEAN = "mean"  # the average of the item ratings
    SWEMWBS_METRIC = "swemwbs_metric"  # sum of 7 items, converted with the published table


class ResponseScale(BaseModel):
    """Whole-number answers from `min` to `max`; `labels` names some or all of the points."""

    model_config = ConfigDict(frozen=True)

    min: int
    max: int
    labels: dict[int, str] = {}

    @model_validator(mode="after")
    def _labels_in_range(self) -> ResponseScale:
        if self.min >= self.max or any(not self.min <= k <= self.max for k in self.labels):
            raise ValueError("scale labels must name points between min and max")
        return self

    @property
    def points(self) -> list[int]:
        return list(range(self.min, self.max + 1))

    def label(self, point: int) -> str:
        return self.labels.get(point, "")


class Measure(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    name: str
    about: str  # one or two sentences in our own words, for members
    item_count: int
    # The wording of each item, or None: "supplied by a licensed organization".
    item_labels: tuple[str, ...] | None
    # A short, neutral name per item for the organization's entry form and for API answers.
    item_names: tuple[str, ...]
    scale: ResponseScale
    scoring: ScoringRule
    score_name: str  # what the score is called on results
    score_min: float
    score_max: float
    licence: LicenceStatus
    licence_note: str
    citation: str

    @model_validator(mode="after")
    def _consistent(self) -> Measure:
        if len(self.item_names) != self.item_count or (
            self.item_labels is not None and len(self.item_labels) != self.item_count
        ):
            raise ValueError(f"{self.key}: item_count, item_names and item_labels disagree")
        if self.item_labels is None and self.licence != LicenceStatus.LICENCE_REQUIRED:
            raise ValueError(f"{self.key}: only a licensed measure ships without its wording")
        return self

    @property
    def needs_licensed_wording(self) -> bool:
        return self.item_labels is None


# ---- SWEMWBS raw-to-metric conversion -----------------------------------------------------
# The published conversion of the SWEMWBS raw score (the sum of 7 items scored 1-5, so 7-35)
# to its Rasch-based metric score: Stewart-Brown S, Tennant A, Tennant R, Platt S, Parkinson J,
# Weich S. "Internal construct validity of the Warwick-Edinburgh Mental Well-being Scale
# (WEMWBS): a Rasch analysis using data from the Scottish Health Education Population Survey."
# Health and Quality of Life Outcomes 2009;7:15, as given in Warwick Medical School's SWEMWBS
# scoring guidance (warwick.ac.uk/fac/med/research/platform/wemwbs/researchers/guidance/).
# Checked row by row against independent published transcriptions of that table; they agree
# on every row (one transcription shows 25.99 for raw 29, the others and the guidance 26.02).
SWEMWBS_METRIC: dict[int, float] = {
    7: 7.00,
    8: 9.51,
    9: 11.25,
    10: 12.40,
    11: 13.33,
    12: 14.08,
    13: 14.75,
    14: 15.32,
    15: 15.84,
    16: 16.36,
    17: 16.88,
    18: 17.43,
    19: 17.98,
    20: 18.59,
    21: 19.25,
    22: 19.98,
    23: 20.73,
    24: 21.54,
    25: 22.35,
    26: 23.21,
    27: 24.11,
    28: 25.03,
    29: 26.02,
    30: 27.03,
    31: 28.13,
    32: 29.31,
    33: 30.70,
    34: 32.55,
    35: 35.00,
}


def swemwbs_metric(raw: int) -> float:
    """The metric score for a SWEMWBS raw score; a raw score outside 7-35 is refused."""
    if isinstance(raw, bool) or not isinstance(raw, int) or raw not in SWEMWBS_METRIC:
        raise ValueError(f"a SWEMWBS raw score is a whole number from 7 to 35, not {raw!r}")
    return SWEMWBS_METRIC[raw]


# ---- the measures -------------------------------------------------------------------------

_WHEEL_WORDING = {
    "emotional": "Emotional: noticing my feelings and finding ways through them",
    "environmental": "Environmental: how safe, calm and comfortable my surroundings feel",
    "financial": "Financial: how settled I feel about money right now",
    "intellectual": "Intellectual: learning, creating or staying curious",
    "occupational": "Occupational: how satisfying my work, volunteering or daily role feels",
    "physical": "Physical: caring for my body with rest, food and movement",
    "social": "Social: feeling connected to people who matter to me",
    "spiritual": "Spiritual: a sense of meaning and purpose in my life",
}
assert list(_WHEEL_WORDING) == list(DIMENSIONS)

WELLNESS_WHEEL = Measure(
    key="wellness_wheel",
    name="Wellness wheel",
    about=(
        "Rate how things are going in each of the eight dimensions of wellness, from 0 to 10. "
        "There are no right answers: it is a snapshot for you to look back on."
    ),
    item_count=len(DIMENSIONS),
    item_labels=tuple(_WHEEL_WORDING.values()),
    item_names=tuple(DIMENSIONS.values()),
    scale=ResponseScale(min=0, max=10, labels={0: "Not at all", 5: "Partly", 10: "Very much"}),
    scoring=ScoringRule.MEAN,
    score_name="Average of the eight ratings (0 to 10)",
    score_min=0,
    score_max=10,
    licence=LicenceStatus.OURS_FREE,
    licence_note="Written for peerpath; free to use.",
    citation=(
        "Dimensions from SAMHSA's Eight Dimensions of Wellness (Swarbrick 2006), public domain; "
        "item wording written for peerpath."
    ),
)

SWEMWBS = Measure(
    key="swemwbs",
    name="Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS)",
    about=(
        "Seven statements about how you have been feeling and thinking over the last two "
        "weeks. Your score is only ever shown next to your own earlier scores."
    ),
    item_count=7,
    item_labels=None,
    item_names=tuple(f"Statement {n}" for n in range(1, 8)),
    # The five-point frequency scale the instrument uses (generic frequency words, not item
    # wording): 1 lowest to 5 highest.
    scale=ResponseScale(
        min=1,
        max=5,
        labels={
            1: "None of the time",
            2: "Rarely",
            3: "Some of the time",
            4: "Often",
            5: "All of the time",
        },
    ),
    scoring=ScoringRule.SWEMWBS_METRIC,
    score_name="Wellbeing score (7 to 35)",
    score_min=7,
    score_max=35,
    licence=LicenceStatus.LICENCE_REQUIRED,
    licence_note=(
        "Free to use after registering with Warwick Medical School. The item wording is not "
        "shipped: an organization that holds the licence enters it."
    ),
    citation=(
        "Short Warwick Edinburgh Mental Wellbeing Scale (SWEMWBS) © NHS Health Scotland, "
        "University of Warwick and University of Edinburgh, 2008, all rights reserved. "
        "Scoring: Stewart-Brown et al., Health and Quality of Life Outcomes 2009;7:15."
    ),
)

MEASURES: dict[str, Measure] = {m.key: m for m in (WELLNESS_WHEEL, SWEMWBS)}


# ---- scoring ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scored:
    raw_score: float
    score: float
    detail: dict[str, Any] = field(default_factory=dict)


def _mean(measure: Measure, answers: Sequence[int]) -> Scored:
    return Scored(
        raw_score=float(sum(answers)),
        score=round(fmean(answers), 2),
        detail={"by_item": dict(zip(measure.item_names, answers, strict=True))},
    )


def _swemwbs(measure: Measure, answers: Sequence[int]) -> Scored:
    raw = sum(answers)
    return Scored(raw_score=float(raw), score=swemwbs_metric(raw))


SCORERS: dict[ScoringRule, Callable[[Measure, Sequence[int]], Scored]] = {
    ScoringRule.MEAN: _mean,
    ScoringRule.SWEMWBS_METRIC: _swemwbs,
}


def answer_errors(measure: Measure, answers: Sequence[int | None]) -> dict[str, str]:
    """Field name ("item_1"...) -> message for each missing or out-of-range answer."""
    errors: dict[str, str] = {}
    if len(answers) != measure.item_count:
        errors["answers"] = f"Please answer all {measure.item_count} items, one answer each."
        return errors
    low, high = measure.scale.min, measure.scale.max
    for n, answer in enumerate(answers, start=1):
        if answer is None:
            errors[f"item_{n}"] = f"{measure.item_names[n - 1]}: please choose an answer."
        elif isinstance(answer, bool) or not low <= answer <= high:
            errors[f"item_{n}"] = (
                f"{measure.item_names[n - 1]}: choose a whole number from {low} to {high}."
            )
    return errors


def score(measure: Measure, answers: Sequence[int]) -> Scored:
    """Score complete, in-range answers (check them with answer_errors first)."""
    if answer_errors(measure, answers):
        raise ValueError(f"answers do not fit {measure.key}")
    return SCORERS[measure.scoring](measure, answers)
