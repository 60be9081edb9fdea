"""Rules for the progress area (no web code here).

Progress compares a member only with their own past: no other person's data is read, and
nothing is ranked. One access check (audited), then a handful of queries bounded by the member
and by date, using the (organization_id, member_id, day) indexes, so the cost of a page does not
grow with years of history or with the number of people in the organization:

1. the member's check-in preferences (which dimensions they rate, hope and connection);
2. check-ins from the last WINDOW_DAYS + a little (for trends, the wheel and the timeline);
3. the 7 check-ins before that (the "now" of a member who has not checked in lately, and
   whether a comeback at the start of the window follows a gap);
4. tool uses counted by tool and answer (all time; a GROUP BY over the member's index range,
   through the daily area's tools_that_helped, so both pages rank tools the same way);
5. setbacks touching the window;
6. goals achieved (all time).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Date, Integer, bindparam, or_, select
from sqlalchemy.orm import Session

from peerpath.checkins.daily import service as daily
from peerpath.core import access
from peerpath.core.access import Action, Section
from peerpath.core.audit import Viewer
from peerpath.db.models import (
    CheckIn,
    CheckinPreference,
    Goal,
    GoalStatus,
    Setback,
    ToolHelped,
    User,
)
from peerpath.plans.vocabulary import DIMENSIONS

RECORD_TYPE = "progress"
MAX_RATING = 10
WHEEL_WINDOW_DAYS = 7  # each point of the wheel is an average over 7 days (or 7 check-ins)
WHEEL_LOOKBACKS = (30, 90)  # "30 days ago" and "90 days ago"
TREND_WEEKS = 26  # about six months of weekly averages
WINDOW_DAYS = TREND_WEEKS * 7  # the trend and timeline window, today included
# A check-in after at least this many days without one is a "coming back" moment: the same
# rule the check-in page uses to welcome someone back.
COMEBACK_GAP_DAYS = daily.COMING_BACK_GAP_DAYS
RECENT_DAYS = 30  # "days with a check-in in the last 30"
# Loaded check-ins reach this far back, so a comeback on the window's first day can be seen.
LOAD_DAYS = WINDOW_DAYS + COMEBACK_GAP_DAYS + 1
TOOLS_SHOWN = 8

EXTRA_SERIES = {"hope": "Hope", "connection": "Connection"}


def today() -> date:
    """The member's "today": the server's UTC date (tests monkeypatch this)."""
    return datetime.now(UTC).date()


# ---- read models -----------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A run of calendar days, both ends included."""

    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


@dataclass(frozen=True)
class WheelWindow:
    key: str  # "now", "days_30", "days_90"
    label: str
    span: Span | None  # None: no check-ins at all to take "now" from
    checkins: int  # check-ins that fell in it


@dataclass(frozen=True)
class WheelRow:
    key: str
    label: str
    # window key -> average rating, None when there were no ratings of it in that window
    values: dict[str, float | None]

    @property
    def has_ratings(self) -> bool:
        return any(v is not None for v in self.values.values())


@dataclass(frozen=True)
class Wheel:
    windows: tuple[WheelWindow, ...]
    rows: tuple[WheelRow, ...]


@dataclass(frozen=True)
class Week:
    span: Span
    average: float | None  # None: no ratings that week (a gap, never a zero)
    ratings: int


@dataclass(frozen=True)
class Trend:
    key: str  # a dimension key, "hope" or "connection"
    label: str
    weeks: tuple[Week, ...]

    @property
    def rated_weeks(self) -> int:
        return sum(1 for w in self.weeks if w.average is not None)


@dataclass(frozen=True)
class ToolSummary:
    tool: str
    uses: int
    yes: int
    somewhat: int
    no: int

    @property
    def helped_score(self) -> float:
        """yes = 1, somewhat = 0.5, no = 0, averaged over the member's own uses."""
        scores = daily.HELP_SCORES
        total = (
            self.yes * scores[ToolHelped.YES]
            + self.somewhat * scores[ToolHelped.SOMEWHAT]
            + self.no * scores[ToolHelped.NO]
        )
        return total / self.uses if self.uses else 0.0


