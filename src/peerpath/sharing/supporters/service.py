"""A member's supporters: linking an existing supporter account, inviting someone by a one-time
link, cancelling an invitation, removing a supporter; and what a supporter sees.

Only the member manages their own circle (anyone else: NotFound, audited). A supporter sees a
member only while linked, and only the sections the member shares with them today (grants in
force, read through core.access). Removing a supporter deletes the link and revokes every grant
to them at once, so access ends at their next request.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from peerpath.accounts import service as accounts
from peerpath.core import access, audit, security
from peerpath.core.access import Section
from peerpath.core.audit import Viewer
from peerpath.core.errors import Invalid, NotFound
from peerpath.db.base import utcnow
from peerpath.db.models import (
    Role,
    SupporterInvitation,
    SupporterLink,
    User,
)
from peerpath.settings import Settings
from peerpath.sharing.grants import service as grants
from peerpath.sharing.supporters import mailer

INVITATION_DAYS = 14
LABEL_MAX = 80
EMAIL_MAX = 254
NAME_MAX = 120
USERNAME_MIN, USERNAME_MAX = 3, 80
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
INVITE_PATH = "/supporter-invite/"

# One message for "no such username", "someone in another organization" and "not a supporter
# account": the member learns nothing about accounts outside their own circle.
NO_SUCH_SUPPORTER = (
    "We could not find a supporter account with that username here. Please check it with "
    "the person, or invite them with a link instead."
)
INVITATION_GONE = (
    "This invitation link has expired, was already used, or was cancelled. Please ask the "
    "person who invited you for a new link."
)

# The normal page of each section, as a supporter (or anyone with a grant) opens it.
SECTION_PAGES: dict[Section, tuple[tuple[str, str], ...]] = {
    Section.PLAN: (("Recovery plan", "/members/{id}/plan"),),
    Section.WELLNESS_PLAN: (("Wellness plan", "/members/{id}/wellness"),),
    Section.CRISIS_PLAN: (("Crisis plan", "/members/{id}/wellness#section-crisis"),),
    Section.CHECKINS: (
        ("Check-ins", "/members/{id}/checkins"),
        ("Progress", "/members/{id}/progress"),
        ("Setbacks and comebacks", "/members/{id}/setbacks"),
    ),
    Section.MEASURES: (("Questionnaires", "/members/{id}/measures"),),
    Section.NOTES: (("Session notes", "/members/{id}/notes"),),
    # There is no page listing journal entries for someone other than the member and their
    # peer specialist yet: the section is named without a link.
    Section.JOURNAL: (("Journal", ""),),
}
SECTION_LABELS: dict[Section, str] = {
    Section.PLAN: "Recovery plan",
    Section.WELLNESS_PLAN: "Wellness plan",
    Section.CRISIS_PLAN: "Crisis plan",
    Section.CHECKINS: "Check-ins and progress",
    Section.MEASURES: "Questionnaires",
    Section.JOURNAL: "Journal",
    Section.NOTES: "Session notes",
}


def _clean(value: str, limit: int) -> str:
    return value.replace("\x00", "").strip()[:limit]


def _own_member(db: Session, viewer: Viewer, member_id: int, action: str) -> User:
    """The member managing their own circle; anyone else: NotFound. Audited either way."""
    member = db.get(User, member_id)
    allowed = (
        member is not None
        and member.role == Role.MEMBER
        and member.id == viewer.user.id
        and member.is_active
    )
    audit.record(
        db,
        viewer=viewer,
        action=f"{action}:supporters",
        record_type="supporters",
        record_id=member_id,
        subject_member_id=member.id
        if member is not None and member.organization_id == viewer.org_id
        else None,
        allowed=allowed,
    )
    if not allowed or member is None:
        raise NotFound()
    return member


# ---- the member's page -----------------------------------------------------------------------


@dataclass(frozen=True)
class Linked:
    link: SupporterLink
    supporter: User
    # What the supporter can open today, through grants in force, in the record's order.
    sections: tuple[Section, ...]

    @property
    def section_labels(self) -> list[str]:
        return [SECTION_LABELS[s] for s in self.sections]


@dataclass(frozen=True)
class Circle:
    member: User
    linked: Sequence[Linked]
    pending: Sequence[SupporterInvitation]


def _in_order(sections: frozenset[Section]) -> tuple[Section, ...]:
    return tuple(s for s in access.SHAREABLE if s in sections)


def circle(db: Session, viewer: Viewer, member_id: int) -> Circle:
    member = _own_member(db, viewer, member_id, "read")
    rows = db.execute(
        select(SupporterLink, User)
        .join(
            User,
            (User.id == SupporterLink.supporter_id)
            & (User.organization_id == SupporterLink.organization_id),
        )
        .where(
            SupporterLink.organization_id == member.organization_id,
            SupporterLink.member_id == member.id,
        )
        .order_by(User.display_name, SupporterLink.id)
    ).all()
    linked = [
        Linked(
            link=link,
            supporter=supporter,
            sections=_in_order(
                access.shared_sections(db, supporter, member, access.Relation.SUPPORTER)
            )
            if supporter.is_active
            else (),
        )
        for link, supporter in rows
    ]
    return Circle(member=member, linked=linked, pending=pending_invitations(db, member))


def pending_invitations(db: Session, member: User) -> Sequence[SupporterInvitation]:
    return db.scalars(
        select(SupporterInvitation)
        .where(
            SupporterInvitation.organization_id == member.organization_id,
            SupporterInvitation.member_id == member.id,
            SupporterInvitation.accepted_at.is_(None),
            SupporterInvitation.cancelled_at.is_(None),
            SupporterInvitation.expires_at > utcnow(),
        )
        .order_by(SupporterInvitation.created_at, SupporterInvitation.id)
    ).all()


def _label(raw: str) -> str:
    label = _clean(raw, LABEL_MAX + 1)
    if not label:
        msg = "Say who they are to you, in a word or two (for example: sister, friend, sponsor)."
        raise Invalid(msg, errors={"relationship_label": msg})
    if len(label) > LABEL_MAX:
        msg = f"Please keep this to {LABEL_MAX} characters."
        raise Invalid(msg, errors={"relationship_label": msg})
    return label


def link_existing(
    db: Session, viewer: Viewer, member_id: int, username: str, relationship_label: str
) -> SupporterLink:
    """Link a supporter account of the member's own organization by its username."""
    member = _own_member(db, viewer, member_id, "write")
    name = _clean(username, USERNAME_MAX + 1).lower()
    errors: dict[str, str] = {}
    if not name:
        errors["username"] = "Type the username your supporter gave you."
    try:
        label = _label(relationship_label)
    except Invalid as exc:
        errors.update(exc.errors)
        label = ""
    if errors:
        raise Invalid(next(iter(errors.values())), errors=errors)
    candidate = db.scalar(select(User).where(func.lower(User.username) == name))
    if (
        candidate is None
        or candidate.organization_id != member.organization_id
        or candidate.role != Role.SUPPORTER
        or not candidate.is_active
    ):
        raise Invalid(NO_SUCH_SUPPORTER, errors={"username": NO_SUCH_SUPPORTER})
    already = db.scalar(
        select(SupporterLink.id).where(
            SupporterLink.organization_id == member.organization_id,
            SupporterLink.member_id == member.id,
            SupporterLink.supporter_id == candidate.id,
        )
    )
    if already is not None:
        msg = f"{candidate.display_name} is already in your circle."
        raise Invalid(msg, errors={"username": msg})
    link = SupporterLink(
        organization_id=member.organization_id,
        supporter_id=candidate.id,
        member_id=member.id,
        relationship_label=label,
    )
    db.add(link)
    db.flush()
    audit.record(
        db,
        viewer=viewer,
        action="write:supporters",
        record_type="supporter_link",
        record_id=link.id,
        subject_member_id=member.id,
        allowed=True,
        detail=f"linked supporter {candidate.id}",
    )
    return link


