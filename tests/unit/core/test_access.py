"""The access policy's decisions, relation by relation (no web layer)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from peerpath.core import access
from peerpath.core.access import Action, Relation, Section
from peerpath.core.audit import Viewer
from peerpath.core.errors import NotFound
from peerpath.db.models import User


@pytest.mark.parametrize(
    ("viewer", "relation"),
    [
        ("harbor.member1", Relation.SELF),
        ("harbor.peer1", Relation.ASSIGNED_PEER),
        ("harbor.peer2", Relation.OTHER_STAFF),
        ("harbor.supervisor", Relation.SUPERVISOR),
        ("harbor.admin", Relation.ADMIN),
        ("harbor.supporter1", Relation.SUPPORTER),
        ("harbor.trainee1", Relation.OTHER_STAFF),
        ("harbor.member2", Relation.NONE),
        ("riverbend.admin", Relation.NONE),
        ("riverbend.peer1", Relation.NONE),
    ],
)
def test_relation_to_member_follows_assignments(
    viewer: str, relation: Relation, db: Session, demo: dict[str, User]
) -> None:
    assert access.relation_to_member(db, demo[viewer], demo["harbor.member1"]) == relation


def test_admin_cannot_read_a_member_journal_or_plan(db: Session, demo: dict[str, User]) -> None:
    admin, member = demo["harbor.admin"], demo["harbor.member1"]
    assert access.can(db, admin, member, Section.PROFILE, Action.READ)
    assert not access.can(db, admin, member, Section.JOURNAL, Action.READ)
    assert not access.can(db, admin, member, Section.PLAN, Action.READ)
    assert not access.can(db, admin, member, Section.NOTES, Action.READ)


def test_peer_specialist_and_supervisor_see_plan_and_notes_but_not_journal(
    db: Session, demo: dict[str, User]
) -> None:
    member = demo["harbor.member1"]
    for username in ("harbor.peer1", "harbor.supervisor"):
        viewer = demo[username]
        assert access.can(db, viewer, member, Section.PLAN, Action.READ)
        assert access.can(db, viewer, member, Section.NOTES, Action.READ)
        assert not access.can(db, viewer, member, Section.JOURNAL, Action.READ)
    assert not access.can(db, demo["harbor.supervisor"], member, Section.NOTES, Action.WRITE)


def test_deactivated_staff_lose_access(db: Session, demo: dict[str, User]) -> None:
    peer = demo["harbor.peer1"]
    peer.is_active = False
    assert not access.can(db, peer, demo["harbor.member1"], Section.PLAN, Action.READ)


def test_member_for_viewer_refuses_non_members_as_not_found(
    db: Session, demo: dict[str, User]
) -> None:
    with pytest.raises(NotFound):
        access.member_for_viewer(
            db, Viewer(demo["harbor.admin"]), demo["harbor.peer1"].id, Section.PROFILE
        )


def test_members_for_viewer_lists_only_the_caseload(db: Session, demo: dict[str, User]) -> None:
    names = [m.username for m in access.members_for_viewer(db, Viewer(demo["harbor.peer2"]))]
    assert sorted(names) == [f"harbor.member{n}" for n in range(5, 9)]
    supervisor = access.members_for_viewer(db, Viewer(demo["harbor.supervisor"]))
    assert len(supervisor) == 8
    assert access.members_for_viewer(db, Viewer(demo["harbor.trainee1"])) == []
    supporter = access.members_for_viewer(db, Viewer(demo["riverbend.supporter1"]))
    assert [m.username for m in supporter] == ["riverbend.member1"]
