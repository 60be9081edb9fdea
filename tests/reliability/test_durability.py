"""Nothing acknowledged is lost: SIGKILL a real server in the middle of concurrent saves.

A real `peerpath serve` runs on a database of its own (SQLite in WAL mode with
synchronous=FULL, or a fresh PostgreSQL database). Members save check-ins (form and API) and
two peer specialists write session notes with linked objectives (form and API), all at once.
After a few seconds the server gets SIGKILL while requests are in flight. It is started again
on the same database, and then:

- every save the server answered with success is there, exactly as sent;
- nothing is half-written: every note has the objective links its text says it has (also
  the notes whose answer never arrived), no foreign key points at nothing, SQLite's
  integrity check passes, and every check-in has the audit row written with it;
- the restarted app serves what was saved.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from peerpath.db.models import AuditEvent, CheckIn, User
from tests.reliability.live import LiveSite, integrity_problems, live_site, orphans, run_async
from tests.reliability.writers import (
    Ledger,
    checkin_writer,
    half_written_notes,
    missing_acknowledged,
    note_writer,
)

pytestmark = pytest.mark.slow

RUN_SECONDS = 5.0  # saving before the kill
MIN_CHECKINS, MIN_NOTES = 20, 5  # at least this much acknowledged before the kill


def test_sigkill_mid_stream_loses_no_acknowledged_write(backend: str, tmp_path: Path) -> None:
    with live_site(backend, tmp_path) as site:
        members = site.prepare(members=6)
        peer1, peer2 = site.user("harbor.peer1"), site.user("harbor.peer2")
        caseload1 = [site.user(f"harbor.member{n}") for n in (1, 2, 3, 4)]
        caseload2 = [site.user(f"harbor.member{n}") for n in (5, 6, 7, 8)]
        site.start()
        ledger = Ledger()
        killed_at: list[float] = []

        def keep_going() -> bool:
            return not killed_at

        async def drive() -> None:
            writers = [
                checkin_writer(site, m, "form" if n % 2 else "api", ledger, keep_going)
                for n, m in enumerate(members)
            ]
            writers += [
                note_writer(site, peer1, caseload1, "form", ledger, keep_going),
                note_writer(site, peer2, caseload2, "api", ledger, keep_going),
            ]
            await asyncio.sleep(RUN_SECONDS)
            # On a busy machine the first saves are slow (the app warms up): wait for enough.
            deadline = time.monotonic() + 30
            while (len(ledger.checkins) < MIN_CHECKINS or len(ledger.notes) < MIN_NOTES) and (
                time.monotonic() < deadline
            ):
                await asyncio.sleep(0.1)
            site.kill()
            killed_at.append(time.monotonic())
            await asyncio.wait_for(asyncio.gather(*writers), timeout=60)

        run_async(drive())

        assert len(ledger.checkins) >= MIN_CHECKINS, ledger.answers
        assert len(ledger.notes) >= MIN_NOTES, ledger.answers
        assert not ledger.server_errors, (ledger.answers, ledger.bad_bodies)
        assert not ledger.bad_bodies
        print(f"before SIGKILL: {ledger.answers}")  # shown with -s: how much was in flight

        site.start()  # recovery happens here (SQLite replays its WAL on open)
        try:
            assert missing_acknowledged(site, ledger) == []
            assert half_written_notes(site) == []
            assert orphans(site.engine) == {}
            assert integrity_problems(site.engine) == []
            assert_checkins_audited(site.engine, members)
            run_async(assert_served_after_restart(site, members[0], ledger))
        finally:
            site.stop()


def assert_checkins_audited(engine: Engine, members: list[User]) -> None:
    """A check-in and its audit row commit together: never a check-in without one."""
    ids = [m.id for m in members]
    with engine.connect() as conn:
        saved: dict[int, int] = {
            member_id: rows
            for member_id, rows in conn.execute(
                select(CheckIn.member_id, func.count())
                .where(CheckIn.member_id.in_(ids))
                .group_by(CheckIn.member_id)
            )
        }
        audited: dict[int | None, int] = {
            member_id: rows
            for member_id, rows in conn.execute(
                select(AuditEvent.subject_member_id, func.count())
                .where(
                    AuditEvent.subject_member_id.in_(ids),
                    AuditEvent.action == "write:checkins",
                    AuditEvent.allowed.is_(True),
                )
                .group_by(AuditEvent.subject_member_id)
            )
        }
    for member_id, rows in saved.items():
        assert audited.get(member_id, 0) >= rows, (member_id, rows, audited.get(member_id))


async def assert_served_after_restart(site: LiveSite, member: User, ledger: Ledger) -> None:
    """The restarted app reads what was saved: the member's check-ins, the newest notes."""
    client, _ = await site.signed_in(member)
    try:
        response = await client.get(f"/api/v1/members/{member.id}/checkins?limit=400")
        assert response.status_code == 200
        served = {(row["day"], row["note"]) for row in response.json()}
        acked = {(c.day.isoformat(), c.note) for c in ledger.checkins if c.member_id == member.id}
        assert acked and acked <= served
    finally:
        await client.aclose()
    for note in ledger.notes[-4:]:
        author_client, _ = await site.signed_in(site.user_by_id(note.author_id))
        try:
            response = await author_client.get(f"/api/v1/notes/{note.id}")
            assert response.status_code == 200
            assert response.json()["purpose"] == note.purpose
        finally:
            await author_client.aclose()
