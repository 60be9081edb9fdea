"""Typed request dependencies, so handlers read as prose: `db: DbSession`, `viewer: Me`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session

from peerpath.accounts import service as accounts
from peerpath.core.audit import Viewer
from peerpath.core.errors import Forbidden, Unauthenticated
from peerpath.core.net import client_ip, user_agent
from peerpath.db.base import MAX_ID
from peerpath.db.models import Role
from peerpath.settings import Settings

SESSION_COOKIE = "peerpath_session"

# A record id in a URL: out-of-range numbers are refused as invalid before touching the database.
RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]


def get_db(request: Request) -> Session:
    db: Session = request.state.db
    return db


DbSession = Annotated[Session, Depends(get_db)]


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(get_settings_dep)]


def get_optional_viewer(request: Request, db: DbSession, settings: AppSettings) -> Viewer | None:
    if hasattr(request.state, "viewer"):
        cached: Viewer | None = request.state.viewer
        return cached
    viewer: Viewer | None = None
    authorization = request.headers.get("authorization", "")
    if authorization[:7].lower() == "bearer ":
        # A bearer request is judged by its token alone, never by a cookie riding along:
        # CSRF checks are skipped for bearer requests, so a cookie must not count here.
        user = accounts.user_for_api_token(db, authorization[7:].strip())
        if user is None:
            raise Unauthenticated("That API token is not valid, or it has been revoked.")
    else:
        token = request.cookies.get(SESSION_COOKIE)
        user = accounts.user_for_session(db, token, settings) if token else None
    if user is not None:
        viewer = Viewer(user=user, ip=client_ip(request), user_agent=user_agent(request))
    request.state.viewer = viewer
    return viewer


OptionalViewer = Annotated[Viewer | None, Depends(get_optional_viewer)]


def get_viewer(viewer: OptionalViewer) -> Viewer:
    if viewer is None:
        raise Unauthenticated()
    return viewer


Me = Annotated[Viewer, Depends(get_viewer)]


def role_required(*roles: Role) -> Callable[[Viewer], Viewer]:
    def dependency(viewer: Me) -> Viewer:
        if viewer.user.role not in roles:
            raise Forbidden()
        return viewer

    return dependency


AdminViewer = Annotated[Viewer, Depends(role_required(Role.ADMIN))]
MemberViewer = Annotated[Viewer, Depends(role_required(Role.MEMBER))]
PeerViewer = Annotated[Viewer, Depends(role_required(Role.PEER_SPECIALIST))]
SupervisorViewer = Annotated[Viewer, Depends(role_required(Role.SUPERVISOR))]
SupporterViewer = Annotated[Viewer, Depends(role_required(Role.SUPPORTER))]
TraineeViewer = Annotated[Viewer, Depends(role_required(Role.TRAINEE, Role.PEER_SPECIALIST))]
