"""Declarative base with a constraint naming convention, so Alembic migrations are stable."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Enum, ForeignKeyConstraint, MetaData
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Ids are 32-bit on every backend; anything larger from outside is "not there", not an overflow.
MAX_ID = 2_147_483_647


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC; always hands back an aware datetime, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def str_enum(cls: type[enum.StrEnum], name: str) -> Enum:
    """A string enum column stored as its values, with a CHECK constraint (no native type)."""
    return Enum(
        cls,
        native_enum=False,
        length=24,
        values_callable=lambda items: [i.value for i in items],
        validate_strings=True,
        create_constraint=True,
        name=name,
    )


def user_fk(table: str, column: str, name: str | None = None) -> ForeignKeyConstraint:
    """(organization_id, column) -> users: the database refuses a link to another tenant."""
    return ForeignKeyConstraint(
        ["organization_id", column],
        ["users.organization_id", "users.id"],
        name=name or f"fk_{table}_{column.removesuffix('_id')}",
    )


def member_fk(table: str) -> ForeignKeyConstraint:
    """The member a row belongs to, in the row's own organization."""
    return user_fk(table, "member_id")
