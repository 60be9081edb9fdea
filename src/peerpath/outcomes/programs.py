"""Programmes and enrolments, managed by the organization's admins.

A member can be enrolled in several programmes, and in the same programme again after an
enrolment ended; two open enrolments in the same programme are refused. Ending an enrolment
sets its last day; nothing is deleted. Every change is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerpath.core import access, audit
from peerpath.core.audit import Viewer
from peerpath.core.errors import Conflict, Invalid, NotFound
from peerpath.db.models import Program, ProgramEnrollment, Role, User
from peerpath.outcomes.schemas import EnrollmentIn, ProgramIn


@dataclass(frozen=True)
class ProgramSummary:
    program: Program
    enrolled_now: int


@dataclass(frozen=True)
class EnrollmentLine:
    enrollment: ProgramEnrollment
    member_name: str


def _admin(viewer: Viewer) -> None:
    access.require_role(viewer, Role.ADMIN)


def list_programs(db: Session, viewer: Viewer, today: date) -> list[ProgramSummary]:
    access.require_role(viewer, Role.ADMIN, Role.SUPERVISOR)
    open_counts = dict(
        db.execute(
            select(
                ProgramEnrollment.program_id, func.count(func.distinct(ProgramEnrollment.member_id))
            )
            .where(
                ProgramEnrollment.organization_id == viewer.org_id,
                ProgramEnrollment.start_date <= today,
                (ProgramEnrollment.end_date.is_(None)) | (ProgramEnrollment.end_date >= today),
            )
            .group_by(ProgramEnrollment.program_id)
        ).all()
    )
    programs = db.scalars(
        select(Program).where(Program.organization_id == viewer.org_id).order_by(Program.name)
    )
    return [ProgramSummary(p, int(open_counts.get(p.id, 0))) for p in programs]


def get_program(db: Session, viewer: Viewer, program_id: int) -> Program:
    _admin(viewer)
    program = db.get(Program, program_id)
    if program is None or program.organization_id != viewer.org_id:
        raise NotFound()
    return program


def create_program(db: Session, viewer: Viewer, data: ProgramIn) -> Program:
    _admin(viewer)
    name = data.name.strip()
    taken = db.scalar(
        select(Program.id).where(
            Program.organization_id == viewer.org_id, func.lower(Program.name) == name.lower()
        )
    )
    if taken is not None:
        raise Invalid(
            "There is already a programme with that name.",
            errors={"name": "Name: there is already a programme with that name."},
        )
    program = Program(organization_id=viewer.org_id, name=name, is_part2=data.is_part2)
    db.add(program)
    db.flush()
    audit.record(
        db,
        viewer=viewer,
        action="create:program",
        record_type="program",
        record_id=program.id,
        allowed=True,
    )
    return program


def enrollments(db: Session, viewer: Viewer, program: Program) -> list[EnrollmentLine]:
    _admin(viewer)
    rows = db.execute(
        select(ProgramEnrollment, User.display_name)
        .join(User, User.id == ProgramEnrollment.member_id)
        .where(
            ProgramEnrollment.organization_id == viewer.org_id,
            ProgramEnrollment.program_id == program.id,
        )
        .order_by(ProgramEnrollment.end_date.is_not(None), User.display_name)
    ).all()
    return [EnrollmentLine(e, name) for e, name in rows]


def members(db: Session, viewer: Viewer) -> Sequence[User]:
    _admin(viewer)
    return db.scalars(
        select(User)
        .where(
            User.organization_id == viewer.org_id,
            User.role == Role.MEMBER,
            User.is_active.is_(True),
        )
        .order_by(User.display_name)
    ).all()


def enroll(db: Session, viewer: Viewer, program: Program, data: EnrollmentIn) -> ProgramEnrollment:
    _admin(viewer)
    member = db.get(User, data.member_id)
    if member is None or member.organization_id != viewer.org_id or member.role != Role.MEMBER:
        raise Invalid(
            "Please choose a member.", errors={"member_id": "Member: please choose a member."}
        )
    if data.end_date is not None and data.end_date < data.start_date:
        raise Invalid(
            "Please check the dates.",
            errors={"end_date": "Last day: please choose a day on or after the first day."},
        )
    open_one = db.scalar(
        select(ProgramEnrollment.id).where(
            ProgramEnrollment.organization_id == viewer.org_id,
            ProgramEnrollment.program_id == program.id,
            ProgramEnrollment.member_id == member.id,
            ProgramEnrollment.end_date.is_(None),
        )
    )
    if open_one is not None:
        raise Conflict(f"{member.display_name} is already enrolled in {program.name}.")
    enrollment = ProgramEnrollment(
        organization_id=viewer.org_id,
        program_id=program.id,
        member_id=member.id,
        start_date=data.start_date,
        end_date=data.end_date,
    )
    db.add(enrollment)
    db.flush()
    audit.record(
        db,
        viewer=viewer,
        action="write:program_enrollment",
        record_type="program_enrollment",
        record_id=enrollment.id,
        subject_member_id=member.id,
        allowed=True,
        detail=f"enrolled in programme {program.id}",
    )
    return enrollment


def end_enrollment(
    db: Session, viewer: Viewer, program: Program, enrollment_id: int, end_date: date
) -> ProgramEnrollment:
    _admin(viewer)
    enrollment = db.get(ProgramEnrollment, enrollment_id)
    if (
        enrollment is None
        or enrollment.organization_id != viewer.org_id
        or enrollment.program_id != program.id
    ):
        raise NotFound()
    if end_date < enrollment.start_date:
        raise Invalid(
            "Please check the date.",
            errors={"end_date": "Last day: please choose a day on or after the first day."},
        )
    enrollment.end_date = end_date
    audit.record(
        db,
        viewer=viewer,
        action="write:program_enrollment",
        record_type="program_enrollment",
        record_id=enrollment.id,
        subject_member_id=enrollment.member_id,
        allowed=True,
        detail=f"enrolment ended {end_date.isoformat()}",
    )
    db.flush()
    return enrollment


def set_part2(db: Session, viewer: Viewer, program: Program, is_part2: bool) -> Program:
    """Mark (or unmark) a programme as a 42 CFR Part 2 programme. Records its members create
    from then on, while enrolled, are tagged (peerpath.sharing.part2.tagging); tags already
    written stay. Audited, also when nothing changes."""
    _admin(viewer)
    before = program.is_part2
    program.is_part2 = is_part2
    audit.record(
        db,
        viewer=viewer,
        action="write:program",
        record_type="program",
        record_id=program.id,
        allowed=True,
        detail=f"42 CFR Part 2: {'yes' if before else 'no'} -> {'yes' if is_part2 else 'no'}",
    )
    db.flush()
    return program
