"""42 CFR Part 2 rules used by the other sharing packages (no web code here).

A record is tagged (Part2Record) when it was created while its member was enrolled in a Part 2
programme. Disclosing tagged records outside the organization needs a consent in force that
holds every §2.31 element; each disclosure is written to the accounting (Disclosure).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import exists, or_, select, update
from sqlalchemy.orm import Session

from peerpath.core import access, audit
from peerpath.core.access import Action, Section, org_today
from peerpath.core.audit import Viewer
from peerpath.core.crypto import Keyring
from peerpath.core.errors import Invalid, NotFound
from peerpath.db.base import utcnow
from peerpath.db.models import (
    Disclosure,
    Part2Consent,
    Part2Record,
    Program,
    ProgramEnrollment,
    Role,
    SharingGrant,
    SupporterLink,
    User,
)

# The notice that goes with every disclosure of Part 2 records (what section 2.32 asks for, in
# our own words). The ONE place this wording lives: pages show it through the
# `part2_notice` macro in templates/sharing/part2/_notice.html, the JSON export carries it
# as `part2_notice`, and the .zip's README.txt starts with it.
NOTICE_TITLE = "Confidential: protected by federal law"
NOTICE = (
    "The information you have received comes from records that are protected by the federal "
    "confidentiality rules for substance use disorder records (42 CFR Part 2). You may not "
    "share it with anyone else, or use it for any purpose other than the one it was given to "
    "you for, unless the person it is about agrees in writing in a way those rules accept, or "
    "the rules themselves allow it. A general permission to release medical information is "
    "not enough. The information may not be used against the person it is about in any "
    "civil, criminal, administrative or legislative proceeding without their consent or a "
    "court order that meets those rules."
)

# What the member reads beside the tick box: the right to revoke, in plain words.
RIGHT_TO_REVOKE = (
    "I understand that I can take back (revoke) this consent at any time, on the My consents "
    "page or by telling my programme, except for anything already shared because of it "
    "before I took it back."
)


class ConsentRequired(ValueError):
    """Tagged records would leave the organization without a Part 2 consent in force."""


def tables_of_sections(sections: Iterable[Section]) -> set[str]:
    """The registry tables holding the given sections of a member's record."""
    from peerpath.rights.registry import REGISTRY

    wanted = set(sections)
    return {entry.table for entry in REGISTRY if entry.section in wanted}


def has_part2_records(db: Session, member: User, sections: Iterable[Section] | None = None) -> bool:
    """Does the member have tagged records (in these sections, or anywhere)?"""
    query = select(Part2Record.id).where(
        Part2Record.organization_id == member.organization_id,
        Part2Record.member_id == member.id,
    )
    if sections is not None:
        query = query.where(Part2Record.record_type.in_(tables_of_sections(sections)))
    return bool(db.scalar(select(exists(query))))


def consent_in_force(
    db: Session, member: User, *, recipient_user_id: int | None = None
) -> Part2Consent | None:
    """The newest consent in force (not revoked, not expired by date) for this member; with
    `recipient_user_id`, one that names that account as its recipient."""
    today = org_today(member.organization)
    query = select(Part2Consent).where(
        Part2Consent.organization_id == member.organization_id,
        Part2Consent.member_id == member.id,
        Part2Consent.revoked_at.is_(None),
        or_(Part2Consent.expires_on.is_(None), Part2Consent.expires_on >= today),
    )
    if recipient_user_id is not None:
        query = query.where(Part2Consent.recipient_user_id == recipient_user_id)
    return db.scalars(query.order_by(Part2Consent.id.desc()).limit(1)).first()


def check_supporter_grant(
    db: Session, member: User, supporter_id: int, sections: Iterable[Section]
) -> int | None:
    """Before sharing `sections` with a supporter (someone outside the organization): the id
    of the consent that permits it, None when no tagged record is involved, or
    ConsentRequired."""
    sections = list(sections)
    if not has_part2_records(db, member, sections):
        return None
    consent = consent_in_force(db, member, recipient_user_id=supporter_id)
    if consent is None:
        raise ConsentRequired(
            "Some of these records are protected by federal law (42 CFR Part 2). Sharing them "
            "with a supporter needs a written consent that names this supporter."
        )
    return consent.id


