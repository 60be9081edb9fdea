"""Fixed dates and fresh members with known day-to-day records, so every number is checkable.

Members made here start empty (demo data for the demo members may hold check-ins of its own),
are assigned to harbor.peer1 and sign in with the demo password.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from peerpath.checkins.progress import service
from peerpath.db.models import (
    CaseloadAssignment,
    CheckIn,
    CheckinPreference,
    Goal,
    GoalStatus,
    Role,
    Setback,
    ToolHelped,
    ToolUse,
    User,
)

TODAY = date(2026, 3, 31)


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr(service, "today", lambda: TODAY)
    return TODAY


MakeMember = Callable[..., User]


@pytest.fixture
def make_member(db: Session, demo: dict[str, User]) -> MakeMember:
    def factory(
        suffix: str,
        name: str,
        *,
        dimensions: Iterable[str] | None = ("emotional", "social", "physical"),
        track_hope: bool = True,
        track_connection: bool = True,
        peer: str = "harbor.peer1",
    ) -> User:
        template = demo["harbor.member1"]
        member = User(
            organization_id=template.organization_id,
            username=f"harbor.{suffix}",
            display_name=name,
            role=Role.MEMBER,
            password_hash=template.password_hash,
            is_active=True,
        )
        db.add(member)
        db.flush()
        db.add(
            CaseloadAssignment(
                organization_id=member.organization_id,
                member_id=member.id,
                peer_specialist_id=demo[peer].id,
            )
        )
        if dimensions is not None:
            db.add(
                CheckinPreference(
                    organization_id=member.organization_id,
                    member_id=member.id,
                    dimensions=list(dimensions),
                    track_hope=track_hope,
                    track_connection=track_connection,
                )
            )
        db.commit()
        return member

    return factory


def add_checkin(
    db: Session,
    member: User,
    day: date,
    ratings: dict[str, int] | None = None,
    *,
    hope: int | None = None,
    connection: int | None = None,
) -> None:
    db.add(
        CheckIn(
            organization_id=member.organization_id,
            member_id=member.id,
            day=day,
            ratings=ratings or {},
            hope=hope,
            connection=connection,
        )
    )


def add_tool_use(db: Session, member: User, tool: str, helped: str, used_on: date) -> None:
    db.add(
        ToolUse(
            organization_id=member.organization_id,
            member_id=member.id,
            tool=tool,
            helped=ToolHelped(helped),
            used_on=used_on,
        )
    )


def add_setback(db: Session, member: User, happened_on: date, came_back_on: date | None) -> None:
    db.add(
        Setback(
            organization_id=member.organization_id,
            member_id=member.id,
            happened_on=happened_on,
            what_happened="A hard week after the move.",
            came_back_on=came_back_on,
        )
    )


def add_goal(
    db: Session, member: User, title: str, status: GoalStatus, changed_on: date | None
) -> Goal:
    changed = (
        datetime(changed_on.year, changed_on.month, changed_on.day, 15, tzinfo=UTC)
        if changed_on
        else None
    )
    goal = Goal(
        organization_id=member.organization_id,
        member_id=member.id,
        title=title,
        status=status,
        status_changed_at=changed,
        created_by_id=member.id,
        updated_by_id=member.id,
    )
    db.add(goal)
    return goal


def api_progress(client: Any, member: User) -> dict[str, Any]:
    response = client.get(f"/api/v1/members/{member.id}/progress")
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data
