"""`peerpath demo --scale`: the generated dataset is complete, consistent and usable."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from peerpath.core import security
from peerpath.core.audit import Viewer
from peerpath.db import migrate
from peerpath.db.models import (
    CaseloadAssignment,
    CheckIn,
    Organization,
    PlanVersion,
    Role,
    SessionNote,
    User,
)
from peerpath.demo import DEMO_PASSWORD, demo_state, load_demo
from peerpath.scale import SCALES, generate
from peerpath.workspace.appointments.service import next_appointments
from peerpath.workspace.search.service import search_notes
from tests.conftest import drop_postgres_schema, fresh_engine, worker_suffix


@pytest.fixture
def engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    name = f"scale_{uuid.uuid4().hex[:8]}"
    eng = fresh_engine(backend, tmp_path, name)
    migrate.upgrade(eng)
    yield eng
    eng.dispose()
    if backend == "postgres":
        drop_postgres_schema(f"pp_{name}_{worker_suffix()}")


def test_small_scale_writes_the_planned_rows_and_people_can_use_them(engine: Engine) -> None:
    with Session(engine) as db:
        load_demo(db)
        db.commit()
    seen: dict[str, int] = {}
    counts = generate(
        engine, "small", progress=lambda label, n: seen.__setitem__(label, seen.get(label, 0) + n)
    )
    plan = SCALES["small"]
    assert counts["checkins"] == plan.members * plan.checkins_per_member
    assert counts["plan_versions"] == plan.members * plan.plan_versions_per_member
    assert counts["audit_events"] == plan.audit_rows
    assert sum(seen.values()) == sum(counts.values())  # the progress bar saw every row

    with Session(engine) as db:
        orgs = db.scalars(select(Organization.slug).where(Organization.slug.like("scale%"))).all()
        assert len(orgs) == plan.organizations
        members = db.scalar(select(func.count()).where(User.role == Role.MEMBER))
        assert members == plan.members + 16  # the two demo organizations' 8 members each
        # Every generated member has a peer specialist in their own organization.
        peer = db.scalars(select(User).where(User.username == "scale01.peer1")).one()
        caseload = db.scalars(
            select(CaseloadAssignment.member_id).where(
                CaseloadAssignment.peer_specialist_id == peer.id
            )
        ).all()
        assert caseload
        assert security.verify_password(peer.password_hash, DEMO_PASSWORD)
        # One check-in per member per day, all in the past.
        member_id = caseload[0]
        days = db.scalars(select(CheckIn.day).where(CheckIn.member_id == member_id)).all()
        assert len(days) == len(set(days)) == plan.checkins_per_member
        versions = db.scalars(
            select(PlanVersion.number).where(PlanVersion.member_id == member_id)
        ).all()
        assert sorted(versions) == list(range(1, plan.plan_versions_per_member + 1))
        # Session notes (workspace): the planned number, about this member, by their peer
        # specialist, found by note search (the full-text index was rebuilt after the load);
        # and most members have a next appointment.
        assert counts["session_notes"] == plan.members * plan.notes_per_member
        notes = db.scalars(select(SessionNote).where(SessionNote.member_id == member_id)).all()
        assert len(notes) == plan.notes_per_member
        assert {n.author_id for n in notes} == {peer.id}
        total, hits = search_notes(db, Viewer(peer), notes[0].purpose)
        assert total >= 1 and all(h.member_id in caseload for h in hits)
        assert len(next_appointments(db, caseload)) >= len(caseload) // 2
        # Generated accounts count as demo data, so `demo --if-new` stays quiet.
        assert demo_state(db) == "demo"
        # Ids continue after the generated ones (PostgreSQL sequences were moved on).
        db.add(
            User(
                organization_id=peer.organization_id,
                username="after.scale",
                display_name="After Scale",
                role=Role.MEMBER,
            )
        )
        db.commit()