@dataclass(frozen=True)
class AchievedGoal:
    id: int
    title: str
    achieved_on: date


@dataclass(frozen=True)
class SetbackMark:
    id: int
    happened_on: date
    came_back_on: date | None


@dataclass(frozen=True)
class Comeback:
    day: date
    days_without: int  # days without a check-in just before this one


@dataclass(frozen=True)
class Timeline:
    span: Span
    checkin_days: tuple[date, ...]
    setbacks: tuple[SetbackMark, ...]
    comebacks: tuple[Comeback, ...]


@dataclass(frozen=True)
class Progress:
    member: User
    today: date
    dimensions: tuple[tuple[str, str], ...]  # (key, label) the member rates
    wheel: Wheel
    trends: tuple[Trend, ...]
    days_with_checkin_last_30: int
    goals_achieved: tuple[AchievedGoal, ...]
    tools: tuple[ToolSummary, ...]
    timeline: Timeline
    first_checkin: date | None  # within what was loaded; None means no check-ins at all

    @property
    def has_checkins(self) -> bool:
        return self.first_checkin is not None


@dataclass(frozen=True)
class _Row:
    day: date
    ratings: dict[str, float]  # dimension key, "hope", "connection" -> rating


# ---- reading ----------------------------------------------------------------------------


def progress_for(db: Session, viewer: Viewer, member_id: int) -> Progress:
    """The member's progress against their own past. One access check, audited."""
    member = access.member_for_viewer(
        db, viewer, member_id, Section.CHECKINS, Action.READ, record_type=RECORD_TYPE
    )
    return build_progress(db, member, today())


@dataclass(frozen=True)
class _Preference:
    dimensions: tuple[str, ...]
    track_hope: bool
    track_connection: bool


# The statements are built once; each request only binds the member and the dates. Every one
# names organization_id and member_id first, so it reads one member's slice of an index.
_ORG = bindparam("org", type_=Integer)
_MEMBER = bindparam("member", type_=Integer)
_PREFERENCE = select(
    CheckinPreference.dimensions,
    CheckinPreference.track_hope,
    CheckinPreference.track_connection,
).where(CheckinPreference.organization_id == _ORG, CheckinPreference.member_id == _MEMBER)
_CHECKIN_COLUMNS = (CheckIn.day, CheckIn.ratings, CheckIn.hope, CheckIn.connection)
_RECENT_CHECKINS = (
    select(*_CHECKIN_COLUMNS)
    .where(
        CheckIn.organization_id == _ORG,
        CheckIn.member_id == _MEMBER,
        CheckIn.day >= bindparam("start", type_=Date),
        CheckIn.day <= bindparam("end", type_=Date),
    )
    .order_by(CheckIn.day)
)
_EARLIER_CHECKINS = (
    select(*_CHECKIN_COLUMNS)
    .where(
        CheckIn.organization_id == _ORG,
        CheckIn.member_id == _MEMBER,
        CheckIn.day < bindparam("start", type_=Date),
    )
    .order_by(CheckIn.day.desc())
    .limit(WHEEL_WINDOW_DAYS)
)
_SETBACKS = (
    select(Setback.id, Setback.happened_on, Setback.came_back_on)
    .where(
        Setback.organization_id == _ORG,
        Setback.member_id == _MEMBER,
        Setback.happened_on <= bindparam("end", type_=Date),
        or_(
            Setback.happened_on >= bindparam("start", type_=Date),
            Setback.came_back_on >= bindparam("start", type_=Date),
        ),
    )
    .order_by(Setback.happened_on, Setback.id)
)
_GOALS_ACHIEVED = select(Goal.id, Goal.title, Goal.status_changed_at, Goal.updated_at).where(
    Goal.organization_id == _ORG,
    Goal.member_id == _MEMBER,
    Goal.status == GoalStatus.ACHIEVED,
)


