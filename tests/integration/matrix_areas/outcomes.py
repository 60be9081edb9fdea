"""Access rules for the outcomes dashboard (admins and supervisors of the organization) and
programmes (admins)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.models import Program, ProgramEnrollment, User
from tests.integration.access_rules import HARBOR_ADMIN, IdLookup, Rule, role

DASHBOARD = role("admin", "supervisor")

RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/outcomes"): DASHBOARD,
    ("GET", "/outcomes/report"): DASHBOARD,
    ("GET", "/outcomes/export.csv"): DASHBOARD,
    ("GET", "/outcomes/export.xlsx"): DASHBOARD,
    ("GET", "/api/v1/outcomes"): DASHBOARD,
    ("GET", "/admin/programs"): role("admin"),
    ("POST", "/admin/programs"): role("admin"),  # empty name: 422
    ("GET", "/admin/programs/{program_id}"): HARBOR_ADMIN,
    ("POST", "/admin/programs/{program_id}/enrollments"): HARBOR_ADMIN,  # empty: 422
    ("POST", "/admin/programs/{program_id}/enrollments/{enrollment_id}/end"): HARBOR_ADMIN,
    ("GET", "/api/v1/programs"): DASHBOARD,
    ("POST", "/api/v1/programs"): role("admin"),  # empty body: 422
    ("POST", "/api/v1/programs/{program_id}/enrollments"): HARBOR_ADMIN,
    ("POST", "/api/v1/programs/{program_id}/enrollments/{enrollment_id}/end"): HARBOR_ADMIN,
}


def _harbor_program(db: Session, demo: dict[str, User]) -> object:
    return db.scalar(
        select(Program.id)
        .where(Program.organization_id == demo["harbor.admin"].organization_id)
        .order_by(Program.id)
    )


def _harbor_enrollment(db: Session, demo: dict[str, User]) -> object:
    program_id = _harbor_program(db, demo)
    return db.scalar(
        select(ProgramEnrollment.id)
        .where(ProgramEnrollment.program_id == program_id)
        .order_by(ProgramEnrollment.id)
    )


ID_LOOKUPS: dict[str, IdLookup] = {
    "program_id": _harbor_program,
    "enrollment_id": _harbor_enrollment,
}
