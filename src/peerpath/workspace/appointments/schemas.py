"""API shapes for appointments. Times go in and come out as aware datetimes (stored in UTC)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

from peerpath.db.base import MAX_ID
from peerpath.db.models import AppointmentModality, AppointmentStatus


def _clean(value: object) -> object:
    if isinstance(value, str):
        value = value.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()
    return value


def _line(value: object) -> object:
    value = _clean(value)
    return " ".join(value.split()) if isinstance(value, str) else value


Purpose = Annotated[str, BeforeValidator(_clean), Field(max_length=1000)]
Line = Annotated[str, BeforeValidator(_line), Field(max_length=200)]


class AppointmentIn(BaseModel):
    """A new appointment. A peer specialist names the member; a member's own is a request to
    their peer specialist (member_id may be left out, or must be their own)."""

    model_config = ConfigDict(extra="forbid")

    member_id: Annotated[int, Field(ge=1, le=MAX_ID)] | None = None
    starts_at: AwareDatetime
    minutes: int = Field(60, ge=15, le=480)
    modality: AppointmentModality = AppointmentModality.IN_PERSON
    location: Line = ""
    purpose: Purpose = ""


class AppointmentRead(BaseModel):
    id: int
    member_id: int
    member_name: str
    peer_specialist_id: int
    peer_specialist_name: str
    starts_at: datetime
    ends_at: datetime
    modality: AppointmentModality
    location: str
    purpose: str
    status: AppointmentStatus
    calendar_url: str
