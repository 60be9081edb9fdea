"""API shapes for measures: the registry, and a member's responses."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field


class ScaleRead(BaseModel):
    min: int
    max: int
    labels: dict[int, str]


class MeasureRead(BaseModel):
    key: str
    name: str
    about: str
    item_count: int
    item_names: list[str]
    items: list[str] | None = Field(
        description="The item wording: ours, or the wording your organization entered under "
        "its licence; null while a licensed measure's wording has not been entered."
    )
    wording_supplied_by_organization: bool
    available: bool = Field(description="Whether members of your organization can complete it.")
    scale: ScaleRead
    scoring: str
    score_name: str
    score_min: float
    score_max: float
    licence: str
    licence_label: str
    licence_note: str
    citation: str


class ResponseIn(BaseModel):
    answers: list[int] = Field(
        min_length=1, max_length=50, description="One whole-number answer per item, in order."
    )
    answered_on: date | None = Field(
        default=None, description="The day it was answered; today (UTC) when left out."
    )


class ResponseRead(BaseModel):
    id: int
    member_id: int
    measure_key: str
    answered_on: date
    answers: list[int]
    raw_score: float
    score: float
    detail: dict[str, Any]
    created_at: datetime


class ItemTextIn(BaseModel):
    items: list[str]
    licence_reference: str
