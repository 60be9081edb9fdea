"""Pages and JSON API for emergency openings of a crisis plan.

Staff: GET/POST /members/{id}/crisis-plan/emergency (a reason and an acknowledgement; then the
crisis plan opens for access.EMERGENCY_HOURS hours). The member: a notice on their home page
("Got it" dismisses it) and the permanent list at /me/emergency-openings. Every form works
without JavaScript (POST, then redirect and flash, or the page again with the problems marked
and status 422).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from peerpath.core.access import EMERGENCY_HOURS
from peerpath.core.deps import DbSession, Me, MemberViewer, RecordId
from peerpath.core.errors import DomainError, Invalid
from peerpath.core.templating import redirect, render, templates
from peerpath.core.unit_of_work import UnitOfWorkRoute
from peerpath.sharing.emergency import service
from peerpath.sharing.emergency.schemas import EmergencyIn, EmergencyRead, OpeningRead

pages = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
api = APIRouter(route_class=UnitOfWorkRoute, tags=["emergency access"])

FormStr = Annotated[str, Form()]
OPENINGS_URL = "/me/emergency-openings"


def _local(url: str, fallback: str) -> str:
    """Only a path on this site (never //elsewhere or a scheme) is used as a return address."""
    if url.startswith("/") and not url.startswith("//") and "\\" not in url and len(url) < 300:
        return url
    return fallback


# ---- Jinja globals: the member's notice and the staff link, looked up while a page renders --


def _emergency_notices(request: Request) -> list[service.OpeningView]:
    """For templates/sharing/emergency/_notices.html: a member's undismissed openings."""
    state = request.state
    db = getattr(state, "db", None)
    viewer = getattr(state, "viewer", None)
    if db is None or viewer is None or viewer.summary.role != "member":
        return []
    try:
        return service.unseen(db, viewer)
    except DomainError:
        return []


def _emergency_link(request: Request, member_id: int) -> str:
    """For templates/sharing/emergency/_link.html: the form's address, or ""."""
    state = request.state
    db = getattr(state, "db", None)
    if db is None:
        return ""
    return service.link_for(db, getattr(state, "viewer", None), member_id)


templates.env.globals["emergency_notices"] = _emergency_notices
templates.env.globals["emergency_link"] = _emergency_link


# ---- staff: the emergency form ----------------------------------------------------------


def _form_page(
    request: Request,
    view: service.FormView,
    *,
    reason: str = "",
    understood: bool = False,
    errors: dict[str, str] | None = None,
    error: str = "",
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "sharing/emergency/form.html",
        {
            "title": "Open a crisis plan in an emergency",
            "v": view,
            "reason": reason,
            "understood": understood,
            "errors": errors or {},
            "error": error,
            "reason_min": service.REASON_MIN,
            "reason_max": service.REASON_MAX,
            "action_url": service.form_url(view.member_id),
            "plan_url": service.crisis_plan_url(view.member_id),
        },
        status_code=status_code,
    )


@pages.get("/members/{member_id}/crisis-plan/emergency")
def emergency_form(request: Request, db: DbSession, viewer: Me, member_id: RecordId) -> Response:
    return _form_page(request, service.form(db, viewer, member_id))


@pages.post("/members/{member_id}/crisis-plan/emergency")
def emergency_submit(
    request: Request,
    db: DbSession,
    viewer: Me,
    member_id: RecordId,
    reason: FormStr = "",
    understood: FormStr = "",
) -> Response:
    reason = reason.replace("\x00", "")[: service.REASON_MAX * 4]
    ticked = understood.strip() != ""
    try:
        service.open_crisis_plan(db, viewer, member_id, reason, understood=ticked)
    except Invalid as exc:
        return _form_page(
            request,
            service.form_again(db, viewer, member_id),
            reason=reason,
            understood=ticked,
            errors=exc.errors,
            error=exc.message,
            status_code=422,
        )
    except service.AlreadyReadable as exc:
        return redirect(service.crisis_plan_url(member_id), request, exc.message)
    return redirect(
        service.crisis_plan_url(member_id),
        request,
        f"The crisis plan is open to you for the next {EMERGENCY_HOURS} hours. "
        "The member will be told, with your reason.",
    )


def _opener_gate(db: DbSession, viewer: Me, member_id: RecordId) -> None:
    # Runs before the body is read: someone who may not open the plan gets 404, never a 422.
    service.gate(db, viewer, member_id)


@api.post(
    "/members/{member_id}/crisis-plan/emergency",
    response_model=EmergencyRead,
    status_code=201,
    dependencies=[Depends(_opener_gate)],
)
def api_emergency(
    db: DbSession, viewer: Me, member_id: RecordId, body: EmergencyIn
) -> EmergencyRead:
    """Open the member's crisis plan in an emergency. The member is told, with the reason.
    409 when the crisis plan is already shared with you."""
    opening = service.open_crisis_plan(db, viewer, member_id, body.reason, understood=True)
    return EmergencyRead(
        id=opening.id,
        member_id=opening.member_id,
        opened_at=opening.opened_at,
        expires_at=opening.expires_at,
        crisis_plan_url=service.crisis_plan_url(opening.member_id),
    )


# ---- the member: openings of my crisis plan ------------------------------------------------


@pages.get(OPENINGS_URL)
def openings_page(request: Request, db: DbSession, viewer: MemberViewer) -> Response:
    return render(
        request,
        "sharing/emergency/openings.html",
        {
            "title": "Emergency openings of my crisis plan",
            "openings": service.openings(db, viewer),
            "hours": EMERGENCY_HOURS,
        },
    )


@pages.post(OPENINGS_URL + "/{opening_id}/seen")
def opening_seen(
    request: Request, db: DbSession, viewer: Me, opening_id: RecordId, next: FormStr = ""
) -> Response:
    service.mark_seen(db, viewer, opening_id)
    return redirect(
        _local(next, "/my-recovery"),
        request,
        f"Thank you. You can read it again any time under “Emergency openings of my crisis "
        f"plan” ({OPENINGS_URL}).",
    )


@api.get(OPENINGS_URL, response_model=list[OpeningRead])
def api_openings(db: DbSession, viewer: MemberViewer) -> list[OpeningRead]:
    """Every emergency opening of my crisis plan, newest first."""
    return [OpeningRead.of(view) for view in service.openings(db, viewer)]


@api.post(OPENINGS_URL + "/{opening_id}/seen", response_model=OpeningRead)
def api_opening_seen(db: DbSession, viewer: Me, opening_id: RecordId) -> OpeningRead:
    """I have read this notice: it leaves my home page (and stays in the list)."""
    return OpeningRead.of(service.mark_seen(db, viewer, opening_id))
