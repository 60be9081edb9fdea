"""Clients that keep saving check-ins and session notes, and remember every acknowledged save.

Every save carries a unique marker in its text, so a row can be matched to the request that
made it. A session note also says in its text how many objectives it links
("links=N"), so a note whose links are missing can be found even when its save was never
acknowledged (the server was killed before it answered).
"""

from __future__ import annotations

import asyncio
import random
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

import httpx2
from sqlalchemy import select

from peerpath.db.models import CheckIn, SessionNote, SessionNoteObjective, User
from peerpath.workspace.notes import service as notes_service
from tests.reliability.live import LiveSite

DIMENSIONS = ("emotional", "physical", "social")  # the default three a member rates
LINKS = re.compile(r"links=(\d+)")


@dataclass(frozen=True)
class AckedCheckin:
    member_id: int
    day: date
    note: str
    ratings: dict[str, int]


@dataclass(frozen=True)
class AckedNote:
    id: int
    author_id: int
    purpose: str
    objective_ids: tuple[int, ...]


@dataclass
class Ledger:
    """What the server acknowledged, and every other answer, by kind."""

    checkins: list[AckedCheckin] = field(default_factory=list)
    notes: list[AckedNote] = field(default_factory=list)
    answers: dict[str, int] = field(default_factory=dict)
    bad_bodies: list[str] = field(default_factory=list)
    ready: int = 0  # writers signed in and waiting for the start

    def answer(self, what: str, body: str = "") -> None:
        self.answers[what] = self.answers.get(what, 0) + 1
        if body and ("locked" in body.lower() or what.startswith("5")):
            self.bad_bodies.append(f"{what}: {body[:300]}")

    @property
    def server_errors(self) -> dict[str, int]:
        return {k: v for k, v in self.answers.items() if k.startswith("5")}


def checkin_writer(
    site: LiveSite,
    member: User,
    mode: str,
    ledger: Ledger,
    keep_going: Callable[[], bool],
    *,
    limit: int = 10_000,
    start: asyncio.Event | None = None,
) -> asyncio.Task[None]:
    """Saves check-ins for `member` on one back-dated day after another (after `start`)."""

    async def run() -> None:
        client, token = await site.signed_in(member)
        ledger.ready += 1
        if start is not None:
            await start.wait()
        rng = random.Random(member.id)  # noqa: S311  (test data, not secrets)
        today = datetime.now(UTC).date()
        try:
            for n in range(min(limit, 360)):
                if not keep_going():
                    return
                day = today - timedelta(days=n)
                marker = f"checkin {uuid.uuid4().hex}"
                ratings = {k: rng.randint(0, 10) for k in DIMENSIONS}
                hope, connection = rng.randint(0, 10), rng.randint(0, 10)
                try:
                    if mode == "form":
                        form = {f"r_{k}": str(v) for k, v in ratings.items()}
                        form.update(
                            csrftoken=token,
                            day=day.isoformat(),
                            hope=str(hope),
                            connection=str(connection),
                            note=marker,
                        )
                        response = await client.post("/check-in", data=form)
                        acked = response.status_code == 303
                    else:
                        response = await client.post(
                            f"/api/v1/members/{member.id}/checkins",
                            json={
                                "day": day.isoformat(),
                                "ratings": ratings,
                                "hope": hope,
                                "connection": connection,
                                "note": marker,
                            },
                            headers={"x-csrftoken": token},
                        )
                        acked = response.status_code in (200, 201)
                except httpx2.HTTPError as exc:
                    ledger.answer(type(exc).__name__)
                    if not keep_going():
                        return
                    continue
                ledger.answer(str(response.status_code), "" if acked else response.text)
                if acked:
                    ledger.checkins.append(AckedCheckin(member.id, day, marker, ratings))
        finally:
            await client.aclose()

    return asyncio.create_task(run())


def objective_ids(site: LiveSite, member: User) -> list[int]:
    with site.database.session_scope() as db:
        choices = notes_service.objective_choices(db, db.get(User, member.id) or member)
        return [c.id for c in choices]


