"""API shapes for the journal (separate from the database model, which holds only ciphertext)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

MAX_TEXT = 20_000


class JournalEntryIn(BaseModel):
    text: str = Field(description="The entry, up to 20,000 characters. Stored encrypted.")
    prompt_key: str = Field(
        default="", max_length=40, description="A prompt from GET /api/v1/journal/prompts."
    )
    chime: list[str] = Field(
        default_factory=list,
        max_length=10,
        description="CHIME processes: connectedness, hope, identity, meaning, empowerment.",
    )


class JournalEntryChange(BaseModel):
    version: int = Field(
        ge=0, description="The version you read: a newer save in between is not overwritten."
    )
    text: str | None = None
    prompt_key: str | None = Field(default=None, max_length=40)
    chime: list[str] | None = Field(default=None, max_length=10)


class JournalEntryRead(BaseModel):
    id: int
    member_id: int
    text: str
    prompt_key: str
    prompt: str | None
    chime: list[str]
    created_at: datetime
    updated_at: datetime
    shared_with_peer_at: datetime | None
    version: int


class PromptRead(BaseModel):
    key: str
    text: str
    chime: list[str]
