"""API shapes for sharing grants (separate from the models)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from peerpath.db.models import SharingGrant


class GrantIn(BaseModel):
    """Like the form on the sharing page. Values are checked by the service, which answers
    422 with a message per field and saves nothing."""

    model_config = ConfigDict(extra="ignore")

    recipient: str = Field(
        "",
        max_length=40,
        description='"my_peer_specialist", "my_supervisor", "staff:<user id>" or '
        '"supporter:<user id>".',
    )
    sections: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="Sections to share: plan, wellness_plan, crisis_plan, checkins, measures, "
        "journal, notes.",
    )
    purpose: str = Field(
        "",
        max_length=40,
        description="ongoing_support, crisis_support, supervision, care_coordination, "
        "family_and_friends or other.",
    )
    purpose_detail: str = Field(
        "", max_length=2000, description='In a few words (required for "other"; up to 200).'
    )
    expires_on: str | None = Field(
        None,
        max_length=20,
        description="The last day the sharing is in force (YYYY-MM-DD, the organization's "
        "calendar); empty or null: no end date.",
    )


class GrantRead(BaseModel):
    id: int
    member_id: int
    recipient: str = Field(description='As sent: "my_peer_specialist", "staff:12", ...')
    recipient_kind: str
    recipient_user_id: int | None
    section: str
    purpose: str
    purpose_detail: str
    expires_on: date | None
    from_defaults: bool
    created_at: datetime
    revoked_at: datetime | None
    in_force: bool

    @classmethod
    def of(cls, grant: SharingGrant, today: date) -> GrantRead:
        from peerpath.sharing.grants.service import in_force, recipient_value

        return cls(
            id=grant.id,
            member_id=grant.member_id,
            recipient=recipient_value(grant),
            recipient_kind=str(grant.recipient_kind),
            recipient_user_id=grant.recipient_user_id,
            section=grant.section,
            purpose=str(grant.purpose),
            purpose_detail=grant.purpose_detail,
            expires_on=grant.expires_on,
            from_defaults=grant.from_defaults,
            created_at=grant.created_at,
            revoked_at=grant.revoked_at,
            in_force=in_force(grant, today),
        )
