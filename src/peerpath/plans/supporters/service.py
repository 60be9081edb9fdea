"""Rules for the plan's supporters area (no web code here).

The supporters map holds the people in the member's circle (whether or not they have a
peerpath account) and the community places that help. The member writes it; their peer
specialist's additions, changes and removals are suggestions the member accepts or declines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.core import access
from peerpath.core.access import Action, Section
from peerpath.core.audit import Viewer
from peerpath.core.errors import EditConflict, NotFound
from peerpath.db.models import CommunityPlace, SupporterEntry, User
from peerpath.plans.common import (
    Applier,
    Kind,
    Proposed,
    author_names,
    check_version,
    new_item_fields,
    plan_member,
    register_kind,
    register_snapshot_part,
    touch,
    write_or_propose,
)
from peerpath.plans.strengths.service import (
    DETAIL_LABELS,
    REMOVE,
    ProposalView,
    gone,
    is_removal,
    pending_of_kinds,
    proposal_views,
    record_removal,
    short,
)
from peerpath.plans.supporters.schemas import (
    PERSON_FIELDS,
    PLACE_FIELDS,
    PersonChange,
    PersonIn,
    PersonRead,
    PlaceChange,
    PlaceIn,
    PlaceRead,
)

Item = SupporterEntry | CommunityPlace

PERSON_LABELS = {
    "name": "Name",
    "relationship_label": "Who they are to me",
    "contact": "How to reach them",
    "crisis_role": "How they can help if things get hard",
}
PLACE_LABELS = {"name": "Place", "why_it_helps": "Why it helps"}


def _get(db: Session, model: type[Item], item_id: int | None) -> Item | None:
    return cast("Item | None", db.get(model, item_id)) if item_id else None


def _item_of(db: Session, model: type[Item], member: User, item_id: int | None) -> Item | None:
    item = _get(db, model, item_id)
    if item is None or item.organization_id != member.organization_id:
        return None
    return item if item.member_id == member.id else None


def _appliers(
    model: type[Item], schema: type[BaseModel], fields: tuple[str, ...], label: str
) -> tuple[Applier, Applier]:
    def create(
        db: Session,
        author: User,
        member: User,
        target_id: int | None,
        base_version: int | None,
        payload: dict[str, Any],
    ) -> Item:
        data = schema.model_validate(payload).model_dump(include=set(fields))
        item = model(**new_item_fields(author, member), member_id=member.id, **data)
        db.add(item)
        db.flush()
        return item

    def update(
        db: Session,
        author: User,
        member: User,
        target_id: int | None,
        base_version: int | None,
        payload: dict[str, Any],
    ) -> Item:
        item = _item_of(db, model, member, target_id)
        if item is None:
            raise gone(label)
        back_url = f"/members/{member.id}/supporters"
        if is_removal(payload):
            if base_version is not None and base_version != item.version:
                raise EditConflict(
                    current={key: getattr(item, key) for key in fields},
                    yours={"change": f"Remove this {label}"},
                    back_url=back_url,
                )
            db.delete(item)
            db.flush()
            return item
        changes = {key: payload[key] for key in fields if payload.get(key) is not None}
        check_version(item, base_version, changes, back_url)
        for key, value in changes.items():
            setattr(item, key, str(value))
        touch(item, author)
        db.flush()
        return item

    return create, update


_person_create, _person_update = _appliers(
    SupporterEntry, PersonIn, PERSON_FIELDS, "person in the supporters map"
)
_place_create, _place_update = _appliers(
    CommunityPlace, PlaceIn, PLACE_FIELDS, "place in the supporters map"
)
PERSON = register_kind(
    Kind(
        name="supporter_entry",
        section=Section.PLAN,
        label="person in the supporters map",
        create=_person_create,
        update=_person_update,
    )
)
PLACE = register_kind(
    Kind(
        name="community_place",
        section=Section.PLAN,
        label="place in the supporters map",
        create=_place_create,
        update=_place_update,
    )
)
DETAIL_LABELS[PERSON.name] = PERSON_LABELS
DETAIL_LABELS[PLACE.name] = PLACE_LABELS


@dataclass(frozen=True)
class Spec:
    """What differs between people and places."""

    kind: Kind
    model: type[Item]
    fields: tuple[str, ...]
    noun: str  # for sentences: "Add {name} to ..."


PEOPLE = Spec(PERSON, SupporterEntry, PERSON_FIELDS, "person")
PLACES = Spec(PLACE, CommunityPlace, PLACE_FIELDS, "place")


# ---- reading -------------------------------------------------------------------------------


def _items(db: Session, model: type[Item], member: User) -> list[Any]:
    return list(
        db.scalars(
            select(model)
            .where(model.organization_id == member.organization_id)
            .where(model.member_id == member.id)
            .order_by(model.created_at, model.id)
        ).all()
    )


def people_of(db: Session, member: User) -> list[SupporterEntry]:
    """Call only after the policy has allowed reading this member's plan."""
    return _items(db, SupporterEntry, member)


def places_of(db: Session, member: User) -> list[CommunityPlace]:
    """Call only after the policy has allowed reading this member's plan."""
    return _items(db, CommunityPlace, member)


@dataclass(frozen=True)
class SupportersView:
    member: User
    is_member: bool
    can_write: bool
    people: list[SupporterEntry]
    places: list[CommunityPlace]
    pending: list[ProposalView]
    names: dict[int, str]


def supporters_view(db: Session, viewer: Viewer, member_id: int) -> SupportersView:
    member = plan_member(db, viewer, member_id, record_type="supporters")
    people = people_of(db, member)
    places = places_of(db, member)
    items: list[Item] = [*people, *places]
    return SupportersView(
        member=member,
        is_member=viewer.user.id == member.id,
        can_write=access.can(db, viewer.user, member, Section.PLAN, Action.WRITE),
        people=people,
        places=places,
        pending=proposal_views(db, pending_of_kinds(db, member, [PERSON.name, PLACE.name])),
        names=author_names(db, [i for it in items for i in (it.created_by_id, it.updated_by_id)]),
    )


