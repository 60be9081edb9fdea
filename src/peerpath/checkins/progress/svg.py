"""Small, dependency-free SVG charts, rendered on the server as inline markup.

Every chart here:

- is one `<svg>` with a viewBox and width="100%", so it scales with the page from 320 px up
  (the page's CSS caps how wide it grows on large screens);
- has role="img" with a `<title>` and a `<desc>` (aria-labelledby and aria-describedby), and the
  page puts a data table right after it, so nothing is only in the picture;
- uses SVG presentation attributes only: no style attributes, no `<style>`, no script, which the
  Content-Security-Policy would refuse;
- never relies on colour alone: each series has its own dash pattern and marker shape and a
  label; colours are calm, dark enough against white (3:1 or more), and never red.

All text is escaped; numbers are written with at most one decimal.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
INK = "#1d2430"
MUTED = "#4a5565"
GRID = "#c9d0cf"
PAPER = "#ffffff"
TEAL = "#1f5f5b"
BLUE = "#2f5d8c"
PLUM = "#5b4a8a"


@dataclass(frozen=True)
class Style:
    """How one series looks; told apart by dash pattern and marker, not only colour."""

    stroke: str
    dash: str  # "" is a solid line
    marker: str  # circle, square, triangle, diamond, triangle-down
    fill: bool = False  # lightly fill a closed radar shape


SERIES_STYLES = (
    Style(TEAL, "", "circle", fill=True),
    Style(BLUE, "8 5", "square"),
    Style(PLUM, "2 4", "triangle"),
)


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]  # None: nothing to draw there (a gap, never a zero)
    style: Style


@dataclass(frozen=True)
class Axis:
    label: str
    note: str = ""  # a second line under the label, such as "no ratings yet"


def num(value: float) -> str:
    """A coordinate or value with at most one decimal, without a trailing ".0"."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _text(
    x: float,
    y: float,
    content: str,
    *,
    size: int = 14,
    anchor: str = "start",
    fill: str = INK,
    weight: str = "",
) -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{num(x)}" y="{num(y)}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{fill}"{bold}>{escape(content)}</text>'
    )


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 1) -> str:
    return (
        f'<line x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}" '
        f'stroke="{stroke}" stroke-width="{num(width)}"/>'
    )


def marker(shape: str, x: float, y: float, size: float, color: str, *, hollow: bool = False) -> str:
    """A marker shape centred on (x, y); hollow ones are white inside with a coloured edge."""
    fill = PAPER if hollow else color
    paint = f'fill="{fill}" stroke="{color}" stroke-width="2"'
    s = size
    if shape == "circle":
        return f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(s)}" {paint}/>'
    if shape == "square":
        s *= 0.9
        return (
            f'<rect x="{num(x - s)}" y="{num(y - s)}" width="{num(2 * s)}" '
            f'height="{num(2 * s)}" {paint}/>'
        )
    points: tuple[tuple[float, float], ...]
    if shape == "triangle":
        points = ((x, y - s * 1.15), (x + s * 1.1, y + s * 0.8), (x - s * 1.1, y + s * 0.8))
    elif shape == "triangle-down":
        points = ((x, y + s * 1.15), (x + s * 1.1, y - s * 0.8), (x - s * 1.1, y - s * 0.8))
    elif shape == "diamond":
        points = ((x, y - s * 1.2), (x + s * 1.2, y), (x, y + s * 1.2), (x - s * 1.2, y))
    else:
        raise ValueError(f"unknown marker {shape!r}")
    coords = " ".join(f"{num(px)},{num(py)}" for px, py in points)
    return f'<polygon points="{coords}" {paint}/>'


def _stroke(style: Style, width: float = 2.5) -> str:
    dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
    return (
        f'stroke="{style.stroke}" stroke-width="{num(width)}"{dash} '
        'stroke-linejoin="round" stroke-linecap="round"'
    )


def _svg(chart_id: str, kind: str, width: int, height: float, title: str, desc: str) -> str:
    return (
        f'<svg class="chart chart-{kind}" id="{escape(chart_id)}" '
        f'viewBox="0 0 {width} {num(height)}" width="100%" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title" aria-describedby="{escape(chart_id)}-desc" '
        f'focusable="false" font-family="{FONT}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>'
    )