def note_writer(
    site: LiveSite,
    author: User,
    members: list[User],
    mode: str,
    ledger: Ledger,
    keep_going: Callable[[], bool],
) -> asyncio.Task[None]:
    """Writes draft session notes about `members` in turn, each linking 0-2 objectives."""
    choices = {m.id: objective_ids(site, m) for m in members}

    async def run() -> None:
        client, token = await site.signed_in(author)
        rng = random.Random(author.id)  # noqa: S311  (test data, not secrets)
        n = 0
        try:
            while keep_going():
                member = members[n % len(members)]
                n += 1
                linked = sorted(rng.sample(choices[member.id], min(len(choices[member.id]), n % 3)))
                purpose = f"note {uuid.uuid4().hex} links={len(linked)}"
                try:
                    if mode == "form":
                        form: list[tuple[str, str]] = [
                            ("csrftoken", token),
                            ("purpose", purpose),
                            ("intervention", "Talked through the week and the next small step."),
                            ("modality", "phone"),
                        ]
                        form += [("objective_ids", str(i)) for i in linked]
                        response = await client.post(
                            f"/members/{member.id}/notes",
                            content=urlencode(form),
                            headers={"content-type": "application/x-www-form-urlencoded"},
                        )
                        location = response.headers.get("location", "")
                        found = re.fullmatch(r"/notes/(\d+)/edit", location)
                        acked = response.status_code == 303 and found is not None
                        note_id = int(found.group(1)) if acked and found else 0
                    else:
                        response = await client.post(
                            f"/api/v1/members/{member.id}/notes",
                            json={
                                "purpose": purpose,
                                "intervention": "Planned the first call to the housing office.",
                                "modality": "phone",
                                "objective_ids": linked,
                            },
                            headers={"x-csrftoken": token},
                        )
                        note_id = response.json()["id"] if response.status_code == 201 else 0
                except httpx2.HTTPError as exc:
                    ledger.answer(type(exc).__name__)
                    continue
                ledger.answer(str(response.status_code), "" if note_id else response.text)
                if note_id:
                    ledger.notes.append(AckedNote(note_id, author.id, purpose, tuple(linked)))
        finally:
            await client.aclose()

    return asyncio.create_task(run())


def missing_acknowledged(site: LiveSite, ledger: Ledger) -> list[str]:
    """Every acknowledged save that is not in the database exactly as it was sent."""
    missing: list[str] = []
    with site.database.session_scope() as db:
        for c in ledger.checkins:
            row = db.scalar(
                select(CheckIn).where(CheckIn.member_id == c.member_id, CheckIn.day == c.day)
            )
            if row is None or row.note != c.note or dict(row.ratings) != c.ratings:
                missing.append(f"check-in {c}")
        for n in ledger.notes:
            note = db.get(SessionNote, n.id)
            links = tuple(
                sorted(
                    i
                    for i in db.scalars(
                        select(SessionNoteObjective.objective_id).where(
                            SessionNoteObjective.note_id == n.id
                        )
                    )
                    if i is not None
                )
            )
            if note is None or note.purpose != n.purpose or links != n.objective_ids:
                missing.append(f"note {n} (found {note and note.purpose!r}, links {links})")
    return missing


def half_written_notes(site: LiveSite) -> list[str]:
    """Notes (acknowledged or not) whose objective links do not match what their text says."""
    problems: list[str] = []
    with site.database.session_scope() as db:
        marked = select(SessionNote).where(SessionNote.purpose.like("note % links=%"))
        for note in db.scalars(marked):
            wanted = LINKS.search(note.purpose)
            assert wanted is not None
            of_note = SessionNoteObjective.note_id == note.id
            links = len(list(db.scalars(select(SessionNoteObjective.id).where(of_note))))
            if links != int(wanted.group(1)):
                problems.append(f"note {note.id}: {links} links, its text says {wanted.group(1)}")
    return problems
