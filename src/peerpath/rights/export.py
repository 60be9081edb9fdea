"""Export everything about me: one builder walks the registry and returns plain JSON data.

`build_export` is the only place the export's content is decided; the JSON API, the .zip
download (data.json + README.txt) and the printable page all use what it returns. The 42 CFR
Part 2 disclosure notice (issue 6, later) can wrap this one function.
"""

from __future__ import annotations

import enum
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.core import access, audit
from peerpath.core.access import Action, Section
from peerpath.core.audit import Viewer
from peerpath.core.crypto import CryptoError, Keyring, associated_data
from peerpath.db.base import utcnow
from peerpath.db.models import AuditEvent, Role, User
from peerpath.rights.registry import REGISTRY, MemberTable, rows_of

FORMAT = "peerpath-member-export"
FORMAT_VERSION = 1

SECTION_NAMES = {
    Section.PROFILE: "Account, profile and relationships",
    Section.PLAN: "Recovery plan",
    Section.WELLNESS_PLAN: "Wellness and crisis plan",
    Section.CRISIS_PLAN: "Crisis plan",
    Section.CHECKINS: "Check-ins, tools and setbacks",
    Section.MEASURES: "Questionnaires",
    Section.NOTES: "Session notes",
    Section.JOURNAL: "Journal",
    Section.AUDIT: "Who has looked at my record",
}

README = """\
peerpath: everything about you
==============================

This archive holds a copy of everything peerpath keeps about you, made on {exported_at}
(UTC) for {display_name} ({username}) at {organization}.

Files
-----
data.json   All of your data, as JSON (UTF-8). Open it with any text editor, or load it
            into another program. Its parts:
            - "account": your account (username, name, email, role, dates).
            - "tables": one list per kind of record, named by the table it comes from
              (for example "checkins", "goals", "journal_entries"). Each record keeps every
              field peerpath stores, except secrets (password and sign-in token hashes)
              and the encrypted form of your journal: journal entries are decrypted for
              you into a "text" field.
            - "audit": who has looked at or changed your record, when, and whether they
              were allowed. This part comes from the audit log, which nobody can change.
            - "titles": a plain-language name for each table.
            - "not_included": anything left out of this copy, and why.
README.txt  This file.

For a version to read or print, open "Print my record" on the export page in peerpath.
Keep this file somewhere safe: it contains your private journal.
"""


