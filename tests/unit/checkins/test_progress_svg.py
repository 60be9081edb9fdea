"""The progress charts' SVG: accessible, allowed by the CSP, gaps left as gaps, calm colours."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from markupsafe import Markup
from selectolax.lexbor import LexborHTMLParser

from peerpath.checkins.progress import charts, svg

AXES = [svg.Axis("Emotional"), svg.Axis("Social"), svg.Axis("Spiritual", "no ratings yet")]
SERIES = [
    svg.Series("Now", [6.0, 4.5, None], svg.SERIES_STYLES[0]),
    svg.Series("30 days ago", [5.0, 3.0, None], svg.SERIES_STYLES[1]),
    svg.Series("90 days ago", [2.0, 7.0, None], svg.SERIES_STYLES[2]),
]
START = date(2025, 10, 1)
END = date(2026, 3, 31)


def _all_charts() -> list[Markup]:
    return [
        svg.radar_chart("w", "Wheel", "A wheel.", AXES, SERIES),
        svg.radar_chart("d", "Dots", "Two rows.", AXES[:2], SERIES),
        svg.line_chart("l", "Line", "A line.", [1.0, None, 0.0, 10.0], [(0, "Jan")]),
        svg.timeline_chart(
            "t",
            "Timeline",
            "A timeline.",
            START,
            END,
            [START, END],
            [svg.DayEvent(date(2026, 1, 5), "5 Jan")],
            [svg.SetbackEvent(date(2025, 12, 1), date(2025, 12, 9), "1 Dec, back 9 Dec")],
            charts.month_ticks(START, END),
        ),
    ]


@pytest.mark.parametrize("index", range(4))
def test_every_chart_is_a_labelled_scalable_image(index: int) -> None:
    markup = _all_charts()[index]
    node = LexborHTMLParser(f"<body>{markup}</body>").css_first("svg")
    assert node is not None
    attrs = node.attributes
    assert attrs["role"] == "img"
    assert attrs["width"] == "100%"
    assert re.fullmatch(r"0 0 \d+ [\d.]+", attrs["viewBox"] or "")
    title_id, desc_id = attrs["aria-labelledby"], attrs["aria-describedby"]
    title = node.css_first(f"#{title_id}")
    desc = node.css_first(f"#{desc_id}")
    assert title is not None and title.tag == "title" and title.text()
    assert desc is not None and desc.tag == "desc" and desc.text()


def test_charts_use_no_style_attributes_scripts_or_red() -> None:
    for markup in _all_charts():
        text = str(markup)
        assert "style=" not in text and "<style" not in text
        assert "<script" not in text and "javascript:" not in text and " on" not in text
        colours = set(re.findall(r'(?:fill|stroke)="(#[0-9a-f]{6}|[a-z]+)"', text))
        assert colours <= {
            svg.INK,
            svg.MUTED,
            svg.GRID,
            svg.PAPER,
            svg.TEAL,
            svg.BLUE,
            svg.PLUM,
            "none",
        }


def test_series_differ_by_dash_and_marker_not_only_colour() -> None:
    styles = svg.SERIES_STYLES
    assert len({s.dash for s in styles}) == len(styles)
    assert len({s.marker for s in styles}) == len(styles)
    wheel = str(_all_charts()[0])
    for label in ("Now", "30 days ago", "90 days ago"):
        assert f">{label}</text>" in wheel  # a legend names each line


def test_text_is_escaped() -> None:
    chart = svg.radar_chart(
        "x",
        "<b>title</b>",
        "desc & <i>more</i>",
        [svg.Axis("<script>alert(1)</script>"), svg.Axis("B"), svg.Axis("C")],
        SERIES,
    )
    assert "<script>" not in chart and "<b>" not in chart
    assert "&lt;script&gt;" in chart and "desc &amp; &lt;i&gt;" in chart


def test_line_chart_leaves_missing_weeks_blank_and_draws_zero_as_a_value() -> None:
    values = [5.0, 6.0, None, None, 0.0, 10.0, None, 4.0]
    chart = str(svg.line_chart("l", "t", "d", values, []))
    paths = re.findall(r'<path d="([^"]+)"', chart)
    assert len(paths) == 2  # 5,6 and 0,10: the gap between them is not bridged
    assert all(p.count("M") == 1 and p.count("L") == 1 for p in paths)
    assert chart.count('marker-mid="url(#l-dot)"') == 2  # a marker on every week in a line
    # The week standing alone gets its own marker; the missing weeks get nothing.
    assert chart.count("<circle ") == 1 + 1  # the marker definition and the lone week
    zero_y = paths[1].split(" ")[0].split(",")[1]
    assert zero_y == "132"  # the zero sits on the axis, as a real value


def test_radar_leaves_a_spoke_without_ratings_open() -> None:
    chart = str(svg.radar_chart("w", "t", "d", AXES, SERIES))
    # Spiritual has no value in any series: no closed shape, only the spoke between the two
    # rated dimensions for each series, and the axis says so.
    assert re.findall(r'<polygon [^>]*stroke-width="2.5"', chart) == []
    data_lines = re.findall(r'<line [^>]*stroke-width="2.5"', chart)
    assert len(data_lines) == 3 + 3  # one spoke-to-spoke line per series, plus legend samples
    assert ">no ratings yet</text>" in chart


def test_radar_with_every_value_draws_a_closed_shape_per_series() -> None:
    full = [svg.Series(s.label, [3.0, 4.0, 5.0], s.style) for s in SERIES]
    chart = str(svg.radar_chart("w", "t", "d", [*AXES[:2], svg.Axis("Spiritual")], full))
    assert len(re.findall(r'<polygon [^>]*stroke-width="2.5"', chart)) == 3


def test_fewer_than_three_dimensions_become_rows_of_dots() -> None:
    chart = str(svg.radar_chart("d", "t", "d", AXES[:1], SERIES))
    assert 'class="chart chart-dots"' in chart
    assert ">Emotional</text>" in chart


def test_timeline_marks_each_checkin_day_setback_and_comeback() -> None:
    days = [START + timedelta(days=n) for n in range(0, 180, 3)]
    chart = str(
        svg.timeline_chart(
            "t",
            "t",
            "d",
            START,
            END,
            days,
            [svg.DayEvent(date(2026, 1, 5), "5 Jan")],
            [
                svg.SetbackEvent(date(2025, 12, 1), date(2025, 12, 9), "1 Dec, back 9 Dec"),
                svg.SetbackEvent(date(2026, 3, 20), None, "20 Mar"),
            ],
            charts.month_ticks(START, END),
        )
    )
    assert chart.count('y="24" width=') == len(days)  # every third day: one bar each
    assert ">1 Dec, back 9 Dec</text>" in chart and ">20 Mar</text>" in chart
    assert ">5 Jan</text>" in chart
    for label in ("Oct", "Nov", "Dec", "Jan 2026", "Feb", "Mar"):
        assert f">{label}</text>" in chart


def test_days_in_a_row_become_one_bar() -> None:
    days = [START + timedelta(days=n) for n in (0, 1, 2, 3, 10, 20, 21)]
    chart = str(svg.timeline_chart("t", "t", "d", START, END, days, [], [], []))
    assert chart.count('y="24" width=') == 3
    assert ">none in this time</text>" in chart


def test_many_events_keep_markers_but_leave_dates_to_the_table() -> None:
    events = [svg.DayEvent(START + timedelta(days=10 * k), f"day {k}") for k in range(10)]
    chart = str(svg.timeline_chart("t", "t", "d", START, END, [], events, [], []))
    assert ">day 1</text>" not in chart
    assert chart.count("<polygon ") >= 10


def test_numbers_have_at_most_one_decimal() -> None:
    assert [svg.num(v) for v in (7.0, 6.25, 2.66, 10, 0)] == ["7", "6.2", "2.7", "10", "0"]
