"""Emergency openings of a crisis plan: staff give a reason, the plan opens for a few hours,
nothing else opens, and the member is told on their home page and in "who looked"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from peerpath.core.access import EMERGENCY_HOURS
from peerpath.db.base import utcnow
from peerpath.db.models import (
    AuditEvent,
    EmergencyAccess,
    RecipientKind,
    SharingGrant,
    SharingPurpose,
    User,
)
from peerpath.sharing.emergency.demo import REASON as DEMO_REASON
from tests.conftest import Browser

REASON = "Called the support line at night and asked us to contact their sister."
STAFF_WITHOUT_GRANT = "harbor.peer2"  # same organization, not member1's peer specialist


def _form(member: User) -> str:
    return f"/members/{member.id}/crisis-plan/emergency"


def _openings(db: Session, member: User, staff: User | None = None) -> list[EmergencyAccess]:
    """The member's openings made in the test (not the demo's), optionally by one person."""
    db.expire_all()
    query = select(EmergencyAccess).where(
        EmergencyAccess.member_id == member.id, EmergencyAccess.reason != DEMO_REASON
    )
    if staff is not None:
        query = query.where(EmergencyAccess.staff_id == staff.id)
    return list(db.scalars(query.order_by(EmergencyAccess.id)).all())


def _emergency_events(db: Session, staff: User) -> list[AuditEvent]:
    """Successful emergency openings by `staff` in the audit log, less the demo's own."""
    demo_ids = [
        str(i)
        for i in db.scalars(
            select(EmergencyAccess.id).where(EmergencyAccess.reason == DEMO_REASON)
        ).all()
    ]
    return list(
        db.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "emergency:crisis_plan",
                AuditEvent.actor_user_id == staff.id,
                AuditEvent.allowed.is_(True),
                AuditEvent.record_id.not_in(demo_ids),
            )
        ).all()
    )


def _open(client: Browser, member: User, reason: str = REASON) -> object:
    return client.submit(_form(member), {"reason": reason, "understood": "yes"})


def test_staff_without_a_grant_get_404_on_the_crisis_plan_but_see_the_form(
    client: Browser, demo: dict[str, User]
) -> None:
    member = demo["harbor.member1"]
    client.login(STAFF_WITHOUT_GRANT)
    assert client.get(f"/members/{member.id}/wellness").status_code == 404
    assert client.get(f"/members/{member.id}/crisis/print").status_code == 404
    assert client.get(f"/members/{member.id}/wellness/crisis").status_code == 404
    page = client.get(_form(member))
    assert page.status_code == 200
    assert "I understand the member will see this" in page.text
    assert 'name="reason"' in page.text and 'name="csrftoken"' in page.text
    # Someone with no relationship does not learn the member's name from the form.
    assert member.display_name not in page.text


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"understood": "yes"}, "reason"),
        ({"reason": "", "understood": "yes"}, "reason"),
        ({"reason": "   help   ", "understood": "yes"}, "reason"),
        ({"reason": "x" * 1001, "understood": "yes"}, "reason"),
        ({"reason": REASON}, "understood"),
    ],
)
def test_a_missing_or_short_reason_opens_nothing(
    client: Browser, demo: dict[str, User], db: Session, form: dict[str, str], field: str
) -> None:
    member, staff = demo["harbor.member1"], demo[STAFF_WITHOUT_GRANT]
    client.login(STAFF_WITHOUT_GRANT)
    response = client.submit(_form(member), form)
    assert response.status_code == 422
    assert f'id="f-{field}-error"' in response.text
    assert f'aria-describedby="f-{field}' in response.text or (
        f"f-{field}-hint f-{field}-error" in response.text
    )
    assert _openings(db, member, staff) == []
    assert client.get(f"/members/{member.id}/wellness").status_code == 404
    assert _emergency_events(db, staff) == []


