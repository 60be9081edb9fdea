"""Rules for the member's private journal (no web code here).

Only ciphertext is ever stored: each entry's text is AES-GCM encrypted under the keyring's
current key and bound to its organization and member (core/crypto.py), with the key's id kept
next to it. Reading and searching decrypt here, one member's journal at a time; no function
searches across members, and nobody but the member lists or searches their journal. The
member may share single entries with their assigned peer specialist and take them back.

The keyring is a parameter (the app's is request.app.state.keyring), so the CLI's key rotation
and the tests pass their own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerpath.checkins.journal.prompts import PROMPTS, Prompt
from peerpath.checkins.journal.schemas import (
    MAX_TEXT,
    JournalEntryChange,
    JournalEntryIn,
    JournalEntryRead,
)
from peerpath.core import access
from peerpath.core.access import Action, Section
from peerpath.core.audit import Viewer
from peerpath.core.crypto import CryptoError, Keyring, associated_data, load_keyring_file
from peerpath.core.errors import Conflict, EditConflict, Invalid, NotFound
from peerpath.db.base import utcnow
from peerpath.db.models import JournalEntry, User
from peerpath.plans.vocabulary import CHIME

log = logging.getLogger("peerpath.journal")

PAGE_SIZE = 50
PREVIEW_CHARS = 120
NOT_SAVED = "Nothing was saved yet: please look at the parts marked below."
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def today() -> date:
    """The member's 'today' is the server's UTC date (tests replace this function)."""
    return date.today()


# ---- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One decrypted entry, for pages and the API. `readable` is False when its key is gone."""

    row: JournalEntry
    text: str
    readable: bool = True

    @property
    def id(self) -> int:
        return self.row.id

    @property
    def prompt(self) -> Prompt | None:
        return PROMPTS.get(self.row.prompt_key)

    @property
    def chime_labels(self) -> list[str]:
        return [CHIME[c] for c in self.row.chime if c in CHIME]

    @property
    def version(self) -> int:
        return version_of(self.row)

    @property
    def when(self) -> str:
        return long_date(self.row.created_at)

    @property
    def shared_when(self) -> str:
        at = self.row.shared_with_peer_at
        return long_date(at) if at is not None else ""

    @property
    def edited(self) -> bool:
        return self.row.updated_at - self.row.created_at > timedelta(minutes=1)

    @property
    def preview(self) -> str:
        if not self.readable:
            return "This entry cannot be opened right now."
        first = next((line.strip() for line in self.text.splitlines() if line.strip()), "")
        if len(first) > PREVIEW_CHARS:
            return first[: PREVIEW_CHARS - 1].rstrip() + "…"
        return first


def long_date(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y}"


def version_of(row: JournalEntry) -> int:
    """Microseconds of the last edit: changes with every save, exact on both backends."""
    return (row.updated_at - _EPOCH) // timedelta(microseconds=1)


def _decrypt(keyring: Keyring, row: JournalEntry) -> Entry:
    try:
        text = keyring.decrypt(
            row.key_id,
            row.nonce,
            row.ciphertext,
            associated_data(row.organization_id, row.member_id),
        )
    except CryptoError:
        # A missing key must not take the whole journal down: the entry is shown as closed
        # and the operator is told (without any text) in the log.
        log.warning("journal entry %s does not decrypt with key '%s'", row.id, row.key_id)
        return Entry(row, "", readable=False)
    return Entry(row, text)


@dataclass(frozen=True)
class JournalPage:
    member: User
    entries: list[Entry]
    q: str
    page: int
    total: int  # entries on all pages (matching q when searching)

    @property
    def has_next(self) -> bool:
        return self.page * PAGE_SIZE < self.total