def record_disclosure(
    db: Session,
    viewer: Viewer,
    member: User,
    *,
    kind: str,
    recipient: str,
    description: str,
    consent_id: int | None,
    included_part2: bool,
) -> Disclosure:
    """Write one disclosure to the member's accounting of disclosures (and the audit log)."""
    disclosure = Disclosure(
        organization_id=member.organization_id,
        member_id=member.id,
        consent_id=consent_id,
        disclosed_by_id=viewer.user.id,
        recipient=recipient[:500],
        kind=kind,
        description=description,
        included_part2=included_part2,
    )
    db.add(disclosure)
    db.flush()
    audit.record(
        db,
        viewer=viewer,
        action=f"disclose:{kind}",
        record_type="disclosure",
        record_id=disclosure.id,
        subject_member_id=member.id,
        allowed=True,
    )
    return disclosure


# ---- consents: every section 2.31 element, or nothing is saved ----------------------------

LIMITS = {
    "member_name": 200,
    "disclosing_party": 300,
    "information_description": 4000,
    "recipients": 500,
    "purpose": 2000,
    "expiry_event": 300,
    "signature": 200,
}
# Each element the regulation asks a consent to hold -> the form field its problem is shown
# next to. "expiry" is the fieldset holding the end date and the end event.
ELEMENTS: dict[str, str] = {
    "member_name": "Your name",
    "disclosing_party": "Who may share it",
    "information_description": "What may be shared",
    "recipients": "Who may receive it",
    "purpose": "What for",
    "right_to_revoke_acknowledged": "Taking it back",
    "expiry": "When it ends",
    "signature": "Signature",
    "signed_on": "Date",
}
STATUS_LABELS = {
    "in_force": "In force",
    "expired": "Ended (its end date has passed)",
    "revoked": "Taken back",
}
KIND_LABELS = {
    "export": "A copy of my record (download)",
    "print": "A copy of my record (to read or print)",
    "grant": "Shared with a supporter in peerpath",
}


@dataclass
class ConsentInput:
    """What the member filled in, as text (the page's form and the API give the same)."""

    member_name: str = ""
    disclosing_party: str = ""
    information_description: str = ""
    recipients: str = ""
    recipient_user_id: str = ""  # a linked supporter's account id, or ""
    purpose: str = ""
    right_to_revoke_acknowledged: bool = False
    expires_on: str = ""  # YYYY-MM-DD
    expiry_event: str = ""
    signature: str = ""
    signed_on: str = ""  # YYYY-MM-DD


@dataclass(frozen=True)
class ConsentLine:
    consent: Part2Consent
    status: str  # in_force, expired, revoked
    recipient_account: str  # the named supporter's display name, or ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def in_force(self) -> bool:
        return self.status == "in_force"


@dataclass(frozen=True)
class DisclosureLine:
    disclosure: Disclosure
    by: str
    consent: Part2Consent | None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.disclosure.kind, self.disclosure.kind)


def _plain_text(value: str) -> str:
    return value.replace("\x00", "").strip()


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _parse_day(value: str) -> date | None:
    value = value.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def linked_supporters(db: Session, member: User) -> list[tuple[User, str]]:
    """The supporters this member linked, with the relationship the member gave (a consent
    may name one as recipient; the sharing page offers them as recipients of grants)."""
    rows = db.execute(
        select(User, SupporterLink.relationship_label)
        .join(
            SupporterLink,
            (SupporterLink.supporter_id == User.id)
            & (SupporterLink.organization_id == User.organization_id),
        )
        .where(
            SupporterLink.organization_id == member.organization_id,
            SupporterLink.member_id == member.id,
            User.role == Role.SUPPORTER,
        )
        .order_by(User.display_name, User.id)
    ).all()
    return [(user, label or "") for user, label in rows]


def part2_programme_names(db: Session, member: User) -> list[str]:
    """The Part 2 programmes this member is or was enrolled in."""
    return list(
        db.scalars(
            select(Program.name)
            .join(
                ProgramEnrollment,
                (ProgramEnrollment.program_id == Program.id)
                & (ProgramEnrollment.organization_id == Program.organization_id),
            )
            .where(
                Program.organization_id == member.organization_id,
                Program.is_part2.is_(True),
                ProgramEnrollment.member_id == member.id,
            )
            .distinct()
            .order_by(Program.name)
        ).all()
    )


