"""The member's sharing choices, emergency openings of a crisis plan, supporter invitations,
and the 42 CFR Part 2 records: consents, tagged records and the accounting of disclosures.

A sharing grant lets one recipient read one section of the member's record for a purpose,
until an expiry date (or with none). The recipient is a named staff user, a named supporter,
or a role relative to the member ("whoever is my peer specialist", "my peer specialist's
supervisor") that follows reassignment. The organization's enrolment defaults are written as
grants when a member account is created; the member changes any of them afterwards. A revoked
grant keeps its row (revoked_at set) so the member can see what they shared and when.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from peerpath.db.base import Base, UTCDateTime, member_fk, str_enum, user_fk, utcnow

__all__ = [
    "Disclosure",
    "EmergencyAccess",
    "Part2Consent",
    "Part2Record",
    "RecipientKind",
    "SharingGrant",
    "SharingPurpose",
    "SupporterInvitation",
]


class RecipientKind(enum.StrEnum):
    MY_PEER_SPECIALIST = "my_peer_specialist"  # whoever is assigned, now and later
    MY_SUPERVISOR = "my_supervisor"  # the supervisor of whoever is assigned
    STAFF = "staff"  # one named staff account of the organization
    SUPPORTER = "supporter"  # one named supporter the member linked

    @property
    def needs_user(self) -> bool:
        return self in (RecipientKind.STAFF, RecipientKind.SUPPORTER)


class SharingPurpose(enum.StrEnum):
    ONGOING_SUPPORT = "ongoing_support"
    CRISIS_SUPPORT = "crisis_support"
    SUPERVISION = "supervision"
    CARE_COORDINATION = "care_coordination"
    FAMILY_AND_FRIENDS = "family_and_friends"
    OTHER = "other"


class SharingGrant(Base):
    __tablename__ = "sharing_grants"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        member_fk("sharing_grants"),
        user_fk("sharing_grants", "recipient_user_id"),
        Index("ix_sharing_grants_member", "organization_id", "member_id", "section"),
        Index("ix_sharing_grants_recipient", "organization_id", "recipient_user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    member_id: Mapped[int] = mapped_column(Integer)
    recipient_kind: Mapped[RecipientKind] = mapped_column(
        str_enum(RecipientKind, "sharing_recipient_kind")
    )
    # Set for STAFF and SUPPORTER recipients, None for the role-relative ones.
    recipient_user_id: Mapped[int | None] = mapped_column(Integer)
    # A peerpath.core.access.Section value other than profile and audit.
    section: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[SharingPurpose] = mapped_column(str_enum(SharingPurpose, "sharing_purpose"))
    purpose_detail: Mapped[str] = mapped_column(String(200), default="")
    # The last day the grant is in force (the organization's calendar); None: no expiry.
    expires_on: Mapped[date | None] = mapped_column(Date)
    # True for the grants written from the organization's enrolment defaults.
    from_defaults: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A supporter grant over Part 2 records names the consent that permits the disclosure.
    part2_consent_id: Mapped[int | None] = mapped_column(Integer)


class EmergencyAccess(Base):
    """A staff member opened a member's crisis plan without a grant, giving a reason. The
    opening lasts until `expires_at`; the member sees it on their home page."""

    __tablename__ = "emergency_accesses"
    __table_args__ = (
        member_fk("emergency_accesses"),
        user_fk("emergency_accesses", "staff_id"),
        Index("ix_emergency_accesses_member", "organization_id", "member_id", "staff_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    member_id: Mapped[int] = mapped_column(Integer)
    staff_id: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When the member dismissed the notice on their home page.
    member_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SupporterInvitation(Base):
    """A member's invitation to a supporter: a one-time link (handed over, or emailed when mail
    is configured) with which the supporter makes their own account, linked to the member."""

    __tablename__ = "supporter_invitations"
    __table_args__ = (
        member_fk("supporter_invitations"),
        Index("ix_supporter_invitations_member", "organization_id", "member_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    member_id: Mapped[int] = mapped_column(Integer)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    relationship_label: Mapped[str] = mapped_column(String(80), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    supporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Part2Consent(Base):
    """A written consent to disclose a member's 42 CFR Part 2 records, holding every element
    §2.31 requires. The form refuses to save one with an element missing."""

    __tablename__ = "part2_consents"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        member_fk("part2_consents"),
        Index("ix_part2_consents_member", "organization_id", "member_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    member_id: Mapped[int] = mapped_column(Integer)
    member_name: Mapped[str] = mapped_column(String(200))
    # Who may disclose: the programme or people named.
    disclosing_party: Mapped[str] = mapped_column(String(300))
    information_description: Mapped[str] = mapped_column(Text)
    recipients: Mapped[str] = mapped_column(String(500))
    # A supporter account this consent names as recipient (for supporter grants), if any.
    recipient_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    purpose: Mapped[str] = mapped_column(Text)
    right_to_revoke_acknowledged: Mapped[bool] = mapped_column(Boolean, default=False)
    # Expiry: a date, or an event or condition written out (at least one of them).
    expires_on: Mapped[date | None] = mapped_column(Date)
    expiry_event: Mapped[str] = mapped_column(String(300), default="")
    signature: Mapped[str] = mapped_column(String(200))
    signed_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Part2Record(Base):
    """A record created while its member was enrolled in a Part 2 programme: (table, id)."""

    __tablename__ = "part2_records"
    __table_args__ = (
        UniqueConstraint("organization_id", "record_type", "record_id"),
        member_fk("part2_records"),
        ForeignKeyConstraint(
            ["organization_id", "program_id"],
            ["programs.organization_id", "programs.id"],
            name="fk_part2_records_program",
        ),
        Index("ix_part2_records_member", "organization_id", "member_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    member_id: Mapped[int] = mapped_column(Integer)
    program_id: Mapped[int] = mapped_column(Integer)
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Disclosure(Base):
    """One disclosure of a member's records outside the organization (an export or print for
    someone else, a supporter grant): the accounting of disclosures the member can read."""

    __tablename__ = "disclosures"
    __table_args__ = (
        member_fk("disclosures"),
        Index("ix_disclosures_member", "organization_id", "member_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    member_id: Mapped[int] = mapped_column(Integer)
    consent_id: Mapped[int | None] = mapped_column(Integer)
    disclosed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recipient: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(20))  # export, print, grant
    description: Mapped[str] = mapped_column(Text)
    included_part2: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
