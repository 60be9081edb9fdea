""" "Changed since signed": the plan page answers it from a per-process cache keyed by the
member's plan rows, so the answer must move with every kind of change (an edit, a new item,
a removal, an author's new name, a fresh signature) and agree with the full comparison."""

from __future__ import annotations

from sqlalchemy.orm import Session

from peerpath.core.audit import Viewer
from peerpath.db.models import StrengthCategory, User
from peerpath.plans.common import Proposed
from peerpath.plans.strengths import service as strengths
from peerpath.plans.strengths.schemas import StrengthIn
from peerpath.plans.versions import service
from tests.conftest import Browser
from tests.integration.plans.versions.conftest import set_profile


def _changed(db: Session, member: User) -> bool:
    """The answer the pages get (through the cache), checked against a full comparison."""
    db.expire_all()
    status = service.plan_status(db, member)
    assert status.latest is not None
    version = service._version_of(db, member, status.latest.id)
    live = service.build_snapshot(db, member)
    full = bool(service.compare_snapshots(version.snapshot or {}, live))
    assert status.draft_changed is full
    assert service.same_plan(version.snapshot or {}, live) is not full
    return status.draft_changed


def _sign(db: Session, member: User) -> None:
    service.start_signature(db, Viewer(member), member.id)
    db.commit()


def test_changed_since_signed_follows_edits_removals_and_new_signatures(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member3"]
    viewer = Viewer(member)
    set_profile(db, member, vision="Mornings in the garden.")
    _sign(db, member)
    assert _changed(db, member) is False
    assert _changed(db, member) is False  # asked again: the kept answer

    set_profile(db, member, vision="Mornings in the garden, and evenings with my brother.")
    assert _changed(db, member) is True

    _sign(db, member)  # version 2 matches the plan again
    assert _changed(db, member) is False

    added = strengths.add_strength(
        db,
        viewer,
        member.id,
        StrengthIn(category=StrengthCategory.INTERESTS, text="Fixing old bicycles"),
    )
    db.commit()
    assert _changed(db, member) is True

    _sign(db, member)
    assert _changed(db, member) is False

    assert not isinstance(added, Proposed)
    strengths.remove_strength(db, viewer, member.id, added.id, added.version)
    db.commit()
    assert _changed(db, member) is True

    _sign(db, member)
    assert _changed(db, member) is False

    # The plan shows who wrote each strength; a new name is a change to what it says.
    member.display_name = "Eli T."
    db.commit()
    strengths.add_strength(
        db,
        viewer,
        member.id,
        StrengthIn(category=StrengthCategory.PAST_SUCCESSES, text="Ran a 5k last spring"),
    )
    db.commit()
    _sign(db, member)
    assert _changed(db, member) is False
    member.display_name = "Eli Thompson"
    db.commit()
    assert _changed(db, member) is True

    client: Browser = make_client()
    client.login("harbor.member3")
    page = client.get(f"/members/{member.id}/plan")
    assert page.status_code == 200
    assert "changed since version 5" in page.text


def test_kept_answers_are_per_member_and_per_version(
    make_client, demo: dict[str, User], db: Session
) -> None:
    one, two = demo["harbor.member3"], demo["harbor.member1"]
    set_profile(db, one, vision="A quiet week.")
    _sign(db, one)
    if service.plan_status(db, two).latest is None:
        set_profile(db, two, vision="Back at work.")
        _sign(db, two)
    assert _changed(db, one) is False
    set_profile(db, two, vision="Something new for the second member.")
    assert _changed(db, two) is True
    assert _changed(db, one) is False


def test_same_plan_agrees_with_the_full_comparison_on_the_demo_versions(
    demo: dict[str, User], db: Session
) -> None:
    compared = 0
    for member in demo.values():
        status = service.plan_status(db, member)
        if status.latest is None:
            continue
        live = service.build_snapshot(db, member)
        snapshots = [service._version_of(db, member, v.id).snapshot or {} for v in status.versions]
        for old in [*snapshots, live]:
            for new in [*snapshots, live]:
                assert service.same_plan(old, new) is not bool(service.compare_snapshots(old, new))
                compared += 1
    assert compared > 1