def build_progress(db: Session, member: User, on: date) -> Progress:
    """Everything on the progress page for `member` as of `on` (no access check here)."""
    ids = {"org": member.organization_id, "member": member.id}
    load_start = on - timedelta(days=LOAD_DAYS - 1)
    window = Span(on - timedelta(days=WINDOW_DAYS - 1), on)

    # Core execution on the session's own connection (same transaction): these are plain
    # rows, so the ORM's per-statement bookkeeping would be pure overhead.
    conn = db.connection()
    found = conn.execute(_PREFERENCE, ids).first()
    preference = (
        _Preference(tuple(found[0] or ()), bool(found[1]), bool(found[2])) if found else None
    )
    recent = [
        _row(*r) for r in conn.execute(_RECENT_CHECKINS, {**ids, "start": load_start, "end": on})
    ]
    earlier = [_row(*r) for r in conn.execute(_EARLIER_CHECKINS, {**ids, "start": load_start})]
    earlier.reverse()
    rows = earlier + recent

    dimensions = _dimensions(preference, recent)
    extras = _extra_series(preference, recent)
    in_window = [r for r in recent if r.day >= window.start]
    recent_start = on - timedelta(days=RECENT_DAYS - 1)
    timeline = Timeline(
        span=window,
        checkin_days=tuple(r.day for r in in_window),
        setbacks=tuple(
            SetbackMark(i, happened, back)
            for i, happened, back in conn.execute(
                _SETBACKS, {**ids, "start": window.start, "end": window.end}
            )
        ),
        comebacks=tuple(c for c in _comebacks(rows) if c.day >= window.start),
    )
    return Progress(
        member=member,
        today=on,
        dimensions=dimensions,
        wheel=_wheel(rows, dimensions, on),
        trends=_trends(in_window, (*dimensions, *extras), on),
        days_with_checkin_last_30=sum(1 for r in in_window if r.day >= recent_start),
        goals_achieved=_goals_achieved(conn, ids),
        tools=_tools(db, member),
        timeline=timeline,
        first_checkin=rows[0].day if rows else None,
    )


def _row(day: date, ratings: Any, hope: Any, connection: Any) -> _Row:
    values: dict[str, float] = {}
    if isinstance(ratings, dict):
        for key, value in ratings.items():
            if key in DIMENSIONS and _is_rating(value):
                values[key] = float(value)
    if hope is not None and _is_rating(hope):
        values["hope"] = float(hope)
    if connection is not None and _is_rating(connection):
        values["connection"] = float(connection)
    return _Row(day, values)


def _is_rating(value: object) -> bool:
    kind = type(value)
    return (kind is int or kind is float) and 0 <= value <= MAX_RATING  # type: ignore[operator]


def _dimensions(
    preference: _Preference | None, rows: Sequence[_Row]
) -> tuple[tuple[str, str], ...]:
    """The dimensions the member chose, then any others they rated in the window."""
    chosen = [d for d in (preference.dimensions if preference else ()) if d in DIMENSIONS]
    rated: set[str] = set()
    for r in rows:
        rated.update(r.ratings)
    keys = list(dict.fromkeys(chosen))
    keys += [d for d in DIMENSIONS if d in rated and d not in keys]
    return tuple((k, DIMENSIONS[k]) for k in keys)


def _extra_series(
    preference: _Preference | None, rows: Sequence[_Row]
) -> tuple[tuple[str, str], ...]:
    """Hope and connection, when the member tracks them (or, without settings, rated them)."""
    result = []
    for key, label in EXTRA_SERIES.items():
        if preference is not None:
            tracked = preference.track_hope if key == "hope" else preference.track_connection
        else:
            tracked = any(key in r.ratings for r in rows)
        if tracked:
            result.append((key, label))
    return tuple(result)


