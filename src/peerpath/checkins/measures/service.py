"""Rules for measures (no web code here): completing a questionnaire, the member's own results
over time, and the item wording a licensed organization supplies.

A result is only ever put next to the same member's earlier results: no cut-offs, no bands,
no comparison with other people. Only the member answers; their assigned peer specialist may
read the results (GRANTS: MEASURES read).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.checkins.measures.registry import (
    MEASURES,
    Measure,
    answer_errors,
    score,
)
from peerpath.checkins.measures.schemas import MeasureRead, ResponseRead, ScaleRead
from peerpath.core import access, audit
from peerpath.core.access import Action, Section
from peerpath.core.audit import Viewer
from peerpath.core.errors import Invalid, NotFound
from peerpath.db.base import utcnow
from peerpath.db.models import MeasureItemText, MeasureResponse, Role, User

NOT_SAVED = "Nothing was saved yet: please look at the parts marked below."
MAX_WORDING = 300
EARLIEST = date(2000, 1, 1)


def today() -> date:
    """The member's 'today' is the server's UTC date (tests replace this function)."""
    return date.today()


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def measure_or_404(key: str) -> Measure:
    measure = MEASURES.get(key)
    if measure is None:
        raise NotFound()
    return measure


def organization_wording(db: Session, organization_id: int, key: str) -> MeasureItemText | None:
    return db.scalar(
        select(MeasureItemText).where(
            MeasureItemText.organization_id == organization_id,
            MeasureItemText.measure_key == key,
        )
    )


def wording_for(db: Session, organization_id: int, measure: Measure) -> tuple[str, ...] | None:
    """The item wording members of this organization see, or None when there is none yet."""
    if measure.item_labels is not None:
        return measure.item_labels
    row = organization_wording(db, organization_id, measure.key)
    if row is None or len(row.items) != measure.item_count:
        return None
    return tuple(row.items)


# ---- the member's own results -------------------------------------------------------------


@dataclass(frozen=True)
class History:
    """One measure for one member: the wording they see and their results, oldest first."""

    measure: Measure
    member: User
    wording: tuple[str, ...] | None
    responses: list[MeasureResponse]

    @property
    def available(self) -> bool:
        return self.wording is not None

    @property
    def first(self) -> MeasureResponse | None:
        return self.responses[0] if self.responses else None

    @property
    def last(self) -> MeasureResponse | None:
        return self.responses[-1] if self.responses else None

    @property
    def newest_first(self) -> list[MeasureResponse]:
        return list(reversed(self.responses))

    def change_from_first(self, response: MeasureResponse) -> str:
        first = self.first
        if first is None or response.id == first.id:
            return "First score"
        return _difference(self.measure, response.score - first.score)

    def trend(self, *, own: bool = True) -> str:
        """The latest score compared with the member's own first score, in plain words."""
        first, last = self.first, self.last
        your = "your" if own else "their"
        if first is None or last is None:
            return "No answers yet."
        if first.id == last.id:
            return (
                f"{'Your' if own else 'Their'} first score was {fmt(last.score)} on "
                f"{long_date(last.answered_on)}. Next time, it will be shown next to this one."
            )
        since = f"{your} first score ({fmt(first.score)} on {long_date(first.answered_on)})"
        diff = last.score - first.score
        if abs(diff) < _steady(self.measure):
            return f"Latest score {fmt(last.score)}: about the same as {since}."
        if diff > 0:
            return f"Latest score {fmt(last.score)}: {fmt(diff)} higher than {since}."
        return (
            f"Latest score {fmt(last.score)}: {fmt(-diff)} lower than {since}. "
            "Scores move with what life brings; each answer adds to the picture."
        )


def fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _steady(measure: Measure) -> float:
    # Changes under 2% of the score's range read as "about the same".
    return (measure.score_max - measure.score_min) * 0.02


def _difference(measure: Measure, diff: float) -> str:
    if abs(diff) < _steady(measure):
        return "About the same as the first"
    return f"{fmt(abs(diff))} {'higher' if diff > 0 else 'lower'} than the first"


def _responses(db: Session, member: User, key: str | None = None) -> list[MeasureResponse]:
    query = select(MeasureResponse).where(
        MeasureResponse.organization_id == member.organization_id,
        MeasureResponse.member_id == member.id,
    )
    if key is not None:
        query = query.where(MeasureResponse.measure_key == key)
    return list(db.scalars(query.order_by(MeasureResponse.answered_on, MeasureResponse.id)).all())


def overview(db: Session, viewer: Viewer, member_id: int) -> list[History]:
    """Every measure in the registry with this member's results (the member or their peer)."""
    member = access.member_for_viewer(
        db, viewer, member_id, Section.MEASURES, Action.READ, record_type="measures"
    )
    rows = _responses(db, member)
    return [
        History(
            measure,
            member,
            wording_for(db, member.organization_id, measure),
            [r for r in rows if r.measure_key == key],
        )
        for key, measure in MEASURES.items()
    ]


def history(db: Session, viewer: Viewer, member_id: int, key: str) -> History:
    member = access.member_for_viewer(
        db,
        viewer,
        member_id,
        Section.MEASURES,
        Action.READ,
        record_type="measure_responses",
        record_id=key[:40],
    )
    measure = measure_or_404(key)
    return History(
        measure,
        member,
        wording_for(db, member.organization_id, measure),
        _responses(db, member, key),
    )


