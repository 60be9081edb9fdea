"""The organization outcomes dashboard: what it counts, for one period and programme.

Admins and supervisors of the organization see it. Nothing here lists or ranks people: every
figure is a count or a summary over a group, and every figure under 11, or derived from fewer
than 11 people, is suppressed (with complementary suppression, see suppression.py).

Definitions (also in docs/outcomes.md):

- Members in scope: every member account of the organization, or with a programme chosen, the
  members enrolled in it at some time in the period.
- Served: in scope and with an account open at some time in the period (programme: enrolled in
  the period). New: account created (programme: first enrolled) in the period. Active: served
  and with at least one contact, check-in, questionnaire or group session in the period.
- Contacts: session notes (any status but draft) with a contact date in the period, by author
  and modality. Billable units: signed or approved billable notes, units from the
  organization's billing rules with the daily caps applied (as the billing export does).
- Plan reviews: each member's latest signed plan version as of the period's end. Due: its
  review date falls in the period. Overdue: its review date is before the end of the period
  (or today, if earlier) and no newer plan version has replaced it.
- Goals: goals whose status changed to achieved, paused or let go in the period.
- Check-in engagement: members with at least one check-in in the period; median number of
  days with a check-in among them.
- Group attendance: group sessions held (not cancelled) in the period, attendances, and
  members who came to at least one.
- Change from first to latest: for each member with two or more check-ins in the period, the
  rating on their latest check-in minus the one on their first, per wellness dimension (when
  rated on both days), and the same for each questionnaire score.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, String, and_, func, or_, select, true, type_coerce
from sqlalchemy.orm import Session

from peerpath.checkins.measures.registry import MEASURES
from peerpath.core import access, audit
from peerpath.core.audit import Viewer
from peerpath.core.errors import Invalid, NotFound
from peerpath.core.org_settings import org_settings
from peerpath.db.models import (
    CheckIn,
    Goal,
    GoalStatus,
    GroupAttendance,
    GroupSession,
    MeasureResponse,
    NoteModality,
    NoteStatus,
    Organization,
    PlanVersion,
    Program,
    ProgramEnrollment,
    Role,
    SessionNote,
    User,
)
from peerpath.db.session import report
from peerpath.outcomes import cache
from peerpath.outcomes.suppression import THRESHOLD, Grid, line_table
from peerpath.outcomes.tables import Cell, Dashboard, Row, Table, count
from peerpath.plans.vocabulary import DIMENSIONS
from peerpath.workspace.billing.rules import Service, apply_daily_caps, rule_for, units_for

MAX_DAYS = 731
BILLED_STATUSES = (NoteStatus.SIGNED, NoteStatus.APPROVED)
GOAL_STATUSES = (
    (GoalStatus.ACHIEVED, "Achieved"),
    (GoalStatus.PAUSED, "Paused"),
    (GoalStatus.LET_GO, "Let go"),
)
ENGAGEMENT_BUCKETS = (("1-7", "1 to 7 days", 1, 7), ("8-30", "8 to 30 days", 8, 30))
ENGAGEMENT_LAST = ("31+", "31 days or more")
GROUP_BUCKETS = (("1", "1 session", 1, 1), ("2-4", "2 to 4 sessions", 2, 4))
GROUP_LAST = ("5+", "5 sessions or more")
CHANGE_COLUMNS = (
    ("people", "Members"),
    ("mean", "Mean change"),
    ("higher", "Higher (improved)"),
    ("same", "Same"),
    ("lower", "Lower"),
)
EXTRA_RATINGS = {"hope": "Hope", "connection": "Connection"}


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Query:
    organization_id: int
    program_id: int | None
    period: Period
    today: date


def roles_allowed(viewer: Viewer) -> None:
    access.require_role(viewer, Role.ADMIN, Role.SUPERVISOR)


def org_today(viewer: Viewer) -> date:
    zone = ZoneInfo(org_settings(viewer.user.organization).timezone)
    return datetime.now(zone).date()


def parse_period(start: date | None, end: date | None, today: date) -> Period:
    """Default: the year up to today. Both days are included."""
    errors: dict[str, str] = {}
    end = end or today
    start = start or (end - timedelta(days=364))
    if end < start:
        errors["to"] = "To: please choose a day on or after the first day."
    elif (end - start).days >= MAX_DAYS:
        errors["to"] = "To: please choose a period of at most two years."
    if errors:
        raise Invalid("Please check the dates.", errors=errors)
    return Period(start, end)


def programs(db: Session, organization_id: int) -> list[Program]:
    return list(
        db.scalars(
            select(Program).where(Program.organization_id == organization_id).order_by(Program.name)
        )
    )


def program_in_org(db: Session, viewer: Viewer, program_id: int | None) -> Program | None:
    if program_id is None:
        return None
    program = db.get(Program, program_id)
    if program is None or program.organization_id != viewer.org_id:
        raise NotFound()
    return program


def dashboard(
    db: Session, viewer: Viewer, start: date | None, end: date | None, program_id: int | None
) -> Dashboard:
    """The dashboard for the viewer's organization, from the cache when the data is unchanged."""
    roles_allowed(viewer)
    today = org_today(viewer)
    period = parse_period(start, end, today)
    program = program_in_org(db, viewer, program_id)
    query = Query(viewer.org_id, program.id if program else None, period, today)
    audit.record(
        db,
        viewer=viewer,
        action="read:outcomes",
        record_type="outcomes_dashboard",
        record_id=f"{period.start.isoformat()}..{period.end.isoformat()}"
        + (f" program {program.id}" if program else ""),
        allowed=True,
    )
    return cached(db, query, viewer.summary.organization_name, program)


