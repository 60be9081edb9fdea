"""The admin's billing page (/admin/billing): the organization's unit rules, and a CSV export
of signed billable services for a date range (also under /api/v1/billing/export)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from peerpath.core.deps import AdminViewer, DbSession
from peerpath.core.errors import Invalid
from peerpath.core.org_settings import BillingRule, org_settings
from peerpath.core.templating import redirect, render
from peerpath.core.unit_of_work import UnitOfWorkRoute
from peerpath.db.models import NoteModality
from peerpath.db.models.workspace_notes import MODALITY_LABELS
from peerpath.workspace.billing import service
from peerpath.workspace.notes.routes import PostedForm

pages = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
api = APIRouter(route_class=UnitOfWorkRoute, tags=["billing"])


def _day(value: str) -> date | None:
    value = value.strip()
    if len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _csv(lines: list[service.ServiceLine], start: date, end: date) -> Response:
    return Response(
        service.to_csv(lines),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="billing-{start}-{end}.csv"',
            "Cache-Control": "no-store",
        },
    )


def _page(
    request: Request,
    db: DbSession,
    viewer: AdminViewer,
    start: str,
    end: str,
    *,
    review_errors: dict[str, str] | None = None,
) -> Response:
    settings = org_settings(viewer.user.organization)
    errors: dict[str, str] = {}
    lines: list[service.ServiceLine] | None = None
    if start or end:
        try:
            first, last = service.check_range(_day(start), _day(end))
            lines = service.services(db, viewer, first, last)
        except Invalid as exc:
            errors = exc.errors
    return render(
        request,
        "workspace/billing/billing.html",
        {
            "title": "Billing export",
            "rules": service.rules(viewer),
            "review": settings.notes_needing_review,
            "review_errors": review_errors or {},
            "modality_labels": {m.value: MODALITY_LABELS[m] for m in NoteModality},
            "start": start,
            "end": end,
            "errors": errors,
            "lines": lines,
        },
        status_code=422 if errors or review_errors else 200,
    )


@pages.get("/admin/billing")
def billing_page(
    request: Request, db: DbSession, viewer: AdminViewer, start: str = "", end: str = ""
) -> Response:
    return _page(request, db, viewer, start, end)


@pages.post("/admin/billing/review")
def review_setting_submit(
    request: Request, db: DbSession, viewer: AdminViewer, form: PostedForm
) -> Response:
    choice = form.get("notes_needing_review")
    try:
        service.update_settings(
            db, viewer, notes_needing_review=choice if isinstance(choice, str) else ""
        )
    except Invalid as exc:
        return _page(request, db, viewer, "", "", review_errors=exc.errors)
    return redirect("/admin/billing", request, "Saved: which notes need review is updated.")


class BillingSettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    notes_needing_review: Literal["none", "billable", "all"] | None = None
    billing_rules: list[BillingRule] | None = Field(None, min_length=1, max_length=20)


class BillingSettingsRead(BaseModel):
    notes_needing_review: str
    billing_rules: list[BillingRule]


@api.get("/admin/billing/settings", response_model=BillingSettingsRead)
def api_billing_settings(viewer: AdminViewer) -> BillingSettingsRead:
    settings = org_settings(viewer.user.organization)
    return BillingSettingsRead(
        notes_needing_review=settings.notes_needing_review, billing_rules=settings.billing_rules
    )


@api.put("/admin/billing/settings", response_model=BillingSettingsRead)
def api_update_billing_settings(
    db: DbSession, viewer: AdminViewer, body: BillingSettingsIn
) -> BillingSettingsRead:
    after = service.update_settings(
        db,
        viewer,
        notes_needing_review=body.notes_needing_review,
        billing_rules=body.billing_rules,
    )
    return BillingSettingsRead(
        notes_needing_review=after.notes_needing_review, billing_rules=after.billing_rules
    )


@pages.get("/admin/billing/export.csv")
def billing_csv(db: DbSession, viewer: AdminViewer, start: str = "", end: str = "") -> Response:
    first, last = service.check_range(_day(start), _day(end))
    return _csv(service.services(db, viewer, first, last), first, last)


@api.get("/billing/export")
def api_billing_csv(db: DbSession, viewer: AdminViewer, start: str = "", end: str = "") -> Response:
    first, last = service.check_range(_day(start), _day(end))
    return _csv(service.services(db, viewer, first, last), first, last)
