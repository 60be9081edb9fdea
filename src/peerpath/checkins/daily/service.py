"""Rules for the member's day to day: check-ins, the wellness-tool log and setbacks.

No web code here. Every read or write of a member's data asks the access policy first
(`access.member_for_viewer`, which also audits); only the member writes their own check-ins,
tool log and setbacks, and their assigned peer specialist may read them (Section.CHECKINS).

Functions other areas may call (their signatures stay stable):

- ``today() -> date``: the member's "today", the server's UTC date. Tests monkeypatch
  ``now()`` (or ``today()``) to move time.
- ``days_with_checkin(db, member, days=30) -> int``: how many distinct days in the last
  `days` (today included) have a check-in. A count of days, never a streak: a gap lowers it
  a little and nothing ever resets it to zero while older days still count.
- ``coming_back(db, member) -> bool``: True when the member has checked in today and, just
  before today, went 7 or more days in a row without a check-in (their previous check-in is
  8 or more days back). Shown as a warm "welcome back", never as a lapse. False for a
  member's very first check-in.
- ``tools_that_helped(db, member, limit=5) -> list[ToolStat]``: the member's own tool log
  summed up per tool (yes = 1, somewhat = 0.5, no = 0), most helpful first.
- ``checkins_between(db, member, first, last) -> list[CheckIn]``: check-ins by day, oldest
  first.

These four take a `member` the caller has already been allowed to read through the access
policy (Section.CHECKINS, Action.READ); they do no access check and write no audit row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from peerpath.checkins.daily.schemas import (
    TOOL_CHARS,
    CheckinIn,
    CheckinPatch,
    PreferencesIn,
    SetbackIn,
    SetbackPatch,
    ToolUseIn,
)
from peerpath.core import access
from peerpath.core.access import Action, Section
from peerpath.core.audit import Viewer
from peerpath.core.errors import Conflict, Invalid, NotFound
from peerpath.db.base import utcnow
from peerpath.db.models import (
    CheckIn,
    CheckinPreference,
    Setback,
    ToolHelped,
    ToolUse,
    User,
    WellnessSection,
)
from peerpath.plans.vocabulary import DIMENSIONS

# "Fewer is kinder": three dimensions until the member chooses otherwise.
DEFAULT_DIMENSIONS: tuple[str, ...] = ("emotional", "physical", "social")
# The gap that makes today's check-in a "welcome back": this many days in a row without one.
COMING_BACK_GAP_DAYS = 7
# The check-in form lists the days of the last week that already have a check-in.
RECENT_DAYS = 7
# How far back a setback can be written down.
SETBACK_YEARS_BACK = 5
HELP_SCORES: dict[ToolHelped, float] = {
    ToolHelped.YES: 1.0,
    ToolHelped.SOMEWHAT: 0.5,
    ToolHelped.NO: 0.0,
}
HELPED_LABELS: dict[ToolHelped, str] = {
    ToolHelped.YES: "Yes",
    ToolHelped.SOMEWHAT: "Somewhat",
    ToolHelped.NO: "Not this time",
}
# Where the wellness plan keeps the lines this area offers (plans/wellness/sections.py).
TOOLBOX_SECTION = "toolbox"
TRIGGERS = ("triggers", "triggers")  # (section key, field key)
EARLY_SIGNS = ("early_signs", "early_signs")
CHANGE_ON_THE_DAY = "You can change a check-in on the day you made it."


# ---- time -------------------------------------------------------------------------------


def now() -> datetime:
    return utcnow()


def today() -> date:
    """The member's today: the server's UTC date."""
    return now().date()


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def earliest_day() -> date:
    """The first day a check-in or a tool use can be written for: one year back."""
    return years_before(today(), 1)


def long_day(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _check_day(
    day: date, errors: dict[str, str], key: str, *, earliest: date | None = None
) -> None:
    first = earliest or earliest_day()
    if day > today():
        errors[key] = "That day is still ahead. Please choose today or an earlier day."
    elif day < first:
        errors[key] = f"Please choose a day from {long_day(first)} onwards."


# ---- preferences ------------------------------------------------------------------------


@dataclass(frozen=True)
class Preferences:
    dimensions: tuple[str, ...]
    track_hope: bool
    track_connection: bool
    saved: bool

    @property
    def labels(self) -> list[tuple[str, str]]:
        return [(key, DIMENSIONS[key]) for key in self.dimensions]


DEFAULT_PREFERENCES = Preferences(DEFAULT_DIMENSIONS, True, True, saved=False)


def _preference_row(db: Session, member: User) -> CheckinPreference | None:
    return db.scalar(
        select(CheckinPreference).where(
            CheckinPreference.organization_id == member.organization_id,
            CheckinPreference.member_id == member.id,
        )
    )


def preferences_of(db: Session, member: User) -> Preferences:
    """Call only after the policy allowed reading the member's check-ins."""
    row = _preference_row(db, member)
    if row is None:
        return DEFAULT_PREFERENCES
    chosen = [key for key in DIMENSIONS if key in set(row.dimensions or ())]
    return Preferences(
        tuple(chosen) or DEFAULT_DIMENSIONS,
        bool(row.track_hope),
        bool(row.track_connection),
        saved=True,
    )


