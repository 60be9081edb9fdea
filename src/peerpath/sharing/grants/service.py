"""The member's sharing grants: making, replacing and stopping them, and reading them back.

Only the member makes or stops a grant (checked through the access policy, so a refusal is
audited and answers NotFound). A grant names one recipient, one section, a purpose and an
optional last day. Sharing a section again with the same recipient replaces the grant in
force, so there is one grant per recipient and section at a time. Every grant and every stop
is written to the audit log with the member as subject. No web code here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.core import access, audit
from peerpath.core.access import SHAREABLE, STAFF_ROLES, Action, Section
from peerpath.core.audit import Viewer
from peerpath.core.errors import NotFound
from peerpath.core.org_settings import org_settings
from peerpath.db.base import MAX_ID, utcnow
from peerpath.db.models import (
    Part2Consent,
    RecipientKind,
    Role,
    SharingGrant,
    SharingPurpose,
    SupporterLink,
    User,
)
from peerpath.sharing.part2 import service as part2

PURPOSE_DETAIL_MAX = 200
MAX_YEARS_AHEAD = 5
RECORD_TYPE = "sharing_grant"

# Plain words for each shareable section, as the member reads them ("can see your ...").
SECTION_WORDS: dict[Section, str] = {
    Section.PLAN: "recovery plan",
    Section.WELLNESS_PLAN: "wellness plan",
    Section.CRISIS_PLAN: "crisis plan",
    Section.CHECKINS: "check-ins",
    Section.MEASURES: "questionnaire answers",
    Section.JOURNAL: "journal",
    Section.NOTES: "session notes",
}
SECTION_HINTS: dict[Section, str] = {
    Section.PLAN: "your vision, strengths, goals, steps and supporters map",
    Section.WELLNESS_PLAN: "your wellness toolbox, daily plan, triggers and early signs",
    Section.CRISIS_PLAN: "what helps in a crisis, who to call, and the after-crisis plan",
    Section.CHECKINS: "your check-ins, tool log, setbacks and progress charts",
    Section.MEASURES: "your answers to questionnaires and their scores",
    Section.JOURNAL: "every entry of your private journal",
    Section.NOTES: "the session notes written about you",
}
PURPOSE_LABELS: dict[SharingPurpose, str] = {
    SharingPurpose.ONGOING_SUPPORT: "Ongoing support",
    SharingPurpose.CRISIS_SUPPORT: "Support in a crisis",
    SharingPurpose.SUPERVISION: "Supervision of my peer specialist's work",
    SharingPurpose.CARE_COORDINATION: "Coordinating my care",
    SharingPurpose.FAMILY_AND_FRIENDS: "So family and friends can support me",
    SharingPurpose.OTHER: "Something else (say what)",
}
PURPOSE_WORDS: dict[SharingPurpose, str] = {
    SharingPurpose.ONGOING_SUPPORT: "for ongoing support",
    SharingPurpose.CRISIS_SUPPORT: "for support in a crisis",
    SharingPurpose.SUPERVISION: "for supervision of your peer specialist's work",
    SharingPurpose.CARE_COORDINATION: "to coordinate your care",
    SharingPurpose.FAMILY_AND_FRIENDS: "so family and friends can support you",
    SharingPurpose.OTHER: "for another reason",
}
# The page each section opens at, for someone it is shared with (journal: no list page).
SECTION_LINKS: dict[Section, str] = {
    Section.PLAN: "/members/{id}/plan",
    Section.WELLNESS_PLAN: "/members/{id}/wellness",
    Section.CRISIS_PLAN: "/members/{id}/wellness#section-crisis",
    Section.CHECKINS: "/members/{id}/checkins",
    Section.MEASURES: "/members/{id}/measures",
    Section.NOTES: "/members/{id}/notes",
}
KIND_ORDER = {
    RecipientKind.MY_PEER_SPECIALIST: 0,
    RecipientKind.MY_SUPERVISOR: 1,
    RecipientKind.STAFF: 2,
    RecipientKind.SUPPORTER: 3,
}
SHAREABLE_STAFF_ROLES = tuple(STAFF_ROLES)


class GrantError(ValueError):
    """Input that cannot become a grant. `field` and `message` name the first problem;
    `errors` holds every problem found (field -> message)."""

    def __init__(self, field: str, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.errors = dict(errors) if errors else {field: message}

    @classmethod
    def of(cls, errors: dict[str, str]) -> GrantError:
        first = next(iter(errors))
        return cls(first, errors[first], errors)


# ---- small helpers ---------------------------------------------------------------------------


def join_words(words: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def long_date(day: date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def recipient_value(grant: SharingGrant) -> str:
    """The form's value for a grant's recipient: my_peer_specialist, staff:12, ..."""
    if grant.recipient_kind.needs_user:
        return f"{grant.recipient_kind}:{grant.recipient_user_id}"
    return str(grant.recipient_kind)


def in_force(grant: SharingGrant, today: date) -> bool:
    return grant.revoked_at is None and (grant.expires_on is None or grant.expires_on >= today)


def parse_recipient(raw: str) -> tuple[RecipientKind, int | None] | None:
    raw = raw.strip()
    if raw in (RecipientKind.MY_PEER_SPECIALIST, RecipientKind.MY_SUPERVISOR):
        return RecipientKind(raw), None
    kind, _, number = raw.partition(":")
    if (
        kind in (RecipientKind.STAFF, RecipientKind.SUPPORTER)
        and number.isdigit()
        and len(number) <= 10
        and 1 <= int(number) <= MAX_ID
    ):
        return RecipientKind(kind), int(number)
    return None


def _member_self(db: Session, viewer: Viewer, member_id: int, action: Action) -> User:
    """The member, when `viewer` is that member; everyone else: NotFound (audited). Only the
    member holds the audit section of their own record, so the policy answers this."""
    return access.member_for_viewer(
        db, viewer, member_id, Section.AUDIT, action, record_type="sharing_grants"
    )


def is_own_record(db: Session, viewer: Viewer, member_id: int) -> bool:
    """Without an audit row: for API gates, which then call the audited path on refusal."""
    member = db.get(User, member_id)
    return (
        member is not None
        and member.role == Role.MEMBER
        and access.can(db, viewer.user, member, Section.AUDIT, Action.WRITE)
    )


def refuse_unless_own(db: Session, viewer: Viewer, member_id: int) -> None:
    if not is_own_record(db, viewer, member_id):
        _member_self(db, viewer, member_id, Action.WRITE)  # audits the refusal, NotFound


def staff_choices(db: Session, member: User) -> list[User]:
    """The organization's active staff a member can name as a recipient."""
    return list(
        db.scalars(
            select(User)
            .where(
                User.organization_id == member.organization_id,
                User.role.in_(SHAREABLE_STAFF_ROLES),
                User.is_active.is_(True),
            )
            .order_by(User.display_name, User.id)
        ).all()
    )


