"""Records created while their member is enrolled in a Part 2 programme are tagged; others are
not; the tag names the table and the record."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from peerpath.core.audit import Viewer
from peerpath.db.models import (
    AuditEvent,
    Goal,
    Objective,
    Part2Record,
    SharingGrant,
    User,
)
from peerpath.sharing.part2 import service
from peerpath.sharing.part2.tagging import taggable_tables
from tests.conftest import Browser
from tests.integration.sharing.part2.conftest import Enrol, new_checkin, tag_of


def test_record_made_while_enrolled_is_tagged(
    db: Session, demo: dict[str, User], enrol: Enrol
) -> None:
    member = demo["harbor.member2"]
    program = enrol(member)

    row = new_checkin(db, member)

    tag = tag_of(db, "checkins", row.id)
    assert tag is not None
    assert (tag.member_id, tag.program_id, tag.organization_id) == (
        member.id,
        program.id,
        member.organization_id,
    )
    assert service.has_part2_records(db, member)


def test_check_in_saved_through_the_api_is_tagged(
    client: Browser, db: Session, demo: dict[str, User], enrol: Enrol
) -> None:
    member = demo["harbor.member8"]
    enrol(member)
    db.commit()
    client.login("harbor.member8")

    saved = client.api(
        "POST",
        f"/api/v1/members/{member.id}/checkins",
        json={"ratings": {"emotional": 6, "physical": 5, "social": 4}},
    )

    assert saved.status_code == 201, saved.text
    assert tag_of(db, "checkins", saved.json()["id"]) is not None


def test_not_tagged_outside_a_part2_enrolment(
    db: Session, demo: dict[str, User], enrol: Enrol
) -> None:
    plain, ended, future = demo["harbor.member2"], demo["harbor.member4"], demo["harbor.member5"]
    enrol(plain, part2=False)  # enrolled, but not in a Part 2 programme
    enrol(ended, start=-60, end=-1)  # the Part 2 enrolment ended yesterday
    enrol(future, start=3)  # starts in three days
    nobody = demo["harbor.member6"]  # in no Part 2 programme at all

    rows = [new_checkin(db, m) for m in (plain, ended, future, nobody)]

    assert [tag_of(db, "checkins", r.id) for r in rows] == [None] * 4
    assert not service.has_part2_records(db, plain)


def test_last_day_of_the_enrolment_still_counts(
    db: Session, demo: dict[str, User], enrol: Enrol
) -> None:
    member = demo["harbor.member3"]
    enrol(member, start=-10, end=0)
    assert tag_of(db, "checkins", new_checkin(db, member).id) is not None


def test_only_top_level_member_records_are_tagged(
    db: Session, demo: dict[str, User], enrol: Enrol
) -> None:
    member = demo["harbor.member2"]
    enrol(member)
    goal = Goal(
        organization_id=member.organization_id,
        member_id=member.id,
        title="Find a weekend routine",
        created_by_id=member.id,
        updated_by_id=member.id,
    )
    db.add(goal)
    db.flush()
    objective = Objective(
        organization_id=member.organization_id,
        goal_id=goal.id,
        text="Walk on Saturday mornings",
        created_by_id=member.id,
        updated_by_id=member.id,
    )
    db.add(objective)
    db.flush()
    grant = SharingGrant(
        organization_id=member.organization_id,
        member_id=member.id,
        recipient_kind="staff",
        recipient_user_id=demo["harbor.peer2"].id,
        section="plan",
        purpose="ongoing_support",
    )
    db.add(grant)
    db.flush()

    assert tag_of(db, "goals", goal.id) is not None
    assert tag_of(db, "objectives", objective.id) is None  # covered by its goal
    assert tag_of(db, "sharing_grants", grant.id) is None  # account plumbing
    assert db.scalar(select(func.count()).where(Part2Record.record_type == "audit_events")) == 0
    assert "objectives" not in taggable_tables()
    assert {"checkins", "goals", "journal_entries", "session_notes", "appointments"} <= set(
        taggable_tables()
    )
    assert not {"part2_records", "user_sessions", "audit_events"} & set(taggable_tables())


def test_one_small_query_per_flush_and_none_without_member_records(
    db: Session, demo: dict[str, User]
) -> None:
    member = demo["harbor.member2"]
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        db.add(
            AuditEvent(
                organization_id=member.organization_id,
                actor_user_id=member.id,
                action="read:test",
                record_type="test",
                allowed=True,
            )
        )
        db.flush()
        only_audit = list(statements)
        statements.clear()
        new_checkin(db, member)
        with_record = list(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)

    assert not any("program_enrollments" in s for s in only_audit)
    assert sum("program_enrollments" in s for s in with_record) == 1
    assert not any("INSERT INTO part2_records" in s for s in with_record)


def test_demo_member_in_riverbend_part2_programme_has_tagged_records(
    db: Session, demo: dict[str, User]
) -> None:
    member = demo["riverbend.member3"]
    assert service.has_part2_records(db, member)
    assert not service.has_part2_records(db, demo["riverbend.member1"])
    # and what they create now is tagged by the hook
    assert tag_of(db, "checkins", new_checkin(db, member).id) is not None
    assert service.consent_in_force(db, member) is not None
    assert Viewer(member).user is member