def get_preferences(db: Session, viewer: Viewer, member_id: int) -> tuple[User, Preferences]:
    member = access.member_for_viewer(
        db, viewer, member_id, Section.CHECKINS, record_type="checkin_preferences"
    )
    return member, preferences_of(db, member)


def save_preferences(
    db: Session, viewer: Viewer, member_id: int, data: PreferencesIn
) -> Preferences:
    member = access.member_for_viewer(
        db, viewer, member_id, Section.CHECKINS, Action.WRITE, record_type="checkin_preferences"
    )
    unknown = [key for key in data.dimensions if key not in DIMENSIONS]
    if unknown:
        names = ", ".join(sorted(unknown)[:5])[:200]
        raise Invalid(
            "Some of those are not wellness dimensions. Nothing was saved.",
            errors={
                "dimensions": f"These are not wellness dimensions: {names}. "
                f"Choose from: {', '.join(DIMENSIONS)}."
            },
        )
    chosen = [key for key in DIMENSIONS if key in set(data.dimensions)]
    if not chosen:
        raise Invalid(
            "Please choose at least one area to rate. Nothing was saved.",
            errors={"dimensions": "Please choose at least one area to rate."},
        )
    row = _preference_row(db, member)
    if row is None:
        row = CheckinPreference(organization_id=member.organization_id, member_id=member.id)
        db.add(row)
    row.dimensions = chosen
    row.track_hope = data.track_hope
    row.track_connection = data.track_connection
    row.updated_at = now()
    db.flush()
    return preferences_of(db, member)


# ---- check-ins: reading -----------------------------------------------------------------


def can_change(checkin: CheckIn) -> bool:
    """A check-in can be changed on the (UTC) day it was made, and not after."""
    return checkin.created_at.date() == today()


def checkin_on(db: Session, member: User, day: date) -> CheckIn | None:
    return db.scalar(
        select(CheckIn).where(
            CheckIn.organization_id == member.organization_id,
            CheckIn.member_id == member.id,
            CheckIn.day == day,
        )
    )


def checkins_between(db: Session, member: User, first: date, last: date) -> list[CheckIn]:
    """Check-ins from `first` to `last` (both included), oldest first. No access check."""
    return list(
        db.scalars(
            select(CheckIn)
            .where(
                CheckIn.organization_id == member.organization_id,
                CheckIn.member_id == member.id,
                CheckIn.day >= first,
                CheckIn.day <= last,
            )
            .order_by(CheckIn.day)
        ).all()
    )


def days_with_checkin(db: Session, member: User, days: int = 30) -> int:
    """Distinct days with a check-in among the last `days` days, today included."""
    last = today()
    first = last - timedelta(days=max(days, 1) - 1)
    count = db.scalar(
        select(func.count(func.distinct(CheckIn.day))).where(
            CheckIn.organization_id == member.organization_id,
            CheckIn.member_id == member.id,
            CheckIn.day >= first,
            CheckIn.day <= last,
        )
    )
    return int(count or 0)


def _last_day_before(db: Session, member: User, day: date) -> date | None:
    found: date | None = db.scalar(
        select(func.max(CheckIn.day)).where(
            CheckIn.organization_id == member.organization_id,
            CheckIn.member_id == member.id,
            CheckIn.day < day,
        )
    )
    return found


def _long_gap_before(db: Session, member: User, day: date) -> bool:
    previous = _last_day_before(db, member, day)
    return previous is not None and (day - previous).days - 1 >= COMING_BACK_GAP_DAYS


