"""Helpers for the check-in, tool-log and setback tests: moving the clock, writing a member's
wellness plan lines, and counting rows."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerpath.checkins.daily import service
from peerpath.db.base import utcnow
from peerpath.db.models import User, WellnessSection


class Clock:
    """Moves the check-in area's idea of "now" (and so "today") by whole days."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.start = utcnow()

    def move(self, days: int) -> date:
        moment = self.start + timedelta(days=days)
        self.monkeypatch.setattr(service, "now", lambda: moment)
        return moment.date()

    @property
    def today(self) -> date:
        return service.today()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


def set_plan_section(db: Session, member: User, key: str, content: dict[str, str]) -> None:
    """Write one section of the member's wellness plan directly (replacing the demo's)."""
    row = db.scalar(
        select(WellnessSection).where(
            WellnessSection.organization_id == member.organization_id,
            WellnessSection.member_id == member.id,
            WellnessSection.key == key,
        )
    )
    now: datetime = utcnow()
    if row is None:
        row = WellnessSection(
            organization_id=member.organization_id,
            member_id=member.id,
            key=key,
            created_by_id=member.id,
            created_at=now,
            updated_by_id=member.id,
            updated_at=now,
            version=1,
        )
        db.add(row)
    row.content = content
    db.commit()


def count(db: Session, model: Any, member: User) -> int:
    db.expire_all()
    return int(
        db.scalar(select(func.count()).select_from(model).where(model.member_id == member.id)) or 0
    )


def iso(day: date) -> str:
    return day.isoformat()