@dataclass(frozen=True)
class NewInvitation:
    invitation: SupporterInvitation
    url: str  # shown once: only its hash is stored
    emailed: bool
    mail_configured: bool


def invite(
    db: Session,
    viewer: Viewer,
    member_id: int,
    relationship_label: str,
    email: str,
    *,
    settings: Settings,
) -> NewInvitation:
    """A one-time link, valid INVITATION_DAYS days; emailed too when mail is configured."""
    member = _own_member(db, viewer, member_id, "write")
    errors: dict[str, str] = {}
    try:
        label = _label(relationship_label)
    except Invalid as exc:
        errors.update(exc.errors)
        label = ""
    address = _clean(email, EMAIL_MAX + 1)
    if address and (len(address) > EMAIL_MAX or not EMAIL_PATTERN.match(address)):
        errors["email"] = "This does not look like an email address (name@example.org)."
    if errors:
        raise Invalid(next(iter(errors.values())), errors=errors)
    token = security.new_token()
    invitation = SupporterInvitation(
        organization_id=member.organization_id,
        member_id=member.id,
        token_hash=security.token_hash(token),
        relationship_label=label,
        email=address or None,
        expires_at=utcnow() + timedelta(days=INVITATION_DAYS),
    )
    db.add(invitation)
    db.flush()
    url = f"{settings.base_url.rstrip('/')}{INVITE_PATH}{token}"
    emailed = False
    if address:
        emailed = mailer.send(
            settings,
            to=address,
            subject=f"{member.display_name} invites you to peerpath",
            body=invitation_text(member.display_name, member.organization.name, url),
        )
    audit.record(
        db,
        viewer=viewer,
        action="write:supporters",
        record_type="supporter_invitation",
        record_id=invitation.id,
        subject_member_id=member.id,
        allowed=True,
        detail="invitation emailed" if emailed else "invitation link shown",
    )
    return NewInvitation(invitation, url, emailed, mailer.configured(settings))