def current_peer(db: Session, member: User) -> User | None:
    peer_id = access.assigned_peer_id(db, member)
    return db.get(User, peer_id) if peer_id is not None else None


def current_supervisor(db: Session, member: User) -> User | None:
    peer_id = access.assigned_peer_id(db, member)
    if peer_id is None:
        return None
    supervisor_id = access.supervisor_id_of(db, member.organization_id, peer_id)
    return db.get(User, supervisor_id) if supervisor_id is not None else None


# ---- validation and writing ------------------------------------------------------------------


@dataclass
class GrantInput:
    """A grant as typed into the form or sent to the API, before any checks."""

    recipient: str = ""
    sections: list[str] = field(default_factory=list)
    purpose: str = ""
    purpose_detail: str = ""
    expires_on: str = ""


def _check_recipient(
    db: Session, member: User, raw: str, errors: dict[str, str]
) -> tuple[RecipientKind, User | None] | None:
    parsed = parse_recipient(raw)
    if parsed is None:
        errors["recipient"] = "Choose who to share with."
        return None
    kind, user_id = parsed
    if user_id is None:
        return kind, None
    user = db.get(User, user_id)
    ok = user is not None and user.organization_id == member.organization_id and user.is_active
    if kind == RecipientKind.STAFF:
        if not ok or user is None or user.role not in SHAREABLE_STAFF_ROLES:
            errors["recipient"] = (
                "Choose someone from the list: that person is not on the staff of your "
                "organization."
            )
            return None
        return kind, user
    linked = (
        ok
        and user is not None
        and user.role == Role.SUPPORTER
        and db.scalar(
            select(SupporterLink.id).where(
                SupporterLink.organization_id == member.organization_id,
                SupporterLink.member_id == member.id,
                SupporterLink.supporter_id == user_id,
            )
        )
        is not None
    )
    if not linked or user is None:
        errors["recipient"] = (
            "Choose one of your supporters from the list: that person is not in your support "
            "circle."
        )
        return None
    return kind, user


