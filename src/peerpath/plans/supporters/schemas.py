"""API shapes for the supporters map: the people in the member's circle and the places that
help."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from peerpath.db.base import MAX_ID
from peerpath.plans.profile.schemas import Line, Text
from peerpath.plans.strengths.schemas import NOTE, ProposalRead

PERSON_FIELDS = ("name", "relationship_label", "contact", "crisis_role")
PLACE_FIELDS = ("name", "why_it_helps")


class PersonIn(BaseModel):
    name: Line = Field(min_length=1, max_length=120)
    relationship_label: Line = Field(
        default="", max_length=80, description="Who they are to the member: sister, friend..."
    )
    contact: Line = Field(default="", max_length=200, description="How to reach them.")
    crisis_role: Text = Field(
        default="", max_length=300, description="How they can help if things get hard."
    )
    note: Text = NOTE


class PersonChange(BaseModel):
    """Change a person's entry; leave out what stays the same. `version` is the one you read."""

    name: Line | None = Field(default=None, min_length=1, max_length=120)
    relationship_label: Line | None = Field(default=None, max_length=80)
    contact: Line | None = Field(default=None, max_length=200)
    crisis_role: Text | None = Field(default=None, max_length=300)
    note: Text = NOTE
    version: int = Field(ge=1, le=MAX_ID)


class PlaceIn(BaseModel):
    name: Line = Field(min_length=1, max_length=120)
    why_it_helps: Text = Field(default="", max_length=300)
    note: Text = NOTE


class PlaceChange(BaseModel):
    name: Line | None = Field(default=None, min_length=1, max_length=120)
    why_it_helps: Text | None = Field(default=None, max_length=300)
    note: Text = NOTE
    version: int = Field(ge=1, le=MAX_ID)


class Authorship(BaseModel):
    version: int
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime


class PersonRead(Authorship):
    id: int
    name: str
    relationship_label: str
    contact: str
    crisis_role: str


class PlaceRead(Authorship):
    id: int
    name: str
    why_it_helps: str


class SupportersRead(BaseModel):
    people: list[PersonRead]
    places: list[PlaceRead]
    pending_proposals: list[ProposalRead]