def invitation_text(member_name: str, organization_name: str, url: str) -> str:
    return (
        f"Hello,\n\n"
        f"{member_name} would like you in their support circle on peerpath, the app "
        f"{organization_name} uses for peer support.\n\n"
        f"With this link you can make your own supporter account:\n\n{url}\n\n"
        f"The link works once and for {INVITATION_DAYS} days. As a supporter you see only "
        f"what {member_name} chooses to share with you, and they can change that at any "
        f"time.\n\n"
        f"If you were not expecting this, you can ignore this message.\n"
    )


def _pending_invitation(
    db: Session, viewer: Viewer, member_id: int, invitation_id: int
) -> tuple[User, SupporterInvitation]:
    member = _own_member(db, viewer, member_id, "write")
    invitation = db.get(SupporterInvitation, invitation_id)
    if (
        invitation is None
        or invitation.organization_id != member.organization_id
        or invitation.member_id != member.id
        or invitation.accepted_at is not None
        or invitation.cancelled_at is not None
    ):
        _refused(db, viewer, member, "supporter_invitation", invitation_id)
    assert invitation is not None
    return member, invitation


def invitation_to_cancel(
    db: Session, viewer: Viewer, member_id: int, invitation_id: int
) -> SupporterInvitation:
    return _pending_invitation(db, viewer, member_id, invitation_id)[1]


def cancel_invitation(
    db: Session, viewer: Viewer, member_id: int, invitation_id: int
) -> SupporterInvitation:
    member, invitation = _pending_invitation(db, viewer, member_id, invitation_id)
    invitation.cancelled_at = utcnow()
    db.flush()
    audit.record(
        db,
        viewer=viewer,
        action="write:supporters",
        record_type="supporter_invitation",
        record_id=invitation.id,
        subject_member_id=member.id,
        allowed=True,
        detail="invitation cancelled",
    )
    return invitation


def link_to_remove(db: Session, viewer: Viewer, member_id: int, link_id: int) -> Linked:
    member = _own_member(db, viewer, member_id, "write")
    link = db.get(SupporterLink, link_id)
    if (
        link is None
        or link.organization_id != member.organization_id
        or link.member_id != member.id
    ):
        _refused(db, viewer, member, "supporter_link", link_id)
    assert link is not None
    return linked_of(db, member, link)


def _refused(db: Session, viewer: Viewer, member: User, record_type: str, record_id: int) -> None:
    """Someone else's (or no) link or invitation: on record as refused, then NotFound."""
    audit.record(
        db,
        viewer=viewer,
        action="write:supporters",
        record_type=record_type,
        record_id=record_id,
        subject_member_id=member.id,
        allowed=False,
    )
    raise NotFound()


def linked_of(db: Session, member: User, link: SupporterLink) -> Linked:
    """One link of the member's circle with what the supporter can open today (no audit: the
    caller has already checked and audited the member's own access)."""
    supporter = db.get(User, link.supporter_id)
    if supporter is None:
        raise NotFound()
    return Linked(
        link=link,
        supporter=supporter,
        sections=_in_order(access.shared_sections(db, supporter, member, access.Relation.SUPPORTER))
        if supporter.is_active
        else (),
    )


def remove_supporter(db: Session, viewer: Viewer, member_id: int, link_id: int) -> User:
    """Delete the link and revoke every grant to this supporter: their access ends at once."""
    linked = link_to_remove(db, viewer, member_id, link_id)
    member = viewer.user
    supporter = linked.supporter
    db.delete(linked.link)
    db.flush()
    # The grants area's own rule (each stop audited there), so the member's sharing page and
    # this removal agree on what "revoked" means.
    revoked = len(grants.revoke_all_for(db, viewer, member.id, supporter.id))
    audit.record(
        db,
        viewer=viewer,
        action="write:supporters",
        record_type="supporter_link",
        record_id=link_id,
        subject_member_id=member.id,
        allowed=True,
        detail=f"removed supporter {supporter.id}; {revoked} grants revoked",
    )
    return supporter


# ---- accepting an invitation (anonymous) -----------------------------------------------------


def invitation_for_token(db: Session, token: str) -> SupporterInvitation:
    """A pending invitation for this token, whose member is still active; else NotFound."""
    if not token or len(token) > 200:
        raise NotFound(INVITATION_GONE)
    invitation = db.scalar(
        select(SupporterInvitation).where(
            SupporterInvitation.token_hash == security.token_hash(token)
        )
    )
    if (
        invitation is None
        or invitation.accepted_at is not None
        or invitation.cancelled_at is not None
        or invitation.expires_at <= utcnow()
    ):
        raise NotFound(INVITATION_GONE)
    member = db.get(User, invitation.member_id)
    if member is None or not member.is_active or member.role != Role.MEMBER:
        raise NotFound(INVITATION_GONE)
    return invitation


