"""Pages and JSON API for the member's sharing grants, and staff's "shared with me" list.

Every form works without JavaScript: POST, then redirect with a message, or the page again with
the problems marked beside their fields (status 422) and nothing saved.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from peerpath.core import access
from peerpath.core.access import SHAREABLE, STAFF_ROLES, Section
from peerpath.core.audit import Viewer
from peerpath.core.deps import DbSession, Me, MemberViewer, RecordId, role_required
from peerpath.core.errors import Invalid
from peerpath.core.templating import redirect, render
from peerpath.core.unit_of_work import UnitOfWorkRoute
from peerpath.db.models import SharingPurpose
from peerpath.sharing.grants import service
from peerpath.sharing.grants.schemas import GrantIn, GrantRead

pages = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
api = APIRouter(route_class=UnitOfWorkRoute, tags=["sharing"])

FormStr = Annotated[str, Form()]
StaffViewer = Annotated[Viewer, Depends(role_required(*STAFF_ROLES))]
NOT_SAVED = "Nothing was shared yet: please look at the parts marked below."


def _clean(value: str, limit: int) -> str:
    return value.replace("\x00", "")[:limit]


def _sharing_page(
    request: Request,
    db: DbSession,
    viewer: MemberViewer,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    error: str = "",
    status_code: int = 200,
) -> Response:
    o = service.overview(db, viewer, viewer.user.id)
    return render(
        request,
        "sharing/grants/page.html",
        {
            "title": "Sharing my record",
            "o": o,
            "sections": [
                (s.value, service.SECTION_WORDS[s], service.SECTION_HINTS[s]) for s in SHAREABLE
            ],
            "purposes": [(p.value, label) for p, label in service.PURPOSE_LABELS.items()],
            "form": form
            or {
                "recipient": "",
                "sections": [],
                "purpose": SharingPurpose.ONGOING_SUPPORT.value,
                "purpose_detail": "",
                "expires_on": "",
            },
            "errors": errors or {},
            "error": error,
            "detail_max": service.PURPOSE_DETAIL_MAX,
        },
        status_code=status_code,
    )


@pages.get("/me/sharing")
def sharing_page(request: Request, db: DbSession, viewer: MemberViewer) -> Response:
    return _sharing_page(request, db, viewer)


@pages.post("/me/sharing/grants")
def sharing_submit(
    request: Request,
    db: DbSession,
    viewer: MemberViewer,
    recipient: FormStr = "",
    sections: Annotated[list[str] | None, Form()] = None,
    purpose: FormStr = "",
    purpose_detail: FormStr = "",
    expires_on: FormStr = "",
) -> Response:
    data = service.GrantInput(
        recipient=_clean(recipient, 40),
        sections=[_clean(s, 40) for s in (sections or [])][:20],
        purpose=_clean(purpose, 40),
        purpose_detail=_clean(purpose_detail, 2000),
        expires_on=_clean(expires_on, 20),
    )
    try:
        created = service.create_from_input(db, viewer, viewer.user.id, data)
    except service.GrantError as exc:
        return _sharing_page(
            request,
            db,
            viewer,
            form=vars(data),
            errors=exc.errors,
            error=NOT_SAVED,
            status_code=422,
        )
    words = service.join_words([service.SECTION_WORDS[Section(g.section)] for g in created])
    return redirect("/me/sharing", request, f"Shared: your {words}. You can stop it at any time.")


@pages.get("/me/sharing/grants/{grant_id}/revoke")
def revoke_page(
    request: Request, db: DbSession, viewer: MemberViewer, grant_id: RecordId
) -> Response:
    view = service.grant_to_stop(db, viewer, viewer.user.id, grant_id)
    return render(
        request,
        "sharing/grants/revoke.html",
        {"title": "Stop sharing?", "v": view},
    )


@pages.post("/me/sharing/grants/{grant_id}/revoke")
def revoke_submit(
    request: Request, db: DbSession, viewer: MemberViewer, grant_id: RecordId
) -> Response:
    grant = service.revoke_grant(db, viewer, viewer.user.id, grant_id)
    words = service.SECTION_WORDS.get(Section(grant.section), grant.section)
    return redirect(
        "/me/sharing",
        request,
        f"You stopped sharing your {words}. It ends straight away, even for someone who has "
        "your record open.",
    )


@pages.get("/shared-with-me")
def shared_with_me_page(request: Request, db: DbSession, viewer: StaffViewer) -> Response:
    return render(
        request,
        "sharing/grants/shared_with_me.html",
        {"title": "Shared with me", "members": service.shared_with_me(db, viewer)},
    )


# ---- JSON API --------------------------------------------------------------------------------


def _own_record_gate(db: DbSession, viewer: Me, member_id: RecordId) -> None:
    """Refusals answer 404 before the body is looked at (audited)."""
    service.refuse_unless_own(db, viewer, member_id)


@api.get("/members/{member_id}/grants", response_model=list[GrantRead])
def api_grants(db: DbSession, viewer: Me, member_id: RecordId) -> list[GrantRead]:
    """Every grant of the member, in force or past, newest first. The member only."""
    member, grants = service.member_grants(db, viewer, member_id)
    today = access.org_today(member.organization)
    return [GrantRead.of(g, today) for g in grants]


@api.post(
    "/members/{member_id}/grants",
    response_model=list[GrantRead],
    status_code=201,
    dependencies=[Depends(_own_record_gate)],
)
def api_create_grants(
    db: DbSession, viewer: Me, member_id: RecordId, body: GrantIn
) -> list[GrantRead]:
    data = service.GrantInput(
        recipient=_clean(body.recipient, 40),
        sections=[_clean(s, 40) for s in body.sections],
        purpose=_clean(body.purpose, 40),
        purpose_detail=_clean(body.purpose_detail, 2000),
        expires_on=_clean(body.expires_on or "", 20),
    )
    try:
        created = service.create_from_input(db, viewer, member_id, data)
    except service.GrantError as exc:
        raise Invalid("Nothing was shared: " + exc.message, errors=exc.errors) from exc
    today = access.org_today(viewer.user.organization)
    return [GrantRead.of(g, today) for g in created]


@api.delete(
    "/members/{member_id}/grants/{grant_id}",
    status_code=204,
    dependencies=[Depends(_own_record_gate)],
)
def api_revoke_grant(
    db: DbSession, viewer: Me, member_id: RecordId, grant_id: RecordId
) -> Response:
    service.revoke_grant(db, viewer, member_id, grant_id)
    return Response(status_code=204)
