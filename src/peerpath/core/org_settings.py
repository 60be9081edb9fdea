"""Organization-level choices, stored as JSON on the organization and validated here."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from peerpath.db.models import Organization

SignerRole = Literal["member", "peer_specialist", "supervisor"]
DEFAULT_SIGNERS: tuple[SignerRole, ...] = ("member", "peer_specialist")


class OrgSettings(BaseModel):
    plan_signatures: list[SignerRole] = Field(
        default_factory=lambda: list(DEFAULT_SIGNERS),
        description="Whose signatures complete a recovery plan version.",
    )
    plan_review_months: int = Field(
        6, ge=1, le=36, description="A signed plan is due for review after this many months."
    )


def org_settings(organization: Organization) -> OrgSettings:
    return OrgSettings.model_validate(organization.settings or {})
