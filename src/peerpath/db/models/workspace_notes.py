"""Session notes (peer service documentation), their addenda, the member's comments,
supervisor reviews, and the member's outreach preference.

A note is a draft until its author signs it. Signing locks it; corrections are dated addenda
under the untouched original. Which signed notes a supervisor reviews is an organization
setting; a returned note goes back to its author, who revises and signs again:

    draft --sign--> signed            (no review needed)
    draft --sign--> pending_review    (review needed)
    pending_review --approve--> approved
    pending_review --return--> returned --edit/sign--> pending_review (or signed)

Only draft and returned notes can be edited (with the version they started from); signed,
pending_review and approved notes take addenda. Billing units are not stored: they are
computed from the duration by the organization's rules (configuration) when shown/exported.
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

from peerpath.db.base import Base, UTCDateTime, str_enum, utcnow

__all__ = [
    "NoteAddendum",
    "NoteComment",
    "NoteModality",
    "NoteReview",
    "NoteStatus",
    "OutreachPreference",
    "ReviewDecision",
    "SessionNote",
    "SessionNoteObjective",
]


def _note_fk(table: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["organization_id", "note_id"],
        ["session_notes.organization_id", "session_notes.id"],
        name=f"fk_{table}_note",
        ondelete="CASCADE",
    )


class NoteModality(enum.StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"
    COMMUNITY = "community"
    GROUP = "group"

    @property
    def label(self) -> str:
        return MODALITY_LABELS[self]


MODALITY_LABELS = {
    NoteModality.IN_PERSON: "In person",
    NoteModality.PHONE: "Phone",
    NoteModality.VIDEO: "Video",
    NoteModality.COMMUNITY: "In the community",
    NoteModality.GROUP: "Group",
}


class NoteStatus(enum.StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"
    PENDING_REVIEW = "pending_review"
    RETURNED = "returned"
    APPROVED = "approved"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def editable(self) -> bool:
        return self in (NoteStatus.DRAFT, NoteStatus.RETURNED)


STATUS_LABELS = {
    NoteStatus.DRAFT: "Draft",
    NoteStatus.SIGNED: "Signed",
    NoteStatus.PENDING_REVIEW: "Signed, waiting for review",
    NoteStatus.RETURNED: "Returned for revision",
    NoteStatus.APPROVED: "Signed and approved",
}


class SessionNote(Base):
    __tablename__ = "session_notes"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        ForeignKeyConstraint(
            ["organization_id", "member_id"],
            ["users.organization_id", "users.id"],
            name="fk_session_notes_member",
        ),
        ForeignKeyConstraint(
            ["organization_id", "author_id"],
            ["users.organization_id", "users.id"],
            name="fk_session_notes_author",
        ),
        Index("ix_session_notes_member_date", "member_id", "contact_date"),
        Index("ix_session_notes_author_status", "author_id", "status"),
        Index("ix_session_notes_org_date", "organization_id", "contact_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    member_id: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int] = mapped_column(Integer)
    contact_date: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time | None] = mapped_column(Time)
    end_time: Mapped[time | None] = mapped_column(Time)
    modality: Mapped[NoteModality] = mapped_column(
        str_enum(NoteModality, "note_modality"), default=NoteModality.IN_PERSON
    )
    location: Mapped[str] = mapped_column(String(200), default="")
    intervention: Mapped[str] = mapped_column(Text, default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    member_response: Mapped[str] = mapped_column(Text, default="")
    strengths_observed: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    billable: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[NoteStatus] = mapped_column(
        str_enum(NoteStatus, "note_status"), default=NoteStatus.DRAFT
    )
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Saves check the version they read in the UPDATE itself (see plans.Authored).
    __mapper_args__ = {  # noqa: RUF012 (read once by the mapper)
        "version_id_col": version,
        "version_id_generator": False,
    }

    @property
    def minutes(self) -> int | None:
        """Duration in minutes (None until both times are set; an end before the start is 0)."""
        if self.start_time is None or self.end_time is None:
            return None
        start = self.start_time.hour * 60 + self.start_time.minute
        end = self.end_time.hour * 60 + self.end_time.minute
        return max(0, end - start)


class SessionNoteObjective(Base):
    """An objective from the member's recovery plan that this contact worked on.

    The objective's text is copied when linked, so a signed note still reads the same if the
    plan later changes or the objective is removed (objective_id then becomes NULL).
    """

    __tablename__ = "session_note_objectives"
    __table_args__ = (
        UniqueConstraint("note_id", "objective_id"),
        _note_fk("session_note_objectives"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    note_id: Mapped[int] = mapped_column(Integer)
    objective_id: Mapped[int | None] = mapped_column(
        ForeignKey("objectives.id", ondelete="SET NULL"), index=True
    )
    objective_text: Mapped[str] = mapped_column(String(500), default="")


class NoteAddendum(Base):
    """A dated correction or addition to a signed note; the original stays as it was."""

    __tablename__ = "note_addenda"
    __table_args__ = (_note_fk("note_addenda"), Index("ix_note_addenda_note", "note_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    note_id: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NoteComment(Base):
    """The member's own comment on a note about them."""

    __tablename__ = "note_comments"
    __table_args__ = (_note_fk("note_comments"), Index("ix_note_comments_note", "note_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    note_id: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReviewDecision(enum.StrEnum):
    APPROVED = "approved"
    RETURNED = "returned"


class NoteReview(Base):
    """A supervisor's decision on a signed note (the history of every round)."""

    __tablename__ = "note_reviews"
    __table_args__ = (_note_fk("note_reviews"), Index("ix_note_reviews_note", "note_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    note_id: Mapped[int] = mapped_column(Integer)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[ReviewDecision] = mapped_column(str_enum(ReviewDecision, "review_decision"))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutreachPreference(Base):
    """Whether the member wants a reach-out after a quiet stretch, and after how many days."""

    __tablename__ = "outreach_preferences"
    __table_args__ = (
        UniqueConstraint("organization_id", "member_id"),
        ForeignKeyConstraint(
            ["organization_id", "member_id"],
            ["users.organization_id", "users.id"],
            name="fk_outreach_preferences_member",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    member_id: Mapped[int] = mapped_column(Integer)
    wants_outreach: Mapped[bool] = mapped_column(Boolean, default=False)
    days: Mapped[int] = mapped_column(Integer, default=7)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
