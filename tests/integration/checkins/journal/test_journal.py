"""The member's own journal pages: write (freely or from a prompt), read, edit, delete, search.
Only ciphertext is ever stored."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerpath.checkins.journal import service
from peerpath.checkins.journal.prompts import PROMPTS, prompt_for_day
from peerpath.core.crypto import Keyring, associated_data
from peerpath.db.models import JournalEntry, User
from tests.conftest import Browser
from tests.integration.checkins.journal.conftest import (
    entries_of,
    newest_entry,
    tables_containing,
)

SECRET = "Quietly hoping the lighthouse keeper writes back 7319"


def _count(db: Session) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(JournalEntry)) or 0


def test_write_entry_stores_only_ciphertext_bound_to_the_member(
    client: Browser, demo: dict[str, User], db: Session, keyring: Keyring
) -> None:
    member = demo["harbor.member1"]
    client.login("harbor.member1")

    response = client.submit("/journal", {"text": SECRET})

    assert response.status_code == 303
    row = newest_entry(db, member)
    assert row.key_id == keyring.current_id
    assert SECRET.encode() not in row.ciphertext
    assert tables_containing(db, SECRET) == []
    assert tables_containing(db, "lighthouse keeper") == []
    assert (
        keyring.decrypt(
            row.key_id,
            row.nonce,
            row.ciphertext,
            associated_data(member.organization_id, member.id),
        )
        == SECRET
    )
    page = client.get("/journal")
    assert SECRET in page.text and "Saved in your journal" in page.text


def test_write_entry_from_a_prompt_keeps_prompt_and_chosen_tags(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    client.login("harbor.member1")
    form = client.get("/journal?prompt=belonging")
    assert PROMPTS["belonging"].text in form.text
    # The prompt's own tags come pre-checked; the member may change them.
    assert 'id="f-chime-connectedness" name="chime" value="connectedness" checked' in form.text

    response = client.submit(
        "/journal",
        {"text": "The art group.", "prompt_key": "belonging", "chime": ["identity", "hope"]},
    )

    assert response.status_code == 303
    row = newest_entry(db, demo["harbor.member1"])
    assert row.prompt_key == "belonging"
    assert row.chime == ["hope", "identity"]


def test_surprise_me_offers_the_prompt_of_the_day(
    client: Browser, demo: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    day = date(2026, 3, 14)
    monkeypatch.setattr(service, "today", lambda: day)
    client.login("harbor.member1")

    page = client.get("/journal?prompt=surprise")

    expected = prompt_for_day(day)
    assert page.status_code == 200
    assert expected.text in page.text
    assert f'name="prompt_key" value="{expected.key}"' in page.text


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"text": "   "}, "write something first"),
        ({"text": "x" * 20_001}, "holds up to 20,000"),
        ({"text": "ok", "chime": ["sadness"]}, "Tags: choose from"),
        ({"text": "ok", "prompt_key": "not-a-prompt"}, "not in the list"),
    ],
)
def test_write_entry_with_bad_input_explains_and_saves_nothing(
    client: Browser, demo: dict[str, User], db: Session, form: dict[str, object], message: str
) -> None:
    client.login("harbor.member1")
    before = _count(db)

    response = client.submit("/journal", form)

    assert response.status_code == 422
    assert message in response.text
    assert "Please check this" in response.text
    assert _count(db) == before


def test_write_entry_at_the_length_limit_is_saved(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    client.login("harbor.member1")

    response = client.submit("/journal", {"text": "y" * 20_000})

    assert response.status_code == 303


def test_journal_lists_newest_first_with_a_first_line_preview(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("harbor.member1")
    client.submit("/journal", {"text": "Top line of today\nsecond line stays inside"})

    page = client.get("/journal").text

    assert "Top line of today" in page
    assert "second line stays inside" not in page
    assert page.index("Top line of today") < page.index("Tomorrow: call about the part-time job")


def test_edit_own_entry_saves_new_text_and_a_stale_form_never_overwrites(
    client: Browser, demo: dict[str, User], db: Session, keyring: Keyring
) -> None:
    member = demo["harbor.member1"]
    client.login("harbor.member1")
    client.submit("/journal", {"text": "First draft"})
    row = newest_entry(db, member)
    version = str(service.version_of(row))

    saved = client.submit(
        f"/journal/{row.id}/edit", {"text": "Second draft", "version": version, "chime": "hope"}
    )
    stale = client.submit(f"/journal/{row.id}/edit", {"text": "Old tab", "version": version})

    assert saved.status_code == 303
    assert stale.status_code == 409
    assert "Second draft" in stale.text and "Old tab" in stale.text
    row = newest_entry(db, member)
    text = keyring.decrypt(
        row.key_id, row.nonce, row.ciphertext, associated_data(row.organization_id, member.id)
    )
    assert text == "Second draft"
    assert row.chime == ["hope"]


def test_edit_with_empty_text_keeps_the_entry_as_it_was(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    client.login("harbor.member1")
    client.submit("/journal", {"text": "Keep me"})
    row = newest_entry(db, demo["harbor.member1"])

    response = client.submit(
        f"/journal/{row.id}/edit", {"text": "", "version": str(service.version_of(row))}
    )

    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.text
    assert "Keep me" in client.get(f"/journal/{row.id}").text


def test_delete_own_entry_asks_first_then_removes_it(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    client.login("harbor.member1")
    client.submit("/journal", {"text": "Short-lived thought"})
    row = newest_entry(db, demo["harbor.member1"])

    confirm = client.get(f"/journal/{row.id}/delete")
    without_version = client.submit(f"/journal/{row.id}/delete", {})
    assert confirm.status_code == 200 and "Yes, delete this entry" in confirm.text
    assert without_version.status_code == 422
    deleted = client.submit(f"/journal/{row.id}/delete", {"version": service.version_of(row)})

    assert deleted.status_code == 303
    assert client.get(f"/journal/{row.id}").status_code == 404
    assert "Short-lived thought" not in client.get("/journal").text


def test_search_matches_own_entries_case_insensitively(make_client, demo: dict[str, User]) -> None:
    other = make_client()
    other.login("harbor.member2")
    other.submit("/journal", {"text": "My own tomatoes are green"})
    member = make_client()
    member.login("harbor.member1")

    found = member.get("/journal?q=TOMATOES")

    assert found.status_code == 200
    assert "1 entry has" in found.text
    assert "The tomatoes at the garden finally turned red" in found.text
    assert "My own tomatoes are green" not in found.text
    assert "Coffee with a friend" not in found.text
    assert "0 entries have" in member.get("/journal?q=submarine").text


def test_entries_page_through_fifty_at_a_time(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    client.login("harbor.member6")
    for n in range(service.PAGE_SIZE):
        client.submit("/journal", {"text": f"Entry number {n}"})

    first = client.get("/journal")
    second = client.get("/journal?page=2")

    assert "Older entries" in first.text
    assert "Trying this for the first time" not in first.text
    assert "Trying this for the first time" in second.text and "Newer entries" in second.text


def test_another_members_entry_is_not_found(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    row = entries_of(db, demo["harbor.member1"])[0]
    client.login("harbor.member2")

    for path in (f"/journal/{row.id}", f"/journal/{row.id}/edit", f"/journal/{row.id}/delete"):
        assert client.get(path).status_code == 404
    response = client.submit(
        f"/journal/{row.id}/edit", {"text": "mine now", "version": service.version_of(row)}
    )
    assert response.status_code == 404


def test_entry_that_does_not_decrypt_is_shown_closed_not_as_an_error(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    # A ciphertext copied from another member's entry is bound to that member: it cannot
    # be read here, and the journal still opens.
    mine = entries_of(db, demo["harbor.member1"])[0]
    theirs = entries_of(db, demo["harbor.member2"])[0]
    mine.key_id, mine.nonce, mine.ciphertext = theirs.key_id, theirs.nonce, theirs.ciphertext
    db.commit()
    client.login("harbor.member1")

    listing = client.get("/journal")
    entry = client.get(f"/journal/{mine.id}")

    assert listing.status_code == 200 and "cannot be opened right now" in listing.text
    assert entry.status_code == 200 and "cannot be opened right now" in entry.text


def test_demo_gives_member1_months_of_entries_that_decrypt(
    demo: dict[str, User], db: Session, keyring: Keyring
) -> None:
    member = demo["harbor.member1"]
    rows = entries_of(db, member)

    assert len(rows) == 15
    assert sum(1 for r in rows if r.shared_with_peer_at is not None) == 2
    assert (rows[0].created_at - rows[-1].created_at).days > 120
    texts = [
        keyring.decrypt(
            r.key_id, r.nonce, r.ciphertext, associated_data(member.organization_id, member.id)
        )
        for r in rows
    ]
    assert all(texts)
    assert entries_of(db, demo["harbor.member7"]) == []
    assert entries_of(db, demo["harbor.member8"]) == []
