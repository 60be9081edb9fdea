"""Export everything about me: the JSON API, the .zip download and the printable page."""

from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerpath.db.models import AuditEvent, CheckIn, JournalEntry, User
from tests.conftest import Browser


def test_export_has_every_part_of_my_record(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    client.login("harbor.member1")

    data = client.get("/api/v1/me/export").json()

    assert data["format"] == "peerpath-member-export"
    assert data["account"]["username"] == "harbor.member1"
    checkins = db.scalar(select(func.count()).where(CheckIn.member_id == member.id))
    assert len(data["tables"]["checkins"]) == checkins > 0
    assert {row["member_id"] for row in data["tables"]["checkins"]} == {member.id}
    assert data["tables"]["goals"] and data["tables"]["objectives"]
    # the journal, decrypted for the member; never the ciphertext
    journal = data["tables"]["journal_entries"]
    entries = db.scalar(select(func.count()).where(JournalEntry.member_id == member.id))
    assert len(journal) == entries > 0
    assert all(isinstance(row["text"], str) and row["text"] for row in journal)
    assert all("ciphertext" not in row and "nonce" not in row for row in journal)
    # no secrets
    assert all("token_hash" not in row for row in data["tables"]["user_sessions"])
    # session notes about me (the organization lets members read them)
    assert data["tables"]["session_notes"]
    # the audit: who saw what, including peer1's reads in the demo
    assert data["audit"]
    assert all(set(row) >= {"occurred_at", "who", "what", "allowed"} for row in data["audit"])


def test_export_holds_nothing_of_anyone_else(client: Browser, demo: dict[str, User]) -> None:
    member = demo["harbor.member1"]
    client.login("harbor.member1")

    data = client.get("/api/v1/me/export").json()

    for table, rows in data["tables"].items():
        for row in rows:
            for column in ("member_id", "user_id"):
                if column in row:
                    assert row[column] == member.id, (table, row)


def test_export_is_audited_and_shows_in_the_audit_part(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    client.login("harbor.member1")
    client.get("/api/v1/me/export")

    events = db.scalars(
        select(AuditEvent).where(
            AuditEvent.subject_member_id == member.id, AuditEvent.action == "export:record"
        )
    ).all()
    assert len(events) == 1 and "records from" in events[0].detail
    again = client.get("/api/v1/me/export").json()
    assert any(row["action"] == "export:record" for row in again["audit"])


def test_download_is_a_zip_with_data_and_readme(client: Browser, demo: dict[str, User]) -> None:
    client.login("harbor.member1")

    response = client.get("/me/export/download")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert "attachment" in response.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == ["README.txt", "data.json"]
        data = json.loads(archive.read("data.json"))
        readme = archive.read("README.txt").decode()
    assert data["tables"]["checkins"] and data["audit"]
    assert "data.json" in readme and "harbor.member1" in readme


def test_printable_view_shows_my_record_and_the_audit(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("harbor.member1")

    page = client.get("/me/export/print")

    assert page.status_code == 200
    assert "Check-ins" in page.text and "Journal" in page.text
    assert "Who has looked at my record" in page.text
    assert 'media="print"' in page.text


def test_notes_left_out_when_the_organization_hides_them(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    org = demo["harbor.member1"].organization
    org.settings = {**(org.settings or {}), "member_reads_notes": False}
    db.commit()
    client.login("harbor.member1")

    data = client.get("/api/v1/me/export").json()

    assert "session_notes" not in data["tables"]
    assert any("Session notes" in line for line in data["not_included"])


def test_only_members_export_and_only_themselves(client: Browser, demo: dict[str, User]) -> None:
    client.login("harbor.peer1")

    assert client.get("/api/v1/me/export").status_code == 403
    assert client.get("/me/export/download").status_code == 403