@dataclass(frozen=True)
class ItemPage:
    member: User
    item: Any  # SupporterEntry or CommunityPlace, as the spec says
    is_member: bool
    can_write: bool
    names: dict[int, str]


def get_item(db: Session, viewer: Viewer, member_id: int, spec: Spec, item_id: int) -> ItemPage:
    member = plan_member(db, viewer, member_id, record_type=spec.kind.name, record_id=item_id)
    item = _item_of(db, spec.model, member, item_id)
    if item is None:
        raise NotFound()
    return ItemPage(
        member=member,
        item=item,
        is_member=viewer.user.id == member.id,
        can_write=access.can(db, viewer.user, member, Section.PLAN, Action.WRITE),
        names=author_names(db, [item.created_by_id, item.updated_by_id]),
    )


def _authorship(item: Item, names: Mapping[int, str]) -> dict[str, Any]:
    return {
        "version": item.version,
        "created_by": names.get(item.created_by_id, "Someone"),
        "created_at": item.created_at,
        "updated_by": names.get(item.updated_by_id, "Someone"),
        "updated_at": item.updated_at,
    }


def person_read(item: SupporterEntry, names: Mapping[int, str]) -> PersonRead:
    return PersonRead(
        id=item.id,
        name=item.name,
        relationship_label=item.relationship_label,
        contact=item.contact,
        crisis_role=item.crisis_role,
        **_authorship(item, names),
    )


def place_read(item: CommunityPlace, names: Mapping[int, str]) -> PlaceRead:
    return PlaceRead(
        id=item.id, name=item.name, why_it_helps=item.why_it_helps, **_authorship(item, names)
    )


def item_read(item: Item, names: Mapping[int, str]) -> PersonRead | PlaceRead:
    if isinstance(item, SupporterEntry):
        return person_read(item, names)
    return place_read(item, names)


# ---- writing -------------------------------------------------------------------------------


def _target(db: Session, viewer: Viewer, member_id: int, spec: Spec, item_id: int) -> Item:
    """The entry to change, if it is this member's; a refusal and a miss look the same."""
    item = _get(db, spec.model, item_id)
    if item is None or item.member_id != member_id:
        plan_member(
            db,
            viewer,
            member_id,
            Section.PLAN,
            Action.WRITE,
            record_type=spec.kind.name,
            record_id=item_id,
        )
        raise NotFound()
    return item


def _create_summary(spec: Spec, name: str) -> str:
    if spec is PEOPLE:
        return f"Add {short(name)} to the supporters map"
    return f'Add the place "{short(name)}" to the supporters map'


def add_item(
    db: Session, viewer: Viewer, member_id: int, spec: Spec, data: PersonIn | PlaceIn
) -> Item | Proposed:
    result = write_or_propose(
        db,
        viewer,
        member_id,
        spec.kind,
        action="create",
        payload=data.model_dump(mode="json", exclude={"note"}),
        summary=_create_summary(spec, data.name),
        note=data.note,
    )
    assert isinstance(result, SupporterEntry | CommunityPlace | Proposed)
    return result


def change_item(
    db: Session,
    viewer: Viewer,
    member_id: int,
    spec: Spec,
    item_id: int,
    data: PersonChange | PlaceChange,
) -> Item | Proposed:
    item = _target(db, viewer, member_id, spec, item_id)
    changes: dict[str, Any] = {
        key: value
        for key, value in data.model_dump(mode="json", include=set(spec.fields)).items()
        if value is not None and value != getattr(item, key)
    }
    if not changes:
        # Nothing differs from what is saved: no new version and no empty suggestion.
        plan_member(
            db,
            viewer,
            member_id,
            Section.PLAN,
            Action.WRITE,
            record_type=spec.kind.name,
            record_id=item_id,
        )
        return item
    what = short(item.name) if spec is PEOPLE else f'the place "{short(item.name)}"'
    result = write_or_propose(
        db,
        viewer,
        member_id,
        spec.kind,
        action="update",
        payload=changes,
        summary=f"Update {what} in the supporters map",
        target_id=item.id,
        base_version=data.version,
        note=data.note,
    )
    assert isinstance(result, SupporterEntry | CommunityPlace | Proposed)
    return result


def remove_item(
    db: Session,
    viewer: Viewer,
    member_id: int,
    spec: Spec,
    item_id: int,
    version: int,
    note: str = "",
) -> Item | Proposed:
    item = _target(db, viewer, member_id, spec, item_id)
    what = short(item.name) if spec is PEOPLE else f'the place "{short(item.name)}"'
    result = write_or_propose(
        db,
        viewer,
        member_id,
        spec.kind,
        action=REMOVE,
        payload={REMOVE: True},
        summary=f"Remove {what} from the supporters map",
        target_id=item.id,
        base_version=version,
        note=note,
    )
    if not isinstance(result, Proposed):
        record_removal(db, viewer, member_id, spec.kind.name, item_id)
    assert isinstance(result, SupporterEntry | CommunityPlace | Proposed)
    return result


def snapshot(db: Session, member: User) -> dict[str, list[dict[str, Any]]]:
    return {
        "people": [
            {"id": p.id, **{key: getattr(p, key) for key in PERSON_FIELDS}}
            for p in people_of(db, member)
        ],
        "places": [
            {"id": p.id, **{key: getattr(p, key) for key in PLACE_FIELDS}}
            for p in places_of(db, member)
        ],
    }


register_snapshot_part("supporters", snapshot)
