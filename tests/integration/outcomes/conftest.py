"""A third organization, "lakeside", with 30 members and known records in 2025, so every
figure on the dashboard is checkable (the demo organizations have too few members for most
figures to be shown at all)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from sqlalchemy.orm import Session

from peerpath.db.models import (
    CaseloadAssignment,
    CheckIn,
    Goal,
    GoalStatus,
    NoteModality,
    NoteStatus,
    Organization,
    Role,
    SessionNote,
    User,
)
from peerpath.outcomes import cache

FROM, TO = "2025-01-01", "2025-12-31"
PERIOD = f"from={FROM}&to={TO}"


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    cache.DASHBOARDS.clear()
    yield
    cache.DASHBOARDS.clear()


def _user(
    db: Session, org: Organization, suffix: str, role: Role, template: User, created: datetime
) -> User:
    user = User(
        organization_id=org.id,
        username=f"lakeside.{suffix}",
        display_name=f"Lakeside {suffix}",
        role=role,
        password_hash=template.password_hash,
        is_active=True,
        created_at=created,
    )
    db.add(user)
    db.flush()
    return user


@pytest.fixture
def lakeside(db: Session, demo: dict[str, User]) -> dict[str, User]:
    template = demo["harbor.admin"]
    org = Organization(slug="lakeside", name="Lakeside Peer Network", settings={})
    db.add(org)
    db.flush()
    early = datetime(2024, 6, 1, tzinfo=UTC)
    people = {
        "admin": _user(db, org, "admin", Role.ADMIN, template, early),
        "supervisor": _user(db, org, "supervisor", Role.SUPERVISOR, template, early),
        "peer1": _user(db, org, "peer1", Role.PEER_SPECIALIST, template, early),
    }
    members = []
    for i in range(30):
        created = early if i < 20 else datetime(2025, 3, 1, tzinfo=UTC)
        m = _user(db, org, f"member{i}", Role.MEMBER, template, created)
        members.append(m)
        people[f"member{i}"] = m
        db.add(
            CaseloadAssignment(
                organization_id=org.id, member_id=m.id, peer_specialist_id=people["peer1"].id
            )
        )
    # check-ins: 24 members, first on 1 Feb, latest on 1 Jun; 15 higher, 5 same, 4 lower
    for i, m in enumerate(members[:24]):
        first, last = 5, (7 if i < 15 else 5 if i < 20 else 3)
        db.add(
            CheckIn(
                organization_id=org.id,
                member_id=m.id,
                day=date(2025, 2, 1),
                ratings={"emotional": first},
            )
        )
        db.add(
            CheckIn(
                organization_id=org.id,
                member_id=m.id,
                day=date(2025, 6, 1),
                ratings={"emotional": last},
            )
        )
    # contacts: 15 in person (billable, 60 minutes: 4 units each), 12 by phone (not billable)
    for i, m in enumerate(members[:15]):
        db.add(_note(org, m, people["peer1"], NoteModality.IN_PERSON, True))
        if i < 12:
            db.add(_note(org, m, people["peer1"], NoteModality.PHONE, False))
    # a draft is not a contact
    db.add(_note(org, members[20], people["peer1"], NoteModality.VIDEO, True, NoteStatus.DRAFT))
    # goals: 12 achieved, 3 paused in May 2025
    for i, m in enumerate(members[:15]):
        db.add(
            Goal(
                organization_id=org.id,
                member_id=m.id,
                title=f"Goal {i}",
                status=GoalStatus.ACHIEVED if i < 12 else GoalStatus.PAUSED,
                status_changed_at=datetime(2025, 5, 10, 12, tzinfo=UTC),
                created_by_id=m.id,
                updated_by_id=m.id,
            )
        )
    db.commit()
    return people


def _note(
    org: Organization,
    member: User,
    author: User,
    modality: NoteModality,
    billable: bool,
    status: NoteStatus = NoteStatus.SIGNED,
) -> SessionNote:
    return SessionNote(
        organization_id=org.id,
        member_id=member.id,
        author_id=author.id,
        contact_date=date(2025, 4, 2),
        start_time=time(10, 0),
        end_time=time(11, 0),
        modality=modality,
        billable=billable,
        status=status,
    )


def cell(data: dict[str, Any], table: str, row: str, column: str) -> dict[str, Any]:
    for t in data["tables"]:
        if t["key"] == table:
            for r in t["rows"]:
                if r["key"] == row:
                    for c in r["cells"]:
                        if c["column"] == column:
                            return dict(c)
    raise KeyError((table, row, column))
