"""Amendment requests: the member's own comment on any record about them, shown beside it.

The member writes; staff who may read the record's section see the request beside the record
and can answer once. Every read and write goes through the access policy with the section the
record belongs to (from the rights registry). Session notes keep their own member comments in
the notes area; they are linked from there, not duplicated here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.core import access, audit
from peerpath.core.access import Action, Section
from peerpath.core.audit import Viewer
from peerpath.core.errors import Conflict, Invalid, NotFound
from peerpath.db.base import utcnow
from peerpath.db.models import AmendmentRequest, Role, User
from peerpath.rights.registry import AMENDABLE, belongs_to, table_of

TEXT_MAX = 2000
RECORD_LABELS = {
    "member_profiles": "your profile",
    "strengths": "a strength",
    "goals": "a goal",
    "objectives": "an objective",
    "action_steps": "an action step",
    "decision_worksheets": "a decision worksheet",
    "supporter_entries": "a person in your supporters map",
    "community_places": "a place in your supporters map",
    "wellness_sections": "a wellness plan section",
    "checkins": "a check-in",
    "tool_uses": "a wellness tool entry",
    "setbacks": "a setback",
    "measure_responses": "a questionnaire answer",
}
STAFF_ROLES = (Role.PEER_SPECIALIST, Role.SUPERVISOR, Role.ADMIN)


def _clean_text(text: str, key: str = "text") -> str:
    cleaned = text.strip()
    if not cleaned:
        raise Invalid(
            "Nothing was saved yet: please write your comment.",
            errors={key: "Please write something here."},
        )
    if len(cleaned) > TEXT_MAX:
        raise Invalid(
            "Nothing was saved yet: the comment is too long.",
            errors={key: f"Please keep this to {TEXT_MAX} characters or fewer."},
        )
    return cleaned


def _section_of(record_type: str) -> Section:
    entry = AMENDABLE.get(record_type)
    if entry is None:
        raise NotFound()
    return entry.section


def record_exists(db: Session, member: User, record_type: str, record_id: int) -> bool:
    entry = AMENDABLE[record_type]
    table = table_of(entry)
    return (
        db.scalar(
            select(table.c.id).where(
                table.c.id == record_id, belongs_to(entry, member.organization_id, member.id)
            )
        )
        is not None
    )


def writer_gate(db: Session, viewer: Viewer, member_id: int) -> None:
    """Only the member writes amendment requests: everyone else gets the audited refusal
    (routes call this before the body is even validated, so nothing leaks)."""
    if viewer.user.id != member_id:
        audit.record(
            db,
            viewer=viewer,
            action="write:amendment",
            record_type="amendment_request",
            record_id=member_id,
            allowed=False,
        )
        raise NotFound()


def request_for_responder(
    db: Session, viewer: Viewer, member_id: int, amendment_id: int
) -> AmendmentRequest:
    """The request, for a staff member who may read the record it is beside; else NotFound."""
    row = db.get(AmendmentRequest, amendment_id)
    section = (
        AMENDABLE[row.record_type].section
        if row is not None and row.record_type in AMENDABLE
        else Section.PLAN
    )
    member = access.member_for_viewer(
        db,
        viewer,
        member_id,
        section,
        Action.READ,
        record_type="amendment_request",
        record_id=amendment_id,
    )
    if (
        row is None
        or row.member_id != member.id
        or row.organization_id != member.organization_id
        or viewer.user.role not in STAFF_ROLES
    ):
        raise NotFound()
    return row


def request_amendment(
    db: Session, viewer: Viewer, member_id: int, record_type: str, record_id: int, text: str
) -> AmendmentRequest:
    """The member comments on one of their records. Anyone else: NotFound (audited)."""
    writer_gate(db, viewer, member_id)
    section = _section_of(record_type) if record_type in AMENDABLE else Section.PROFILE
    member = access.member_for_viewer(
        db,
        viewer,
        member_id,
        section,
        Action.READ,
        record_type="amendment_request",
        record_id=f"{record_type}:{record_id}",
    )
    errors: dict[str, str] = {}
    if record_type not in AMENDABLE or not record_exists(db, member, record_type, record_id):
        errors["record"] = "That record is not there any more, so the comment was not saved."
    try:
        cleaned = _clean_text(text)
    except Invalid as exc:
        errors.update(exc.errors)
    if errors:
        raise Invalid(
            "Nothing was saved yet: please look at the parts marked below.", errors=errors
        )
    row = AmendmentRequest(
        organization_id=member.organization_id,
        member_id=member.id,
        record_type=record_type,
        record_id=record_id,
        text=cleaned,
        created_at=utcnow(),
    )
    db.add(row)
    db.flush()
    audit.record(
        db,
        viewer=viewer,
        action="write:amendment",
        record_type="amendment_request",
        record_id=row.id,
        subject_member_id=member.id,
        allowed=True,
        detail=f"on {record_type} {record_id}",
    )
    return row


def respond(
    db: Session, viewer: Viewer, member_id: int, amendment_id: int, text: str
) -> AmendmentRequest:
    """A staff member who may read the record answers the request (once)."""
    row = request_for_responder(db, viewer, member_id, amendment_id)
    cleaned = _clean_text(text, "response")
    if row.responded_at is not None:
        raise Conflict("This request already has a response.")
    row.response = cleaned
    row.responded_by_id = viewer.user.id
    row.responded_at = utcnow()
    db.flush()
    audit.record(
        db,
        viewer=viewer,
        action="write:amendment_response",
        record_type="amendment_request",
        record_id=row.id,
        subject_member_id=row.member_id,
        allowed=True,
    )
    return row


@dataclass(frozen=True)
class Listed:
    row: AmendmentRequest
    section: Section
    responder: str

    @property
    def what(self) -> str:
        return RECORD_LABELS.get(self.row.record_type, self.row.record_type)


def _names(db: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())


def list_requests(
    db: Session,
    viewer: Viewer,
    member_id: int,
    *,
    record_type: str = "",
    record_id: int | None = None,
) -> tuple[User, list[Listed]]:
    """The requests about records in the sections `viewer` may read (gate: PROFILE read)."""
    member = access.member_for_viewer(
        db, viewer, member_id, Section.PROFILE, Action.READ, record_type="amendment_requests"
    )
    readable = {s for s in Section if access.can(db, viewer.user, member, s, Action.READ)}
    query = select(AmendmentRequest).where(
        AmendmentRequest.organization_id == member.organization_id,
        AmendmentRequest.member_id == member.id,
    )
    if record_type:
        query = query.where(AmendmentRequest.record_type == record_type)
    if record_id is not None:
        query = query.where(AmendmentRequest.record_id == record_id)
    rows: Sequence[AmendmentRequest] = db.scalars(
        query.order_by(AmendmentRequest.created_at, AmendmentRequest.id)
    ).all()
    visible = [
        r
        for r in rows
        if r.record_type in AMENDABLE and AMENDABLE[r.record_type].section in readable
    ]
    names = _names(db, {r.responded_by_id for r in visible if r.responded_by_id})
    return member, [
        Listed(r, AMENDABLE[r.record_type].section, names.get(r.responded_by_id or 0, ""))
        for r in visible
    ]


# ---- beside the record: one lookup per page and section, for the _amendments.html macro ----


@dataclass
class Box:
    """What the macro shows beside one record."""

    member_id: int
    record_type: str
    record_id: int
    visible: bool = False
    can_request: bool = False
    can_respond: bool = False
    items: list[Listed] = field(default_factory=list)


@dataclass
class _PageCache:
    allowed: dict[tuple[int, Section], bool] = field(default_factory=dict)
    rows: dict[int, list[Listed]] = field(default_factory=dict)


def box_for(
    db: Session,
    viewer: Viewer | None,
    cache: _PageCache,
    member_id: int,
    record_type: str,
    record_id: int,
) -> Box:
    box = Box(member_id, record_type, record_id)
    if viewer is None or record_type not in AMENDABLE:
        return box
    section = AMENDABLE[record_type].section
    key = (member_id, section)
    if key not in cache.allowed:
        try:
            access.member_for_viewer(
                db,
                viewer,
                member_id,
                section,
                Action.READ,
                record_type="amendment_requests",
            )
            cache.allowed[key] = True
        except NotFound:
            cache.allowed[key] = False
    if not cache.allowed[key]:
        return box
    if member_id not in cache.rows:
        rows = db.scalars(
            select(AmendmentRequest)
            .where(
                AmendmentRequest.organization_id == viewer.org_id,
                AmendmentRequest.member_id == member_id,
            )
            .order_by(AmendmentRequest.created_at, AmendmentRequest.id)
        ).all()
        names = _names(db, {r.responded_by_id for r in rows if r.responded_by_id})
        cache.rows[member_id] = [
            Listed(r, AMENDABLE[r.record_type].section, names.get(r.responded_by_id or 0, ""))
            for r in rows
            if r.record_type in AMENDABLE
        ]
    box.visible = True
    box.items = [
        item
        for item in cache.rows[member_id]
        if item.row.record_type == record_type and item.row.record_id == record_id
    ]
    box.can_request = viewer.user.id == member_id
    box.can_respond = viewer.user.id != member_id and viewer.user.role in STAFF_ROLES
    return box


def page_cache() -> _PageCache:
    return _PageCache()
