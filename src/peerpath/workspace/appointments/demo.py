"""Demo appointments (text written for peerpath): member1 and peer1 have a meeting scheduled
in two days and one last week that is done; member1 has asked for a phone call next week
(waiting for peer1). member2 has a video meeting scheduled with peer1."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy.orm import Session

from peerpath.core import access
from peerpath.db.base import utcnow
from peerpath.db.models import Appointment, AppointmentModality, AppointmentStatus, User


def _at(days: int, hour: int) -> datetime:
    day = (utcnow() + timedelta(days=days)).date()
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


def load(db: Session, org_slug: str, users: dict[str, User]) -> None:
    member1, member2 = users.get("member1"), users.get("member2")
    if member1 is None:
        return
    now = utcnow()
    rows = [
        (
            member1,
            2,
            15,
            60,
            AppointmentModality.COMMUNITY,
            "Library café on Main Street",
            "Look at the job board together and pick two places to apply.",
            AppointmentStatus.SCHEDULED,
        ),
        (
            member1,
            -6,
            14,
            45,
            AppointmentModality.IN_PERSON,
            "Peer center",
            "Talk about how the new morning routine is going.",
            AppointmentStatus.DONE,
        ),
        (
            member1,
            8,
            11,
            30,
            AppointmentModality.PHONE,
            "",
            "A quick call before my housing appointment.",
            AppointmentStatus.REQUESTED,
        ),
    ]
    if member2 is not None:
        rows.append(
            (
                member2,
                3,
                16,
                60,
                AppointmentModality.VIDEO,
                "Video link sent by text",
                "Plan the first week back at the community college.",
                AppointmentStatus.SCHEDULED,
            )
        )
    for member, days, hour, minutes, modality, location, purpose, status in rows:
        peer_id = access.assigned_peer_id(db, member)
        if peer_id is None:
            continue
        starts = _at(days, hour)
        db.add(
            Appointment(
                organization_id=member.organization_id,
                member_id=member.id,
                peer_specialist_id=peer_id,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=minutes),
                modality=modality,
                location=location,
                purpose=purpose,
                status=status,
                created_by_id=member.id if status == AppointmentStatus.REQUESTED else peer_id,
                sequence=0,
                created_at=now,
                updated_at=now,
            )
        )
    db.flush()