def inviting_member(db: Session, invitation: SupporterInvitation) -> User:
    member = db.get(User, invitation.member_id)
    if member is None:
        raise NotFound(INVITATION_GONE)
    return member


def accept_invitation(
    db: Session,
    token: str,
    *,
    username: str,
    display_name: str,
    password: str,
    confirm_password: str,
    ip: str = "",
    user_agent: str = "",
) -> User:
    """Make the supporter's account in the member's organization, link it, use up the link."""
    invitation = invitation_for_token(db, token)
    member = inviting_member(db, invitation)
    name = _clean(username, USERNAME_MAX + 1).lower()
    shown = _clean(display_name, NAME_MAX + 1)
    errors: dict[str, str] = {}
    if not USERNAME_MIN <= len(name) <= USERNAME_MAX or not USERNAME_PATTERN.match(name):
        errors["username"] = (
            f"Choose a username of {USERNAME_MIN} to {USERNAME_MAX} characters: small letters, "
            "digits, dots, dashes or underscores, starting with a letter or digit."
        )
    elif db.scalar(select(User.id).where(func.lower(User.username) == name)) is not None:
        errors["username"] = "That username is taken. Please choose another."
    if not shown:
        errors["display_name"] = "Tell us the name you would like people to see."
    elif len(shown) > NAME_MAX:
        errors["display_name"] = f"Please keep your name to {NAME_MAX} characters."
    problem = security.password_problem(password, username=name)
    if problem:
        errors["password"] = problem
    elif password != confirm_password:
        errors["confirm_password"] = "The two passwords are not the same."  # noqa: S105
    if errors:
        raise Invalid(next(iter(errors.values())), errors=errors)
    supporter = User(
        organization_id=member.organization_id,
        username=name,
        display_name=shown,
        email=invitation.email,
        role=Role.SUPPORTER,
        is_active=True,
    )
    try:
        with db.begin_nested():
            db.add(supporter)
            db.flush()
    except IntegrityError:
        # Someone took the username between the check and the insert.
        msg = "That username is taken. Please choose another."
        raise Invalid(msg, errors={"username": msg}) from None
    # Use the link up with a guarded update, so two submits at once make one account (the
    # second raises, and its request is rolled back with the account it had started).
    claimed = db.execute(
        update(SupporterInvitation)
        .where(
            SupporterInvitation.id == invitation.id,
            SupporterInvitation.accepted_at.is_(None),
            SupporterInvitation.cancelled_at.is_(None),
        )
        .values(accepted_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    if int(getattr(claimed, "rowcount", 0) or 0) != 1:
        raise NotFound(INVITATION_GONE)
    accounts.set_password(db, supporter, password)
    db.add(
        SupporterLink(
            organization_id=member.organization_id,
            supporter_id=supporter.id,
            member_id=member.id,
            relationship_label=invitation.relationship_label,
        )
    )
    invitation.supporter_id = supporter.id
    db.flush()
    audit.record(
        db,
        viewer=Viewer(supporter, ip, user_agent),
        action="accept_invitation",
        record_type="supporter_invitation",
        record_id=invitation.id,
        subject_member_id=member.id,
        allowed=True,
        detail=f"supporter account {supporter.id} made and linked",
    )
    return supporter


# ---- the supporter's view --------------------------------------------------------------------


@dataclass(frozen=True)
class SharedPage:
    label: str
    url: str  # "" when the section has no page to open


@dataclass(frozen=True)
class Supported:
    member: User
    relationship_label: str
    sections: tuple[Section, ...]
    pages: tuple[SharedPage, ...]


def supported_members(db: Session, viewer: Viewer) -> list[Supported]:
    """The members who linked this supporter, each with only what they share with them today."""
    members = access.members_for_viewer(db, viewer)
    labels = dict(
        db.execute(
            select(SupporterLink.member_id, SupporterLink.relationship_label).where(
                SupporterLink.organization_id == viewer.org_id,
                SupporterLink.supporter_id == viewer.user.id,
            )
        ).all()
    )
    result = []
    for member in members:
        sections = _in_order(access.shared_sections(db, viewer.user, member))
        pages = tuple(
            SharedPage(label, url.format(id=member.id) if url else "")
            for section in sections
            for label, url in SECTION_PAGES[section]
        )
        result.append(
            Supported(
                member=member,
                relationship_label=labels.get(member.id, ""),
                sections=sections,
                pages=pages,
            )
        )
    return result


def expires_text(moment: datetime) -> str:
    return f"{moment:%d %B %Y}".lstrip("0")
