"""Small-cell suppression: property tests on random tables, plus worked examples."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from peerpath.outcomes.suppression import THRESHOLD, Grid, Line, line_table, recoverable

counts = st.one_of(st.integers(0, 15), st.integers(0, 400))


@st.composite
def grids(draw: st.DrawFn) -> Grid:
    n_rows = draw(st.integers(1, 6))
    n_cols = draw(st.integers(1, 6))
    rows = [f"r{i}" for i in range(n_rows)]
    cols = [f"c{j}" for j in range(n_cols)]
    cells = {(r, c): draw(counts) for r in rows for c in cols}
    return Grid(
        rows,
        cols,
        cells,
        row_totals=draw(st.booleans()),
        column_totals=draw(st.booleans()),
    )


def _shown_line_gives_away(
    values: dict[tuple[str, str], int], line: Line[tuple[str, str]], hidden: set[tuple[str, str]]
) -> bool:
    """The attack from the issue: total minus the sum of the shown cells of one row/column."""
    unknown = [k for k in line.entries if k in hidden]
    if len(unknown) != 1:
        return False
    (target,) = unknown
    if target == line.total:
        recovered = sum(values[k] for k in line.cells)
    else:
        recovered = values[line.total] - sum(values[k] for k in line.cells if k != target)
    return bool(recovered == values[target])


@settings(max_examples=400, deadline=None)
@given(grids())
def test_no_suppressed_cell_can_be_recovered_from_any_row_or_column(grid: Grid) -> None:
    values = grid.values()
    hidden = grid.suppress()
    for line in grid.lines():
        assert not _shown_line_gives_away(values, line, hidden), (line, hidden)
    assert recoverable(values, grid.lines(), hidden) == set()


@settings(max_examples=400, deadline=None)
@given(grids())
def test_every_small_count_is_hidden_and_hiding_only_adds(grid: Grid) -> None:
    values = grid.values()
    hidden = grid.suppress()
    for key, value in values.items():
        if value < THRESHOLD:
            assert key in hidden
    assert hidden <= set(values)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from("abcdef"), counts, min_size=1))
def test_one_line_with_its_total(cells: dict[str, int]) -> None:
    values, hidden = line_table(cells)
    unknown = [k for k in values if k in hidden]
    assert len(unknown) != 1
    assert all(k in hidden for k, v in values.items() if v < THRESHOLD)


def test_a_single_small_cell_takes_the_next_smallest_with_it() -> None:
    values, hidden = line_table({"achieved": 40, "paused": 4, "let_go": 25})
    assert hidden == {"paused", "let_go"}
    assert values["total"] == 69


def test_a_small_total_with_every_cell_shown_hides_a_cell_too() -> None:
    # the total alone comes from fewer than 11 people: it is hidden, and so is a cell, or the
    # total would be the sum of the shown cells
    _values, hidden = line_table({"a": 30, "b": 20}, people={"total": 5})
    assert hidden == {"total", "b"}


def test_people_rule_hides_large_counts_from_few_people() -> None:
    grid = Grid(
        ["peer"],
        ["phone", "video"],
        {("peer", "phone"): 50, ("peer", "video"): 60},
        people={("peer", "phone"): 3, ("peer", "video"): 30},
    )
    hidden = grid.suppress()
    assert ("peer", "phone") in hidden
    assert recoverable(grid.values(), grid.lines(), hidden) == set()


def test_nothing_hidden_when_every_count_is_large() -> None:
    grid = Grid(
        ["a", "b"], ["x", "y"], {("a", "x"): 20, ("a", "y"): 30, ("b", "x"): 11, ("b", "y"): 12}
    )
    assert grid.suppress() == set()
