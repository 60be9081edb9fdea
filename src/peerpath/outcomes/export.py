"""CSV (stdlib) and XLSX (xlsxwriter) exports of the dashboard, with the same suppression.

Both are "long": one line per figure, with the period and programme on every line, so a
spreadsheet can filter and pivot them. A suppressed figure has an empty value and
suppressed = yes/TRUE. Text cells are made safe from formula injection (CSV: a leading quote
before =, +, -, @; XLSX: every text is written as a string, never as a formula).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import xlsxwriter  # type: ignore[import-untyped]

from peerpath.outcomes.suppression import FEWER_THAN
from peerpath.outcomes.tables import Cell, Dashboard
from peerpath.workspace.billing.rules import csv_safe

COLUMNS = (
    "organization",
    "period_from",
    "period_to",
    "programme",
    "table",
    "row",
    "column",
    "value",
    "suppressed",
)
NOTE = (
    f"Small-cell suppression: counts under 11, and anything derived from fewer than 11 people, "
    f'are shown as "{FEWER_THAN}" on the page and left empty here (suppressed = yes). Some '
    "larger figures are suppressed as well, so that a hidden one cannot be worked out by "
    "subtracting shown figures from a total."
)


def _value(cell: Cell) -> int | float | None:
    if cell.suppressed or cell.value is None:
        return None
    return round(cell.value, 2) if isinstance(cell.value, float) else cell.value


def _lines(d: Dashboard) -> Iterator[tuple[str, str, str, int | float | None, bool]]:
    for table in d.tables:
        for row in table.rows:
            for (_key, label), cell in zip(table.columns, row.cells, strict=True):
                yield table.title, row.label, label, _value(cell), cell.suppressed


def filename(d: Dashboard, ext: str) -> str:
    programme = "all" if d.program_id is None else f"programme-{d.program_id}"
    return f"outcomes-{d.period_from}-to-{d.period_to}-{programme}.{ext}"


def to_csv(d: Dashboard) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    head = (d.organization, d.period_from, d.period_to, d.program_name)
    for table, row, column, value, suppressed in _lines(d):
        writer.writerow(
            [
                *(csv_safe(x) for x in head),
                csv_safe(table),
                csv_safe(row),
                csv_safe(column),
                "" if value is None else value,
                "yes" if suppressed else "no",
            ]
        )
    return out.getvalue()


def to_xlsx(d: Dashboard) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = book.add_format({"bold": True})
    about = book.add_worksheet("About")
    about.set_column(0, 0, 18)
    about.set_column(1, 1, 90)
    for i, (label, fact) in enumerate(
        (
            ("Organization", d.organization),
            ("Period", f"{d.period_from} to {d.period_to}"),
            ("Programme", d.program_name),
            ("As of", d.as_of),
            ("Suppression", NOTE),
        )
    ):
        about.write_string(i, 0, label, bold)
        about.write_string(i, 1, fact)
    sheet = book.add_worksheet("Figures")
    for c, name in enumerate(COLUMNS):
        sheet.write_string(0, c, name, bold)
    sheet.set_column(0, 3, 14)
    sheet.set_column(4, 6, 32)
    head = (d.organization, d.period_from, d.period_to, d.program_name)
    last = 0
    for r, (table, row, column, value, suppressed) in enumerate(_lines(d), start=1):
        last = r
        for c, cell_text in enumerate((*head, table, row, column)):
            sheet.write_string(r, c, cell_text)
        if value is None:
            sheet.write_blank(r, 7, None)
        else:
            sheet.write_number(r, 7, value)
        sheet.write_boolean(r, 8, suppressed)
    sheet.autofilter(0, 0, last, len(COLUMNS) - 1)
    book.close()
    return out.getvalue()