def coming_back(db: Session, member: User) -> bool:
    """Today's check-in follows 7 or more days in a row without one (not the first ever)."""
    day = today()
    return checkin_on(db, member, day) is not None and _long_gap_before(db, member, day)


def list_checkins(
    db: Session, viewer: Viewer, member_id: int, *, before: date | None = None, limit: int = 60
) -> tuple[User, list[CheckIn]]:
    """The newest check-ins (before `before`, when given), newest first."""
    member = access.member_for_viewer(
        db, viewer, member_id, Section.CHECKINS, record_type="checkins"
    )
    query = select(CheckIn).where(
        CheckIn.organization_id == member.organization_id, CheckIn.member_id == member.id
    )
    if before is not None:
        query = query.where(CheckIn.day < before)
    rows = db.scalars(query.order_by(CheckIn.day.desc()).limit(max(1, min(limit, 400)))).all()
    return member, list(rows)


def get_checkin(db: Session, viewer: Viewer, member_id: int, checkin_id: int) -> CheckIn:
    member = access.member_for_viewer(
        db, viewer, member_id, Section.CHECKINS, record_type="checkin", record_id=checkin_id
    )
    return _own_checkin(db, member, checkin_id)


def _own_checkin(db: Session, member: User, checkin_id: int) -> CheckIn:
    row = db.get(CheckIn, checkin_id)
    if row is None or row.organization_id != member.organization_id or row.member_id != member.id:
        raise NotFound()
    return row


@dataclass(frozen=True)
class DayStatus:
    day: date
    existing: CheckIn | None
    editable: bool

    @property
    def locked(self) -> bool:
        return self.existing is not None and not self.editable


@dataclass(frozen=True)
class CheckinFormView:
    member: User
    preferences: Preferences
    status: DayStatus
    earliest: date
    today: date
    # Days of the last week that already have a check-in: (day, can still be changed).
    recent: tuple[tuple[date, bool], ...]
    welcome_back: bool
    first_checkin: bool


def day_status(db: Session, member: User, day: date) -> DayStatus:
    existing = checkin_on(db, member, day)
    return DayStatus(day, existing, existing is not None and can_change(existing))


def checkin_form(db: Session, viewer: Viewer, day: date | None = None) -> CheckinFormView:
    """What the check-in page needs for the signed-in member (audited as a read)."""
    member = access.member_for_viewer(
        db, viewer, viewer.user.id, Section.CHECKINS, record_type="checkin_form"
    )
    current = today()
    chosen = day if day is not None and earliest_day() <= day <= current else current
    recent_rows = checkins_between(db, member, current - timedelta(days=13), current)
    has_today = any(r.day == current for r in recent_rows)
    previous = None if has_today else _last_day_before(db, member, current + timedelta(days=1))
    return CheckinFormView(
        member=member,
        preferences=preferences_of(db, member),
        status=day_status(db, member, chosen),
        earliest=earliest_day(),
        today=current,
        recent=tuple(
            (r.day, can_change(r))
            for r in reversed(recent_rows)
            if r.day > current - timedelta(days=RECENT_DAYS)
        ),
        welcome_back=previous is not None and (current - previous).days - 1 >= COMING_BACK_GAP_DAYS,
        first_checkin=not recent_rows and previous is None,
    )


def own_day_status(db: Session, viewer: Viewer, day: date) -> DayStatus:
    member = access.member_for_viewer(
        db, viewer, viewer.user.id, Section.CHECKINS, record_type="checkin", record_id=str(day)
    )
    return day_status(db, member, day)


# ---- check-ins: writing -----------------------------------------------------------------


def _check_rating(value: object, key: str, label: str, errors: dict[str, str]) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        errors[key] = f"{label}: please choose a whole number from 0 to 10."
        return None
    return value


def _clean_ratings(
    ratings: dict[str, int], prefs: Preferences, errors: dict[str, str]
) -> dict[str, int]:
    cleaned: dict[str, int] = {}
    for key, value in ratings.items():
        if key not in DIMENSIONS:
            errors["ratings"] = (
                f"“{str(key)[:40]}” is not one of the wellness dimensions. "
                f"They are: {', '.join(DIMENSIONS)}."
            )
        elif key not in prefs.dimensions:
            errors[f"ratings.{key}"] = (
                f"{DIMENSIONS[key]}: you are not rating this area at the moment. "
                "You can add it in your check-in settings."
            )
        else:
            rating = _check_rating(value, f"ratings.{key}", DIMENSIONS[key], errors)
            if rating is not None:
                cleaned[key] = rating
    # In the order the member sees them.
    return {key: cleaned[key] for key in prefs.dimensions if key in cleaned}


