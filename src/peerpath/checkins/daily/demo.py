"""Demo check-ins, tool-log entries and setbacks (all text written for peerpath).

member1 has about six months of check-ins that drift upward with dips, a ten-day gap and a
coming back, a tool log of 40+ entries and two setbacks linked to their wellness plan; the
other members have less, and member8 has nothing yet. Rows are bulk-inserted: the whole load
takes a few milliseconds per member.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from peerpath.checkins.daily import service
from peerpath.db.models import CheckIn, CheckinPreference, Setback, ToolHelped, ToolUse, User


@dataclass(frozen=True)
class Stage:
    days: int  # how far back check-ins go
    skip: float  # share of days without a check-in
    start: float  # typical rating at the start
    rise: float  # how much it drifts up by today
    tools: int  # tool-log entries
    dimensions: tuple[str, ...] | None = None  # None: the default three


STAGES: dict[str, Stage] = {
    "member1": Stage(180, 0.12, 3.6, 3.4, 46, ("emotional", "physical", "social", "spiritual")),
    "member2": Stage(75, 0.35, 4.5, 1.5, 12, ("emotional", "social", "occupational")),
    "member3": Stage(40, 0.25, 5.0, 1.0, 6),
    "member4": Stage(20, 0.3, 4.0, 1.5, 4, ("emotional", "physical")),
    "member5": Stage(90, 0.5, 5.5, 0.5, 3),
    "member6": Stage(12, 0.2, 6.0, 0.5, 2),
    "member7": Stage(4, 0.0, 5.0, 0.0, 0),
}

NOTES = (
    "Slept better last night. Walked to the market and back.",
    "Hard morning, easier afternoon after the group.",
    "Cooked a proper dinner for the first time in a while.",
    "Felt flat today. Made the phone call anyway.",
    "Good talk with my peer specialist about the job fair.",
    "Rain all day. Stayed in and read, which was fine.",
    "Busy at the community garden. Tired in a good way.",
    "Money worries again, but I wrote a list and that helped.",
    "Saw an old friend at the library. We're meeting next week.",
    "Quiet day. Nothing big, and that is okay.",
)
HELPED_TEXTS = (
    "The walk by the water.",
    "Calling my sister.",
    "Music on the bus.",
    "Writing three things down before bed.",
    "Going to the group even though I didn't feel like it.",
)
COMEBACK_NOTE = "Back after a rough couple of weeks. Glad I opened this again; one day at a time."
DEFAULT_TOOLS = (
    "A walk by the water",
    "Calling my sister",
    "Music with headphones",
    "Writing three things down before bed",
    "Slow breathing for five minutes",
    "Tea on the balcony",
)
# How likely each tool (by position) is to help, for a believable mix of answers.
TOOL_LEANINGS = (0.8, 0.75, 0.55, 0.5, 0.35, 0.6)
TOOL_NOTES = (
    "Short one, still counted.",
    "Did it with a friend.",
    "Hard to start, good once I did.",
    "",
    "",
    "",
)


def _rng(org_slug: str, suffix: str) -> random.Random:
    return random.Random(f"peerpath-daily-{org_slug}-{suffix}")  # noqa: S311 (demo data)


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(7, 21), rng.randint(0, 59)), UTC)


def _gap_days(suffix: str, today: date) -> set[date]:
    """member1 pauses for ten days about two months ago, then comes back."""
    if suffix != "member1":
        return set()
    return {today - timedelta(days=n) for n in range(61, 71)}


def _checkins(
    member: User, suffix: str, stage: Stage, today: date, rng: random.Random
) -> list[dict[str, Any]]:
    dims = stage.dimensions or service.DEFAULT_DIMENSIONS
    gap = _gap_days(suffix, today)
    comeback_day = max(gap) + timedelta(days=1) if gap else None
    rows: list[dict[str, Any]] = []
    for back in range(stage.days, 0, -1):  # today is left for the member
        day = today - timedelta(days=back)
        if day in gap or (day != comeback_day and rng.random() < stage.skip):
            continue
        progress = 1 - back / max(stage.days, 1)
        # Upward drift with slow waves and the odd hard day.
        mood = stage.start + stage.rise * progress + 0.9 * ((back // 9) % 3 - 1) * 0.5
        if rng.random() < 0.08 or (comeback_day and 0 <= (day - comeback_day).days < 3):
            mood -= 2
        ratings = {
            key: max(0, min(10, round(mood + rng.uniform(-1.5, 1.5) + offset)))
            for key, offset in zip(dims, (0.0, 0.4, -0.3, 0.6, 0.2), strict=False)
        }
        note, helped = "", ""
        if day == comeback_day:
            note = COMEBACK_NOTE
        elif rng.random() < 0.18:
            note = rng.choice(NOTES)
        if rng.random() < 0.15:
            helped = rng.choice(HELPED_TEXTS)
        created = _at(day, rng)
        rows.append(
            {
                "organization_id": member.organization_id,
                "member_id": member.id,
                "day": day,
                "ratings": ratings,
                "hope": max(0, min(10, round(mood + rng.uniform(-1, 1.5)))),
                "connection": max(0, min(10, round(mood + rng.uniform(-2, 1)))),
                "note": note,
                "what_helped": helped,
                "created_at": created,
                "updated_at": created,
            }
        )
    return rows


def _tool_uses(
    member: User, stage: Stage, tools: list[str], today: date, rng: random.Random
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for _ in range(stage.tools):
        index = rng.randrange(len(tools))
        leaning = TOOL_LEANINGS[index % len(TOOL_LEANINGS)]
        roll = rng.random()
        helped = (
            ToolHelped.YES
            if roll < leaning
            else ToolHelped.SOMEWHAT
            if roll < leaning + (1 - leaning) / 2
            else ToolHelped.NO
        )
        day = today - timedelta(days=rng.randint(0, max(stage.days - 1, 0)))
        rows.append(
            {
                "organization_id": member.organization_id,
                "member_id": member.id,
                "tool": tools[index],
                "helped": helped,
                "note": TOOL_NOTES[index % len(TOOL_NOTES)] if rng.random() < 0.3 else "",
                "used_on": day,
                "created_at": _at(day, rng),
            }
        )
    return rows


def _plan_lines(db: Session, member: User, section: str, field: str | None) -> list[str]:
    content = service.section_content(db, member, section) or {}
    texts = [content.get(field, "")] if field else list(content.values())
    return service.plan_lines("\n".join(t for t in texts if isinstance(t, str)), max_chars=200)


def _setbacks(db: Session, member: User, suffix: str, today: date) -> list[dict[str, Any]]:
    triggers = _plan_lines(db, member, *service.TRIGGERS)
    signs = _plan_lines(db, member, *service.EARLY_SIGNS)
    base = {"organization_id": member.organization_id, "member_id": member.id}
    if suffix == "member1":
        gap_start = today - timedelta(days=70)
        return [
            {
                **base,
                "happened_on": gap_start,
                "what_happened": (
                    "Lost my hours at work and stopped going out. I stopped checking in, "
                    "stopped answering texts and mostly stayed in bed for about a week."
                ),
                "triggers": triggers[:2],
                "warning_signs": signs[:2],
                "what_helped": (
                    "My sister came round with groceries and sat with me. Calling my peer "
                    "specialist, and getting back to short walks, one street at a time."
                ),
                "came_back_on": today - timedelta(days=58),
                "created_at": _at(today - timedelta(days=55), random.Random(1)),  # noqa: S311
            },
            {
                **base,
                "happened_on": today - timedelta(days=21),
                "what_happened": (
                    "A family birthday that went badly. I left early and felt low and "
                    "on edge for a few days."
                ),
                "triggers": triggers[-1:],
                "warning_signs": signs[-1:],
                "what_helped": (
                    "Talking it through at the group, and writing down what I would like "
                    "to do differently next time."
                ),
                "came_back_on": today - timedelta(days=17),
                "created_at": _at(today - timedelta(days=16), random.Random(2)),  # noqa: S311
            },
        ]
    if suffix == "member2":
        return [
            {
                **base,
                "happened_on": today - timedelta(days=30),
                "what_happened": "A tough week with little sleep. I skipped my appointments.",
                "triggers": triggers[:1],
                "warning_signs": signs[:1],
                "what_helped": "Getting back into a bedtime routine.",
                "came_back_on": None,
                "created_at": _at(today - timedelta(days=25), random.Random(3)),  # noqa: S311
            }
        ]
    return []


def load(db: Session, org_slug: str, users: dict[str, User]) -> None:
    today = service.today()
    checkins: list[dict[str, Any]] = []
    tool_uses: list[dict[str, Any]] = []
    setbacks: list[dict[str, Any]] = []
    prefs: list[dict[str, Any]] = []
    for suffix, stage in STAGES.items():
        member = users.get(suffix)
        if member is None:
            continue
        rng = _rng(org_slug, suffix)
        if stage.dimensions is not None:
            prefs.append(
                {
                    "organization_id": member.organization_id,
                    "member_id": member.id,
                    "dimensions": list(stage.dimensions),
                    "track_hope": True,
                    "track_connection": suffix != "member4",
                    "updated_at": _at(today - timedelta(days=stage.days + 1), rng),
                }
            )
        checkins += _checkins(member, suffix, stage, today, rng)
        if stage.tools:
            toolbox = _plan_lines(db, member, service.TOOLBOX_SECTION, None)
            tools = (toolbox[:6] if len(toolbox) >= 3 else list(DEFAULT_TOOLS))[:6]
            tool_uses += _tool_uses(member, stage, tools, today, rng)
        setbacks += _setbacks(db, member, suffix, today)
    for model, rows in (
        (CheckinPreference, prefs),
        (CheckIn, checkins),
        (ToolUse, tool_uses),
        (Setback, setbacks),
    ):
        if rows:
            db.execute(insert(model), rows)
    db.flush()
