"""Sign-in with rate limits and lockout, database sessions, passwords, personal API tokens."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from peerpath.core import audit, security
from peerpath.core.audit import Viewer
from peerpath.core.errors import Invalid, NotFound, TooManyAttempts
from peerpath.db.base import utcnow
from peerpath.db.models import ApiToken, LoginAttempt, User, UserSession
from peerpath.db.session import in_read_phase, write_later
from peerpath.settings import Settings

TOKEN_PREFIX = "pp_"  # noqa: S105  (a marker, not a secret)
BAD_CREDENTIALS = "That username and password do not match. Please check them and try again."
# The same words whether or not the account exists, so a lockout reveals nothing.
LOCKED_OUT = "Too many sign-in attempts. Please wait {minutes} minutes, then try again."
LAST_SEEN_RESOLUTION = timedelta(seconds=60)


def _failures_since(db: Session, key: str, settings: Settings) -> int:
    window_start = utcnow() - timedelta(minutes=settings.login_lockout_minutes)
    last_success = db.scalar(
        select(func.max(LoginAttempt.attempted_at)).where(
            LoginAttempt.key == key, LoginAttempt.succeeded.is_(True)
        )
    )
    start = max(window_start, last_success) if last_success else window_start
    return (
        db.scalar(
            select(func.count()).where(
                LoginAttempt.key == key,
                LoginAttempt.succeeded.is_(False),
                LoginAttempt.attempted_at > start,
            )
        )
        or 0
    )


def authenticate(
    db: Session, username: str, password: str, *, ip: str, user_agent: str, settings: Settings
) -> User:
    """The active user with these credentials, or Invalid / TooManyAttempts.

    Every attempt is recorded (the caller commits even on failure) and audited.
    """
    username = username.strip().lower()
    account_key, ip_key = f"user:{username[:100]}", f"ip:{ip}"
    found = db.scalar(select(User).where(User.username == username))
    user_id, password_hash = (found.id, found.password_hash) if found else (None, None)
    # argon2 is slow on purpose. End the read-only transaction first (nothing is written yet)
    # so the database is not held while it runs: on SQLite, an open transaction holds the
    # write lock every other request waits for. Verify even for unknown or locked names, so
    # timing does not tell the cases apart.
    db.rollback()
    verified = security.verify_password(password_hash, password)
    locked = (
        _failures_since(db, account_key, settings) >= settings.login_max_failures_per_account
        or _failures_since(db, ip_key, settings) >= settings.login_max_failures_per_ip
    )
    user = db.get(User, user_id) if user_id is not None else None
    ok = verified and user is not None and user.is_active and not locked
    for key in (account_key, ip_key):
        db.add(LoginAttempt(key=key, succeeded=ok))
    audit.record(
        db,
        action="login",
        record_type="session",
        allowed=ok,
        viewer=Viewer(user, ip, user_agent) if user is not None else None,
        organization_id=user.organization_id if user else None,
        ip=ip,
        user_agent=user_agent,
        detail="locked out" if locked else ("" if ok else f"failed for '{username[:60]}'"),
    )
    db.flush()
    if locked:
        raise TooManyAttempts(LOCKED_OUT.format(minutes=settings.login_lockout_minutes))
    if not ok or user is None:
        raise Invalid(BAD_CREDENTIALS)
    if user.password_hash and security.needs_rehash(user.password_hash):
        user.password_hash = security.hash_password(password)
    return user


def start_session(
    db: Session,
    user: User,
    *,
    ip: str,
    user_agent: str,
    settings: Settings,
    replacing: str | None = None,
) -> str:
    """A fresh session token (rotation: any session the browser already had is ended)."""
    if replacing:
        end_session(db, replacing)
    token = security.new_token()
    now = utcnow()
    db.add(
        UserSession(
            token_hash=security.token_hash(token),
            user_id=user.id,
            organization_id=user.organization_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(minutes=settings.session_lifetime_minutes),
            ip=ip[:64],
            user_agent=user_agent[:300],
        )
    )
    db.flush()
    return token


def user_for_session(db: Session, token: str, settings: Settings) -> User | None:
    session = db.scalar(
        select(UserSession).where(UserSession.token_hash == security.token_hash(token))
    )
    now = utcnow()
    if session is None or session.expires_at <= now or not session.user.is_active:
        return None
    # Sliding expiry, written at most once a minute so reads do not all become writes.
    if now - session.last_seen_at >= LAST_SEEN_RESOLUTION:
        expires = now + timedelta(minutes=settings.session_lifetime_minutes)
        _touch(db, session, last_seen_at=now, expires_at=expires)
    return session.user


def _touch(db: Session, record: UserSession | ApiToken, **values: object) -> None:
    """Note when a session or token was last used. On a page view (a GET's read phase) it is
    written after the page, so a read does not take the write lock for it."""
    if not in_read_phase(db):
        for name, value in values.items():
            setattr(record, name, value)
        return
    model, record_id = type(record), record.id
    write_later(
        db, lambda writer: writer.execute(update(model).where(model.id == record_id).values(values))
    )


def end_session(db: Session, token: str) -> None:
    session = db.scalar(
        select(UserSession).where(UserSession.token_hash == security.token_hash(token))
    )
    if session is not None:
        db.delete(session)
        db.flush()


def end_all_sessions(db: Session, user_id: int) -> None:
    for session in db.scalars(select(UserSession).where(UserSession.user_id == user_id)):
        db.delete(session)
    db.flush()


def validate_new_password(password: str, *, username: str, field: str = "new_password") -> None:
    problem = security.password_problem(password, username=username)
    if problem:
        raise Invalid(problem, errors={field: problem})


def change_password(db: Session, viewer: Viewer, current_password: str, new_password: str) -> None:
    user = viewer.user
    if not security.verify_password(user.password_hash, current_password):
        msg = "Your current password is not right."
        raise Invalid(msg, errors={"current_password": msg})
    validate_new_password(new_password, username=user.username)
    set_password(db, user, new_password)
    # A changed password ends every session, including this one; the caller starts a new one.
    end_all_sessions(db, user.id)
    audit.record(
        db,
        viewer=viewer,
        action="password_change",
        record_type="user",
        record_id=user.id,
        allowed=True,
    )


def set_password(db: Session, user: User, password: str) -> None:
    user.password_hash = security.hash_password(password)
    user.password_changed_at = utcnow()
    db.flush()


def create_api_token(db: Session, viewer: Viewer, name: str) -> tuple[ApiToken, str]:
    name = name.strip()
    if not name:
        raise Invalid(
            "Give the token a name, so you can recognise it later.",
            errors={"name": "Give the token a name."},
        )
    plaintext = security.new_token(TOKEN_PREFIX)
    token = ApiToken(
        organization_id=viewer.org_id,
        user_id=viewer.user.id,
        name=name[:100],
        token_hash=security.token_hash(plaintext),
        prefix=plaintext[:10],
    )
    db.add(token)
    db.flush()
    audit.record(
        db,
        viewer=viewer,
        action="create",
        record_type="api_token",
        record_id=token.id,
        allowed=True,
    )
    return token, plaintext


def list_api_tokens(db: Session, viewer: Viewer) -> Sequence[ApiToken]:
    return db.scalars(
        select(ApiToken).where(ApiToken.user_id == viewer.user.id).order_by(ApiToken.id.desc())
    ).all()


def revoke_api_token(db: Session, viewer: Viewer, token_id: int) -> ApiToken:
    token = db.get(ApiToken, token_id)
    if token is None or token.user_id != viewer.user.id:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(
            db,
            viewer=viewer,
            action="revoke",
            record_type="api_token",
            record_id=token.id,
            allowed=True,
        )
    db.flush()
    return token


def user_for_api_token(db: Session, plaintext: str) -> User | None:
    if not plaintext.startswith(TOKEN_PREFIX):
        return None
    token = db.scalar(select(ApiToken).where(ApiToken.token_hash == security.token_hash(plaintext)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= LAST_SEEN_RESOLUTION:
        _touch(db, token, last_used_at=now)
    return token.user
