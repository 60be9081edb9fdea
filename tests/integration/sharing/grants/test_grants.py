"""Sharing grants through the member's sharing page: by recipient, section, purpose and expiry;
stopping them; what the audit log keeps; and the enrolment defaults."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.core.audit import Viewer
from peerpath.db.models import AuditEvent, RecipientKind, SharingGrant, SharingPurpose, User
from peerpath.sharing.grants import service
from tests.conftest import Browser
from tests.integration.sharing.grants.conftest import (
    default_grant,
    grants_of,
    set_org_settings,
    share,
    today_in,
)


def test_sharing_page_explains_lists_by_recipient_and_offers_staff_and_supporters(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    client.login("harbor.member1")

    page = client.get("/me/sharing")

    assert page.status_code == 200
    text = page.text
    assert 'href="/me/sharing" aria-current="page"' in text  # in the member's navigation
    assert "change or stop any of it at any time" in text
    assert "Your peer specialist, whoever that is (now: Rosa Delgado)" in text
    assert (
        "Your peer specialist, whoever that is (now: Rosa Delgado), can see your recovery plan, "
        "wellness plan, crisis plan, check-ins, questionnaire answers and session notes."
    ) in text
    assert "Your peer specialist&#39;s supervisor, whoever that is (now: Marcus Bell)" in text
    assert "Set when you joined." in text
    assert 'What "set when you joined" means' in text
    assert "Past sharing (0)" in text
    # The add form: staff by name and role, the member's supporter, labelled fields.
    assert f'value="staff:{demo["harbor.peer2"].id}">Sam Okafor (peer specialist)' in text
    assert f'value="supporter:{demo["harbor.supporter1"].id}">Lena Reyes' in text
    assert "Dana Whitfield (admin)" in text
    assert "riverbend" not in text.lower() and "Jess Morgan" not in text
    assert 'name="csrftoken"' in text
    for field in ("f-recipient", "f-sections", "f-purpose", "f-purpose_detail", "f-expires_on"):
        assert f'for="{field}"' in text
    assert 'type="date"' in text and ">Share</button>" in text
    # One "Stop sharing" per grant in force.
    assert text.count("Stop sharing<span") == len(grants_of(db, demo["harbor.member1"]))


def test_peer_specialist_grant_follows_reassignment(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    admin, peer1, peer2 = make_client(), make_client(), make_client()
    admin.login("harbor.admin")
    peer1.login("harbor.peer1")
    peer2.login("harbor.peer2")
    checkins = f"/members/{member.id}/checkins"
    assert peer1.get(checkins).status_code == 200
    assert peer2.get(checkins).status_code == 404

    moved = admin.submit(
        f"/admin/users/{member.id}",
        {
            "display_name": member.display_name,
            "email": member.email or "",
            "peer_specialist_id": str(demo["harbor.peer2"].id),
        },
    )

    assert moved.status_code == 303
    assert peer2.get(checkins).status_code == 200
    assert peer1.get(checkins).status_code == 404
    # The same grant rows: the role-relative recipient followed the change.
    assert len(grants_of(db, member, kind=RecipientKind.MY_PEER_SPECIALIST)) == 6


def test_supervisor_grant_by_role_and_by_section(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    me, supervisor = make_client(), make_client()
    me.login("harbor.member1")
    supervisor.login("harbor.supervisor")
    # Enrolment defaults give the supervisor the plan but not check-ins.
    assert supervisor.get(f"/members/{member.id}/plan").status_code == 200
    assert supervisor.get(f"/members/{member.id}/checkins").status_code == 404

    shared = share(me, "my_supervisor", ["checkins"], purpose="supervision")

    assert shared.status_code == 303
    assert supervisor.get(f"/members/{member.id}/checkins").status_code == 200
    assert supervisor.get(f"/members/{member.id}/measures").status_code == 404  # not shared
    assert "Shared: your check-ins." in me.get("/me/sharing").text


def test_named_staff_grant_gives_an_unrelated_peer_that_section_only(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member, peer2 = demo["harbor.member1"], demo["harbor.peer2"]
    me, other = make_client(), make_client()
    me.login("harbor.member1")
    other.login("harbor.peer2")
    assert other.get(f"/members/{member.id}/wellness").status_code == 404
    assert "No member shares anything with you" in other.get("/shared-with-me").text

    shared = share(me, f"staff:{peer2.id}", ["crisis_plan"], purpose="crisis_support")

    assert shared.status_code == 303
    wellness = other.get(f"/members/{member.id}/wellness")
    assert wellness.status_code == 200
    assert 'id="section-crisis"' in wellness.text and 'id="section-toolbox"' not in wellness.text
    assert other.get(f"/members/{member.id}/checkins").status_code == 404
    assert other.get(f"/members/{member.id}/plan").status_code == 404
    listed = other.get("/shared-with-me").text
    assert "Jordan Reyes" in listed
    assert f'href="/members/{member.id}/wellness#section-crisis">Crisis plan</a>' in listed
    assert "for support in a crisis, no end date" in listed
    # The member sees it grouped under the peer's name.
    page = me.get("/me/sharing").text
    assert "Sam Okafor (peer specialist) can see your crisis plan." in page


def test_named_supporter_grant(make_client, demo: dict[str, User], db: Session) -> None:
    member, supporter = demo["harbor.member1"], demo["harbor.supporter1"]
    me, them = make_client(), make_client()
    me.login("harbor.member1")
    them.login("harbor.supporter1")
    assert them.get(f"/members/{member.id}/plan").status_code == 404

    shared = share(me, f"supporter:{supporter.id}", ["plan"], purpose="family_and_friends")

    assert shared.status_code == 303
    assert them.get(f"/members/{member.id}/plan").status_code == 200
    assert them.get(f"/members/{member.id}/checkins").status_code == 404
    assert "Lena Reyes, your supporter" in me.get("/me/sharing").text
    # A member who has not linked this supporter cannot share with them.
    other = make_client()
    other.login("harbor.member2")
    refused = share(other, f"supporter:{supporter.id}", ["crisis_plan"])
    assert refused.status_code == 422
    assert "not in your support circle" in refused.text
    assert grants_of(db, demo["harbor.member2"], kind=RecipientKind.SUPPORTER) == []


def test_purpose_is_recorded_shown_and_checked(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member, peer2 = demo["harbor.member1"], demo["harbor.peer2"]
    client.login("harbor.member1")

    missing = share(client, f"staff:{peer2.id}", ["measures"], purpose="other")

    assert missing.status_code == 422
    assert 'id="f-purpose_detail-error"' in missing.text
    assert 'aria-describedby="f-purpose_detail-hint f-purpose_detail-error"' in missing.text
    # Form values kept, nothing saved.
    assert f'value="staff:{peer2.id}" selected' in missing.text
    assert 'value="measures" id="f-sections-measures" checked' in missing.text
    assert grants_of(db, member, kind=RecipientKind.STAFF) == []
    too_long = share(client, f"staff:{peer2.id}", ["measures"], purpose_detail="x" * 201)
    assert too_long.status_code == 422 and "200 characters or fewer" in too_long.text

    saved = share(
        client,
        f"staff:{peer2.id}",
        ["measures"],
        purpose="other",
        purpose_detail="Housing application support",
    )

    assert saved.status_code == 303
    [grant] = grants_of(db, member, kind=RecipientKind.STAFF)
    assert grant.purpose == SharingPurpose.OTHER
    assert grant.purpose_detail == "Housing application support"
    assert grant.recipient_user_id == peer2.id and grant.created_by_id == member.id
    assert "for: Housing application support" in client.get("/me/sharing").text


def test_expiry_uses_the_organization_calendar(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member, peer2 = demo["harbor.member1"], demo["harbor.peer2"]
    # Far from UTC, so "today" in the organization is often not today in UTC.
    zone = "Pacific/Kiritimati"
    set_org_settings(db, member, timezone=zone)
    today = today_in(zone)
    me, other = make_client(), make_client()
    me.login("harbor.member1")
    other.login("harbor.peer2")
    url = f"/members/{member.id}/checkins"

    past = share(me, f"staff:{peer2.id}", ["checkins"], expires_on=str(today - timedelta(days=1)))
    assert past.status_code == 422 and "already passed" in past.text
    far = share(me, f"staff:{peer2.id}", ["checkins"], expires_on=str(today + timedelta(days=1900)))
    assert far.status_code == 422 and "within 5 years" in far.text
    bad = share(me, f"staff:{peer2.id}", ["checkins"], expires_on="31/12/2030")
    assert bad.status_code == 422 and 'id="f-expires_on-error"' in bad.text

    assert share(me, f"staff:{peer2.id}", ["checkins"], expires_on=str(today)).status_code == 303
    assert other.get(url).status_code == 200  # the last day is still in force

    [grant] = grants_of(db, member, kind=RecipientKind.STAFF)
    grant.expires_on = today - timedelta(days=1)
    db.commit()
    assert other.get(url).status_code == 404
    page = me.get("/me/sharing").text
    assert "Past sharing (1)" in page and "ended after" in page


def test_stopping_a_default_ends_access_for_a_signed_in_peer_and_the_refusal_is_audited(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member, peer1 = demo["harbor.member1"], demo["harbor.peer1"]
    me, peer = make_client(), make_client()
    me.login("harbor.member1")
    peer.login("harbor.peer1")
    url = f"/members/{member.id}/checkins"
    assert peer.get(url).status_code == 200
    grant = default_grant(db, member, RecipientKind.MY_PEER_SPECIALIST, "checkins")

    confirm = me.get(f"/me/sharing/grants/{grant.id}/revoke")
    assert confirm.status_code == 200
    assert "Yes, stop sharing" in confirm.text and "No, keep sharing" in confirm.text
    assert "set when you joined" in confirm.text
    stopped = me.submit(f"/me/sharing/grants/{grant.id}/revoke", {})

    assert stopped.status_code == 303
    assert peer.get(url).status_code == 404  # same session, next request
    assert peer.get(f"/members/{member.id}/plan").status_code == 200  # the rest stays
    db.expire_all()
    refused = db.scalars(
        select(AuditEvent).where(
            AuditEvent.actor_user_id == peer1.id,
            AuditEvent.subject_member_id == member.id,
            AuditEvent.allowed.is_(False),
        )
    ).all()
    assert [e.action for e in refused] == ["read:checkins"]
    stop = db.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "stop_sharing:checkins", AuditEvent.record_id == str(grant.id)
        )
    )
    assert stop is not None and stop.subject_member_id == member.id and stop.allowed
    # Stopping twice changes nothing; the row stays, in "past sharing".
    assert me.submit(f"/me/sharing/grants/{grant.id}/revoke", {}).status_code == 303
    db.refresh(grant)
    assert grant.revoked_at is not None and grant.revoked_by_id == member.id
    assert "Past sharing (1)" in me.get("/me/sharing").text
    assert "already ended" in me.get(f"/me/sharing/grants/{grant.id}/revoke").text
    # Sharing it again restores access.
    assert share(me, "my_peer_specialist", ["checkins"]).status_code == 303
    assert peer.get(url).status_code == 200


def test_sharing_a_section_again_replaces_the_grant_in_force(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    client.login("harbor.member1")
    old = default_grant(db, member, RecipientKind.MY_PEER_SPECIALIST, "crisis_plan")

    response = share(client, "my_peer_specialist", ["crisis_plan", "journal"], expires_on="")

    assert response.status_code == 303
    crisis = grants_of(db, member, kind=RecipientKind.MY_PEER_SPECIALIST, section="crisis_plan")
    assert [g.id for g in crisis] != [old.id] and len(crisis) == 1
    assert not crisis[0].from_defaults
    db.refresh(old)
    assert old.revoked_at is not None
    events = db.scalars(
        select(AuditEvent.action).where(
            AuditEvent.subject_member_id == member.id,
            AuditEvent.record_type == "sharing_grant",
        )
    ).all()
    assert sorted(events) == ["share:crisis_plan", "share:journal", "stop_sharing:crisis_plan"]


def test_only_the_member_can_stop_their_grants(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    grant = default_grant(db, member, RecipientKind.MY_PEER_SPECIALIST, "plan")
    other_member, peer = make_client(), make_client()
    other_member.login("harbor.member2")
    peer.login("harbor.peer1")

    assert other_member.get(f"/me/sharing/grants/{grant.id}/revoke").status_code == 404
    assert other_member.submit(f"/me/sharing/grants/{grant.id}/revoke", {}).status_code == 404
    assert peer.get(f"/me/sharing/grants/{grant.id}/revoke").status_code == 403
    assert peer.submit(f"/me/sharing/grants/{grant.id}/revoke", {}).status_code == 403
    db.refresh(grant)
    assert grant.revoked_at is None


def test_bad_input_is_refused_next_to_the_field_and_nothing_is_saved(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    before = len(grants_of(db, member, in_force_only=False))
    client.login("harbor.member1")
    cases = [
        ({"recipient": "", "sections": ["plan"]}, "recipient"),
        ({"recipient": "my_peer_specialist", "sections": []}, "sections"),
        ({"recipient": "my_peer_specialist", "sections": ["audit"]}, "sections"),
        ({"recipient": "my_peer_specialist", "sections": ["profile"]}, "sections"),
        ({"recipient": f"staff:{demo['riverbend.peer1'].id}", "sections": ["plan"]}, "recipient"),
        ({"recipient": f"staff:{demo['harbor.member2'].id}", "sections": ["plan"]}, "recipient"),
        ({"recipient": f"staff:{demo['harbor.supporter1'].id}", "sections": ["plan"]}, "recipient"),
        ({"recipient": "staff:99999999999", "sections": ["plan"]}, "recipient"),
        ({"recipient": "supporter:abc", "sections": ["plan"]}, "recipient"),
        ({"recipient": "my_peer_specialist", "sections": ["plan"], "purpose": "fun"}, "purpose"),
    ]
    for form, field in cases:
        data = {"purpose": "ongoing_support", **form}
        response = client.submit("/me/sharing/grants", data)
        assert response.status_code == 422, form
        assert f'id="f-{field}-error"' in response.text, form
        assert f'href="#f-{field}"' in response.text, form
    assert len(grants_of(db, member, in_force_only=False)) == before


def test_an_inactive_staff_account_cannot_be_chosen(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    peer2 = demo["harbor.peer2"]
    peer2.is_active = False
    db.commit()
    client.login("harbor.member1")
    assert "Sam Okafor (peer specialist)" not in client.get("/me/sharing").text
    assert share(client, f"staff:{peer2.id}", ["plan"]).status_code == 422


def test_revoke_all_for_stops_every_grant_to_one_recipient(
    demo: dict[str, User], db: Session
) -> None:
    member, supporter = demo["harbor.member1"], demo["harbor.supporter1"]
    me = Viewer(member)
    service.create_grants(
        db,
        me,
        member.id,
        recipient=f"supporter:{supporter.id}",
        sections=[service.Section.CRISIS_PLAN, service.Section.PLAN],
        purpose=SharingPurpose.FAMILY_AND_FRIENDS,
        expires_on=None,
    )
    assert len(grants_of(db, member, kind=RecipientKind.SUPPORTER)) == 2

    stopped = service.revoke_all_for(db, Viewer(supporter), member.id, supporter.id)

    assert len(stopped) == 2
    assert grants_of(db, member, kind=RecipientKind.SUPPORTER) == []
    try:
        service.revoke_all_for(db, Viewer(demo["harbor.peer2"]), member.id, supporter.id)
    except service.NotFound:
        pass
    else:  # pragma: no cover
        raise AssertionError("an unrelated peer stopped a member's sharing")
    try:
        service.create_grants(
            db,
            Viewer(demo["harbor.peer1"]),
            member.id,
            recipient="my_peer_specialist",
            sections=[service.Section.JOURNAL],
            purpose=SharingPurpose.ONGOING_SUPPORT,
            expires_on=None,
        )
    except service.NotFound:
        pass
    else:  # pragma: no cover
        raise AssertionError("a peer specialist shared a member's journal")
    try:
        service.create_grants(
            db,
            me,
            member.id,
            recipient="my_peer_specialist",
            sections=[],
            purpose=SharingPurpose.ONGOING_SUPPORT,
            expires_on=None,
        )
    except service.GrantError as exc:
        assert exc.field == "sections" and isinstance(exc, ValueError)
    else:  # pragma: no cover
        raise AssertionError("no sections accepted")


def test_new_member_made_on_the_admin_screen_gets_the_organization_defaults(
    make_client, demo: dict[str, User], db: Session
) -> None:
    admin = make_client()
    admin.login("harbor.admin")
    changed = admin.submit(
        "/admin/settings",
        {
            "plan_signatures": ["member", "peer_specialist"],
            "plan_review_months": "6",
            "sharing_defaults_shown": "1",
            "sharing_defaults_my_peer_specialist": ["crisis_plan", "checkins"],
        },
    )
    assert changed.status_code == 303
    page = admin.get("/admin/settings").text
    box = 'value="crisis_plan" id="f-sharing_defaults_my_peer_specialist-crisis_plan"'
    assert f"{box} checked>" in page
    assert 'value="plan" id="f-sharing_defaults_my_peer_specialist">' in page  # unticked
    assert 'value="plan" id="f-sharing_defaults_my_supervisor">' in page  # nothing sent: none

    created = admin.submit(
        "/admin/users",
        {
            "username": "harbor.newmember",
            "display_name": "Robin New",
            "role": "member",
            "password": "a long and unusual passphrase 42",
        },
    )

    assert created.status_code == 200, created.text[:500]
    newcomer = db.scalar(select(User).where(User.username == "harbor.newmember"))
    assert newcomer is not None
    grants = grants_of(db, newcomer)
    assert sorted((g.recipient_kind.value, g.section) for g in grants) == [
        ("my_peer_specialist", "checkins"),
        ("my_peer_specialist", "crisis_plan"),
    ]
    assert all(g.from_defaults and g.expires_on is None for g in grants)
    # Members who joined before keep what they had.
    assert len(grants_of(db, demo["harbor.member2"], kind=RecipientKind.MY_SUPERVISOR)) == 4
    # The newcomer sees their defaults explained on their own page.
    newcomer_client = make_client()
    newcomer_client.login("harbor.newmember", "a long and unusual passphrase 42")
    text = newcomer_client.get("/me/sharing").text
    assert "can see your crisis plan and check-ins." in text
    assert "Nothing is shared with the supervisor." in text


def test_admin_settings_refuse_unknown_sharing_sections(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    client.login("harbor.admin")
    response = client.submit(
        "/admin/settings",
        {
            "plan_signatures": ["member", "peer_specialist"],
            "plan_review_months": "6",
            "sharing_defaults_shown": "1",
            "sharing_defaults_my_supervisor": ["plan", "diagnosis"],
        },
    )
    assert response.status_code == 422
    assert 'id="f-sharing_defaults_my_supervisor-error"' in response.text
    api = client.api(
        "PATCH", "/api/v1/admin/settings", json={"sharing_defaults": {"my_peer_specialist": "x"}}
    )
    assert api.status_code == 422
    assert "sharing_defaults_my_peer_specialist" in api.json()["errors"]
    assert client.api(
        "PATCH", "/api/v1/admin/settings", json={"sharing_defaults": ["plan"]}
    ).json()["errors"]["sharing_defaults"]
    ok = client.api(
        "PATCH", "/api/v1/admin/settings", json={"sharing_defaults": {"my_supervisor": []}}
    )
    assert ok.status_code == 200
    assert ok.json()["sharing_defaults"]["my_supervisor"] == []
    assert "crisis_plan" in ok.json()["sharing_defaults"]["my_peer_specialist"]
    assert db.scalar(select(SharingGrant.id).limit(1)) is not None
