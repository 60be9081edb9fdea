"""Helpers for the versions tests: a fake snapshot part whose content a test controls, and
direct edits of the live plan (the member's profile in their own words)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.models import MemberProfile, Organization, PlanVersion, User
from peerpath.plans import common

FAKE_PART = "zz_test_notes"


@pytest.fixture
def fake_part(demo: dict[str, User]) -> Iterator[dict[int, Any]]:
    """A registered snapshot part that returns whatever the test puts in the dict for a member."""
    common.ensure_registered()
    content: dict[int, Any] = {}
    common.register_snapshot_part(FAKE_PART, lambda db, member: content.get(member.id, []))
    yield content
    common.SNAPSHOT_PARTS.pop(FAKE_PART, None)


def set_profile(db: Session, member: User, **fields: str) -> None:
    """Edit the member's live profile directly, as if they had saved the profile form."""
    row = db.scalar(
        select(MemberProfile).where(
            MemberProfile.organization_id == member.organization_id,
            MemberProfile.member_id == member.id,
        )
    )
    if row is None:
        row = MemberProfile(member_id=member.id, **common.new_item_fields(member, member))
        db.add(row)
    for key, value in fields.items():
        setattr(row, key, value)
    common.touch(row, member)
    db.commit()


def set_org_settings(db: Session, member: User, **settings: Any) -> None:
    org = db.get(Organization, member.organization_id)
    assert org is not None
    org.settings = {**(org.settings or {}), **settings}
    db.commit()


def versions_of(db: Session, member: User) -> list[PlanVersion]:
    db.expire_all()
    return list(
        db.scalars(
            select(PlanVersion)
            .where(PlanVersion.member_id == member.id)
            .order_by(PlanVersion.number)
        ).all()
    )
