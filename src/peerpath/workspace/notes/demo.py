"""Demo session notes (text written for peerpath).

member1 has an approved note with an addendum and their own comment, a signed billable note
waiting for the supervisor's review, and a draft; member2 has a signed, non-billable phone
note. member1 asked for outreach after 7 quiet days (their last contact is recent).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.core import access
from peerpath.db.base import utcnow
from peerpath.db.models import (
    Goal,
    NoteAddendum,
    NoteComment,
    NoteModality,
    NoteReview,
    NoteStatus,
    Objective,
    OutreachPreference,
    ReviewDecision,
    SessionNote,
    SessionNoteObjective,
    User,
)


def _objectives(db: Session, member: User) -> list[Objective]:
    return list(
        db.scalars(
            select(Objective)
            .join(Goal, Goal.id == Objective.goal_id)
            .where(Goal.member_id == member.id, Goal.organization_id == member.organization_id)
            .order_by(Goal.position, Goal.id, Objective.position, Objective.id)
        )
    )


def _at(day_offset: int, hour: int) -> datetime:
    base = utcnow().replace(hour=hour, minute=0, second=0, microsecond=0)
    return base - timedelta(days=day_offset)


def _note(
    db: Session,
    member: User,
    author: User,
    days_ago: int,
    start: time,
    end: time,
    status: NoteStatus,
    objectives: list[Objective],
    **text: object,
) -> SessionNote:
    moment = _at(days_ago, end.hour + 1)
    note = SessionNote(
        organization_id=member.organization_id,
        member_id=member.id,
        author_id=author.id,
        contact_date=(utcnow() - timedelta(days=days_ago)).date(),
        start_time=start,
        end_time=end,
        status=status,
        signed_at=None if status == NoteStatus.DRAFT else moment,
        version=2,
        created_at=moment,
        updated_at=moment,
        **text,
    )
    db.add(note)
    db.flush()
    for o in objectives:
        db.add(
            SessionNoteObjective(
                organization_id=member.organization_id,
                note_id=note.id,
                objective_id=o.id,
                objective_text=o.text,
            )
        )
    return note


def load(db: Session, org_slug: str, users: dict[str, User]) -> None:
    member1, member2 = users.get("member1"), users.get("member2")
    if member1 is None:
        return
    peer_id = access.assigned_peer_id(db, member1)
    peer = db.get(User, peer_id) if peer_id else None
    if peer is None:
        return
    supervisor_id = access.supervisor_id_of(db, member1.organization_id, peer.id)
    objectives = _objectives(db, member1)
    first = objectives[:1]
    approved = _note(
        db,
        member1,
        peer,
        10,
        time(14, 0),
        time(14, 50),
        NoteStatus.APPROVED if supervisor_id else NoteStatus.SIGNED,
        first,
        modality=NoteModality.COMMUNITY,
        location="The library café",
        billable=True,
        purpose="Plan the first steps toward the job fair together.",
        intervention=(
            "Shared how I prepared for my own first interview after a long gap. We wrote "
            "down three things to say about the volunteer work at the garden."
        ),
        member_response="“Saying it out loud made it feel less huge. I can do the first bit.”",
        strengths_observed="Humour, honesty about nerves, a clear sense of what matters.",
        next_steps="Jordan will print the CV at the library on Thursday; we meet next week.",
    )
    if supervisor_id:
        db.add(
            NoteReview(
                organization_id=member1.organization_id,
                note_id=approved.id,
                reviewer_id=supervisor_id,
                decision=ReviewDecision.APPROVED,
                comment="Clear and in the member's words. Thank you.",
                created_at=_at(9, 9),
            )
        )
    db.add(
        NoteAddendum(
            organization_id=member1.organization_id,
            note_id=approved.id,
            author_id=peer.id,
            text="Correction: we met at the library café, not the community centre café.",
            created_at=_at(9, 11),
        )
    )
    db.add(
        NoteComment(
            organization_id=member1.organization_id,
            note_id=approved.id,
            author_id=member1.id,
            text="That's right. I'd add that I was the one who suggested the garden example.",
            created_at=_at(8, 18),
        )
    )
    _note(
        db,
        member1,
        peer,
        3,
        time(10, 0),
        time(10, 40),
        NoteStatus.PENDING_REVIEW if supervisor_id else NoteStatus.SIGNED,
        objectives[:2],
        modality=NoteModality.PHONE,
        billable=True,
        purpose="Check in after the job fair.",
        intervention="Listened, then talked through what went well and one thing to try next.",
        member_response="“Two people took my CV. I was shaking, but I stayed the whole hour.”",
        strengths_observed="Courage, staying with a hard thing.",
        next_steps="Send the follow-up email together on Monday.",
    )
    _note(
        db,
        member1,
        peer,
        0,
        time(9, 30),
        time(9, 50),
        NoteStatus.DRAFT,
        [],
        modality=NoteModality.VIDEO,
        billable=True,
        purpose="Write the follow-up email.",
    )
    if member2 is not None and access.assigned_peer_id(db, member2) is not None:
        author = db.get(User, access.assigned_peer_id(db, member2))
        assert author is not None
        _note(
            db,
            member2,
            author,
            5,
            time(16, 0),
            time(16, 15),
            NoteStatus.SIGNED,
            [],
            modality=NoteModality.PHONE,
            billable=False,
            purpose="A short call to say hello after the holiday.",
            intervention="Caught up on the week; shared a grounding exercise I use.",
            member_response="“Nice to hear a friendly voice. I'll try the breathing one.”",
            strengths_observed="Reaches out when things get quiet.",
            next_steps="Call again next week, same time.",
        )
    db.add(
        OutreachPreference(
            organization_id=member1.organization_id,
            member_id=member1.id,
            wants_outreach=True,
            days=7,
            updated_by_id=member1.id,
            updated_at=datetime.now(UTC) - timedelta(days=30),
        )
    )
    db.flush()