def cached(db: Session, query: Query, org_name: str, program: Program | None) -> Dashboard:
    version = cache.data_version(db, query.organization_id)
    program_name = program.name if program else "All programmes"

    def compute_apart() -> Dashboard:
        # A miss computes for up to a second: in the report process, at a lower priority,
        # so other people's pages do not wait for it (db/reports.py).
        return report(db, compute, query, org_name, program_name)

    return cache.DASHBOARDS.get_or_compute(query, version, compute_apart)


# ---- computing ------------------------------------------------------------------------------


class _Context:
    def __init__(self, db: Session, query: Query) -> None:
        self.db = db
        self.q = query
        self.org_id = query.organization_id
        self.period = query.period
        zone = ZoneInfo(self._timezone())
        self.start_dt = datetime.combine(query.period.start, time(0), zone).astimezone(UTC)
        self.end_dt = datetime.combine(
            query.period.end + timedelta(days=1), time(0), zone
        ).astimezone(UTC)
        self.scope: Select[Any] | None = None
        if query.program_id is not None:
            self.scope = select(ProgramEnrollment.member_id).where(
                ProgramEnrollment.organization_id == self.org_id,
                ProgramEnrollment.program_id == query.program_id,
                ProgramEnrollment.start_date <= query.period.end,
                (ProgramEnrollment.end_date.is_(None))
                | (ProgramEnrollment.end_date >= query.period.start),
            )

    def _timezone(self) -> str:
        organization = self.db.get(Organization, self.org_id)
        return org_settings(organization).timezone if organization else "UTC"

    def in_scope(self, column: Any) -> ColumnElement[bool]:
        return true() if self.scope is None else column.in_(self.scope)


def compute(db: Session, query: Query, org_name: str, program_name: str) -> Dashboard:
    ctx = _Context(db, query)
    spans = _checkin_spans(ctx)
    checkin_counts = {member: span.days for member, span in spans.items()}
    measures = _measures(ctx)
    attendance = _attendance(ctx)
    active_ids = (
        _note_members(ctx)
        | set(checkin_counts)
        | {m[0] for m in measures}
        | {member for member, _session in attendance}
    )
    tables = [
        _members(ctx, active_ids),
        *_contacts_and_units(ctx),
        _plan_reviews(ctx),
        _goals(ctx),
        *_engagement(checkin_counts),
        *_groups(ctx, attendance),
        _wellness_change(ctx),
        _measure_change(measures),
    ]
    return Dashboard(
        organization=org_name,
        period_from=query.period.start.isoformat(),
        period_to=query.period.end.isoformat(),
        program_id=query.program_id,
        program_name=program_name,
        as_of=query.today.isoformat(),
        tables=tuple(tables),
    )


