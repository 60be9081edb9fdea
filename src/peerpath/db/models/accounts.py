"""Organizations (tenants), people and the relationships the access policy reads.

Tables of organization data carry organization_id, and links between them use composite
foreign keys on (organization_id, id): the database itself refuses a cross-tenant link, and
the schema can be sharded by organization later.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Enum,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerpath.db.base import Base, UTCDateTime, utcnow


class Role(enum.StrEnum):
    MEMBER = "member"
    PEER_SPECIALIST = "peer_specialist"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    SUPPORTER = "supporter"
    TRAINEE = "trainee"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.MEMBER: "Member",
    Role.PEER_SPECIALIST: "Peer specialist",
    Role.SUPERVISOR: "Supervisor",
    Role.ADMIN: "Admin",
    Role.SUPPORTER: "Supporter",
    Role.TRAINEE: "Peer specialist in training",
}

role_type = Enum(
    Role,
    native_enum=False,
    length=20,
    values_callable=lambda roles: [r.value for r in roles],
    validate_strings=True,
    create_constraint=True,
    name="role",
)


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Organization-level choices (validated by peerpath.core.org_settings.OrgSettings).
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("organization_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    # Usernames are unique across organizations: people sign in without naming their tenant.
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[Role] = mapped_column(role_type)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username} {self.role}>"


def _org_fk(column: str, name: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["organization_id", column], ["users.organization_id", "users.id"], name=name
    )


class CaseloadAssignment(Base):
    """A member on a peer specialist's caseload. A member has at most one assigned specialist."""

    __tablename__ = "caseload_assignments"
    __table_args__ = (
        UniqueConstraint("organization_id", "member_id"),
        _org_fk("member_id", "fk_caseload_assignments_member"),
        _org_fk("peer_specialist_id", "fk_caseload_assignments_peer_specialist"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    member_id: Mapped[int] = mapped_column(Integer)
    peer_specialist_id: Mapped[int] = mapped_column(Integer, index=True)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SupervisionAssignment(Base):
    """A supervisor supervises a peer specialist (one supervisor per specialist)."""

    __tablename__ = "supervision_assignments"
    __table_args__ = (
        UniqueConstraint("organization_id", "peer_specialist_id"),
        _org_fk("peer_specialist_id", "fk_supervision_assignments_peer_specialist"),
        _org_fk("supervisor_id", "fk_supervision_assignments_supervisor"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    peer_specialist_id: Mapped[int] = mapped_column(Integer)
    supervisor_id: Mapped[int] = mapped_column(Integer, index=True)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SupporterLink(Base):
    """A supporter (family, friend) whom a member invited into their circle."""

    __tablename__ = "supporter_links"
    __table_args__ = (
        UniqueConstraint("organization_id", "supporter_id", "member_id"),
        _org_fk("member_id", "fk_supporter_links_member"),
        _org_fk("supporter_id", "fk_supporter_links_supporter"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    supporter_id: Mapped[int] = mapped_column(Integer, index=True)
    member_id: Mapped[int] = mapped_column(Integer, index=True)
    relationship_label: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Invitation(Base):
    """An admin's invitation: whoever opens the link once sets their own password."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
