"""Alembic environment: runs against the connection or URL handed in by peerpath.db.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from peerpath.db import models  # noqa: F401  (registers every table on Base.metadata)
from peerpath.db.base import Base
from peerpath.db.fts import include_object
from peerpath.db.session import make_engine

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        # The note search index (FTS5 tables, a GIN expression index) is not in the metadata.
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("peerpath migrations run online only")
run_migrations_online()
