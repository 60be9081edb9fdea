"""exam trainer: questions, versions, attempts, cards, mock exams, reports

Revision ID: 7a1e00000001
Revises: 5e551071a002
Create Date: 2026-11-21 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import peerpath.db.base

revision: str = "7a1e00000001"
down_revision: str | None = "5e551071a002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trainer_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("domain", sa.String(length=40), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("difficulty", sa.Integer(), nullable=False),
        sa.Column("content_note", sa.String(length=20), nullable=True),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("created_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_trainer_questions_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainer_questions")),
        sa.UniqueConstraint(
            "organization_id", "slug", name=op.f("uq_trainer_questions_organization_id_slug")
        ),
    )
    with op.batch_alter_table("trainer_questions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_trainer_questions_org_status", ["organization_id", "status"], unique=False
        )

    op.create_table(
        "trainer_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("card_json", sa.Text(), nullable=False),
        sa.Column("due", peerpath.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_review", peerpath.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "learner_id"],
            ["users.organization_id", "users.id"],
            name="fk_trainer_cards_learner",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_trainer_cards_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["trainer_questions.id"],
            name=op.f("fk_trainer_cards_question_id_trainer_questions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainer_cards")),
        sa.UniqueConstraint(
            "learner_id", "question_id", name=op.f("uq_trainer_cards_learner_id_question_id")
        ),
    )
    with op.batch_alter_table("trainer_cards", schema=None) as batch_op:
        batch_op.create_index("ix_trainer_cards_due", ["learner_id", "due"], unique=False)

    op.create_table(
        "trainer_exams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("blueprint", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("time_multiplier", sa.Float(), nullable=False),
        sa.Column("started_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deadline", peerpath.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id", "learner_id"],
            ["users.organization_id", "users.id"],
            name="fk_trainer_exams_learner",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_trainer_exams_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainer_exams")),
        sa.UniqueConstraint(
            "organization_id", "id", name=op.f("uq_trainer_exams_organization_id_id")
        ),
    )
    with op.batch_alter_table("trainer_exams", schema=None) as batch_op:
        batch_op.create_index(
            "ix_trainer_exams_learner", ["learner_id", "started_at"], unique=False
        )

    op.create_table(
        "trainer_learner_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("always_skip", sa.JSON(), nullable=False),
        sa.Column("time_multiplier", sa.Float(), nullable=False),
        sa.Column("time_multiplier_set_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "learner_id"],
            ["users.organization_id", "users.id"],
            name="fk_trainer_learner_settings_learner",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_trainer_learner_settings_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["time_multiplier_set_by_id"],
            ["users.id"],
            name=op.f("fk_trainer_learner_settings_time_multiplier_set_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainer_learner_settings")),
        sa.UniqueConstraint(
            "organization_id",
            "learner_id",
            name=op.f("uq_trainer_learner_settings_organization_id_learner_id"),
        ),
    )
    op.create_table(
        "trainer_question_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=40), nullable=False),
        sa.Column("competencies", sa.JSON(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("difficulty", sa.Integer(), nullable=False),
        sa.Column("content_note", sa.String(length=20), nullable=True),
        sa.Column("study_note", sa.String(length=60), nullable=False),
        sa.Column("stem", sa.Text(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("key", sa.String(length=1), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_trainer_question_versions_created_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["trainer_questions.id"],
            name=op.f("fk_trainer_question_versions_question_id_trainer_questions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainer_question_versions")),
        sa.UniqueConstraint(
            "question_id", "number", name=op.f("uq_trainer_question_versions_question_id_number")
        ),
    )
    op.create_table(
        "trainer_skips",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("skipped_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "learner_id"],
            ["users.organization_id", "users.id"],
            name="fk_trainer_skips_learner",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_trainer_skips_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["trainer_questions.id"],
            name=op.f("fk_trainer_skips_question_id_trainer_questions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainer_skips")),
    )
    with op.batch_alter_table("trainer_skips", schema=None) as batch_op:
        batch_op.create_index(
            "ix_trainer_skips_learner", ["learner_id", "skipped_at"], unique=False
        )

    op.create_table(
        "trainer_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("exam_id", sa.Integer(), nullable=True),
        sa.Column("choice", sa.String(length=1), nullable=True),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("confidence", sa.String(length=8), nullable=True),
        sa.Column("first_attempt", sa.Boolean(), nullable=False),
        sa.Column("answered_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["exam_id"],
            ["trainer_exams.id"],
            name=op.f("fk_trainer_attempts_exam_id_trainer_exams"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id", "learner_id"],
            ["users.organization_id", "users.id"],
            name="fk_trainer_attempts_learner",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_trainer_attempts_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["trainer_questions.id"],
            name=op.f("fk_trainer_attempts_question_id_trainer_questions"),
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["trainer_question_versions.id"],
            name=op.f("fk_trainer_attempts_version_id_trainer_question_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainer_attempts")),
        sa.UniqueConstraint(
            "organization_id", "id", name=op.f("uq_trainer_attempts_organization_id_id")
        ),
    )
    with op.batch_alter_table("trainer_attempts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_trainer_attempts_learner", ["learner_id", "answered_at"], unique=False
        )
        batch_op.create_index(
            "ix_trainer_attempts_question", ["question_id", "organization_id"], unique=False
        )

    op.create_table(
        "trainer_exam_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exam_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=40), nullable=False),
        sa.Column("choice", sa.String(length=1), nullable=True),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("answered_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["exam_id"],
            ["trainer_exams.id"],
            name=op.f("fk_trainer_exam_items_exam_id_trainer_exams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["trainer_questions.id"],
            name=op.f("fk_trainer_exam_items_question_id_trainer_questions"),
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["trainer_question_versions.id"],
            name=op.f("fk_trainer_exam_items_version_id_trainer_question_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainer_exam_items")),
        sa.UniqueConstraint(
            "exam_id", "position", name=op.f("uq_trainer_exam_items_exam_id_position")
        ),
    )
    op.create_table(
        "trainer_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "reporter_id"],
            ["users.organization_id", "users.id"],
            name="fk_trainer_reports_reporter",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_trainer_reports_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["trainer_questions.id"],
            name=op.f("fk_trainer_reports_question_id_trainer_questions"),
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["users.id"], name=op.f("fk_trainer_reports_resolved_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["trainer_question_versions.id"],
            name=op.f("fk_trainer_reports_version_id_trainer_question_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainer_reports")),
        sa.UniqueConstraint(
            "organization_id", "id", name=op.f("uq_trainer_reports_organization_id_id")
        ),
    )
    with op.batch_alter_table("trainer_reports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_trainer_reports_org_open", ["organization_id", "resolved_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("trainer_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_trainer_reports_org_open")

    op.drop_table("trainer_reports")
    op.drop_table("trainer_exam_items")
    with op.batch_alter_table("trainer_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_trainer_attempts_question")
        batch_op.drop_index("ix_trainer_attempts_learner")

    op.drop_table("trainer_attempts")
    with op.batch_alter_table("trainer_skips", schema=None) as batch_op:
        batch_op.drop_index("ix_trainer_skips_learner")

    op.drop_table("trainer_skips")
    op.drop_table("trainer_question_versions")
    op.drop_table("trainer_learner_settings")
    with op.batch_alter_table("trainer_exams", schema=None) as batch_op:
        batch_op.drop_index("ix_trainer_exams_learner")

    op.drop_table("trainer_exams")
    with op.batch_alter_table("trainer_cards", schema=None) as batch_op:
        batch_op.drop_index("ix_trainer_cards_due")

    op.drop_table("trainer_cards")
    with op.batch_alter_table("trainer_questions", schema=None) as batch_op:
        batch_op.drop_index("ix_trainer_questions_org_status")

    op.drop_table("trainer_questions")
