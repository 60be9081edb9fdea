"""Emergency openings of a member's crisis plan (no web code here).

A member decides who reads their crisis plan. When staff of the member's organization (a peer
specialist, supervisor or admin; never a trainee or a supporter) need it in an emergency and it
is not shared with them, they may open it by writing down why. The opening lasts
access.EMERGENCY_HOURS hours, opens the crisis plan and nothing else (access.can decides), is
audited as "emergency:crisis_plan" (the length of the reason in the log, never its text), and
the member is told on their home page, with the reason, until they dismiss the notice. The
member keeps a permanent list of every opening.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.core import access, audit
from peerpath.core.access import Action, Section
from peerpath.core.audit import Viewer
from peerpath.core.errors import Conflict, Invalid, NotFound
from peerpath.db.base import utcnow
from peerpath.db.models import EmergencyAccess, Role, User

REASON_MIN = 10
REASON_MAX = 1000
RECORD_TYPE = "emergency_access"
AUDIT_ACTION = "emergency:crisis_plan"
FORM_AUDIT_ACTION = "read:emergency_form"
# Who may open a crisis plan in an emergency: staff of the member's organization. Trainees are
# staff accounts too, but they are learning: they never open a record this way.
OPENER_ROLES = (Role.PEER_SPECIALIST, Role.SUPERVISOR, Role.ADMIN)
OPENINGS_LIMIT = 200


class AlreadyReadable(Conflict):
    """The crisis plan is already shared with this person (or already open to them)."""

    default_message = (
        "You can already read this crisis plan, so no emergency opening is needed. "
        "Nothing was recorded."
    )


def form_url(member_id: int) -> str:
    return f"/members/{member_id}/crisis-plan/emergency"


def crisis_plan_url(member_id: int) -> str:
    return f"/members/{member_id}/wellness#section-crisis"


# ---- staff: opening a crisis plan ------------------------------------------------------


def _eligible_member(db: Session, viewer: Viewer, member_id: int) -> User | None:
    """The member, if `viewer` is someone who may open their crisis plan in an emergency."""
    user = viewer.user
    if user.role not in OPENER_ROLES or not user.is_active:
        return None
    member = db.get(User, member_id)
    if member is None or member.role != Role.MEMBER:
        return None
    if member.organization_id != user.organization_id:
        return None
    if access.relation_to_member(db, user, member) not in access.EMERGENCY_RELATIONS:
        return None
    return member


def _subject(db: Session, viewer: Viewer, member_id: int) -> int | None:
    """Name the member in the audit row only when they are a member of the viewer's own
    organization, so probes of other tenants never show in that tenant's "who looked"."""
    member = db.get(User, member_id)
    if member is None or member.role != Role.MEMBER or member.organization_id != viewer.org_id:
        return None
    return member.id


def gate(db: Session, viewer: Viewer, member_id: int) -> User:
    """The member whose crisis plan `viewer` may open in an emergency, or NotFound (the same
    answer as for a member who is not there). A refusal is audited."""
    member = _eligible_member(db, viewer, member_id)
    if member is None:
        audit.record(
            db,
            viewer=viewer,
            action=AUDIT_ACTION,
            record_type=RECORD_TYPE,
            record_id=member_id,
            subject_member_id=_subject(db, viewer, member_id),
            allowed=False,
        )
        raise NotFound()
    return member


@dataclass(frozen=True)
class FormView:
    member_id: int
    # The member's name, only for someone who may already see who the member is.
    member_name: str
    # The crisis plan is already shared with the viewer (or an opening is in force).
    already_readable: bool
    hours: int = access.EMERGENCY_HOURS


def form(db: Session, viewer: Viewer, member_id: int) -> FormView:
    """What the emergency form shows. Audited: the member sees that someone came this far."""
    member = gate(db, viewer, member_id)
    audit.record(
        db,
        viewer=viewer,
        action=FORM_AUDIT_ACTION,
        record_type=RECORD_TYPE,
        record_id=member.id,
        subject_member_id=member.id,
        allowed=True,
    )
    return _form_view(db, viewer, member)


def form_again(db: Session, viewer: Viewer, member_id: int) -> FormView:
    """The form once more, with the problems of a refused submission (already audited)."""
    return _form_view(db, viewer, gate(db, viewer, member_id))


def _form_view(db: Session, viewer: Viewer, member: User) -> FormView:
    knows_name = access.can(db, viewer.user, member, Section.PROFILE, Action.READ)
    return FormView(
        member_id=member.id,
        member_name=member.display_name if knows_name else "",
        already_readable=access.can(db, viewer.user, member, Section.CRISIS_PLAN, Action.READ),
    )


def clean_reason(reason: object, understood: bool) -> str:
    """The reason, tidied; raises Invalid (nothing recorded) with a message per field."""
    errors: dict[str, str] = {}
    text = ""
    if not isinstance(reason, str):
        errors["reason"] = "Please write the reason as text."
    else:
        text = reason.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()
        if not text:
            errors["reason"] = "Please write why you need to open the crisis plan now."
        elif len(text) < REASON_MIN:
            errors["reason"] = (
                f"Please say a little more: the reason needs at least {REASON_MIN} characters "
                f"(it has {len(text)}). The member will read it."
            )
        elif len(text) > REASON_MAX:
            errors["reason"] = (
                f"Please keep the reason to {REASON_MAX:,} characters or fewer "
                f"(it has {len(text):,})."
            )
    if not understood:
        errors["understood"] = (
            "Please tick this box to confirm you understand the member will see this."
        )
    if errors:
        raise Invalid(
            "The crisis plan was not opened: please look at the parts marked below.",
            errors=errors,
        )
    return text


