"""Rules for the wellness and crisis plan (no web code here).

The member writes each section directly; their peer specialist's edits become proposals the
member accepts or declines. Every read asks the access policy about the part of the record a
section belongs to (the wellness part or the crisis part), so a viewer allowed one part and
not the other sees only what they may.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.core import access
from peerpath.core.access import Action, Section
from peerpath.core.audit import Viewer
from peerpath.core.errors import EditConflict, Invalid, NotFound
from peerpath.db.base import utcnow
from peerpath.db.models import (
    MemberProfile,
    PlanProposal,
    SupporterEntry,
    User,
    WellnessSection,
)
from peerpath.plans import common
from peerpath.plans.common import Kind, Proposed
from peerpath.plans.wellness.sections import MAX_FIELD_CHARS, SECTIONS, SectionDef

RECORD_TYPE = "wellness_section"
PARTS = (Section.WELLNESS_PLAN, Section.CRISIS_PLAN)


# ---- reading ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalView:
    proposal: PlanProposal
    proposed_by: str
    content: dict[str, str]

    @property
    def proposed_on(self) -> str:
        return long_date(self.proposal.proposed_at.date())


@dataclass(frozen=True)
class SectionView:
    definition: SectionDef
    row: WellnessSection | None
    updated_by: str | None
    proposals: tuple[ProposalView, ...] = ()

    @property
    def key(self) -> str:
        return self.definition.key

    @property
    def content(self) -> dict[str, str]:
        return dict(self.row.content) if self.row is not None else {}

    @property
    def written(self) -> bool:
        return any(text.strip() for text in self.content.values())

    @property
    def version(self) -> int:
        """0 for a section not written yet: an edit starting from nothing names version 0."""
        return self.row.version if self.row is not None else 0

    @property
    def updated_at(self) -> datetime | None:
        return self.row.updated_at if self.row is not None else None

    @property
    def updated_on(self) -> str:
        return long_date(self.updated_at.date()) if self.updated_at else ""


@dataclass(frozen=True)
class CrisisSupporter:
    name: str
    relationship: str
    contact: str
    crisis_role: str


@dataclass(frozen=True)
class WellnessPlanView:
    member: User
    preferred_name: str
    sections: tuple[SectionView, ...]
    # Which parts this viewer may change (the member) or suggest changes to (staff).
    can_write: frozenset[Section]
    is_member: bool
    supporters: tuple[CrisisSupporter, ...] = ()

    def section(self, key: str) -> SectionView | None:
        return next((s for s in self.sections if s.key == key), None)


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def today_text() -> str:
    return long_date(utcnow().date())


def definition(key: str) -> SectionDef:
    """The section called `key`, or NotFound: an unknown section is a page that is not there."""
    found = SECTIONS.get(key)
    if found is None:
        raise NotFound()
    return found


def _rows(db: Session, member: User, keys: list[str]) -> dict[str, WellnessSection]:
    rows = db.scalars(
        select(WellnessSection).where(
            WellnessSection.organization_id == member.organization_id,
            WellnessSection.member_id == member.id,
            WellnessSection.key.in_(keys),
        )
    ).all()
    return {row.key: row for row in rows}


def _views(db: Session, member: User, defs: list[SectionDef]) -> tuple[SectionView, ...]:
    """Call only after the policy allowed reading the parts these sections belong to."""
    keys = [d.key for d in defs]
    rows = _rows(db, member, keys)
    proposals = [
        p
        for p in common.pending_proposals(db, member)
        if p.kind == RECORD_TYPE and p.payload.get("key") in keys
    ]
    names = common.author_names(
        db,
        [r.updated_by_id for r in rows.values()] + [p.proposed_by_id for p in proposals],
    )
    return tuple(
        SectionView(
            definition=d,
            row=rows.get(d.key),
            updated_by=names.get(rows[d.key].updated_by_id) if d.key in rows else None,
            proposals=tuple(
                ProposalView(
                    proposal=p,
                    proposed_by=names.get(p.proposed_by_id, "Someone"),
                    content=_text_fields(p.payload.get("content"), d),
                )
                for p in proposals
                if p.payload.get("key") == d.key
            ),
        )
        for d in defs
    )


def _text_fields(raw: object, sdef: SectionDef) -> dict[str, str]:
    data = raw if isinstance(raw, dict) else {}
    return {k: str(data[k]) for k in sdef.field_keys if data.get(k)}


def _preferred_name(db: Session, member: User) -> str:
    """Call only after a check that allows reading the member's plan (which implies profile)."""
    preferred = db.scalar(
        select(MemberProfile.preferred_name).where(
            MemberProfile.organization_id == member.organization_id,
            MemberProfile.member_id == member.id,
        )
    )
    return (preferred or "").strip() or member.display_name


