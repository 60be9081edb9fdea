"""The language assistant where people meet it: inline hints in editors, the review API and the
admin page for the organization's own terms and silenced rules.

Reviewing reads no member record: the only gate is the role (signed-in staff and members).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from peerpath.assistant import service
from peerpath.assistant.schemas import (
    LanguageSettingsIn,
    LanguageSettingsRead,
    ReviewIn,
    ReviewRead,
)
from peerpath.core.audit import Viewer
from peerpath.core.deps import AdminViewer, DbSession, role_required
from peerpath.core.errors import Invalid
from peerpath.core.org_settings import OrgSettings
from peerpath.core.templating import redirect, render
from peerpath.core.unit_of_work import UnitOfWorkRoute
from peerpath.language import CATEGORIES

pages = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
api = APIRouter(route_class=UnitOfWorkRoute, tags=["language"])

# Members and staff; supporters do not write notes or plans. Checked before the body is read.
Reviewer = Annotated[Viewer, Depends(role_required(*service.REVIEW_ROLES))]
CONTROL_FIELDS = {"csrftoken", "target", "source"}
FIELD_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,80}$")


# ---- inline hints (HTMX) ----------------------------------------------------------------------


@pages.post("/language/hints")
async def hints(request: Request, viewer: Reviewer) -> Response:
    """An HTML fragment of hints for one textarea; posted by the language_hints macro."""
    form = await request.form()
    target = str(form.get("target", ""))
    target = target if FIELD_ID.match(target) else ""
    source = str(form.get("source", ""))
    text = ""
    if source and isinstance(form.get(source), str):
        text = str(form.get(source))
    elif isinstance(form.get("text"), str):
        text = str(form.get("text"))
    else:
        values = [
            v for k, v in form.multi_items() if k not in CONTROL_FIELDS and isinstance(v, str)
        ]
        text = values[0] if len(values) == 1 else ""
    too_long = len(text) > service.MAX_REVIEW_CHARS
    findings = [] if too_long else service.review_for(viewer, text)
    return render(
        request,
        "assistant/_hints_list.html",
        {
            "findings": findings,
            "target": target,
            "too_long": too_long,
            "categories": CATEGORIES,
        },
    )


# ---- admin: the organization's own terms and silenced rules -------------------------------------


def _terms_text(settings: OrgSettings) -> str:
    lines = []
    for t in settings.language_extra_terms:
        line = f"{t.term} | {t.category} | {t.reason}"
        if t.suggestions:
            line += " | " + "; ".join(t.suggestions)
        lines.append(line)
    return "\n".join(lines)


def _parse_terms(raw: str) -> tuple[list[dict[str, Any]], str]:
    """'term | category | reason | suggestion; suggestion' per line -> dicts, or an error."""
    terms: list[dict[str, Any]] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 3 or len(parts) > 4:
            return [], (
                f"Line {number}: write the term, the category and the reason, separated by "
                "“|”, and optionally suggestions separated by “;”."
            )
        suggestions = [s.strip() for s in parts[3].split(";")] if len(parts) == 4 else []
        terms.append(
            {"term": parts[0], "category": parts[1], "reason": parts[2], "suggestions": suggestions}
        )
    return terms, ""


def _settings_page(
    request: Request,
    settings: OrgSettings,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    error: str = "",
    terms_text: str | None = None,
    silenced: list[str] | None = None,
) -> Response:
    return render(
        request,
        "assistant/settings.html",
        {
            "title": "Language assistant",
            "errors": errors or {},
            "error": error,
            "terms_text": _terms_text(settings) if terms_text is None else terms_text,
            "silenced": settings.language_silenced if silenced is None else silenced,
            "rules": service.rules_catalogue(),
            "categories": CATEGORIES,
        },
        status_code=status_code,
    )


@pages.get("/admin/language")
def settings_page(request: Request, viewer: AdminViewer) -> Response:
    return _settings_page(request, service.settings_for_admin(viewer))


@pages.post("/admin/language")
async def settings_submit(request: Request, db: DbSession, viewer: AdminViewer) -> Response:
    form = await request.form()
    terms_text = str(form.get("extra_terms", ""))[:40_000]
    silenced = [str(v)[:80] for v in form.getlist("silenced")][:500]
    terms, problem = _parse_terms(terms_text)
    try:
        if problem:
            raise Invalid(
                "Some language settings need another look. Nothing was changed.",
                errors={"extra_terms": problem},
            )
        service.update_settings(
            db, viewer, {"language_extra_terms": terms, "language_silenced": silenced}
        )
    except Invalid as exc:
        errors = dict(exc.errors)
        if "language_extra_terms" in errors:
            errors["extra_terms"] = errors.pop("language_extra_terms")
        return _settings_page(
            request,
            service.settings_for_admin(viewer),
            status_code=422,
            errors=errors,
            error=exc.message,
            terms_text=terms_text,
            silenced=silenced,
        )
    return redirect("/admin/language", request, "Language settings saved.")


# ---- JSON API -----------------------------------------------------------------------------------


@api.post("/language/review", response_model=ReviewRead)
def api_review(viewer: Reviewer, body: ReviewIn) -> ReviewRead:
    """Review a text: findings with offsets, category, reason and suggested alternatives."""
    return ReviewRead.of(service.review_for(viewer, body.text))


@api.get("/language/settings", response_model=LanguageSettingsRead)
def api_settings(viewer: AdminViewer) -> LanguageSettingsRead:
    return LanguageSettingsRead.of(service.settings_for_admin(viewer), service.rules_catalogue())


@api.put("/language/settings", response_model=LanguageSettingsRead)
def api_update_settings(
    db: DbSession, viewer: AdminViewer, body: LanguageSettingsIn
) -> LanguageSettingsRead:
    settings = service.update_settings(db, viewer, body.changes())
    return LanguageSettingsRead.of(settings, service.rules_catalogue())