def consent_defaults(db: Session, member: User) -> dict[str, str]:
    """What the empty form starts with: the member's name, their organization (and Part 2
    programmes) as the party that may share, and today as the date."""
    programmes = part2_programme_names(db, member)
    party = member.organization.name
    if programmes:
        party = f"{party} ({', '.join(programmes)})"
    return {
        "member_name": member.display_name,
        "disclosing_party": party,
        "signed_on": org_today(member.organization).isoformat(),
    }


def _consent_member(db: Session, viewer: Viewer, member_id: int, action: Action, **kw: Any) -> User:
    # Only the member holds the AUDIT section of their own record: consents and the
    # accounting of disclosures are the member's alone. Everyone else: NotFound (audited).
    return access.member_for_viewer(db, viewer, member_id, Section.AUDIT, action, **kw)


def validate_consent(db: Session, member: User, data: ConsentInput) -> dict[str, Any]:
    """The consent's column values, or Invalid naming every missing or wrong element."""
    errors: dict[str, str] = {}
    today = org_today(member.organization)
    values: dict[str, Any] = {}
    for name in ("member_name", "disclosing_party", "recipients", "expiry_event", "signature"):
        values[name] = " ".join(getattr(data, name).replace("\x00", "").split())
    for name in ("information_description", "purpose"):
        values[name] = _plain_text(getattr(data, name))
    for name, limit in LIMITS.items():
        if len(values[name]) > limit:
            errors[name] = f"{ELEMENTS.get(name, 'This')}: please keep it to {limit} characters."

    if not values["member_name"]:
        errors.setdefault("member_name", "Your name: please write your full name.")
    if not values["disclosing_party"]:
        errors.setdefault(
            "disclosing_party",
            "Who may share it: please name the programme or organization that may share "
            "your records.",
        )
    if not values["information_description"]:
        errors.setdefault(
            "information_description",
            "What may be shared: please describe which information, and how much of it, "
            "may be shared.",
        )

    recipient: User | None = None
    raw_recipient = data.recipient_user_id.strip()
    if raw_recipient:
        chosen = int(raw_recipient) if raw_recipient.isdigit() and len(raw_recipient) < 10 else 0
        recipient = next((s for s, _ in linked_supporters(db, member) if s.id == chosen), None)
        if recipient is None:
            errors["recipient_user_id"] = (
                "Supporter: please choose one of your supporters from the list, or none."
            )
    if not values["recipients"] and recipient is not None:
        values["recipients"] = recipient.display_name
    if not values["recipients"] and "recipient_user_id" not in errors:
        errors.setdefault(
            "recipients",
            "Who may receive it: please name the people or organizations who may receive "
            "your records, or choose a supporter.",
        )
    if not values["purpose"]:
        errors.setdefault("purpose", "What for: please say why the records may be shared.")
    if not data.right_to_revoke_acknowledged:
        errors["right_to_revoke_acknowledged"] = (
            "Taking it back: please tick the box to show you have read that you can take "
            "this consent back."
        )

    expires_on: date | None = None
    if data.expires_on.strip():
        expires_on = _parse_day(data.expires_on)
        if expires_on is None:
            errors["expires_on"] = "End date: please enter a date like 2026-12-31."
        elif expires_on < today:
            errors["expires_on"] = "End date: please choose today or a later day."
    if expires_on is None and not values["expiry_event"] and "expires_on" not in errors:
        errors["expiry"] = (
            "When it ends: please give an end date, or describe the event or condition that "
            "ends it (or both)."
        )

    if not values["signature"]:
        errors.setdefault("signature", "Signature: please type your full name to sign.")
    elif values["member_name"] and not _same_name(values["signature"], values["member_name"]):
        errors.setdefault(
            "signature", "Signature: please type your full name exactly as you wrote it above."
        )
    signed_on = _parse_day(data.signed_on) if data.signed_on.strip() else None
    if not data.signed_on.strip():
        errors["signed_on"] = "Date: please enter the date you sign."
    elif signed_on is None:
        errors["signed_on"] = "Date: please enter a date like 2026-12-31."
    elif signed_on > today:
        errors["signed_on"] = "Date: the date you sign cannot be in the future."

    if errors:
        raise Invalid(
            "This consent was not saved: every part marked below is needed.", errors=errors
        )
    values.update(
        recipient_user_id=recipient.id if recipient is not None else None,
        right_to_revoke_acknowledged=True,
        expires_on=expires_on,
        signed_on=signed_on,
    )
    return values