def _crisis_supporters(db: Session, member: User) -> tuple[CrisisSupporter, ...]:
    """The supporters map's people. Call only after the crisis part was allowed."""
    entries = db.scalars(
        select(SupporterEntry)
        .where(
            SupporterEntry.organization_id == member.organization_id,
            SupporterEntry.member_id == member.id,
        )
        .order_by(SupporterEntry.name, SupporterEntry.id)
    ).all()
    people = [
        CrisisSupporter(e.name, e.relationship_label, e.contact, e.crisis_role) for e in entries
    ]
    # People with a role in a crisis first, so the printed list starts with who to call.
    return tuple(sorted(people, key=lambda p: not p.crisis_role.strip()))


def _writable_parts(db: Session, viewer: Viewer, member: User) -> frozenset[Section]:
    # The decision alone, to show or hide edit links; every write is checked and audited again.
    return frozenset(p for p in PARTS if access.can(db, viewer.user, member, p, Action.WRITE))


def _readable_parts(db: Session, viewer: Viewer, member_id: int) -> tuple[User, list[Section]]:
    """Read each part the viewer may read (audited per part); NotFound if neither."""
    candidate = db.get(User, member_id)
    member: User | None = None
    parts: list[Section] = []
    for part in PARTS:
        if candidate is not None and access.can(db, viewer.user, candidate, part, Action.READ):
            member = common.plan_member(db, viewer, member_id, part, record_type=str(part))
            parts.append(part)
    if member is None:
        # Audits the refusal and answers NotFound, the same as a member who is not there.
        member = common.plan_member(
            db, viewer, member_id, Section.WELLNESS_PLAN, record_type=str(Section.WELLNESS_PLAN)
        )
        parts.append(Section.WELLNESS_PLAN)
    return member, parts


def wellness_plan(db: Session, viewer: Viewer, member_id: int) -> WellnessPlanView:
    """Every section of the plan this viewer may read, in the plan's order."""
    member, parts = _readable_parts(db, viewer, member_id)
    defs = [d for d in SECTIONS.values() if d.part in parts]
    return WellnessPlanView(
        member=member,
        preferred_name=_preferred_name(db, member),
        sections=_views(db, member, defs),
        can_write=_writable_parts(db, viewer, member),
        is_member=viewer.user.id == member.id,
        supporters=_crisis_supporters(db, member) if Section.CRISIS_PLAN in parts else (),
    )


def crisis_plan(db: Session, viewer: Viewer, member_id: int) -> WellnessPlanView:
    """The crisis and after-crisis sections with the supporters map, for printing."""
    member = common.plan_member(
        db, viewer, member_id, Section.CRISIS_PLAN, record_type=str(Section.CRISIS_PLAN)
    )
    defs = [d for d in SECTIONS.values() if d.part == Section.CRISIS_PLAN]
    return WellnessPlanView(
        member=member,
        preferred_name=_preferred_name(db, member),
        sections=_views(db, member, defs),
        can_write=_writable_parts(db, viewer, member),
        is_member=viewer.user.id == member.id,
        supporters=_crisis_supporters(db, member),
    )


def one_section(db: Session, viewer: Viewer, member_id: int, key: str) -> WellnessPlanView:
    """One section (audited as a read of the part it belongs to), for its own page."""
    sdef = definition(key)
    member = common.plan_member(
        db, viewer, member_id, sdef.part, record_type=RECORD_TYPE, record_id=key
    )
    return WellnessPlanView(
        member=member,
        preferred_name=_preferred_name(db, member),
        sections=_views(db, member, [sdef]),
        can_write=_writable_parts(db, viewer, member),
        is_member=viewer.user.id == member.id,
    )


# ---- writing ----------------------------------------------------------------------------


def clean_content(sdef: SectionDef, content: dict[str, Any]) -> dict[str, str]:
    """The section's text, tidied; raises Invalid (nothing saved) with a message per field."""
    errors: dict[str, str] = {}
    unknown = [str(k) for k in content if k not in sdef.field_keys]
    if unknown:
        names = ", ".join(sorted(unknown)[:5])[:200]
        errors["content"] = (
            f"These are not parts of “{sdef.title}”: {names}. "
            f"Its parts are: {', '.join(sdef.field_keys)}."
        )
    cleaned: dict[str, str] = {}
    for f in sdef.fields:
        raw = content.get(f.key, "")
        if raw is None:
            raw = ""
        if not isinstance(raw, str):
            errors[f.key] = f"{f.label}: please enter text."
            continue
        text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").strip()
        if len(text) > MAX_FIELD_CHARS:
            errors[f.key] = (
                f"{f.label}: please keep this to {MAX_FIELD_CHARS:,} characters or fewer "
                f"(it has {len(text):,})."
            )
        elif text:
            cleaned[f.key] = text
    if errors:
        raise Invalid(
            "Some of this section is longer than it can be. Nothing was saved: "
            "please shorten the parts marked below and save again.",
            errors=errors,
        )
    return cleaned


