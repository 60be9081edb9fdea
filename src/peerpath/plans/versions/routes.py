"""Pages and JSON API for the plan's versions area: signing, versions, review dates, compare,
print, JSON export, and the organization's settings for plans (admins only)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response

from peerpath.core.audit import Viewer
from peerpath.core.deps import AdminViewer, DbSession, Me, RecordId
from peerpath.core.errors import Conflict, Invalid
from peerpath.core.org_settings import (
    REVIEW_MONTHS_MAX,
    REVIEW_MONTHS_MIN,
    SIGNER_LABELS,
    OrgSettings,
)
from peerpath.core.templating import redirect, render
from peerpath.core.unit_of_work import UnitOfWorkRoute
from peerpath.plans.versions import service
from peerpath.plans.versions.schemas import (
    ComparisonRead,
    OrgSettingsPatch,
    OrgSettingsRead,
    PlanVersionsRead,
    SignRequest,
    VersionRead,
)
from peerpath.sharing.grants import defaults as sharing_defaults

pages = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
api = APIRouter(route_class=UnitOfWorkRoute, tags=["plan"])

FormStr = Annotated[str, Form()]
SIGNER_OPTIONS = [(role, label.capitalize()) for role, label in SIGNER_LABELS.items()]


def _plan_url(viewer: Viewer, member_id: int) -> str:
    return "/my-plan" if viewer.user.id == member_id else f"/members/{member_id}/plan"


def _versions_url(member_id: int) -> str:
    return f"/members/{member_id}/plan/versions"


MEMBER_WORDS = {
    "member": "you",
    "peer_specialist": "your peer specialist",
    "supervisor": "your peer specialist's supervisor",
}


def _signers_for_member(roles: Sequence[str]) -> str:
    """'you, your peer specialist and your peer specialist's supervisor'"""
    words = [MEMBER_WORDS.get(r, r) for r in roles]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _versions_page(
    request: Request,
    db: DbSession,
    viewer: Viewer,
    member_id: int,
    *,
    status_code: int = 200,
    notice: str = "",
) -> Response:
    page = service.versions_page(db, viewer, member_id)
    numbers = sorted(v.number for v in page.status.versions)
    is_self = viewer.user.id == member_id
    return render(
        request,
        "plans/versions/versions.html",
        {
            "title": ("My plan" if is_self else f"{page.member.display_name}'s plan")
            + ": versions and signatures",
            "page": page,
            "member": page.member,
            "status": page.status,
            "is_self": is_self,
            "plan_url": _plan_url(viewer, member_id),
            "notice": notice,
            "signer_labels": SIGNER_LABELS,
            "long_date": service.long_date,
            "next_number": (numbers[-1] if numbers else 0) + 1,
            "a_options": [(n, f"Version {n}") for n in numbers],
            "b_options": [
                ("draft", "The plan as it is now"),
                *((n, f"Version {n}") for n in numbers),
            ],
            "default_a": numbers[-1] if numbers else "",
            "signers_for_member": _signers_for_member(page.settings.plan_signatures),
        },
        status_code=status_code,
    )


@pages.get("/members/{member_id}/plan/versions")
def versions_page(request: Request, db: DbSession, viewer: Me, member_id: RecordId) -> Response:
    return _versions_page(request, db, viewer, member_id)


def _signed_message(version: service.VersionView) -> str:
    if version.complete:
        return (
            f"Version {version.number} has every signature it needs. "
            f"{service.review_from(version.review_due).message}"
        )
    return (
        f"Signed. Version {version.number} is waiting for "
        f"{service.signer_labels(version.awaiting)} to sign."
    )


@pages.post("/members/{member_id}/plan/sign")
def start_signature_submit(
    request: Request, db: DbSession, viewer: Me, member_id: RecordId, seen: FormStr = ""
) -> Response:
    try:
        version = service.start_signature(db, viewer, member_id, seen=seen[:64] or None)
    except Conflict as exc:
        db.rollback()
        return _versions_page(request, db, viewer, member_id, status_code=409, notice=exc.message)
    return redirect(
        _versions_url(member_id), request, _signed_message(service.describe(db, version))
    )


