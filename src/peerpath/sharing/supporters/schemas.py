"""API shapes for a member's supporters (separate from the models)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from peerpath.sharing.supporters.service import (
    EMAIL_MAX,
    LABEL_MAX,
    USERNAME_MAX,
    Linked,
    NewInvitation,
)


class LinkIn(BaseModel):
    username: str = Field(max_length=USERNAME_MAX, description="The supporter's username.")
    relationship_label: str = Field(
        max_length=LABEL_MAX, description="Who they are to the member, e.g. sister, friend."
    )


class InvitationIn(BaseModel):
    relationship_label: str = Field(
        max_length=LABEL_MAX, description="Who they are to the member, e.g. sister, friend."
    )
    email: str = Field(
        "", max_length=EMAIL_MAX, description="Optional: also email the link to this address."
    )


class LinkedRead(BaseModel):
    link_id: int
    supporter_id: int
    display_name: str
    relationship_label: str
    sections_shared_today: list[str]

    @classmethod
    def of(cls, item: Linked) -> LinkedRead:
        return cls(
            link_id=item.link.id,
            supporter_id=item.supporter.id,
            display_name=item.supporter.display_name,
            relationship_label=item.link.relationship_label,
            sections_shared_today=[str(s) for s in item.sections],
        )


class PendingRead(BaseModel):
    id: int
    relationship_label: str
    email: str | None
    created_at: datetime
    expires_at: datetime


class CircleRead(BaseModel):
    supporters: list[LinkedRead]
    pending_invitations: list[PendingRead]


class InvitationCreated(BaseModel):
    id: int
    url: str = Field(description="The one-time link. Shown only now: only its hash is kept.")
    expires_at: datetime
    emailed: bool

    @classmethod
    def of(cls, new: NewInvitation) -> InvitationCreated:
        return cls(
            id=new.invitation.id,
            url=new.url,
            expires_at=new.invitation.expires_at,
            emailed=new.emailed,
        )
