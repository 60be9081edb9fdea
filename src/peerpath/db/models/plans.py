"""The member-owned recovery plan: profile, strengths, vision, goals -> objectives -> steps,
decision worksheets, wellness and crisis plan sections, the supporters map, staff proposals
and signed versions.

Every item records who wrote it (created_by_id / updated_by_id) and carries a `version`
counter: an edit names the version it started from, and a stale one is a conflict, never a
silent overwrite. Rows of member data carry organization_id and link to the member with a
composite foreign key, like the account tables.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
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
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from peerpath.db.base import Base, UTCDateTime, member_fk, str_enum, utcnow


class Authored:
    """Who wrote an item and when; `version` guards against silent overwrites."""

    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 (a class-level directive)
        # The UPDATE says "WHERE version = <the version I read>": on PostgreSQL two saves
        # that both passed the Python version check cannot both land (the second matches no
        # row and answers 409); on SQLite BEGIN IMMEDIATE already serializes them.
        table = cls.__table__  # type: ignore[attr-defined]
        return {"version_id_col": table.c.version, "version_id_generator": False}


class MemberProfile(Authored, Base):
    """The member in their own words. There is deliberately no diagnosis field."""

    __tablename__ = "member_profiles"
    __table_args__ = (
        UniqueConstraint("organization_id", "member_id"),
        member_fk("member_profiles"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    member_id: Mapped[int] = mapped_column(Integer)
    preferred_name: Mapped[str] = mapped_column(String(120), default="")
    pronouns: Mapped[str] = mapped_column(String(60), default="")
    languages: Mapped[str] = mapped_column(String(200), default="")
    recovery_meaning: Mapped[str] = mapped_column(Text, default="")
    what_matters: Mapped[str] = mapped_column(Text, default="")
    vision: Mapped[str] = mapped_column(Text, default="")


class StrengthCategory(enum.StrEnum):
    PERSONAL_QUALITIES = "personal_qualities"
    SKILLS_AND_TALENTS = "skills_and_talents"
    INTERESTS = "interests"
    PEOPLE_AND_SUPPORTS = "people_and_supports"
    PLACES_AND_COMMUNITY = "places_and_community"
    PAST_SUCCESSES = "past_successes"


class Strength(Authored, Base):
    __tablename__ = "strengths"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        member_fk("strengths"),
        Index("ix_strengths_member", "organization_id", "member_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    member_id: Mapped[int] = mapped_column(Integer)
    category: Mapped[StrengthCategory] = mapped_column(
        str_enum(StrengthCategory, "strength_category")
    )
    text: Mapped[str] = mapped_column(String(500))


class GoalStatus(enum.StrEnum):
    """Never 'failed': a goal is achieved, paused or let go."""

    ACTIVE = "active"
    ACHIEVED = "achieved"
    PAUSED = "paused"
    LET_GO = "let_go"


class Goal(Authored, Base):
    __tablename__ = "goals"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        member_fk("goals"),
        Index("ix_goals_member", "organization_id", "member_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    member_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    why_it_matters: Mapped[str] = mapped_column(Text, default="")
    # SAMHSA's 8 Dimensions of Wellness and the CHIME processes, as lists of keys.
    dimensions: Mapped[list[str]] = mapped_column(JSON, default=list)
    chime: Mapped[list[str]] = mapped_column(JSON, default=list)
    strength_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    # People from the member's supporters map (supporter_entries) who help with this goal.
    supporter_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    status: Mapped[GoalStatus] = mapped_column(
        str_enum(GoalStatus, "goal_status"), default=GoalStatus.ACTIVE
    )
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Objective(Authored, Base):
    __tablename__ = "objectives"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        ForeignKeyConstraint(
            ["organization_id", "goal_id"],
            ["goals.organization_id", "goals.id"],
            name="fk_objectives_goal",
            ondelete="CASCADE",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    goal_id: Mapped[int] = mapped_column(Integer, index=True)
    text: Mapped[str] = mapped_column(String(500))
    measure: Mapped[str] = mapped_column(String(300), default="")
    target_date: Mapped[date | None] = mapped_column(Date)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)


class StepOwner(enum.StrEnum):
    ME = "me"
    PEER_SPECIALIST = "peer_specialist"
    SUPPORTER = "supporter"
    SERVICE = "service"


class ActionStep(Authored, Base):
    __tablename__ = "action_steps"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        ForeignKeyConstraint(
            ["organization_id", "objective_id"],
            ["objectives.organization_id", "objectives.id"],
            name="fk_action_steps_objective",
            ondelete="CASCADE",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    objective_id: Mapped[int] = mapped_column(Integer, index=True)
    text: Mapped[str] = mapped_column(String(500))
    who: Mapped[StepOwner] = mapped_column(str_enum(StepOwner, "step_owner"), default=StepOwner.ME)
    who_detail: Mapped[str] = mapped_column(String(200), default="")
    when: Mapped[str] = mapped_column(String(120), default="")
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)


class DecisionWorksheet(Authored, Base):
    """Shared decision making, in the member's words."""

    __tablename__ = "decision_worksheets"
    __table_args__ = (UniqueConstraint("organization_id", "id"), member_fk("decision_worksheets"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    member_id: Mapped[int] = mapped_column(Integer, index=True)
    decision: Mapped[str] = mapped_column(String(300))
    # [{"option": str, "pros": str, "cons": str}, ...]
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    what_matters: Mapped[str] = mapped_column(Text, default="")
    who_involved: Mapped[str] = mapped_column(String(300), default="")
    my_choice: Mapped[str] = mapped_column(Text, default="")


class WellnessSection(Authored, Base):
    """One section of the wellness and crisis plan; `content` maps a field key to text."""

    __tablename__ = "wellness_sections"
    __table_args__ = (
        UniqueConstraint("organization_id", "member_id", "key"),
        member_fk("wellness_sections"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    member_id: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(40))
    content: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)


class SupporterEntry(Authored, Base):
    """A person in the member's circle (whether or not they have a peerpath account)."""

    __tablename__ = "supporter_entries"
    __table_args__ = (UniqueConstraint("organization_id", "id"), member_fk("supporter_entries"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    member_id: Mapped[int] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(120))
    relationship_label: Mapped[str] = mapped_column(String(80), default="")
    contact: Mapped[str] = mapped_column(String(200), default="")
    crisis_role: Mapped[str] = mapped_column(String(300), default="")


class CommunityPlace(Authored, Base):
    __tablename__ = "community_places"
    __table_args__ = (UniqueConstraint("organization_id", "id"), member_fk("community_places"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    member_id: Mapped[int] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(120))
    why_it_helps: Mapped[str] = mapped_column(String(300), default="")


class ProposalStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class PlanProposal(Base):
    """A staff member's suggested change to a member's plan, waiting for the member's answer."""

    __tablename__ = "plan_proposals"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        member_fk("plan_proposals"),
        Index("ix_plan_proposals_member_status", "organization_id", "member_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    member_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))  # what it changes: goal, strength, ...
    action: Mapped[str] = mapped_column(String(20))  # create or update
    target_id: Mapped[int | None] = mapped_column(Integer)
    base_version: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    summary: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[ProposalStatus] = mapped_column(
        str_enum(ProposalStatus, "proposal_status"), default=ProposalStatus.PENDING
    )
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    member_comment: Mapped[str] = mapped_column(String(500), default="")


class PlanVersion(Base):
    """A frozen copy of the whole plan, made when the member signs."""

    __tablename__ = "plan_versions"
    __table_args__ = (
        UniqueConstraint("organization_id", "member_id", "number"),
        UniqueConstraint("organization_id", "id"),
        member_fk("plan_versions"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    member_id: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Roles whose signature this version needs, copied from the organization setting.
    required_roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_due: Mapped[date | None] = mapped_column(Date)


class PlanSignature(Base):
    __tablename__ = "plan_signatures"
    __table_args__ = (
        UniqueConstraint("organization_id", "version_id", "role"),
        ForeignKeyConstraint(
            ["organization_id", "version_id"],
            ["plan_versions.organization_id", "plan_versions.id"],
            name="fk_plan_signatures_version",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    version_id: Mapped[int] = mapped_column(Integer, index=True)
    role: Mapped[str] = mapped_column(String(20))
    signer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
