"""The member's "My supporters" page: linking by username, inviting by link (and email),
cancelling, removing; and the invitation link a supporter opens to make their account."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.core import security
from peerpath.db.base import utcnow
from peerpath.db.models import (
    AuditEvent,
    Role,
    SharingGrant,
    SupporterInvitation,
    SupporterLink,
    User,
)
from peerpath.sharing.supporters.service import INVITATION_GONE, NO_SUCH_SUPPORTER
from tests.conftest import Browser
from tests.integration.sharing.supporters.helpers import invitation_path, link_id

PASSWORD = "a long walk by the river"


@pytest.fixture
def outbox(app: FastAPI, tmp_path: Path) -> Path:
    """Mail is written as .eml files to this folder (PEERPATH_MAIL_OUTBOX_DIR)."""
    folder = tmp_path / "outbox"
    app.state.settings = app.state.settings.model_copy(update={"mail_outbox_dir": str(folder)})
    return folder


def _new_supporter(db: Session, org_of: User, username: str, name: str) -> User:
    user = User(
        organization_id=org_of.organization_id,
        username=username,
        display_name=name,
        role=Role.SUPPORTER,
        is_active=True,
    )
    db.add(user)
    db.commit()
    return user


def test_page_shows_linked_supporters_what_they_see_and_pending_invitations(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("harbor.member1")

    page = client.get("/me/supporters")

    assert page.status_code == 200
    text = page.text
    assert "Lena Reyes" in text and "(sister)" in text
    assert "What they can see today: Crisis plan." in text
    assert 'href="/me/sharing"' in text
    assert "Your friend" in text  # the demo invitation waiting for an answer
    assert 'for="link-username"' in text and 'for="invite-email"' in text
    assert 'href="/me/supporters"' in client.get("/my-recovery").text  # in the member's nav


def test_link_existing_supporter_by_username(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member2"]
    friend = _new_supporter(db, member, "harbor.friend9", "Sol Andrade")
    client.login("harbor.member2")

    response = client.submit(
        "/me/supporters/link", {"username": " Harbor.Friend9 ", "relationship_label": "friend"}
    )

    assert response.status_code == 303
    page = client.get("/me/supporters").text
    assert "Sol Andrade" in page and "now in your circle" in page
    assert "You are not sharing anything with them today." in page
    assert link_id(db, member, friend)
    again = client.submit(
        "/me/supporters/link", {"username": "harbor.friend9", "relationship_label": "friend"}
    )
    assert again.status_code == 422 and "already in your circle" in again.text


def test_username_in_another_organization_answers_like_an_unknown_one(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    client.login("harbor.member2")
    answers = {}
    for username in ("riverbend.supporter1", "nobody.here", "harbor.peer1"):
        response = client.submit(
            "/me/supporters/link", {"username": username, "relationship_label": "friend"}
        )
        assert response.status_code == 422
        answers[username] = response.text.replace(username, "USERNAME")

    assert NO_SUCH_SUPPORTER in answers["nobody.here"]
    assert answers["riverbend.supporter1"] == answers["nobody.here"] == answers["harbor.peer1"]
    assert 'aria-describedby="link-username-error"' in answers["nobody.here"]
    links = db.scalars(
        select(SupporterLink).where(SupporterLink.member_id == demo["harbor.member2"].id)
    ).all()
    assert links == []


def test_invite_by_link_accept_signs_in_and_links(
    client: Browser, make_client: object, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member2"]
    client.login("harbor.member2")
    page = client.submit(
        "/me/supporters/invitations", {"relationship_label": "brother", "email": ""}
    )
    assert page.status_code == 200
    path = invitation_path(page.text)
    token = path.rsplit("/", 1)[1]
    stored = db.scalar(
        select(SupporterInvitation).where(
            SupporterInvitation.member_id == member.id,
            SupporterInvitation.relationship_label == "brother",
        )
    )
    assert stored is not None and stored.token_hash == security.token_hash(token)
    assert token not in stored.token_hash
    assert 13 <= (stored.expires_at - utcnow()).days <= 14
    # Shown once: the member's page afterwards lists it as waiting, without the link.
    listing = client.get("/me/supporters").text
    assert "Your brother" in listing and token not in listing

    stranger = make_client()  # type: ignore[operator]
    form = stranger.get(path)
    assert form.status_code == 200 and "Priya Nair" in form.text
    done = stranger.submit(
        path,
        {
            "username": "harbor.brother",
            "display_name": "Dev Nair",
            "password": PASSWORD,
            "confirm_password": PASSWORD,
        },
    )
    assert done.status_code == 303 and done.headers["location"] == "/supporting"
    home = stranger.get("/supporting")
    assert home.status_code == 200 and "Priya Nair" in home.text
    assert "is not sharing anything with you right now" in home.text

    supporter = db.scalar(select(User).where(User.username == "harbor.brother"))
    assert supporter is not None and supporter.role == Role.SUPPORTER
    assert supporter.organization_id == member.organization_id
    assert link_id(db, member, supporter)
    db.refresh(stored)
    assert stored.accepted_at is not None and stored.supporter_id == supporter.id

    # The link works once.
    reused = make_client()  # type: ignore[operator]
    assert reused.get(path).status_code == 404
    second = reused.submit(
        path,
        {
            "username": "harbor.brother2",
            "display_name": "Someone",
            "password": PASSWORD,
            "confirm_password": PASSWORD,
        },
    )
    assert second.status_code == 404 and INVITATION_GONE in second.text
    assert db.scalar(select(User).where(User.username == "harbor.brother2")) is None


def test_expired_and_cancelled_links_are_refused(
    client: Browser, make_client: object, demo: dict[str, User], db: Session
) -> None:
    client.login("harbor.member2")
    first = invitation_path(
        client.submit("/me/supporters/invitations", {"relationship_label": "aunt"}).text
    )
    second = invitation_path(
        client.submit("/me/supporters/invitations", {"relationship_label": "cousin"}).text
    )
    rows = {
        i.relationship_label: i
        for i in db.scalars(
            select(SupporterInvitation).where(
                SupporterInvitation.member_id == demo["harbor.member2"].id
            )
        )
    }
    rows["aunt"].expires_at = utcnow() - timedelta(minutes=1)
    db.commit()
    cancel_url = f"/me/supporters/invitations/{rows['cousin'].id}/cancel"
    confirm = client.get(cancel_url)
    assert confirm.status_code == 200 and "Yes, cancel the invitation" in confirm.text
    assert client.submit(cancel_url, {}).status_code == 422  # not confirmed: kept
    assert client.submit(cancel_url, {"confirm": "yes"}).status_code == 303

    visitor = make_client()  # type: ignore[operator]
    for path in (first, second, "/supporter-invite/made-up-token"):
        response = visitor.get(path)
        assert response.status_code == 404
        assert INVITATION_GONE in response.text or path.endswith("made-up-token")


def test_accept_form_errors_are_shown_next_to_fields_and_keep_the_link(
    client: Browser, make_client: object, demo: dict[str, User], db: Session
) -> None:
    client.login("harbor.member2")
    path = invitation_path(
        client.submit("/me/supporters/invitations", {"relationship_label": "neighbour"}).text
    )
    visitor = make_client()  # type: ignore[operator]
    taken = visitor.submit(
        path,
        {
            "username": "harbor.member1",
            "display_name": "",
            "password": "short",
            "confirm_password": "short",
        },
    )
    assert taken.status_code == 422
    assert 'aria-describedby="f-username-hint f-username-error"' in taken.text
    assert "That username is taken" in taken.text
    assert 'id="f-display_name-error"' in taken.text and 'id="f-password-error"' in taken.text
    mismatch = visitor.submit(
        path,
        {
            "username": "harbor.neighbour",
            "display_name": "Ola",
            "password": PASSWORD,
            "confirm_password": PASSWORD + "x",
        },
    )
    assert mismatch.status_code == 422 and "not the same" in mismatch.text
    # Nothing was used up or half made.
    assert visitor.get(path).status_code == 200
    assert db.scalar(select(User).where(User.username == "harbor.neighbour")) is None


def test_invitation_is_emailed_when_the_outbox_is_configured(
    client: Browser, demo: dict[str, User], outbox: Path
) -> None:
    client.login("harbor.member2")

    page = client.submit(
        "/me/supporters/invitations",
        {"relationship_label": "partner", "email": "alex@example.org"},
    )

    assert page.status_code == 200
    assert "We also emailed it to alex@example.org" in page.text
    files = list(outbox.glob("*.eml"))
    assert len(files) == 1
    mail = message_from_bytes(files[0].read_bytes())
    assert mail["To"] == "alex@example.org"
    assert "Priya Nair" in mail["Subject"]
    body = mail.get_payload(decode=True)
    assert isinstance(body, bytes)
    assert invitation_path(page.text) in body.decode()


def test_without_mail_the_page_says_the_link_was_not_emailed(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("harbor.member2")

    page = client.submit(
        "/me/supporters/invitations",
        {"relationship_label": "partner", "email": "alex@example.org"},
    )

    assert page.status_code == 200
    assert "The link was not emailed" in page.text
    assert invitation_path(page.text)


def test_invitation_form_errors(client: Browser, demo: dict[str, User], db: Session) -> None:
    client.login("harbor.member2")

    response = client.submit(
        "/me/supporters/invitations", {"relationship_label": "", "email": "not an address"}
    )

    assert response.status_code == 422
    assert 'aria-describedby="invite-relationship_label-hint invite-relationship_label-error"' in (
        response.text
    )
    assert 'id="invite-email-error"' in response.text
    assert (
        db.scalars(
            select(SupporterInvitation).where(
                SupporterInvitation.member_id == demo["harbor.member2"].id
            )
        ).all()
        == []
    )


def test_removal_ends_access_at_the_next_request(
    client: Browser, make_client: object, demo: dict[str, User], db: Session
) -> None:
    member, supporter = demo["harbor.member1"], demo["harbor.supporter1"]
    lena = make_client()  # type: ignore[operator]
    lena.login("harbor.supporter1")
    crisis = f"/members/{member.id}/wellness"
    assert lena.get(crisis).status_code == 200
    client.login("harbor.member1")
    remove_url = f"/me/supporters/{link_id(db, member, supporter)}/remove"

    confirm = client.get(remove_url)
    assert confirm.status_code == 200
    assert "Yes, remove Lena Reyes" in confirm.text and "Crisis plan" in confirm.text
    assert client.submit(remove_url, {}).status_code == 422  # not confirmed: kept
    assert lena.get(crisis).status_code == 200
    done = client.submit(remove_url, {"confirm": "yes"})
    assert done.status_code == 303

    assert lena.get(crisis).status_code == 404
    assert lena.get(f"/members/{member.id}").status_code == 404
    assert "Jordan Reyes" not in lena.get("/supporting").text
    db.expire_all()
    grants = db.scalars(
        select(SharingGrant).where(
            SharingGrant.member_id == member.id, SharingGrant.recipient_user_id == supporter.id
        )
    ).all()
    assert grants and all(g.revoked_at is not None for g in grants)
    after = client.get("/me/supporters").text
    assert "Lena Reyes is no longer in your circle" in after
    assert "Remove Lena Reyes" not in after and "(sister)" not in after


def test_other_members_cannot_touch_someone_elses_circle(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    link = link_id(db, member, demo["harbor.supporter1"])
    invitation = db.scalar(
        select(SupporterInvitation.id).where(SupporterInvitation.member_id == member.id)
    )
    client.login("harbor.member2")

    assert client.get(f"/me/supporters/{link}/remove").status_code == 404
    assert client.submit(f"/me/supporters/{link}/remove", {"confirm": "yes"}).status_code == 404
    cancel = f"/me/supporters/invitations/{invitation}/cancel"
    assert client.get(cancel).status_code == 404
    assert client.submit(cancel, {"confirm": "yes"}).status_code == 404
    assert link_id(db, member, demo["harbor.supporter1"])
    refused = db.scalars(
        select(AuditEvent).where(
            AuditEvent.actor_user_id == demo["harbor.member2"].id,
            AuditEvent.action == "write:supporters",
            AuditEvent.allowed.is_(False),
        )
    ).all()
    assert refused


def test_api_lists_links_and_invites(client: Browser, demo: dict[str, User]) -> None:
    client.login("harbor.member1")

    circle = client.get("/api/v1/me/supporters")
    assert circle.status_code == 200
    body = circle.json()
    assert body["supporters"][0]["display_name"] == "Lena Reyes"
    assert body["supporters"][0]["sections_shared_today"] == ["crisis_plan"]
    assert body["pending_invitations"][0]["relationship_label"] == "friend"

    bad = client.api("POST", "/api/v1/me/supporters", json={"username": "x"})
    assert bad.status_code == 422 and "relationship_label" in str(bad.json())
    unknown = client.api(
        "POST",
        "/api/v1/me/supporters",
        json={"username": "riverbend.supporter1", "relationship_label": "dad"},
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"]["username"] == NO_SUCH_SUPPORTER

    made = client.api(
        "POST", "/api/v1/me/supporter-invitations", json={"relationship_label": "cousin"}
    )
    assert made.status_code == 201
    assert "/supporter-invite/" in made.json()["url"] and made.json()["emailed"] is False
    bad_email = client.api(
        "POST",
        "/api/v1/me/supporter-invitations",
        json={"relationship_label": "cousin", "email": "nope"},
    )
    assert bad_email.status_code == 422 and "email" in bad_email.json()["errors"]
