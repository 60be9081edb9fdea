"""Scale data (peerpath demo --scale): ctx.plan.notes_per_member session notes per member,
written by the member's peer specialist over the last months, mostly signed (some approved,
a few waiting for review, now and then a draft), each naming one of the member's objectives.

The text is put together from many short phrases so that no two notes read alike and a
search has real words to find. On SQLite the full-text index (session_notes_fts) is normally
kept by triggers, row by row; for a bulk load it is faster to drop the triggers, insert, then
rebuild the index once and put the triggers back (see docs/benchmarks.md for the numbers).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select, text

from peerpath.db.models import (
    NoteModality,
    NoteStatus,
    Objective,
    SessionNote,
    SessionNoteObjective,
)
from peerpath.scale import ScaleContext

PURPOSES = (
    "Check in about the week and the goals {who} chose.",
    "Plan the next step toward {goal}.",
    "Follow up on {thing} after last time.",
    "Talk through what made {thing} hard this week.",
    "Prepare together for {thing}.",
    "Celebrate progress on {goal} and look ahead.",
)
INTERVENTIONS = (
    "Shared some of my own experience with {thing} and what helped me.",
    "Walked to {place} together and practised the route.",
    "Looked up {resource} together and wrote down the hours.",
    "Role-played the first few minutes of {thing}.",
    "Used the wellness toolbox to pick two tools for the evenings.",
    "Listened, reflected back, and helped break {goal} into smaller steps.",
    "Connected with {resource} by phone on speaker, together.",
    "Went over the crisis plan and updated two phone numbers.",
)
RESPONSES = (
    '"I feel more ready than I thought."',
    '"It was hard, but I did it, and I want to keep going."',
    '"I\'m tired this week. Can we go slower?"',
    '"Hearing that you went through it too helps."',
    '"I want to try {place} on my own next time."',
    '"{thing} scares me less now that we practised."',
    '"I had a setback Tuesday but I used my tools."',
    '"I want to tell my sister about this."',
)
STRENGTHS = (
    "Humour under pressure",
    "Kept every appointment this month",
    "Asked clear questions",
    "Good at noticing early warning signs",
    "Encouraged another member at the group",
    "Persistent with paperwork",
    "Honest about what is not working",
    "Creative problem solving",
)
NEXT = (
    "Meet at {place} next {day}.",
    "Member will call {resource} before we meet again.",
    "Bring the forms for {thing} next time.",
    "Try one tool each evening and tell me how it went.",
    "Review the plan together in two weeks.",
    "Member will practise the bus route once on their own.",
)
THINGS = (
    "the job interview",
    "the housing appointment",
    "the GED practice test",
    "budgeting",
    "the doctor's visit",
    "calling the landlord",
    "the volunteer shift",
    "sleep routines",
    "reconnecting with family",
    "the court date",
    "the benefits renewal",
    "cooking at home",
)
GOALS = (
    "finding work",
    "keeping the apartment",
    "sleeping better",
    "finishing the GED",
    "feeling calmer in crowds",
    "reconnecting with family",
    "getting back to the gym",
)
PLACES = (
    "the library",
    "the community garden",
    "the peer center",
    "the bus stop on Fifth",
    "the food bank",
    "the park by the river",
    "the clinic",
    "the coffee shop on Main",
)
RESOURCES = (
    "the food pantry",
    "the tenant union",
    "legal aid",
    "the warmline",
    "the career center",
    "the recovery café",
    "the adult learning center",
    "the transit office",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
LOCATIONS = ("Peer center", "Library", "Member's home", "Coffee shop on Main", "By phone", "")
MODALITIES = (
    (NoteModality.IN_PERSON,) * 5
    + (NoteModality.PHONE,) * 2
    + (NoteModality.COMMUNITY, NoteModality.VIDEO, NoteModality.GROUP)
)


def _without_fts_triggers(ctx: ScaleContext) -> list[str]:
    """SQLite: drop the note search triggers for the bulk insert; returns their DDL."""
    if ctx.conn.dialect.name != "sqlite":
        return []
    rows = ctx.conn.execute(
        text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name = 'session_notes' AND name LIKE 'session_notes_fts_%'"
        )
    ).all()
    for name, _ in rows:
        ctx.conn.execute(text(f'DROP TRIGGER "{name}"'))
    return [str(sql) for _, sql in rows]


def _restore_fts(ctx: ScaleContext, triggers: list[str]) -> None:
    if ctx.conn.dialect.name != "sqlite" or not triggers:
        return
    ctx.conn.execute(text("INSERT INTO session_notes_fts(session_notes_fts) VALUES ('rebuild')"))
    for sql in triggers:
        ctx.conn.execute(text(sql))


def generate(ctx: ScaleContext) -> dict[str, int]:
    notes_t, links_t = SessionNote, SessionNoteObjective
    note_id, link_id = ctx.next_id(notes_t), ctx.next_id(links_t)
    rng, now, today = ctx.rng, ctx.now, ctx.today
    per_member = ctx.plan.notes_per_member
    objectives_of: dict[int, list[int]] = ctx.shared.get("objectives_of", {})
    texts = dict(ctx.conn.execute(select(Objective.id, Objective.text)).all())
    links: list[dict[str, Any]] = []
    choice = rng.choice

    def fill(template: str) -> str:
        return template.format(
            who="they",
            goal=choice(GOALS),
            thing=choice(THINGS),
            place=choice(PLACES),
            resource=choice(RESOURCES),
            day=choice(DAYS),
        )

    def notes() -> Iterator[dict[str, Any]]:
        nonlocal note_id, link_id
        for org, member_id in ctx.members():
            peer_id = org.peer_of[member_id]
            mine = objectives_of.get(member_id, [])
            offsets = sorted(rng.sample(range(1, per_member * 9 + 2), per_member), reverse=True)
            for n, offset in enumerate(offsets):
                day = today - timedelta(days=offset)
                start = time(rng.randrange(9, 17), choice((0, 15, 30, 45)))
                minutes = choice((20, 30, 45, 50, 60, 75))
                end_minutes = start.hour * 60 + start.minute + minutes
                end = time(end_minutes // 60, end_minutes % 60)
                last = n == per_member - 1
                roll = rng.random()
                if last and roll < 0.05:
                    status = NoteStatus.DRAFT
                elif last and roll < 0.15:
                    status = NoteStatus.PENDING_REVIEW
                elif roll < 0.25:
                    status = NoteStatus.APPROVED
                else:
                    status = NoteStatus.SIGNED
                written = datetime.combine(day, end, tzinfo=now.tzinfo)
                modality = choice(MODALITIES)
                yield {
                    "id": note_id,
                    "organization_id": org.id,
                    "member_id": member_id,
                    "author_id": peer_id,
                    "contact_date": day,
                    "start_time": start,
                    "end_time": end,
                    "modality": modality,
                    "location": "By phone" if modality == NoteModality.PHONE else choice(LOCATIONS),
                    "intervention": f"{fill(choice(INTERVENTIONS))} {fill(choice(INTERVENTIONS))}",
                    "purpose": fill(choice(PURPOSES)),
                    "member_response": fill(choice(RESPONSES)),
                    "strengths_observed": f"{choice(STRENGTHS)}; {choice(STRENGTHS).lower()}.",
                    "next_steps": fill(choice(NEXT)),
                    "billable": modality != NoteModality.GROUP and rng.random() < 0.7,
                    "status": status,
                    "signed_at": None if status == NoteStatus.DRAFT else written,
                    "version": 1,
                    "created_at": written,
                    "updated_at": written,
                }
                if mine:
                    objective = choice(mine)
                    links.append(
                        {
                            "id": link_id,
                            "organization_id": org.id,
                            "note_id": note_id,
                            "objective_id": objective,
                            "objective_text": texts.get(objective, "")[:500],
                        }
                    )
                    link_id += 1
                note_id += 1

    triggers = _without_fts_triggers(ctx)
    count = ctx.insert(notes_t, notes(), "session notes")
    _restore_fts(ctx, triggers)
    return {
        "session_notes": count,
        "session_note_objectives": ctx.insert(links_t, links, "session notes"),
    }
