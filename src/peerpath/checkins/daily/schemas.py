"""API shapes for check-ins, check-in preferences, the wellness-tool log and setbacks.

The shapes check types and sizes; the rules that depend on the member (which dimensions they
rate, which days can still be changed, which lines their wellness plan holds) live in
service.py, so the pages and the API share them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from peerpath.db.models import ToolHelped

NOTE_CHARS = 2000
STORY_CHARS = 4000
TOOL_CHARS = 200
MAX_PICKED_LINES = 50


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


Text = Annotated[str, BeforeValidator(_clean_text)]
Line = Annotated[str, BeforeValidator(_clean_line)]
# Whole numbers only: true, 7.5 or "7" are refused rather than guessed at.
Rating = Annotated[int, Field(strict=True, ge=0, le=10)]


# ---- preferences ------------------------------------------------------------------------


class PreferencesIn(BaseModel):
    dimensions: list[str] = Field(
        min_length=1,
        max_length=8,
        description="Keys of the wellness dimensions to rate: emotional, environmental, "
        "financial, intellectual, occupational, physical, social, spiritual.",
    )
    track_hope: bool = True
    track_connection: bool = True


class PreferencesRead(BaseModel):
    member_id: int
    dimensions: list[str]
    track_hope: bool
    track_connection: bool
    saved: bool = Field(description="False while the member uses the default choice.")


# ---- check-ins --------------------------------------------------------------------------


class CheckinIn(BaseModel):
    day: date | None = Field(None, description="Defaults to today (UTC). Up to a year back.")
    ratings: dict[str, Rating] = Field(
        default_factory=dict, description="Dimension key -> 0..10, for dimensions the member rates."
    )
    hope: Rating | None = None
    connection: Rating | None = None
    note: Text = Field("", max_length=NOTE_CHARS)
    what_helped: Text = Field("", max_length=NOTE_CHARS)


class CheckinPatch(BaseModel):
    """Only the fields sent change; `null` clears hope or connection."""

    ratings: dict[str, Rating] | None = None
    hope: Rating | None = None
    connection: Rating | None = None
    note: Text | None = Field(None, max_length=NOTE_CHARS)
    what_helped: Text | None = Field(None, max_length=NOTE_CHARS)


class CheckinRead(BaseModel):
    id: int
    member_id: int
    day: date
    ratings: dict[str, int]
    hope: int | None
    connection: int | None
    note: str
    what_helped: str
    created_at: datetime
    updated_at: datetime
    can_change: bool = Field(description="True on the day the check-in was made (UTC).")


class CheckinSaved(CheckinRead):
    days_with_checkin_last_30: int
    welcome_back: bool = Field(
        description="True when today's check-in follows 7 or more days without one."
    )


# ---- wellness-tool log ------------------------------------------------------------------


class ToolUseIn(BaseModel):
    tool: Line = Field(min_length=1, max_length=TOOL_CHARS)
    helped: ToolHelped
    note: Text = Field("", max_length=NOTE_CHARS)
    used_on: date | None = Field(None, description="Defaults to today (UTC). Up to a year back.")


class ToolUseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    member_id: int
    tool: str
    helped: ToolHelped
    note: str
    used_on: date
    created_at: datetime


class ToolStatRead(BaseModel):
    tool: str
    times_used: int
    helped: int
    helped_somewhat: int
    did_not_help: int
    help_score: float = Field(description="yes = 1, somewhat = 0.5, no = 0, added up.")
    last_used: date


class ToolLogRead(BaseModel):
    uses: list[ToolUseRead]
    what_helped_most: list[ToolStatRead]


# ---- setbacks ---------------------------------------------------------------------------


class SetbackIn(BaseModel):
    happened_on: date | None = Field(None, description="Defaults to today (UTC).")
    what_happened: Text = Field(min_length=1, max_length=STORY_CHARS)
    triggers: list[Line] = Field(
        default_factory=list,
        max_length=MAX_PICKED_LINES,
        description="Lines from the member's wellness plan section 'triggers'.",
    )
    warning_signs: list[Line] = Field(
        default_factory=list,
        max_length=MAX_PICKED_LINES,
        description="Lines from the member's wellness plan section 'early_signs'.",
    )
    what_helped: Text = Field("", max_length=STORY_CHARS)
    came_back_on: date | None = Field(None, description="The day I felt back on my feet.")


class SetbackPatch(BaseModel):
    """Only the fields sent change; `came_back_on: null` clears that date."""

    happened_on: date | None = None
    what_happened: Text | None = Field(None, min_length=1, max_length=STORY_CHARS)
    triggers: list[Line] | None = Field(None, max_length=MAX_PICKED_LINES)
    warning_signs: list[Line] | None = Field(None, max_length=MAX_PICKED_LINES)
    what_helped: Text | None = Field(None, max_length=STORY_CHARS)
    came_back_on: date | None = None


class SetbackRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    member_id: int
    happened_on: date
    what_happened: str
    triggers: list[str]
    warning_signs: list[str]
    what_helped: str
    came_back_on: date | None
    created_at: datetime
