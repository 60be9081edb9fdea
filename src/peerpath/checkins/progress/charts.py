"""The progress page's charts: the member's own numbers turned into SVG (svg.py), each with a
title and a description that says in words what the picture shows.

Words matter here: every sentence compares the member only with their own past, names no
other person, ranks nothing, and calls a setback a setback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup

from peerpath.checkins.progress import svg
from peerpath.checkins.progress.service import (
    COMEBACK_GAP_DAYS,
    TREND_WEEKS,
    WHEEL_WINDOW_DAYS,
    Progress,
    Trend,
    Wheel,
)

NO_RATINGS_YET = "no ratings yet"
WHEEL_LABELS = {
    "now": f"Now (latest {WHEEL_WINDOW_DAYS} check-ins)",
    "days_30": "30 days ago",
    "days_90": "90 days ago",
}


def long_day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def short_day(day: date) -> str:
    return f"{day.day} {day:%b}"


def rating(value: float | None) -> str:
    return "no ratings" if value is None else svg.num(value)


@dataclass(frozen=True)
class TableRow:
    """One row of a "Show the numbers" table, already in words."""

    label: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class TrendChart:
    trend: Trend
    chart_id: str
    svg: Markup
    rows: tuple[TableRow, ...]  # week, average, number of ratings


@dataclass(frozen=True)
class ProgressCharts:
    wheel: Markup | None  # None when the member rates no dimensions yet
    wheel_columns: tuple[tuple[str, str], ...]  # (label, dates) for each wheel window
    wheel_rows: tuple[TableRow, ...]
    trends: tuple[TrendChart, ...]
    timeline: Markup
    timeline_rows: tuple[TableRow, ...]  # date, what, details
    checkins_by_month: tuple[TableRow, ...]


def build(progress: Progress) -> ProgressCharts:
    """The page's charts and the tables beside them, with every label formatted once."""
    wheel = progress.wheel
    week_labels: list[str] = []
    ticks: list[tuple[int, str]] = []
    if progress.trends:
        weeks = progress.trends[0].weeks  # every series shares the same weeks
        week_labels = [f"{short_day(w.span.start)} – {long_day(w.span.end)}" for w in weeks]
        ticks = week_ticks(progress.trends[0])
    return ProgressCharts(
        wheel=wheel_chart(wheel) if wheel.rows else None,
        wheel_columns=tuple(
            (
                WHEEL_LABELS.get(w.key, w.label),
                f"{short_day(w.span.start)} – {long_day(w.span.end)}" if w.span else "",
            )
            for w in wheel.windows
        ),
        wheel_rows=tuple(
            TableRow(
                row.label,
                tuple(
                    rating(row.values[w.key])
                    if row.values[w.key] is not None
                    else ("No ratings that week" if row.has_ratings else "No ratings yet")
                    for w in wheel.windows
                ),
            )
            for row in wheel.rows
        ),
        trends=tuple(trend_chart(t, week_labels, ticks) for t in progress.trends),
        timeline=timeline_chart(progress),
        timeline_rows=tuple(
            TableRow(long_day(r.day), (r.what, r.detail)) for r in timeline_rows(progress)
        ),
        checkins_by_month=tuple(
            TableRow(month, (str(n),)) for month, n in checkins_by_month(progress)
        ),
    )


def wheel_chart(wheel: Wheel) -> Markup:
    axes = [svg.Axis(row.label, "" if row.has_ratings else NO_RATINGS_YET) for row in wheel.rows]
    series = [
        svg.Series(
            WHEEL_LABELS.get(window.key, window.label),
            [row.values[window.key] for row in wheel.rows],
            style,
        )
        for window, style in zip(wheel.windows, svg.SERIES_STYLES, strict=False)
    ]
    sentences = [
        f"Ratings from 0 to 10, each an average over {WHEEL_WINDOW_DAYS} days: now "
        f"(the latest {WHEEL_WINDOW_DAYS} check-ins), 30 days ago and 90 days ago."
    ]
    for row in wheel.rows:
        if not row.has_ratings:
            sentences.append(f"{row.label}: {NO_RATINGS_YET}.")
            continue
        parts = [
            f"{WHEEL_LABELS.get(w.key, w.label).split(' (')[0].lower()} {rating(row.values[w.key])}"
            for w in wheel.windows
        ]
        sentences.append(f"{row.label}: " + ", ".join(parts) + ".")
    return svg.radar_chart(
        "progress-wheel",
        "Wellness wheel: now, 30 and 90 days ago",
        " ".join(sentences),
        axes,
        series,
    )


def week_ticks(trend: Trend) -> list[tuple[int, str]]:
    """A tick at each week that holds the first day of a month."""
    ticks = []
    for index, week in enumerate(trend.weeks):
        first = week.span.end.replace(day=1)
        if week.span.start <= first <= week.span.end:
            label = f"{first:%b}" if first.month != 1 else f"{first:%b %Y}"
            ticks.append((index, label))
    return ticks