@dataclass
class _CheckinValues:
    ratings: dict[str, int]
    hope: int | None
    connection: int | None
    note: str
    what_helped: str


ALL_CHECKIN_FIELDS = frozenset({"ratings", "hope", "connection"})


def _validate(
    values: _CheckinValues,
    prefs: Preferences,
    errors: dict[str, str],
    fields: frozenset[str] = ALL_CHECKIN_FIELDS,
) -> None:
    """Check the fields named in `fields` (a change checks only what it changes)."""
    if "ratings" in fields:
        values.ratings = _clean_ratings(values.ratings, prefs, errors)
    for key, label, tracked in (
        ("hope", "Hope", prefs.track_hope),
        ("connection", "Connection", prefs.track_connection),
    ):
        if key not in fields:
            continue
        value = getattr(values, key)
        if value is not None and not tracked:
            errors[key] = (
                f"{label}: this rating is turned off in your check-in settings. "
                "You can turn it on there."
            )
        else:
            setattr(values, key, _check_rating(value, key, label, errors))
    if not errors and not (
        values.ratings
        or values.hope is not None
        or values.connection is not None
        or values.note
        or values.what_helped
    ):
        errors["ratings"] = "Please rate at least one thing, or write a few words."


def _invalid(errors: dict[str, str]) -> Invalid:
    return Invalid("Nothing was saved yet: please look at the parts marked below.", errors=errors)


@dataclass(frozen=True)
class SavedCheckin:
    checkin: CheckIn
    created: bool


def _locked_conflict(existing: CheckIn) -> Conflict:
    return Conflict(
        f"{CHANGE_ON_THE_DAY} Your check-in for {long_day(existing.day)} was made on "
        f"{long_day(existing.created_at.date())}, so it stays as it is. "
        "Anything you would add fits well in today's check-in."
    )


def save_checkin(db: Session, viewer: Viewer, member_id: int, data: CheckinIn) -> SavedCheckin:
    """Save the member's check-in for `data.day` (today when not given).

    A day that already has a check-in is updated only when that check-in was made today;
    otherwise Conflict (409). Invalid (422) saves nothing.
    """
    member = access.member_for_viewer(
        db,
        viewer,
        member_id,
        Section.CHECKINS,
        Action.WRITE,
        record_type="checkin",
        record_id=str(data.day or "today"),
    )
    prefs = preferences_of(db, member)
    day = data.day or today()
    errors: dict[str, str] = {}
    _check_day(day, errors, "day")
    values = _CheckinValues(
        dict(data.ratings), data.hope, data.connection, data.note, data.what_helped
    )
    _validate(values, prefs, errors)
    if errors:
        raise _invalid(errors)
    existing = checkin_on(db, member, day)
    moment = now()
    if existing is not None:
        if not can_change(existing):
            raise _locked_conflict(existing)
        _apply(existing, values, moment)
        db.flush()
        return SavedCheckin(existing, created=False)
    row = CheckIn(
        organization_id=member.organization_id,
        member_id=member.id,
        day=day,
        created_at=moment,
    )
    _apply(row, values, moment)
    db.add(row)
    try:
        db.flush()
    except IntegrityError:
        # Two saves for the same day at the same moment (another tab or device).
        raise Conflict(
            "A check-in for this day was saved from somewhere else a moment ago. "
            "Please open the check-in page again to see it."
        ) from None
    return SavedCheckin(row, created=True)


def _apply(row: CheckIn, values: _CheckinValues, moment: datetime) -> None:
    row.ratings = values.ratings
    row.hope = values.hope
    row.connection = values.connection
    row.note = values.note
    row.what_helped = values.what_helped
    row.updated_at = moment


