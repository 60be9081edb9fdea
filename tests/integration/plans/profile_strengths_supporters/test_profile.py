"""The profile: the member's own words, written by the member alone."""

from __future__ import annotations

import html

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from peerpath.db.models import AuditEvent, MemberProfile, User
from tests.conftest import Browser


def _profile(db: Session, member: User) -> MemberProfile:
    db.expire_all()
    row = db.scalar(select(MemberProfile).where(MemberProfile.member_id == member.id))
    assert row is not None
    return row


def _form(row: MemberProfile, **changes: str) -> dict[str, str]:
    form = {
        "preferred_name": row.preferred_name,
        "pronouns": row.pronouns,
        "languages": row.languages,
        "recovery_meaning": row.recovery_meaning,
        "what_matters": row.what_matters,
        "vision": row.vision,
        "version": str(row.version),
    }
    form.update(changes)
    return form


def test_view_profile_as_member_shows_own_words_and_who_changed_it(
    client: Browser, demo: dict[str, User]
) -> None:
    member = demo["harbor.member1"]
    client.login("harbor.member1")

    page = client.get(f"/members/{member.id}/profile")

    assert page.status_code == 200
    assert "My profile" in page.text
    assert "couch my sister can sleep on" in page.text  # the vision, in their words
    assert "Last changed by Jordan Reyes" in page.text
    assert "Edit my profile" in page.text