def _figures(key: str, title: str, caption: str, items: Sequence[tuple[str, str, int]]) -> Table:
    rows = tuple(Row(k, label, (count(value, value < THRESHOLD),)) for k, label, value in items)
    return Table(key, title, caption, "Measure", (("count", "Count"),), rows)


# members served, new, active


def _members(ctx: _Context, active_ids: set[int]) -> Table:
    db, p = ctx.db, ctx.period
    if ctx.scope is None:
        rows = db.execute(
            select(User.id, User.created_at).where(
                User.organization_id == ctx.org_id,
                User.role == Role.MEMBER,
                User.created_at < ctx.end_dt,
                (User.deactivated_at.is_(None)) | (User.deactivated_at >= ctx.start_dt),
            )
        ).all()
        served = {r[0] for r in rows}
        new = {r[0] for r in rows if r[1] >= ctx.start_dt}
    else:
        enrolled = db.scalars(
            select(ProgramEnrollment.member_id)
            .where(
                ProgramEnrollment.organization_id == ctx.org_id,
                ProgramEnrollment.program_id == ctx.q.program_id,
                ProgramEnrollment.start_date <= p.end,
                (ProgramEnrollment.end_date.is_(None)) | (ProgramEnrollment.end_date >= p.start),
            )
            .group_by(ProgramEnrollment.member_id)
        ).all()
        first_enrolled = dict(
            db.execute(
                select(ProgramEnrollment.member_id, func.min(ProgramEnrollment.start_date))
                .where(
                    ProgramEnrollment.organization_id == ctx.org_id,
                    ProgramEnrollment.program_id == ctx.q.program_id,
                )
                .group_by(ProgramEnrollment.member_id)
            ).all()
        )
        served = set(enrolled)
        new = {m for m in served if first_enrolled.get(m, p.start) >= p.start}
    active = served & active_ids
    return _figures(
        "members",
        "Members served",
        "Members served, new and active in the period",
        [
            ("served", "Members served", len(served)),
            ("new", "New members", len(new)),
            ("active", "Active members (a contact, check-in, questionnaire or group)", len(active)),
        ],
    )


# contacts and billable units by staff and modality


def _note_filter(ctx: _Context) -> tuple[ColumnElement[bool], ...]:
    """Contacts: notes that are not drafts, dated in the period, about members in scope."""
    return (
        SessionNote.organization_id == ctx.org_id,
        SessionNote.contact_date >= ctx.period.start,
        SessionNote.contact_date <= ctx.period.end,
        SessionNote.status != NoteStatus.DRAFT,
        ctx.in_scope(SessionNote.member_id),
    )


def _note_members(ctx: _Context) -> set[int]:
    return set(ctx.db.scalars(select(SessionNote.member_id).where(*_note_filter(ctx)).distinct()))


def _minutes(start: time | None, end: time | None) -> int | None:
    if start is None or end is None:
        return None
    return max(0, (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute))


def _grid_table(
    key: str,
    title: str,
    caption: str,
    row_header: str,
    rows: Sequence[tuple[str, str]],
    columns: Sequence[tuple[str, str]],
    values: dict[tuple[str, str], int],
    people: dict[tuple[str, str], int],
    forced: set[tuple[str, str]] | None = None,
    note: str = "",
) -> tuple[Table, set[tuple[str, str]]]:
    """`people`: distinct members behind each cell and each total (totals are not sums)."""
    row_keys = [r for r, _ in rows]
    col_keys = [c for c, _ in columns]
    counts = dict(people)
    for r in row_keys:
        for c in col_keys:
            counts.setdefault((r, c), 0)
        counts.setdefault((r, "total"), 0)
    grid = Grid(row_keys, col_keys, values, counts, forced=forced or set())
    shown_values = grid.values()
    hidden = grid.suppress()
    table_rows = []
    for r, label in [*rows, ("total", "All staff")]:
        cells = tuple(count(shown_values[(r, c)], (r, c) in hidden) for c in [*col_keys, "total"])
        table_rows.append(Row(r, label, cells, is_total=r == "total"))
    return (
        Table(
            key,
            title,
            caption,
            row_header,
            (*columns, ("total", "All modalities")),
            tuple(table_rows),
            chart="stacked",
            note=note,
        ),
        hidden,
    )


