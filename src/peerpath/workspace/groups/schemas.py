"""API shapes for peer support groups."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from peerpath.db.base import MAX_ID

Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _clean(value: object) -> object:
    if isinstance(value, str):
        value = value.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()
    return value


def _line(value: object) -> object:
    value = _clean(value)
    return " ".join(value.split()) if isinstance(value, str) else value


Name = Annotated[str, BeforeValidator(_line), Field(min_length=1, max_length=120)]
Line = Annotated[str, BeforeValidator(_line), Field(max_length=200)]
Text = Annotated[str, BeforeValidator(_clean), Field(max_length=5000)]


class GroupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    description: Text = ""
    location: Line = ""
    facilitator_id: Id | None = None  # default: the peer specialist creating it
    weekday: int | None = Field(None, ge=0, le=6, description="0 = Monday; none = one-off")
    start_time: time
    duration_minutes: int = Field(90, ge=15, le=480)


class SessionsIn(BaseModel):
    """Either one session on `on`, or the recurring sessions from `start` to `end`."""

    model_config = ConfigDict(extra="forbid")

    on: date | None = None
    start: date | None = None
    end: date | None = None


class RosterIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_id: Id


class AttendanceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    present: list[Id] = Field(default_factory=list, max_length=200)


class GroupNoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Text
    version: int = Field(ge=1)


class LinkNoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    session_note_id: Id


class GroupRead(BaseModel):
    id: int
    name: str
    description: str
    location: str
    facilitator_id: int
    facilitator_name: str
    weekday: int | None
    start_time: time
    duration_minutes: int


class AttendeeRead(BaseModel):
    member_id: int
    name: str
    present: bool


class SessionRead(BaseModel):
    id: int
    group_id: int
    session_date: date
    start_time: time
    duration_minutes: int
    cancelled: bool
    # Staff only (None for members): about the group as a whole, never a member's details.
    group_note: str | None
    version: int
    attendees: list[AttendeeRead]
    others_present: int
    linked_note_ids: list[int]
