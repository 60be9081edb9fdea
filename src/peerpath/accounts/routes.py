"""Sign-in, sign-out, invitations, password change and API tokens: pages and JSON API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from peerpath.accounts import service
from peerpath.accounts.schemas import (
    MeRead,
    PasswordChange,
    TokenCreate,
    TokenCreated,
    TokenRead,
)
from peerpath.admin import service as admin_service
from peerpath.core.audit import Viewer
from peerpath.core.deps import SESSION_COOKIE, AppSettings, DbSession, Me, OptionalViewer, RecordId
from peerpath.core.errors import Invalid, NotFound, TooManyAttempts
from peerpath.core.middleware import CSRF_COOKIE
from peerpath.core.net import client_ip, user_agent
from peerpath.core.templating import HOME_BY_ROLE, redirect, render
from peerpath.core.unit_of_work import UnitOfWorkRoute
from peerpath.db.models import User
from peerpath.settings import Settings

pages = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
api = APIRouter(route_class=UnitOfWorkRoute, tags=["account"])

FormStr = Annotated[str, Form()]


def _safe_next(target: str, user: User) -> str:
    # Only same-site paths: "//evil.example" or "https://..." would be an open redirect.
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return HOME_BY_ROLE[user.role]


def signed_in(
    request: Request, response: Response, db: DbSession, user: User, settings: Settings
) -> Response:
    """`response`, signing `user` in: a new session (ending the browser's earlier one) in its
    cookie. Sign-in, password change and every kind of invitation use it."""
    token = service.start_session(
        db,
        user,
        ip=client_ip(request),
        user_agent=user_agent(request),
        settings=settings,
        replacing=request.cookies.get(SESSION_COOKIE),
    )
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
        max_age=settings.session_lifetime_minutes * 60,
    )
    return _new_csrf_token(response)


def _new_csrf_token(response: Response) -> Response:
    """A sign-in or sign-out drops the browser's CSRF token: the next page gets a new one, so a
    token planted or seen before (a shared computer, a planted cookie) is no use afterwards."""
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@pages.get("/")
def start(viewer: OptionalViewer) -> Response:
    return RedirectResponse(HOME_BY_ROLE[viewer.user.role] if viewer else "/login", 303)


@pages.get("/login")
def login_page(request: Request, viewer: OptionalViewer, next: str = "") -> Response:
    if viewer is not None:
        return RedirectResponse(_safe_next(next, viewer.user), 303)
    return render(request, "accounts/login.html", {"title": "Sign in", "next": next})


@pages.post("/login")
def login_submit(
    request: Request,
    db: DbSession,
    settings: AppSettings,
    username: FormStr = "",
    password: FormStr = "",
    next: FormStr = "",
) -> Response:
    try:
        user = service.authenticate(
            db,
            username,
            password,
            ip=client_ip(request),
            user_agent=user_agent(request),
            settings=settings,
        )
    except (Invalid, TooManyAttempts) as exc:
        # Returned, not raised: the failed attempt must be committed to count toward lockout.
        return render(
            request,
            "accounts/login.html",
            {"title": "Sign in", "error": exc.message, "username": username, "next": next},
            status_code=exc.status_code if isinstance(exc, TooManyAttempts) else 401,
        )
    response = RedirectResponse(_safe_next(next, user), status_code=303)
    return signed_in(request, response, db, user, settings)


@pages.post("/logout")
def logout(request: Request, db: DbSession) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        service.end_session(db, token)
    response = redirect("/login", request, "You have signed out. Take care.")
    response.delete_cookie(SESSION_COOKIE)
    return _new_csrf_token(response)


def _account_page(
    request: Request, db: DbSession, viewer: Viewer, status_code: int = 200, **extra: object
) -> Response:
    context = {
        "title": "My account",
        "tokens": service.list_api_tokens(db, viewer),
        "errors": {},
        **extra,
    }
    return render(request, "accounts/account.html", context, status_code=status_code)


@pages.get("/account")
def account_page(request: Request, db: DbSession, viewer: Me) -> Response:
    return _account_page(request, db, viewer)


@pages.post("/account/password")
def password_submit(
    request: Request,
    db: DbSession,
    viewer: Me,
    settings: AppSettings,
    current_password: FormStr = "",
    new_password: FormStr = "",
    confirm_password: FormStr = "",
) -> Response:
    if new_password != confirm_password:
        msg = "The two new passwords are not the same."
        return _account_page(
            request, db, viewer, 422, password_error=msg, errors={"confirm_password": msg}
        )
    try:
        service.change_password(db, viewer, current_password, new_password)
    except Invalid as exc:
        return _account_page(
            request, db, viewer, 422, password_error=exc.message, errors=exc.errors
        )
    response = redirect(
        "/account", request, "Your password is changed. Other devices have been signed out."
    )
    return signed_in(request, response, db, viewer.user, settings)


@pages.post("/account/tokens")
def token_create_submit(
    request: Request, db: DbSession, viewer: Me, name: FormStr = ""
) -> Response:
    try:
        token, plaintext = service.create_api_token(db, viewer, name)
    except Invalid as exc:
        return _account_page(request, db, viewer, 422, token_error=exc.message, errors=exc.errors)
    return _account_page(request, db, viewer, new_token=plaintext, new_token_name=token.name)


@pages.post("/account/tokens/{token_id}/revoke")
def token_revoke_submit(
    request: Request, db: DbSession, viewer: Me, token_id: RecordId
) -> Response:
    token = service.revoke_api_token(db, viewer, token_id)
    return redirect("/account", request, f"The token “{token.name}” no longer works.")


@pages.get("/invite/{token}")
def invite_page(request: Request, db: DbSession, token: str) -> Response:
    invitation = admin_service.invitation_for_token(db, token)
    user = db.get(User, invitation.user_id)
    if user is None:
        raise NotFound()
    return render(
        request,
        "accounts/invite.html",
        {"title": "Welcome to peerpath", "invitee": user, "token": token, "errors": {}},
    )


@pages.post("/invite/{token}")
def invite_submit(
    request: Request,
    db: DbSession,
    settings: AppSettings,
    token: str,
    password: FormStr = "",
    confirm_password: FormStr = "",
) -> Response:
    invitation = admin_service.invitation_for_token(db, token)
    invitee = db.get(User, invitation.user_id)
    if invitee is None:
        raise NotFound()
    errors: dict[str, str] = {}
    if password != confirm_password:
        errors = {"confirm_password": "The two passwords are not the same."}
    else:
        try:
            admin_service.accept_invitation(
                db, token, password, ip=client_ip(request), user_agent=user_agent(request)
            )
        except Invalid as exc:
            errors = exc.errors
    if errors:
        return render(
            request,
            "accounts/invite.html",
            {
                "title": "Welcome to peerpath",
                "invitee": invitee,
                "token": token,
                "errors": errors,
                "error": next(iter(errors.values())),
            },
            status_code=422,
        )
    response = redirect(HOME_BY_ROLE[invitee.role], request, "Welcome! Your password is set.")
    return signed_in(request, response, db, invitee, settings)


# ---- JSON API ---------------------------------------------------------------------------


@api.get("/me", response_model=MeRead)
def me(viewer: Me) -> User:
    return viewer.user


@api.post("/me/password", status_code=204)
def api_change_password(db: DbSession, viewer: Me, body: PasswordChange) -> Response:
    service.change_password(db, viewer, body.current_password, body.new_password)
    return Response(status_code=204)


@api.get("/me/tokens", response_model=list[TokenRead])
def api_list_tokens(db: DbSession, viewer: Me) -> object:
    return service.list_api_tokens(db, viewer)


@api.post("/me/tokens", response_model=TokenCreated, status_code=201)
def api_create_token(db: DbSession, viewer: Me, body: TokenCreate) -> TokenCreated:
    token, plaintext = service.create_api_token(db, viewer, body.name)
    return TokenCreated(**TokenRead.model_validate(token).model_dump(), token=plaintext)


@api.delete("/me/tokens/{token_id}", response_model=TokenRead)
def api_revoke_token(db: DbSession, viewer: Me, token_id: RecordId) -> object:
    return service.revoke_api_token(db, viewer, token_id)
