"""API shapes for the strengths inventory and for answering proposals."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from peerpath.db.base import MAX_ID
from peerpath.db.models import ProposalStatus, StrengthCategory
from peerpath.plans.profile.schemas import Line, Text

NOTE = Field(
    default="",
    max_length=500,
    description="Only for staff suggestions: a word to the member about why.",
)


class StrengthIn(BaseModel):
    category: StrengthCategory
    text: Line = Field(min_length=1, max_length=500)
    note: Text = NOTE


class StrengthChange(BaseModel):
    """Change a strength; leave out what stays the same. `version` is the one you read."""

    category: StrengthCategory | None = None
    text: Line | None = Field(default=None, min_length=1, max_length=500)
    note: Text = NOTE
    version: int = Field(ge=1, le=MAX_ID)


class RemoveIn(BaseModel):
    """Removing an item names the version you read, so a newer change is never lost unseen."""

    version: int = Field(ge=1, le=MAX_ID)
    note: Text = NOTE


class StrengthRead(BaseModel):
    id: int
    category: StrengthCategory
    category_label: str
    text: str
    version: int
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime


class ProposalRead(BaseModel):
    """A suggestion from staff. The member's plan changes only when the member accepts it."""

    id: int
    kind: str
    action: str = Field(description="create, update or remove")
    target_id: int | None
    summary: str
    note: str
    payload: dict[str, object]
    status: ProposalStatus
    proposed_by: str
    proposed_at: datetime
    decided_at: datetime | None
    member_comment: str


class StrengthsRead(BaseModel):
    strengths: list[StrengthRead]
    pending_proposals: list[ProposalRead]


class DecisionIn(BaseModel):
    comment: Text = Field(default="", max_length=500, description="Optional reply to the proposer.")
