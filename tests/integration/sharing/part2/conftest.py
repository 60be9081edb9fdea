"""Helpers for the 42 CFR Part 2 tests: a Part 2 programme with a member enrolled, a tagged
record, and a complete consent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.core.access import org_today
from peerpath.db.models import CheckIn, Part2Consent, Part2Record, Program, ProgramEnrollment, User

Enrol = Callable[..., Program]


@pytest.fixture
def enrol(db: Session) -> Enrol:
    """enrol(member, part2=True, start=-30, end=None): a new programme with `member` enrolled
    from `start` days from today (negative: in the past) to `end` (None: still enrolled)."""
    made = 0

    def factory(
        member: User, *, part2: bool = True, start: int = -30, end: int | None = None
    ) -> Program:
        nonlocal made
        made += 1
        today = org_today(member.organization)
        program = Program(
            organization_id=member.organization_id,
            name=f"Test programme {made} {'part2' if part2 else 'plain'}",
            is_part2=part2,
        )
        db.add(program)
        db.flush()
        db.add(
            ProgramEnrollment(
                organization_id=member.organization_id,
                program_id=program.id,
                member_id=member.id,
                start_date=today + timedelta(days=start),
                end_date=None if end is None else today + timedelta(days=end),
            )
        )
        db.flush()
        return program

    return factory


def new_checkin(db: Session, member: User, day: date | None = None) -> CheckIn:
    row = CheckIn(
        organization_id=member.organization_id,
        member_id=member.id,
        day=day or date(2001, 1, 1),
        ratings={"emotional": 5},
    )
    db.add(row)
    db.flush()
    return row


def tag_of(db: Session, table: str, record_id: int) -> Part2Record | None:
    return db.scalar(
        select(Part2Record).where(
            Part2Record.record_type == table, Part2Record.record_id == record_id
        )
    )


def consent_form(member: User, **changes: Any) -> dict[str, str]:
    """A complete consent form, as the member would send it."""
    today = org_today(member.organization)
    form = {
        "member_name": member.display_name,
        "disclosing_party": member.organization.name,
        "information_description": "My crisis plan and my check-ins.",
        "recipients": "Dr. Lee, Northside Clinic",
        "purpose": "So my new clinic knows what helps me.",
        "right_to_revoke_acknowledged": "yes",
        "expires_on": (today + timedelta(days=90)).isoformat(),
        "expiry_event": "",
        "signature": member.display_name,
        "signed_on": today.isoformat(),
    }
    form.update(changes)
    return form


def consents_of(db: Session, member: User) -> list[Part2Consent]:
    db.expire_all()
    return list(
        db.scalars(
            select(Part2Consent)
            .where(Part2Consent.member_id == member.id)
            .order_by(Part2Consent.id)
        ).all()
    )
