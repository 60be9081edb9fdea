"""API shapes for the wellness and crisis plan (separate from the database models)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from peerpath.db.base import MAX_ID
from peerpath.db.models import PlanProposal
from peerpath.plans.wellness.service import SectionView, WellnessPlanView


class WellnessFieldRead(BaseModel):
    key: str
    label: str
    hint: str


class WellnessSectionRead(BaseModel):
    key: str
    title: str
    explanation: str
    part: str = Field(description="The part of the record: wellness_plan or crisis_plan.")
    fields: list[WellnessFieldRead]
    written: bool
    content: dict[str, str] = Field(description="Field key -> the member's text.")
    version: int = Field(description="0 while the section is not written yet.")
    updated_by: str | None = None
    updated_at: datetime | None = None

    @classmethod
    def of(cls, view: SectionView) -> WellnessSectionRead:
        d = view.definition
        return cls(
            key=d.key,
            title=d.title,
            explanation=d.explanation,
            part=str(d.part),
            fields=[WellnessFieldRead(key=f.key, label=f.label, hint=f.hint) for f in d.fields],
            written=view.written,
            content=view.content,
            version=view.version,
            updated_by=view.updated_by,
            updated_at=view.updated_at,
        )


class WellnessPlanRead(BaseModel):
    member_id: int
    preferred_name: str
    sections: list[WellnessSectionRead]

    @classmethod
    def of(cls, plan: WellnessPlanView) -> WellnessPlanRead:
        return cls(
            member_id=plan.member.id,
            preferred_name=plan.preferred_name,
            sections=[WellnessSectionRead.of(s) for s in plan.sections],
        )


class WellnessSectionWrite(BaseModel):
    content: dict[str, str] = Field(
        default_factory=dict,
        description="Field key -> text (up to 4000 characters each). Missing fields are "
        "left empty: send the whole section.",
    )
    version: int | None = Field(
        default=None,
        ge=0,
        le=MAX_ID,
        description="The version your edit started from (0 for a section not written yet). "
        "A newer saved version answers 409 with both texts. null skips the check.",
    )
    note: str = Field(
        default="",
        max_length=500,
        description="For a peer specialist's suggestion: a note for the member.",
    )


class WellnessProposalRead(BaseModel):
    id: int
    kind: str
    action: str
    status: str
    summary: str
    note: str
    base_version: int | None
    payload: dict[str, Any]
    proposed_by_id: int
    proposed_at: datetime

    @classmethod
    def of(cls, proposal: PlanProposal) -> WellnessProposalRead:
        return cls(
            id=proposal.id,
            kind=proposal.kind,
            action=proposal.action,
            status=str(proposal.status),
            summary=proposal.summary,
            note=proposal.note,
            base_version=proposal.base_version,
            payload=dict(proposal.payload),
            proposed_by_id=proposal.proposed_by_id,
            proposed_at=proposal.proposed_at,
        )
