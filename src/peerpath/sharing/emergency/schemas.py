"""API shapes for emergency openings of a crisis plan (separate from the models)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from peerpath.sharing.emergency.service import REASON_MAX, REASON_MIN, OpeningView


class EmergencyIn(BaseModel):
    # Checked by the service (so a short or missing reason gets a message people can act on);
    # the limit here only stops very large bodies early.
    reason: str = Field(
        default="",
        max_length=REASON_MAX * 4,
        description=(
            f"Why the crisis plan must be opened now, {REASON_MIN} to {REASON_MAX} characters. "
            "The member reads it."
        ),
    )


class EmergencyRead(BaseModel):
    id: int
    member_id: int
    opened_at: datetime
    expires_at: datetime
    crisis_plan_url: str


class OpeningRead(BaseModel):
    id: int
    opened_at: datetime
    expires_at: datetime
    in_force: bool
    staff_name: str
    staff_role: str
    reason: str
    seen_at: datetime | None

    @classmethod
    def of(cls, view: OpeningView) -> OpeningRead:
        row = view.opening
        return cls(
            id=row.id,
            opened_at=row.opened_at,
            expires_at=row.expires_at,
            in_force=view.in_force,
            staff_name=view.staff_name,
            staff_role=view.staff_role,
            reason=row.reason,
            seen_at=row.member_seen_at,
        )
