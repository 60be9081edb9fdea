"""Programmes, who is enrolled in them, and the per-organization data version that tells the
outcomes dashboard's cache when its numbers may have changed.

A programme is a service line an organization reports on separately (for example a peer
recovery coaching programme and a re-entry programme). `is_part2` marks a programme whose
records fall under 42 CFR Part 2 (substance use disorder confidentiality); nothing reads it
yet: the consent and redisclosure rules that depend on it come later.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from peerpath.db.base import Base, UTCDateTime, utcnow

__all__ = ["OutcomeDataVersion", "Program", "ProgramEnrollment"]


class Program(Base):
    __tablename__ = "programs"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    name: Mapped[str] = mapped_column(String(120))
    # 42 CFR Part 2 (substance use disorder records); consent rules built on it come later.
    is_part2: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProgramEnrollment(Base):
    """A member in a programme from `start_date` to `end_date` (None: still enrolled)."""

    __tablename__ = "program_enrollments"
    __table_args__ = (
        ForeignKeyConstraint(
            ["organization_id", "program_id"],
            ["programs.organization_id", "programs.id"],
            name="fk_program_enrollments_program",
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["organization_id", "member_id"],
            ["users.organization_id", "users.id"],
            name="fk_program_enrollments_member",
        ),
        Index("ix_program_enrollments_program", "organization_id", "program_id", "start_date"),
        Index("ix_program_enrollments_member", "organization_id", "member_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    program_id: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutcomeDataVersion(Base):
    """Bumped in the same transaction as any write to data the dashboard counts; a cached
    dashboard computed at an older version is not served again."""

    __tablename__ = "outcome_data_versions"

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, default=0)