def open_crisis_plan(
    db: Session, viewer: Viewer, member_id: int, reason: object, *, understood: bool
) -> EmergencyAccess:
    """Open `member_id`'s crisis plan to `viewer` for access.EMERGENCY_HOURS hours.

    NotFound for anyone who may not; Invalid for a missing, short or long reason or a missing
    acknowledgement; AlreadyReadable when the plan is already shared with the viewer. In each
    of those cases nothing is written but the audit row of a refusal.
    """
    member = gate(db, viewer, member_id)
    text = clean_reason(reason, understood)
    if access.can(db, viewer.user, member, Section.CRISIS_PLAN, Action.READ):
        raise AlreadyReadable()
    now = utcnow()
    opening = EmergencyAccess(
        organization_id=member.organization_id,
        member_id=member.id,
        staff_id=viewer.user.id,
        reason=text,
        opened_at=now,
        expires_at=now + timedelta(hours=access.EMERGENCY_HOURS),
    )
    db.add(opening)
    db.flush()
    audit.record(
        db,
        viewer=viewer,
        action=AUDIT_ACTION,
        record_type=RECORD_TYPE,
        record_id=opening.id,
        subject_member_id=member.id,
        allowed=True,
        detail=f"reason given ({len(text)} characters); open for {access.EMERGENCY_HOURS} hours",
    )
    return opening


# ---- the member: notices and the list of openings ----------------------------------------


@dataclass(frozen=True)
class OpeningView:
    opening: EmergencyAccess
    staff_name: str
    staff_role: str
    opened_on: str  # "3 March 2026 at 14:05", in the organization's time zone
    ends_at: str

    @property
    def id(self) -> int:
        return self.opening.id

    @property
    def reason(self) -> str:
        return self.opening.reason

    @property
    def seen(self) -> bool:
        return self.opening.member_seen_at is not None

    @property
    def in_force(self) -> bool:
        return self.opening.expires_at > utcnow()

    @property
    def notice(self) -> str:
        return (
            f"On {self.opened_on}, {self.staff_name} ({self.staff_role}) opened your crisis plan "
            f"in an emergency. Their reason: {self.reason}"
        )


def _local(moment: datetime, member: User) -> str:
    from peerpath.core.org_settings import org_settings

    local = moment.astimezone(ZoneInfo(org_settings(member.organization).timezone))
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def _views(db: Session, member: User, rows: Sequence[EmergencyAccess]) -> list[OpeningView]:
    staff: dict[int, User] = {}
    if rows:
        staff = {
            u.id: u for u in db.scalars(select(User).where(User.id.in_({r.staff_id for r in rows})))
        }
    views = []
    for row in rows:
        person = staff.get(row.staff_id)
        views.append(
            OpeningView(
                opening=row,
                staff_name=person.display_name if person else "A staff member",
                staff_role=Role(person.role).label if person else "staff",
                opened_on=_local(row.opened_at, member),
                ends_at=_local(row.expires_at, member),
            )
        )
    return views


def _my_openings(db: Session, member: User, *, unseen_only: bool) -> list[OpeningView]:
    query = select(EmergencyAccess).where(
        EmergencyAccess.organization_id == member.organization_id,
        EmergencyAccess.member_id == member.id,
    )
    if unseen_only:
        query = query.where(EmergencyAccess.member_seen_at.is_(None))
    rows = db.scalars(
        query.order_by(EmergencyAccess.opened_at.desc(), EmergencyAccess.id.desc()).limit(
            OPENINGS_LIMIT
        )
    ).all()
    return _views(db, member, rows)


def _me(
    db: Session, viewer: Viewer, action: Action = Action.READ, record_id: object = None
) -> User:
    """The member themself: the openings are part of "who has looked at my record"."""
    return access.member_for_viewer(
        db,
        viewer,
        viewer.user.id,
        Section.AUDIT,
        action,
        record_type=RECORD_TYPE,
        record_id=viewer.user.id if record_id is None else record_id,
    )


def unseen(db: Session, viewer: Viewer) -> list[OpeningView]:
    """The openings the member has not dismissed yet, newest first (for their home page)."""
    member = _me(db, viewer)
    return _my_openings(db, member, unseen_only=True)


def openings(db: Session, viewer: Viewer) -> list[OpeningView]:
    """Every opening of the member's crisis plan, newest first, seen or not."""
    member = _me(db, viewer)
    return _my_openings(db, member, unseen_only=False)


def mark_seen(db: Session, viewer: Viewer, opening_id: int) -> OpeningView:
    """The member has read the notice ("Got it"). Idempotent; others' openings: NotFound."""
    member = _me(db, viewer, Action.WRITE, record_id=opening_id)
    row = db.scalar(
        select(EmergencyAccess).where(
            EmergencyAccess.id == opening_id,
            EmergencyAccess.organization_id == member.organization_id,
            EmergencyAccess.member_id == member.id,
        )
    )
    if row is None:
        raise NotFound()
    if row.member_seen_at is None:
        row.member_seen_at = utcnow()
        db.flush()
    return _views(db, member, [row])[0]


# ---- links on staff pages -----------------------------------------------------------------


def link_for(db: Session, viewer: Viewer | None, member_id: int) -> str:
    """The emergency form's address when `viewer` may open the crisis plan that way and cannot
    read it now; "" otherwise. A decision for showing a link only (not audited, no data)."""
    if viewer is None:
        return ""
    member = _eligible_member(db, viewer, member_id)
    if member is None:
        return ""
    if access.can(db, viewer.user, member, Section.CRISIS_PLAN, Action.READ):
        return ""
    return form_url(member.id)
