"""Peer support groups (recurring sessions, roster, attendance, a group note per session, links
from an attendee's individual session note) and appointments between a peer specialist and a
member.

A group's recurrence is a simple stored rule: weekly on `weekday` (0 = Monday) at
`start_time` (the organization's local time) for `duration_minutes`. Sessions are generated
from it for a date range (one per date, so generating twice adds nothing) or added one by one.
The group note is about the group as a whole and has no member fields at all.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from peerpath.db.base import Base, UTCDateTime, str_enum, user_fk, utcnow

__all__ = [
    "APPOINTMENT_STATUS_LABELS",
    "Appointment",
    "AppointmentModality",
    "AppointmentStatus",
    "GroupAttendance",
    "GroupMember",
    "GroupSession",
    "GroupSessionNote",
    "PeerGroup",
]


class PeerGroup(Base):
    __tablename__ = "peer_groups"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        user_fk("peer_groups", "facilitator_id"),
        Index("ix_peer_groups_org_active", "organization_id", "is_active"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    facilitator_id: Mapped[int] = mapped_column(Integer)
    location: Mapped[str] = mapped_column(String(200), default="")
    # Recurrence rule: weekly on this weekday (0 = Monday .. 6 = Sunday), or none.
    weekday: Mapped[int | None] = mapped_column(Integer)
    start_time: Mapped[time] = mapped_column(Time)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GroupMember(Base):
    """A member on a group's roster (the people whose attendance the facilitator records)."""

    __tablename__ = "group_members"
    __table_args__ = (
        UniqueConstraint("group_id", "member_id"),
        ForeignKeyConstraint(
            ["organization_id", "group_id"],
            ["peer_groups.organization_id", "peer_groups.id"],
            name="fk_group_members_group",
            ondelete="CASCADE",
        ),
        user_fk("group_members", "member_id"),
        Index("ix_group_members_member", "member_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    group_id: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[int] = mapped_column(Integer)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GroupSession(Base):
    __tablename__ = "group_sessions"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("group_id", "session_date"),
        ForeignKeyConstraint(
            ["organization_id", "group_id"],
            ["peer_groups.organization_id", "peer_groups.id"],
            name="fk_group_sessions_group",
            ondelete="CASCADE",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    group_id: Mapped[int] = mapped_column(Integer)
    session_date: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    # About the group as a whole: topics, activities, how the group went. No member fields.
    group_note: Mapped[str] = mapped_column(Text, default="")
    note_updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Saves check the version they read in the UPDATE itself (see plans.Authored).
    __mapper_args__ = {  # noqa: RUF012 (read once by the mapper)
        "version_id_col": version,
        "version_id_generator": False,
    }


class GroupAttendance(Base):
    """A member who was present at a group session."""

    __tablename__ = "group_attendance"
    __table_args__ = (
        UniqueConstraint("session_id", "member_id"),
        ForeignKeyConstraint(
            ["organization_id", "session_id"],
            ["group_sessions.organization_id", "group_sessions.id"],
            name="fk_group_attendance_session",
            ondelete="CASCADE",
        ),
        user_fk("group_attendance", "member_id"),
        Index("ix_group_attendance_member", "member_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    session_id: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[int] = mapped_column(Integer)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GroupSessionNote(Base):
    """An attendee's individual session note that refers to a group session."""

    __tablename__ = "group_session_notes"
    __table_args__ = (
        UniqueConstraint("session_note_id"),
        ForeignKeyConstraint(
            ["organization_id", "group_session_id"],
            ["group_sessions.organization_id", "group_sessions.id"],
            name="fk_group_session_notes_session",
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["organization_id", "session_note_id"],
            ["session_notes.organization_id", "session_notes.id"],
            name="fk_group_session_notes_note",
            ondelete="CASCADE",
        ),
        Index("ix_group_session_notes_session", "group_session_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    group_session_id: Mapped[int] = mapped_column(Integer)
    session_note_id: Mapped[int] = mapped_column(Integer)


class AppointmentStatus(enum.StrEnum):
    REQUESTED = "requested"  # asked for by the member, waiting for the peer specialist
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    DONE = "done"

    @property
    def label(self) -> str:
        return APPOINTMENT_STATUS_LABELS[self]


APPOINTMENT_STATUS_LABELS = {
    AppointmentStatus.REQUESTED: "Requested",
    AppointmentStatus.SCHEDULED: "Scheduled",
    AppointmentStatus.CANCELLED: "Cancelled",
    AppointmentStatus.DONE: "Done",
}


class AppointmentModality(enum.StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"
    COMMUNITY = "community"


class Appointment(Base):
    __tablename__ = "appointments"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        user_fk("appointments", "member_id"),
        user_fk("appointments", "peer_specialist_id"),
        Index("ix_appointments_member_starts", "member_id", "starts_at"),
        Index("ix_appointments_peer_starts", "peer_specialist_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    member_id: Mapped[int] = mapped_column(Integer)
    peer_specialist_id: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    modality: Mapped[AppointmentModality] = mapped_column(
        str_enum(AppointmentModality, "appointment_modality"), default=AppointmentModality.IN_PERSON
    )
    location: Mapped[str] = mapped_column(String(200), default="")
    # What the meeting is for, in the member's words.
    purpose: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[AppointmentStatus] = mapped_column(
        str_enum(AppointmentStatus, "appointment_status"), default=AppointmentStatus.SCHEDULED
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Bumped on every change, so calendar apps replace the event they imported (SEQUENCE).
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
