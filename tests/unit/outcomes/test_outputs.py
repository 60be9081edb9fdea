"""Charts and exports render exactly what the tables say, suppression included."""

from __future__ import annotations

import csv
import io
import zipfile

from peerpath.outcomes import charts, export
from peerpath.outcomes.tables import Cell, Dashboard, Row, Table


def _dashboard() -> Dashboard:
    goals = Table(
        "goals",
        "Goals",
        "Goals in the period",
        "Goal status",
        (("count", "Goals"),),
        (
            Row("achieved", "Achieved", (Cell(40),)),
            Row("paused", "=cmd|' /C calc'!A0", (Cell(None, True),)),
            Row("total", "All goal changes", (Cell(52),), True),
        ),
    )
    change = Table(
        "wellness_change",
        "Change",
        "Change in ratings",
        "Area",
        (("people", "Members"), ("mean", "Mean change")),
        (
            Row("emotional", "Emotional", (Cell(30), Cell(-0.75, kind="change"))),
            Row("social", "Social", (Cell(None, True), Cell(None, True, "change"))),
        ),
        chart="change",
    )
    return Dashboard(
        "Lakeside",
        "2025-01-01",
        "2025-12-31",
        None,
        "All programmes",
        "2026-01-02",
        (goals, change),
    )


def test_svg_bars_show_values_and_an_outline_for_hidden_ones() -> None:
    svgs = charts.charts_for(_dashboard().tables)
    goals = str(svgs["goals"])
    assert 'role="img"' in goals and "<title" in goals and "<desc" in goals
    assert "fewer than 11" in goals and 'stroke-dasharray="4 3"' in goals
    assert "style=" not in goals and "<script" not in goals
    assert "red" not in goals.lower()
    assert ">40<" in goals
    change = str(svgs["wellness_change"])
    assert "-0.8" in change or "-0.7" in change  # one decimal, signed
    assert "Social: fewer than 11" in change


def test_csv_is_formula_safe_and_hidden_values_are_empty() -> None:
    rows = list(csv.DictReader(io.StringIO(export.to_csv(_dashboard()))))
    hidden = next(r for r in rows if r["row"].startswith("'="))
    assert hidden["value"] == "" and hidden["suppressed"] == "yes"
    shown = next(r for r in rows if r["row"] == "Achieved")
    assert shown["value"] == "40" and shown["suppressed"] == "no"
    mean = next(r for r in rows if r["row"] == "Emotional" and r["column"] == "Mean change")
    assert mean["value"] == "-0.75"


def test_xlsx_writes_text_as_strings_never_formulas() -> None:
    data = export.to_xlsx(_dashboard())
    book = zipfile.ZipFile(io.BytesIO(data))
    sheet = book.read("xl/worksheets/sheet2.xml").decode()
    assert "<f>" not in sheet
    assert "=cmd" in book.read("xl/sharedStrings.xml").decode()
