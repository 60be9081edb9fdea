"""Shared test helpers for the supporters area: grants written directly, so these tests do not
depend on the sharing page that another area builds."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.core.access import Section
from peerpath.db.models import RecipientKind, SharingGrant, SharingPurpose, SupporterLink, User

LINK_IN_PAGE = re.compile(r"https://testserver(/supporter-invite/[A-Za-z0-9_-]+)")


def share(db: Session, member: User, supporter: User, sections: Iterable[Section]) -> None:
    for section in sections:
        db.add(
            SharingGrant(
                organization_id=member.organization_id,
                member_id=member.id,
                recipient_kind=RecipientKind.SUPPORTER,
                recipient_user_id=supporter.id,
                section=section.value,
                purpose=SharingPurpose.FAMILY_AND_FRIENDS,
                created_by_id=member.id,
            )
        )
    db.commit()


def link_id(db: Session, member: User, supporter: User) -> int:
    found = db.scalar(
        select(SupporterLink.id).where(
            SupporterLink.member_id == member.id, SupporterLink.supporter_id == supporter.id
        )
    )
    assert found is not None
    return found


def invitation_path(page: str) -> str:
    match = LINK_IN_PAGE.search(page)
    assert match, "the invitation link is shown on the page"
    return match.group(1)