def create_consent(db: Session, viewer: Viewer, member_id: int, data: ConsentInput) -> Part2Consent:
    """The member's written consent; refused (Invalid, nothing saved) with any element missing."""
    member = _consent_member(db, viewer, member_id, Action.WRITE, record_type="part2_consent")
    values = validate_consent(db, member, data)
    consent = Part2Consent(
        organization_id=member.organization_id,
        member_id=member.id,
        created_by_id=viewer.user.id,
        **values,
    )
    db.add(consent)
    db.flush()
    audit.record(
        db,
        viewer=viewer,
        action="create:part2_consent",
        record_type="part2_consent",
        record_id=consent.id,
        subject_member_id=member.id,
        allowed=True,
    )
    return consent


def consent_status(consent: Part2Consent, today: date) -> str:
    if consent.revoked_at is not None:
        return "revoked"
    if consent.expires_on is not None and consent.expires_on < today:
        return "expired"
    return "in_force"


def _lines(db: Session, member: User, consents: Sequence[Part2Consent]) -> list[ConsentLine]:
    today = org_today(member.organization)
    ids = {c.recipient_user_id for c in consents if c.recipient_user_id}
    names = (
        dict(db.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())
        if ids
        else {}
    )
    return [
        ConsentLine(c, consent_status(c, today), names.get(c.recipient_user_id or 0, ""))
        for c in consents
    ]


def list_consents(db: Session, viewer: Viewer, member_id: int) -> tuple[User, list[ConsentLine]]:
    member = _consent_member(db, viewer, member_id, Action.READ, record_type="part2_consents")
    consents = db.scalars(
        select(Part2Consent)
        .where(
            Part2Consent.organization_id == member.organization_id,
            Part2Consent.member_id == member.id,
        )
        .order_by(Part2Consent.id.desc())
    ).all()
    return member, _lines(db, member, consents)


def _own_consent(db: Session, member: User, consent_id: int) -> Part2Consent:
    consent = db.get(Part2Consent, consent_id)
    if (
        consent is None
        or consent.organization_id != member.organization_id
        or consent.member_id != member.id
    ):
        raise NotFound()
    return consent


def get_consent(db: Session, viewer: Viewer, member_id: int, consent_id: int) -> ConsentLine:
    member = _consent_member(
        db, viewer, member_id, Action.READ, record_type="part2_consent", record_id=consent_id
    )
    return _lines(db, member, [_own_consent(db, member, consent_id)])[0]


def grants_under(db: Session, member: User, consent_id: int) -> Sequence[SharingGrant]:
    """The sharing grants in force that rely on this consent (they stop when it is revoked)."""
    return db.scalars(
        select(SharingGrant)
        .where(
            SharingGrant.organization_id == member.organization_id,
            SharingGrant.member_id == member.id,
            SharingGrant.part2_consent_id == consent_id,
            SharingGrant.revoked_at.is_(None),
        )
        .order_by(SharingGrant.id)
    ).all()


def grants_under_consent(
    db: Session, viewer: Viewer, member_id: int, consent_id: int
) -> tuple[ConsentLine, Sequence[SharingGrant]]:
    """For the revoke confirmation: the consent and the sharing that would stop with it."""
    line = get_consent(db, viewer, member_id, consent_id)
    member = db.get(User, member_id)
    assert member is not None
    return line, grants_under(db, member, consent_id)


