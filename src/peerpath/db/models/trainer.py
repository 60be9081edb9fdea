"""Exam trainer: questions and their versions, attempts, spaced-repetition cards, mock exams,
learner settings, skips and problem reports.

Shipped questions are global (organization_id NULL); questions an organization's trainers write
belong to that organization. Every edit makes a new version and attempts point at the version
answered, so past attempts keep the text the learner saw. A learner's attempts, cards and exams
are their own: other people only ever see aggregated item statistics.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from peerpath.db.base import Base, UTCDateTime, utcnow

__all__ = [
    "TrainerAttempt",
    "TrainerCard",
    "TrainerExam",
    "TrainerExamItem",
    "TrainerLearnerSettings",
    "TrainerQuestion",
    "TrainerQuestionVersion",
    "TrainerReport",
    "TrainerSkip",
]


def _learner_fk(table: str, column: str = "learner_id") -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["organization_id", column],
        ["users.organization_id", "users.id"],
        name=f"fk_{table}_{column.removesuffix('_id')}",
    )


class TrainerQuestion(Base):
    """A question's identity; the fields used to pick questions mirror its current version."""

    __tablename__ = "trainer_questions"
    __table_args__ = (
        UniqueConstraint("organization_id", "slug"),
        Index("ix_trainer_questions_org_status", "organization_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # NULL: shipped with peerpath, seen by every organization.
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    # "adv-017" for shipped questions; "org<id>-<n>" for an organization's own.
    slug: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(16), default="shipped")  # shipped | organization
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | retired
    domain: Mapped[str] = mapped_column(String(40))
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    level: Mapped[str] = mapped_column(String(20))
    difficulty: Mapped[int] = mapped_column(Integer)
    content_note: Mapped[str | None] = mapped_column(String(20))
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TrainerQuestionVersion(Base):
    """The full text of one version of a question; never changed once written."""

    __tablename__ = "trainer_question_versions"
    __table_args__ = (UniqueConstraint("question_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("trainer_questions.id"))
    number: Mapped[int] = mapped_column(Integer)
    domain: Mapped[str] = mapped_column(String(40))
    competencies: Mapped[list[str]] = mapped_column(JSON, default=list)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    level: Mapped[str] = mapped_column(String(20))
    difficulty: Mapped[int] = mapped_column(Integer)
    content_note: Mapped[str | None] = mapped_column(String(20))
    study_note: Mapped[str] = mapped_column(String(60))
    stem: Mapped[str] = mapped_column(Text)
    # [{"text": ..., "explanation": ...}] x 4, in letter order A-D
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    key: Mapped[str] = mapped_column(String(1))
    content_hash: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(16), default="bank")  # bank | web | import | api
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TrainerLearnerSettings(Base):
    """A learner's trainer choices and the accommodation a supervisor or admin set."""

    __tablename__ = "trainer_learner_settings"
    __table_args__ = (
        UniqueConstraint("organization_id", "learner_id"),
        _learner_fk("trainer_learner_settings"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    learner_id: Mapped[int] = mapped_column(Integer)
    always_skip: Mapped[list[str]] = mapped_column(JSON, default=list)
    time_multiplier: Mapped[float] = mapped_column(Float, default=1.0)
    time_multiplier_set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TrainerExam(Base):
    """One mock exam: the blueprint it follows and a deadline kept on the server."""

    __tablename__ = "trainer_exams"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        _learner_fk("trainer_exams"),
        Index("ix_trainer_exams_learner", "learner_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    learner_id: Mapped[int] = mapped_column(Integer)
    blueprint: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(120))
    minutes: Mapped[int] = mapped_column(Integer)
    time_multiplier: Mapped[float] = mapped_column(Float, default=1.0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "submitted" by the learner, or "time" when the deadline passed first
    ended_by: Mapped[str | None] = mapped_column(String(16))


class TrainerExamItem(Base):
    """One question of a mock exam, pinned to the version shown."""

    __tablename__ = "trainer_exam_items"
    __table_args__ = (UniqueConstraint("exam_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("trainer_exams.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[int] = mapped_column(ForeignKey("trainer_questions.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("trainer_question_versions.id"))
    domain: Mapped[str] = mapped_column(String(40))
    choice: Mapped[str | None] = mapped_column(String(1))
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TrainerAttempt(Base):
    """One answer: practice, review or a scored mock-exam item."""

    __tablename__ = "trainer_attempts"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        _learner_fk("trainer_attempts"),
        Index("ix_trainer_attempts_learner", "learner_id", "answered_at"),
        Index("ix_trainer_attempts_question", "question_id", "organization_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    learner_id: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[int] = mapped_column(ForeignKey("trainer_questions.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("trainer_question_versions.id"))
    mode: Mapped[str] = mapped_column(String(16))  # practice | review | exam
    exam_id: Mapped[int | None] = mapped_column(ForeignKey("trainer_exams.id"))
    choice: Mapped[str | None] = mapped_column(String(1))  # None: unanswered exam item
    correct: Mapped[bool] = mapped_column(Boolean)
    confidence: Mapped[str | None] = mapped_column(String(8))  # sure | unsure
    first_attempt: Mapped[bool] = mapped_column(Boolean, default=False)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TrainerCard(Base):
    """Spaced repetition: one fsrs card per learner and question."""

    __tablename__ = "trainer_cards"
    __table_args__ = (
        UniqueConstraint("learner_id", "question_id"),
        _learner_fk("trainer_cards"),
        Index("ix_trainer_cards_due", "learner_id", "due"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    learner_id: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[int] = mapped_column(ForeignKey("trainer_questions.id"))
    card_json: Mapped[str] = mapped_column(Text)
    due: Mapped[datetime] = mapped_column(UTCDateTime)
    last_review: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviews: Mapped[int] = mapped_column(Integer, default=0)


class TrainerSkip(Base):
    """A content-noted question the learner chose to skip (kept out of practice for a while)."""

    __tablename__ = "trainer_skips"
    __table_args__ = (
        _learner_fk("trainer_skips"),
        Index("ix_trainer_skips_learner", "learner_id", "skipped_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    learner_id: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[int] = mapped_column(ForeignKey("trainer_questions.id"))
    skipped_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TrainerReport(Base):
    """A learner's report of a problem with a question, for the organization's trainers."""

    __tablename__ = "trainer_reports"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        _learner_fk("trainer_reports", "reporter_id"),
        Index("ix_trainer_reports_org_open", "organization_id", "resolved_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    reporter_id: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[int] = mapped_column(ForeignKey("trainer_questions.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("trainer_question_versions.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str] = mapped_column(Text, default="")
