"""Admin pages and API: people, roles, caseloads, supervision, deactivation, audit search."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError

from peerpath.accounts.schemas import (
    AccountRead,
    AuditEventRead,
    UserCreate,
    UserCreated,
    UserRead,
    UserUpdate,
)
from peerpath.admin import service
from peerpath.core.deps import AdminViewer, AppSettings, DbSession, RecordId
from peerpath.core.errors import Invalid
from peerpath.core.templating import redirect, render
from peerpath.core.unit_of_work import UnitOfWorkRoute
from peerpath.db.base import MAX_ID
from peerpath.db.models import Role, User
from peerpath.home import service as home_service

pages = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
api = APIRouter(route_class=UnitOfWorkRoute, prefix="/admin", tags=["admin"])

FormStr = Annotated[str, Form()]
ROLE_OPTIONS = [(r.value, r.label) for r in Role]
FIELD_LABELS = {
    "username": "Username",
    "display_name": "Name",
    "role": "Role",
    "email": "Email",
    "password": "Password",
}


def _pydantic_errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for err in exc.errors():
        field = str(err["loc"][0]) if err.get("loc") else "form"
        if err["type"] == "string_pattern_mismatch":
            msg = "Use lowercase letters, digits, dots, dashes or underscores."
        elif err["type"] == "string_too_short":
            msg = "This is too short."
        elif err["type"] in ("enum", "literal_error"):
            msg = "Choose one of the options."
        else:
            msg = str(err["msg"])
        errors[field] = f"{FIELD_LABELS.get(field, field)}: {msg}"
    return errors


def _optional_int(value: str) -> int | None:
    value = value.strip()
    if not value.isdigit() or len(value) > 10 or int(value) > MAX_ID:
        return None
    return int(value)


@pages.get("/admin")
def overview(request: Request, db: DbSession, viewer: AdminViewer) -> Response:
    return render(
        request,
        "admin/overview.html",
        {
            "title": "Organization overview",
            "o": home_service.org_overview(db, viewer),
            "Role": Role,
        },
    )


@pages.get("/admin/users")
def users_page(
    request: Request,
    db: DbSession,
    viewer: AdminViewer,
    q: str = "",
    role: str = "",
) -> Response:
    role_filter = Role(role) if role in set(Role) else None
    users = service.list_users(db, viewer, q=q, role=role_filter)
    return render(
        request,
        "admin/users.html",
        {"title": "People", "users": users, "q": q, "role": role, "role_options": ROLE_OPTIONS},
    )


def _new_user_page(request: Request, status_code: int = 200, **extra: object) -> Response:
    context = {
        "title": "Add a person",
        "role_options": ROLE_OPTIONS,
        "errors": {},
        "form": {},
        **extra,
    }
    return render(request, "admin/user_new.html", context, status_code=status_code)


@pages.get("/admin/users/new")
def new_user_page(request: Request, viewer: AdminViewer) -> Response:
    return _new_user_page(request)


@pages.post("/admin/users")
def new_user_submit(
    request: Request,
    db: DbSession,
    viewer: AdminViewer,
    settings: AppSettings,
    username: FormStr = "",
    display_name: FormStr = "",
    role: FormStr = "",
    email: FormStr = "",
    password: FormStr = "",
) -> Response:
    form = {"username": username, "display_name": display_name, "role": role, "email": email}
    try:
        data = UserCreate.model_validate(
            {
                "username": username.strip().lower(),
                "display_name": display_name,
                "role": role,
                "email": email or None,
                "password": password or None,
            }
        )
        user, invitation_url = service.create_user(db, viewer, data, base_url=settings.base_url)
    except ValidationError as exc:
        errors = _pydantic_errors(exc)
        return _new_user_page(
            request, 422, errors=errors, form=form, error="Some details need another look."
        )
    except Invalid as exc:
        return _new_user_page(request, 422, errors=exc.errors, form=form, error=exc.message)
    return render(
        request,
        "admin/user_created.html",
        {"title": "Person added", "user": user, "invitation_url": invitation_url},
    )


def _edit_page(
    request: Request,
    db: DbSession,
    viewer: AdminViewer,
    user: User,
    status_code: int = 200,
    **extra: object,
) -> Response:
    context = {
        "title": f"Edit {user.display_name}",
        "user": user,
        "links": service.links_for(db, user),
        "seen": service.account_seen(db, user),
        "role_options": ROLE_OPTIONS,
        "peer_options": [
            (p.id, p.display_name) for p in service.colleagues(db, viewer, Role.PEER_SPECIALIST)
        ],
        "supervisor_options": [
            (s.id, s.display_name) for s in service.colleagues(db, viewer, Role.SUPERVISOR)
        ],
        "errors": {},
        **extra,
    }
    return render(request, "admin/user_edit.html", context, status_code=status_code)


@pages.get("/admin/users/{user_id}")
def edit_user_page(
    request: Request, db: DbSession, viewer: AdminViewer, user_id: RecordId
) -> Response:
    return _edit_page(request, db, viewer, service.get_user(db, viewer, user_id))


@pages.post("/admin/users/{user_id}")
def edit_user_submit(
    request: Request,
    db: DbSession,
    viewer: AdminViewer,
    user_id: RecordId,
    display_name: FormStr = "",
    role: FormStr = "",
    email: FormStr = "",
    peer_specialist_id: FormStr = "",
    supervisor_id: FormStr = "",
    seen: FormStr = "",
) -> Response:
    user = service.get_user(db, viewer, user_id)
    fields: dict[str, object] = {
        "display_name": display_name,
        "email": email or None,
        # The account as the form showed it: a change by another admin since is a conflict.
        "seen": seen[:64] or None,
    }
    if role:
        fields["role"] = role
    # The links only apply to the role the person had when the form was drawn.
    if user.role == Role.MEMBER and (role or user.role) == Role.MEMBER:
        fields["peer_specialist_id"] = _optional_int(peer_specialist_id)
    if user.role == Role.PEER_SPECIALIST and (role or user.role) == Role.PEER_SPECIALIST:
        fields["supervisor_id"] = _optional_int(supervisor_id)
    try:
        service.update_user(db, viewer, user_id, UserUpdate.model_validate(fields))
    except ValidationError as exc:
        db.rollback()
        return _edit_page(
            request,
            db,
            viewer,
            service.get_user(db, viewer, user_id),
            422,
            errors=_pydantic_errors(exc),
            error="Some details need another look.",
        )
    except Invalid as exc:
        db.rollback()
        return _edit_page(
            request,
            db,
            viewer,
            service.get_user(db, viewer, user_id),
            422,
            errors=exc.errors,
            error=exc.message,
        )
    return redirect(f"/admin/users/{user_id}", request, "Saved.")


@pages.post("/admin/users/{user_id}/invite")
def reinvite_submit(
    request: Request, db: DbSession, viewer: AdminViewer, settings: AppSettings, user_id: RecordId
) -> Response:
    url = service.reinvite(db, viewer, user_id, base_url=settings.base_url)
    user = service.get_user(db, viewer, user_id)
    return render(
        request,
        "admin/user_created.html",
        {"title": "New sign-in link", "user": user, "invitation_url": url, "reinvite": True},
    )


@pages.get("/admin/users/{user_id}/deactivate")
def deactivate_confirm(
    request: Request, db: DbSession, viewer: AdminViewer, user_id: RecordId
) -> Response:
    user = service.get_user(db, viewer, user_id)
    return render(
        request,
        "admin/confirm_deactivate.html",
        {"title": f"Deactivate {user.display_name}?", "user": user},
    )


@pages.post("/admin/users/{user_id}/deactivate")
def deactivate_submit(
    request: Request, db: DbSession, viewer: AdminViewer, user_id: RecordId
) -> Response:
    user = service.set_active(db, viewer, user_id, False)
    return redirect(
        f"/admin/users/{user_id}",
        request,
        f"{user.display_name} can no longer sign in. Their history is kept; "
        "you can reactivate them at any time.",
    )


@pages.post("/admin/users/{user_id}/reactivate")
def reactivate_submit(
    request: Request, db: DbSession, viewer: AdminViewer, user_id: RecordId
) -> Response:
    user = service.set_active(db, viewer, user_id, True)
    return redirect(f"/admin/users/{user_id}", request, f"{user.display_name} can sign in again.")


def _audit_query(
    actor: str, member: str, action: str, allowed: str, date_from: str, date_to: str, page: int
) -> tuple[service.AuditQuery, dict[str, str]]:
    errors: dict[str, str] = {}

    def parse_date(name: str, value: str) -> date | None:
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            errors[name] = "Use a date like 2026-03-31."
            return None

    return service.AuditQuery(
        actor=actor,
        member_id=_optional_int(member),
        action=action,
        allowed={"yes": True, "no": False}.get(allowed),
        date_from=parse_date("date_from", date_from),
        date_to=parse_date("date_to", date_to),
        page=max(page, 1),
    ), errors


@pages.get("/admin/audit")
def audit_page(
    request: Request,
    db: DbSession,
    viewer: AdminViewer,
    actor: str = "",
    member: str = "",
    action: str = "",
    allowed: str = "",
    date_from: str = "",
    date_to: str = "",
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
) -> Response:
    query, errors = _audit_query(actor, member, action, allowed, date_from, date_to, page)
    result = service.search_audit(db, viewer, query)
    members = service.list_users(db, viewer, role=Role.MEMBER)
    filters = {
        "actor": actor,
        "member": member,
        "action": action,
        "allowed": allowed,
        "date_from": date_from,
        "date_to": date_to,
    }

    def page_url(n: int) -> str:
        return "/admin/audit?" + urlencode({**{k: v for k, v in filters.items() if v}, "page": n})

    return render(
        request,
        "admin/audit.html",
        {
            "title": "Audit log",
            "result": result,
            "filters": filters,
            "errors": errors,
            "member_options": [(m.id, m.display_name) for m in members],
            "names": {m.id: m.display_name for m in members},
            "newer_url": page_url(result.page - 1) if result.page > 1 else "",
            "older_url": page_url(result.page + 1) if result.has_next else "",
        },
        status_code=422 if errors else 200,
    )


# ---- JSON API ---------------------------------------------------------------------------


@api.get("/users", response_model=list[UserRead])
def api_users(db: DbSession, viewer: AdminViewer, q: str = "", role: Role | None = None) -> object:
    return service.list_users(db, viewer, q=q, role=role)


@api.post("/users", response_model=UserCreated, status_code=201)
def api_create_user(
    db: DbSession, viewer: AdminViewer, settings: AppSettings, body: UserCreate
) -> UserCreated:
    user, url = service.create_user(db, viewer, body, base_url=settings.base_url)
    return UserCreated(user=UserRead.model_validate(user), invitation_url=url)


def _account(db: DbSession, user: User) -> AccountRead:
    return AccountRead.model_validate(
        {**UserRead.model_validate(user).model_dump(), "seen": service.account_seen(db, user)}
    )


@api.get("/users/{user_id}", response_model=AccountRead)
def api_user(db: DbSession, viewer: AdminViewer, user_id: RecordId) -> object:
    return _account(db, service.get_user(db, viewer, user_id))


@api.patch("/users/{user_id}", response_model=AccountRead)
def api_update_user(
    db: DbSession, viewer: AdminViewer, user_id: RecordId, body: UserUpdate
) -> object:
    return _account(db, service.update_user(db, viewer, user_id, body))


@api.post("/users/{user_id}/deactivate", response_model=UserRead)
def api_deactivate(db: DbSession, viewer: AdminViewer, user_id: RecordId) -> object:
    return service.set_active(db, viewer, user_id, False)


@api.post("/users/{user_id}/reactivate", response_model=UserRead)
def api_reactivate(db: DbSession, viewer: AdminViewer, user_id: RecordId) -> object:
    return service.set_active(db, viewer, user_id, True)


@api.get("/audit", response_model=list[AuditEventRead])
def api_audit(
    db: DbSession,
    viewer: AdminViewer,
    actor: str = "",
    member_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    action: str = "",
    allowed: bool | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
) -> object:
    query = service.AuditQuery(
        actor=actor,
        member_id=member_id,
        action=action,
        allowed=allowed,
        date_from=date_from,
        date_to=date_to,
        page=page,
    )
    return service.search_audit(db, viewer, query).events
