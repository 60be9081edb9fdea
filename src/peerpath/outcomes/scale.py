"""Scale data (peerpath demo --scale): two programmes per organization; about 60% of members
are enrolled in the first and 30% in the second (some in both), so the outcomes dashboard has
programme views to benchmark."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from peerpath.db.models import Program, ProgramEnrollment
from peerpath.scale import ScaleContext

NAMES = ("Peer Recovery Coaching", "Coming Home (re-entry support)")


def generate(ctx: ScaleContext) -> dict[str, int]:
    program_id = ctx.next_id(Program)
    enrollment_id = ctx.next_id(ProgramEnrollment)
    rng = ctx.rng
    programs: list[dict[str, Any]] = []
    enrollments: list[dict[str, Any]] = []
    first_of: dict[int, int] = {}
    for org in ctx.orgs:
        ids = []
        for name in NAMES:
            programs.append(
                {
                    "id": program_id,
                    "organization_id": org.id,
                    "name": name,
                    "is_part2": False,
                    "created_at": ctx.now - timedelta(days=500),
                }
            )
            ids.append(program_id)
            program_id += 1
        first_of[org.id] = ids[0]
        for member_id in org.member_ids:
            for pid, share in zip(ids, (0.6, 0.3), strict=True):
                if rng.random() >= share:
                    continue
                start = ctx.today - timedelta(days=rng.randrange(10, 500))
                ended = rng.random() < 0.2
                end = start + timedelta(days=rng.randrange(30, 200)) if ended else None
                enrollments.append(
                    {
                        "id": enrollment_id,
                        "organization_id": org.id,
                        "program_id": pid,
                        "member_id": member_id,
                        "start_date": start,
                        "end_date": end if end is None or end < ctx.today else None,
                        "created_at": ctx.now,
                    }
                )
                enrollment_id += 1
    return {
        "programs": ctx.insert(Program, programs),
        "program_enrollments": ctx.insert(ProgramEnrollment, enrollments),
    }
