"""Pages and JSON API for the organization outcomes dashboard and programmes.

/outcomes (admins and supervisors): the dashboard for a period and programme, its CSV and XLSX
exports and a printable funder report. /admin/programs (admins): programmes and enrolments.
Pages and API call the same service functions.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError

from peerpath.core.audit import Viewer
from peerpath.core.deps import AdminViewer, DbSession, RecordId, role_required
from peerpath.core.errors import Conflict, Invalid
from peerpath.core.templating import redirect, render
from peerpath.core.unit_of_work import UnitOfWorkRoute
from peerpath.db.base import MAX_ID
from peerpath.db.models import Role
from peerpath.outcomes import charts, export, programs, service
from peerpath.outcomes.schemas import (
    DashboardRead,
    EnrollmentEnd,
    EnrollmentIn,
    EnrollmentRead,
    ProgramIn,
    ProgramRead,
    dashboard_read,
)
from peerpath.outcomes.suppression import FEWER_THAN
from peerpath.outcomes.tables import Dashboard

pages = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
api = APIRouter(route_class=UnitOfWorkRoute, tags=["outcomes"])

OutcomesViewer = Annotated[Viewer, Depends(role_required(Role.ADMIN, Role.SUPERVISOR))]
FormStr = Annotated[str, Form()]


# ---- parameters -----------------------------------------------------------------------------


def _day(value: str, field: str, label: str, errors: dict[str, str]) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        errors[field] = f"{label}: please enter a date like 2026-03-01."
        return None


def _program(value: str, errors: dict[str, str]) -> int | None:
    value = value.strip()
    if value in ("", "all"):
        return None
    if value.isdigit() and 1 <= int(value) <= MAX_ID:
        return int(value)
    errors["program"] = "Programme: please choose a programme from the list."
    return None


def _params(start: str, end: str, program: str) -> tuple[date | None, date | None, int | None]:
    errors: dict[str, str] = {}
    first = _day(start, "from", "From", errors)
    last = _day(end, "to", "To", errors)
    program_id = _program(program, errors)
    if errors:
        raise Invalid("Please check the dates and programme.", errors=errors)
    return first, last, program_id


From = Annotated[str, Query(alias="from", max_length=40)]
To = Annotated[str, Query(alias="to", max_length=40)]
ProgramParam = Annotated[str, Query(alias="program", max_length=40)]


def _load(db: DbSession, viewer: Viewer, start: str, end: str, program: str) -> Dashboard:
    first, last, program_id = _params(start, end, program)
    return service.dashboard(db, viewer, first, last, program_id)


def _query(d: Dashboard) -> str:
    return urlencode(
        {
            "from": d.period_from,
            "to": d.period_to,
            "program": "all" if d.program_id is None else str(d.program_id),
        }
    )


# ---- dashboard pages ------------------------------------------------------------------------


def _context(db: DbSession, viewer: Viewer, d: Dashboard) -> dict[str, Any]:
    return {
        "title": "Outcomes",
        "d": d,
        "charts": charts.charts_for(d.tables),
        "program_options": [("all", "All programmes")]
        + [(str(p.id), p.name) for p in service.programs(db, viewer.org_id)],
        "selected_program": "all" if d.program_id is None else str(d.program_id),
        "query": _query(d),
        "fewer_than": FEWER_THAN,
        "is_admin": viewer.user.role == Role.ADMIN,
    }


@pages.get("/outcomes")
def dashboard_page(
    request: Request,
    db: DbSession,
    viewer: OutcomesViewer,
    start: From = "",
    end: To = "",
    program: ProgramParam = "",
) -> Response:
    try:
        d = _load(db, viewer, start, end, program)
    except Invalid as exc:
        today = service.org_today(viewer)
        d = service.dashboard(db, viewer, today - timedelta(days=364), today, None)
        context = _context(db, viewer, d)
        context.update(
            errors=exc.errors,
            error=exc.message,
            form={"from": start, "to": end, "program": program},
        )
        return render(request, "outcomes/dashboard.html", context, status_code=422)
    context = _context(db, viewer, d)
    context.update(errors={}, error="", form={"from": d.period_from, "to": d.period_to})
    return render(request, "outcomes/dashboard.html", context)


@pages.get("/outcomes/report")
def report_page(
    request: Request,
    db: DbSession,
    viewer: OutcomesViewer,
    start: From = "",
    end: To = "",
    program: ProgramParam = "",
) -> Response:
    d = _load(db, viewer, start, end, program)
    return render(
        request, "outcomes/report.html", _context(db, viewer, d) | {"title": "Funder report"}
    )


def _download(body: str | bytes, media_type: str, name: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@pages.get("/outcomes/export.csv")
def export_csv(
    db: DbSession,
    viewer: OutcomesViewer,
    start: From = "",
    end: To = "",
    program: ProgramParam = "",
) -> Response:
    d = _load(db, viewer, start, end, program)
    return _download(export.to_csv(d), "text/csv; charset=utf-8", export.filename(d, "csv"))


@pages.get("/outcomes/export.xlsx")
def export_xlsx(
    db: DbSession,
    viewer: OutcomesViewer,
    start: From = "",
    end: To = "",
    program: ProgramParam = "",
) -> Response:
    d = _load(db, viewer, start, end, program)
    return _download(
        export.to_xlsx(d),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        export.filename(d, "xlsx"),
    )


@api.get("/outcomes", response_model=DashboardRead)
def api_dashboard(
    db: DbSession,
    viewer: OutcomesViewer,
    start: From = "",
    end: To = "",
    program: ProgramParam = "",
) -> DashboardRead:
    return dashboard_read(_load(db, viewer, start, end, program))


# ---- programmes (admins) ----------------------------------------------------------------------


def _programs_page(
    request: Request, db: DbSession, viewer: Viewer, status_code: int = 200, **extra: Any
) -> Response:
    context: dict[str, Any] = {
        "title": "Programmes",
        "programs": programs.list_programs(db, viewer, service.org_today(viewer)),
        "errors": {},
        "error": "",
        "form": {},
        **extra,
    }
    return render(request, "outcomes/programs.html", context, status_code=status_code)


@pages.get("/admin/programs")
def programs_page(request: Request, db: DbSession, viewer: AdminViewer) -> Response:
    return _programs_page(request, db, viewer)


@pages.post("/admin/programs")
def programs_create(
    request: Request,
    db: DbSession,
    viewer: AdminViewer,
    name: FormStr = "",
    is_part2: FormStr = "",
) -> Response:
    form = {"name": name, "is_part2": is_part2}
    try:
        data = ProgramIn(name=name, is_part2=is_part2 == "yes")
        program = programs.create_program(db, viewer, data)
    except ValidationError:
        errors = {"name": "Name: please write a name of up to 120 characters."}
        return _programs_page(
            request, db, viewer, 422, errors=errors, form=form, error="The name needs a look."
        )
    except Invalid as exc:
        return _programs_page(
            request, db, viewer, 422, errors=exc.errors, form=form, error=exc.message
        )
    return redirect(f"/admin/programs/{program.id}", request, f"Programme {program.name} added.")


def _program_page(
    request: Request,
    db: DbSession,
    viewer: Viewer,
    program_id: int,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    program = programs.get_program(db, viewer, program_id)
    lines = programs.enrollments(db, viewer, program)
    open_members = {line.enrollment.member_id for line in lines if line.enrollment.end_date is None}
    context: dict[str, Any] = {
        "title": program.name,
        "program": program,
        "lines": lines,
        "member_options": [
            (str(m.id), m.display_name)
            for m in programs.members(db, viewer)
            if m.id not in open_members
        ],
        "today": service.org_today(viewer).isoformat(),
        "errors": {},
        "error": "",
        "form": {},
        **extra,
    }
    return render(request, "outcomes/program.html", context, status_code=status_code)


@pages.get("/admin/programs/{program_id}")
def program_page(
    request: Request, db: DbSession, viewer: AdminViewer, program_id: RecordId
) -> Response:
    return _program_page(request, db, viewer, program_id)


def _form_day(value: str) -> date | None:
    errors: dict[str, str] = {}
    return _day(value, "x", "x", errors)


@pages.post("/admin/programs/{program_id}/enrollments")
def program_enroll(
    request: Request,
    db: DbSession,
    viewer: AdminViewer,
    program_id: RecordId,
    member_id: FormStr = "",
    start_date: FormStr = "",
) -> Response:
    program = programs.get_program(db, viewer, program_id)
    form = {"member_id": member_id, "start_date": start_date}
    try:
        data = EnrollmentIn.model_validate(
            {"member_id": member_id or 0, "start_date": start_date or None}
        )
        programs.enroll(db, viewer, program, data)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for err in exc.errors():
            field = str(err["loc"][0]) if err.get("loc") else "form"
            errors[field] = (
                "Member: please choose a member."
                if field == "member_id"
                else "First day: please enter a date like 2026-03-01."
            )
        return _program_page(
            request,
            db,
            viewer,
            program_id,
            422,
            errors=errors,
            form=form,
            error="Some details need another look.",
        )
    except (Invalid, Conflict) as exc:
        return _program_page(
            request,
            db,
            viewer,
            program_id,
            422 if isinstance(exc, Invalid) else 409,
            errors=exc.errors,
            form=form,
            error=exc.message,
        )
    return redirect(f"/admin/programs/{program.id}", request, "Enrolment added.")


@pages.post("/admin/programs/{program_id}/enrollments/{enrollment_id}/end")
def program_enrollment_end(
    request: Request,
    db: DbSession,
    viewer: AdminViewer,
    program_id: RecordId,
    enrollment_id: RecordId,
    end_date: FormStr = "",
) -> Response:
    program = programs.get_program(db, viewer, program_id)
    day = _form_day(end_date)
    if day is None:
        return _program_page(
            request,
            db,
            viewer,
            program_id,
            422,
            errors={f"end_date_{enrollment_id}": "Last day: please enter a date like 2026-03-01."},
            error="Please enter the last day of the enrolment.",
        )
    try:
        programs.end_enrollment(db, viewer, program, enrollment_id, day)
    except Invalid as exc:
        return _program_page(
            request,
            db,
            viewer,
            program_id,
            422,
            errors={f"end_date_{enrollment_id}": next(iter(exc.errors.values()), exc.message)},
            error=exc.message,
        )
    return redirect(f"/admin/programs/{program.id}", request, "Enrolment ended.")


@api.get("/programs", response_model=list[ProgramRead])
def api_programs(db: DbSession, viewer: OutcomesViewer) -> list[ProgramRead]:
    return [
        ProgramRead(
            id=s.program.id,
            name=s.program.name,
            is_part2=s.program.is_part2,
            enrolled_now=s.enrolled_now,
        )
        for s in programs.list_programs(db, viewer, service.org_today(viewer))
    ]


@api.post("/programs", response_model=ProgramRead, status_code=201)
def api_program_create(db: DbSession, viewer: AdminViewer, data: ProgramIn) -> ProgramRead:
    program = programs.create_program(db, viewer, data)
    return ProgramRead(id=program.id, name=program.name, is_part2=program.is_part2)


def program_gate(db: DbSession, viewer: AdminViewer, program_id: RecordId) -> None:
    """Another organization's programme is "not there" (404) before the body is even read."""
    programs.get_program(db, viewer, program_id)


def _enrollment_read(e: Any) -> EnrollmentRead:
    return EnrollmentRead(
        id=e.id,
        program_id=e.program_id,
        member_id=e.member_id,
        start_date=e.start_date,
        end_date=e.end_date,
    )


@api.post(
    "/programs/{program_id}/enrollments",
    response_model=EnrollmentRead,
    status_code=201,
    dependencies=[Depends(program_gate)],
)
def api_enroll(
    db: DbSession, viewer: AdminViewer, program_id: RecordId, data: EnrollmentIn
) -> EnrollmentRead:
    program = programs.get_program(db, viewer, program_id)
    return _enrollment_read(programs.enroll(db, viewer, program, data))


@api.post(
    "/programs/{program_id}/enrollments/{enrollment_id}/end",
    response_model=EnrollmentRead,
    dependencies=[Depends(program_gate)],
)
def api_enrollment_end(
    db: DbSession,
    viewer: AdminViewer,
    program_id: RecordId,
    enrollment_id: RecordId,
    data: EnrollmentEnd,
) -> EnrollmentRead:
    program = programs.get_program(db, viewer, program_id)
    return _enrollment_read(
        programs.end_enrollment(db, viewer, program, enrollment_id, data.end_date)
    )