def trend_chart(
    trend: Trend, week_labels: Sequence[str], ticks: Sequence[tuple[int, str]]
) -> TrendChart:
    weeks = trend.weeks
    title = f"{trend.label}: weekly average over the last {TREND_WEEKS} weeks"
    first, last = weeks[0].span.start, weeks[-1].span.end
    rated = [w for w in weeks if w.average is not None]
    if not rated:
        desc = (
            f"No ratings of {trend.label.lower()} between {long_day(first)} and "
            f"{long_day(last)} yet."
        )
    else:
        values = [w.average for w in rated if w.average is not None]
        latest = rated[-1]
        gaps = len(weeks) - len(rated)
        desc = (
            f"Weekly average of {trend.label.lower()} ratings from 0 to 10, "
            f"{long_day(first)} to {long_day(last)}. {len(rated)} of {len(weeks)} weeks have "
            f"ratings, between {svg.num(min(values))} and {svg.num(max(values))}; the latest, "
            f"the week ending {long_day(latest.span.end)}, is {rating(latest.average)}."
        )
        if gaps:
            desc += f" {gaps} weeks without ratings are left as gaps in the line."
    chart_id = f"progress-trend-{trend.key}"
    rows = tuple(
        TableRow(
            label,
            ("No ratings" if w.average is None else svg.num(w.average), str(w.ratings)),
        )
        for label, w in zip(week_labels, weeks, strict=True)
    )
    return TrendChart(
        trend,
        chart_id,
        svg.line_chart(chart_id, title, desc, [w.average for w in weeks], ticks),
        rows,
    )


def month_ticks(start: date, end: date) -> list[tuple[date, str]]:
    ticks = []
    day = start.replace(day=1)
    while day <= end:
        if day >= start:
            ticks.append((day, f"{day:%b}" if day.month != 1 else f"{day:%b %Y}"))
        day = (day + timedelta(days=32)).replace(day=1)
    return ticks


def _listed(items: Sequence[str], limit: int = 5) -> str:
    shown = list(items[:limit])
    more = len(items) - len(shown)
    text = ", ".join(shown)
    return f"{text} and {more} more" if more else text


def timeline_chart(progress: Progress) -> Markup:
    t = progress.timeline
    setbacks = [
        svg.SetbackEvent(
            s.happened_on,
            s.came_back_on,
            short_day(s.happened_on)
            + (f", back {short_day(s.came_back_on)}" if s.came_back_on else ""),
        )
        for s in t.setbacks
    ]
    comebacks = [svg.DayEvent(c.day, short_day(c.day)) for c in t.comebacks]
    days = len(t.checkin_days)
    sentences = [
        f"From {long_day(t.span.start)} to {long_day(t.span.end)}: "
        f"{days} {'day' if days == 1 else 'days'} with a check-in."
    ]
    if t.setbacks:
        sentences.append(
            f"{len(t.setbacks)} {'setback' if len(t.setbacks) == 1 else 'setbacks'}: "
            + _listed([s.label for s in setbacks])
            + "."
        )
    else:
        sentences.append("No setbacks recorded in this time.")
    if t.comebacks:
        sentences.append(
            f"Coming back after {COMEBACK_GAP_DAYS} or more days without a check-in: "
            + _listed([c.label for c in comebacks])
            + "."
        )
    return svg.timeline_chart(
        "progress-timeline",
        "Check-in days, setbacks and coming back",
        " ".join(sentences),
        t.span.start,
        t.span.end,
        t.checkin_days,
        comebacks,
        setbacks,
        month_ticks(t.span.start, t.span.end),
    )


# ---- tables that stand beside the charts --------------------------------------------------


@dataclass(frozen=True)
class TimelineRow:
    day: date
    what: str
    detail: str


def timeline_rows(progress: Progress) -> list[TimelineRow]:
    """Setbacks and comeback moments in date order, for the table after the timeline."""
    rows = [
        TimelineRow(
            s.happened_on,
            "Setback",
            f"Came back on {long_day(s.came_back_on)}"
            if s.came_back_on
            else "Day of coming back not recorded yet",
        )
        for s in progress.timeline.setbacks
    ]
    rows += [
        TimelineRow(c.day, "Coming back", f"Check-in after {c.days_without} days without one")
        for c in progress.timeline.comebacks
    ]
    rows.sort(key=lambda r: (r.day, r.what != "Setback"))
    return rows


def checkins_by_month(progress: Progress) -> list[tuple[str, int]]:
    """Days with a check-in in each month of the timeline, oldest first (months with none too)."""
    t = progress.timeline
    counts: dict[tuple[int, int], int] = {}
    day = t.span.start.replace(day=1)
    while day <= t.span.end:
        counts[(day.year, day.month)] = 0
        day = (day + timedelta(days=32)).replace(day=1)
    for d in t.checkin_days:
        counts[(d.year, d.month)] = counts.get((d.year, d.month), 0) + 1
    return [(f"{date(y, m, 1):%B %Y}", n) for (y, m), n in counts.items()]
