"""Member data rights: amendment requests beside any record, and leaving the programme.

An amendment request is the member's own comment on a record about them (a goal, a check-in,
their profile, ...), named by the record's table and id, with an optional staff response.
A departure records that a member closed their own account; the organization's retention
setting decides when `peerpath retention run` erases their data. The departure row itself
holds dates and counts only (never content), so it stays as the record of the erasure.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from peerpath.db.base import Base, UTCDateTime, member_fk, utcnow

__all__ = ["AmendmentRequest", "MemberDeparture"]


class AmendmentRequest(Base):
    """The member's comment on one record about them, shown beside that record."""

    __tablename__ = "amendment_requests"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        member_fk("amendment_requests"),
        Index(
            "ix_amendment_requests_record",
            "organization_id",
            "member_id",
            "record_type",
            "record_id",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    member_id: Mapped[int] = mapped_column(Integer)
    # The record's table name (one of the rights registry's amendable tables) and its id.
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    response: Mapped[str] = mapped_column(Text, default="")
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MemberDeparture(Base):
    """A member left the programme; their data is erased once the retention period is over."""

    __tablename__ = "member_departures"
    __table_args__ = (
        UniqueConstraint("organization_id", "member_id"),
        member_fk("member_departures"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    member_id: Mapped[int] = mapped_column(Integer)
    left_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Rows erased per table: counts only, never content.
    erased_counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
