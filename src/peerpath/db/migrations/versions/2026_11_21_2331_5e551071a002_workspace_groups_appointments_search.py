"""workspace: groups, appointments, note search index

Revision ID: 5e551071a002
Revises: 5e551071a001
Create Date: 2026-11-21 23:30:00

The note search index lives outside the ORM metadata (see peerpath.db.fts): on SQLite an FTS5
external-content table over session_notes kept in sync by triggers, on PostgreSQL an
expression GIN index over the same text. Its DDL is written out here, frozen with the
revision.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import peerpath.db.base

revision: str = "5e551071a002"
down_revision: str | None = "5e551071a001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    "purpose",
    "intervention",
    "member_response",
    "strengths_observed",
    "next_steps",
    "location",
)
# SQLite also indexes member_id (as a token), so a search restricted to the members a viewer
# may read is an intersection inside FTS5 instead of a lookup per matching note.
FTS_COLUMNS = (*COLUMNS, "member_id")
_cols = ", ".join(FTS_COLUMNS)
_new = ", ".join(f"new.{c}" for c in FTS_COLUMNS)
_old = ", ".join(f"old.{c}" for c in FTS_COLUMNS)

SQLITE_UP = [
    f"CREATE VIRTUAL TABLE session_notes_fts USING fts5({_cols}, content='session_notes', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER session_notes_fts_ai AFTER INSERT ON session_notes BEGIN "  # noqa: S608  (fixed column names, no input)
    f"INSERT INTO session_notes_fts(rowid, {_cols}) VALUES (new.id, {_new}); END",
    f"CREATE TRIGGER session_notes_fts_ad AFTER DELETE ON session_notes BEGIN "  # noqa: S608  (fixed column names, no input)
    f"INSERT INTO session_notes_fts(session_notes_fts, rowid, {_cols}) "
    f"VALUES ('delete', old.id, {_old}); END",
    f"CREATE TRIGGER session_notes_fts_au AFTER UPDATE OF {_cols} ON session_notes BEGIN "  # noqa: S608  (fixed column names, no input)
    f"INSERT INTO session_notes_fts(session_notes_fts, rowid, {_cols}) "
    f"VALUES ('delete', old.id, {_old}); "
    f"INSERT INTO session_notes_fts(rowid, {_cols}) VALUES (new.id, {_new}); END",
    # Notes written before this revision.
    "INSERT INTO session_notes_fts(session_notes_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS session_notes_fts_au",
    "DROP TRIGGER IF EXISTS session_notes_fts_ad",
    "DROP TRIGGER IF EXISTS session_notes_fts_ai",
    "DROP TABLE IF EXISTS session_notes_fts",
]
PG_DOCUMENT = " || ' ' || ".join(COLUMNS)
# A stored generated tsvector: matching a note is then a read, not a to_tsvector() per row
# (which dominated a search over a caseload's ~1,300 notes), and the GIN index is on it.
PG_UP = [
    "ALTER TABLE session_notes ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
    f"(to_tsvector('english'::regconfig, {PG_DOCUMENT})) STORED",
    "CREATE INDEX ix_session_notes_fts ON session_notes USING gin (search_vector)",
]
PG_DOWN = [
    "DROP INDEX IF EXISTS ix_session_notes_fts",
    "ALTER TABLE session_notes DROP COLUMN IF EXISTS search_vector",
]


def _user_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organization_id", column],
        ["users.organization_id", "users.id"],
        name=f"fk_{table}_{column.removesuffix('_id')}",
    )


def _org_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organization_id"],
        ["organizations.id"],
        name=op.f(f"fk_{table}_organization_id_organizations"),
    )


def _users_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"))


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=24)


def upgrade() -> None:
    op.create_table(
        "peer_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("facilitator_id", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=False),
        _user_fk("peer_groups", "facilitator_id"),
        _org_fk("peer_groups"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peer_groups")),
        sa.UniqueConstraint(
            "organization_id", "id", name=op.f("uq_peer_groups_organization_id_id")
        ),
    )
    with op.batch_alter_table("peer_groups", schema=None) as batch_op:
        batch_op.create_index(
            "ix_peer_groups_org_active", ["organization_id", "is_active"], unique=False
        )

    op.create_table(
        "group_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=False),
        _users_fk("group_members", "added_by_id"),
        sa.ForeignKeyConstraint(
            ["organization_id", "group_id"],
            ["peer_groups.organization_id", "peer_groups.id"],
            name="fk_group_members_group",
            ondelete="CASCADE",
        ),
        _user_fk("group_members", "member_id"),
        _org_fk("group_members"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_members")),
        sa.UniqueConstraint(
            "group_id", "member_id", name=op.f("uq_group_members_group_id_member_id")
        ),
    )
    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.create_index("ix_group_members_member", ["member_id"], unique=False)

    op.create_table(
        "group_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("session_date", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("group_note", sa.Text(), nullable=False),
        sa.Column("note_updated_by_id", sa.Integer(), nullable=True),
        sa.Column("note_updated_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "group_id"],
            ["peer_groups.organization_id", "peer_groups.id"],
            name="fk_group_sessions_group",
            ondelete="CASCADE",
        ),
        _users_fk("group_sessions", "note_updated_by_id"),
        _org_fk("group_sessions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_sessions")),
        sa.UniqueConstraint(
            "group_id", "session_date", name=op.f("uq_group_sessions_group_id_session_date")
        ),
        sa.UniqueConstraint(
            "organization_id", "id", name=op.f("uq_group_sessions_organization_id_id")
        ),
    )

    op.create_table(
        "group_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=False),
        _user_fk("group_attendance", "member_id"),
        sa.ForeignKeyConstraint(
            ["organization_id", "session_id"],
            ["group_sessions.organization_id", "group_sessions.id"],
            name="fk_group_attendance_session",
            ondelete="CASCADE",
        ),
        _org_fk("group_attendance"),
        _users_fk("group_attendance", "recorded_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_attendance")),
        sa.UniqueConstraint(
            "session_id", "member_id", name=op.f("uq_group_attendance_session_id_member_id")
        ),
    )
    with op.batch_alter_table("group_attendance", schema=None) as batch_op:
        batch_op.create_index("ix_group_attendance_member", ["member_id"], unique=False)

    op.create_table(
        "group_session_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("group_session_id", sa.Integer(), nullable=False),
        sa.Column("session_note_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "session_note_id"],
            ["session_notes.organization_id", "session_notes.id"],
            name="fk_group_session_notes_note",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id", "group_session_id"],
            ["group_sessions.organization_id", "group_sessions.id"],
            name="fk_group_session_notes_session",
            ondelete="CASCADE",
        ),
        _org_fk("group_session_notes"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_session_notes")),
        sa.UniqueConstraint("session_note_id", name=op.f("uq_group_session_notes_session_note_id")),
    )
    with op.batch_alter_table("group_session_notes", schema=None) as batch_op:
        batch_op.create_index("ix_group_session_notes_session", ["group_session_id"], unique=False)

    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("peer_specialist_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "modality",
            _enum("appointment_modality", "in_person", "phone", "video", "community"),
            nullable=False,
        ),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column(
            "status",
            _enum("appointment_status", "requested", "scheduled", "cancelled", "done"),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", peerpath.db.base.UTCDateTime(timezone=True), nullable=False),
        _users_fk("appointments", "created_by_id"),
        _user_fk("appointments", "member_id"),
        _org_fk("appointments"),
        _user_fk("appointments", "peer_specialist_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
        sa.UniqueConstraint(
            "organization_id", "id", name=op.f("uq_appointments_organization_id_id")
        ),
    )
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_appointments_member_starts", ["member_id", "starts_at"], unique=False
        )
        batch_op.create_index(
            "ix_appointments_peer_starts", ["peer_specialist_id", "starts_at"], unique=False
        )

    statements = SQLITE_UP if op.get_bind().dialect.name == "sqlite" else PG_UP
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    statements = SQLITE_DOWN if op.get_bind().dialect.name == "sqlite" else PG_DOWN
    for statement in statements:
        op.execute(statement)
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_index("ix_appointments_peer_starts")
        batch_op.drop_index("ix_appointments_member_starts")
    op.drop_table("appointments")
    with op.batch_alter_table("group_session_notes", schema=None) as batch_op:
        batch_op.drop_index("ix_group_session_notes_session")
    op.drop_table("group_session_notes")
    with op.batch_alter_table("group_attendance", schema=None) as batch_op:
        batch_op.drop_index("ix_group_attendance_member")
    op.drop_table("group_attendance")
    op.drop_table("group_sessions")
    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.drop_index("ix_group_members_member")
    op.drop_table("group_members")
    with op.batch_alter_table("peer_groups", schema=None) as batch_op:
        batch_op.drop_index("ix_peer_groups_org_active")
    op.drop_table("peer_groups")
