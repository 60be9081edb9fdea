"""Small-cell suppression for the outcomes dashboard (pure functions, no database).

Primary suppression: a count under 11, or any value derived from fewer than 11 people, is not
shown ("fewer than 11"; null with a suppressed flag in the API and exports).

Complementary suppression: a table is a set of "lines", each saying that some cells add up to
a total (the cells of a row add up to the row total, a column to its column total, the row
totals to the grand total). If a line has exactly one hidden entry, that entry is the total
minus the shown cells, so it could be worked out. We therefore keep hiding the smallest shown
entry of any line with exactly one hidden entry until every line has none or at least two.

What this does not cover (see docs/outcomes.md): differences between two views (two periods,
two programmes, "all programmes" minus one programme), and the ranges that non-negative counts
under 11 allow; the target is that no hidden value can be read off a single line.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

THRESHOLD = 11
FEWER_THAN = "fewer than 11"

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Line(Generic[K]):
    """`cells` add up to `total`."""

    cells: tuple[K, ...]
    total: K

    @property
    def entries(self) -> tuple[K, ...]:
        return (*self.cells, self.total)


def primary(
    values: Mapping[K, int],
    people: Mapping[K, int] | None = None,
    threshold: int = THRESHOLD,
) -> set[K]:
    """Entries under the threshold, or derived from fewer than `threshold` people."""
    hidden = {k for k, v in values.items() if v < threshold}
    if people:
        hidden |= {k for k, n in people.items() if n < threshold}
    return hidden


def complementary(values: Mapping[K, int], lines: Sequence[Line[K]], hidden: set[K]) -> set[K]:
    """`hidden` grown until no line has exactly one hidden entry.

    The entry added is the smallest shown one in the offending line, a cell before its total
    (so a total stays visible where it can), ties broken by position. Hiding only grows, so
    this ends; at worst everything in a line is hidden.
    """
    hidden = set(hidden)
    changed = True
    while changed:
        changed = False
        for line in lines:
            entries = line.entries
            if sum(1 for k in entries if k in hidden) != 1:
                continue
            shown = [k for k in entries if k not in hidden]
            if not shown:
                continue
            cells_shown = [k for k in line.cells if k not in hidden]
            pool = cells_shown or shown
            pick = min(pool, key=lambda k: (values[k], entries.index(k)))
            hidden.add(pick)
            changed = True
    return hidden


def recoverable(values: Mapping[K, int], lines: Sequence[Line[K]], hidden: set[K]) -> set[K]:
    """Hidden entries that one line gives away (total minus shown cells, or sum of cells)."""
    found: set[K] = set()
    for line in lines:
        unknown = [k for k in line.entries if k in hidden]
        if len(unknown) == 1:
            found.add(unknown[0])
    return found


@dataclass
class Grid:
    """A rows x columns table of counts with optional row, column and grand totals.

    Keys are (row, column) for cells, (row, "total") for row totals, ("total", column) for
    column totals and ("total", "total") for the grand total.
    """

    rows: list[str]
    columns: list[str]
    cells: dict[tuple[str, str], int]
    people: dict[tuple[str, str], int] = field(default_factory=dict)
    row_totals: bool = True
    column_totals: bool = True
    # Entries to hide whatever their value (e.g. units where the contacts are hidden).
    forced: set[tuple[str, str]] = field(default_factory=set)

    def values(self) -> dict[tuple[str, str], int]:
        out = {(r, c): self.cells.get((r, c), 0) for r in self.rows for c in self.columns}
        if self.row_totals:
            for r in self.rows:
                out[(r, "total")] = sum(out[(r, c)] for c in self.columns)
        if self.column_totals:
            for c in self.columns:
                out[("total", c)] = sum(out[(r, c)] for r in self.rows)
        if self.row_totals and self.column_totals:
            out[("total", "total")] = sum(out[(r, "total")] for r in self.rows)
        return out

    def lines(self) -> list[Line[tuple[str, str]]]:
        found: list[Line[tuple[str, str]]] = []
        if self.row_totals:
            for r in self.rows:
                found.append(Line(tuple((r, c) for c in self.columns), (r, "total")))
            if self.column_totals:
                found.append(Line(tuple(("total", c) for c in self.columns), ("total", "total")))
        if self.column_totals:
            for c in self.columns:
                found.append(Line(tuple((r, c) for r in self.rows), ("total", c)))
            if self.row_totals:
                found.append(Line(tuple((r, "total") for r in self.rows), ("total", "total")))
        return found

    def suppress(self, threshold: int = THRESHOLD) -> set[tuple[str, str]]:
        values = self.values()
        people = {k: n for k, n in self.people.items() if k in values}
        start = primary(values, people, threshold) | (self.forced & values.keys())
        return complementary(values, self.lines(), start)


def line_table(
    cells: Mapping[str, int],
    total: int | None = None,
    people: Mapping[str, int] | None = None,
    threshold: int = THRESHOLD,
) -> tuple[dict[str, int], set[str]]:
    """One line of counts and their total (the sum unless given): values and hidden keys.

    The total key is "total". A total that is given (such as the number of people when the
    cells are per person) must equal the sum of the cells for the line to hold.
    """
    values = dict(cells)
    values["total"] = sum(cells.values()) if total is None else total
    hidden = primary(values, people, threshold)
    hidden = complementary(values, [Line(tuple(cells), "total")], hidden)
    return values, hidden