def _people_counts(people: dict[tuple[str, str], set[int]]) -> dict[tuple[str, str], int]:
    """Distinct members per cell, per row and column total, and overall."""
    totals: dict[tuple[str, str], set[int]] = defaultdict(set)
    for (r, c), members in people.items():
        totals[(r, "total")] |= members
        totals[("total", c)] |= members
        totals[("total", "total")] |= members
    counts = {k: len(v) for k, v in people.items()}
    counts.update({k: len(v) for k, v in totals.items()})
    return counts


def _contacts_and_units(ctx: _Context) -> list[Table]:
    db = ctx.db
    where = _note_filter(ctx)
    author, modality = SessionNote.author_id, SessionNote.modality
    members = func.count(func.distinct(SessionNote.member_id))
    # counted in the database: one row per (staff member, modality), and the distinct members
    # behind each row total, column total and the grand total
    contacts: dict[tuple[str, str], int] = {}
    people: dict[tuple[str, str], int] = {}
    for a, m, n, p in db.execute(
        select(author, modality, func.count(), members).where(*where).group_by(author, modality)
    ).all():
        contacts[(str(a), str(m))] = n
        people[(str(a), str(m))] = p
    for a, p in db.execute(select(author, members).where(*where).group_by(author)).all():
        people[(str(a), "total")] = p
    for m, p in db.execute(select(modality, members).where(*where).group_by(modality)).all():
        people[("total", str(m))] = p
    people[("total", "total")] = db.scalar(select(members).where(*where)) or 0
    author_ids = sorted({int(a) for a, _m in contacts})
    names = (
        dict(db.execute(select(User.id, User.display_name).where(User.id.in_(author_ids))).all())
        if author_ids
        else {}
    )
    staff = sorted(((str(a), names.get(a, "Former staff")) for a in author_ids), key=lambda x: x[1])
    modalities = [(m.value, m.label) for m in NoteModality]
    contact_table, hidden = _grid_table(
        "contacts",
        "Contacts by staff and modality",
        "Contacts (session notes that are not drafts) by staff member and how they met",
        "Staff member",
        staff,
        modalities,
        contacts,
        people,
    )
    organization = db.get(Organization, ctx.org_id)
    rule_list = org_settings(organization).billing_rules if organization else []
    # units need each billable note's minutes and the daily caps, in the billing export's
    # order: a light Core query (plain tuples, no ORM objects)
    table = SessionNote.__table__
    rows = (
        db.connection()
        .execute(
            select(
                table.c.member_id,
                table.c.author_id,
                type_coerce(table.c.modality, String),
                table.c.contact_date,
                table.c.start_time,
                table.c.end_time,
            )
            .where(
                *where,
                SessionNote.billable.is_(True),
                SessionNote.status.in_(BILLED_STATUSES),
            )
            .order_by(table.c.contact_date, table.c.member_id, table.c.start_time, table.c.id)
        )
        .all()
    )
    rule_of = {m.value: rule_for(m.value, rule_list) for m in NoteModality}
    services: list[Service] = []
    for member, author_id, modality_value, day, start, end in rows:
        rule = rule_of.get(modality_value)
        if rule is None:
            continue
        services.append(
            Service(
                ref=(author_id, modality_value, member),
                key=(member, day, rule.service_code),
                units=units_for(_minutes(start, end), rule),
            )
        )
    caps = {rule.service_code: rule.daily_cap_units for rule in reversed(rule_list)}
    units: dict[tuple[str, str], int] = defaultdict(int)
    unit_people: dict[tuple[str, str], set[int]] = defaultdict(set)
    for billed in apply_daily_caps(services, caps):
        author_id, modality_value, member = billed.service.ref  # type: ignore[misc]
        units[(str(author_id), modality_value)] += billed.billed_units
        if billed.billed_units:
            unit_people[(str(author_id), modality_value)].add(member)
    units_table, _ = _grid_table(
        "units",
        "Billable units by staff and modality",
        "Billable units (signed or approved billable notes, by the organization's billing "
        "rules, daily caps applied) by staff member and modality",
        "Staff member",
        staff,
        modalities,
        dict(units),
        _people_counts(unit_people),
        forced=hidden,
    )
    return [contact_table, units_table]


# plan reviews