def _check_sections(raw: Iterable[Section | str], errors: dict[str, str]) -> list[Section]:
    known = {section.value: section for section in SHAREABLE}
    chosen: list[Section] = []
    for value in raw:
        section = known.get(str(value))
        if section is None:
            errors["sections"] = "Choose from the parts of your record listed."
            return []
        if section not in chosen:
            chosen.append(section)
    if not chosen:
        errors["sections"] = "Choose at least one part of your record to share."
    return chosen


def _check_purpose(
    purpose: SharingPurpose | str, detail: str, errors: dict[str, str]
) -> tuple[SharingPurpose | None, str]:
    try:
        chosen: SharingPurpose | None = SharingPurpose(purpose)
    except ValueError:
        errors["purpose"] = "Choose what the sharing is for."
        chosen = None
    detail = " ".join(detail.replace("\x00", "").split())
    if len(detail) > PURPOSE_DETAIL_MAX:
        errors["purpose_detail"] = (
            f"Please keep the reason to {PURPOSE_DETAIL_MAX} characters or fewer "
            f"(now {len(detail)})."
        )
    elif chosen == SharingPurpose.OTHER and not detail:
        errors["purpose_detail"] = 'You chose "something else": please say in a few words what for.'
    return chosen, detail


def _check_expiry(member: User, expires_on: date | None, errors: dict[str, str]) -> date | None:
    if expires_on is None:
        return None
    today = access.org_today(member.organization)
    latest = add_years(today, MAX_YEARS_AHEAD)
    if expires_on < today:
        errors["expires_on"] = (
            "That day has already passed. Choose today or a later day, or leave it empty for "
            "no end date."
        )
    elif expires_on > latest:
        errors["expires_on"] = (
            f"Choose a day within {MAX_YEARS_AHEAD} years (by {long_date(latest)}), or leave it "
            "empty for no end date."
        )
    return expires_on


def parse_date(raw: str, errors: dict[str, str]) -> date | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        if len(raw) != 10:
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        errors["expires_on"] = "Enter the last day as a date, for example 2027-06-30."
        return None


def recipient_words(db: Session, member: User, kind: RecipientKind, user: User | None) -> str:
    """Who it is, in words, for the audit log and the accounting of disclosures."""
    if kind == RecipientKind.MY_PEER_SPECIALIST:
        return "whoever is my peer specialist"
    if kind == RecipientKind.MY_SUPERVISOR:
        return "the supervisor of my peer specialist"
    name = user.display_name if user is not None else "someone"
    return f"{name} ({'supporter' if kind == RecipientKind.SUPPORTER else 'staff'})"


