"""Organization-level choices, stored as JSON on the organization and validated here."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, ValidationError, field_validator

from peerpath.db.models import Organization

SignerRole = Literal["member", "peer_specialist", "supervisor"]
SIGNER_ROLES: tuple[SignerRole, ...] = ("member", "peer_specialist", "supervisor")
SIGNER_LABELS: dict[str, str] = {
    "member": "member",
    "peer_specialist": "peer specialist",
    "supervisor": "supervisor",
}
DEFAULT_SIGNERS: tuple[SignerRole, ...] = ("member", "peer_specialist")
REVIEW_MONTHS_MIN = 1
REVIEW_MONTHS_MAX = 36


class OrgSettings(BaseModel):
    plan_signatures: list[SignerRole] = Field(
        default_factory=lambda: list(DEFAULT_SIGNERS),
        description="Whose signatures complete a recovery plan version. The member's own "
        "signature is always one of them: the plan is theirs.",
    )
    plan_review_months: int = Field(
        6,
        ge=REVIEW_MONTHS_MIN,
        le=REVIEW_MONTHS_MAX,
        description="A signed plan is due for review after this many months.",
    )
    member_reads_notes: bool = Field(
        True,
        description="Members can read the session notes written about them and add their own "
        "comment to any of them.",
    )

    @field_validator("plan_signatures")
    @classmethod
    def _member_signs_first(cls, roles: list[SignerRole]) -> list[SignerRole]:
        if "member" not in roles:
            raise ValueError("the member's own signature is always needed")
        chosen = set(roles)
        return [role for role in SIGNER_ROLES if role in chosen]


def org_settings(organization: Organization) -> OrgSettings:
    """The organization's choices; a stored value that no longer validates uses its default."""
    stored = organization.settings or {}
    try:
        return OrgSettings.model_validate(stored)
    except ValidationError:
        good = {}
        for name in OrgSettings.model_fields:
            if name in stored:
                try:
                    OrgSettings.model_validate({name: stored[name]})
                except ValidationError:
                    continue
                good[name] = stored[name]
        return OrgSettings.model_validate(good)