def update_checkin(
    db: Session, viewer: Viewer, member_id: int, checkin_id: int, patch: CheckinPatch
) -> CheckIn:
    """Change the fields sent, on the day the check-in was made; Conflict (409) after."""
    member = access.member_for_viewer(
        db,
        viewer,
        member_id,
        Section.CHECKINS,
        Action.WRITE,
        record_type="checkin",
        record_id=checkin_id,
    )
    row = _own_checkin(db, member, checkin_id)
    if not can_change(row):
        raise _locked_conflict(row)
    sent = patch.model_fields_set
    values = _CheckinValues(
        dict(patch.ratings) if patch.ratings is not None else dict(row.ratings),
        patch.hope if "hope" in sent else row.hope,
        patch.connection if "connection" in sent else row.connection,
        patch.note if patch.note is not None else row.note,
        patch.what_helped if patch.what_helped is not None else row.what_helped,
    )
    changed = frozenset(
        name
        for name in ALL_CHECKIN_FIELDS
        if name in sent and (name != "ratings" or patch.ratings is not None)
    )
    errors: dict[str, str] = {}
    _validate(values, preferences_of(db, member), errors, changed)
    if errors:
        raise _invalid(errors)
    _apply(row, values, now())
    db.flush()
    return row


# ---- the wellness plan's lines ----------------------------------------------------------

_BULLET = re.compile(r"^\s*(?:[-*•·–—]+|\d{1,3}[.)])\s+")


def plan_lines(text: str, max_chars: int | None = None) -> list[str]:
    """One entry per non-empty line, list bullets removed, repeats dropped."""
    lines: list[str] = []
    seen: set[str] = set()
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = " ".join(_BULLET.sub("", raw).split())
        if max_chars is not None:
            line = line[:max_chars].rstrip()
        if line and line.casefold() not in seen:
            seen.add(line.casefold())
            lines.append(line)
    return lines


def section_content(db: Session, member: User, key: str) -> dict[str, str] | None:
    content = db.scalar(
        select(WellnessSection.content).where(
            WellnessSection.organization_id == member.organization_id,
            WellnessSection.member_id == member.id,
            WellnessSection.key == key,
        )
    )
    return dict(content) if isinstance(content, dict) else None


def _wellness_member(db: Session, viewer: Viewer, member: User, key: str) -> User:
    return access.member_for_viewer(
        db,
        viewer,
        member.id,
        Section.WELLNESS_PLAN,
        record_type="wellness_section",
        record_id=key,
    )


def toolbox(db: Session, viewer: Viewer, member: User) -> list[str]:
    """The lines of the member's wellness toolbox (read through the wellness plan check)."""
    _wellness_member(db, viewer, member, TOOLBOX_SECTION)
    content = section_content(db, member, TOOLBOX_SECTION) or {}
    texts = [str(v) for v in content.values() if isinstance(v, str)]
    return plan_lines("\n".join(texts), max_chars=TOOL_CHARS)


@dataclass(frozen=True)
class PlanChoices:
    triggers: tuple[str, ...]
    warning_signs: tuple[str, ...]


def setback_choices(db: Session, viewer: Viewer, member: User) -> PlanChoices:
    """Lines of the member's "triggers" and "early signs" sections, to pick from."""
    found: list[tuple[str, ...]] = []
    for section_key, field_key in (TRIGGERS, EARLY_SIGNS):
        _wellness_member(db, viewer, member, section_key)
        content = section_content(db, member, section_key) or {}
        text = content.get(field_key, "")
        found.append(tuple(plan_lines(text if isinstance(text, str) else "")))
    return PlanChoices(triggers=found[0], warning_signs=found[1])


# ---- wellness-tool log ------------------------------------------------------------------


@dataclass
class ToolStat:
    """One tool in the member's own log: how often they used it and how it went."""

    tool: str
    times_used: int = 0
    helped: int = 0
    helped_somewhat: int = 0
    did_not_help: int = 0
    last_used: date = date.min
    _spellings: dict[str, tuple[date, int]] = field(default_factory=dict, repr=False)

    @property
    def help_score(self) -> float:
        return (
            self.helped * HELP_SCORES[ToolHelped.YES]
            + self.helped_somewhat * HELP_SCORES[ToolHelped.SOMEWHAT]
            + self.did_not_help * HELP_SCORES[ToolHelped.NO]
        )

    @property
    def share(self) -> float:
        return self.help_score / self.times_used if self.times_used else 0.0

    @property
    def in_words(self) -> str:
        """Plain words about the member's own notes, never a claim about cause."""
        parts = []
        if self.helped:
            parts.append(f"helped {_times(self.helped)}")
        if self.helped_somewhat:
            parts.append(f"helped somewhat {_times(self.helped_somewhat)}")
        if self.did_not_help:
            parts.append(f"did not help {_times(self.did_not_help)}")
        return f"Used {_times(self.times_used)}: " + ", ".join(parts) + "."


