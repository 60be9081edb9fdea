"""What a supporter sees of protected (Part 2) records: the redisclosure notice on the pages,
and sharing that cannot outlast the consent permitting it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.core.access import org_today
from peerpath.db.models import Part2Consent, SharingGrant, User
from peerpath.sharing.part2 import service
from tests.conftest import Browser
from tests.integration.sharing.part2.conftest import Enrol, new_checkin


def _checkins_grant(db: Session, member: User, supporter: User) -> SharingGrant | None:
    db.expire_all()
    return db.scalar(
        select(SharingGrant)
        .where(
            SharingGrant.member_id == member.id,
            SharingGrant.recipient_user_id == supporter.id,
            SharingGrant.section == "checkins",
            SharingGrant.revoked_at.is_(None),
        )
        .order_by(SharingGrant.id.desc())
    )


def test_supporter_pages_carry_the_notice_only_when_protected_records_are_shared(
    client: Browser, db: Session, demo: dict[str, User], enrol: Enrol
) -> None:
    member, supporter = demo["harbor.member1"], demo["harbor.supporter1"]
    client.login("harbor.supporter1")
    crisis = f"/members/{member.id}/wellness"
    assert client.get(crisis).status_code == 200
    assert service.NOTICE_TITLE not in client.get("/supporting").text
    assert service.NOTICE_TITLE not in client.get(crisis).text

    enrol(member)
    new_checkin(db, member)  # a tagged record, in a section not shared with them yet
    db.commit()
    assert service.NOTICE_TITLE not in client.get(crisis).text

    db.add(
        SharingGrant(
            organization_id=member.organization_id,
            member_id=member.id,
            recipient_kind="supporter",
            recipient_user_id=supporter.id,
            section="checkins",
            purpose="family_and_friends",
        )
    )
    db.commit()
    assert service.NOTICE_TITLE in client.get("/supporting").text
    assert service.NOTICE_TITLE in client.get(crisis).text

    # Staff are inside the organization: no redisclosure notice for them.
    client.login("harbor.peer1")
    assert service.NOTICE_TITLE not in client.get(crisis).text


def test_sharing_protected_records_with_a_supporter_ends_with_the_consent(
    client: Browser, db: Session, demo: dict[str, User], enrol: Enrol
) -> None:
    member, supporter = demo["harbor.member1"], demo["harbor.supporter1"]
    enrol(member)
    new_checkin(db, member)
    today = org_today(member.organization)
    consent_end = today + timedelta(days=30)
    db.query(Part2Consent).filter(Part2Consent.member_id == member.id).update(
        {"revoked_at": None, "expires_on": consent_end, "recipient_user_id": supporter.id}
    )
    db.commit()
    assert db.scalar(select(Part2Consent.id).where(Part2Consent.member_id == member.id))

    client.login("harbor.member1")
    answer = client.submit(
        "/me/sharing/grants",
        {
            "recipient": f"supporter:{supporter.id}",
            "sections": "checkins",
            "purpose": "family_and_friends",
            "purpose_detail": "",
            "expires_on": "",  # no end date asked for...
        },
    )
    assert answer.status_code in (200, 303), answer.text[:300]
    grant = _checkins_grant(db, member, supporter)
    assert grant is not None and grant.part2_consent_id is not None
    assert grant.expires_on == consent_end  # ...but it ends when the consent does
