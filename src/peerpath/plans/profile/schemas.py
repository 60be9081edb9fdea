"""API shapes for the profile, plus the text cleaning the profile, strengths and supporters
areas share (no NUL characters, one kind of line break, no stray spaces at either end)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, Field

from peerpath.db.base import MAX_ID


def clean_text(value: object) -> object:
    """Multi-line text: NULs dropped (PostgreSQL cannot store them), line breaks made \\n."""
    if isinstance(value, str):
        return value.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()
    return value


def clean_line(value: object) -> object:
    """One-line text: like clean_text, with line breaks and tabs turned into spaces."""
    value = clean_text(value)
    if isinstance(value, str):
        return " ".join(value.split())
    return value


Text = Annotated[str, BeforeValidator(clean_text)]
Line = Annotated[str, BeforeValidator(clean_line)]
Version = Annotated[int, Field(ge=0, le=MAX_ID)]

LONG_TEXT = 4000


class ProfileIn(BaseModel):
    """The whole profile, replaced at once. `version` is the one you read (0 for a first save)."""

    preferred_name: Line = Field(default="", max_length=120)
    pronouns: Line = Field(default="", max_length=60)
    languages: Line = Field(default="", max_length=200)
    recovery_meaning: Text = Field(default="", max_length=LONG_TEXT)
    what_matters: Text = Field(default="", max_length=LONG_TEXT)
    vision: Text = Field(default="", max_length=LONG_TEXT)
    version: Version = Field(
        description="The version this edit started from, as read; 0 when nothing is saved yet."
    )


class ProfileRead(BaseModel):
    """A member's profile. The three plan fields are null for viewers the member's plan is not
    shared with (an admin, a supporter): they see who the member is, not what they wrote."""

    member_id: int
    preferred_name: str
    pronouns: str
    languages: str
    recovery_meaning: str | None
    what_matters: str | None
    vision: str | None
    version: int = Field(description="0 while the member has not saved a profile yet.")
    updated_by: str | None
    updated_at: datetime | None
