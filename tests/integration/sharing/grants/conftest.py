"""Helpers for the sharing-grant tests: sharing through the page, finding grants."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.models import Organization, RecipientKind, SharingGrant, User
from tests.conftest import Browser


def share(
    client: Browser,
    recipient: str,
    sections: list[str],
    *,
    purpose: str = "ongoing_support",
    purpose_detail: str = "",
    expires_on: str = "",
) -> Any:
    return client.submit(
        "/me/sharing/grants",
        {
            "recipient": recipient,
            "sections": sections,
            "purpose": purpose,
            "purpose_detail": purpose_detail,
            "expires_on": expires_on,
        },
    )


def grants_of(
    db: Session,
    member: User,
    *,
    kind: RecipientKind | None = None,
    section: str | None = None,
    in_force_only: bool = True,
) -> list[SharingGrant]:
    db.expire_all()
    query = select(SharingGrant).where(SharingGrant.member_id == member.id)
    if kind is not None:
        query = query.where(SharingGrant.recipient_kind == kind)
    if section is not None:
        query = query.where(SharingGrant.section == section)
    if in_force_only:
        query = query.where(SharingGrant.revoked_at.is_(None))
    return list(db.scalars(query.order_by(SharingGrant.id)).all())


def default_grant(db: Session, member: User, kind: RecipientKind, section: str) -> SharingGrant:
    [grant] = [g for g in grants_of(db, member, kind=kind, section=section) if g.from_defaults]
    return grant


def set_org_settings(db: Session, user: User, **settings: Any) -> None:
    org = db.get(Organization, user.organization_id)
    assert org is not None
    org.settings = {**(org.settings or {}), **settings}
    db.commit()


def today_in(zone: str) -> date:
    return datetime.now(ZoneInfo(zone)).date()
