"""Pages and JSON API for a member's supporters: "My supporters", the invitation link a
supporter opens to make their account, removing a supporter and cancelling an invitation.

Every form works without JavaScript (POST, then redirect and flash, or the page again with the
problems marked and status 422). Removing and cancelling each ask for confirmation first.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import Response

from peerpath.accounts.routes import signed_in
from peerpath.core.deps import (
    AppSettings,
    DbSession,
    MemberViewer,
    OptionalViewer,
    RecordId,
)
from peerpath.core.errors import Invalid
from peerpath.core.net import client_ip, user_agent
from peerpath.core.templating import HOME_BY_ROLE, redirect, render
from peerpath.core.unit_of_work import UnitOfWorkRoute
from peerpath.db.models import User
from peerpath.sharing.supporters import service
from peerpath.sharing.supporters.schemas import (
    CircleRead,
    InvitationCreated,
    InvitationIn,
    LinkedRead,
    LinkIn,
    PendingRead,
)

pages = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
api = APIRouter(route_class=UnitOfWorkRoute, tags=["supporters"])

FormStr = Annotated[str, Form()]
Token = Annotated[str, Path(min_length=1, max_length=200)]
CONFIRM = "yes"
NOT_CONFIRMED = "Please confirm on the page that asks first. Nothing was changed."


def _page(
    request: Request,
    db: DbSession,
    viewer: MemberViewer,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    context: dict[str, Any] = {
        "title": "My supporters",
        "circle": service.circle(db, viewer, viewer.user.id),
        "link_errors": {},
        "invite_errors": {},
        "link_values": {},
        "invite_values": {},
        "new": None,
        "days": service.INVITATION_DAYS,
        "expires_text": service.expires_text,
        **extra,
    }
    return render(request, "sharing/supporters/page.html", context, status_code=status_code)


@pages.get("/me/supporters")
def supporters_page(request: Request, db: DbSession, viewer: MemberViewer) -> Response:
    return _page(request, db, viewer)


@pages.post("/me/supporters/link")
def link_submit(
    request: Request,
    db: DbSession,
    viewer: MemberViewer,
    username: FormStr = "",
    relationship_label: FormStr = "",
) -> Response:
    try:
        link = service.link_existing(db, viewer, viewer.user.id, username, relationship_label)
    except Invalid as exc:
        return _page(
            request,
            db,
            viewer,
            status_code=422,
            link_errors=exc.errors,
            link_error=exc.message,
            link_values={"username": username[:80], "relationship_label": relationship_label[:80]},
        )
    supporter = db.get(User, link.supporter_id)
    name = supporter.display_name if supporter else "Your supporter"
    return redirect(
        "/me/supporters",
        request,
        f"{name} is now in your circle. They see nothing of your record until you share a "
        "part of it with them.",
    )


@pages.post("/me/supporters/invitations")
def invite_submit(
    request: Request,
    db: DbSession,
    viewer: MemberViewer,
    settings: AppSettings,
    relationship_label: FormStr = "",
    email: FormStr = "",
) -> Response:
    try:
        new = service.invite(
            db, viewer, viewer.user.id, relationship_label, email, settings=settings
        )
    except Invalid as exc:
        return _page(
            request,
            db,
            viewer,
            status_code=422,
            invite_errors=exc.errors,
            invite_error=exc.message,
            invite_values={"relationship_label": relationship_label[:80], "email": email[:254]},
        )
    # The link is shown on this response only (its hash is all that is kept), like a new token.
    return _page(request, db, viewer, new=new)


@pages.get("/me/supporters/invitations/{invitation_id}/cancel")
def cancel_confirm(
    request: Request, db: DbSession, viewer: MemberViewer, invitation_id: RecordId
) -> Response:
    invitation = service.invitation_to_cancel(db, viewer, viewer.user.id, invitation_id)
    return render(
        request,
        "sharing/supporters/cancel.html",
        {"title": "Cancel this invitation?", "invitation": invitation},
    )


@pages.post("/me/supporters/invitations/{invitation_id}/cancel")
def cancel_submit(
    request: Request,
    db: DbSession,
    viewer: MemberViewer,
    invitation_id: RecordId,
    confirm: FormStr = "",
) -> Response:
    if confirm != CONFIRM:
        service.invitation_to_cancel(db, viewer, viewer.user.id, invitation_id)
        raise Invalid(NOT_CONFIRMED)
    service.cancel_invitation(db, viewer, viewer.user.id, invitation_id)
    return redirect(
        "/me/supporters", request, "The invitation is cancelled: its link no longer works."
    )


@pages.get("/me/supporters/{link_id}/remove")
def remove_confirm(
    request: Request, db: DbSession, viewer: MemberViewer, link_id: RecordId
) -> Response:
    linked = service.link_to_remove(db, viewer, viewer.user.id, link_id)
    return render(
        request,
        "sharing/supporters/remove.html",
        {"title": f"Remove {linked.supporter.display_name}?", "linked": linked},
    )


@pages.post("/me/supporters/{link_id}/remove")
def remove_submit(
    request: Request,
    db: DbSession,
    viewer: MemberViewer,
    link_id: RecordId,
    confirm: FormStr = "",
) -> Response:
    if confirm != CONFIRM:
        service.link_to_remove(db, viewer, viewer.user.id, link_id)
        raise Invalid(NOT_CONFIRMED)
    supporter = service.remove_supporter(db, viewer, viewer.user.id, link_id)
    return redirect(
        "/me/supporters",
        request,
        f"{supporter.display_name} is no longer in your circle and can no longer see anything "
        "you had shared with them.",
    )


# ---- the invitation link (anonymous) ---------------------------------------------------------


def _accept_page(
    request: Request,
    db: DbSession,
    token: str,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    invitation = service.invitation_for_token(db, token)
    member = service.inviting_member(db, invitation)
    context: dict[str, Any] = {
        "title": "Join a support circle on peerpath",
        "member_name": member.display_name,
        "organization_name": member.organization.name,
        "invitation": invitation,
        "token": token,
        "errors": {},
        "values": {},
        **extra,
    }
    return render(request, "sharing/supporters/accept.html", context, status_code=status_code)


@pages.get("/supporter-invite/{token}")
def accept_page(request: Request, db: DbSession, viewer: OptionalViewer, token: Token) -> Response:
    return _accept_page(request, db, token)


@pages.post("/supporter-invite/{token}")
def accept_submit(
    request: Request,
    db: DbSession,
    viewer: OptionalViewer,
    settings: AppSettings,
    token: Token,
    username: FormStr = "",
    display_name: FormStr = "",
    password: FormStr = "",
    confirm_password: FormStr = "",
) -> Response:
    try:
        supporter = service.accept_invitation(
            db,
            token,
            username=username,
            display_name=display_name,
            password=password,
            confirm_password=confirm_password,
            ip=client_ip(request),
            user_agent=user_agent(request),
        )
    except Invalid as exc:
        return _accept_page(
            request,
            db,
            token,
            status_code=422,
            errors=exc.errors,
            error=exc.message,
            values={"username": username[:80], "display_name": display_name[:120]},
        )
    # Signed in straight away, as the new supporter (any earlier session in this browser ends).
    response = redirect(
        HOME_BY_ROLE[supporter.role],
        request,
        "Welcome! Your supporter account is ready. You will see here what is shared with you.",
    )
    return signed_in(request, response, db, supporter, settings)


# ---- JSON API --------------------------------------------------------------------------------


@api.get("/me/supporters", response_model=CircleRead)
def api_circle(db: DbSession, viewer: MemberViewer) -> CircleRead:
    circle = service.circle(db, viewer, viewer.user.id)
    return CircleRead(
        supporters=[LinkedRead.of(item) for item in circle.linked],
        pending_invitations=[
            PendingRead(
                id=i.id,
                relationship_label=i.relationship_label,
                email=i.email,
                created_at=i.created_at,
                expires_at=i.expires_at,
            )
            for i in circle.pending
        ],
    )


@api.post("/me/supporters", response_model=LinkedRead, status_code=201)
def api_link(db: DbSession, viewer: MemberViewer, body: LinkIn) -> LinkedRead:
    link = service.link_existing(db, viewer, viewer.user.id, body.username, body.relationship_label)
    return LinkedRead.of(service.linked_of(db, viewer.user, link))


@api.post("/me/supporter-invitations", response_model=InvitationCreated, status_code=201)
def api_invite(
    db: DbSession, viewer: MemberViewer, settings: AppSettings, body: InvitationIn
) -> InvitationCreated:
    new = service.invite(
        db, viewer, viewer.user.id, body.relationship_label, body.email, settings=settings
    )
    return InvitationCreated.of(new)