def _write(
    db: Session,
    viewer: Viewer,
    member: User,
    kind: RecipientKind,
    user: User | None,
    sections: list[Section],
    purpose: SharingPurpose,
    detail: str,
    expires_on: date | None,
) -> list[SharingGrant]:
    consent_id: int | None = None
    if kind == RecipientKind.SUPPORTER and user is not None:
        try:
            consent_id = part2.check_supporter_grant(db, member, user.id, sections)
        except part2.ConsentRequired as exc:
            raise GrantError("recipient", str(exc)) from exc
        consent = db.get(Part2Consent, consent_id) if consent_id is not None else None
        # Sharing protected records cannot outlast the consent that permits it.
        if (
            consent is not None
            and consent.expires_on is not None
            and (expires_on is None or expires_on > consent.expires_on)
        ):
            expires_on = consent.expires_on
    user_id = user.id if user is not None else None
    today = access.org_today(member.organization)
    now = utcnow()
    who = recipient_words(db, member, kind, user)
    until = long_date(expires_on) if expires_on else "no end date"
    existing = db.scalars(
        select(SharingGrant).where(
            SharingGrant.organization_id == member.organization_id,
            SharingGrant.member_id == member.id,
            SharingGrant.recipient_kind == kind,
            SharingGrant.recipient_user_id.is_(None)
            if user_id is None
            else SharingGrant.recipient_user_id == user_id,
            SharingGrant.section.in_([s.value for s in sections]),
            access.grant_in_force(today),
        )
    ).all()
    for old in existing:
        old.revoked_at = now
        old.revoked_by_id = viewer.user.id
        audit.record(
            db,
            viewer=viewer,
            action=f"stop_sharing:{old.section}",
            record_type=RECORD_TYPE,
            record_id=old.id,
            subject_member_id=member.id,
            allowed=True,
            detail=f"replaced by a new choice; {who}",
        )
    created = []
    for section in sections:
        grant = SharingGrant(
            organization_id=member.organization_id,
            member_id=member.id,
            recipient_kind=kind,
            recipient_user_id=user_id,
            section=section.value,
            purpose=purpose,
            purpose_detail=detail,
            expires_on=expires_on,
            from_defaults=False,
            created_by_id=viewer.user.id,
            part2_consent_id=consent_id,
        )
        db.add(grant)
        created.append(grant)
    db.flush()
    for grant in created:
        audit.record(
            db,
            viewer=viewer,
            action=f"share:{grant.section}",
            record_type=RECORD_TYPE,
            record_id=grant.id,
            subject_member_id=member.id,
            allowed=True,
            detail=f"with {who}; {purpose.value}{': ' + detail if detail else ''}; until {until}",
        )
    if consent_id is not None:
        part2.record_disclosure(
            db,
            viewer,
            member,
            kind="grant",
            recipient=who,
            description=(
                f"Sharing of {join_words([SECTION_WORDS[s] for s in sections])} "
                f"{PURPOSE_WORDS[purpose]}, until {until}."
            ),
            consent_id=consent_id,
            included_part2=True,
        )
    return created


def create_grants(
    db: Session,
    viewer: Viewer,
    member_id: int,
    *,
    recipient: str,
    sections: list[Section],
    purpose: SharingPurpose,
    purpose_detail: str = "",
    expires_on: date | None,
) -> list[SharingGrant]:
    """Share `sections` with `recipient` ("my_peer_specialist", "my_supervisor", "staff:<id>",
    "supporter:<id>"). Only the member themself; GrantError for bad input, nothing saved."""
    member = _member_self(db, viewer, member_id, Action.WRITE)
    return _validate_and_write(
        db, viewer, member, recipient, list(sections), purpose, purpose_detail, expires_on, {}
    )


def create_from_input(
    db: Session, viewer: Viewer, member_id: int, data: GrantInput
) -> list[SharingGrant]:
    """The form's and the API's way in: raw values, every problem reported at once."""
    member = _member_self(db, viewer, member_id, Action.WRITE)
    errors: dict[str, str] = {}
    expires_on = parse_date(data.expires_on, errors)
    return _validate_and_write(
        db,
        viewer,
        member,
        data.recipient,
        list(data.sections),
        data.purpose,
        data.purpose_detail,
        expires_on,
        errors,
    )