def revoke_consent(db: Session, viewer: Viewer, member_id: int, consent_id: int) -> Part2Consent:
    """Take a consent back (idempotent). Sharing grants that relied on it stop at once."""
    member = _consent_member(
        db, viewer, member_id, Action.WRITE, record_type="part2_consent", record_id=consent_id
    )
    consent = _own_consent(db, member, consent_id)
    if consent.revoked_at is not None:
        return consent
    now = utcnow()
    consent.revoked_at = now
    stopped = db.execute(
        update(SharingGrant)
        .where(
            SharingGrant.organization_id == member.organization_id,
            SharingGrant.member_id == member.id,
            SharingGrant.part2_consent_id == consent.id,
            SharingGrant.revoked_at.is_(None),
        )
        .values(revoked_at=now, revoked_by_id=viewer.user.id)
        .execution_options(synchronize_session="fetch")
    )
    audit.record(
        db,
        viewer=viewer,
        action="revoke:part2_consent",
        record_type="part2_consent",
        record_id=consent.id,
        subject_member_id=member.id,
        allowed=True,
        detail=f"{getattr(stopped, 'rowcount', 0)} sharing choices stopped with it",
    )
    db.flush()
    return consent


# ---- the accounting of disclosures ---------------------------------------------------------


def list_disclosures(
    db: Session, viewer: Viewer, member_id: int
) -> tuple[User, list[DisclosureLine]]:
    """Every disclosure of the member's records outside the organization, newest first."""
    member = _consent_member(db, viewer, member_id, Action.READ, record_type="disclosures")
    rows = db.scalars(
        select(Disclosure)
        .where(
            Disclosure.organization_id == member.organization_id,
            Disclosure.member_id == member.id,
        )
        .order_by(Disclosure.created_at.desc(), Disclosure.id.desc())
    ).all()
    user_ids = {r.disclosed_by_id for r in rows if r.disclosed_by_id}
    names = (
        dict(db.execute(select(User.id, User.display_name).where(User.id.in_(user_ids))).all())
        if user_ids
        else {}
    )
    consent_ids = {r.consent_id for r in rows if r.consent_id}
    consents = (
        {
            c.id: c
            for c in db.scalars(
                select(Part2Consent).where(
                    Part2Consent.organization_id == member.organization_id,
                    Part2Consent.member_id == member.id,
                    Part2Consent.id.in_(consent_ids),
                )
            )
        }
        if consent_ids
        else {}
    )
    lines = []
    for row in rows:
        if row.disclosed_by_id == member.id:
            by = "You"
        else:
            by = names.get(row.disclosed_by_id or 0, "peerpath")
        lines.append(DisclosureLine(row, by, consents.get(row.consent_id or 0)))
    return member, lines


# ---- the notice on pages a supporter opens -------------------------------------------------


def notice_for(db: Session, viewer: User, member: User) -> str | None:
    """The section 2.32 notice when `viewer` is a supporter (outside the organization) and the
    sections `member` shares with them hold tagged records; otherwise None."""
    if viewer.role != Role.SUPPORTER:
        return None
    sections = access.shared_sections(db, viewer, member)
    if not sections or not has_part2_records(db, member, sections):
        return None
    return NOTICE


# ---- a copy of the record for someone else -------------------------------------------------


@dataclass
class ExportRequest:
    recipient: str = ""
    purpose: str = ""
    consent_id: str = ""  # digits or ""


class ConsentMissing(Invalid):
    """Tagged records, and no consent in force to disclose them: the page links the form."""


def check_export_request(
    db: Session, member: User, request: ExportRequest
) -> tuple[str, str, Part2Consent | None, bool]:
    errors: dict[str, str] = {}
    recipient = " ".join(request.recipient.replace("\x00", "").split())
    purpose = " ".join(request.purpose.replace("\x00", "").split())
    if not recipient:
        errors["recipient"] = (
            "Who it is for: please write the name of the person or organization who will "
            "receive the copy."
        )
    elif len(recipient) > 200:
        errors["recipient"] = "Who it is for: please keep it to 200 characters."
    if not purpose:
        errors["purpose"] = "What for: please say why they are receiving it."
    elif len(purpose) > 500:
        errors["purpose"] = "What for: please keep it to 500 characters."
    tagged = has_part2_records(db, member)
    consent: Part2Consent | None = None
    missing = False
    raw = request.consent_id.strip()
    if raw:
        chosen = int(raw) if raw.isdigit() and len(raw) < 10 else 0
        candidate = db.get(Part2Consent, chosen) if chosen else None
        today = org_today(member.organization)
        if (
            candidate is not None
            and candidate.organization_id == member.organization_id
            and candidate.member_id == member.id
            and consent_status(candidate, today) == "in_force"
        ):
            consent = candidate
        else:
            errors["consent_id"] = "Consent: please choose one of your consents that is in force."
    elif tagged:
        if consent_in_force(db, member) is None:
            missing = True
            errors["consent_id"] = (
                "Consent: part of your record is protected by federal law (42 CFR Part 2). "
                "Before a copy goes to someone else, please fill in a consent form that "
                "names them."
            )
        else:
            errors["consent_id"] = "Consent: please choose the consent that allows this."
    if errors:
        message = (
            "No copy was made: part of your record needs your written consent before it goes "
            "to someone else."
            if missing
            else "No copy was made yet: please look at the parts marked below."
        )
        raise (ConsentMissing if missing else Invalid)(message, errors=errors)
    return recipient, purpose, consent, tagged


