"""Admin rules: accounts live in one organization, are never hard-deleted, and every change is
audited. Everything here goes through access.require_role / access.user_in_own_org."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from peerpath.accounts import service as accounts
from peerpath.accounts.schemas import UserCreate, UserUpdate
from peerpath.core import access, audit, security
from peerpath.core.audit import Viewer
from peerpath.core.errors import Conflict, EditConflict, Invalid, NotFound
from peerpath.db.base import utcnow
from peerpath.db.models import (
    AuditEvent,
    CaseloadAssignment,
    Invitation,
    Role,
    SupervisionAssignment,
    SupporterLink,
    User,
)

INVITATION_DAYS = 14
AUDIT_PAGE_SIZE = 50


def list_users(
    db: Session,
    viewer: Viewer,
    *,
    q: str = "",
    role: Role | None = None,
    include_inactive: bool = True,
) -> Sequence[User]:
    access.require_role(viewer, Role.ADMIN)
    query = select(User).where(User.organization_id == viewer.org_id)
    if q.strip():
        like = f"%{q.strip().lower()}%"
        query = query.where(
            or_(func.lower(User.username).like(like), func.lower(User.display_name).like(like))
        )
    if role is not None:
        query = query.where(User.role == role)
    if not include_inactive:
        query = query.where(User.is_active.is_(True))
    users = db.scalars(query.order_by(User.role, User.display_name, User.id)).all()
    audit.record(
        db,
        viewer=viewer,
        action="read:list",
        record_type="user_list",
        allowed=True,
        detail=f"{len(users)} accounts",
    )
    return users


def create_user(
    db: Session, viewer: Viewer, data: UserCreate, *, base_url: str
) -> tuple[User, str | None]:
    """Create an account; without a password, return a one-time invitation URL as well."""
    access.require_role(viewer, Role.ADMIN)
    username = data.username.strip().lower()
    if db.scalar(select(User.id).where(User.username == username)) is not None:
        msg = "That username is taken. Please choose another."
        raise Invalid(msg, errors={"username": msg})
    if data.password:
        accounts.validate_new_password(data.password, username=username, field="password")
    user = User(
        organization_id=viewer.org_id,
        username=username,
        display_name=data.display_name.strip(),
        email=(data.email or "").strip() or None,
        role=data.role,
        is_active=True,
    )
    db.add(user)
    db.flush()
    invitation_url = None
    if data.password:
        accounts.set_password(db, user, data.password)
    else:
        invitation_url = _invite(db, viewer, user, base_url)
    audit.record(
        db,
        viewer=viewer,
        action="create",
        record_type="user",
        record_id=user.id,
        subject_member_id=user.id if user.role == Role.MEMBER else None,
        allowed=True,
        detail=f"role {user.role}",
    )
    return user, invitation_url


def _invite(db: Session, viewer: Viewer, user: User, base_url: str) -> str:
    token = security.new_token()
    db.add(
        Invitation(
            organization_id=viewer.org_id,
            user_id=user.id,
            token_hash=security.token_hash(token),
            created_by_id=viewer.user.id,
            expires_at=utcnow() + timedelta(days=INVITATION_DAYS),
        )
    )
    db.flush()
    return f"{base_url.rstrip('/')}/invite/{token}"


def reinvite(db: Session, viewer: Viewer, user_id: int, *, base_url: str) -> str:
    user = access.user_in_own_org(db, viewer, user_id, action="invite")
    return _invite(db, viewer, user, base_url)


def invitation_for_token(db: Session, token: str) -> Invitation:
    invitation = db.scalar(
        select(Invitation).where(Invitation.token_hash == security.token_hash(token))
    )
    if (
        invitation is None
        or invitation.accepted_at is not None
        or (invitation.expires_at <= utcnow())
    ):
        raise NotFound(
            "This invitation link has expired or was already used. "
            "Please ask your organization's admin for a new one."
        )
    return invitation


def accept_invitation(db: Session, token: str, password: str, *, ip: str, user_agent: str) -> User:
    invitation = invitation_for_token(db, token)
    user = db.get(User, invitation.user_id)
    if user is None or not user.is_active:
        raise NotFound()
    accounts.validate_new_password(password, username=user.username, field="password")
    accounts.set_password(db, user, password)
    invitation.accepted_at = utcnow()
    audit.record(
        db,
        viewer=Viewer(user, ip, user_agent),
        action="accept_invitation",
        record_type="user",
        record_id=user.id,
        allowed=True,
    )
    return user


def get_user(db: Session, viewer: Viewer, user_id: int) -> User:
    return access.user_in_own_org(db, viewer, user_id, action="read:account")


@dataclass(frozen=True)
class UserLinks:
    peer_specialist_id: int | None
    supervisor_id: int | None
    caseload: Sequence[User]
    supervisees: Sequence[User]
    supporters_of: Sequence[User]


def links_for(db: Session, user: User) -> UserLinks:
    org = user.organization_id
    caseload = db.scalars(
        select(User)
        .join(CaseloadAssignment, CaseloadAssignment.member_id == User.id)
        .where(
            CaseloadAssignment.organization_id == org,
            CaseloadAssignment.peer_specialist_id == user.id,
        )
        .order_by(User.display_name)
    ).all()
    supervisees = db.scalars(
        select(User)
        .join(SupervisionAssignment, SupervisionAssignment.peer_specialist_id == User.id)
        .where(
            SupervisionAssignment.organization_id == org,
            SupervisionAssignment.supervisor_id == user.id,
        )
        .order_by(User.display_name)
    ).all()
    supporters_of = db.scalars(
        select(User)
        .join(SupporterLink, SupporterLink.member_id == User.id)
        .where(SupporterLink.organization_id == org, SupporterLink.supporter_id == user.id)
        .order_by(User.display_name)
    ).all()
    return UserLinks(
        peer_specialist_id=access.assigned_peer_id(db, user),
        supervisor_id=access.supervisor_id_of(db, org, user.id),
        caseload=caseload,
        supervisees=supervisees,
        supporters_of=supporters_of,
    )


def _colleague(db: Session, viewer: Viewer, user_id: int, role: Role, field: str) -> User:
    other = db.get(User, user_id)
    if other is None or other.organization_id != viewer.org_id or other.role != role:
        msg = f"Choose a {role.label.lower()} from your organization."
        raise Invalid(msg, errors={field: msg})
    if not other.is_active:
        msg = f"{other.display_name} is deactivated; choose someone active."
        raise Invalid(msg, errors={field: msg})
    return other


def account_details(db: Session, user: User) -> dict[str, object]:
    """What an admin edits on an account, as it stands now."""
    return {
        "display_name": user.display_name,
        "email": user.email,
        "role": str(user.role),
        "peer_specialist_id": access.assigned_peer_id(db, user),
        "supervisor_id": access.supervisor_id_of(db, user.organization_id, user.id),
    }


def account_seen(db: Session, user: User) -> str:
    """A short fingerprint of the account's editable details. An edit form carries the one it
    was drawn from; if the account changed since, the save is a conflict, not an overwrite."""
    text = json.dumps(account_details(db, user), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def update_user(db: Session, viewer: Viewer, user_id: int, data: UserUpdate) -> User:
    user = access.user_in_own_org(db, viewer, user_id, action="write:account")
    # Saves of one account take turns (a row lock on PostgreSQL; SQLite writers already do),
    # and the fingerprint is checked against the account as the previous save left it: two
    # admins saving the same form at the same instant get one save and one conflict.
    db.execute(select(User.id).where(User.id == user.id).with_for_update())
    db.refresh(user)
    changes = data.model_dump(exclude_unset=True, exclude={"seen"})
    if data.seen is not None and not secrets.compare_digest(
        data.seen.encode(), account_seen(db, user).encode()
    ):
        raise EditConflict(
            current=account_details(db, user),
            yours=changes,
            back_url=f"/admin/users/{user.id}",
        )
    if "display_name" in changes and data.display_name is not None:
        user.display_name = data.display_name.strip()
    if "email" in changes:
        user.email = (data.email or "").strip() or None
    if "role" in changes and data.role is not None and data.role != user.role:
        if user.id == viewer.user.id:
            msg = "You cannot change your own role; ask another admin."
            raise Invalid(msg, errors={"role": msg})
        _clear_role_links(db, user)
        user.role = data.role
    if "peer_specialist_id" in changes:
        _set_peer_specialist(db, viewer, user, data.peer_specialist_id)
    if "supervisor_id" in changes:
        _set_supervisor(db, viewer, user, data.supervisor_id)
    db.flush()
    audit.record(
        db,
        viewer=viewer,
        action="update",
        record_type="user",
        record_id=user.id,
        subject_member_id=user.id if user.role == Role.MEMBER else None,
        allowed=True,
        detail=", ".join(sorted(changes)) or "no changes",
    )
    return user


def _clear_role_links(db: Session, user: User) -> None:
    """A role change ends relationships that only made sense for the old role."""
    org = user.organization_id
    db.execute(
        delete(CaseloadAssignment).where(
            CaseloadAssignment.organization_id == org,
            or_(
                CaseloadAssignment.member_id == user.id,
                CaseloadAssignment.peer_specialist_id == user.id,
            ),
        )
    )
    db.execute(
        delete(SupervisionAssignment).where(
            SupervisionAssignment.organization_id == org,
            or_(
                SupervisionAssignment.peer_specialist_id == user.id,
                SupervisionAssignment.supervisor_id == user.id,
            ),
        )
    )


def _set_peer_specialist(db: Session, viewer: Viewer, member: User, peer_id: int | None) -> None:
    if member.role != Role.MEMBER:
        msg = "Only members join a caseload."
        raise Invalid(msg, errors={"peer_specialist_id": msg})
    existing = db.scalar(
        select(CaseloadAssignment).where(
            CaseloadAssignment.organization_id == member.organization_id,
            CaseloadAssignment.member_id == member.id,
        )
    )
    if peer_id is None:
        if existing is not None:
            db.delete(existing)
        return
    peer = _colleague(db, viewer, peer_id, Role.PEER_SPECIALIST, "peer_specialist_id")
    if existing is None:
        db.add(
            CaseloadAssignment(
                organization_id=member.organization_id,
                member_id=member.id,
                peer_specialist_id=peer.id,
            )
        )
    else:
        existing.peer_specialist_id = peer.id


def _set_supervisor(db: Session, viewer: Viewer, peer: User, supervisor_id: int | None) -> None:
    if peer.role != Role.PEER_SPECIALIST:
        msg = "Only peer specialists have a supervisor here."
        raise Invalid(msg, errors={"supervisor_id": msg})
    existing = db.scalar(
        select(SupervisionAssignment).where(
            SupervisionAssignment.organization_id == peer.organization_id,
            SupervisionAssignment.peer_specialist_id == peer.id,
        )
    )
    if supervisor_id is None:
        if existing is not None:
            db.delete(existing)
        return
    supervisor = _colleague(db, viewer, supervisor_id, Role.SUPERVISOR, "supervisor_id")
    if existing is None:
        db.add(
            SupervisionAssignment(
                organization_id=peer.organization_id,
                peer_specialist_id=peer.id,
                supervisor_id=supervisor.id,
            )
        )
    else:
        existing.supervisor_id = supervisor.id


def set_active(db: Session, viewer: Viewer, user_id: int, active: bool) -> User:
    """Deactivate (never delete: history stays) or reactivate an account."""
    user = access.user_in_own_org(db, viewer, user_id, action="write:account")
    if user.id == viewer.user.id and not active:
        raise Conflict("You cannot deactivate your own account; ask another admin.")
    if user.is_active != active:
        user.is_active = active
        user.deactivated_at = None if active else utcnow()
        if not active:
            accounts.end_all_sessions(db, user.id)
        audit.record(
            db,
            viewer=viewer,
            action="deactivate" if not active else "reactivate",
            record_type="user",
            record_id=user.id,
            subject_member_id=user.id if user.role == Role.MEMBER else None,
            allowed=True,
        )
    db.flush()
    return user


def colleagues(db: Session, viewer: Viewer, role: Role) -> Sequence[User]:
    return db.scalars(
        select(User)
        .where(User.organization_id == viewer.org_id, User.role == role, User.is_active.is_(True))
        .order_by(User.display_name)
    ).all()


@dataclass(frozen=True)
class AuditQuery:
    actor: str = ""
    member_id: int | None = None
    action: str = ""
    allowed: bool | None = None
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1


@dataclass(frozen=True)
class AuditPage:
    events: Sequence[AuditEvent]
    page: int
    has_next: bool


def search_audit(db: Session, viewer: Viewer, query: AuditQuery) -> AuditPage:
    access.require_role(viewer, Role.ADMIN)
    stmt = select(AuditEvent).where(AuditEvent.organization_id == viewer.org_id)
    if query.actor.strip():
        stmt = stmt.where(
            func.lower(AuditEvent.actor_username).like(f"%{query.actor.strip().lower()}%")
        )
    if query.member_id is not None:
        stmt = stmt.where(AuditEvent.subject_member_id == query.member_id)
    if query.action.strip():
        stmt = stmt.where(AuditEvent.action.like(f"{query.action.strip()}%"))
    if query.allowed is not None:
        stmt = stmt.where(AuditEvent.allowed.is_(query.allowed))
    if query.date_from is not None:
        stmt = stmt.where(
            AuditEvent.occurred_at >= datetime.combine(query.date_from, time(), tzinfo=UTC)
        )
    if query.date_to is not None:
        stmt = stmt.where(
            AuditEvent.occurred_at
            < datetime.combine(query.date_to + timedelta(days=1), time(), tzinfo=UTC)
        )
    page = max(query.page, 1)
    rows = db.scalars(
        stmt.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * AUDIT_PAGE_SIZE)
        .limit(AUDIT_PAGE_SIZE + 1)
    ).all()
    # Searching the log is itself recorded: the log reveals who looked at whom.
    audit.record(
        db,
        viewer=viewer,
        action="read:search",
        record_type="audit_log",
        allowed=True,
        detail=f"member {query.member_id or 'any'}, page {page}",
    )
    return AuditPage(events=rows[:AUDIT_PAGE_SIZE], page=page, has_next=len(rows) > AUDIT_PAGE_SIZE)