def _times(n: int) -> str:
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"


def _tool_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def tools_that_helped(db: Session, member: User, limit: int | None = 5) -> list[ToolStat]:
    """Per tool: times used and how often it helped, most helpful first. No access check."""
    rows = db.execute(
        select(
            ToolUse.tool,
            ToolUse.helped,
            func.count(),
            func.max(ToolUse.used_on),
            func.max(ToolUse.id),
        )
        .where(ToolUse.organization_id == member.organization_id, ToolUse.member_id == member.id)
        .group_by(ToolUse.tool, ToolUse.helped)
    ).all()
    stats: dict[str, ToolStat] = {}
    for tool, helped, uses, last, newest_id in rows:
        stat = stats.setdefault(_tool_key(tool), ToolStat(tool=tool))
        stat.times_used += int(uses)
        if helped == ToolHelped.YES:
            stat.helped += int(uses)
        elif helped == ToolHelped.SOMEWHAT:
            stat.helped_somewhat += int(uses)
        else:
            stat.did_not_help += int(uses)
        stat.last_used = max(stat.last_used, last)
        stat._spellings[tool] = max(stat._spellings.get(tool, (date.min, 0)), (last, newest_id))
    for stat in stats.values():
        # The way the member wrote it most recently.
        stat.tool = max(stat._spellings.items(), key=lambda item: item[1])[0]
    ranked = sorted(
        stats.values(),
        key=lambda s: (-s.help_score, -s.share, -s.times_used, s.tool.casefold()),
    )
    return ranked if limit is None else ranked[: max(limit, 0)]


def list_tool_uses(
    db: Session, viewer: Viewer, member_id: int, *, limit: int = 50
) -> tuple[User, list[ToolUse]]:
    member = access.member_for_viewer(
        db, viewer, member_id, Section.CHECKINS, record_type="tool_uses"
    )
    rows = db.scalars(
        select(ToolUse)
        .where(ToolUse.organization_id == member.organization_id, ToolUse.member_id == member.id)
        .order_by(ToolUse.used_on.desc(), ToolUse.id.desc())
        .limit(max(1, min(limit, 500)))
    ).all()
    return member, list(rows)


def log_tool_use(db: Session, viewer: Viewer, member_id: int, data: ToolUseIn) -> ToolUse:
    member = access.member_for_viewer(
        db,
        viewer,
        member_id,
        Section.CHECKINS,
        Action.WRITE,
        record_type="tool_use",
        record_id="new",
    )
    used_on = data.used_on or today()
    errors: dict[str, str] = {}
    _check_day(used_on, errors, "used_on")
    if not data.tool.strip():
        errors["tool"] = "Please pick a tool from your toolbox, or type the one you used."
    if errors:
        raise _invalid(errors)
    row = ToolUse(
        organization_id=member.organization_id,
        member_id=member.id,
        tool=data.tool,
        helped=data.helped,
        note=data.note,
        used_on=used_on,
        created_at=now(),
    )
    db.add(row)
    db.flush()
    return row


def delete_tool_use(db: Session, viewer: Viewer, member_id: int, use_id: int) -> None:
    member = access.member_for_viewer(
        db,
        viewer,
        member_id,
        Section.CHECKINS,
        Action.WRITE,
        record_type="tool_use",
        record_id=use_id,
    )
    row = db.get(ToolUse, use_id)
    if row is None or row.organization_id != member.organization_id or row.member_id != member.id:
        raise NotFound()
    db.delete(row)
    db.flush()


# ---- setbacks ---------------------------------------------------------------------------


def list_setbacks(db: Session, viewer: Viewer, member_id: int) -> tuple[User, list[Setback]]:
    member = access.member_for_viewer(
        db, viewer, member_id, Section.CHECKINS, record_type="setbacks"
    )
    rows = db.scalars(
        select(Setback)
        .where(Setback.organization_id == member.organization_id, Setback.member_id == member.id)
        .order_by(Setback.happened_on.desc(), Setback.id.desc())
    ).all()
    return member, list(rows)


