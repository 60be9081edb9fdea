"""JSON shapes for plan versions, signatures, comparisons and the organization's plan settings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from peerpath.core.org_settings import OrgSettings
from peerpath.plans.versions import service


class SignatureRead(BaseModel):
    role: str
    signer_id: int
    signer_name: str
    signed_at: datetime


class VersionRead(BaseModel):
    id: int
    number: int
    created_at: datetime
    created_by_name: str
    required_roles: list[str]
    awaiting_roles: list[str]
    complete: bool
    completed_at: datetime | None
    review_due: date | None
    superseded: bool = Field(
        description="Replaced by a newer version before every signature was added."
    )
    status: str
    signatures: list[SignatureRead]

    @classmethod
    def of(cls, view: service.VersionView) -> VersionRead:
        return cls(
            id=view.id,
            number=view.number,
            created_at=view.created_at,
            created_by_name=view.created_by_name,
            required_roles=view.required_roles,
            awaiting_roles=view.awaiting,
            complete=view.complete,
            completed_at=view.completed_at,
            review_due=view.review_due,
            superseded=view.superseded,
            status=view.state_text,
            signatures=[
                SignatureRead(
                    role=s.role,
                    signer_id=s.signer_id,
                    signer_name=s.signer_name,
                    signed_at=s.signed_at,
                )
                for s in view.signatures
            ],
        )


class ReviewRead(BaseModel):
    due: date | None
    state: str = Field(description="none, scheduled, due_soon or overdue")
    days_left: int | None
    message: str

    @classmethod
    def of(cls, review: service.ReviewState) -> ReviewRead:
        return cls(
            due=review.due, state=review.state, days_left=review.days_left, message=review.message
        )


class PlanVersionsRead(BaseModel):
    latest_number: int | None
    draft_changed: bool = Field(description="The live plan differs from the newest version.")
    draft_fingerprint: str = Field(
        description="Send back as `seen` when signing, to sign only the plan you looked at."
    )
    message: str
    review: ReviewRead
    versions: list[VersionRead]

    @classmethod
    def of(cls, page: service.VersionsPage) -> PlanVersionsRead:
        status = page.status
        return cls(
            latest_number=status.latest.number if status.latest else None,
            draft_changed=status.draft_changed,
            draft_fingerprint=page.draft_fingerprint,
            message=status.message,
            review=ReviewRead.of(status.review),
            versions=[VersionRead.of(v) for v in status.versions],
        )


class SignRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    seen: str | None = Field(
        None,
        max_length=64,
        description="The draft_fingerprint you were shown; if the plan changed since, "
        "nothing is signed (409).",
    )


class ChangeRead(BaseModel):
    change: str = Field(description="added, removed or changed")
    where: str
    old: str
    new: str


class SectionChangesRead(BaseModel):
    part: str
    label: str
    changes: list[ChangeRead]


class ComparisonRead(BaseModel):
    a: int
    b: int | str
    a_label: str
    b_label: str
    same: bool
    sections: list[SectionChangesRead]

    @classmethod
    def of(cls, comparison: service.Comparison) -> ComparisonRead:
        return cls(
            a=comparison.a,
            b=comparison.b if comparison.b is not None else "draft",
            a_label=comparison.a_label,
            b_label=comparison.b_label,
            same=not comparison.sections,
            sections=[
                SectionChangesRead(
                    part=s.name,
                    label=s.label,
                    changes=[
                        ChangeRead(change=c.kind, where=c.where, old=c.old, new=c.new)
                        for c in s.changes
                    ],
                )
                for s in comparison.sections
            ],
        )


class OrgSettingsRead(BaseModel):
    plan_signatures: list[str]
    plan_review_months: int
    sharing_defaults: dict[str, list[str]] = Field(
        description="Sections a new member shares at enrolment, per recipient "
        "(my_peer_specialist, my_supervisor)."
    )

    @classmethod
    def of(cls, settings: OrgSettings) -> OrgSettingsRead:
        return cls(
            plan_signatures=list(settings.plan_signatures),
            plan_review_months=settings.plan_review_months,
            sharing_defaults={
                group: list(sections)
                for group, sections in settings.sharing_defaults.model_dump().items()
            },
        )


class OrgSettingsPatch(BaseModel):
    """Only the settings sent are changed. Values are checked by the service, which answers
    422 with a message per field."""

    model_config = ConfigDict(extra="allow")

    plan_signatures: Any = Field(
        None,
        description='Roles whose signatures complete a plan version, e.g. ["member", '
        '"peer_specialist"]. "member" is always one of them.',
    )
    plan_review_months: Any = Field(None, description="Months until review, 1 to 36.")
    sharing_defaults: Any = Field(
        None,
        description='What a new member shares at enrolment, e.g. {"my_peer_specialist": '
        '["plan", "crisis_plan"], "my_supervisor": []}. A group left out stays as it is; '
        "members who already joined keep their own choices.",
    )

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)
