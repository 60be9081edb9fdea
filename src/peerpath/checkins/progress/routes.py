"""Pages and JSON API for the progress area: the member's own past, nobody else's."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from peerpath.checkins.progress import charts, service
from peerpath.checkins.progress.schemas import ProgressRead
from peerpath.core.deps import DbSession, Me, MemberViewer, RecordId
from peerpath.core.templating import render
from peerpath.core.unit_of_work import UnitOfWorkRoute

pages = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
api = APIRouter(route_class=UnitOfWorkRoute, tags=["progress"])


def _page(request: Request, progress: service.Progress, *, is_self: bool) -> Response:
    name = progress.member.display_name
    return render(
        request,
        "checkins/progress/page.html",
        {
            "title": "My progress" if is_self else f"{name}'s progress",
            "p": progress,
            "c": charts.build(progress),
            "is_self": is_self,
            "name": name,
            "long_day": charts.long_day,
            "comeback_gap_days": service.COMEBACK_GAP_DAYS,
            "trend_weeks": service.TREND_WEEKS,
        },
    )


@pages.get("/progress")
def my_progress(request: Request, db: DbSession, viewer: MemberViewer) -> Response:
    return _page(request, service.progress_for(db, viewer, viewer.user.id), is_self=True)


@pages.get("/members/{member_id}/progress")
def member_progress(request: Request, db: DbSession, viewer: Me, member_id: RecordId) -> Response:
    progress = service.progress_for(db, viewer, member_id)
    return _page(request, progress, is_self=progress.member.id == viewer.user.id)


@api.get("/members/{member_id}/progress", response_model=ProgressRead)
def api_progress(db: DbSession, viewer: Me, member_id: RecordId) -> ProgressRead:
    return ProgressRead.of(service.progress_for(db, viewer, member_id))
