"""API shapes for accounts and administration (separate from the database models)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from peerpath.db.base import MAX_ID
from peerpath.db.models import Role


class OrganizationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    slug: str
    name: str


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    username: str
    display_name: str
    role: Role
    is_active: bool
    email: str | None = None


class AccountRead(UserRead):
    """An account as an admin sees it, with the fingerprint an edit sends back (`seen`)."""

    seen: str


class MeRead(UserRead):
    organization: OrganizationRead


class UserCreate(BaseModel):
    username: str = Field(min_length=3, max_length=80, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    display_name: str = Field(min_length=1, max_length=120)
    role: Role
    email: str | None = Field(default=None, max_length=254)
    # Without a password the account gets a one-time invitation link instead.
    password: str | None = Field(default=None, max_length=256)


class UserUpdate(BaseModel):
    display_name: str | None = Field(default=None, min_length=1, max_length=120)
    role: Role | None = None
    email: str | None = Field(default=None, max_length=254)
    peer_specialist_id: int | None = Field(
        default=None,
        ge=1,
        le=MAX_ID,
        description="For a member: the peer specialist whose caseload they join.",
    )
    supervisor_id: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="For a peer specialist: their supervisor."
    )
    seen: str | None = Field(
        default=None,
        max_length=64,
        pattern=r"^[0-9a-f]+$",
        description=(
            "The account's `seen` fingerprint when you read it (GET /api/v1/admin/users/{id}). If "
            "the account changed since, nothing is saved and the answer is 409 with the "
            "current details. Leave it out to save regardless."
        ),
    )


class UserCreated(BaseModel):
    user: UserRead
    invitation_url: str | None = None


class PasswordChange(BaseModel):
    current_password: str = Field(max_length=256)
    new_password: str = Field(max_length=256)


class TokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)


class TokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenRead):
    token: str = Field(description="Shown once. Only its hash is stored.")


class AuditEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    occurred_at: datetime
    actor_username: str
    actor_role: str
    action: str
    record_type: str
    record_id: str
    subject_member_id: int | None
    ip: str
    user_agent: str
    allowed: bool
    detail: str


class MemberRead(BaseModel):
    id: int
    display_name: str
    peer_specialist: str | None = None
    supporters: list[str] = []


class ErrorBody(BaseModel):
    detail: str
    errors: dict[str, str] = {}