def _plan_reviews(ctx: _Context) -> Table:
    latest = (
        select(PlanVersion.member_id, func.max(PlanVersion.number).label("number"))
        .where(
            PlanVersion.organization_id == ctx.org_id,
            PlanVersion.created_at < ctx.end_dt,
            ctx.in_scope(PlanVersion.member_id),
        )
        .group_by(PlanVersion.member_id)
        .subquery()
    )
    dues = ctx.db.scalars(
        select(PlanVersion.review_due).join(
            latest,
            and_(
                PlanVersion.organization_id == ctx.org_id,
                PlanVersion.member_id == latest.c.member_id,
                PlanVersion.number == latest.c.number,
            ),
        )
    ).all()
    cutoff = min(ctx.period.end, ctx.q.today)
    due = sum(1 for d in dues if d is not None and ctx.period.start <= d <= ctx.period.end)
    overdue = sum(1 for d in dues if d is not None and d < cutoff)
    return _figures(
        "plan_reviews",
        "Plan reviews",
        "Recovery plan reviews due in the period, and overdue",
        [
            ("due", "Reviews due in the period", due),
            ("overdue", "Reviews overdue", overdue),
        ],
    )


# goals


def _goals(ctx: _Context) -> Table:
    rows = ctx.db.execute(
        select(Goal.status, Goal.member_id).where(
            Goal.organization_id == ctx.org_id,
            Goal.status_changed_at >= ctx.start_dt,
            Goal.status_changed_at < ctx.end_dt,
            Goal.status.in_([s for s, _ in GOAL_STATUSES]),
            ctx.in_scope(Goal.member_id),
        )
    ).all()
    counts = {str(s): 0 for s, _ in GOAL_STATUSES}
    people: dict[str, set[int]] = {str(s): set() for s, _ in GOAL_STATUSES}
    for status, member in rows:
        counts[str(status)] += 1
        people[str(status)].add(member)
    people_n = {k: len(v) for k, v in people.items()}
    people_n["total"] = len(set().union(*people.values()))
    values, hidden = line_table(counts, people=people_n)
    table_rows = [
        Row(str(s), label, (count(values[str(s)], str(s) in hidden),)) for s, label in GOAL_STATUSES
    ]
    table_rows.append(
        Row("total", "All goal changes", (count(values["total"], "total" in hidden),), True)
    )
    return Table(
        "goals",
        "Goals",
        "Goals members achieved, paused or let go in the period",
        "Goal status",
        (("count", "Goals"),),
        tuple(table_rows),
    )


# check-in engagement


@dataclass(frozen=True)
class _CheckinSpan:
    days: int
    first: date
    last: date


def _checkin_spans(ctx: _Context) -> dict[int, _CheckinSpan]:
    """Per member: days with a check-in in the period, and the first and latest of them."""
    return {
        member: _CheckinSpan(days, first, last)
        for member, days, first, last in ctx.db.execute(
            select(CheckIn.member_id, func.count(), func.min(CheckIn.day), func.max(CheckIn.day))
            .where(
                CheckIn.organization_id == ctx.org_id,
                CheckIn.day >= ctx.period.start,
                CheckIn.day <= ctx.period.end,
                ctx.in_scope(CheckIn.member_id),
            )
            .group_by(CheckIn.member_id)
        ).all()
    }


def _buckets(
    per_member: dict[int, int],
    buckets: Sequence[tuple[str, str, int, int]],
    last: tuple[str, str],
) -> tuple[list[tuple[str, str]], dict[str, int]]:
    labels = [(k, label) for k, label, _lo, _hi in buckets] + [last]
    counts = dict.fromkeys([k for k, _ in labels], 0)
    for n in per_member.values():
        for k, _label, lo, hi in buckets:
            if lo <= n <= hi:
                counts[k] += 1
                break
        else:
            counts[last[0]] += 1
    return labels, counts


def _bucket_table(
    key: str,
    title: str,
    caption: str,
    row_header: str,
    labels: Sequence[tuple[str, str]],
    counts: dict[str, int],
    total_label: str,
) -> Table:
    # each member is in one bucket: the counts are counts of people
    values, hidden = line_table(counts)
    rows = [Row(k, label, (count(values[k], k in hidden),)) for k, label in labels]
    rows.append(Row("total", total_label, (count(values["total"], "total" in hidden),), True))
    return Table(key, title, caption, row_header, (("members", "Members"),), tuple(rows))


