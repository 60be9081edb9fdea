"""API shapes for the outcomes dashboard and programmes.

A suppressed figure is `null` with `suppressed: true`: the API never carries a value the page
would hide.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from peerpath.db.base import MAX_ID
from peerpath.outcomes.tables import Cell, Dashboard, Table


def _clean_line(value: object) -> object:
    if isinstance(value, str):
        return " ".join(value.replace("\x00", "").split())
    return value


Line = Annotated[str, BeforeValidator(_clean_line)]


class ProgramIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Line = Field(min_length=1, max_length=120)
    is_part2: bool = False


class EnrollmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_id: int = Field(ge=1, le=MAX_ID)
    start_date: date
    end_date: date | None = None


class EnrollmentEnd(BaseModel):
    model_config = ConfigDict(extra="forbid")

    end_date: date


class ProgramRead(BaseModel):
    id: int
    name: str
    is_part2: bool
    enrolled_now: int | None = None


class EnrollmentRead(BaseModel):
    id: int
    program_id: int
    member_id: int
    start_date: date
    end_date: date | None


class CellRead(BaseModel):
    column: str
    value: int | float | None
    suppressed: bool


class RowRead(BaseModel):
    key: str
    label: str
    is_total: bool
    cells: list[CellRead]


class TableRead(BaseModel):
    key: str
    title: str
    caption: str
    columns: list[str]
    rows: list[RowRead]


class DashboardRead(BaseModel):
    organization: str
    period_from: date
    period_to: date
    program_id: int | None
    program_name: str
    as_of: date
    suppression: str = (
        "Counts under 11, and anything derived from fewer than 11 people, are null with "
        "suppressed: true; other cells are also suppressed where a hidden one could be worked "
        "out from a total."
    )
    tables: list[TableRead]


def _cell(column: str, cell: Cell) -> CellRead:
    value = None if cell.suppressed else cell.value
    if isinstance(value, float):
        value = round(value, 2)
    return CellRead(column=column, value=value, suppressed=cell.suppressed)


def table_read(table: Table) -> TableRead:
    keys = [k for k, _label in table.columns]
    return TableRead(
        key=table.key,
        title=table.title,
        caption=table.caption,
        columns=keys,
        rows=[
            RowRead(
                key=row.key,
                label=row.label,
                is_total=row.is_total,
                cells=[_cell(k, c) for k, c in zip(keys, row.cells, strict=True)],
            )
            for row in table.rows
        ],
    )


def dashboard_read(d: Dashboard) -> DashboardRead:
    return DashboardRead(
        organization=d.organization,
        period_from=date.fromisoformat(d.period_from),
        period_to=date.fromisoformat(d.period_to),
        program_id=d.program_id,
        program_name=d.program_name,
        as_of=date.fromisoformat(d.as_of),
        tables=[table_read(t) for t in d.tables],
    )
