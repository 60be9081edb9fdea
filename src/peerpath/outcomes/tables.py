"""What the dashboard shows, as plain tables of cells: one shape for the page, the charts, the
API, the CSV and the XLSX, so suppression is decided once and every output shows the same."""

from __future__ import annotations

from dataclasses import dataclass, field

from peerpath.outcomes.suppression import FEWER_THAN


@dataclass(frozen=True)
class Cell:
    value: int | float | None  # None when suppressed (or nothing to report)
    suppressed: bool = False
    kind: str = "count"  # count, change (signed, one decimal), number (one decimal)

    @property
    def text(self) -> str:
        if self.suppressed:
            return FEWER_THAN
        if self.value is None:
            return "none"
        if self.kind == "change":
            return f"{self.value:+.1f}".replace("+0.0", "0.0").replace("-0.0", "0.0")
        if self.kind == "number":
            return f"{self.value:.1f}"
        return f"{int(self.value):,}"

    @property
    def sort_value(self) -> float:
        return float(self.value) if self.value is not None else 0.0


def count(value: int, hidden: bool) -> Cell:
    return Cell(None, True) if hidden else Cell(value)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    cells: tuple[Cell, ...]
    is_total: bool = False


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    caption: str
    row_header: str
    columns: tuple[tuple[str, str], ...]  # (key, label)
    rows: tuple[Row, ...]
    chart: str = "bars"  # bars (first column per row), stacked (counts per row), none
    note: str = ""

    @property
    def any_suppressed(self) -> bool:
        return any(c.suppressed for r in self.rows for c in r.cells)


@dataclass(frozen=True)
class Dashboard:
    organization: str
    period_from: str
    period_to: str
    program_id: int | None
    program_name: str
    as_of: str
    tables: tuple[Table, ...]
    unavailable: tuple[str, ...] = field(default_factory=tuple)

    def table(self, key: str) -> Table:
        for t in self.tables:
            if t.key == key:
                return t
        raise KeyError(key)

    @property
    def any_suppressed(self) -> bool:
        return any(t.any_suppressed for t in self.tables)
