"""The billing export: signed billable services in a date range, with units from the
organization's rules and each member's daily cap applied (units beyond it are not billed).

Admins run it. It names the member and the contact, never what the note says.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from peerpath.core import access, audit
from peerpath.core.audit import Viewer
from peerpath.core.errors import Invalid
from peerpath.core.org_settings import BillingRule, OrgSettings, org_settings
from peerpath.db.models import NoteStatus, Role, SessionNote, User
from peerpath.workspace.billing.rules import (
    Service,
    apply_daily_caps,
    csv_safe,
    rule_for,
    units_for,
)

BILLED_STATUSES = (NoteStatus.SIGNED, NoteStatus.APPROVED)
MAX_DAYS = 366
COLUMNS = (
    "contact_date",
    "member_id",
    "member",
    "peer_specialist",
    "service_code",
    "modality",
    "start_time",
    "end_time",
    "minutes",
    "units",
    "units_billed",
    "units_over_cap",
    "note_id",
)


@dataclass(frozen=True)
class ServiceLine:
    contact_date: date
    member_id: int
    member: str
    peer_specialist: str
    service_code: str
    modality: str
    start_time: time | None
    end_time: time | None
    minutes: int
    units: int
    units_billed: int
    units_over_cap: int
    note_id: int


def rules(viewer: Viewer) -> list[BillingRule]:
    access.require_role(viewer, Role.ADMIN)
    return org_settings(viewer.user.organization).billing_rules


def check_range(start: date | None, end: date | None) -> tuple[date, date]:
    errors: dict[str, str] = {}
    if start is None:
        errors["start"] = "From: please enter a date like 2026-03-01."
    if end is None:
        errors["end"] = "To: please enter a date like 2026-03-31."
    if start and end and end < start:
        errors["end"] = "To: please choose a day on or after the first day."
    if start and end and (end - start).days >= MAX_DAYS:
        errors["end"] = f"To: please export at most {MAX_DAYS} days at a time."
    if errors or start is None or end is None:
        raise Invalid("Please check the dates.", errors=errors)
    return start, end


def services(db: Session, viewer: Viewer, start: date, end: date) -> list[ServiceLine]:
    """Signed (or approved) billable notes from `start` to `end`, both included."""
    access.require_role(viewer, Role.ADMIN)
    start, end = check_range(start, end)
    rule_list = rules(viewer)
    member, author = aliased(User), aliased(User)
    rows = db.execute(
        select(SessionNote, member.display_name, author.display_name)
        .join(member, member.id == SessionNote.member_id)
        .join(author, author.id == SessionNote.author_id)
        .where(
            SessionNote.organization_id == viewer.org_id,
            SessionNote.billable.is_(True),
            SessionNote.status.in_(BILLED_STATUSES),
            SessionNote.contact_date >= start,
            SessionNote.contact_date <= end,
        )
        .order_by(
            SessionNote.contact_date,
            SessionNote.member_id,
            SessionNote.start_time,
            SessionNote.id,
        )
    ).all()
    items: list[Service] = []
    for note, member_name, author_name in rows:
        rule = rule_for(note.modality, rule_list)
        if rule is None:
            continue
        items.append(
            Service(
                ref=(note, member_name, author_name),
                key=(note.member_id, note.contact_date, rule.service_code),
                units=units_for(note.minutes, rule),
            )
        )
    caps = {rule.service_code: rule.daily_cap_units for rule in reversed(rule_list)}
    lines = []
    for billed in apply_daily_caps(items, caps):
        note, member_name, author_name = billed.service.ref  # type: ignore[misc]
        lines.append(
            ServiceLine(
                contact_date=note.contact_date,
                member_id=note.member_id,
                member=member_name,
                peer_specialist=author_name,
                service_code=str(billed.service.key[-1]),
                modality=note.modality.value,
                start_time=note.start_time,
                end_time=note.end_time,
                minutes=note.minutes or 0,
                units=billed.service.units,
                units_billed=billed.billed_units,
                units_over_cap=billed.over_cap,
                note_id=note.id,
            )
        )
    audit.record(
        db,
        viewer=viewer,
        action="export:billing",
        record_type="billing_export",
        record_id=f"{start.isoformat()}..{end.isoformat()}",
        allowed=True,
        detail=f"{len(lines)} services",
    )
    return lines


def to_csv(lines: Sequence[ServiceLine]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for line in lines:
        writer.writerow(
            [
                csv_safe(value.strftime("%H:%M") if isinstance(value, time) else value)
                for value in (getattr(line, column) for column in COLUMNS)
            ]
        )
    return out.getvalue()


# ---- the organization's review and billing settings ---------------------------------------


REVIEW_CHOICES = ("none", "billable", "all")


def update_settings(
    db: Session,
    viewer: Viewer,
    *,
    notes_needing_review: str | None = None,
    billing_rules: Sequence[BillingRule] | None = None,
) -> OrgSettings:
    """Change which notes wait for review and the billing rules; audited like other settings."""
    access.require_role(viewer, Role.ADMIN)
    organization = viewer.user.organization
    before = org_settings(organization)
    values = before.model_dump(mode="json")
    if notes_needing_review is not None:
        if notes_needing_review not in REVIEW_CHOICES:
            raise Invalid(
                "Nothing was changed.",
                errors={"notes_needing_review": "Please choose none, billable or all."},
            )
        values["notes_needing_review"] = notes_needing_review
    if billing_rules is not None:
        codes = [rule.service_code for rule in billing_rules]
        if len(set(codes)) != len(codes):
            raise Invalid(
                "Nothing was changed.",
                errors={"billing_rules": "Each service code appears in one rule only."},
            )
        values["billing_rules"] = [rule.model_dump(mode="json") for rule in billing_rules]
    after = OrgSettings.model_validate(values)
    changed = [
        name
        for name in ("notes_needing_review", "billing_rules")
        if getattr(before, name) != getattr(after, name)
    ]
    if changed:
        organization.settings = {**(organization.settings or {}), **after.model_dump(mode="json")}
        db.flush()
    audit.record(
        db,
        viewer=viewer,
        action="update:settings",
        record_type="organization",
        record_id=organization.id,
        allowed=True,
        detail=", ".join(changed) or "no change",
    )
    return after
