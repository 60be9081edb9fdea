"""Check-ins, the wellness-tool log, the encrypted journal, setbacks and measure responses.

All of it is the member's own record: written by the member, compared only with their own past.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from peerpath.db.base import Base, UTCDateTime, member_fk, utcnow


class CheckinPreference(Base):
    """Which wellness dimensions the member chose to rate (three by default: fewer is kinder)."""

    __tablename__ = "checkin_preferences"
    __table_args__ = (
        UniqueConstraint("organization_id", "member_id"),
        member_fk("checkin_preferences"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    member_id: Mapped[int] = mapped_column(Integer)
    dimensions: Mapped[list[str]] = mapped_column(JSON, default=list)
    track_hope: Mapped[bool] = mapped_column(Boolean, default=True)
    track_connection: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CheckIn(Base):
    """One check-in a day; back-dating allowed, editing on the day it was made."""

    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("organization_id", "member_id", "day"),
        UniqueConstraint("organization_id", "id"),
        member_fk("checkins"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    member_id: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)
    # dimension key -> 0..10
    ratings: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    hope: Mapped[int | None] = mapped_column(Integer)
    connection: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    what_helped: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ToolHelped(enum.StrEnum):
    YES = "yes"
    SOMEWHAT = "somewhat"
    NO = "no"


class ToolUse(Base):
    __tablename__ = "tool_uses"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        member_fk("tool_uses"),
        Index("ix_tool_uses_member_day", "organization_id", "member_id", "used_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    member_id: Mapped[int] = mapped_column(Integer)
    tool: Mapped[str] = mapped_column(String(200))
    helped: Mapped[ToolHelped] = mapped_column(
        Enum(
            ToolHelped,
            native_enum=False,
            length=10,
            create_constraint=True,
            values_callable=lambda items: [i.value for i in items],
            name="tool_helped",
        )
    )
    note: Mapped[str] = mapped_column(Text, default="")
    used_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class JournalEntry(Base):
    """Private by default. The text is AES-GCM ciphertext (core/crypto.py), never clear text."""

    __tablename__ = "journal_entries"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        member_fk("journal_entries"),
        Index("ix_journal_entries_member_time", "organization_id", "member_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    member_id: Mapped[int] = mapped_column(Integer)
    prompt_key: Mapped[str] = mapped_column(String(40), default="")
    chime: Mapped[list[str]] = mapped_column(JSON, default=list)
    key_id: Mapped[str] = mapped_column(String(40))
    nonce: Mapped[bytes] = mapped_column(LargeBinary(16))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set while the member shares this one entry with their peer specialist.
    shared_with_peer_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Setback(Base):
    """A setback recorded as a learning moment, linked to the member's wellness plan."""

    __tablename__ = "setbacks"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        member_fk("setbacks"),
        Index("ix_setbacks_member_day", "organization_id", "member_id", "happened_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    member_id: Mapped[int] = mapped_column(Integer)
    happened_on: Mapped[date] = mapped_column(Date)
    what_happened: Mapped[str] = mapped_column(Text, default="")
    # Lines picked from the member's wellness plan sections "triggers" and "early_signs".
    triggers: Mapped[list[str]] = mapped_column(JSON, default=list)
    warning_signs: Mapped[list[str]] = mapped_column(JSON, default=list)
    what_helped: Mapped[str] = mapped_column(Text, default="")
    came_back_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MeasureItemText(Base):
    """Item wording an organization holding a measure's licence supplies itself."""

    __tablename__ = "measure_item_texts"
    __table_args__ = (UniqueConstraint("organization_id", "measure_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    measure_key: Mapped[str] = mapped_column(String(40))
    items: Mapped[list[str]] = mapped_column(JSON, default=list)
    licence_reference: Mapped[str] = mapped_column(String(300), default="")
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MeasureResponse(Base):
    __tablename__ = "measure_responses"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        member_fk("measure_responses"),
        Index(
            "ix_measure_responses_member",
            "organization_id",
            "member_id",
            "measure_key",
            "answered_on",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    member_id: Mapped[int] = mapped_column(Integer)
    measure_key: Mapped[str] = mapped_column(String(40))
    answered_on: Mapped[date] = mapped_column(Date)
    answers: Mapped[list[int]] = mapped_column(JSON, default=list)
    raw_score: Mapped[float] = mapped_column(Float)
    score: Mapped[float] = mapped_column(Float)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