def _median(values: Iterable[int]) -> float | None:
    items = list(values)
    return float(statistics.median(items)) if items else None


def _engagement(per_member: dict[int, int]) -> list[Table]:
    n = len(per_member)
    median = _median(per_member.values())
    small = n < THRESHOLD
    figures = Table(
        "engagement",
        "Check-in engagement",
        "Members who checked in at least once, and the median number of days they checked in",
        "Measure",
        (("value", "Value"),),
        (
            Row("members", "Members with at least one check-in", (count(n, small),)),
            Row(
                "median_days",
                "Median days with a check-in (among them)",
                (Cell(None, True) if small else Cell(median, kind="number"),),
            ),
        ),
        chart="none",  # a count and a median: the table says it better
    )
    labels, counts = _buckets(per_member, ENGAGEMENT_BUCKETS, ENGAGEMENT_LAST)
    spread = _bucket_table(
        "engagement_days",
        "Days with a check-in",
        "Members by how many days they checked in during the period",
        "Days with a check-in",
        labels,
        counts,
        "Members with at least one check-in",
    )
    return [figures, spread]


# group attendance


def _attendance(ctx: _Context) -> list[tuple[int, int]]:
    return [
        (member, session)
        for member, session in ctx.db.execute(
            select(GroupAttendance.member_id, GroupAttendance.session_id)
            .join(
                GroupSession,
                and_(
                    GroupSession.organization_id == GroupAttendance.organization_id,
                    GroupSession.id == GroupAttendance.session_id,
                ),
            )
            .where(
                GroupAttendance.organization_id == ctx.org_id,
                GroupSession.session_date >= ctx.period.start,
                GroupSession.session_date <= ctx.period.end,
                GroupSession.cancelled.is_(False),
                ctx.in_scope(GroupAttendance.member_id),
            )
        ).all()
    ]


def _groups(ctx: _Context, attendance: Sequence[tuple[int, int]]) -> list[Table]:
    if ctx.scope is None:
        held = (
            ctx.db.scalar(
                select(func.count()).where(
                    GroupSession.organization_id == ctx.org_id,
                    GroupSession.session_date >= ctx.period.start,
                    GroupSession.session_date <= ctx.period.end,
                    GroupSession.cancelled.is_(False),
                )
            )
            or 0
        )
    else:
        held = len({session for _m, session in attendance})
    per_member: dict[int, int] = defaultdict(int)
    for member, _session in attendance:
        per_member[member] += 1
    people = len(per_member)
    figures = _figures(
        "groups",
        "Group attendance",
        "Peer support group sessions held and attended in the period",
        [
            ("sessions", "Group sessions held", held),
            ("attendances", "Attendances (one member at one session)", len(attendance)),
            ("members", "Members who came to at least one session", people),
        ],
    )
    if people < THRESHOLD:
        rows = list(figures.rows)
        rows[1] = Row(rows[1].key, rows[1].label, (Cell(None, True),))
        figures = replace(figures, rows=tuple(rows))
    figures = replace(figures, chart="none")  # different kinds of count: a table only
    labels, counts = _buckets(per_member, GROUP_BUCKETS, GROUP_LAST)
    spread = _bucket_table(
        "group_sessions",
        "Sessions attended",
        "Members by how many group sessions they came to",
        "Sessions attended",
        labels,
        counts,
        "Members who came to a group",
    )
    return [figures, spread]


# change from first to latest


def _change_row(key: str, label: str, changes: Sequence[float]) -> Row:
    n = len(changes)
    higher = sum(1 for c in changes if c > 0)
    same = sum(1 for c in changes if c == 0)
    lower = sum(1 for c in changes if c < 0)
    _values, hidden = line_table({"higher": higher, "same": same, "lower": lower}, total=n)
    mean = statistics.fmean(changes) if changes else None
    small = n < THRESHOLD
    cells = (
        count(n, "total" in hidden or small),
        Cell(None, True, "change") if small else Cell(mean, kind="change"),
        count(higher, small or "higher" in hidden),
        count(same, small or "same" in hidden),
        count(lower, small or "lower" in hidden),
    )
    return Row(key, label, cells)


