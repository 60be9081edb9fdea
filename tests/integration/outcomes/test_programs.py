"""Programmes and enrolments through the admin pages (no JavaScript: POST, redirect, flash)."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.models import AuditEvent, Program, ProgramEnrollment, User
from tests.conftest import Browser


def test_admin_adds_a_programme_enrols_and_ends_an_enrolment(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    client.login("harbor.admin")
    page = client.get("/admin/programs")
    assert page.status_code == 200
    assert "Peer Recovery Coaching" in page.text  # demo programmes
    empty = client.submit("/admin/programs", {"name": "  "})
    assert empty.status_code == 422 and "Name:" in empty.text
    made = client.submit("/admin/programs", {"name": "Recovery Cafe", "is_part2": "yes"})
    assert made.status_code == 303
    program = db.scalars(select(Program).where(Program.name == "Recovery Cafe")).one()
    assert program.is_part2 is True
    assert made.headers["location"] == f"/admin/programs/{program.id}"
    dup = client.submit("/admin/programs", {"name": "recovery cafe"})
    assert dup.status_code == 422 and "already a programme" in dup.text

    member = demo["harbor.member2"]
    bad = client.submit(f"/admin/programs/{program.id}/enrollments", {"start_date": "2026-01-05"})
    assert bad.status_code == 422 and "Member: please choose a member." in bad.text
    other_org = demo["riverbend.member1"]
    refused = client.submit(
        f"/admin/programs/{program.id}/enrollments",
        {"member_id": str(other_org.id), "start_date": "2026-01-05"},
    )
    assert refused.status_code == 422
    ok = client.submit(
        f"/admin/programs/{program.id}/enrollments",
        {"member_id": str(member.id), "start_date": "2026-01-05"},
    )
    assert ok.status_code == 303
    page = client.get(f"/admin/programs/{program.id}")
    assert member.display_name in page.text and "enrolled now" in page.text
    enrollment = db.scalars(
        select(ProgramEnrollment).where(ProgramEnrollment.program_id == program.id)
    ).one()
    early = client.submit(
        f"/admin/programs/{program.id}/enrollments/{enrollment.id}/end", {"end_date": "2025-01-01"}
    )
    assert early.status_code == 422
    ended = client.submit(
        f"/admin/programs/{program.id}/enrollments/{enrollment.id}/end", {"end_date": "2026-02-01"}
    )
    assert ended.status_code == 303
    page = client.get(f"/admin/programs/{program.id}")
    assert re.search(r"from 2026-01-05\s+to 2026-02-01", page.text)
    actions = set(
        db.scalars(select(AuditEvent.action).where(AuditEvent.record_type.like("program%")))
    )
    assert {"create:program", "write:program_enrollment"} <= actions


def test_supervisors_see_the_dashboard_but_not_programme_admin(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("harbor.supervisor")
    assert client.get("/outcomes").status_code == 200
    assert client.get("/admin/programs").status_code == 403
    programmes = client.api("GET", "/api/v1/programs").json()
    assert {p["name"] for p in programmes} == {
        "Peer Recovery Coaching",
        "Coming Home (re-entry support)",
    }


def test_riverbend_cannot_open_a_harbor_programme(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    harbor_program = db.scalars(
        select(Program.id).where(Program.organization_id == demo["harbor.admin"].organization_id)
    ).first()
    client.login("riverbend.admin")
    assert client.get(f"/admin/programs/{harbor_program}").status_code == 404
    assert client.get(f"/outcomes?program={harbor_program}").status_code == 404
