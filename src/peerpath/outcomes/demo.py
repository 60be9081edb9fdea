"""Demo programmes: harbor runs a peer recovery coaching programme and a smaller programme for
people coming home from incarceration. Most harbor members are in the first; three are in the
second (one of them in both). riverbend has no programmes, so it shows "All programmes" only.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from peerpath.db.base import utcnow
from peerpath.db.models import Program, ProgramEnrollment, Role, User

PROGRAMMES = {
    "harbor": (
        (
            "Peer Recovery Coaching",
            False,
            ("member1", "member2", "member3", "member4", "member5", "member6", "member7"),
        ),
        ("Coming Home (re-entry support)", False, ("member6", "member7", "member8")),
    )
}


def load(db: Session, org_slug: str, users: dict[str, User]) -> None:
    specs = PROGRAMMES.get(org_slug)
    if not specs:
        return
    org_id = next(iter(users.values())).organization_id
    today = utcnow().date()
    for number, (name, part2, suffixes) in enumerate(specs):
        program = Program(organization_id=org_id, name=name, is_part2=part2)
        db.add(program)
        db.flush()
        for i, suffix in enumerate(suffixes):
            member = users.get(suffix)
            if member is None or member.role != Role.MEMBER:
                continue
            db.add(
                ProgramEnrollment(
                    organization_id=org_id,
                    program_id=program.id,
                    member_id=member.id,
                    start_date=today - timedelta(days=300 - 20 * i - 40 * number),
                )
            )
    db.flush()
