"""workspace: session notes, addenda, comments, supervisor review, billing

Revision ID: 5e551071a001
Revises: 1cf53c29a60d
Create Date: 2026-11-21 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import peerpath.db.base

revision: str = "5e551071a001"
down_revision: str | None = "1cf53c29a60d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outreach_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("wants_outreach", sa.Boolean(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "member_id"],
            ["users.organization_id", "users.id"],
            name="fk_outreach_preferences_member",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_outreach_preferences_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_outreach_preferences_updated_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outreach_preferences")),
        sa.UniqueConstraint(
            "organization_id",
            "member_id",
            name=op.f("uq_outreach_preferences_organization_id_member_id"),
        ),
    )
    op.create_table(
        "session_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("contact_date", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("end_time", sa.Time(), nullable=True),
        sa.Column(
            "modality",
            sa.Enum(
                "in_person",
                "phone",
                "video",
                "community",
                "group",
                name="note_modality",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("intervention", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("member_response", sa.Text(), nullable=False),
        sa.Column("strengths_observed", sa.Text(), nullable=False),
        sa.Column("next_steps", sa.Text(), nullable=False),
        sa.Column("billable", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "signed",
                "pending_review",
                "returned",
                "approved",
                name="note_status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("signed_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "author_id"],
            ["users.organization_id", "users.id"],
            name="fk_session_notes_author",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id", "member_id"],
            ["users.organization_id", "users.id"],
            name="fk_session_notes_member",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_session_notes_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_notes")),
        sa.UniqueConstraint(
            "organization_id", "id", name=op.f("uq_session_notes_organization_id_id")
        ),
    )
    with op.batch_alter_table("session_notes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_session_notes_author_status", ["author_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_session_notes_member_date", ["member_id", "contact_date"], unique=False
        )
        batch_op.create_index(
            "ix_session_notes_org_date", ["organization_id", "contact_date"], unique=False
        )

    op.create_table(
        "note_addenda",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_note_addenda_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id", "note_id"],
            ["session_notes.organization_id", "session_notes.id"],
            name="fk_note_addenda_note",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_note_addenda_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_addenda")),
    )
    with op.batch_alter_table("note_addenda", schema=None) as batch_op:
        batch_op.create_index("ix_note_addenda_note", ["note_id"], unique=False)

    op.create_table(
        "note_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_note_comments_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id", "note_id"],
            ["session_notes.organization_id", "session_notes.id"],
            name="fk_note_comments_note",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_note_comments_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_comments")),
    )
    with op.batch_alter_table("note_comments", schema=None) as batch_op:
        batch_op.create_index("ix_note_comments_note", ["note_id"], unique=False)

    op.create_table(
        "note_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column(
            "decision",
            sa.Enum(
                "approved",
                "returned",
                name="review_decision",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "note_id"],
            ["session_notes.organization_id", "session_notes.id"],
            name="fk_note_reviews_note",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_note_reviews_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["users.id"], name=op.f("fk_note_reviews_reviewer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_reviews")),
    )
    with op.batch_alter_table("note_reviews", schema=None) as batch_op:
        batch_op.create_index("ix_note_reviews_note", ["note_id"], unique=False)

    op.create_table(
        "session_note_objectives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("objective_id", sa.Integer(), nullable=True),
        sa.Column("objective_text", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["objective_id"],
            ["objectives.id"],
            name=op.f("fk_session_note_objectives_objective_id_objectives"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id", "note_id"],
            ["session_notes.organization_id", "session_notes.id"],
            name="fk_session_note_objectives_note",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_session_note_objectives_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_note_objectives")),
        sa.UniqueConstraint(
            "note_id", "objective_id", name=op.f("uq_session_note_objectives_note_id_objective_id")
        ),
    )
    with op.batch_alter_table("session_note_objectives", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_session_note_objectives_objective_id"), ["objective_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("session_note_objectives", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_note_objectives_objective_id"))

    op.drop_table("session_note_objectives")
    with op.batch_alter_table("note_reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_note_reviews_note")

    op.drop_table("note_reviews")
    with op.batch_alter_table("note_comments", schema=None) as batch_op:
        batch_op.drop_index("ix_note_comments_note")

    op.drop_table("note_comments")
    with op.batch_alter_table("note_addenda", schema=None) as batch_op:
        batch_op.drop_index("ix_note_addenda_note")

    op.drop_table("note_addenda")
    with op.batch_alter_table("session_notes", schema=None) as batch_op:
        batch_op.drop_index("ix_session_notes_org_date")
        batch_op.drop_index("ix_session_notes_member_date")
        batch_op.drop_index("ix_session_notes_author_status")

    op.drop_table("session_notes")
    op.drop_table("outreach_preferences")
