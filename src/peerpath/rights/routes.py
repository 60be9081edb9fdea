"""Pages and JSON API for member data rights: export, amendment requests, leaving, retention.

Pages and API call the same service functions. Every form works without JavaScript (POST,
then redirect and flash, or the page again with the problems marked and status 422).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response

from peerpath.checkins.journal.routes import AppKeyring
from peerpath.core.deps import (
    SESSION_COOKIE,
    AdminViewer,
    DbSession,
    Me,
    MemberViewer,
    OptionalViewer,
    RecordId,
)
from peerpath.core.errors import Conflict, Invalid
from peerpath.core.org_settings import RETENTION_DAYS_MAX, RETENTION_DAYS_MIN
from peerpath.core.templating import redirect, render, templates
from peerpath.core.unit_of_work import UnitOfWorkRoute
from peerpath.db.base import MAX_ID
from peerpath.rights import amendments, export, leaving
from peerpath.rights.registry import AMENDABLE
from peerpath.rights.schemas import (
    AmendmentIn,
    AmendmentRead,
    LeaveIn,
    LeaveRead,
    ResponseIn,
    RetentionIn,
    RetentionRead,
)

pages = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
api = APIRouter(route_class=UnitOfWorkRoute, tags=["member data rights"])

FormStr = Annotated[str, Form()]
NOT_SAVED = "Nothing was saved yet: please look at the parts marked below."


def _clean(value: str, limit: int) -> str:
    return value.replace("\x00", "")[:limit]


def _record_id(raw: str) -> int | None:
    raw = raw.strip()
    if raw.isdigit() and len(raw) <= 10 and 1 <= int(raw) <= MAX_ID:
        return int(raw)
    return None


def _local(url: str, fallback: str) -> str:
    """Only a path on this site (never //elsewhere or a scheme) is used as a return address."""
    if url.startswith("/") and not url.startswith("//") and "\\" not in url and len(url) < 300:
        return url
    return fallback


# ---- the amendments macro's data, looked up while a page renders -------------------------


def _amendments_for(request: Request, member_id: int, record_type: str, record_id: int) -> Any:
    """Jinja global for templates/rights/_amendments.html: the requests beside one record,
    through the access policy (one audited check per page and section)."""
    state = request.state
    db = getattr(state, "db", None)
    if db is None:
        return amendments.Box(member_id, record_type, record_id)
    cache = getattr(state, "rights_amendments", None)
    if cache is None:
        cache = amendments.page_cache()
        state.rights_amendments = cache
    return amendments.box_for(
        db, getattr(state, "viewer", None), cache, member_id, record_type, record_id
    )


templates.env.globals["amendments_for"] = _amendments_for


# ---- export ----------------------------------------------------------------------------------


@pages.get("/me/export")
def export_page(request: Request, viewer: MemberViewer) -> Response:
    return render(request, "rights/export.html", {"title": "Export everything about me"})


@pages.get("/me/export/download")
def export_download(db: DbSession, viewer: MemberViewer, keyring: AppKeyring) -> Response:
    data = export.build_export(db, keyring, viewer, viewer.user.id)
    return Response(
        export.export_zip(data),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{export.export_filename(data)}"'},
    )


@pages.get("/me/export/print")
def export_print(
    request: Request, db: DbSession, viewer: MemberViewer, keyring: AppKeyring
) -> Response:
    data = export.build_export(db, keyring, viewer, viewer.user.id)
    return render(
        request,
        "rights/print.html",
        {
            "title": "Everything about me",
            "data": data,
            "parts": export.printable(data),
            "label": export.label,
            "shown": export.shown,
        },
    )


@api.get("/me/export")
def api_export(db: DbSession, viewer: MemberViewer, keyring: AppKeyring) -> JSONResponse:
    """Everything about me, as the data.json of the download."""
    data = export.build_export(db, keyring, viewer, viewer.user.id)
    return JSONResponse(jsonable_encoder(data))


# ---- amendment requests ----------------------------------------------------------------------


def _amendments_page(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: int,
    record_type: str,
    record_id: int | None,
    *,
    text: str = "",
    errors: dict[str, str] | None = None,
    error: str = "",
    status_code: int = 200,
) -> Response:
    record_type = record_type if record_type in AMENDABLE else ""
    member, items = amendments.list_requests(
        db, viewer, member_id, record_type=record_type, record_id=record_id
    )
    is_member = viewer.user.id == member.id
    return render(
        request,
        "rights/amendments.html",
        {
            "title": "My comments and amendment requests"
            if is_member
            else f"{member.display_name}'s comments and amendment requests",
            "member": member,
            "items": items,
            "is_member": is_member,
            "record_type": record_type,
            "record_id": record_id,
            "record_label": amendments.RECORD_LABELS.get(record_type, ""),
            "can_respond": not is_member and viewer.user.role in amendments.STAFF_ROLES,
            "text": text,
            "errors": errors or {},
            "error": error,
        },
        status_code=status_code,
    )


@pages.get("/members/{member_id}/amendments")
def amendments_page(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    record_type: str = "",
    record_id: str = "",
) -> Response:
    return _amendments_page(
        request, db, viewer, member_id, record_type[:40], _record_id(record_id[:20])
    )


@pages.post("/members/{member_id}/amendments")
def amendments_submit(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    record_type: FormStr = "",
    record_id: FormStr = "",
    text: FormStr = "",
    next: FormStr = "",
) -> Response:
    record_type = _clean(record_type, 40)
    parsed_id = _record_id(record_id[:20])
    text = _clean(text, amendments.TEXT_MAX + 100)
    back = _local(next, f"/members/{member_id}/amendments")
    try:
        amendments.request_amendment(db, viewer, member_id, record_type, parsed_id or 0, text)
    except Invalid as exc:
        return _amendments_page(
            request,
            db,
            viewer,
            member_id,
            record_type,
            parsed_id,
            text=text,
            errors=exc.errors,
            error=exc.message,
            status_code=422,
        )
    return redirect(
        back,
        request,
        "Your comment is saved beside the record. The people who can read it will see it.",
    )


@pages.post("/members/{member_id}/amendments/{amendment_id}/response")
def amendment_respond(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    amendment_id: RecordId,
    response: FormStr = "",
    next: FormStr = "",
) -> Response:
    back = _local(next, f"/members/{member_id}/amendments")
    try:
        amendments.respond(db, viewer, member_id, amendment_id, _clean(response, 2100))
    except Invalid as exc:
        return _amendments_page(
            request,
            db,
            viewer,
            member_id,
            "",
            None,
            errors={f"response-{amendment_id}": exc.errors.get("response", exc.message)},
            error=exc.message,
            status_code=422,
        )
    except Conflict as exc:
        db.rollback()
        return redirect(back, request, exc.message)
    return redirect(back, request, "Your response is saved beside the member's comment.")


@api.get("/members/{member_id}/amendments", response_model=list[AmendmentRead])
def api_amendments(
    db: DbSession, viewer: Me, member_id: RecordId, record_type: str = "", record_id: str = ""
) -> list[AmendmentRead]:
    _, items = amendments.list_requests(
        db,
        viewer,
        member_id,
        record_type=record_type[:40],
        record_id=_record_id(record_id[:20]),
    )
    return [AmendmentRead.of(item) for item in items]


def _writer_gate(db: DbSession, viewer: Me, member_id: RecordId) -> None:
    amendments.writer_gate(db, viewer, member_id)


def _responder_gate(db: DbSession, viewer: Me, member_id: RecordId, amendment_id: RecordId) -> None:
    amendments.request_for_responder(db, viewer, member_id, amendment_id)


@api.post(
    "/members/{member_id}/amendments",
    response_model=AmendmentRead,
    status_code=201,
    dependencies=[Depends(_writer_gate)],
)
def api_request_amendment(
    db: DbSession, viewer: Me, member_id: RecordId, body: AmendmentIn
) -> AmendmentRead:
    row = amendments.request_amendment(
        db, viewer, member_id, body.record_type, body.record_id, _clean(body.text, 2100)
    )
    return AmendmentRead.of(amendments.Listed(row, AMENDABLE[row.record_type].section, ""))


@api.post(
    "/members/{member_id}/amendments/{amendment_id}/response",
    response_model=AmendmentRead,
    dependencies=[Depends(_responder_gate)],
)
def api_respond(
    db: DbSession, viewer: Me, member_id: RecordId, amendment_id: RecordId, body: ResponseIn
) -> AmendmentRead:
    row = amendments.respond(db, viewer, member_id, amendment_id, _clean(body.response, 2100))
    return AmendmentRead.of(
        amendments.Listed(row, AMENDABLE[row.record_type].section, viewer.user.display_name)
    )


# ---- leaving the programme -------------------------------------------------------------------


def _leave_page(
    request: Request,
    viewer: MemberViewer,
    *,
    errors: dict[str, str] | None = None,
    error: str = "",
    status_code: int = 200,
) -> Response:
    organization = viewer.user.organization
    days = leaving.retention_days(organization)
    return render(
        request,
        "rights/leave.html",
        {
            "title": "Leave the programme",
            "days": days,
            "years": round(days / 365, 1),
            "confirm_word": leaving.CONFIRM_WORD,
            "organization": organization.name,
            "errors": errors or {},
            "error": error,
        },
        status_code=status_code,
    )


@pages.get("/me/leave")
def leave_page(request: Request, viewer: MemberViewer) -> Response:
    return _leave_page(request, viewer)


@pages.post("/me/leave")
def leave_submit(
    request: Request, db: DbSession, viewer: MemberViewer, confirm: FormStr = ""
) -> Response:
    try:
        leaving.leave(db, viewer, viewer.user.id, _clean(confirm, 40))
    except Invalid as exc:
        return _leave_page(request, viewer, errors=exc.errors, error=exc.message, status_code=422)
    response = redirect("/goodbye")
    response.delete_cookie(SESSION_COOKIE)
    return response


@pages.get("/goodbye")
def goodbye_page(request: Request, viewer: OptionalViewer) -> Response:
    return render(request, "rights/goodbye.html", {"title": "Your account is closed"})


@api.post("/me/leave", response_model=LeaveRead)
def api_leave(db: DbSession, viewer: MemberViewer, body: LeaveIn) -> LeaveRead:
    departure = leaving.leave(db, viewer, viewer.user.id, _clean(body.confirm, 40))
    organization = viewer.user.organization
    return LeaveRead(
        left_at=departure.left_at,
        retention_days=leaving.retention_days(organization),
        erase_after=leaving.erase_due(organization, departure.left_at),
    )


# ---- the organization's retention setting ----------------------------------------------------


def _retention_page(
    request: Request,
    days: int,
    *,
    value: str = "",
    errors: dict[str, str] | None = None,
    error: str = "",
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "rights/retention.html",
        {
            "title": "Keeping data after a member leaves",
            "days": days,
            "value": value or str(days),
            "days_min": RETENTION_DAYS_MIN,
            "days_max": RETENTION_DAYS_MAX,
            "errors": errors or {},
            "error": error,
        },
        status_code=status_code,
    )


@pages.get("/admin/retention")
def retention_page(request: Request, db: DbSession, viewer: AdminViewer) -> Response:
    return _retention_page(request, leaving.retention_setting(db, viewer))


@pages.post("/admin/retention")
def retention_submit(
    request: Request,
    db: DbSession,
    viewer: AdminViewer,
    retention_days_after_leaving: FormStr = "",
) -> Response:
    value = _clean(retention_days_after_leaving, 20)
    try:
        leaving.set_retention_days(db, viewer, value)
    except Invalid as exc:
        return _retention_page(
            request,
            leaving.retention_setting(db, viewer),
            value=value,
            errors=exc.errors,
            error=exc.message,
            status_code=422,
        )
    return redirect("/admin/retention", request, "Setting saved.")


@api.get("/admin/retention", response_model=RetentionRead)
def api_retention(db: DbSession, viewer: AdminViewer) -> RetentionRead:
    return RetentionRead(retention_days_after_leaving=leaving.retention_setting(db, viewer))


@api.put("/admin/retention", response_model=RetentionRead)
def api_set_retention(db: DbSession, viewer: AdminViewer, body: RetentionIn) -> RetentionRead:
    days = leaving.set_retention_days(db, viewer, body.retention_days_after_leaving)
    return RetentionRead(retention_days_after_leaving=days)