@pages.post("/members/{member_id}/plan/versions/{version_id}/sign")
def sign_version_submit(
    request: Request, db: DbSession, viewer: Me, member_id: RecordId, version_id: RecordId
) -> Response:
    try:
        version = service.sign_version(db, viewer, member_id, version_id)
    except Conflict as exc:
        db.rollback()
        return _versions_page(request, db, viewer, member_id, status_code=409, notice=exc.message)
    return redirect(
        _versions_url(member_id), request, _signed_message(service.describe(db, version))
    )


@pages.get("/members/{member_id}/plan/compare")
def compare_page(
    request: Request, db: DbSession, viewer: Me, member_id: RecordId, a: str = "", b: str = ""
) -> Response:
    context: dict[str, Any] = {
        "plan_url": _plan_url(viewer, member_id),
        "versions_url": _versions_url(member_id),
        "errors": {},
        "error": "",
        "comparison": None,
        "a": a[:40],
        "b": b[:40],
    }
    status_code = 200
    if not a and not b:
        member, numbers = service.compare_choices(db, viewer, member_id)
        context["a"] = str(numbers[-1]) if numbers else ""
        context["b"] = "draft"
    else:
        try:
            comparison = service.compare(db, viewer, member_id, a, b)
        except Invalid as exc:
            member, numbers = service.compare_choices(db, viewer, member_id)
            context.update(errors=exc.errors, error=exc.message)
            status_code = 422
        else:
            member, numbers = comparison.member, comparison.numbers
            context["comparison"] = comparison
    context.update(
        member=member,
        numbers=numbers,
        title="Compare versions of my plan"
        if viewer.user.id == member.id
        else f"Compare versions of {member.display_name}'s plan",
        a_options=[(n, f"Version {n}") for n in numbers],
        b_options=[("draft", "The plan as it is now"), *((n, f"Version {n}") for n in numbers)],
    )
    return render(request, "plans/versions/compare.html", context, status_code=status_code)


def _print_page(request: Request, view: service.PrintView, back_url: str) -> Response:
    title = f"{view.member.display_name}'s recovery plan"
    return render(
        request,
        "plans/versions/print.html",
        {
            "title": title,
            "view": view,
            "back_url": back_url,
            "long_date": service.long_date,
            "signer_labels": SIGNER_LABELS,
        },
    )


@pages.get("/members/{member_id}/plan/print")
def print_plan(request: Request, db: DbSession, viewer: Me, member_id: RecordId) -> Response:
    view = service.print_live(db, viewer, member_id)
    return _print_page(request, view, _plan_url(viewer, member_id))


@pages.get("/members/{member_id}/plan/versions/{version_id}/print")
def print_version(
    request: Request, db: DbSession, viewer: Me, member_id: RecordId, version_id: RecordId
) -> Response:
    view = service.print_version(db, viewer, member_id, version_id)
    return _print_page(request, view, _versions_url(member_id))


def _file_slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "member"


@pages.get("/members/{member_id}/plan/export.json")
def export_download(db: DbSession, viewer: Me, member_id: RecordId) -> Response:
    document = service.export_plan(db, viewer, member_id)
    day = str(document["exported_at"])[:10]
    name = f"peerpath-plan-{_file_slug(str(document['member']['display_name']))}-{day}.json"
    return JSONResponse(document, headers={"Content-Disposition": f'attachment; filename="{name}"'})


# ---- organization settings (admins) -----------------------------------------------------------


def _sharing_form(settings: OrgSettings) -> dict[str, list[str]]:
    return {
        sharing_defaults.form_field(group): list(sections)
        for group, sections in settings.sharing_defaults.model_dump().items()
    }


def _settings_page(
    request: Request,
    settings: OrgSettings,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    error: str = "",
    form: dict[str, Any] | None = None,
) -> Response:
    return render(
        request,
        "plans/versions/settings.html",
        {
            "title": "Settings",
            "settings": settings,
            "signer_options": SIGNER_OPTIONS,
            "errors": errors or {},
            "error": error,
            "form": form
            or {
                "plan_signatures": list(settings.plan_signatures),
                "plan_review_months": str(settings.plan_review_months),
                **_sharing_form(settings),
            },
            "sharing_groups": sharing_defaults.GROUPS,
            "sharing_sections": sharing_defaults.SECTION_LABELS,
            "months_min": REVIEW_MONTHS_MIN,
            "months_max": REVIEW_MONTHS_MAX,
        },
        status_code=status_code,
    )