def _validate_and_write(
    db: Session,
    viewer: Viewer,
    member: User,
    recipient: str,
    sections: list[Section | str],
    purpose: SharingPurpose | str,
    purpose_detail: str,
    expires_on: date | None,
    errors: dict[str, str],
) -> list[SharingGrant]:
    target = _check_recipient(db, member, str(recipient), errors)
    chosen = _check_sections(sections, errors)
    chosen_purpose, detail = _check_purpose(purpose, str(purpose_detail or ""), errors)
    if "expires_on" not in errors:
        expires_on = _check_expiry(member, expires_on, errors)
    if errors or target is None or chosen_purpose is None:
        raise GrantError.of(errors or {"recipient": "Choose who to share with."})
    kind, user = target
    return _write(db, viewer, member, kind, user, chosen, chosen_purpose, detail, expires_on)


def _own_grant(db: Session, member: User, grant_id: int) -> SharingGrant:
    grant = db.get(SharingGrant, grant_id)
    if (
        grant is None
        or grant.organization_id != member.organization_id
        or grant.member_id != member.id
    ):
        raise NotFound()
    return grant


def revoke_grant(db: Session, viewer: Viewer, member_id: int, grant_id: int) -> SharingGrant:
    """Stop one grant, from the next request on. Member only; stopping it twice changes
    nothing."""
    member = _member_self(db, viewer, member_id, Action.WRITE)
    grant = _own_grant(db, member, grant_id)
    if grant.revoked_at is None:
        _stop(db, viewer, member, grant, "stopped by the member")
        db.flush()
    return grant


def _stop(db: Session, viewer: Viewer, member: User, grant: SharingGrant, why: str) -> None:
    grant.revoked_at = utcnow()
    grant.revoked_by_id = viewer.user.id
    audit.record(
        db,
        viewer=viewer,
        action=f"stop_sharing:{grant.section}",
        record_type=RECORD_TYPE,
        record_id=grant.id,
        subject_member_id=member.id,
        allowed=True,
        detail=why,
    )


def revoke_all_for(
    db: Session, viewer: Viewer, member_id: int, recipient_user_id: int
) -> list[SharingGrant]:
    """Stop every grant in force that names `recipient_user_id` (a supporter removed from the
    circle, or leaving it). Allowed for the member, the recipient themself, or an admin of
    the member's organization; anyone else: NotFound (audited)."""
    member = db.get(User, member_id)
    user = viewer.user
    allowed = (
        member is not None
        and member.role == Role.MEMBER
        and member.organization_id == user.organization_id
        and user.is_active
        and (user.id in (member.id, recipient_user_id) or user.role == Role.ADMIN)
    )
    if not allowed or member is None:
        audit.record(
            db,
            viewer=viewer,
            action="write:sharing",
            record_type="sharing_grants",
            record_id=member_id,
            subject_member_id=member.id
            if member is not None and member.organization_id == viewer.org_id
            else None,
            allowed=False,
        )
        raise NotFound()
    grants = db.scalars(
        select(SharingGrant).where(
            SharingGrant.organization_id == member.organization_id,
            SharingGrant.member_id == member.id,
            SharingGrant.recipient_user_id == recipient_user_id,
            SharingGrant.revoked_at.is_(None),
        )
    ).all()
    for grant in grants:
        _stop(db, viewer, member, grant, "the recipient left the member's circle")
    db.flush()
    return list(grants)


# ---- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GrantView:
    grant: SharingGrant
    section: Section
    section_words: str
    purpose_words: str
    until_words: str
    recipient_value: str
    recipient_words: str
    in_force: bool
    expired: bool


@dataclass(frozen=True)
class RecipientGroup:
    key: str
    label: str
    summary: str
    rows: list[GrantView]


@dataclass(frozen=True)
class SharingOverview:
    member: User
    organization_name: str
    groups: list[RecipientGroup]
    past: list[GrantView]
    peer: User | None
    supervisor: User | None
    staff: list[User]
    supporters: list[tuple[User, str]]
    default_peer: str  # "recovery plan, crisis plan and check-ins", or ""
    default_supervisor: str
    today: date
    latest: date


def _section(value: str) -> Section | None:
    try:
        section = Section(value)
    except ValueError:
        return None
    return section if section in SHAREABLE else None


