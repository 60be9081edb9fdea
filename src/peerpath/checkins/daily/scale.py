"""Scale data: each member's chosen dimensions and their check-ins on distinct recent days,
with ratings that drift the way a person's week does (no two members alike)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any

from peerpath.db.models import CheckIn, CheckinPreference
from peerpath.plans.vocabulary import DIMENSIONS
from peerpath.scale import ScaleContext

HELPED = ("a walk", "my Tuesday group", "calling my sister", "cooking", "", "", "music")


def generate(ctx: ScaleContext) -> dict[str, int]:
    prefs_t, checkins_t = CheckinPreference, CheckIn
    pref_id, checkin_id = ctx.next_id(prefs_t), ctx.next_id(checkins_t)
    rng, today = ctx.rng, ctx.today
    per_member = ctx.plan.checkins_per_member
    window = per_member * 2
    dims = list(DIMENSIONS)
    chosen: dict[int, list[str]] = {}
    prefs = []
    for org, member_id in ctx.members():
        chosen[member_id] = rng.sample(dims, 3)
        prefs.append(
            {
                "id": pref_id,
                "organization_id": org.id,
                "member_id": member_id,
                "dimensions": chosen[member_id],
                "track_hope": True,
                "track_connection": True,
                "updated_at": ctx.now,
            }
        )
        pref_id += 1

    def checkins() -> Iterator[dict[str, Any]]:
        nonlocal checkin_id
        for org, member_id in ctx.members():
            level = rng.randrange(3, 8)
            for offset in sorted(rng.sample(range(window), per_member), reverse=True):
                day = today - timedelta(days=offset)
                level = min(10, max(0, level + rng.choice((-1, 0, 0, 1))))
                made = datetime.combine(day, time(18, rng.randrange(60)), tzinfo=ctx.now.tzinfo)
                yield {
                    "id": checkin_id,
                    "organization_id": org.id,
                    "member_id": member_id,
                    "day": day,
                    "ratings": {
                        d: min(10, max(0, level + rng.randrange(-2, 3))) for d in chosen[member_id]
                    },
                    "hope": min(10, level + 1),
                    "connection": level,
                    "note": "",
                    "what_helped": rng.choice(HELPED),
                    "created_at": made,
                    "updated_at": made,
                }
                checkin_id += 1

    return {
        "checkin_preferences": ctx.insert(prefs_t, prefs, "check-ins"),
        "checkins": ctx.insert(checkins_t, checkins(), "check-ins"),
    }