def _matching_ids(db: Session, keyring: Keyring, member: User, q: str) -> list[int]:
    """Ids of the member's entries whose text contains q (case-insensitive), newest first.

    Ciphertext cannot be searched in the database, so this decrypts this one member's
    entries, reading plain columns rather than ORM objects (several times faster)."""
    needle = q.casefold()
    associated = associated_data(member.organization_id, member.id)
    rows = db.execute(
        select(JournalEntry.id, JournalEntry.key_id, JournalEntry.nonce, JournalEntry.ciphertext)
        .where(
            JournalEntry.organization_id == member.organization_id,
            JournalEntry.member_id == member.id,
        )
        .order_by(JournalEntry.created_at.desc(), JournalEntry.id.desc())
    ).all()
    ids = []
    for entry_id, key_id, nonce, ciphertext in rows:
        try:
            text = keyring.decrypt(key_id, nonce, ciphertext, associated)
        except CryptoError:
            continue  # shown as closed in the list; it cannot match
        if needle in text.casefold():
            ids.append(entry_id)
    return ids


def list_entries(
    db: Session, keyring: Keyring, viewer: Viewer, member_id: int, *, q: str = "", page: int = 1
) -> JournalPage:
    """The member's own entries, newest first; with `q`, only those whose text contains it
    (case-insensitive). Only the member: the policy gives nobody else JOURNAL read."""
    member = access.member_for_viewer(
        db, viewer, member_id, Section.JOURNAL, Action.READ, record_type="journal"
    )
    q = q.strip()
    start = (page - 1) * PAGE_SIZE
    if q:
        ids = _matching_ids(db, keyring, member, q)
        wanted = ids[start : start + PAGE_SIZE]
        by_id = {
            row.id: row
            for row in db.scalars(select(JournalEntry).where(JournalEntry.id.in_(wanted)))
        }
        entries = [_decrypt(keyring, by_id[i]) for i in wanted if i in by_id]
        return JournalPage(member, entries, q, page, len(ids))
    total = db.scalar(
        select(func.count())
        .select_from(JournalEntry)
        .where(
            JournalEntry.organization_id == member.organization_id,
            JournalEntry.member_id == member.id,
        )
    )
    rows = db.scalars(
        select(JournalEntry)
        .where(
            JournalEntry.organization_id == member.organization_id,
            JournalEntry.member_id == member.id,
        )
        .order_by(JournalEntry.created_at.desc(), JournalEntry.id.desc())
        .offset(start)
        .limit(PAGE_SIZE)
    ).all()
    return JournalPage(member, [_decrypt(keyring, r) for r in rows], "", page, total or 0)


def get_entry(
    db: Session, keyring: Keyring, viewer: Viewer, member_id: int, entry_id: int
) -> Entry:
    """One entry: for the member always, for their peer specialist only while shared."""
    row = access.shared_journal_entry_for_viewer(db, viewer, member_id, entry_id)
    return _decrypt(keyring, row)


def shared_entries(db: Session, keyring: Keyring, viewer: Viewer, member_id: int) -> list[Entry]:
    """The entries the member shares with their peer specialist, most recently shared first."""
    member = access.member_for_shared_journal(db, viewer, member_id)
    rows = db.scalars(
        select(JournalEntry)
        .where(
            JournalEntry.organization_id == member.organization_id,
            JournalEntry.member_id == member.id,
            JournalEntry.shared_with_peer_at.is_not(None),
        )
        .order_by(JournalEntry.shared_with_peer_at.desc(), JournalEntry.id.desc())
    ).all()
    return [_decrypt(keyring, r) for r in rows]


def peer_of(db: Session, member: User) -> User | None:
    peer_id = access.assigned_peer_id(db, member)
    return db.get(User, peer_id) if peer_id is not None else None


# ---- writing ------------------------------------------------------------------------------


def _clean_text(text: str, errors: dict[str, str]) -> str:
    text = text.replace("\r\n", "\n")
    if not text.strip():
        errors["text"] = "Entry: write something first. A few words are enough."
    elif len(text) > MAX_TEXT:
        errors["text"] = (
            f"Entry: this is {len(text):,} characters and one entry holds up to "
            f"{MAX_TEXT:,}. You could save it as two entries."
        )
    return text


def _clean_prompt(prompt_key: str, errors: dict[str, str]) -> str:
    prompt_key = prompt_key.strip()
    if prompt_key and prompt_key not in PROMPTS:
        errors["prompt_key"] = "Prompt: that prompt is not in the list. Pick another one."
    return prompt_key


