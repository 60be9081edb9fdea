"""The authorization matrix, seen through sharing grants: for a representative page of each
section of harbor.member1's record, the assigned peer specialist (peer1) reads it only while a
grant is in force (revoked: 404, expired: 404, shared again: 200), and an unrelated peer
specialist (peer2) reads it only through a grant naming them, for that section alone."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.core.access import org_today
from peerpath.db.base import utcnow
from peerpath.db.models import JournalEntry, RecipientKind, SharingGrant, SharingPurpose, User
from tests.conftest import Browser

# section -> a page that shows only that section ({m}: member id, {j}: a journal entry of the
# member that is NOT shared with the peer specialist entry by entry).
ROUTES: dict[str, str] = {
    "plan": "/members/{m}/plan",
    "wellness_plan": "/members/{m}/wellness/toolbox",
    "crisis_plan": "/members/{m}/wellness/crisis",
    "checkins": "/members/{m}/checkins",
    "measures": "/members/{m}/measures",
    "notes": "/members/{m}/notes",
    "journal": "/members/{m}/journal/{j}",
}


def _stop_all(db: Session, member: User, kind: RecipientKind, section: str) -> None:
    for grant in db.scalars(
        select(SharingGrant).where(
            SharingGrant.member_id == member.id,
            SharingGrant.recipient_kind == kind,
            SharingGrant.section == section,
            SharingGrant.revoked_at.is_(None),
        )
    ):
        grant.revoked_at = utcnow()
    db.commit()


def _share(client: Browser, recipient: str, section: str) -> None:
    response = client.submit(
        "/me/sharing/grants",
        {"recipient": recipient, "sections": [section], "purpose": "ongoing_support"},
    )
    assert response.status_code == 303, response.text[:400]


def test_grants_decide_every_section_for_the_assigned_and_an_unrelated_peer(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member, peer2_user = demo["harbor.member1"], demo["harbor.peer2"]
    entry_id = db.scalar(
        select(JournalEntry.id)
        .where(JournalEntry.member_id == member.id, JournalEntry.shared_with_peer_at.is_(None))
        .order_by(JournalEntry.id)
        .limit(1)
    )
    assert entry_id is not None, "the demo gives member1 a private journal entry"
    urls = {s: path.format(m=member.id, j=entry_id) for s, path in ROUTES.items()}
    me, peer1, peer2 = make_client(), make_client(), make_client()
    me.login("harbor.member1")
    peer1.login("harbor.peer1")
    peer2.login("harbor.peer2")
    yesterday = org_today(member.organization) - timedelta(days=1)
    problems: list[str] = []

    def expect(client: Browser, who: str, section: str, status: int, when: str) -> None:
        got = client.get(urls[section], follow_redirects=False).status_code
        if got != status:
            problems.append(f"{who} {urls[section]} {when}: {got}, expected {status}")

    for section in ROUTES:
        mine = RecipientKind.MY_PEER_SPECIALIST
        # Start from a grant in force (the enrolment default, or a new one for the journal).
        if section == "journal":
            _share(me, "my_peer_specialist", section)
        expect(peer1, "peer1", section, 200, "with the grant")

        _stop_all(db, member, mine, section)
        expect(peer1, "peer1", section, 404, "after the member stopped it")

        db.add(
            SharingGrant(
                organization_id=member.organization_id,
                member_id=member.id,
                recipient_kind=mine,
                section=section,
                purpose=SharingPurpose.ONGOING_SUPPORT,
                expires_on=yesterday,
            )
        )
        db.commit()
        expect(peer1, "peer1", section, 404, "with only an expired grant")

        _share(me, "my_peer_specialist", section)
        expect(peer1, "peer1", section, 200, "after sharing again")

        # peer2 has no relationship with member1: a grant by name, for this section only.
        expect(peer2, "peer2", section, 404, "before any grant")
        _share(me, f"staff:{peer2_user.id}", section)
        for other in ROUTES:
            expect(peer2, "peer2", other, 200 if other == section else 404, f"({section} named)")
        _stop_all(db, member, RecipientKind.STAFF, section)
        expect(peer2, "peer2", section, 404, "after the named grant stopped")

    assert problems == []
