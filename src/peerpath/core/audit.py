"""Writes the audit log. Called by the access policy (core/access.py) and by sign-in code.

Rows written for a denied attempt must survive the request's rollback, so each event is also
remembered on the session; the unit of work re-adds denied events after rolling back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from peerpath.db.models import AuditEvent, Role, User
from peerpath.db.session import write_later

_PENDING_KEY = "peerpath_audit_denied"


@dataclass(frozen=True)
class Viewer:
    """Who is asking and from where: the signed-in user plus request facts for the log."""

    user: User
    ip: str = ""
    user_agent: str = ""

    def __post_init__(self) -> None:
        # A plain copy for page chrome: error pages render after a rollback has expired the
        # ORM object, and must not reload it from a closed session.
        user = self.user
        summary = ViewerSummary(
            user.id,
            user.organization_id,
            user.role,
            user.username,
            user.display_name,
            user.organization.name,
        )
        object.__setattr__(self, "summary", summary)

    summary: ViewerSummary = field(init=False, repr=False, compare=False)

    @property
    def org_id(self) -> int:
        return self.summary.organization_id


@dataclass(frozen=True)
class ViewerSummary:
    user_id: int
    organization_id: int
    role: Role
    username: str
    display_name: str
    organization_name: str


def record(
    db: Session,
    *,
    action: str,
    record_type: str,
    allowed: bool,
    viewer: Viewer | None = None,
    record_id: object = "",
    subject_member_id: int | None = None,
    organization_id: int | None = None,
    detail: str = "",
    ip: str = "",
    user_agent: str = "",
) -> AuditEvent:
    user = viewer.user if viewer else None
    fields: dict[str, Any] = {
        "organization_id": organization_id
        if organization_id is not None
        else (user.organization_id if user else None),
        "actor_user_id": user.id if user else None,
        "actor_username": user.username if user else "",
        "actor_role": str(user.role) if user else "",
        "action": action,
        "record_type": record_type,
        "record_id": "" if record_id is None else str(record_id)[:64],
        "subject_member_id": subject_member_id,
        "ip": (viewer.ip if viewer else ip)[:64],
        "user_agent": (viewer.user_agent if viewer else user_agent)[:300],
        "allowed": allowed,
        "detail": detail[:300],
    }
    event = AuditEvent(**fields)
    write_later(db, lambda session: session.add(event))
    if not allowed:
        db.info.setdefault(_PENDING_KEY, []).append(fields)
    return event


def restore_denied_after_rollback(db: Session, *, remembered_by: Session | None = None) -> None:
    """After a rollback, put back the denied-access rows: a refusal is always on record.
    They are added to `db`; `remembered_by` is the rolled-back session, when another."""
    for fields in (remembered_by or db).info.pop(_PENDING_KEY, []):
        db.add(AuditEvent(**fields))


def forget_pending(db: Session) -> None:
    db.info.pop(_PENDING_KEY, None)