def consents_in_force(db: Session, member: User) -> list[Part2Consent]:
    today = org_today(member.organization)
    return list(
        db.scalars(
            select(Part2Consent)
            .where(
                Part2Consent.organization_id == member.organization_id,
                Part2Consent.member_id == member.id,
                Part2Consent.revoked_at.is_(None),
                or_(Part2Consent.expires_on.is_(None), Part2Consent.expires_on >= today),
            )
            .order_by(Part2Consent.id.desc())
        ).all()
    )


def export_choices(db: Session, viewer: Viewer) -> tuple[bool, list[Part2Consent]]:
    """For the export page (the member themself): are there tagged records, and the
    consents in force to choose from."""
    member = _consent_member(db, viewer, viewer.user.id, Action.READ, record_type="part2_consents")
    return has_part2_records(db, member), consents_in_force(db, member)


def export_for_someone_else(
    db: Session,
    keyring: Keyring | None,
    viewer: Viewer,
    member_id: int,
    request: ExportRequest,
    *,
    kind: str,
) -> dict[str, Any]:
    """The member's export (rights.export.build_export) made for someone else: refused
    without a consent in force when tagged records are in it; written to the accounting of
    disclosures; carries the notice (`part2_notice`) and who it is for (`disclosure`)."""
    from peerpath.rights.export import build_export

    assert kind in ("export", "print")
    member = _consent_member(db, viewer, member_id, Action.WRITE, record_type="disclosure")
    recipient, purpose, consent, tagged = check_export_request(db, member, request)
    data = build_export(db, keyring, viewer, member.id)
    records = sum(len(rows) for rows in data["tables"].values())
    what = "a download" if kind == "export" else "a copy to read or print"
    disclosure = record_disclosure(
        db,
        viewer,
        member,
        kind=kind,
        recipient=recipient,
        description=f"Everything in my record ({records} records), as {what}. Purpose: {purpose}",
        consent_id=consent.id if consent is not None else None,
        included_part2=tagged,
    )
    data["disclosure"] = {
        "id": disclosure.id,
        "recipient": recipient,
        "purpose": purpose,
        "consent_id": consent.id if consent is not None else None,
        "includes_part2_records": tagged,
    }
    data["part2_notice"] = NOTICE if tagged else None
    return data


# ---- tagging existing records by hand (demo, support) --------------------------------------


def tag_records(
    db: Session, member: User, program_id: int, records: Iterable[tuple[str, int]]
) -> int:
    """Tag the given (table, id) records of `member` as Part 2 records (skipping any already
    tagged). The hook tags new records by itself; this is for records made before."""
    wanted = set(records)
    if not wanted:
        return 0
    existing = set(
        db.execute(
            select(Part2Record.record_type, Part2Record.record_id).where(
                Part2Record.organization_id == member.organization_id,
                Part2Record.member_id == member.id,
            )
        ).all()
    )
    rows = [
        Part2Record(
            organization_id=member.organization_id,
            member_id=member.id,
            program_id=program_id,
            record_type=table,
            record_id=record_id,
        )
        for table, record_id in sorted(wanted - {tuple(r) for r in existing})
    ]
    db.add_all(rows)
    db.flush()
    return len(rows)