def _average(rows: Iterable[_Row], key: str) -> float | None:
    values = [r.ratings[key] for r in rows if key in r.ratings]
    return round(sum(values) / len(values), 1) if values else None


def _wheel(rows: Sequence[_Row], dimensions: Sequence[tuple[str, str]], on: date) -> Wheel:
    # "Now": the member's latest 7 check-ins, however far apart they are.
    latest = list(rows[-WHEEL_WINDOW_DAYS:])
    windows = [
        WheelWindow(
            "now",
            "Now",
            Span(latest[0].day, latest[-1].day) if latest else None,
            len(latest),
        )
    ]
    members_of: dict[str, list[_Row]] = {"now": latest}
    for days in WHEEL_LOOKBACKS:
        end = on - timedelta(days=days)
        start = end - timedelta(days=WHEEL_WINDOW_DAYS - 1)
        inside = [r for r in rows if start <= r.day <= end]
        key = f"days_{days}"
        windows.append(WheelWindow(key, f"{days} days ago", Span(start, end), len(inside)))
        members_of[key] = inside
    wheel_rows = tuple(
        WheelRow(key, label, {w.key: _average(members_of[w.key], key) for w in windows})
        for key, label in dimensions
    )
    return Wheel(tuple(windows), wheel_rows)


def _trends(rows: Sequence[_Row], series: Sequence[tuple[str, str]], on: date) -> tuple[Trend, ...]:
    """Weekly averages for each series, in one pass over the window's check-ins."""
    keys = [key for key, _ in series]
    sums = {key: [0.0] * TREND_WEEKS for key in keys}
    counts = {key: [0] * TREND_WEEKS for key in keys}
    for r in rows:
        week = TREND_WEEKS - 1 - (on - r.day).days // 7
        for key, value in r.ratings.items():
            if key in sums:
                sums[key][week] += value
                counts[key][week] += 1
    spans = [
        Span(
            on - timedelta(days=7 * (TREND_WEEKS - 1 - i) + 6),
            on - timedelta(days=7 * (TREND_WEEKS - 1 - i)),
        )
        for i in range(TREND_WEEKS)
    ]
    return tuple(
        Trend(
            key,
            label,
            tuple(
                Week(
                    spans[i],
                    round(sums[key][i] / counts[key][i], 1) if counts[key][i] else None,
                    counts[key][i],
                )
                for i in range(TREND_WEEKS)
            ),
        )
        for key, label in series
    )


def _comebacks(rows: Sequence[_Row]) -> list[Comeback]:
    """Check-ins that follow at least COMEBACK_GAP_DAYS days without one."""
    found = []
    for before, after in itertools.pairwise(rows):
        days_without = (after.day - before.day).days - 1
        if days_without >= COMEBACK_GAP_DAYS:
            found.append(Comeback(after.day, days_without))
    return found


def _goals_achieved(conn: Connection, ids: dict[str, int]) -> tuple[AchievedGoal, ...]:
    goals = [
        AchievedGoal(gid, title, (changed or updated).date())
        for gid, title, changed, updated in conn.execute(_GOALS_ACHIEVED, ids)
    ]
    return tuple(sorted(goals, key=lambda g: (g.achieved_on, g.id), reverse=True))


def _tools(db: Session, member: User) -> tuple[ToolSummary, ...]:
    """The tools that helped most, ranked and grouped exactly as the member's tool log does
    (the daily area's tools_that_helped: one GROUP BY over the member's own uses)."""
    return tuple(
        ToolSummary(
            stat.tool,
            uses=stat.times_used,
            yes=stat.helped,
            somewhat=stat.helped_somewhat,
            no=stat.did_not_help,
        )
        for stat in daily.tools_that_helped(db, member, limit=None)
        if stat.help_score > 0
    )[:TOOLS_SHOWN]
