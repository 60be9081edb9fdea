"""Role home pages, the member record overview and "who has looked at my record"."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from peerpath.accounts.schemas import MemberRead
from peerpath.core.access import Action, Section
from peerpath.core.deps import (
    DbSession,
    Me,
    MemberViewer,
    PeerViewer,
    RecordId,
    SupervisorViewer,
    SupporterViewer,
)
from peerpath.core.templating import render
from peerpath.core.unit_of_work import UnitOfWorkRoute
from peerpath.home import service

pages = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
api = APIRouter(route_class=UnitOfWorkRoute, tags=["members"])


@pages.get("/my-recovery")
def my_recovery(request: Request, db: DbSession, viewer: MemberViewer) -> Response:
    overview = service.member_overview(db, viewer, viewer.user.id)
    return render(request, "home/my_recovery.html", {"title": "My recovery", "o": overview})


@pages.get("/caseload")
def caseload(request: Request, db: DbSession, viewer: PeerViewer) -> Response:
    return render(
        request,
        "home/caseload.html",
        {"title": "My caseload", "rows": service.caseload(db, viewer)},
    )


@pages.get("/supervision")
def supervision(request: Request, db: DbSession, viewer: SupervisorViewer) -> Response:
    return render(
        request,
        "home/supervision.html",
        {"title": "Supervision", "supervisees": service.supervision(db, viewer)},
    )


@pages.get("/supporting")
def supporting(request: Request, db: DbSession, viewer: SupporterViewer) -> Response:
    # Each member who linked this supporter, with only the sections shared with them today.
    return render(
        request,
        "home/supporting.html",
        {"title": "People I support", "supported": service.supporting(db, viewer)},
    )


@pages.get("/members/{member_id}")
def member_page(request: Request, db: DbSession, viewer: Me, member_id: RecordId) -> Response:
    overview = service.member_overview(db, viewer, member_id)
    return render(
        request,
        "home/member.html",
        {
            "title": overview.member.display_name,
            "o": overview,
            "Section": Section,
            "Action": Action,
        },
    )


@pages.get("/me/record-views")
def record_views(
    request: Request, db: DbSession, viewer: MemberViewer, include_own: bool = False
) -> Response:
    views = service.record_views(db, viewer, include_own=include_own)
    return render(
        request,
        "home/record_views.html",
        {"title": "Who has looked at my record", "views": views, "include_own": include_own},
    )


# ---- JSON API ---------------------------------------------------------------------------


class RecordViewRead(BaseModel):
    occurred_at: datetime
    who: str
    what: str
    allowed: bool


@api.get("/members", response_model=list[MemberRead])
def api_members(db: DbSession, viewer: Me) -> list[MemberRead]:
    return [MemberRead(id=m.id, display_name=m.display_name) for m in service.members(db, viewer)]


@api.get("/members/{member_id}", response_model=MemberRead)
def api_member(db: DbSession, viewer: Me, member_id: RecordId) -> MemberRead:
    o = service.member_overview(db, viewer, member_id)
    return MemberRead(
        id=o.member.id,
        display_name=o.member.display_name,
        peer_specialist=o.peer_specialist.display_name if o.peer_specialist else None,
        supporters=[s.display_name for s in o.supporters],
    )


@api.get("/me/record-views", response_model=list[RecordViewRead])
def api_record_views(
    db: DbSession, viewer: MemberViewer, include_own: bool = False
) -> list[RecordViewRead]:
    return [
        RecordViewRead(
            occurred_at=v.event.occurred_at, who=v.who, what=v.what, allowed=v.event.allowed
        )
        for v in service.record_views(db, viewer, include_own=include_own)
    ]