def _clean_chime(chime: Sequence[str], errors: dict[str, str]) -> list[str]:
    if any(c not in CHIME for c in chime):
        errors["chime"] = "Tags: choose from " + ", ".join(CHIME.values()).lower() + "."
    chosen = set(chime)
    return [key for key in CHIME if key in chosen]  # vocabulary order, no repeats


def _follow_rotation(keyring: Keyring) -> None:
    """A keyring file peerpath manages may have been rotated by `peerpath keys rotate` in
    another process since this one loaded it: from then on, encrypt under the file's current
    key. Old keys stay in memory, so anything written meanwhile still reads (and the rotation
    re-encrypts it)."""
    if keyring.path is None:
        return
    try:
        fresh = load_keyring_file(keyring.path)
    except (OSError, ValueError, KeyError):
        return
    if fresh.current_id != keyring.current_id:
        keyring.keys = {**keyring.keys, **fresh.keys}
        keyring.current_id = fresh.current_id


def _store_text(keyring: Keyring, row: JournalEntry, text: str) -> None:
    _follow_rotation(keyring)
    row.key_id, row.nonce, row.ciphertext = keyring.encrypt(
        text, associated_data(row.organization_id, row.member_id)
    )


def _writable_entry(
    db: Session, viewer: Viewer, member_id: int, entry_id: int, *, record_type: str
) -> tuple[User, JournalEntry]:
    member = access.member_for_viewer(
        db,
        viewer,
        member_id,
        Section.JOURNAL,
        Action.WRITE,
        record_type=record_type,
        record_id=entry_id,
    )
    row = db.get(JournalEntry, entry_id)
    if row is None or row.member_id != member.id or row.organization_id != member.organization_id:
        raise NotFound()
    return member, row


def create_entry(
    db: Session, keyring: Keyring, viewer: Viewer, member_id: int, data: JournalEntryIn
) -> Entry:
    member = access.member_for_viewer(
        db,
        viewer,
        member_id,
        Section.JOURNAL,
        Action.WRITE,
        record_type="journal_entry",
        record_id="new",
    )
    errors: dict[str, str] = {}
    text = _clean_text(data.text, errors)
    prompt_key = _clean_prompt(data.prompt_key, errors)
    chime = _clean_chime(data.chime, errors)
    if errors:
        raise Invalid(NOT_SAVED, errors=errors)
    now = utcnow()
    row = JournalEntry(
        organization_id=member.organization_id,
        member_id=member.id,
        prompt_key=prompt_key,
        chime=chime,
        created_at=now,
        updated_at=now,
    )
    _store_text(keyring, row, text)
    db.add(row)
    db.flush()
    return Entry(row, text)


class JournalEditConflict(EditConflict):
    def __init__(self, *, current: dict[str, object], yours: dict[str, object], back_url: str):
        super().__init__(current=current, yours=yours, back_url=back_url)
        self.message = (
            "This entry was saved again (perhaps in another window) after you opened it. "
            "Nothing was overwritten: both versions are below. Copy what you need, then edit "
            "again from the saved version."
        )


def update_entry(
    db: Session,
    keyring: Keyring,
    viewer: Viewer,
    member_id: int,
    entry_id: int,
    change: JournalEntryChange,
) -> Entry:
    _, row = _writable_entry(db, viewer, member_id, entry_id, record_type="journal_entry")
    current = _decrypt(keyring, row)
    errors: dict[str, str] = {}
    text = _clean_text(change.text, errors) if change.text is not None else current.text
    prompt_key = (
        _clean_prompt(change.prompt_key, errors)
        if change.prompt_key is not None
        else row.prompt_key
    )
    chime = _clean_chime(change.chime, errors) if change.chime is not None else list(row.chime)
    if errors:
        raise Invalid(NOT_SAVED, errors=errors)
    if change.version != version_of(row):
        raise JournalEditConflict(
            current={"text": current.text}, yours={"text": text}, back_url=f"/journal/{row.id}/edit"
        )
    if not current.readable and change.text is None:
        raise Invalid(
            "This entry cannot be opened right now, so it cannot be changed.",
            errors={"text": "Entry: this entry's encryption key is not available."},
        )
    if text != current.text or not current.readable:
        _store_text(keyring, row, text)
    row.prompt_key = prompt_key
    row.chime = chime
    row.updated_at = max(utcnow(), row.updated_at + timedelta(microseconds=1))
    db.flush()
    return Entry(row, text)


