"""Rules for the plan's profile area (no web code here).

The profile is the member's own words: only the member writes it, directly (no proposals).
Anyone the policy lets read the profile section sees who the member is (preferred name,
pronouns, languages); what recovery means to them, what matters to them and their vision are
part of the plan, shown only to those who may read the plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from peerpath.core import access, audit
from peerpath.core.access import Action, Section
from peerpath.core.audit import Viewer
from peerpath.core.errors import Conflict, EditConflict, NotFound
from peerpath.db.models import MemberProfile, Role, User
from peerpath.plans.common import (
    author_names,
    check_version,
    new_item_fields,
    plan_member,
    register_snapshot_part,
    touch,
)
from peerpath.plans.profile.schemas import ProfileIn, ProfileRead

IDENTITY_FIELDS = ("preferred_name", "pronouns", "languages")
PLAN_FIELDS = ("recovery_meaning", "what_matters", "vision")
FIELDS = IDENTITY_FIELDS + PLAN_FIELDS


@dataclass(frozen=True)
class ProfileView:
    member: User
    profile: MemberProfile | None
    is_member: bool  # the viewer is the member: they may edit
    shows_plan_fields: bool
    updated_by: str | None

    def value(self, field: str) -> str:
        return str(getattr(self.profile, field)) if self.profile is not None else ""

    @property
    def version(self) -> int:
        return self.profile.version if self.profile is not None else 0


def profile_row(db: Session, member: User) -> MemberProfile | None:
    """Call only after the policy has allowed access to this member's profile."""
    return db.scalar(
        select(MemberProfile).where(
            MemberProfile.organization_id == member.organization_id,
            MemberProfile.member_id == member.id,
        )
    )


def get_profile(db: Session, viewer: Viewer, member_id: int) -> ProfileView:
    member = plan_member(db, viewer, member_id, Section.PROFILE, record_type="profile")
    is_member = viewer.user.id == member.id
    shows_plan_fields = is_member
    # `can` only decides whether to ask; the plan read itself goes through the audited policy.
    if not is_member and access.can(db, viewer.user, member, Section.PLAN, Action.READ):
        plan_member(db, viewer, member_id, Section.PLAN, record_type="profile")
        shows_plan_fields = True
    row = profile_row(db, member)
    names = author_names(db, [row.updated_by_id] if row is not None else [])
    return ProfileView(
        member=member,
        profile=row,
        is_member=is_member,
        shows_plan_fields=shows_plan_fields,
        updated_by=names.get(row.updated_by_id) if row is not None else None,
    )


def refuse_profile_write(db: Session, viewer: Viewer, member_id: int) -> NoReturn:
    """Anyone but the member: 'not there' (audited), even where the policy grants a write."""
    member = db.get(User, member_id)
    audit.record(
        db,
        viewer=viewer,
        action=f"{Action.WRITE}:{Section.PROFILE}",
        record_type="profile",
        record_id=member_id,
        subject_member_id=member.id
        if member is not None
        and member.role == Role.MEMBER
        and member.organization_id == viewer.org_id
        else None,
        allowed=False,
        detail="only the member writes their profile",
    )
    raise NotFound()


def save_profile(db: Session, viewer: Viewer, member_id: int, data: ProfileIn) -> MemberProfile:
    if viewer.user.id != member_id:
        refuse_profile_write(db, viewer, member_id)
    member = plan_member(
        db, viewer, member_id, Section.PROFILE, Action.WRITE, record_type="profile"
    )
    values: dict[str, Any] = data.model_dump(include=set(FIELDS))
    back_url = f"/members/{member.id}/profile?edit=1"
    row = profile_row(db, member)
    if row is None:
        if data.version != 0:
            raise EditConflict(current=dict.fromkeys(FIELDS, ""), yours=values, back_url=back_url)
        row = MemberProfile(**new_item_fields(member, member), member_id=member.id, **values)
        try:
            with db.begin_nested():
                db.add(row)
                db.flush()
        except IntegrityError:
            # Two first saves at once: the other one won; nothing of this one is kept.
            raise Conflict(
                "Your profile was just saved from somewhere else. Please open it again."
            ) from None
        return row
    check_version(row, data.version, values, back_url)
    if any(getattr(row, key) != value for key, value in values.items()):
        for key, value in values.items():
            setattr(row, key, value)
        touch(row, member)
        db.flush()
    return row


def own_view(viewer: Viewer, row: MemberProfile) -> ProfileView:
    """The member's view of the profile they just saved (no second read of the record)."""
    return ProfileView(
        member=viewer.user,
        profile=row,
        is_member=True,
        shows_plan_fields=True,
        updated_by=viewer.user.display_name,
    )


def profile_read(view: ProfileView) -> ProfileRead:
    plan: dict[str, str | None] = {
        key: (view.value(key) if view.shows_plan_fields else None) for key in PLAN_FIELDS
    }
    return ProfileRead(
        member_id=view.member.id,
        preferred_name=view.value("preferred_name"),
        pronouns=view.value("pronouns"),
        languages=view.value("languages"),
        recovery_meaning=plan["recovery_meaning"],
        what_matters=plan["what_matters"],
        vision=plan["vision"],
        version=view.version,
        updated_by=view.updated_by,
        updated_at=view.profile.updated_at if view.profile is not None else None,
    )


def snapshot(db: Session, member: User) -> dict[str, str]:
    row = profile_row(db, member)
    return {key: (str(getattr(row, key)) if row is not None else "") for key in FIELDS}


register_snapshot_part("profile", snapshot)
