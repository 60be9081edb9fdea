"""outcomes: programmes, enrolments, dashboard data version

Revision ID: 9e0a00000001
Revises: 8d47a0000001
Create Date: 2026-11-22 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import peerpath.db.base

revision: str = "9e0a00000001"
down_revision: str | None = "8d47a0000001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "programs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("is_part2", sa.Boolean(), nullable=False),
        sa.Column("created_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_programs_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programs")),
        sa.UniqueConstraint("organization_id", "id", name=op.f("uq_programs_organization_id_id")),
        sa.UniqueConstraint(
            "organization_id", "name", name=op.f("uq_programs_organization_id_name")
        ),
    )
    op.create_table(
        "program_enrollments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("created_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "member_id"],
            ["users.organization_id", "users.id"],
            name="fk_program_enrollments_member",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id", "program_id"],
            ["programs.organization_id", "programs.id"],
            name="fk_program_enrollments_program",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_program_enrollments_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_enrollments")),
    )
    with op.batch_alter_table("program_enrollments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_program_enrollments_member", ["organization_id", "member_id"], unique=False
        )
        batch_op.create_index(
            "ix_program_enrollments_program",
            ["organization_id", "program_id", "start_date"],
            unique=False,
        )
    op.create_table(
        "outcome_data_versions",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_outcome_data_versions_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organization_id", name=op.f("pk_outcome_data_versions")),
    )


def downgrade() -> None:
    op.drop_table("outcome_data_versions")
    with op.batch_alter_table("program_enrollments", schema=None) as batch_op:
        batch_op.drop_index("ix_program_enrollments_program")
        batch_op.drop_index("ix_program_enrollments_member")
    op.drop_table("program_enrollments")
    op.drop_table("programs")