def _wellness_change(ctx: _Context) -> Table:
    # Each member's check-ins on their first and latest day in the period. The bounds are a
    # MATERIALIZED CTE (one row per member), so the lookups go through the (organization,
    # member, day) unique index instead of reading every check-in of the period.
    bounds = (
        select(
            CheckIn.member_id.label("member_id"),
            func.min(CheckIn.day).label("first"),
            func.max(CheckIn.day).label("last"),
        )
        .where(
            CheckIn.organization_id == ctx.org_id,
            CheckIn.day >= ctx.period.start,
            CheckIn.day <= ctx.period.end,
            ctx.in_scope(CheckIn.member_id),
        )
        .group_by(CheckIn.member_id)
        .having(func.min(CheckIn.day) < func.max(CheckIn.day))
        .cte("bounds")
        .prefix_with("MATERIALIZED")
    )
    found = ctx.db.execute(
        select(
            CheckIn.member_id,
            CheckIn.day,
            bounds.c.first,
            CheckIn.ratings,
            CheckIn.hope,
            CheckIn.connection,
        )
        .select_from(bounds)
        .join(
            CheckIn,
            and_(
                CheckIn.organization_id == ctx.org_id,
                CheckIn.member_id == bounds.c.member_id,
                or_(CheckIn.day == bounds.c.first, CheckIn.day == bounds.c.last),
            ),
            # LEFT: SQLite then keeps the bounds (one row per member) as the outer loop and
            # looks each day up in the index; every bound has its rows, so nothing is null.
            isouter=True,
        )
    ).all()
    picked: dict[int, dict[str, Any]] = defaultdict(dict)
    for member, day, first_day, ratings, hope, connection in found:
        if day is None:
            continue
        values: dict[str, int | None] = dict(ratings or {})
        values["hope"] = hope
        values["connection"] = connection
        picked[member]["first" if day == first_day else "last"] = values
    changes: dict[str, list[float]] = defaultdict(list)
    for both in picked.values():
        first, last = both.get("first"), both.get("last")
        if not first or not last:
            continue
        for key in (*DIMENSIONS, *EXTRA_RATINGS):
            a, b = first.get(key), last.get(key)
            if isinstance(a, int | float) and isinstance(b, int | float):
                changes[key].append(float(b) - float(a))
    labels = {**DIMENSIONS, **EXTRA_RATINGS}
    table_rows = tuple(_change_row(k, labels[k], changes.get(k, [])) for k in labels)
    return Table(
        "wellness_change",
        "Change in members' own wellness ratings",
        "Latest check-in rating minus the first in the period (0 to 10), for members with "
        "two or more check-ins",
        "Area",
        CHANGE_COLUMNS,
        table_rows,
        chart="change",
    )


def _measures(ctx: _Context) -> list[tuple[int, str, date, int, float]]:
    return [
        (r[0], r[1], r[2], r[3], float(r[4]))
        for r in ctx.db.execute(
            select(
                MeasureResponse.member_id,
                MeasureResponse.measure_key,
                MeasureResponse.answered_on,
                MeasureResponse.id,
                MeasureResponse.score,
            ).where(
                MeasureResponse.organization_id == ctx.org_id,
                MeasureResponse.answered_on >= ctx.period.start,
                MeasureResponse.answered_on <= ctx.period.end,
                ctx.in_scope(MeasureResponse.member_id),
            )
        ).all()
    ]


def _measure_change(responses: Sequence[tuple[int, str, date, int, float]]) -> Table:
    by: dict[tuple[int, str], list[tuple[date, int, float]]] = defaultdict(list)
    for member, key, day, rid, score in responses:
        by[(member, key)].append((day, rid, score))
    changes: dict[str, list[float]] = defaultdict(list)
    for (_member, key), items in by.items():
        if len(items) < 2:
            continue
        items.sort()
        changes[key].append(items[-1][2] - items[0][2])
    keys = [*MEASURES, *sorted(k for k in changes if k not in MEASURES)]
    rows = tuple(
        _change_row(k, MEASURES[k].name if k in MEASURES else k, changes.get(k, [])) for k in keys
    )
    return Table(
        "measure_change",
        "Change in questionnaire scores",
        "Latest score minus the first in the period, for members who answered a "
        "questionnaire two or more times (higher scores mean more wellbeing)",
        "Questionnaire",
        CHANGE_COLUMNS,
        rows,
        chart="change",
    )