@pages.get("/admin/settings")
def settings_page(request: Request, db: DbSession, viewer: AdminViewer) -> Response:
    return _settings_page(request, service.settings_for_admin(db, viewer))


@pages.post("/admin/settings")
def settings_submit(
    request: Request,
    db: DbSession,
    viewer: AdminViewer,
    plan_signatures: Annotated[list[str] | None, Form()] = None,
    plan_review_months: FormStr = "",
    sharing_defaults_shown: FormStr = "",
    sharing_defaults_my_peer_specialist: Annotated[list[str] | None, Form()] = None,
    sharing_defaults_my_supervisor: Annotated[list[str] | None, Form()] = None,
) -> Response:
    data: dict[str, Any] = {
        "plan_signatures": [s[:40] for s in (plan_signatures or [])][:10],
        "plan_review_months": plan_review_months[:20],
    }
    # Unticked boxes send nothing: the hidden field says the sharing boxes were on the form.
    sharing = {
        "my_peer_specialist": [s[:40] for s in (sharing_defaults_my_peer_specialist or [])][:20],
        "my_supervisor": [s[:40] for s in (sharing_defaults_my_supervisor or [])][:20],
    }
    if sharing_defaults_shown:
        data["sharing_defaults"] = sharing
    try:
        service.update_settings(db, viewer, data)
    except Invalid as exc:
        current = service.settings_for_admin(db, viewer)
        return _settings_page(
            request,
            current,
            status_code=422,
            errors=exc.errors,
            error=exc.message,
            form={
                "plan_signatures": data["plan_signatures"],
                "plan_review_months": data["plan_review_months"],
                **(
                    {sharing_defaults.form_field(g): v for g, v in sharing.items()}
                    if sharing_defaults_shown
                    else _sharing_form(current)
                ),
            },
        )
    return redirect("/admin/settings", request, "Settings saved.")


# ---- JSON API ---------------------------------------------------------------------------------


@api.get("/members/{member_id}/plan/versions", response_model=PlanVersionsRead)
def api_versions(db: DbSession, viewer: Me, member_id: RecordId) -> PlanVersionsRead:
    return PlanVersionsRead.of(service.versions_page(db, viewer, member_id))


@api.post("/members/{member_id}/plan/sign", response_model=VersionRead, status_code=201)
def api_start_signature(
    db: DbSession, viewer: Me, member_id: RecordId, body: SignRequest | None = None
) -> VersionRead:
    seen = body.seen if body else None
    version = service.start_signature(db, viewer, member_id, seen=seen)
    return VersionRead.of(service.describe(db, version))


@api.post("/members/{member_id}/plan/versions/{version_id}/sign", response_model=VersionRead)
def api_sign_version(
    db: DbSession, viewer: Me, member_id: RecordId, version_id: RecordId
) -> VersionRead:
    version = service.sign_version(db, viewer, member_id, version_id)
    return VersionRead.of(service.describe(db, version))


@api.get("/members/{member_id}/plan/compare", response_model=ComparisonRead)
def api_compare(
    db: DbSession, viewer: Me, member_id: RecordId, a: str = "", b: str = ""
) -> ComparisonRead:
    return ComparisonRead.of(service.compare(db, viewer, member_id, a[:40], b[:40]))


@api.get("/members/{member_id}/plan/export")
def api_export(db: DbSession, viewer: Me, member_id: RecordId) -> JSONResponse:
    return JSONResponse(jsonable_encoder(service.export_plan(db, viewer, member_id)))


@api.get("/admin/settings", response_model=OrgSettingsRead)
def api_settings(db: DbSession, viewer: AdminViewer) -> OrgSettingsRead:
    return OrgSettingsRead.of(service.settings_for_admin(db, viewer))


@api.patch("/admin/settings", response_model=OrgSettingsRead)
def api_update_settings(
    db: DbSession, viewer: AdminViewer, body: OrgSettingsPatch
) -> OrgSettingsRead:
    return OrgSettingsRead.of(service.update_settings(db, viewer, body.changes()))
