"""Leaving the programme, and erasing a member's data once the retention period is over.

Leaving closes the member's own account at once (signed out everywhere, API tokens revoked).
The organization's `retention_days_after_leaving` setting decides when the data is erased;
`peerpath retention run` erases what is due: every erasable table in the rights registry,
children before parents. The audit log stays (append-only, and it never held content); the
account row stays too, anonymised, because other records name their authors. What was erased
is logged as counts per table, never content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from peerpath.accounts import service as accounts
from peerpath.core import access, audit
from peerpath.core.access import Action, Section
from peerpath.core.audit import Viewer
from peerpath.core.errors import Invalid
from peerpath.core.org_settings import RETENTION_DAYS_MAX, RETENTION_DAYS_MIN, org_settings
from peerpath.db.base import utcnow
from peerpath.db.models import ApiToken, MemberDeparture, Organization, Role, User
from peerpath.rights.registry import belongs_to, erase_order, table_of

CONFIRM_WORD = "leave"
ERASED_NAME = "Former member"


def retention_days(organization: Organization) -> int:
    return org_settings(organization).retention_days_after_leaving


def erase_due(organization: Organization, left_at: datetime) -> datetime:
    return left_at + timedelta(days=retention_days(organization))


def leave(db: Session, viewer: Viewer, member_id: int, confirm: str) -> MemberDeparture:
    """The member closes their own account. Anyone else: NotFound (audited)."""
    member = access.member_for_viewer(
        db, viewer, member_id, Section.AUDIT, Action.WRITE, record_type="account"
    )
    if confirm.strip().lower() != CONFIRM_WORD:
        raise Invalid(
            "Your account is still open: nothing has changed.",
            errors={"confirm": f'To confirm, type the word "{CONFIRM_WORD}" in this box.'},
        )
    now = utcnow()
    departure = db.scalar(
        select(MemberDeparture).where(
            MemberDeparture.organization_id == member.organization_id,
            MemberDeparture.member_id == member.id,
        )
    )
    if departure is None:
        departure = MemberDeparture(
            organization_id=member.organization_id,
            member_id=member.id,
            left_at=now,
            erased_counts={},
        )
        db.add(departure)
    else:  # left before, came back, and leaves again: the clock starts again
        departure.left_at = now
        departure.erased_at = None
        departure.erased_counts = {}
    member.is_active = False
    member.deactivated_at = now
    accounts.end_all_sessions(db, member.id)
    for token in db.scalars(
        select(ApiToken).where(ApiToken.user_id == member.id, ApiToken.revoked_at.is_(None))
    ):
        token.revoked_at = now
    audit.record(
        db,
        viewer=viewer,
        action="leave",
        record_type="user",
        record_id=member.id,
        subject_member_id=member.id,
        allowed=True,
        detail=f"data kept {retention_days(member.organization)} days after leaving",
    )
    db.flush()
    return departure


# ---- erasing -------------------------------------------------------------------------------


@dataclass
class Erasure:
    member_id: int
    organization_id: int
    left_at: datetime
    due_at: datetime
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        parts = ", ".join(f"{table} {n}" for table, n in self.counts.items() if n)
        return parts or "no rows"


@dataclass
class RetentionReport:
    erased: list[Erasure] = field(default_factory=list)
    not_due: int = 0
    came_back: int = 0


def count_member_rows(db: Session, member: User) -> dict[str, int]:
    """Rows of the member's in every erasable registry table (what an erasure would delete)."""
    counts = {}
    for entry in erase_order():
        table = table_of(entry)
        counts[entry.table] = (
            db.scalar(
                select(func.count())
                .select_from(table)
                .where(belongs_to(entry, member.organization_id, member.id))
            )
            or 0
        )
    return counts


