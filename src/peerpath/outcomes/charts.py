"""Server-rendered SVG bar charts for the dashboard, built on the check-in progress charts'
helpers (same fonts, colours, title/desc labelling, no style attributes, never red).

Each chart is followed on the page by its data table. A suppressed value is drawn as an empty
dashed outline labelled "fewer than 11", never as a bar of any length.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from peerpath.checkins.progress.svg import (
    GRID,
    INK,
    MUTED,
    TEAL,
    _done,
    _line,
    _svg,
    _text,
    num,
)
from peerpath.outcomes.suppression import FEWER_THAN
from peerpath.outcomes.tables import Cell, Table

WIDTH = 400
LABEL_W = 150.0
RIGHT = 380.0
BAR_H = 18.0
ROW_H = 40.0


def _bar_rows(table: Table) -> list[tuple[str, Cell]]:
    """(label, cell) per bar: the first column of each row, or each row's total for a grid."""
    column = len(table.columns) - 1 if table.chart == "stacked" else 0
    if table.chart == "change":
        column = 1
    return [(row.label, row.cells[column]) for row in table.rows if not row.is_total]


def _wrap(label: str, limit: int = 24) -> list[str]:
    words, lines, current = label.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > limit:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    return lines[:2] or [""]


def bar_chart(chart_id: str, table: Table) -> Markup:
    """Horizontal bars, one per row, from zero; a change chart is centred on zero."""
    items = _bar_rows(table)
    change = table.chart == "change"
    shown = [abs(float(c.value)) for _l, c in items if not c.suppressed and c.value is not None]
    top = max(shown, default=0.0)
    top = max(top, 1.0)
    left = LABEL_W
    zero = (left + RIGHT) / 2 if change else left
    span = (RIGHT - left) / 2 if change else RIGHT - left
    parts: list[str] = []
    y = 16.0
    parts.append(_line(zero, y - 6, zero, y + ROW_H * len(items), GRID, 1.5))
    for label, cell in items:
        lines = _wrap(label)
        for i, text in enumerate(lines):
            parts.append(_text(8, y + 14 + i * 15 - (7 if len(lines) > 1 else 0), text, size=13))
        bar_y = y + (ROW_H - BAR_H) / 2 - 6
        if cell.suppressed or cell.value is None:
            x = zero - 40 if change else zero
            parts.append(
                f'<rect x="{num(x)}" y="{num(bar_y)}" width="80" height="{num(BAR_H)}" '
                f'fill="none" stroke="{MUTED}" stroke-width="1.5" stroke-dasharray="4 3"/>'
            )
            note = FEWER_THAN if cell.suppressed else "none"
            parts.append(_text(x + 88, bar_y + 14, note, size=12, fill=MUTED))
        else:
            value = float(cell.value)
            length = span * abs(value) / top
            x = zero - length if value < 0 else zero
            parts.append(
                f'<rect x="{num(x)}" y="{num(bar_y)}" width="{num(max(length, 1.5))}" '
                f'height="{num(BAR_H)}" fill="{TEAL}"/>'
            )
            if value < 0:
                parts.append(_text(x - 4, bar_y + 14, cell.text, size=12, anchor="end", fill=INK))
            else:
                parts.append(_text(x + length + 4, bar_y + 14, cell.text, size=12, fill=INK))
        y += ROW_H
    if change:
        parts.append(_text(zero, y + 8, "0", size=11, anchor="middle", fill=MUTED))
        parts.append(_text(left, y + 8, "lower", size=11, fill=MUTED))
        parts.append(_text(RIGHT, y + 8, "higher", size=11, anchor="end", fill=MUTED))
        y += 14
    desc = "; ".join(f"{label}: {cell.text}" for label, cell in items) or "Nothing to show."
    head = _svg(chart_id, "bars", WIDTH, y + 4, table.title, desc)
    return _done(head, parts)


def charts_for(tables: Sequence[Table]) -> dict[str, Markup]:
    return {
        t.key: bar_chart(f"chart-{t.key}", t)
        for t in tables
        if t.chart != "none" and any(not r.is_total for r in t.rows)
    }
