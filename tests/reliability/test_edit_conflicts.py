"""Two copies of one edit form, saved one after the other: the second is a clear conflict
(a 409 page with both texts side by side, or a 409 JSON body with `current` and `yours`),
never a silent overwrite of the first.

A session note draft is the record: only its author may edit it, so the two editors are its
author on two devices (a laptop and a phone, each signed in). The simultaneous case (both
saves at the same instant, against a real server) is in test_concurrency.py; plan items
(member and peer specialist) are covered in tests/integration/plans/goals/.
"""

from __future__ import annotations

from html import unescape
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.models import SessionNote, User
from tests.conftest import Browser

FIRST = "Talked about the walk to the library and what made it feel possible."
SECOND = "Planned a call to the housing office together."


def _draft(device: Browser, member: User) -> dict[str, Any]:
    created = device.api(
        "POST",
        f"/api/v1/members/{member.id}/notes",
        json={"purpose": "Started on the laptop.", "modality": "phone"},
    )
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    return body


def _purpose(db: Session, note_id: int) -> tuple[str, int]:
    db.expire_all()
    note = db.scalars(select(SessionNote).where(SessionNote.id == note_id)).one()
    return note.purpose, note.version


def test_note_form_saved_from_a_second_device_after_the_first_is_a_conflict_page(
    make_client: Any, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    laptop, phone = make_client(), make_client()
    laptop.login("harbor.peer1")
    phone.login("harbor.peer1")
    note = _draft(laptop, member)
    # Both devices open the edit form at version 1.
    for device in (laptop, phone):
        page = device.get(f"/notes/{note['id']}/edit")
        assert page.status_code == 200
        assert f'name="version" value="{note["version"]}"' in page.text

    saved = laptop.submit(
        f"/notes/{note['id']}/edit",
        {"version": str(note["version"]), "purpose": FIRST, "modality": "phone"},
    )
    assert saved.status_code == 303
    stale = phone.submit(
        f"/notes/{note['id']}/edit",
        {"version": str(note["version"]), "purpose": SECOND, "modality": "phone"},
    )

    assert stale.status_code == 409
    text = unescape(stale.text)
    assert FIRST in text and SECOND in text  # both, side by side, for the person to choose
    assert _purpose(db, note["id"]) == (FIRST, note["version"] + 1)


def test_note_api_patch_from_a_second_device_after_the_first_is_409_with_both_texts(
    make_client: Any, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    laptop, phone = make_client(), make_client()
    laptop.login("harbor.peer1")
    phone.login("harbor.peer1")
    note = _draft(laptop, member)
    url = f"/api/v1/notes/{note['id']}"

    saved = laptop.api("PATCH", url, json={"version": note["version"], "purpose": FIRST})
    assert saved.status_code == 200
    stale = phone.api("PATCH", url, json={"version": note["version"], "purpose": SECOND})

    assert stale.status_code == 409
    body = stale.json()
    assert body["current"]["purpose"] == FIRST
    assert body["yours"]["purpose"] == SECOND
    assert body["detail"]
    assert _purpose(db, note["id"]) == (FIRST, note["version"] + 1)
    # Starting again from the newest version saves.
    again = phone.api("PATCH", url, json={"version": saved.json()["version"], "purpose": SECOND})
    assert again.status_code == 200
    assert _purpose(db, note["id"]) == (SECOND, note["version"] + 2)
