"""API shapes for member data rights (separate from the models)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from peerpath.db.base import MAX_ID
from peerpath.rights.amendments import TEXT_MAX, Listed


class AmendmentIn(BaseModel):
    record_type: str = Field(
        max_length=40,
        description='The record\'s kind, e.g. "goals", "checkins", "member_profiles".',
    )
    record_id: int = Field(ge=1, le=MAX_ID, description="The record's id.")
    text: str = Field(min_length=1, max_length=TEXT_MAX, description="The member's comment.")


class ResponseIn(BaseModel):
    response: str = Field(min_length=1, max_length=TEXT_MAX)


class AmendmentRead(BaseModel):
    id: int
    member_id: int
    record_type: str
    record_id: int
    text: str
    created_at: datetime
    response: str
    responded_by: str
    responded_at: datetime | None

    @classmethod
    def of(cls, item: Listed) -> AmendmentRead:
        row = item.row
        return cls(
            id=row.id,
            member_id=row.member_id,
            record_type=row.record_type,
            record_id=row.record_id,
            text=row.text,
            created_at=row.created_at,
            response=row.response,
            responded_by=item.responder,
            responded_at=row.responded_at,
        )


class LeaveIn(BaseModel):
    confirm: str = Field(max_length=40, description='The word "leave", to confirm.')


class LeaveRead(BaseModel):
    left_at: datetime
    retention_days: int
    erase_after: datetime


class RetentionIn(BaseModel):
    retention_days_after_leaving: int = Field(
        description="Days a member's data is kept after they leave (0 to 36500)."
    )


class RetentionRead(BaseModel):
    retention_days_after_leaving: int
