"""Trainer configuration (blueprints.yaml), validated, and blueprint assembly by weight."""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from peerpath.trainer.vocabulary import DOMAINS

CONFIG_FILE = Path(__file__).resolve().parent / "blueprints.yaml"


class Blueprint(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    questions: int = Field(ge=1, le=300)
    minutes: int = Field(ge=1, le=600)
    weights: dict[str, float]

    @field_validator("weights")
    @classmethod
    def _weights(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = set(value) - set(DOMAINS)
        if unknown:
            raise ValueError(f"unknown domains: {', '.join(sorted(unknown))}")
        if any(w < 0 for w in value.values()) or sum(value.values()) <= 0:
            raise ValueError("weights must be zero or more, and not all zero")
        return value


class ReviewConfig(BaseModel):
    daily_cap: int = Field(20, ge=1, le=500)
    desired_retention: float = Field(0.9, gt=0.5, lt=1.0)


class ReadinessConfig(BaseModel):
    recent_attempts: int = Field(40, ge=5, le=1000)
    credible_interval: float = Field(0.9, gt=0.5, lt=1.0)


class AnalysisConfig(BaseModel):
    min_sample: int = Field(20, ge=2)
    # Small-cell suppression: below this many answers nothing about an item is shown, so no
    # one learner's answer can be read off the statistics.
    min_display: int = Field(11, ge=1)
    facility_high: float = 0.95
    facility_low: float = 0.25
    discrimination_low: float = 0.15


class TrainerConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    default_blueprint: str
    blueprints: dict[str, Blueprint]
    review: ReviewConfig = ReviewConfig()
    skip_days: int = Field(7, ge=0, le=365)
    readiness: ReadinessConfig = ReadinessConfig()
    analysis: AnalysisConfig = AnalysisConfig()

    @model_validator(mode="after")
    def _default_exists(self) -> TrainerConfig:
        if self.default_blueprint not in self.blueprints:
            raise ValueError(f"default_blueprint {self.default_blueprint!r} is not defined")
        return self


@lru_cache(maxsize=1)
def config() -> TrainerConfig:
    return TrainerConfig.model_validate(yaml.safe_load(CONFIG_FILE.read_text(encoding="utf-8")))


def allocate(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split `total` items across domains in proportion to `weights`, by largest remainder
    (Hamilton's method): floors first, then one more each to the largest remainders. Ties go
    to the larger weight, then to the domain listed first."""
    weight_sum = sum(weights.values())
    order = list(weights)
    quotas = {d: total * weights[d] / weight_sum for d in order}
    counts = {d: math.floor(quotas[d]) for d in order}
    left = total - sum(counts.values())
    ranked = sorted(order, key=lambda d: (-(quotas[d] - counts[d]), -weights[d], order.index(d)))
    for d in ranked[:left]:
        counts[d] += 1
    return counts
