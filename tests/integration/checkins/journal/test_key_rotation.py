"""Re-encrypting the journal under a new key (the service behind `peerpath keys rotate`), on
every backend: entries still read, key ids change, and no clear text reaches the database."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from peerpath.checkins.journal import service
from peerpath.checkins.journal.demo import ENTRIES
from peerpath.core.crypto import CryptoError, Keyring, associated_data, new_key
from peerpath.db.models import JournalEntry, User


def _all_rows(db: Session) -> list[JournalEntry]:
    db.expire_all()
    return list(db.scalars(select(JournalEntry).order_by(JournalEntry.id)))


def _decrypt_all(db: Session, keyring: Keyring) -> list[str]:
    return [
        keyring.decrypt(
            r.key_id, r.nonce, r.ciphertext, associated_data(r.organization_id, r.member_id)
        )
        for r in _all_rows(db)
    ]


def _raw_columns(db: Session) -> list[bytes]:
    """The stored bytes of every journal row, read past the ORM."""
    rows = db.execute(text("SELECT key_id, nonce, ciphertext, prompt_key FROM journal_entries"))
    return [
        b"|".join(bytes(v) if not isinstance(v, str) else v.encode() for v in row) for row in rows
    ]


@pytest.fixture
def rotated_ring(keyring: Keyring) -> Keyring:
    """The app's keys plus a new current key, as `peerpath keys rotate` writes them."""
    return Keyring(current_id="knew", keys={"knew": new_key(), **keyring.keys})


def test_rotate_reencrypts_every_entry_under_the_new_key(
    demo: dict[str, User], db: Session, keyring: Keyring, rotated_ring: Keyring
) -> None:
    before = _decrypt_all(db, keyring)

    count = service.rotate(db, rotated_ring, rotated_ring, batch_size=7)

    rows = _all_rows(db)
    assert count == len(rows) == len(before) > 0
    assert {r.key_id for r in rows} == {"knew"}
    only_new = Keyring(current_id="knew", keys={"knew": rotated_ring.keys["knew"]})
    assert _decrypt_all(db, only_new) == before
    with pytest.raises(CryptoError):
        _decrypt_all(db, keyring)  # the old key alone no longer reads anything
    assert service.rotate(db, rotated_ring, rotated_ring) == 0  # nothing left to do


def test_rotate_never_writes_clear_text(
    demo: dict[str, User], db: Session, rotated_ring: Keyring
) -> None:
    service.rotate(db, rotated_ring, rotated_ring)
    db.flush()

    raw = b"\n".join(_raw_columns(db))
    for entries in ENTRIES.values():
        for *_, plain in entries:
            assert plain.encode() not in raw
            assert plain[:24].encode() not in raw


def test_interrupted_rotation_still_reads_everything_and_finishes_when_run_again(
    demo: dict[str, User], db: Session, keyring: Keyring, rotated_ring: Keyring
) -> None:
    before = _decrypt_all(db, keyring)
    batches = 0

    def crash_after_two_batches() -> None:
        nonlocal batches
        batches += 1
        if batches == 2:
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        service.rotate(
            db, rotated_ring, rotated_ring, batch_size=5, after_batch=crash_after_two_batches
        )

    rows = _all_rows(db)
    assert sum(r.key_id == "knew" for r in rows) == 10
    assert _decrypt_all(db, rotated_ring) == before  # a keyring with both keys reads all
    assert service.rotate(db, rotated_ring, rotated_ring) == len(rows) - 10
    assert {r.key_id for r in _all_rows(db)} == {"knew"}


def test_rotate_stops_and_names_the_entry_when_its_key_is_missing(
    demo: dict[str, User], db: Session
) -> None:
    stranger = Keyring(current_id="kother", keys={"kother": new_key()})

    with pytest.raises(CryptoError, match="could not be decrypted"):
        service.rotate(db, stranger, stranger)


def test_rotation_keeps_when_entries_were_last_edited(
    demo: dict[str, User], db: Session, rotated_ring: Keyring
) -> None:
    before = {r.id: r.updated_at for r in _all_rows(db)}

    service.rotate(db, rotated_ring, rotated_ring)

    assert {r.id: r.updated_at for r in _all_rows(db)} == before
