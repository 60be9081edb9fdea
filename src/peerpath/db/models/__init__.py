"""All models, imported here so Alembic and the app see one complete metadata."""

from peerpath.db.models.accounts import (
    CaseloadAssignment,
    Invitation,
    Organization,
    Role,
    SupervisionAssignment,
    SupporterLink,
    User,
)
from peerpath.db.models.audit import AuditEvent
from peerpath.db.models.auth import ApiToken, LoginAttempt, UserSession

__all__ = [
    "ApiToken",
    "AuditEvent",
    "CaseloadAssignment",
    "Invitation",
    "LoginAttempt",
    "Organization",
    "Role",
    "SupervisionAssignment",
    "SupporterLink",
    "User",
    "UserSession",
]