def _purpose_words(grant: SharingGrant) -> str:
    if grant.purpose == SharingPurpose.OTHER:
        return f"for: {grant.purpose_detail}" if grant.purpose_detail else "for another reason"
    words = PURPOSE_WORDS.get(grant.purpose, "")
    return f"{words} ({grant.purpose_detail})" if grant.purpose_detail else words


def _group_label(
    kind: RecipientKind, user: User | None, peer: User | None, sup: User | None
) -> str:
    if kind == RecipientKind.MY_PEER_SPECIALIST:
        now = f"now: {peer.display_name}" if peer else "no one is assigned right now"
        return f"Your peer specialist, whoever that is ({now})"
    if kind == RecipientKind.MY_SUPERVISOR:
        now = f"now: {sup.display_name}" if sup else "no one right now"
        return f"Your peer specialist's supervisor, whoever that is ({now})"
    if user is None:
        return "Someone who no longer has an account"
    if kind == RecipientKind.SUPPORTER:
        return f"{user.display_name}, your supporter"
    role = user.role.label.lower() if user.role in set(Role) else "staff"
    return f"{user.display_name} ({role}), by name"


def _subject(label: str, grant: SharingGrant) -> str:
    """The group's label as the subject of a sentence: "Your peer specialist, whoever that
    is (now: Rosa Delgado), can see ..."; a named person without "by name"."""
    if grant.recipient_kind == RecipientKind.STAFF:
        return label.removesuffix(", by name")
    if "," in label:
        return f"{label},"
    return label


def describe(
    grant: SharingGrant,
    today: date,
    users: dict[int, User],
    peer: User | None,
    supervisor: User | None,
) -> GrantView | None:
    section = _section(grant.section)
    if section is None:
        return None
    user = users.get(grant.recipient_user_id or 0)
    if grant.revoked_at is not None:
        until = f"stopped on {long_date(grant.revoked_at.date())}"
    elif grant.expires_on is None:
        until = "no end date"
    elif grant.expires_on < today:
        until = f"ended after {long_date(grant.expires_on)}"
    else:
        until = f"until the end of {long_date(grant.expires_on)}"
    return GrantView(
        grant=grant,
        section=section,
        section_words=SECTION_WORDS[section],
        purpose_words=_purpose_words(grant),
        until_words=until,
        recipient_value=recipient_value(grant),
        recipient_words=_group_label(grant.recipient_kind, user, peer, supervisor),
        in_force=in_force(grant, today),
        expired=grant.revoked_at is None and not in_force(grant, today),
    )


def member_grants(db: Session, viewer: Viewer, member_id: int) -> tuple[User, list[SharingGrant]]:
    """Every grant the member ever made or was given at enrolment, newest first. Member only."""
    member = _member_self(db, viewer, member_id, Action.READ)
    grants = db.scalars(
        select(SharingGrant)
        .where(
            SharingGrant.organization_id == member.organization_id,
            SharingGrant.member_id == member.id,
        )
        .order_by(SharingGrant.created_at.desc(), SharingGrant.id.desc())
    ).all()
    return member, list(grants)


def _users(db: Session, ids: Iterable[int | None]) -> dict[int, User]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return {u.id: u for u in db.scalars(select(User).where(User.id.in_(wanted))).all()}