def erase_member(db: Session, member: User) -> dict[str, int]:
    """Delete the member's rows from every erasable registry table, children first, and
    anonymise the account row. Returns rows deleted per table."""
    counts = count_member_rows(db, member)
    for entry in erase_order():
        if counts[entry.table]:
            db.execute(
                delete(table_of(entry)).where(belongs_to(entry, member.organization_id, member.id)),
                execution_options={"synchronize_session": False},
            )
    member.username = f"erased-member-{member.id}"
    member.display_name = ERASED_NAME
    member.email = None
    member.password_hash = None
    member.is_active = False
    db.flush()
    db.expire_all()
    return counts


def _chunks(erasure: Erasure, limit: int = 300) -> list[str]:
    head = f"retention run erased {erasure.total} rows:"
    chunks, current = [], head
    for table, n in erasure.counts.items():
        if not n:
            continue
        part = f" {table} {n};"
        if len(current) + len(part) > limit:
            chunks.append(current)
            current = "retention run erased (continued):"
        current += part
    chunks.append(current)
    return chunks


def run(db: Session, *, dry_run: bool = False, now: datetime | None = None) -> RetentionReport:
    """Erase every member whose retention period after leaving is over. With dry_run, only
    count what would be erased (the caller rolls back; nothing is written here either)."""
    moment = now or utcnow()
    report = RetentionReport()
    departures = db.scalars(
        select(MemberDeparture)
        .where(MemberDeparture.erased_at.is_(None))
        .order_by(MemberDeparture.left_at, MemberDeparture.id)
    ).all()
    for departure in departures:
        member = db.get(User, departure.member_id)
        if member is None:
            continue
        if member.is_active:
            # Reactivated by their organization after leaving: nothing is erased.
            report.came_back += 1
            continue
        due = erase_due(member.organization, departure.left_at)
        if due > moment:
            report.not_due += 1
            continue
        erasure = Erasure(member.id, member.organization_id, departure.left_at, due)
        if dry_run:
            erasure.counts = count_member_rows(db, member)
        else:
            erasure.counts = erase_member(db, member)
            departure = db.get(MemberDeparture, departure.id) or departure
            departure.erased_at = moment
            departure.erased_counts = {k: v for k, v in erasure.counts.items() if v}
            # Counts per table (never content); as many audit rows as the detail needs.
            for detail in _chunks(erasure):
                audit.record(
                    db,
                    action="erase",
                    record_type="member",
                    record_id=member.id,
                    subject_member_id=member.id,
                    organization_id=member.organization_id,
                    allowed=True,
                    detail=detail,
                )
            db.flush()
        report.erased.append(erasure)
    return report


# ---- the organization's retention setting -------------------------------------------------


def retention_setting(db: Session, viewer: Viewer) -> int:
    access.require_role(viewer, Role.ADMIN)
    return retention_days(viewer.user.organization)


def set_retention_days(db: Session, viewer: Viewer, raw: object) -> int:
    """An admin sets how many days a member's data is kept after they leave."""
    access.require_role(viewer, Role.ADMIN)
    days: int | None = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        days = raw
    elif isinstance(raw, str) and raw.strip().isdigit() and len(raw.strip()) < 7:
        days = int(raw.strip())
    if days is None or not RETENTION_DAYS_MIN <= days <= RETENTION_DAYS_MAX:
        raise Invalid(
            "The setting was not changed.",
            errors={
                "retention_days_after_leaving": "Please enter a whole number of days from "
                f"{RETENTION_DAYS_MIN} to {RETENTION_DAYS_MAX}."
            },
        )
    organization = viewer.user.organization
    before = retention_days(organization)
    if before != days:
        organization.settings = {
            **(organization.settings or {}),
            "retention_days_after_leaving": days,
        }
        db.flush()
    audit.record(
        db,
        viewer=viewer,
        action="update:settings",
        record_type="organization",
        record_id=organization.id,
        allowed=True,
        detail=f"retention_days_after_leaving: {before} → {days}"
        if before != days
        else "no change",
    )
    return days
