"""Admins create and invite people, set roles, caseloads and supervision, and deactivate."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerpath.accounts.schemas import UserUpdate
from peerpath.admin.service import account_seen, update_user
from peerpath.core.audit import Viewer
from peerpath.core.crypto import load_keyring
from peerpath.core.errors import EditConflict
from peerpath.db import migrate
from peerpath.db.models import CaseloadAssignment, User
from peerpath.demo import DEMO_PASSWORD, load_demo
from peerpath.settings import Settings
from tests.conftest import Browser, drop_postgres_schema, fresh_engine, worker_suffix

PASSPHRASE = "lanterns by the harbor wall"


def _user(db: Session, username: str) -> User:
    user = db.scalar(select(User).where(User.username == username))
    assert user is not None
    return user


def test_admin_creates_a_person_with_a_password_who_can_sign_in(
    make_client, demo: dict[str, User], db: Session
) -> None:
    admin = make_client()
    admin.login("harbor.admin")
    response = admin.submit(
        "/admin/users",
        {
            "display_name": "Alex Rivera",
            "username": "harbor.alex",
            "role": "member",
            "password": PASSPHRASE,
        },
    )
    assert response.status_code == 200
    assert "Alex Rivera is added" in response.text
    created = _user(db, "harbor.alex")
    assert created.organization_id == demo["harbor.admin"].organization_id
    newcomer = make_client()
    assert newcomer.login("harbor.alex", PASSPHRASE).headers["location"] == "/my-recovery"


def test_admin_invites_a_person_who_sets_their_own_password_once(
    make_client, demo: dict[str, User]
) -> None:
    admin = make_client()
    admin.login("harbor.admin")
    response = admin.submit(
        "/admin/users",
        {"display_name": "Morgan Lee", "username": "harbor.morgan", "role": "peer_specialist"},
    )
    match = re.search(r"https://testserver(/invite/[\w-]+)", response.text)
    assert match, response.text
    link = match.group(1)
    invitee = make_client()
    assert "Welcome, Morgan Lee" in invitee.get(link).text
    mismatch = invitee.submit(link, {"password": PASSPHRASE, "confirm_password": "different one"})
    assert mismatch.status_code == 422
    done = invitee.submit(link, {"password": PASSPHRASE, "confirm_password": PASSPHRASE})
    assert done.status_code == 303 and done.headers["location"] == "/caseload"
    assert invitee.get("/caseload").status_code == 200
    assert make_client().get(link).status_code == 404  # used once
    assert make_client().login("harbor.morgan", PASSPHRASE).status_code == 303


def test_admin_create_form_keeps_input_and_explains_errors(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    client.login("harbor.admin")
    before = db.scalar(select(func.count()).select_from(User))
    taken = client.submit(
        "/admin/users",
        {"display_name": "Someone New", "username": "harbor.member1", "role": "member"},
    )
    assert taken.status_code == 422
    assert "username is taken" in taken.text
    assert 'value="Someone New"' in taken.text
    bad = client.submit(
        "/admin/users",
        {"display_name": "", "username": "Has Spaces", "role": "wizard", "password": "short"},
    )
    assert bad.status_code == 422
    assert "lowercase letters" in bad.text
    weak = client.submit(
        "/admin/users",
        {
            "display_name": "Pat",
            "username": "harbor.pat",
            "role": "member",
            "password": "password1234",
        },
    )
    assert weak.status_code == 422 and "commonly used" in weak.text
    assert db.scalar(select(func.count()).select_from(User)) == before


def test_admin_moves_a_member_to_another_caseload(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member5"]
    admin = make_client()
    admin.login("harbor.admin")
    response = admin.submit(
        f"/admin/users/{member.id}",
        {
            "display_name": member.display_name,
            "role": "member",
            "peer_specialist_id": str(demo["harbor.peer1"].id),
        },
    )
    assert response.status_code == 303
    peer1, peer2 = make_client(), make_client()
    peer1.login("harbor.peer1")
    peer2.login("harbor.peer2")
    assert "Malik Johnson" in peer1.get("/caseload").text
    assert "Malik Johnson" not in peer2.get("/caseload").text
    assert peer2.get(f"/members/{member.id}").status_code == 404


def test_admin_cannot_link_people_across_organizations(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("harbor.admin")
    response = client.api(
        "PATCH",
        f"/api/v1/admin/users/{demo['harbor.member1'].id}",
        json={"peer_specialist_id": demo["riverbend.peer1"].id},
    )
    assert response.status_code == 422
    assert "peer_specialist_id" in response.json()["errors"]


def test_role_change_ends_links_of_the_old_role(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member2"]
    client.login("harbor.admin")
    response = client.api("PATCH", f"/api/v1/admin/users/{member.id}", json={"role": "trainee"})
    assert response.status_code == 200 and response.json()["role"] == "trainee"
    assert (
        db.scalar(select(CaseloadAssignment).where(CaseloadAssignment.member_id == member.id))
        is None
    )


def test_admin_cannot_change_own_role_or_deactivate_self(
    client: Browser, demo: dict[str, User]
) -> None:
    me = demo["harbor.admin"]
    client.login("harbor.admin")
    assert (
        client.api("PATCH", f"/api/v1/admin/users/{me.id}", json={"role": "member"}).status_code
        == 422
    )
    assert client.api("POST", f"/api/v1/admin/users/{me.id}/deactivate").status_code == 409


def test_deactivate_asks_first_then_ends_sessions_and_keeps_history(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member3"]
    signed_in = make_client()
    signed_in.login("harbor.member3")
    admin = make_client()
    admin.login("harbor.admin")
    confirm = admin.get(f"/admin/users/{member.id}/deactivate")
    assert "Deactivate Eli Thompson?" in confirm.text
    assert "Nothing is deleted" in confirm.text
    assert _user(db, "harbor.member3").is_active  # asking changes nothing
    done = admin.submit(f"/admin/users/{member.id}/deactivate")
    assert done.status_code == 303
    assert signed_in.get("/my-recovery", follow_redirects=False).status_code == 303
    assert (
        make_client()
        .submit("/login", {"username": "harbor.member3", "password": DEMO_PASSWORD})
        .status_code
        == 401
    )
    db.expire_all()
    kept = _user(db, "harbor.member3")
    assert kept.is_active is False and kept.deactivated_at is not None
    admin.submit(f"/admin/users/{member.id}/reactivate")
    assert make_client().login("harbor.member3").status_code == 303


def test_people_list_filters_by_role_and_name(client: Browser, demo: dict[str, User]) -> None:
    client.login("harbor.admin")
    peers = client.get("/admin/users", params={"role": "peer_specialist"}).text
    assert "Rosa Delgado" in peers and "Jordan Reyes" not in peers
    found = client.get("/admin/users", params={"q": "okafor"}).text
    assert "Sam Okafor" in found and "Rosa Delgado" not in found
    assert "Kai Bennett" not in client.get("/admin/users").text  # riverbend is not listed


SEEN_INPUT = re.compile(r'name="seen" value="([0-9a-f]+)"')


def test_two_admins_editing_one_account_get_a_conflict_not_an_overwrite(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member5"]
    first, second = make_client(), make_client()
    first.login("harbor.admin")
    second.login("harbor.admin")
    # Both open the edit page before either saves.
    seen_first = SEEN_INPUT.search(first.get(f"/admin/users/{member.id}").text)
    seen_second = SEEN_INPUT.search(second.get(f"/admin/users/{member.id}").text)
    assert seen_first and seen_second
    form = {"role": "member", "peer_specialist_id": str(demo["harbor.peer1"].id)}
    saved = first.submit(
        f"/admin/users/{member.id}",
        {**form, "display_name": "Malik J.", "seen": seen_first.group(1)},
    )
    assert saved.status_code == 303
    clash = second.submit(
        f"/admin/users/{member.id}",
        {**form, "display_name": "Malik Johnson-Reyes", "seen": seen_second.group(1)},
    )
    assert clash.status_code == 409
    assert "Malik J." in clash.text and "Malik Johnson-Reyes" in clash.text
    db.expire_all()
    assert db.get(User, member.id).display_name == "Malik J."  # type: ignore[union-attr]
    # Edited again from the newest version, the second admin's change lands.
    fresh = SEEN_INPUT.search(second.get(f"/admin/users/{member.id}").text)
    assert fresh
    again = second.submit(
        f"/admin/users/{member.id}",
        {**form, "display_name": "Malik Johnson-Reyes", "seen": fresh.group(1)},
    )
    assert again.status_code == 303


def test_the_account_api_answers_409_when_the_account_changed_since_it_was_read(
    client: Browser, demo: dict[str, User]
) -> None:
    member = demo["harbor.member5"]
    client.login("harbor.admin")
    read = client.api("GET", f"/api/v1/admin/users/{member.id}").json()
    changed = client.api(
        "PATCH",
        f"/api/v1/admin/users/{member.id}",
        json={"email": "m5@example.org", "seen": read["seen"]},
    )
    assert changed.status_code == 200
    assert changed.json()["seen"] != read["seen"]
    stale = client.api(
        "PATCH",
        f"/api/v1/admin/users/{member.id}",
        json={"display_name": "Stale", "seen": read["seen"]},
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["current"]["email"] == "m5@example.org"
    assert body["yours"] == {"display_name": "Stale"}
    # A `seen` that is not a fingerprint at all is refused as invalid, not a server error.
    odd = client.api("PATCH", f"/api/v1/admin/users/{member.id}", json={"seen": "é"})
    assert odd.status_code == 422
    # Without `seen` the save goes ahead, as before.
    assert (
        client.api("PATCH", f"/api/v1/admin/users/{member.id}", json={"email": None}).status_code
        == 200
    )


@pytest.mark.postgres
def test_two_saves_of_one_account_at_the_same_instant_give_one_save_and_one_conflict(
    tmp_path: Path, settings: Settings
) -> None:
    """Both saves carry the same fingerprint. Without turns, each would check it against the
    account before the other committed, and the later save would silently win."""
    engine = fresh_engine("postgres", tmp_path, "seen_race")
    sessions: list[Session] = []
    try:
        migrate.upgrade(engine)
        with Session(engine) as setup:
            load_demo(setup, keyring=load_keyring(settings))
            setup.commit()

        def opened() -> tuple[Session, Viewer, User]:
            session = Session(engine)
            sessions.append(session)
            by_name = {
                u.username: u
                for u in session.scalars(
                    select(User).where(User.username.in_(["harbor.admin", "harbor.member6"]))
                )
            }
            return session, Viewer(by_name["harbor.admin"]), by_name["harbor.member6"]

        first, first_admin, member = opened()
        seen = account_seen(first, member)
        update_user(first, first_admin, member.id, UserUpdate(display_name="Tess M.", seen=seen))
        outcome: list[str] = []

        def second_save() -> None:  # the other admin, a moment later, from the same form
            second, second_admin, _ = opened()
            try:
                update_user(
                    second,
                    second_admin,
                    member.id,
                    UserUpdate(display_name="Tess Murphy-Lane", seen=seen),
                )
                second.commit()
                outcome.append("saved")
            except EditConflict:
                second.rollback()
                outcome.append("conflict")

        waiting = threading.Thread(target=second_save)
        waiting.start()
        waiting.join(1.0)
        assert waiting.is_alive(), "the second save should wait for the first to finish"
        first.commit()
        waiting.join(15)
        assert outcome == ["conflict"]
        with Session(engine) as check:
            assert check.get(User, member.id).display_name == "Tess M."  # type: ignore[union-attr]
    finally:
        for session in sessions:
            session.close()
        engine.dispose()
        drop_postgres_schema(f"pp_seen_race_{worker_suffix()}")
