"""Demo peer support group (text written for peerpath): a Thursday evening wellness circle
facilitated by peer2, with member1 (added by peer1) and member5 (added by peer2) on its list,
three past sessions with attendance and a group note, three upcoming sessions, and member1's
individual group note from the last session linked to it."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy.orm import Session

from peerpath.db.base import utcnow
from peerpath.db.models import (
    GroupAttendance,
    GroupMember,
    GroupSession,
    GroupSessionNote,
    NoteModality,
    NoteStatus,
    PeerGroup,
    SessionNote,
    User,
)
from peerpath.workspace.groups.service import recurring_dates

GROUP_NOTES = (
    "Opened with a check-in round. Topic: small routines that steady a hard week. The group "
    "traded ideas about morning walks, and two people offered to share a bus route to the "
    "community garden. Closed with each person naming one thing to try before next week.",
    "Topic: asking for help without feeling like a burden. We practised short scripts in "
    "pairs. Energy was warm; the group asked to come back to this theme next month.",
    "Topic: sleep and winding down. Shared what has worked, from music to writing lists. "
    "Agreed to bring one tip each next week.",
)


def load(db: Session, org_slug: str, users: dict[str, User]) -> None:
    peer1, peer2 = users.get("peer1"), users.get("peer2")
    member1, member5 = users.get("member1"), users.get("member5")
    if peer1 is None or peer2 is None or member1 is None or member5 is None:
        return
    org_id = peer2.organization_id
    now = utcnow()
    today = now.date()
    group = PeerGroup(
        organization_id=org_id,
        name="Thursday evening wellness circle",
        description="A drop-in peer support group: we share what helps, try out wellness "
        "tools together, and leave with one small step for the week.",
        facilitator_id=peer2.id,
        location="Community room, 2nd floor",
        weekday=3,
        start_time=time(18, 0),
        duration_minutes=90,
        is_active=True,
        created_at=now - timedelta(days=40),
    )
    db.add(group)
    db.flush()
    for member, by in ((member1, peer1), (member5, peer2)):
        db.add(
            GroupMember(
                organization_id=org_id,
                group_id=group.id,
                member_id=member.id,
                added_by_id=by.id,
                added_at=now - timedelta(days=30),
            )
        )
    past = recurring_dates(3, today - timedelta(days=21), today - timedelta(days=1))
    upcoming = recurring_dates(3, today, today + timedelta(days=21))
    sessions = []
    for n, day in enumerate(past + upcoming):
        held = day in past
        session = GroupSession(
            organization_id=org_id,
            group_id=group.id,
            session_date=day,
            start_time=group.start_time,
            duration_minutes=group.duration_minutes,
            cancelled=False,
            group_note=GROUP_NOTES[n % len(GROUP_NOTES)] if held else "",
            note_updated_by_id=peer2.id if held else None,
            note_updated_at=now if held else None,
            version=2 if held else 1,
        )
        db.add(session)
        sessions.append((session, held))
    db.flush()
    for session, held in sessions:
        if not held:
            continue
        for member in (member1, member5):
            db.add(
                GroupAttendance(
                    organization_id=org_id,
                    session_id=session.id,
                    member_id=member.id,
                    recorded_by_id=peer2.id,
                    recorded_at=now,
                )
            )
    last = [s for s, held in sessions if held][-1]
    note = SessionNote(
        organization_id=org_id,
        member_id=member1.id,
        author_id=peer1.id,
        contact_date=last.session_date,
        start_time=last.start_time,
        end_time=time(19, 30),
        modality=NoteModality.GROUP,
        location="Community room, 2nd floor",
        purpose="Thursday wellness circle; follow-up on the routine member1 is building.",
        intervention="Checked in after the group about the morning walk plan and the bus route "
        "other group members offered to share.",
        member_response='"It helps to hear other people get stuck too. I want to try the '
        'garden on Saturday."',
        strengths_observed="Offered encouragement to a newer group member; followed through on "
        "last week's walk.",
        next_steps="Meet at the garden gate Saturday at ten.",
        billable=False,
        status=NoteStatus.SIGNED,
        signed_at=now,
        version=1,
        created_at=now,
        updated_at=now,
    )
    db.add(note)
    db.flush()
    db.add(
        GroupSessionNote(organization_id=org_id, group_session_id=last.id, session_note_id=note.id)
    )
    db.flush()
