"""member data rights: amendment requests and departures (leaving the programme)

Revision ID: 8d47a0000001
Revises: 7a1e00000001
Create Date: 2026-11-21 23:33:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import peerpath.db.base

revision: str = "8d47a0000001"
down_revision: str | None = "7a1e00000001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "amendment_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("responded_by_id", sa.Integer(), nullable=True),
        sa.Column("responded_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id", "member_id"],
            ["users.organization_id", "users.id"],
            name="fk_amendment_requests_member",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_amendment_requests_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["responded_by_id"],
            ["users.id"],
            name=op.f("fk_amendment_requests_responded_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amendment_requests")),
        sa.UniqueConstraint(
            "organization_id", "id", name=op.f("uq_amendment_requests_organization_id_id")
        ),
    )
    with op.batch_alter_table("amendment_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_amendment_requests_record",
            ["organization_id", "member_id", "record_type", "record_id"],
            unique=False,
        )

    op.create_table(
        "member_departures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("left_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("erased_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("erased_counts", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "member_id"],
            ["users.organization_id", "users.id"],
            name="fk_member_departures_member",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_member_departures_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_departures")),
        sa.UniqueConstraint(
            "organization_id",
            "member_id",
            name=op.f("uq_member_departures_organization_id_member_id"),
        ),
    )
    with op.batch_alter_table("member_departures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_member_departures_erased_at"), ["erased_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("member_departures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_departures_erased_at"))
    op.drop_table("member_departures")
    with op.batch_alter_table("amendment_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_amendment_requests_record")
    op.drop_table("amendment_requests")
