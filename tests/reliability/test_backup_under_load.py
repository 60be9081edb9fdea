"""`peerpath backup` taken while members and a peer specialist keep saving restores to a
consistent database, on both engines.

A real server takes check-ins (form and API) and session notes with linked objectives. While
it does, the operator's command `peerpath backup PATH` runs (SQLite's online backup API, or
pg_dump's snapshot), and saves are acknowledged during it. The backup is restored with
`peerpath restore` into a new, empty database, which then:

- holds every save acknowledged before the backup started, exactly as sent;
- has no foreign key pointing at nothing, passes SQLite's integrity check, has no note
  without the objective links its text says it has, and no check-in without its audit row;
- is at the code's migration head (`peerpath db current`), takes `peerpath db upgrade`, and
  opens with the app, which serves the restored check-ins.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from peerpath.app import create_app
from peerpath.db import migrate
from peerpath.db.models import CheckIn
from peerpath.db.session import Database
from tests.reliability.live import (
    ROOT,
    SESSION_COOKIE,
    LiveSite,
    integrity_problems,
    orphans,
    run_async,
)
from tests.reliability.test_durability import assert_checkins_audited
from tests.reliability.writers import (
    Ledger,
    checkin_writer,
    half_written_notes,
    missing_acknowledged,
    note_writer,
)

pytestmark = pytest.mark.slow


def peerpath(site: LiveSite, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "peerpath", *args],
        env=site.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_backup_during_writes_restores_to_a_consistent_database(
    backend: str, tmp_path: Path
) -> None:
    source = LiveSite(backend, tmp_path / "live")
    restored = LiveSite(backend, tmp_path / "restored")
    try:
        members = source.prepare(members=4)
        caseload = [source.user(f"harbor.member{n}") for n in (1, 2, 3, 4)]
        source.start()
        target = tmp_path / "peerpath.backup"
        ledger = Ledger()
        stopping: list[bool] = []
        counts: dict[str, int] = {}

        def keep_going() -> bool:
            return not stopping

        async def drive() -> subprocess.CompletedProcess[bytes]:
            writers = [
                checkin_writer(source, m, "form" if n % 2 else "api", ledger, keep_going)
                for n, m in enumerate(members)
            ]
            peer = source.user("harbor.peer1")
            writers.append(note_writer(source, peer, caseload, "form", ledger, keep_going))
            while len(ledger.checkins) < 10 or not ledger.notes:  # saves are under way
                await asyncio.sleep(0.1)
            counts["before"] = len(ledger.checkins) + len(ledger.notes)
            before = Ledger(checkins=list(ledger.checkins), notes=list(ledger.notes))
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "peerpath",
                "backup",
                str(target),
                env=source.env,
                cwd=ROOT,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            out, err = await process.communicate()
            counts["after"] = len(ledger.checkins) + len(ledger.notes)
            await asyncio.sleep(0.5)
            stopping.append(True)
            await asyncio.wait_for(asyncio.gather(*writers), timeout=60)
            ledger.checkins[:] = before.checkins  # what the backup must hold
            ledger.notes[:] = before.notes
            return subprocess.CompletedProcess(["backup"], process.returncode or 0, out, err)

        backup = run_async(drive())
        source.stop()

        assert backup.returncode == 0, backup.stderr
        assert counts["after"] > counts["before"], "no save was acknowledged during the backup"
        assert not ledger.server_errors, ledger.bad_bodies

        restored.database.dispose()
        done = peerpath(restored, "restore", str(target))
        assert done.returncode == 0, done.stdout + done.stderr

        assert missing_acknowledged(restored, ledger) == []
        assert half_written_notes(restored) == []
        assert orphans(restored.engine) == {}
        assert integrity_problems(restored.engine) == []
        assert_checkins_audited(restored.engine, members)

        current = peerpath(restored, "db", "current")
        assert current.returncode == 0, current.stderr
        assert f"database: {migrate.head()}" in current.stdout
        upgrade = peerpath(restored, "db", "upgrade")
        assert upgrade.returncode == 0, upgrade.stderr
        assert_app_serves_restored_checkins(restored, members[0].id)
    finally:
        source.stop()
        source.dispose()
        restored.dispose()


def assert_app_serves_restored_checkins(site: LiveSite, member_id: int) -> None:
    with site.engine.connect() as conn:
        stored = conn.scalar(
            select(func.count()).select_from(CheckIn).where(CheckIn.member_id == member_id)
        )
    token = site.session_token(site.user_by_id(member_id))
    app = create_app(site.settings, Database(site.settings))
    try:
        with TestClient(app, base_url=site.base_url) as client:
            client.cookies.set(SESSION_COOKIE, token)
            response = client.get(f"/api/v1/members/{member_id}/checkins?limit=400")
            assert response.status_code == 200, response.text
            assert len(response.json()) == stored
    finally:
        app.state.database.dispose()
