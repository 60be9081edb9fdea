"""Web helpers shared by the profile, strengths and supporters pages and API.

- Write gates: FastAPI dependencies that refuse, through the audited policy, anyone who may not
  write before the request body is even validated, so a refusal is always "not there" (404)
  and never a validation answer that would tell a stranger the record exists.
- Form parsing into the API schemas, with messages people can act on.
- A safe `next` address: only paths on this site.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError

from peerpath.core import access
from peerpath.core.access import Action, Section
from peerpath.core.deps import DbSession, Me, RecordId
from peerpath.core.errors import Invalid, NotFound
from peerpath.db.models import Role, User
from peerpath.plans.common import plan_member
from peerpath.plans.profile import service as profile_service

M = TypeVar("M", bound=BaseModel)

STALE_FORM = "This form is out of date. Please open the page again and redo your change."


def plan_write_gate(db: DbSession, viewer: Me, member_id: RecordId) -> None:
    """Lets through the member and anyone the policy lets write the plan (their staff make
    proposals); everyone else gets the audited refusal."""
    member = db.get(User, member_id)
    if (
        member is None
        or member.role != Role.MEMBER
        or not access.can(db, viewer.user, member, Section.PLAN, Action.WRITE)
    ):
        plan_member(db, viewer, member_id, Section.PLAN, Action.WRITE)
        raise NotFound()


def profile_write_gate(db: DbSession, viewer: Me, member_id: RecordId) -> None:
    """The profile is the member's own words: only the member writes it."""
    if viewer.user.id != member_id:
        profile_service.refuse_profile_write(db, viewer, member_id)


def friendly_errors(exc: ValidationError, labels: Mapping[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for err in exc.errors():
        field = str(err["loc"][0]) if err.get("loc") else "form"
        label = labels.get(field, field.replace("_", " ").capitalize())
        kind = err["type"]
        ctx = err.get("ctx") or {}
        if field == "version":
            message = STALE_FORM
        elif kind == "missing" or kind == "string_too_short":
            message = f"{label}: please write something here."
        elif kind == "string_too_long":
            message = f"{label}: please keep this to {ctx.get('max_length')} characters or fewer."
        elif kind in ("enum", "literal_error"):
            message = f"{label}: please choose one of the options."
        else:
            message = f"{label}: {err['msg']}."
        errors.setdefault(field, message)
    return errors


def parse_form(model: type[M], data: Mapping[str, Any], labels: Mapping[str, str]) -> M:
    """Validate form input with the API's own schema; Invalid (422) with readable messages."""
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        raise Invalid(errors=friendly_errors(exc, labels)) from None


def form_version(value: str) -> int | None:
    """A hidden version field: a whole number, or None (which the schema reports as stale)."""
    value = value.strip()
    return int(value) if value.isdigit() and len(value) <= 10 else None


def safe_next(value: str, default: str) -> str:
    """Only a path on this site: never another host, scheme or protocol-relative address."""
    value = value.strip()
    if not value or len(value) > 500 or "\\" in value or any(ord(c) < 32 for c in value):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//"):
        return default
    return value
