"""Service glue between the pure language library and the organization's settings.

Reviewing text reads no member record, so it needs no access check beyond the role gate in the
routes; the organization's extra terms and silenced rules come from its settings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from peerpath.core import access, audit
from peerpath.core.audit import Viewer
from peerpath.core.errors import DomainError, Invalid
from peerpath.core.org_settings import LanguageTerm, OrgSettings, org_settings
from peerpath.db.models import Role
from peerpath.language import ExtraTerm, Finding, Lexicon, default_lexicon, review

# Inline hints and the API review at most this much text at once (a long session note is
# ~10,000 characters); more is refused with 413 rather than cut silently.
MAX_REVIEW_CHARS = 50_000
REVIEW_ROLES = (Role.MEMBER, Role.PEER_SPECIALIST, Role.SUPERVISOR, Role.ADMIN, Role.TRAINEE)


class TooLarge(DomainError):
    status_code = 413
    default_message = "That text is too long to check at once."


@lru_cache(maxsize=64)
def _lexicon(key: str) -> Lexicon:
    data = json.loads(key)
    terms = [
        ExtraTerm(t["term"], t["category"], t["reason"], tuple(t.get("suggestions", [])))
        for t in data["terms"]
    ]
    return default_lexicon().with_overrides(terms, data["silenced"])


def lexicon_for(settings: OrgSettings) -> Lexicon:
    """The default lexicon with the organization's own terms and silenced rules applied."""
    if not settings.language_extra_terms and not settings.language_silenced:
        return default_lexicon()
    key = json.dumps(
        {
            "terms": [t.model_dump() for t in settings.language_extra_terms],
            "silenced": sorted(settings.language_silenced),
        },
        sort_keys=True,
    )
    return _lexicon(key)


def review_for(viewer: Viewer, text: str) -> list[Finding]:
    """Findings for text written by `viewer`, with their organization's overrides."""
    access.require_role(viewer, *REVIEW_ROLES)
    if len(text) > MAX_REVIEW_CHARS:
        raise TooLarge(
            f"That text is {len(text):,} characters; the assistant checks up to "
            f"{MAX_REVIEW_CHARS:,} at a time. Check it in parts."
        )
    return review(text, lexicon_for(org_settings(viewer.user.organization)))


def rules_catalogue() -> list[dict[str, str]]:
    """Every built-in rule, for the admin page where rules are silenced."""
    return [
        {"id": rule.id, "category": rule.category, "reason": rule.reason}
        for rule in default_lexicon().rules
    ]


def settings_for_admin(viewer: Viewer) -> OrgSettings:
    access.require_role(viewer, Role.ADMIN)
    return org_settings(viewer.user.organization)


def _validate(data: Mapping[str, Any]) -> tuple[list[LanguageTerm], list[str]]:
    errors: dict[str, str] = {}
    terms: list[LanguageTerm] = []
    silenced: list[str] = []
    for key in data:
        if key not in ("language_extra_terms", "language_silenced"):
            errors[str(key)[:40]] = f"“{str(key)[:40]}” is not a language setting."
    raw_terms = data.get("language_extra_terms", [])
    if not isinstance(raw_terms, list):
        errors["language_extra_terms"] = "Extra terms: send a list."
    else:
        for i, raw in enumerate(raw_terms):
            try:
                terms.append(LanguageTerm.model_validate(raw))
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first.get("loc", ()))
                errors["language_extra_terms"] = (
                    f"Extra term {i + 1}: {where or 'entry'}: {first.get('msg', 'not valid')}"[:300]
                )
                break
    raw_silenced = data.get("language_silenced", [])
    if not isinstance(raw_silenced, list) or not all(isinstance(r, str) for r in raw_silenced):
        errors["language_silenced"] = "Silenced rules: send a list of rule ids."
    else:
        try:
            silenced = OrgSettings.model_validate(
                {"language_silenced": raw_silenced}
            ).language_silenced
        except ValidationError as exc:
            errors["language_silenced"] = f"Silenced rules: {exc.errors()[0].get('msg', '')}"[:300]
    if len(terms) > 200:
        errors["language_extra_terms"] = "Extra terms: at most 200."
    if errors:
        raise Invalid(
            "Some language settings need another look. Nothing was changed.", errors=errors
        )
    return terms, silenced


def update_settings(db: Session, viewer: Viewer, data: Mapping[str, Any]) -> OrgSettings:
    """Replace the fields present in `data` (extra terms and/or silenced rule ids)."""
    access.require_role(viewer, Role.ADMIN)
    organization = viewer.user.organization
    before = org_settings(organization)
    terms, silenced = _validate(data)
    changes: dict[str, Any] = {}
    if "language_extra_terms" in data:
        changes["language_extra_terms"] = [t.model_dump() for t in terms]
    if "language_silenced" in data:
        changes["language_silenced"] = silenced
    after = OrgSettings.model_validate({**before.model_dump(mode="json"), **changes})
    if changes:
        organization.settings = {**(organization.settings or {}), **changes}
        db.flush()
    audit.record(
        db,
        viewer=viewer,
        action="update:language-settings",
        record_type="organization",
        record_id=organization.id,
        allowed=True,
        detail=(
            f"{len(after.language_extra_terms)} extra terms; "
            f"{len(after.language_silenced)} silenced rules"
        ),
    )
    return after
