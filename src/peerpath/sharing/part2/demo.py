"""Demo 42 CFR Part 2 data (text written for peerpath).

riverbend runs "Riverbend Recovery Support", a substance use disorder programme marked Part 2,
with member3 (Noah Fischer) enrolled 120 days ago. The demo's earlier modules wrote member3's
check-ins, tools, setbacks and session notes before this programme existed, so those made
since the enrolment are tagged here explicitly (new records are tagged by the hook). Noah has a
consent in force for his clinic and one copy of his record was made for it.

harbor.member1 (Jordan Reyes, not in a Part 2 programme) has a consent that names their
supporter (harbor.supporter1), so the consent pages have something to show there too.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.core.access import org_today
from peerpath.core.audit import Viewer
from peerpath.db.models import (
    CheckIn,
    Part2Consent,
    Program,
    ProgramEnrollment,
    SessionNote,
    Setback,
    ToolUse,
    User,
)
from peerpath.sharing.part2.service import record_disclosure, tag_records

PROGRAMME = "Riverbend Recovery Support"
ENROLLED_DAYS_AGO = 120


def load(db: Session, org_slug: str, users: dict[str, User]) -> None:
    if org_slug == "riverbend":
        _riverbend(db, users)
    elif org_slug == "harbor":
        _harbor(db, users)


def _riverbend(db: Session, users: dict[str, User]) -> None:
    member = users.get("member3")
    if member is None:
        return
    today = org_today(member.organization)
    start = today - timedelta(days=ENROLLED_DAYS_AGO)
    program = Program(organization_id=member.organization_id, name=PROGRAMME, is_part2=True)
    db.add(program)
    db.flush()
    db.add(
        ProgramEnrollment(
            organization_id=member.organization_id,
            program_id=program.id,
            member_id=member.id,
            start_date=start,
        )
    )
    db.flush()
    records: list[tuple[str, int]] = []
    for model, day_column in (
        (CheckIn, CheckIn.day),
        (ToolUse, ToolUse.used_on),
        (Setback, Setback.happened_on),
        (SessionNote, SessionNote.contact_date),
    ):
        table = str(model.__tablename__)
        ids = db.scalars(
            select(model.id).where(
                model.organization_id == member.organization_id,
                model.member_id == member.id,
                day_column >= start,
            )
        ).all()
        records += [(table, record_id) for record_id in ids]
    tag_records(db, member, program.id, records)

    consent = Part2Consent(
        organization_id=member.organization_id,
        member_id=member.id,
        member_name=member.display_name,
        disclosing_party=f"{member.organization.name} ({PROGRAMME})",
        information_description=(
            "My crisis plan, my wellness plan and my check-ins from the last three months."
        ),
        recipients="Dr. Amara Osei, Eastside Family Clinic",
        purpose="So my new doctor knows what helps me and who to call if I am in crisis.",
        right_to_revoke_acknowledged=True,
        expires_on=today + timedelta(days=180),
        expiry_event="When I stop seeing Dr. Osei, if that is sooner.",
        signature=member.display_name,
        signed_on=today - timedelta(days=10),
        created_by_id=member.id,
    )
    db.add(consent)
    db.flush()
    record_disclosure(
        db,
        Viewer(member),
        member,
        kind="print",
        recipient="Dr. Amara Osei, Eastside Family Clinic",
        description="Everything in my record, as a copy to read or print. Purpose: my first "
        "appointment at the clinic.",
        consent_id=consent.id,
        included_part2=True,
    )


def _harbor(db: Session, users: dict[str, User]) -> None:
    member, supporter = users.get("member1"), users.get("supporter1")
    if member is None or supporter is None:
        return
    today = org_today(member.organization)
    db.add(
        Part2Consent(
            organization_id=member.organization_id,
            member_id=member.id,
            member_name=member.display_name,
            disclosing_party=member.organization.name,
            information_description="My crisis plan.",
            recipients=supporter.display_name,
            recipient_user_id=supporter.id,
            purpose="So my family can help me keep to my crisis plan when things get hard.",
            right_to_revoke_acknowledged=True,
            expires_on=today + timedelta(days=365),
            expiry_event="",
            signature=member.display_name,
            signed_on=today - timedelta(days=30),
            created_by_id=member.id,
        )
    )
    db.flush()