def _plain(value: Any) -> Any:
    """A JSON-ready copy of a database value."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class ExportPart:
    entry: MemberTable
    rows: list[dict[str, Any]]


def _rows(db: Session, keyring: Keyring | None, entry: MemberTable, member: User) -> list[Any]:
    out = []
    for row in db.execute(rows_of(entry, member.organization_id, member.id)).mappings():
        item = {k: _plain(v) for k, v in row.items() if k not in entry.omit}
        if entry.encrypted:
            item["text"] = _decrypted(keyring, row)
        out.append(item)
    return out


def _decrypted(keyring: Keyring | None, row: Any) -> str | None:
    if keyring is None:
        return None
    try:
        return keyring.decrypt(
            row["key_id"],
            row["nonce"],
            row["ciphertext"],
            associated_data(row["organization_id"], row["member_id"]),
        )
    except CryptoError:
        return None


def _audit_rows(db: Session, member: User) -> list[dict[str, Any]]:
    from peerpath.home.service import ACTION_WORDS

    events = db.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.organization_id == member.organization_id,
            AuditEvent.subject_member_id == member.id,
        )
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    ).all()
    names = dict(
        db.execute(
            select(User.id, User.display_name).where(
                User.id.in_({e.actor_user_id for e in events if e.actor_user_id})
            )
        ).all()
    )
    rows = []
    for event in events:
        role = Role(event.actor_role).label if event.actor_role in set(Role) else ""
        if event.actor_user_id == member.id:
            who = "You"
        elif event.actor_user_id is None:
            who = "peerpath"
        else:
            who = names.get(event.actor_user_id, event.actor_username)
        what = ACTION_WORDS.get(event.action, event.action.replace(":", " ").replace("_", " "))
        rows.append(
            {
                "occurred_at": _plain(event.occurred_at),
                "who": who,
                "role": role,
                "action": event.action,
                "what": what if event.allowed else "tried to open your record and was refused",
                "record_type": event.record_type,
                "record_id": event.record_id,
                "allowed": event.allowed,
            }
        )
    return rows


def build_export(
    db: Session, keyring: Keyring | None, viewer: Viewer, member_id: int
) -> dict[str, Any]:
    """Everything about member `member_id`, for that member (anyone else: NotFound).

    Each part is included when the access policy lets the member read its section (session
    notes, for example, only while the organization lets members read them). Audited."""
    # Only the member holds AUDIT read: the export is the member's own, and this is audited.
    member = access.member_for_viewer(
        db, viewer, member_id, Section.AUDIT, Action.READ, record_type="member_export"
    )
    tables: dict[str, list[dict[str, Any]]] = {}
    titles: dict[str, str] = {}
    not_included: list[str] = []
    readable = {
        section: access.can(db, viewer.user, member, section, Action.READ) for section in Section
    }
    for entry in REGISTRY:
        if not readable[entry.section]:
            if entry.section == Section.NOTES and entry.table == "session_notes":
                not_included.append(
                    "Session notes: your organization does not show session notes to members. "
                    "Ask your organization for a copy."
                )
            continue
        if entry.table == "audit_events":
            continue  # the "audit" part below, in words
        tables[entry.table] = _rows(db, keyring, entry, member)
        titles[entry.table] = entry.title
    account = {
        "id": member.id,
        "username": member.username,
        "display_name": member.display_name,
        "email": member.email,
        "role": member.role.value,
        "created_at": _plain(member.created_at),
        "is_active": member.is_active,
    }
    data: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": _plain(utcnow()),
        "organization": member.organization.name,
        "account": account,
        "titles": titles,
        "tables": tables,
        "audit": _audit_rows(db, member),
        "not_included": not_included,
    }
    counts = {name: len(rows) for name, rows in tables.items() if rows}
    audit.record(
        db,
        viewer=viewer,
        action="export:record",
        record_type="member_export",
        record_id=member.id,
        subject_member_id=member.id,
        allowed=True,
        detail=f"{sum(counts.values())} records from {len(counts)} tables, "
        f"{len(data['audit'])} audit entries",
    )
    return data


def export_zip(data: dict[str, Any]) -> bytes:
    """The download: data.json and README.txt in a .zip (stdlib zipfile)."""
    buffer = io.BytesIO()
    account = data["account"]
    readme = README.format(
        exported_at=data["exported_at"],
        display_name=account["display_name"],
        username=account["username"],
        organization=data["organization"],
    )
    if data.get("disclosure"):
        # A copy made for someone else (peerpath.sharing.part2): who it is for, and the
        # 42 CFR Part 2 notice first when protected records are in it.
        readme = _disclosure_preamble(data) + readme
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr("README.txt", readme)
    return buffer.getvalue()


def _disclosure_preamble(data: dict[str, Any]) -> str:
    import textwrap

    from peerpath.sharing.part2.service import NOTICE_TITLE

    disclosure = data["disclosure"]
    lines = []
    if data.get("part2_notice"):
        lines += [NOTICE_TITLE.upper(), "", textwrap.fill(data["part2_notice"], 78), ""]
    lines += [
        textwrap.fill(
            f"Made by {data['account']['display_name']} for {disclosure['recipient']}, "
            f"for this purpose: {disclosure['purpose']}",
            78,
        ),
        "",
        "",
    ]
    return "\n".join(lines)


def export_filename(data: dict[str, Any]) -> str:
    return f"peerpath-export-{data['exported_at'][:10]}.zip"


# ---- the printable view -----------------------------------------------------------------


@dataclass(frozen=True)
class PrintPart:
    table: str
    title: str
    columns: list[str]
    rows: list[dict[str, Any]]


HIDDEN_IN_PRINT = {"organization_id", "member_id", "user_id", "version"}


def printable(data: dict[str, Any]) -> list[PrintPart]:
    """The export as titled parts with readable column names, for the print page."""
    parts = []
    for table, rows in data["tables"].items():
        columns: list[str] = []
        for row in rows:
            for key in row:
                if key not in HIDDEN_IN_PRINT and key not in columns:
                    columns.append(key)
        parts.append(PrintPart(table, data["titles"].get(table, table), columns, rows))
    return parts


def label(column: str) -> str:
    return column.removesuffix("_id").replace("_", " ").capitalize()


def shown(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