def _own_setback(db: Session, member: User, setback_id: int) -> Setback:
    row = db.get(Setback, setback_id)
    if row is None or row.organization_id != member.organization_id or row.member_id != member.id:
        raise NotFound()
    return row


def get_setback(db: Session, viewer: Viewer, member_id: int, setback_id: int) -> Setback:
    member = access.member_for_viewer(
        db, viewer, member_id, Section.CHECKINS, record_type="setback", record_id=setback_id
    )
    return _own_setback(db, member, setback_id)


@dataclass
class _SetbackValues:
    happened_on: date
    what_happened: str
    triggers: list[str]
    warning_signs: list[str]
    what_helped: str
    came_back_on: date | None


def _picked(
    values: Iterable[str], offered: Sequence[str], key: str, what: str, errors: dict[str, str]
) -> list[str]:
    by_key = {line.casefold(): line for line in offered}
    picked: list[str] = []
    for value in values:
        line = by_key.get(" ".join(value.split()).casefold())
        if line is None:
            errors[key] = (
                f"Please pick {what} from your own wellness plan; "
                f"“{value[:60]}” is not one of its lines."
            )
        elif line not in picked:
            picked.append(line)
    # In the plan's order.
    return [line for line in offered if line in picked]


def _validate_setback(
    values: _SetbackValues, choices: PlanChoices, recorded: Setback | None
) -> None:
    errors: dict[str, str] = {}
    _check_day(
        values.happened_on,
        errors,
        "happened_on",
        earliest=years_before(today(), SETBACK_YEARS_BACK),
    )
    if not values.what_happened.strip():
        errors["what_happened"] = "Please write a few words about what happened."
    # Lines the setback already names stay pickable after the plan changes.
    trigger_lines = [*choices.triggers, *(recorded.triggers if recorded else [])]
    sign_lines = [*choices.warning_signs, *(recorded.warning_signs if recorded else [])]
    values.triggers = _picked(
        values.triggers, list(dict.fromkeys(trigger_lines)), "triggers", "triggers", errors
    )
    values.warning_signs = _picked(
        values.warning_signs,
        list(dict.fromkeys(sign_lines)),
        "warning_signs",
        "early warning signs",
        errors,
    )
    if values.came_back_on is not None:
        if values.came_back_on > today():
            errors["came_back_on"] = "That day is still ahead. Fill it in when it comes."
        elif values.came_back_on < values.happened_on:
            errors["came_back_on"] = "Please choose a day on or after the day it happened."
    if errors:
        raise _invalid(errors)


def create_setback(db: Session, viewer: Viewer, member_id: int, data: SetbackIn) -> Setback:
    member = access.member_for_viewer(
        db,
        viewer,
        member_id,
        Section.CHECKINS,
        Action.WRITE,
        record_type="setback",
        record_id="new",
    )
    values = _SetbackValues(
        data.happened_on or today(),
        data.what_happened,
        list(data.triggers),
        list(data.warning_signs),
        data.what_helped,
        data.came_back_on,
    )
    _validate_setback(values, setback_choices(db, viewer, member), None)
    row = Setback(
        organization_id=member.organization_id,
        member_id=member.id,
        created_at=now(),
        **vars(values),
    )
    db.add(row)
    db.flush()
    return row


def update_setback(
    db: Session, viewer: Viewer, member_id: int, setback_id: int, patch: SetbackPatch
) -> Setback:
    member = access.member_for_viewer(
        db,
        viewer,
        member_id,
        Section.CHECKINS,
        Action.WRITE,
        record_type="setback",
        record_id=setback_id,
    )
    row = _own_setback(db, member, setback_id)
    sent = patch.model_fields_set
    values = _SetbackValues(
        happened_on=patch.happened_on or row.happened_on,
        what_happened=row.what_happened if patch.what_happened is None else patch.what_happened,
        triggers=list(row.triggers if patch.triggers is None else patch.triggers),
        warning_signs=list(
            row.warning_signs if patch.warning_signs is None else patch.warning_signs
        ),
        what_helped=row.what_helped if patch.what_helped is None else patch.what_helped,
        came_back_on=patch.came_back_on if "came_back_on" in sent else row.came_back_on,
    )
    _validate_setback(values, setback_choices(db, viewer, member), row)
    for name, value in vars(values).items():
        setattr(row, name, value)
    db.flush()
    return row