def delete_entry(db: Session, viewer: Viewer, member_id: int, entry_id: int, version: int) -> None:
    _, row = _writable_entry(db, viewer, member_id, entry_id, record_type="journal_entry")
    if version != version_of(row):
        raise Conflict(
            "This entry was saved again after you opened this page, so it was not deleted. "
            "Please open it again and decide from there."
        )
    db.delete(row)
    db.flush()


def share_entry(
    db: Session, keyring: Keyring, viewer: Viewer, member_id: int, entry_id: int
) -> Entry:
    member, row = _writable_entry(db, viewer, member_id, entry_id, record_type="journal_share")
    if access.assigned_peer_id(db, member) is None:
        raise Invalid(
            "You have no peer specialist assigned right now, so there is no one to share this "
            "entry with. It stays private.",
            errors={"share": "No peer specialist is assigned to you at the moment."},
        )
    if row.shared_with_peer_at is None:
        row.shared_with_peer_at = utcnow()
        db.flush()
    return _decrypt(keyring, row)


def unshare_entry(
    db: Session, keyring: Keyring, viewer: Viewer, member_id: int, entry_id: int
) -> Entry:
    """Takes effect at once: the next request for the entry by the peer specialist is 404."""
    _, row = _writable_entry(db, viewer, member_id, entry_id, record_type="journal_unshare")
    if row.shared_with_peer_at is not None:
        row.shared_with_peer_at = None
        db.flush()
    return _decrypt(keyring, row)


def entry_read(entry: Entry) -> JournalEntryRead:
    row = entry.row
    prompt = entry.prompt
    return JournalEntryRead(
        id=row.id,
        member_id=row.member_id,
        text=entry.text,
        prompt_key=row.prompt_key,
        prompt=prompt.text if prompt else None,
        chime=list(row.chime),
        created_at=row.created_at,
        updated_at=row.updated_at,
        shared_with_peer_at=row.shared_with_peer_at,
        version=entry.version,
    )


# ---- key rotation -------------------------------------------------------------------------


def rotate(
    db: Session,
    old_keyring: Keyring,
    new_keyring: Keyring,
    *,
    batch_size: int = 500,
    after_batch: Callable[[], None] | None = None,
) -> int:
    """Re-encrypt every journal entry that is not under new_keyring's current key, reading it
    with old_keyring; return how many were re-encrypted.

    Crash safety: each row's key_id, nonce and ciphertext change together in one UPDATE, and
    `after_batch` (the CLI commits there) ends a transaction every `batch_size` rows. An
    interrupted rotation leaves some rows under the old key and some under the new one, each
    naming its own key_id, so a keyring holding both keys still reads every entry, and running
    the rotation again finishes the job. Drop the old keys only after it has completed.
    Entries keep their updated_at: re-encrypting is not an edit.
    """
    current = new_keyring.current_id
    done = 0
    last_id = 0
    while True:
        rows = db.scalars(
            select(JournalEntry)
            .where(JournalEntry.key_id != current, JournalEntry.id > last_id)
            .order_by(JournalEntry.id)
            .limit(batch_size)
        ).all()
        if not rows:
            return done
        for row in rows:
            associated = associated_data(row.organization_id, row.member_id)
            try:
                text = old_keyring.decrypt(row.key_id, row.nonce, row.ciphertext, associated)
            except CryptoError as exc:
                raise CryptoError(
                    f"journal entry {row.id} (key '{row.key_id}') could not be decrypted: {exc}"
                ) from exc
            row.key_id, row.nonce, row.ciphertext = new_keyring.encrypt(text, associated)
        db.flush()
        done += len(rows)
        last_id = rows[-1].id
        if after_batch is not None:
            after_batch()
        for row in rows:
            db.expunge(row)  # keep memory flat on a large journal table


def entries_not_under(db: Session, key_id: str) -> int:
    return (
        db.scalar(
            select(func.count()).select_from(JournalEntry).where(JournalEntry.key_id != key_id)
        )
        or 0
    )