def test_save_profile_as_member_updates_it_and_records_the_author(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    before = _profile(db, member)
    version = before.version
    client.login("harbor.member1")

    response = client.submit(
        f"/members/{member.id}/profile",
        _form(before, vision="  Teaching my nephew to cook.\r\nA garden.  ", pronouns="he/they"),
    )

    assert response.status_code == 303
    row = _profile(db, member)
    assert row.vision == "Teaching my nephew to cook.\nA garden."
    assert row.pronouns == "he/they"
    assert row.version == version + 1
    assert row.updated_by_id == member.id
    page = client.get(response.headers["location"])
    assert "Your profile is saved." in page.text
    assert "Teaching my nephew to cook." in page.text


def test_save_profile_first_time_creates_the_row(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member8"]
    db.execute(delete(MemberProfile).where(MemberProfile.member_id == member.id))
    db.commit()
    client.login("harbor.member8")

    form_page = client.get(f"/members/{member.id}/profile")
    assert form_page.status_code == 200
    assert "Save my profile" in form_page.text  # nothing saved yet: straight to the form
    response = client.submit(
        f"/members/{member.id}/profile",
        {
            "preferred_name": "Benny",
            "recovery_meaning": "Getting my evenings back.",
            "version": "0",
        },
    )

    assert response.status_code == 303
    row = _profile(db, member)
    assert (row.preferred_name, row.version, row.created_by_id) == ("Benny", 1, member.id)


def test_save_profile_with_stale_version_shows_both_texts_and_keeps_the_newer(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    start = _profile(db, member)
    tab_one, tab_two = make_client(), make_client()
    tab_one.login("harbor.member1")
    tab_two.login("harbor.member1")
    first = tab_one.submit(f"/members/{member.id}/profile", _form(start, vision="Version A"))
    assert first.status_code == 303

    second = tab_two.submit(f"/members/{member.id}/profile", _form(start, vision="Version B"))

    assert second.status_code == 409
    assert "Version A" in second.text and "Version B" in second.text
    assert _profile(db, member).vision == "Version A"


def test_save_profile_with_too_long_name_is_422_and_saves_nothing(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    before = _profile(db, member)
    vision, version = before.vision, before.version
    client.login("harbor.member1")

    response = client.submit(
        f"/members/{member.id}/profile",
        _form(before, preferred_name="x" * 121, vision="Should not be kept"),
    )

    assert response.status_code == 422
    assert "Preferred name: please keep this to 120 characters or fewer." in response.text
    assert 'aria-invalid="true"' in response.text
    assert "Should not be kept" in response.text  # the form keeps what was typed
    after = _profile(db, member)
    assert (after.vision, after.version) == (vision, version)


def test_save_profile_as_staff_is_404_and_audited(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    before = _profile(db, member)
    vision = before.vision
    for username in ("harbor.peer1", "harbor.admin", "harbor.supervisor"):
        staff = make_client()
        staff.login(username)
        response = staff.submit(
            f"/members/{member.id}/profile", _form(before, vision="Written by staff")
        )
        api = staff.api(
            "PUT", f"/api/v1/members/{member.id}/profile", json={"vision": "x", "version": 1}
        )
        assert (response.status_code, api.status_code) == (404, 404), username

    assert _profile(db, member).vision == vision
    refused = db.scalars(
        select(AuditEvent.actor_username).where(
            AuditEvent.action == "write:profile",
            AuditEvent.subject_member_id == member.id,
            AuditEvent.allowed.is_(False),
        )
    ).all()
    assert sorted(set(refused)) == ["harbor.admin", "harbor.peer1", "harbor.supervisor"]


def test_view_profile_as_peer_shows_plan_words_and_audits_the_read(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    client.login("harbor.peer1")

    page = client.get(f"/members/{member.id}/profile")

    assert page.status_code == 200
    assert "Jordan Reyes's profile" in html.unescape(page.text)
    assert "couch my sister can sleep on" in page.text
    assert "Edit my profile" not in page.text
    assert f'action="/members/{member.id}/profile"' not in page.text
    actions = db.scalars(
        select(AuditEvent.action).where(
            AuditEvent.actor_username == "harbor.peer1",
            AuditEvent.record_type == "profile",
            AuditEvent.allowed.is_(True),
        )
    ).all()
    assert sorted(actions) == ["read:plan", "read:profile"]


def test_view_profile_as_admin_or_supporter_shows_identity_but_not_plan_words(
    make_client, demo: dict[str, User]
) -> None:
    member = demo["harbor.member1"]
    for username in ("harbor.admin", "harbor.supporter1"):
        viewer = make_client()
        viewer.login(username)
        page = viewer.get(f"/members/{member.id}/profile")
        api = viewer.get(f"/api/v1/members/{member.id}/profile").json()
        assert page.status_code == 200, username
        assert "he/him" in page.text
        assert "couch my sister" not in page.text
        assert "not shared with you" in page.text
        assert api["pronouns"] == "he/him"
        assert api["vision"] is None and api["recovery_meaning"] is None


def test_view_profile_outside_the_circle_is_404(make_client, demo: dict[str, User]) -> None:
    member = demo["harbor.member1"]
    for username in ("harbor.peer2", "harbor.member2", "riverbend.admin", "riverbend.peer1"):
        viewer = make_client()
        viewer.login(username)
        assert viewer.get(f"/members/{member.id}/profile").status_code == 404, username
        assert viewer.get(f"/api/v1/members/{member.id}/profile").status_code == 404, username


def test_api_put_profile_saves_and_answers_409_on_stale_version(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["riverbend.member1"]
    client.login("riverbend.member1")
    current = client.get(f"/api/v1/members/{member.id}/profile").json()
    body = {k: current[k] for k in ("preferred_name", "pronouns", "languages", "what_matters")}
    body.update(recovery_meaning="New words", vision="A new vision", version=current["version"])

    saved = client.api("PUT", f"/api/v1/members/{member.id}/profile", json=body)
    stale = client.api(
        "PUT", f"/api/v1/members/{member.id}/profile", json={**body, "vision": "Older tab"}
    )

    assert saved.status_code == 200
    assert saved.json()["version"] == current["version"] + 1
    assert saved.json()["updated_by"] == "Kai Bennett"
    assert stale.status_code == 409
    assert stale.json()["current"]["vision"] == "A new vision"
    assert stale.json()["yours"]["vision"] == "Older tab"
    assert _profile(db, member).vision == "A new vision"


def test_api_put_profile_with_bad_input_is_422_with_field_errors(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["riverbend.member1"]
    version = _profile(db, member).version
    client.login("riverbend.member1")

    response = client.api(
        "PUT", f"/api/v1/members/{member.id}/profile", json={"vision": "v" * 5000}
    )

    assert response.status_code == 422
    body = response.json()
    assert "detail" in body and {"vision", "version"} <= set(body["errors"])
    assert _profile(db, member).version == version
