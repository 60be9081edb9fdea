"""API shapes for session notes, addenda, member comments, reviews and outreach preferences.

The shapes check types and sizes; the rules (who may do what, when a note is complete enough
to sign, which notes need review, billing units) live in service.py, shared by pages and API.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from peerpath.db.base import MAX_ID
from peerpath.db.models import NoteModality, NoteStatus

TEXT_CHARS = 5000
COMMENT_CHARS = 2000
MAX_OBJECTIVES = 20


def _clean_text(value: object) -> object:
    """Multi-line text: NULs dropped (PostgreSQL cannot store them), line breaks made \\n."""
    if isinstance(value, str):
        return value.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()
    return value


def _clean_line(value: object) -> object:
    value = _clean_text(value)
    if isinstance(value, str):
        return " ".join(value.split())
    return value


Text = Annotated[str, BeforeValidator(_clean_text), Field(max_length=TEXT_CHARS)]
Line = Annotated[str, BeforeValidator(_clean_line), Field(max_length=200)]
ObjectiveId = Annotated[int, Field(ge=1, le=MAX_ID)]


class NoteIn(BaseModel):
    """A new draft. Everything but the member may be filled in later, before signing."""

    model_config = ConfigDict(extra="forbid")

    contact_date: date | None = None
    start_time: time | None = None
    end_time: time | None = None
    modality: NoteModality = NoteModality.IN_PERSON
    location: Line = ""
    objective_ids: list[ObjectiveId] = Field(default_factory=list, max_length=MAX_OBJECTIVES)
    intervention: Text = ""
    purpose: Text = ""
    member_response: Text = ""
    strengths_observed: Text = ""
    next_steps: Text = ""
    billable: bool = False


class NotePatch(BaseModel):
    """A change to a draft (or a returned note): `version` is the one the edit started from."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, le=MAX_ID)
    contact_date: date | None = None
    start_time: time | None = None
    end_time: time | None = None
    modality: NoteModality | None = None
    location: Line | None = None
    objective_ids: list[ObjectiveId] | None = Field(None, max_length=MAX_OBJECTIVES)
    intervention: Text | None = None
    purpose: Text | None = None
    member_response: Text | None = None
    strengths_observed: Text | None = None
    next_steps: Text | None = None
    billable: bool | None = None


class SignIn(BaseModel):
    version: int | None = Field(None, ge=1, le=MAX_ID)


class TextIn(BaseModel):
    text: Annotated[str, BeforeValidator(_clean_text), Field(min_length=1, max_length=TEXT_CHARS)]


class ReturnIn(BaseModel):
    comment: Annotated[
        str, BeforeValidator(_clean_text), Field(min_length=1, max_length=COMMENT_CHARS)
    ]


class ApproveIn(BaseModel):
    comment: Annotated[str, BeforeValidator(_clean_text), Field(max_length=COMMENT_CHARS)] = ""


class OutreachIn(BaseModel):
    wants_outreach: bool
    days: int = Field(7, ge=1, le=90)


class OutreachRead(BaseModel):
    member_id: int
    wants_outreach: bool
    days: int


class ObjectiveLinkRead(BaseModel):
    objective_id: int | None
    text: str


class EntryRead(BaseModel):
    id: int
    author: str
    text: str
    created_at: datetime


class ReviewRead(BaseModel):
    reviewer: str
    decision: str
    comment: str
    created_at: datetime


class BillingRead(BaseModel):
    """Staff only: never part of what a member sees."""

    service_code: str
    units: int
    day_units: int
    daily_cap_units: int | None
    warning: str


class NoteRead(BaseModel):
    id: int
    member_id: int
    author: str
    contact_date: date
    start_time: time | None
    end_time: time | None
    minutes: int | None
    modality: NoteModality
    location: str
    objectives: list[ObjectiveLinkRead]
    intervention: str
    purpose: str
    member_response: str
    strengths_observed: str
    next_steps: str
    status: NoteStatus
    signed_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime
    addenda: list[EntryRead]
    comments: list[EntryRead]
    reviews: list[ReviewRead] = Field(default_factory=list)
    billable: bool | None = None
    billing: BillingRead | None = None


class QueueItemRead(BaseModel):
    id: int
    member_id: int
    member: str
    author: str
    contact_date: date
    signed_at: datetime | None
    billable: bool
