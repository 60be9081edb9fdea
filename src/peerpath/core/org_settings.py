"""Organization-level choices, stored as JSON on the organization and validated here."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, ValidationError, field_validator

from peerpath.db.models import Organization
from peerpath.language import CATEGORIES as LANGUAGE_CATEGORIES
from peerpath.language import rule_ids as language_rule_ids

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

# Session notes (workspace): which signed notes a supervisor reviews.
NotesNeedingReview = Literal["none", "billable", "all"]
NoteModalityName = Literal["in_person", "phone", "video", "community", "group"]
BILLED_BY_DEFAULT: tuple[NoteModalityName, ...] = ("in_person", "phone", "video", "community")


class BillingRule(BaseModel):
    """How one billable service turns minutes into units (configuration, not code)."""

    service_code: str = Field(min_length=1, max_length=20, description="e.g. HCPCS H0038")
    description: str = Field("", max_length=120)
    unit_minutes: int = Field(15, ge=1, le=240, description="Minutes in one unit.")
    minimum_minutes: int = Field(
        8,
        ge=1,
        le=240,
        description="A part unit counts when it lasts at least this many minutes "
        "(8 of 15: 7 minutes is no unit, 8 minutes is one, 23 minutes is two).",
    )
    daily_cap_units: int | None = Field(
        16, ge=1, le=96, description="Most units billed per member per day (none: no cap)."
    )
    modalities: list[NoteModalityName] = Field(
        default_factory=lambda: list(BILLED_BY_DEFAULT),
        description="The contact modalities this rule applies to.",
    )


def _default_billing_rules() -> list[BillingRule]:
    return [
        BillingRule(
            service_code="H0038",
            description="Self-help/peer services, per 15 minutes",
        )
    ]


# Member data rights (rights area): about 7 years by default, as many records rules ask.
RETENTION_DAYS_DEFAULT = 2555
RETENTION_DAYS_MIN = 0
RETENTION_DAYS_MAX = 36500


# Sharing: which sections a new member's record shares at enrolment, per role-relative
# recipient. Written as the member's own grants when the account is made; the member can
# change every one of them on their sharing page.
ShareableSectionName = Literal[
    "plan", "wellness_plan", "crisis_plan", "checkins", "measures", "journal", "notes"
]


PEER_DEFAULTS: tuple[ShareableSectionName, ...] = (
    "plan",
    "wellness_plan",
    "crisis_plan",
    "checkins",
    "measures",
    "notes",
)
SUPERVISOR_DEFAULTS: tuple[ShareableSectionName, ...] = (
    "plan",
    "wellness_plan",
    "crisis_plan",
    "notes",
)


class SharingDefaults(BaseModel):
    my_peer_specialist: list[ShareableSectionName] = Field(
        default_factory=lambda: list(PEER_DEFAULTS),
        description="Sections shared with whoever is the member's peer specialist.",
    )
    my_supervisor: list[ShareableSectionName] = Field(
        default_factory=lambda: list(SUPERVISOR_DEFAULTS),
        description="Sections shared with the supervisor of the member's peer specialist.",
    )

    @field_validator("my_peer_specialist", "my_supervisor")
    @classmethod
    def _no_repeats(cls, values: list[str]) -> list[str]:
        return list(dict.fromkeys(values))


LANGUAGE_TERM_PATTERN = r"^[A-Za-z][A-Za-z0-9' -]{0,58}[A-Za-z0-9]$|^[A-Za-z]$"
LANGUAGE_MAX_TERMS = 200


class LanguageTerm(BaseModel):
    """An organization's own term for the language assistant (plain words, not a pattern)."""

    term: str = Field(min_length=1, max_length=60, pattern=LANGUAGE_TERM_PATTERN)
    category: str
    reason: str = Field(min_length=3, max_length=300)
    suggestions: list[str] = Field(default_factory=list, max_length=5)

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str) -> str:
        if value not in LANGUAGE_CATEGORIES:
            raise ValueError("choose one of the language assistant's categories")
        return value

    @field_validator("suggestions")
    @classmethod
    def _short_suggestions(cls, values: list[str]) -> list[str]:
        cleaned = [v.strip() for v in values if v.strip()]
        if any(len(v) > 80 for v in cleaned):
            raise ValueError("each suggestion can be at most 80 characters")
        return cleaned


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
    notes_needing_review: NotesNeedingReview = Field(
        "billable",
        description="Which signed session notes wait for a supervisor's review: none, the "
        "billable ones, or all.",
    )
    billing_rules: list[BillingRule] = Field(
        default_factory=_default_billing_rules,
        description="How billable session notes become units: the first rule whose "
        "modalities include the note's modality applies.",
    )

    timezone: str = Field(
        "UTC",
        max_length=60,
        description="The organization's time zone (an IANA name such as America/Chicago): "
        "appointment and group times are entered and shown in it, and stored in UTC.",
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, name: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("not a known time zone name") from None
        return name

    # Member data rights: how long a member's data is kept after they leave the programme.
    retention_days_after_leaving: int = Field(
        RETENTION_DAYS_DEFAULT,
        ge=RETENTION_DAYS_MIN,
        le=RETENTION_DAYS_MAX,
        description="Days a member's data is kept after they leave the programme; then "
        "`peerpath retention run` erases it (0: at the next run). The audit log stays.",
    )

    sharing_defaults: SharingDefaults = Field(
        default_factory=SharingDefaults,
        description="What a new member's record shares at enrolment (the member can change "
        "each choice): sections shared with their peer specialist and with that specialist's "
        "supervisor. Journal entries are never shared by default unless listed here.",
    )

    language_extra_terms: list[LanguageTerm] = Field(
        default_factory=list,
        max_length=LANGUAGE_MAX_TERMS,
        description="The organization's own terms for the language assistant to flag.",
    )
    language_silenced: list[str] = Field(
        default_factory=list,
        description="Language assistant rule ids the organization has turned off.",
    )

    @field_validator("language_silenced")
    @classmethod
    def _known_rules(cls, values: list[str]) -> list[str]:
        known = language_rule_ids()
        unknown = [v for v in values if v not in known and not v.startswith("org.")]
        if unknown:
            raise ValueError(f"unknown rule id {unknown[0][:60]!r}")
        return sorted(set(values))

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
