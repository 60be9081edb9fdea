"""Page rendering: one Jinja environment, the shared page context, flash messages, role nav."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from itsdangerous import BadSignature, URLSafeSerializer

from peerpath.db.models import Role

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
FLASH_COOKIE = "peerpath_flash"


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str


HOME_BY_ROLE: dict[Role, str] = {
    Role.MEMBER: "/my-recovery",
    Role.PEER_SPECIALIST: "/caseload",
    Role.SUPERVISOR: "/supervision",
    Role.ADMIN: "/admin",
    Role.SUPPORTER: "/supporting",
    Role.TRAINEE: "/training",
}

NAV_BY_ROLE: dict[Role, tuple[NavItem, ...]] = {
    Role.MEMBER: (
        NavItem("My recovery", "/my-recovery"),
        NavItem("Check in", "/check-in"),
        NavItem("My plan", "/my-plan"),
        NavItem("Wellness and crisis plan", "/my-wellness-plan"),
        NavItem("Journal", "/journal"),
        NavItem("My progress", "/progress"),
        NavItem("My appointments", "/appointments"),
        NavItem("Notes about me", "/my-notes"),
        NavItem("Who viewed my record", "/me/record-views"),
        NavItem("My supporters", "/me/supporters"),
        NavItem("Sharing", "/me/sharing"),
    ),
    Role.PEER_SPECIALIST: (
        NavItem("My caseload", "/caseload"),
        NavItem("Session notes", "/notes"),
        NavItem("Appointments", "/appointments"),
        NavItem("Groups", "/groups"),
        NavItem("Search notes", "/notes/search"),
        NavItem("Shared with me", "/shared-with-me"),
        NavItem("Exam practice", "/training"),
    ),
    Role.SUPERVISOR: (
        NavItem("Supervision", "/supervision"),
        NavItem("Notes to review", "/supervision/queue"),
        NavItem("Search notes", "/notes/search"),
        NavItem("Shared with me", "/shared-with-me"),
        NavItem("Outcomes", "/outcomes"),
        NavItem("Question bank", "/training/bank"),
    ),
    Role.ADMIN: (
        NavItem("Overview", "/admin"),
        NavItem("People", "/admin/users"),
        NavItem("Outcomes", "/outcomes"),
        NavItem("Programmes", "/admin/programs"),
        NavItem("Audit log", "/admin/audit"),
        NavItem("Questionnaires", "/admin/measures"),
        NavItem("Billing export", "/admin/billing"),
        NavItem("Question bank", "/training/bank"),
        NavItem("Settings", "/admin/settings"),
    ),
    Role.SUPPORTER: (NavItem("People I support", "/supporting"),),
    Role.TRAINEE: (NavItem("Exam practice", "/training"),),
}


def _flash_serializer(request: Request) -> URLSafeSerializer:
    return URLSafeSerializer(request.app.state.secret_key, salt="flash")


def flash(response: Response, request: Request, message: str, kind: str = "success") -> None:
    """Show `message` once on the next page (kept in a signed cookie, not in process memory)."""
    messages = [*_read_flashes(request), {"kind": kind, "text": message}]
    response.set_cookie(
        FLASH_COOKIE,
        _flash_serializer(request).dumps(messages),
        httponly=True,
        secure=request.app.state.settings.cookie_secure,
        samesite="lax",
    )


def _read_flashes(request: Request) -> list[dict[str, str]]:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return []
    try:
        data = _flash_serializer(request).loads(raw)
    except BadSignature:
        return []
    return [m for m in data if isinstance(m, dict)] if isinstance(data, list) else []


def redirect(url: str, request: Request | None = None, message: str = "") -> RedirectResponse:
    response = RedirectResponse(url, status_code=303)
    if message and request is not None:
        flash(response, request, message)
    return response


def csrf_token(request: Request) -> str:
    getter = request.scope.get("csrftoken")
    return str(getter()) if callable(getter) else ""


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    viewer = getattr(request.state, "viewer", None)
    me = viewer.summary if viewer else None
    role = me.role if me else None
    page: dict[str, Any] = {
        "request": request,
        "viewer": viewer,
        "me": me,
        "nav": NAV_BY_ROLE.get(role, ()) if role else (),
        "home_url": HOME_BY_ROLE.get(role, "/") if role else "/",
        "csrf_token": csrf_token(request),
        "flashes": _read_flashes(request),
        "current_path": request.url.path,
    }
    page.update(context or {})
    response = templates.TemplateResponse(request, template, page, status_code=status_code)
    if page["flashes"]:
        response.delete_cookie(FLASH_COOKIE)
    return response
