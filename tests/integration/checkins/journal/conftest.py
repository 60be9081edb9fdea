"""Helpers for the journal tests: the app's keyring, member1's entries, and a scan of every
table for clear text."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from peerpath.core.crypto import Keyring
from peerpath.db.models import JournalEntry, User


@pytest.fixture
def keyring(app: FastAPI) -> Keyring:
    ring: Keyring = app.state.keyring
    return ring


def entries_of(db: Session, member: User) -> list[JournalEntry]:
    db.expire_all()
    return list(
        db.scalars(
            select(JournalEntry)
            .where(JournalEntry.member_id == member.id)
            .order_by(JournalEntry.created_at.desc(), JournalEntry.id.desc())
        )
    )


def newest_entry(db: Session, member: User) -> JournalEntry:
    return entries_of(db, member)[0]


def tables_containing(db: Session, needle: str) -> list[str]:
    """Every table whose raw rows (all columns, bytes included) contain `needle`."""
    db.flush()
    found = []
    raw = needle.encode()
    for table in inspect(db.connection()).get_table_names():
        rows: Any = db.execute(text(f'SELECT * FROM "{table}"')).all()
        for row in rows:
            for value in row:
                if isinstance(value, bytes | bytearray | memoryview):
                    hit = raw in bytes(value)
                else:
                    hit = needle in str(value)
                if hit:
                    found.append(table)
                    break
            else:
                continue
            break
    return found