def _legend(series: Sequence[Series], top: float, left: float = 16) -> tuple[list[str], float]:
    """One row per series: a sample of its line and marker, then its label."""
    parts = []
    y = top
    for s in series:
        parts.append(
            f'<line x1="{num(left)}" y1="{num(y)}" x2="{num(left + 44)}" y2="{num(y)}" '
            f"{_stroke(s.style)}/>"
        )
        parts.append(marker(s.style.marker, left + 22, y, 4.5, s.style.stroke, hollow=True))
        parts.append(_text(left + 56, y + 5, s.label))
        y += 24
    return parts, y


def _runs(points: Sequence[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Unbroken stretches of points; a None ends a stretch, so a gap stays a gap."""
    runs: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for p in points:
        if p is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(p)
    if current:
        runs.append(current)
    return runs


def _path(run: Sequence[tuple[float, float]]) -> str:
    return "M" + " L".join(f"{num(x)},{num(y)}" for x, y in run)


def _done(head: str, parts: Sequence[str]) -> Markup:
    # Safe by construction: every text in head and parts went through escape() above, and
    # everything else is numbers and fixed attribute values from this module.
    return Markup(head + "".join(parts) + "</svg>")  # noqa: S704


# ---- radar (wellness wheel) ---------------------------------------------------------------


def radar_chart(
    chart_id: str,
    title: str,
    desc: str,
    axes: Sequence[Axis],
    series: Sequence[Series],
    max_value: float = 10,
) -> Markup:
    """A wheel with one spoke per axis; fewer than three axes become rows of dots instead."""
    if len(axes) < 3:
        return dot_chart(chart_id, title, desc, axes, series, max_value)
    width, cx, cy, radius = 400, 200.0, 150.0, 82.0
    n = len(axes)
    angles = [-math.pi / 2 + 2 * math.pi * i / n for i in range(n)]

    def at(i: int, value: float) -> tuple[float, float]:
        r = radius * max(0.0, min(value, max_value)) / max_value
        return cx + r * math.cos(angles[i]), cy + r * math.sin(angles[i])

    parts: list[str] = []
    for step in (0.2, 0.4, 0.6, 0.8, 1.0):
        ring = " ".join(
            f"{num(x)},{num(y)}" for x, y in (at(i, step * max_value) for i in range(n))
        )
        width_ = 1.5 if step == 1.0 else 1
        parts.append(
            f'<polygon points="{ring}" fill="none" stroke="{GRID}" stroke-width="{width_}"/>'
        )
    for i, axis in enumerate(axes):
        x, y = at(i, max_value)
        parts.append(_line(cx, cy, x, y, GRID))
        cos, sin = math.cos(angles[i]), math.sin(angles[i])
        lx, ly = cx + (radius + 12) * cos, cy + (radius + 12) * sin
        anchor = "start" if cos > 0.3 else "end" if cos < -0.3 else "middle"
        if sin < -0.5:  # top: stack the label upwards
            ly -= 18 if axis.note else 2
        elif sin > 0.5:  # bottom
            ly += 14
        else:
            ly += 5 - (8 if axis.note else 0)
        parts.append(_text(lx, ly, axis.label, anchor=anchor, weight="600"))
        if axis.note:
            parts.append(_text(lx, ly + 16, axis.note, size=12, anchor=anchor, fill=MUTED))
    # scale labels along the first spoke
    for value in (max_value / 2, max_value):
        x, y = at(0, value)
        parts.append(_text(x + 4, y + 12, num(value), size=11, fill=MUTED))

    for s in reversed(series):  # the first series ("now") is drawn last, on top
        points = [at(i, v) if v is not None else None for i, v in enumerate(s.values)]
        if all(p is not None for p in points):
            coords = " ".join(f"{num(p[0])},{num(p[1])}" for p in points if p is not None)
            fill = f'fill="{s.style.stroke}" fill-opacity="0.12"' if s.style.fill else 'fill="none"'
            parts.append(f'<polygon points="{coords}" {fill} {_stroke(s.style)}/>')
        else:
            # Join only neighbouring spokes that both have a value: a missing one is a gap.
            for i in range(n):
                a, b = points[i], points[(i + 1) % n]
                if a is not None and b is not None and n > 1:
                    parts.append(
                        f'<line x1="{num(a[0])}" y1="{num(a[1])}" x2="{num(b[0])}" '
                        f'y2="{num(b[1])}" {_stroke(s.style)}/>'
                    )
        for p in points:
            if p is not None:
                parts.append(marker(s.style.marker, p[0], p[1], 4.5, s.style.stroke, hollow=True))

    legend, bottom = _legend(series, cy + radius + 62)
    parts += legend
    return _done(_svg(chart_id, "wheel", width, bottom, title, desc), parts)


def dot_chart(
    chart_id: str,
    title: str,
    desc: str,
    axes: Sequence[Axis],
    series: Sequence[Series],
    max_value: float = 10,
) -> Markup:
    """One row per axis with a 0..max scale and a marker per series (for one or two axes)."""
    width, left, right = 400, 20.0, 380.0
    parts: list[str] = []
    y = 24.0
    offsets = [(-9.0 + 9.0 * k) for k in range(len(series))]
    for i, axis in enumerate(axes):
        parts.append(_text(left, y, axis.label, weight="600"))
        if axis.note:
            parts.append(_text(left + 120, y, axis.note, size=12, fill=MUTED))
        line_y = y + 30
        parts.append(_line(left, line_y, right, line_y, GRID, 1.5))
        for tick in (0, max_value / 2, max_value):
            tx = left + (right - left) * tick / max_value
            parts.append(_line(tx, line_y - 5, tx, line_y + 5, GRID, 1.5))
            parts.append(_text(tx, line_y + 22, num(tick), size=12, anchor="middle", fill=MUTED))
        for s, dy in zip(series, offsets, strict=False):
            value = s.values[i] if i < len(s.values) else None
            if value is not None:
                vx = left + (right - left) * max(0.0, min(value, max_value)) / max_value
                parts.append(marker(s.style.marker, vx, line_y + dy, 5, s.style.stroke))
        y += 70
    legend, bottom = _legend(series, y + 4)
    parts += legend
    return _done(_svg(chart_id, "dots", width, bottom, title, desc), parts)


# ---- line over weeks ----------------------------------------------------------------------


def line_chart(
    chart_id: str,
    title: str,
    desc: str,
    values: Sequence[float | None],
    ticks: Sequence[tuple[int, str]],
    style: Style = SERIES_STYLES[0],
    max_value: float = 10,
) -> Markup:
    """One series over evenly spaced steps (weeks); a None is left blank, never drawn as 0."""
    width, height = 340, 172
    left, right, top, bottom = 32.0, 330.0, 12.0, 132.0
    n = max(len(values), 2)

    def x_of(i: int) -> float:
        return left + (right - left) * i / (n - 1)

    def y_of(v: float) -> float:
        return bottom - (bottom - top) * max(0.0, min(v, max_value)) / max_value

    parts: list[str] = []
    for level in (0, max_value / 2, max_value):
        y = y_of(level)
        parts.append(_line(left, y, right, y, GRID, 1.5 if level == 0 else 1))
        parts.append(_text(left - 8, y + 5, num(level), size=13, anchor="end", fill=MUTED))
    for index, label in ticks:
        x = x_of(index)
        parts.append(_line(x, bottom, x, bottom + 5, MUTED))
        anchor = "start" if x < left + 10 else "end" if x > right - 10 else "middle"
        parts.append(_text(x, bottom + 22, label, size=13, anchor=anchor, fill=MUTED))
    points = [(x_of(i), y_of(v)) if v is not None else None for i, v in enumerate(values)]
    runs = _runs(points)
    dot = f"{escape(chart_id)}-dot"
    if any(len(run) > 1 for run in runs):
        # One marker definition drawn at every vertex of the lines: far less markup than an
        # element per week. A week standing alone between gaps gets a marker of its own.
        parts.append(
            f'<defs><marker id="{dot}" viewBox="0 0 10 10" refX="5" refY="5" '
            'markerWidth="10" markerHeight="10" markerUnits="userSpaceOnUse">'
            f"{marker(style.marker, 5, 5, 3.5, style.stroke)}</marker></defs>"
        )
    for run in runs:
        if len(run) > 1:
            parts.append(
                f'<path d="{_path(run)}" fill="none" {_stroke(style)} '
                f'marker-start="url(#{dot})" marker-mid="url(#{dot})" marker-end="url(#{dot})"/>'
            )
        else:
            parts.append(marker(style.marker, run[0][0], run[0][1], 3.5, style.stroke))
    return _done(_svg(chart_id, "line", width, height, title, desc), parts)


# ---- timeline -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SetbackEvent:
    happened_on: date
    came_back_on: date | None
    label: str  # e.g. "3 Mar, back 7 Mar"


@dataclass(frozen=True)
class DayEvent:
    day: date
    label: str


def _day_runs(days: Sequence[date]) -> list[tuple[date, date]]:
    """Sorted days grouped into runs of consecutive days: [(first, last), ...]."""
    runs: list[tuple[date, date]] = []
    for day in sorted(days):
        if runs and (day - runs[-1][1]).days == 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


LABELLED_EVENTS_MAX = 6  # beyond this, markers only: the table after the chart has every date


def timeline_chart(
    chart_id: str,
    title: str,
    desc: str,
    start: date,
    end: date,
    checkin_days: Sequence[date],
    comebacks: Sequence[DayEvent],
    setbacks: Sequence[SetbackEvent],
    ticks: Sequence[tuple[date, str]],
    row_labels: tuple[str, str, str] = ("Check-in days", "Coming back", "Setbacks"),
) -> Markup:
    """Check-in days as ticks, comeback moments and setbacks (with the day of coming back)
    as labelled markers, on one shared time axis."""
    width, left, right = 340, 10.0, 330.0
    span = max((end - start).days, 1)

    def x_of(day: date) -> float:
        clamped = min(max(day, start), end)
        return left + (right - left) * (clamped - start).days / span

    def anchor_for(x: float) -> str:
        return "start" if x < left + 50 else "end" if x > right - 50 else "middle"

    parts: list[str] = []
    # Row 1: a tick for every day with a check-in.
    parts.append(_text(left, 16, row_labels[0], size=13, fill=MUTED, weight="600"))
    parts.append(_line(left, 46, right, 46, GRID))
    # Consecutive days become one bar (a run of days in a row), so a long daily habit is a
    # few shapes rather than hundreds; a day on its own is a thin bar of its own.
    day_width = (right - left) / (span + 1)
    if not checkin_days:
        parts.append(_text(left, 40, "none in this time", size=12, fill=MUTED))
    for first, last in _day_runs(checkin_days):
        x = x_of(first) - day_width * 0.4
        bar = max(1.5, day_width * ((last - first).days + 0.8))
        parts.append(f'<rect x="{num(x)}" y="24" width="{num(bar)}" height="22" fill="{TEAL}"/>')
    # Row 2: coming back after a break.
    parts.append(_text(left, 76, row_labels[1], size=13, fill=MUTED, weight="600"))
    if not comebacks:
        parts.append(_text(left, 100, "none in this time", size=12, fill=MUTED))
    labelled = len(comebacks) <= LABELLED_EVENTS_MAX
    for k, event in enumerate(comebacks):
        x = x_of(event.day)
        parts.append(_line(x, 46, x, 88, BLUE, 1.5))
        parts.append(marker("triangle", x, 92, 5.5, BLUE))
        if labelled:
            parts.append(_text(x, 114 + 15 * (k % 2), event.label, size=12, anchor=anchor_for(x)))
    # Row 3: setbacks, joined to the day of coming back.
    parts.append(_text(left, 158, row_labels[2], size=13, fill=MUTED, weight="600"))
    if not setbacks:
        parts.append(_text(left, 182, "none in this time", size=12, fill=MUTED))
    labelled = len(setbacks) <= LABELLED_EVENTS_MAX
    for k, setback in enumerate(setbacks):
        x = x_of(setback.happened_on)
        if setback.came_back_on is not None:
            x_back = x_of(setback.came_back_on)
            parts.append(_line(x, 176, x_back, 176, PLUM, 2))
            parts.append(marker("circle", x_back, 176, 4.5, TEAL, hollow=True))
        parts.append(marker("diamond", x, 176, 5.5, PLUM))
        if labelled:
            parts.append(_text(x, 198 + 15 * (k % 2), setback.label, size=12, anchor=anchor_for(x)))
    # Time axis.
    axis_y = 226.0
    parts.append(_line(left, axis_y, right, axis_y, MUTED, 1.5))
    for day, label in ticks:
        x = x_of(day)
        parts.append(_line(x, axis_y, x, axis_y + 5, MUTED))
        parts.append(_text(x, axis_y + 21, label, size=13, anchor=anchor_for(x), fill=MUTED))
    # Key to the markers, so no shape needs its colour to be understood.
    key_y = axis_y + 50
    for x, shape, color, hollow, label in (
        (left + 6, "diamond", PLUM, False, "setback"),
        (left + 100, "circle", TEAL, True, "came back"),
        (left + 212, "triangle", BLUE, False, "coming back"),
    ):
        parts.append(marker(shape, x, key_y - 4, 5, color, hollow=hollow))
        parts.append(_text(x + 12, key_y + 1, label, size=13))
    height = key_y + 12
    return _done(_svg(chart_id, "timeline", width, height, title, desc), parts)