def record_response(
    db: Session,
    viewer: Viewer,
    member_id: int,
    key: str,
    answers: Sequence[int | None],
    answered_on: date | None = None,
) -> MeasureResponse:
    """Save the member's answers and their score; nothing is saved when anything is off."""
    member = access.member_for_viewer(
        db,
        viewer,
        member_id,
        Section.MEASURES,
        Action.WRITE,
        record_type="measure_response",
        record_id=key[:40],
    )
    measure = measure_or_404(key)
    if wording_for(db, member.organization_id, measure) is None:
        raise Invalid(
            f"{measure.name} cannot be completed yet: your organization needs to add the "
            "item wording under its licence first.",
            errors={"answers": "The wording of this measure has not been added yet."},
        )
    errors = answer_errors(measure, answers)
    day = answered_on or today()
    if day > today():
        errors["answered_on"] = "Date: choose today or an earlier day."
    elif day < EARLIEST:
        errors["answered_on"] = f"Date: choose a day from {long_date(EARLIEST)} on."
    if errors:
        raise Invalid(NOT_SAVED, errors=errors)
    complete = [a for a in answers if a is not None]
    scored = score(measure, complete)
    row = MeasureResponse(
        organization_id=member.organization_id,
        member_id=member.id,
        measure_key=measure.key,
        answered_on=day,
        answers=complete,
        raw_score=scored.raw_score,
        score=scored.score,
        detail=scored.detail,
    )
    db.add(row)
    db.flush()
    return row


def response_read(row: MeasureResponse) -> ResponseRead:
    return ResponseRead(
        id=row.id,
        member_id=row.member_id,
        measure_key=row.measure_key,
        answered_on=row.answered_on,
        answers=list(row.answers),
        raw_score=row.raw_score,
        score=row.score,
        detail=dict(row.detail),
        created_at=row.created_at,
    )


def measure_read(db: Session, organization_id: int, measure: Measure) -> MeasureRead:
    wording = wording_for(db, organization_id, measure)
    return MeasureRead(
        key=measure.key,
        name=measure.name,
        about=measure.about,
        item_count=measure.item_count,
        item_names=list(measure.item_names),
        items=list(wording) if wording is not None else None,
        wording_supplied_by_organization=measure.needs_licensed_wording,
        available=wording is not None,
        scale=ScaleRead(
            min=measure.scale.min, max=measure.scale.max, labels=dict(measure.scale.labels)
        ),
        scoring=str(measure.scoring),
        score_name=measure.score_name,
        score_min=measure.score_min,
        score_max=measure.score_max,
        licence=str(measure.licence),
        licence_label=measure.licence.label,
        licence_note=measure.licence_note,
        citation=measure.citation,
    )


def registry(db: Session, viewer: Viewer) -> list[MeasureRead]:
    """The registry as the viewer's organization sees it (holds no member data)."""
    return [measure_read(db, viewer.org_id, m) for m in MEASURES.values()]


# ---- licensed wording, entered by an organization admin -----------------------------------


def licensed_measure(viewer: Viewer, key: str) -> Measure:
    access.require_role(viewer, Role.ADMIN)
    measure = measure_or_404(key)
    if not measure.needs_licensed_wording:
        raise NotFound()
    return measure


def measures_for_admin(db: Session, viewer: Viewer) -> list[tuple[Measure, MeasureItemText | None]]:
    access.require_role(viewer, Role.ADMIN)
    return [
        (m, organization_wording(db, viewer.org_id, m.key) if m.needs_licensed_wording else None)
        for m in MEASURES.values()
    ]


def save_wording(
    db: Session, viewer: Viewer, key: str, items: Sequence[str], licence_reference: str
) -> MeasureItemText:
    """Store the organization's item wording for a licensed measure (replacing any earlier
    wording; answers already given keep their scores). Audited."""
    measure = licensed_measure(viewer, key)
    errors: dict[str, str] = {}
    cleaned = [" ".join(text.split()) for text in items]
    if len(cleaned) != measure.item_count:
        errors["items"] = f"Enter the wording of all {measure.item_count} statements."
    for n, text in enumerate(cleaned[: measure.item_count], start=1):
        if not text:
            errors[f"item_{n}"] = f"Statement {n}: enter its wording."
        elif len(text) > MAX_WORDING:
            errors[f"item_{n}"] = f"Statement {n}: keep it under {MAX_WORDING} characters."
    reference = " ".join(licence_reference.split())
    if not reference:
        errors["licence_reference"] = (
            "Licence reference: enter the registration or licence your organization holds."
        )
    elif len(reference) > MAX_WORDING:
        errors["licence_reference"] = f"Licence reference: keep it under {MAX_WORDING} characters."
    if errors:
        raise Invalid(NOT_SAVED, errors=errors)
    row = organization_wording(db, viewer.org_id, measure.key)
    if row is None:
        row = MeasureItemText(organization_id=viewer.org_id, measure_key=measure.key)
        db.add(row)
    row.items = cleaned
    row.licence_reference = reference
    row.entered_by_id = viewer.user.id
    row.entered_at = utcnow()
    db.flush()
    audit.record(
        db,
        viewer=viewer,
        action="write:measure_wording",
        record_type="measure_item_text",
        record_id=measure.key,
        allowed=True,
        detail=f"item wording entered under licence reference: {reference}",
    )
    return row