def overview(db: Session, viewer: Viewer, member_id: int) -> SharingOverview:
    """Everything the member's sharing page shows."""
    member, grants = member_grants(db, viewer, member_id)
    today = access.org_today(member.organization)
    peer, supervisor = current_peer(db, member), current_supervisor(db, member)
    users = _users(db, (g.recipient_user_id for g in grants))
    groups: dict[str, list[GrantView]] = {}
    order: dict[str, tuple[int, str]] = {}
    past: list[GrantView] = []
    for grant in grants:
        view = describe(grant, today, users, peer, supervisor)
        if view is None:
            continue
        if not view.in_force:
            past.append(view)
            continue
        groups.setdefault(view.recipient_value, []).append(view)
        order[view.recipient_value] = (KIND_ORDER[grant.recipient_kind], view.recipient_words)
    section_order = {s: i for i, s in enumerate(SHAREABLE)}
    result = []
    for key in sorted(groups, key=lambda k: order[k]):
        rows = sorted(groups[key], key=lambda v: section_order[v.section])
        label = rows[0].recipient_words
        result.append(
            RecipientGroup(
                key=key,
                label=label,
                summary=f"{_subject(label, rows[0].grant)} can see your "
                f"{join_words([r.section_words for r in rows])}.",
                rows=rows,
            )
        )
    defaults = org_settings(member.organization).sharing_defaults
    return SharingOverview(
        member=member,
        organization_name=member.organization.name,
        groups=result,
        past=past,
        peer=peer,
        supervisor=supervisor,
        staff=staff_choices(db, member),
        supporters=part2.linked_supporters(db, member),
        default_peer=join_words([SECTION_WORDS[Section(s)] for s in defaults.my_peer_specialist]),
        default_supervisor=join_words([SECTION_WORDS[Section(s)] for s in defaults.my_supervisor]),
        today=today,
        latest=add_years(today, MAX_YEARS_AHEAD),
    )


def grant_to_stop(db: Session, viewer: Viewer, member_id: int, grant_id: int) -> GrantView:
    """One of the member's own grants, described, for the "stop sharing?" page."""
    member = _member_self(db, viewer, member_id, Action.READ)
    grant = _own_grant(db, member, grant_id)
    today = access.org_today(member.organization)
    view = describe(
        grant,
        today,
        _users(db, [grant.recipient_user_id]),
        current_peer(db, member),
        current_supervisor(db, member),
    )
    if view is None:
        raise NotFound()
    return view


@dataclass(frozen=True)
class SharedSection:
    section: Section
    words: str
    url: str
    until_words: str
    purpose_words: str


@dataclass(frozen=True)
class SharedMember:
    member: User
    sections: list[SharedSection]


def shared_with_me(db: Session, viewer: Viewer) -> list[SharedMember]:
    """Members who share something with this staff user by name, with the sections in force
    today. Each member shown is read through the policy (audited per member)."""
    access.require_role(viewer, *SHAREABLE_STAFF_ROLES)
    user = viewer.user
    today = access.org_today(user.organization)
    grants = db.scalars(
        select(SharingGrant)
        .where(
            SharingGrant.organization_id == user.organization_id,
            SharingGrant.recipient_kind == RecipientKind.STAFF,
            SharingGrant.recipient_user_id == user.id,
            access.grant_in_force(today),
        )
        .order_by(SharingGrant.member_id, SharingGrant.id)
    ).all()
    by_member: dict[int, list[SharingGrant]] = {}
    for grant in grants:
        by_member.setdefault(grant.member_id, []).append(grant)
    section_order = {s: i for i, s in enumerate(SHAREABLE)}
    result = []
    for member_id, rows in by_member.items():
        candidate = db.get(User, member_id)
        if candidate is None or not candidate.is_active:
            continue
        try:
            member = access.member_for_viewer(
                db, viewer, member_id, Section.PROFILE, record_type="shared_with_me"
            )
        except NotFound:
            continue
        sections: dict[Section, SharedSection] = {}
        for grant in rows:
            section = _section(grant.section)
            if section is None or section in sections:
                continue
            link = SECTION_LINKS.get(section, "")
            sections[section] = SharedSection(
                section=section,
                words=SECTION_WORDS[section],
                url=link.format(id=member.id) if link else "",
                until_words=(
                    f"until the end of {long_date(grant.expires_on)}"
                    if grant.expires_on
                    else "no end date"
                ),
                purpose_words=_purpose_words(grant),
            )
        result.append(
            SharedMember(
                member=member,
                sections=sorted(sections.values(), key=lambda s: section_order[s.section]),
            )
        )
    result.sort(key=lambda m: (m.member.display_name.lower(), m.member.id))
    return result