def _all_fields(sdef: SectionDef, content: dict[str, str]) -> dict[str, object]:
    return {k: content.get(k, "") for k in sdef.field_keys}


def _check_version(
    sdef: SectionDef,
    member: User,
    row: WellnessSection | None,
    base_version: int | None,
    content: dict[str, str],
) -> None:
    back_url = f"/members/{member.id}/wellness/{sdef.key}"
    yours = _all_fields(sdef, content)
    if row is None:
        if base_version not in (None, 0):
            raise EditConflict(current=_all_fields(sdef, {}), yours=yours, back_url=back_url)
        return
    # A version of 0 means "I started from an empty section"; someone has written it since.
    current = SimpleNamespace(version=row.version, **_all_fields(sdef, dict(row.content)))
    common.check_version(current, base_version, yours, back_url)


def _apply(
    db: Session,
    author: User,
    member: User,
    target_id: int | None,
    base_version: int | None,
    payload: dict[str, Any],
) -> WellnessSection:
    """Write one section (create or replace its text) for `author`: the member, or the
    peer specialist whose accepted proposal this is."""
    sdef = definition(str(payload.get("key", "")))
    raw = payload.get("content")
    content = clean_content(sdef, raw if isinstance(raw, dict) else {})
    row = _rows(db, member, [sdef.key]).get(sdef.key)
    if target_id is not None and (row is None or row.id != target_id):
        raise NotFound()
    _check_version(sdef, member, row, base_version, content)
    if row is None:
        row = WellnessSection(
            member_id=member.id,
            key=sdef.key,
            content=content,
            **common.new_item_fields(author, member),
        )
        db.add(row)
    else:
        row.content = content
        common.touch(row, author)
    db.flush()
    return row


KIND = common.register_kind(
    Kind(
        name=RECORD_TYPE,
        section=Section.WELLNESS_PLAN,
        label="wellness and crisis plan section",
        create=_apply,
        update=_apply,
    )
)


def _kind_for(sdef: SectionDef) -> Kind:
    # One kind of proposal for every section; the access check uses the section's own part.
    return KIND if sdef.part == KIND.section else dataclasses.replace(KIND, section=sdef.part)


def save_section(
    db: Session,
    viewer: Viewer,
    member_id: int,
    key: str,
    content: dict[str, Any],
    base_version: int | None,
    *,
    note: str = "",
) -> WellnessSection | Proposed:
    """The member's edit is saved; a peer specialist's becomes a proposal for the member.

    Raises NotFound (unknown section, or not allowed), Invalid (nothing saved) or EditConflict.
    """
    sdef = definition(key)
    cleaned = clean_content(sdef, content)
    kind = _kind_for(sdef)
    candidate = db.get(User, member_id)
    row: WellnessSection | None = None
    if candidate is not None and access.can(db, viewer.user, candidate, sdef.part, Action.WRITE):
        row = _rows(db, candidate, [key]).get(key)
        if viewer.user.id != candidate.id:
            # A suggestion made from an old copy would only be refused when the member
            # accepts it: say so now, while the person suggesting can still compare.
            _check_version(sdef, candidate, row, base_version, cleaned)
    result = common.write_or_propose(
        db,
        viewer,
        member_id,
        kind,
        action="update" if row is not None else "create",
        payload={"key": key, "content": cleaned},
        summary=f"Changes to “{sdef.title}”",
        target_id=row.id if row is not None else None,
        base_version=base_version,
        note=note,
    )
    if isinstance(result, Proposed):
        return result
    assert isinstance(result, WellnessSection)
    return result


# ---- snapshot ---------------------------------------------------------------------------


def snapshot(db: Session, member: User) -> dict[str, dict[str, str]]:
    """Every written section's text keyed by section, for signed versions and exports."""
    rows = _rows(db, member, list(SECTIONS))
    return {key: dict(rows[key].content) for key in SECTIONS if key in rows}


common.register_snapshot_part("wellness", snapshot)
