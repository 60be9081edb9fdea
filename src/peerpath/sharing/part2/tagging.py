"""Tagging: a record created while its member is enrolled in a 42 CFR Part 2 programme gets a
Part2Record row (record_type = its table, record_id = its id).

One generic Session `after_flush` hook does it for every table of member data: the rights
registry (peerpath.rights.registry.REGISTRY) already lists each table with the column naming
its member, so a new table is covered the day it is registered. Only top-level tables with a
member column are tagged; child rows (objectives under goals, addenda under notes, ...) are
covered by their parent's tag.

Tables tagged: every table of the record's content sections (plan, wellness and crisis plan,
check-ins, questionnaires, journal, session notes) plus the few profile-section tables that
say something about the member's care (appointments, group attendance, amendment requests).
Account plumbing (sessions, tokens, invitations, caseload and supporter links, programme
enrolments, sharing grants, consents, the tags themselves, disclosures, the audit log) is never
tagged.

Cost: a flush with no new member record does nothing. A flush with new member records runs one
small query on the indexed program_enrollments (organization_id, member_id), joined to the
organization's Part 2 programmes; when the organization has none it finds nothing and inserts
nothing. Rows inserted in bulk with Core statements (the scale loader, migrations) are not seen
by the hook and are not tagged.

A tag is never removed by this hook: a record created under Part 2 stays protected even after
the enrolment ends or the programme is unmarked. Marking a programme Part 2 applies to records
created from then on.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from sqlalchemy import and_, event, insert, or_, select
from sqlalchemy.orm import Session

from peerpath.db.models import Organization, Part2Record, Program, ProgramEnrollment

# Content sections: every registry table of these sections with a member column is tagged.
CONTENT_SECTIONS = frozenset(
    {"plan", "wellness_plan", "crisis_plan", "checkins", "measures", "journal", "notes"}
)
# Profile-section tables that hold something about the member's care.
TAGGED_PROFILE_TABLES = frozenset({"appointments", "group_attendance", "amendment_requests"})
# Never tagged, whatever section the registry gives them.
NEVER_TAGGED = frozenset(
    {"part2_records", "part2_consents", "disclosures", "sharing_grants", "audit_events"}
)


@cache
def taggable_tables() -> dict[str, str]:
    """Table name -> the column naming its member, for the tables the hook tags."""
    from peerpath.rights.registry import REGISTRY

    return {
        entry.table: entry.member_column
        for entry in REGISTRY
        if entry.member_column is not None
        and entry.table not in NEVER_TAGGED
        and (entry.section.value in CONTENT_SECTIONS or entry.table in TAGGED_PROFILE_TABLES)
    }


def part2_enrolments(
    session: Session, members: set[tuple[int, int]], today_by_org: dict[int, date]
) -> dict[tuple[int, int], int]:
    """(organization id, member id) -> the Part 2 programme the member is enrolled in today
    (the lowest id when several), for the given members. One query."""
    by_org: dict[int, set[int]] = {}
    for org_id, member_id in members:
        by_org.setdefault(org_id, set()).add(member_id)
    conditions = [
        and_(
            ProgramEnrollment.organization_id == org_id,
            ProgramEnrollment.member_id.in_(sorted(ids)),
            ProgramEnrollment.start_date <= today_by_org[org_id],
            or_(
                ProgramEnrollment.end_date.is_(None),
                ProgramEnrollment.end_date >= today_by_org[org_id],
            ),
        )
        for org_id, ids in sorted(by_org.items())
    ]
    rows = session.execute(
        select(
            ProgramEnrollment.organization_id,
            ProgramEnrollment.member_id,
            ProgramEnrollment.program_id,
        )
        .join(
            Program,
            and_(
                Program.organization_id == ProgramEnrollment.organization_id,
                Program.id == ProgramEnrollment.program_id,
            ),
        )
        .where(Program.is_part2.is_(True), or_(*conditions))
        .order_by(ProgramEnrollment.program_id.desc())
    ).all()
    # Descending order: the lowest programme id is written last and wins.
    return {(org_id, member_id): program_id for org_id, member_id, program_id in rows}


def _today(session: Session, organization_id: int) -> date:
    from peerpath.core.access import org_today

    organization = session.get(Organization, organization_id)
    assert organization is not None
    return org_today(organization)


@event.listens_for(Session, "after_flush")
def _tag_new_records(session: Session, flush_context: object) -> None:
    """Tag each member record this flush inserted while its member is in a Part 2 programme."""
    tables = taggable_tables()
    new: dict[tuple[int, int], list[tuple[str, int]]] = {}
    for obj in session.new:
        table = getattr(obj, "__tablename__", None)
        column = tables.get(table) if isinstance(table, str) else None
        if column is None:
            continue
        org_id = getattr(obj, "organization_id", None)
        member_id = getattr(obj, column, None)
        record_id = getattr(obj, "id", None)
        if org_id is None or member_id is None or record_id is None:
            continue
        new.setdefault((org_id, member_id), []).append((str(table), record_id))
    if not new:
        return
    today_by_org = {org_id: _today(session, org_id) for org_id, _ in new}
    enrolled = part2_enrolments(session, set(new), today_by_org)
    rows = [
        {
            "organization_id": org_id,
            "member_id": member_id,
            "program_id": program_id,
            "record_type": record_type,
            "record_id": record_id,
        }
        for (org_id, member_id), program_id in sorted(enrolled.items())
        for record_type, record_id in new[(org_id, member_id)]
    ]
    if rows:
        session.connection().execute(insert(Part2Record), rows)
