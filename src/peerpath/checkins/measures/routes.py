"""Pages and JSON API for measures: the member's own pages at /measures, the peer
specialist's read view at /members/{id}/measures, the admin's licensed-wording page and the
API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import Response

from peerpath.checkins.measures import service
from peerpath.checkins.measures.registry import MEASURES
from peerpath.checkins.measures.schemas import MeasureRead, ResponseIn, ResponseRead
from peerpath.core import access
from peerpath.core.access import Action, Section
from peerpath.core.deps import AdminViewer, DbSession, Me, MemberViewer, RecordId
from peerpath.core.errors import Invalid, NotFound
from peerpath.core.templating import redirect, render
from peerpath.core.unit_of_work import UnitOfWorkRoute
from peerpath.db.models import Role, User

pages = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
api = APIRouter(route_class=UnitOfWorkRoute, tags=["measures"])

MeasureKey = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")]
FormStr = Annotated[str, Form()]


def measures_write_gate(db: DbSession, viewer: Me, member_id: RecordId) -> None:
    """Only the member answers their own questionnaires. Anyone else gets the audited
    refusal (404) before the request body is read."""
    member = db.get(User, member_id)
    if (
        member is None
        or member.role != Role.MEMBER
        or not access.can(db, viewer.user, member, Section.MEASURES, Action.WRITE)
    ):
        access.member_for_viewer(
            db, viewer, member_id, Section.MEASURES, Action.WRITE, record_type="measure_response"
        )
        raise NotFound()


WriteGate = [Depends(measures_write_gate)]


async def posted_form(request: Request) -> dict[str, str]:
    """The posted form as plain strings (a questionnaire has as many fields as items)."""
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


PostedForm = Annotated[dict[str, str], Depends(posted_form)]


def _answer(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() and len(value) <= 3 else None


# ---- the member's pages -------------------------------------------------------------------


@pages.get("/measures")
def measures(request: Request, db: DbSession, viewer: MemberViewer) -> Response:
    return render(
        request,
        "checkins/measures/measures.html",
        {
            "title": "Questionnaires",
            "histories": service.overview(db, viewer, viewer.user.id),
            "own": True,
            "fmt": service.fmt,
        },
    )


def _measure_page(
    request: Request,
    history: service.History,
    *,
    status_code: int = 200,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    error: str = "",
) -> Response:
    return render(
        request,
        "checkins/measures/measure.html",
        {
            "title": history.measure.name,
            "h": history,
            "m": history.measure,
            "form": form or {},
            "errors": errors or {},
            "error": error,
            "long_date": service.long_date,
            "fmt": service.fmt,
        },
        status_code=status_code,
    )


@pages.get("/measures/{measure_key}")
def measure(
    request: Request, db: DbSession, viewer: MemberViewer, measure_key: MeasureKey
) -> Response:
    return _measure_page(request, service.history(db, viewer, viewer.user.id, measure_key))


@pages.post("/measures/{measure_key}")
def measure_submit(
    request: Request,
    db: DbSession,
    viewer: MemberViewer,
    measure_key: MeasureKey,
    posted: PostedForm,
) -> Response:
    measure = MEASURES.get(measure_key)
    if measure is None:
        raise NotFound()
    answers = [_answer(posted.get(f"item_{n}", "")) for n in range(1, measure.item_count + 1)]
    try:
        row = service.record_response(db, viewer, viewer.user.id, measure_key, answers)
    except Invalid as exc:
        history = service.history(db, viewer, viewer.user.id, measure_key)
        return _measure_page(
            request,
            history,
            status_code=422,
            form={k: v for k, v in posted.items() if k.startswith("item_")},
            errors=exc.errors,
            error=exc.message,
        )
    return redirect(
        f"/measures/{measure_key}#results",
        request,
        f"Saved. Your score today: {service.fmt(row.score)}.",
    )


# ---- the peer specialist's read view ------------------------------------------------------


@pages.get("/members/{member_id}/measures")
def member_measures(request: Request, db: DbSession, viewer: Me, member_id: RecordId) -> Response:
    histories = service.overview(db, viewer, member_id)
    member = histories[0].member
    own = viewer.user.id == member.id
    return render(
        request,
        "checkins/measures/measures.html",
        {
            "title": "Questionnaires" if own else f"{member.display_name}'s questionnaires",
            "histories": histories,
            "own": own,
            "member": member,
            "fmt": service.fmt,
            "long_date": service.long_date,
        },
    )


# ---- organization admin: licensed item wording --------------------------------------------


@pages.get("/admin/measures")
def admin_measures(request: Request, db: DbSession, viewer: AdminViewer) -> Response:
    return render(
        request,
        "checkins/measures/admin_measures.html",
        {"title": "Questionnaires", "rows": service.measures_for_admin(db, viewer)},
    )


def _wording_page(
    request: Request,
    db: DbSession,
    viewer: AdminViewer,
    measure_key: str,
    *,
    status_code: int = 200,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    error: str = "",
) -> Response:
    measure = service.licensed_measure(viewer, measure_key)
    saved = service.organization_wording(db, viewer.org_id, measure.key)
    if form is None:
        form = {f"item_{n}": text for n, text in enumerate(saved.items if saved else [], 1)}
        form["licence_reference"] = saved.licence_reference if saved else ""
    return render(
        request,
        "checkins/measures/admin_wording.html",
        {
            "title": f"Item wording: {measure.name}",
            "m": measure,
            "saved": saved,
            "form": form,
            "errors": errors or {},
            "error": error,
        },
        status_code=status_code,
    )


@pages.get("/admin/measures/{measure_key}/items")
def admin_wording(
    request: Request, db: DbSession, viewer: AdminViewer, measure_key: MeasureKey
) -> Response:
    return _wording_page(request, db, viewer, measure_key)


@pages.post("/admin/measures/{measure_key}/items")
def admin_wording_submit(
    request: Request,
    db: DbSession,
    viewer: AdminViewer,
    measure_key: MeasureKey,
    posted: PostedForm,
) -> Response:
    measure = service.licensed_measure(viewer, measure_key)
    items = [posted.get(f"item_{n}", "") for n in range(1, measure.item_count + 1)]
    reference = posted.get("licence_reference", "")
    try:
        service.save_wording(db, viewer, measure_key, items, reference)
    except Invalid as exc:
        form = {f"item_{n}": text for n, text in enumerate(items, 1)}
        form["licence_reference"] = reference
        return _wording_page(
            request,
            db,
            viewer,
            measure_key,
            status_code=422,
            form=form,
            errors=exc.errors,
            error=exc.message,
        )
    return redirect(
        "/admin/measures",
        request,
        f"Saved. Members can now complete the {measure.name}.",
    )


# ---- JSON API -----------------------------------------------------------------------------


@api.get("/measures", response_model=list[MeasureRead])
def api_registry(db: DbSession, viewer: Me) -> list[MeasureRead]:
    """The measures registry, with the wording your organization's members see."""
    return service.registry(db, viewer)


@api.get("/members/{member_id}/measures/{measure_key}/responses", response_model=list[ResponseRead])
def api_responses(
    db: DbSession, viewer: Me, member_id: RecordId, measure_key: MeasureKey
) -> list[ResponseRead]:
    """The member's answers and scores for one measure, oldest first (member or their peer)."""
    history = service.history(db, viewer, member_id, measure_key)
    return [service.response_read(r) for r in history.responses]


@api.post(
    "/members/{member_id}/measures/{measure_key}/responses",
    response_model=ResponseRead,
    status_code=201,
    dependencies=WriteGate,
)
def api_respond(
    db: DbSession, viewer: Me, member_id: RecordId, measure_key: MeasureKey, body: ResponseIn
) -> ResponseRead:
    row = service.record_response(
        db, viewer, member_id, measure_key, body.answers, body.answered_on
    )
    return service.response_read(row)