def test_with_a_reason_the_crisis_plan_opens_and_nothing_else(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member, staff = demo["harbor.member1"], demo[STAFF_WITHOUT_GRANT]
    client.login(STAFF_WITHOUT_GRANT)
    response = _open(client, member)
    assert response.status_code == 303
    assert response.headers["location"] == f"/members/{member.id}/wellness#section-crisis"
    plan = client.get(f"/members/{member.id}/wellness")
    assert plan.status_code == 200
    assert "My crisis plan" in plan.text
    # Only the crisis part: not the wellness toolbox.
    assert "section-toolbox" not in plan.text
    assert client.get(f"/members/{member.id}/crisis/print").status_code == 200
    assert client.get(f"/members/{member.id}/wellness/crisis").status_code == 200
    # Nothing else opens.
    assert client.get(f"/members/{member.id}/wellness/toolbox").status_code == 404
    assert client.get(f"/members/{member.id}/checkins").status_code == 404
    assert client.get(f"/members/{member.id}/plan").status_code == 404
    assert client.get(f"/api/v1/members/{member.id}/checkins").status_code == 404

    [opening] = _openings(db, member, staff)
    assert opening.reason == REASON
    assert opening.member_seen_at is None
    hours = (opening.expires_at - opening.opened_at).total_seconds() / 3600
    assert hours == EMERGENCY_HOURS
    [event] = _emergency_events(db, staff)
    assert event.allowed is True
    assert event.subject_member_id == member.id
    assert event.record_type == "emergency_access"
    assert event.record_id == str(opening.id)
    assert str(len(REASON)) in event.detail
    assert "sister" not in event.detail


def test_the_opening_ends_after_its_hours(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member, staff = demo["harbor.member1"], demo[STAFF_WITHOUT_GRANT]
    client.login(STAFF_WITHOUT_GRANT)
    assert _open(client, member).status_code == 303
    assert client.get(f"/members/{member.id}/wellness").status_code == 200
    db.execute(
        update(EmergencyAccess)
        .where(EmergencyAccess.staff_id == staff.id, EmergencyAccess.member_id == member.id)
        .values(expires_at=utcnow() - timedelta(minutes=1))
    )
    db.commit()
    assert client.get(f"/members/{member.id}/wellness").status_code == 404
    assert client.get(f"/members/{member.id}/crisis/print").status_code == 404
    # The form is there again for a new emergency.
    assert client.get(_form(member)).status_code == 200


def test_member_is_told_on_their_home_page_and_can_dismiss_it(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member, staff = demo["harbor.member1"], demo["harbor.admin"]
    admin, me = make_client(), make_client()
    admin.login("harbor.admin")  # admins have no grant to the crisis plan by default
    assert _open(admin, member).status_code == 303
    [opening] = _openings(db, member, staff)

    me.login("harbor.member1")
    home = me.get("/my-recovery")
    assert home.status_code == 200
    assert (
        f"{staff.display_name} (Admin) opened your crisis plan in an emergency. Their reason:"
        in home.text
    )
    assert REASON in home.text
    assert f'action="/me/emergency-openings/{opening.id}/seen"' in home.text
    assert "Got it" in home.text

    seen = me.submit(f"/me/emergency-openings/{opening.id}/seen", {"next": "/my-recovery"})
    assert seen.status_code == 303
    assert seen.headers["location"] == "/my-recovery"
    assert _openings(db, member, staff)[0].member_seen_at is not None
    home = me.get("/my-recovery")
    assert REASON not in home.text
    # Dismissing again changes nothing.
    assert me.submit(f"/me/emergency-openings/{opening.id}/seen").status_code == 303

    # The permanent list keeps it, with the reason.
    listing = me.get("/me/emergency-openings")
    assert listing.status_code == 200
    assert REASON in listing.text and staff.display_name in listing.text
    api = me.get("/api/v1/me/emergency-openings").json()
    mine = next(o for o in api if o["id"] == opening.id)
    assert mine["reason"] == REASON
    assert mine["staff_role"] == "Admin"
    assert mine["seen_at"] is not None
    assert mine["in_force"] is True


def test_unseen_openings_always_show_and_others_cannot_dismiss_them(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    # The demo has one opening by peer2, ended two days ago and not read yet: still shown.
    [demo_opening] = db.scalars(
        select(EmergencyAccess).where(
            EmergencyAccess.member_id == member.id, EmergencyAccess.reason == DEMO_REASON
        )
    ).all()
    assert demo_opening.expires_at < utcnow()
    me, other = make_client(), make_client()
    me.login("harbor.member1")
    assert "Sam Okafor (Peer specialist) opened your crisis plan" in me.get("/my-recovery").text
    other.login("harbor.member2")
    assert "Sam Okafor" not in other.get("/my-recovery").text
    assert "Sam Okafor" not in other.get("/me/emergency-openings").text
    url = f"/me/emergency-openings/{demo_opening.id}/seen"
    assert other.submit(url).status_code == 404
    assert other.api("POST", f"/api/v1{url}").status_code == 404
    staff = make_client()
    staff.login("harbor.peer2")
    assert staff.submit(url).status_code == 404
    db.refresh(demo_opening)
    assert demo_opening.member_seen_at is None
    answer = me.api("POST", f"/api/v1{url}")
    assert answer.status_code == 200
    assert answer.json()["seen_at"] is not None


@pytest.mark.parametrize(
    "actor", ["harbor.trainee1", "harbor.supporter1", "harbor.member2", "riverbend.peer1"]
)
def test_trainees_supporters_members_and_other_organizations_get_404(
    client: Browser, demo: dict[str, User], db: Session, actor: str
) -> None:
    member = demo["harbor.member1"]
    client.login(actor)
    assert client.get(_form(member)).status_code == 404
    assert _open(client, member).status_code == 404
    api = client.api(
        "POST", f"/api/v1/members/{member.id}/crisis-plan/emergency", json={"reason": REASON}
    )
    assert api.status_code == 404
    assert _openings(db, member, demo[actor]) == []
    # Probing another organization's member looks exactly like a member who is not there.
    missing = client.get("/members/999999/crisis-plan/emergency")
    assert missing.status_code == 404
    refusals = db.scalars(
        select(AuditEvent).where(
            AuditEvent.actor_user_id == demo[actor].id,
            AuditEvent.action == "emergency:crisis_plan",
            AuditEvent.allowed.is_(False),
        )
    ).all()
    assert refusals, "a refusal is always on record"
    if actor.startswith("riverbend"):
        assert all(r.subject_member_id is None for r in refusals)


def test_the_api_opens_and_checks_the_reason(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member, staff = demo["harbor.member1"], demo[STAFF_WITHOUT_GRANT]
    client.login(STAFF_WITHOUT_GRANT)
    url = f"/api/v1/members/{member.id}/crisis-plan/emergency"
    short = client.api("POST", url, json={"reason": "help"})
    assert short.status_code == 422
    assert "reason" in short.json()["errors"]
    assert client.api("POST", url, json={}).status_code == 422
    assert client.api("POST", url, json={"reason": 5}).status_code == 422
    assert _openings(db, member, staff) == []
    created = client.api("POST", url, json={"reason": REASON})
    assert created.status_code == 201
    body = created.json()
    assert body["member_id"] == member.id
    assert body["crisis_plan_url"].startswith(f"/members/{member.id}/wellness")
    assert client.get(f"/members/{member.id}/crisis/print").status_code == 200
    # Open already: a second opening is not needed.
    again = client.api("POST", url, json={"reason": REASON})
    assert again.status_code == 409
    assert again.json()["detail"]
    assert len(_openings(db, member, staff)) == 1


def test_staff_who_can_already_read_it_are_told_so(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member, peer = demo["harbor.member1"], demo["harbor.peer1"]
    client.login("harbor.peer1")  # member1 shares the crisis plan with their peer specialist
    page = client.get(_form(member))
    assert page.status_code == 200
    assert "already shared with you" in page.text
    assert 'name="reason"' not in page.text
    response = _open(client, member)
    assert response.status_code == 303
    assert _openings(db, member, peer) == []


def test_a_peer_whose_crisis_grant_was_revoked_sees_the_emergency_link(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    db.execute(
        update(SharingGrant)
        .where(
            SharingGrant.member_id == member.id,
            SharingGrant.section == "crisis_plan",
            SharingGrant.recipient_kind == RecipientKind.MY_PEER_SPECIALIST,
        )
        .values(revoked_at=utcnow())
    )
    db.commit()
    client.login("harbor.peer1")
    plan = client.get(f"/members/{member.id}/wellness")
    assert plan.status_code == 200  # the wellness part is still shared
    assert "My crisis plan" not in plan.text
    assert f'href="/members/{member.id}/crisis-plan/emergency"' in plan.text
    assert client.get(f"/members/{member.id}/wellness/crisis").status_code == 404
    overview = client.get(f"/members/{member.id}")
    assert f'href="/members/{member.id}/crisis-plan/emergency"' in overview.text
    assert _open(client, member).status_code == 303
    assert client.get(f"/members/{member.id}/wellness/crisis").status_code == 200
    # Open now: the link is gone.
    assert "crisis-plan/emergency" not in client.get(f"/members/{member.id}/wellness").text


def test_record_views_list_the_emergency_opening_and_a_supporters_read(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member, supporter = demo["harbor.member1"], demo["harbor.supporter1"]
    db.add(
        SharingGrant(
            organization_id=member.organization_id,
            member_id=member.id,
            recipient_kind=RecipientKind.SUPPORTER,
            recipient_user_id=supporter.id,
            section="crisis_plan",
            purpose=SharingPurpose.CRISIS_SUPPORT,
            created_by_id=member.id,
        )
    )
    db.commit()
    reader = make_client()
    reader.login("harbor.supporter1")
    assert reader.get(f"/members/{member.id}/crisis/print").status_code == 200

    staff = make_client()
    staff.login(STAFF_WITHOUT_GRANT)
    assert _open(staff, member).status_code == 303
    [opening] = _openings(db, member, demo[STAFF_WITHOUT_GRANT])

    me = make_client()
    me.login("harbor.member1")
    page = me.get("/me/record-views")
    assert page.status_code == 200
    assert f"{supporter.display_name} (Supporter)" in page.text
    assert "opened your crisis plan" in page.text
    assert "opened your crisis plan in an emergency, giving a reason" in page.text
    assert f'href="/me/emergency-openings#opening-{opening.id}"' in page.text
    api = me.get("/api/v1/me/record-views").json()
    whats = {(v["who"], v["what"]) for v in api}
    assert (f"{supporter.display_name} (Supporter)", "opened your crisis plan") in whats
    assert (
        "Sam Okafor (Peer specialist)",
        "opened your crisis plan in an emergency, giving a reason",
    ) in whats


def test_odd_input_is_refused_with_a_message_not_a_500(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member, staff = demo["harbor.member1"], demo[STAFF_WITHOUT_GRANT]
    client.login(STAFF_WITHOUT_GRANT)
    url = f"/api/v1/members/{member.id}/crisis-plan/emergency"
    for body in ({"reason": ["a" * 20]}, {"reason": None}, {"reason": "x" * 5000}, [1, 2]):
        answer = client.api("POST", url, json=body)
        assert answer.status_code == 422, body
        assert answer.json()["detail"]
    nul = client.submit(_form(member), {"reason": "\x00" * 30, "understood": "yes"})
    assert nul.status_code == 422
    for odd in ("0", "abc", "9" * 30):
        assert 400 <= client.get(f"/members/{odd}/crisis-plan/emergency").status_code < 500
        assert 400 <= client.submit(f"/me/emergency-openings/{odd}/seen").status_code < 500
    assert _openings(db, member, staff) == []
