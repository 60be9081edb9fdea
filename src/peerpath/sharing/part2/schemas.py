"""API shapes for 42 CFR Part 2 consents, disclosures and the export for someone else.

Text fields default to "" so a missing element reaches the service, which names every missing
element in one 422 answer (`errors`: field -> message), like the page's form.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from peerpath.db.base import MAX_ID
from peerpath.sharing.part2.service import (
    ConsentInput,
    ConsentLine,
    DisclosureLine,
    ExportRequest,
)


class ConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_name: str = Field("", max_length=400, description="The member's full name.")
    disclosing_party: str = Field(
        "", max_length=600, description="The programme or organization that may share."
    )
    information_description: str = Field(
        "", max_length=8000, description="What may be shared, and how much of it."
    )
    recipients: str = Field(
        "", max_length=1000, description="The people or organizations who may receive it."
    )
    recipient_user_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="A supporter account the member linked, if any."
    )
    purpose: str = Field("", max_length=4000, description="Why it may be shared.")
    right_to_revoke_acknowledged: bool = Field(
        False, description="The member read that they can take the consent back."
    )
    expires_on: str = Field("", max_length=20, description="Last day in force, YYYY-MM-DD.")
    expiry_event: str = Field(
        "", max_length=600, description="Or: the event or condition that ends it."
    )
    signature: str = Field("", max_length=400, description="The member's full name, typed.")
    signed_on: str = Field("", max_length=20, description="The date signed, YYYY-MM-DD.")

    def to_input(self) -> ConsentInput:
        values = self.model_dump()
        recipient = values.pop("recipient_user_id")
        return ConsentInput(
            **values, recipient_user_id=str(recipient) if recipient is not None else ""
        )


class ConsentRead(BaseModel):
    id: int
    member_id: int
    member_name: str
    disclosing_party: str
    information_description: str
    recipients: str
    recipient_user_id: int | None
    recipient_account: str
    purpose: str
    right_to_revoke_acknowledged: bool
    expires_on: date | None
    expiry_event: str
    signature: str
    signed_on: date
    created_at: datetime
    revoked_at: datetime | None
    status: str = Field(description="in_force, expired or revoked")

    @classmethod
    def of(cls, line: ConsentLine) -> ConsentRead:
        c = line.consent
        return cls(
            id=c.id,
            member_id=c.member_id,
            member_name=c.member_name,
            disclosing_party=c.disclosing_party,
            information_description=c.information_description,
            recipients=c.recipients,
            recipient_user_id=c.recipient_user_id,
            recipient_account=line.recipient_account,
            purpose=c.purpose,
            right_to_revoke_acknowledged=c.right_to_revoke_acknowledged,
            expires_on=c.expires_on,
            expiry_event=c.expiry_event,
            signature=c.signature,
            signed_on=c.signed_on,
            created_at=c.created_at,
            revoked_at=c.revoked_at,
            status=line.status,
        )


class DisclosureRead(BaseModel):
    id: int
    created_at: datetime
    kind: str
    recipient: str
    description: str
    disclosed_by: str
    consent_id: int | None
    included_part2: bool

    @classmethod
    def of(cls, line: DisclosureLine) -> DisclosureRead:
        d = line.disclosure
        return cls(
            id=d.id,
            created_at=d.created_at,
            kind=d.kind,
            recipient=d.recipient,
            description=d.description,
            disclosed_by=line.by,
            consent_id=d.consent_id,
            included_part2=d.included_part2,
        )


class ExportForIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    recipient: str = Field("", max_length=400, description="Who the copy is for.")
    purpose: str = Field("", max_length=1000, description="Why they receive it.")
    consent_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="The consent in force that allows it."
    )

    def to_request(self) -> ExportRequest:
        return ExportRequest(
            recipient=self.recipient,
            purpose=self.purpose,
            consent_id=str(self.consent_id) if self.consent_id is not None else "",
        )


class ProgramPart2In(BaseModel):
    model_config = ConfigDict(extra="forbid")

    is_part2: bool = Field(description="Is this a 42 CFR Part 2 programme?")


class ProgramPart2Read(BaseModel):
    id: int
    name: str
    is_part2: bool
