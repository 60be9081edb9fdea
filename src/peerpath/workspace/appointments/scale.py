"""Scale data (peerpath demo --scale): for most members a meeting with their peer specialist
last month (done) and one coming up in the next two weeks (scheduled); some have a request
waiting or a cancelled one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any

from peerpath.db.models import Appointment, AppointmentModality, AppointmentStatus
from peerpath.scale import ScaleContext

PURPOSES = (
    "Go over the week and pick one small step.",
    "Practice for the interview on Friday.",
    "Fill in the housing forms together.",
    "Walk to the library and get my card.",
    "Talk about how the new routine is going.",
    "Plan the call with my sister.",
    "",
)
MODALITIES = tuple(AppointmentModality)


def generate(ctx: ScaleContext) -> dict[str, int]:
    appt_id = ctx.next_id(Appointment)
    rng, now = ctx.rng, ctx.now

    def rows() -> Iterator[dict[str, Any]]:
        nonlocal appt_id
        for org, member_id in ctx.members():
            peer_id = org.peer_of[member_id]
            plans = [(-rng.randrange(3, 30), AppointmentStatus.DONE)]
            roll = rng.random()
            if roll < 0.85:
                plans.append((rng.randrange(1, 15), AppointmentStatus.SCHEDULED))
            elif roll < 0.92:
                plans.append((rng.randrange(1, 15), AppointmentStatus.REQUESTED))
            else:
                plans.append((rng.randrange(1, 15), AppointmentStatus.CANCELLED))
            for days, status in plans:
                day = (now + timedelta(days=days)).date()
                starts = datetime.combine(
                    day, time(rng.randrange(14, 22), rng.choice((0, 30))), tzinfo=now.tzinfo
                )
                yield {
                    "id": appt_id,
                    "organization_id": org.id,
                    "member_id": member_id,
                    "peer_specialist_id": peer_id,
                    "starts_at": starts,
                    "ends_at": starts + timedelta(minutes=rng.choice((30, 45, 60))),
                    "modality": rng.choice(MODALITIES),
                    "location": "",
                    "purpose": rng.choice(PURPOSES),
                    "status": status,
                    "created_by_id": peer_id,
                    "sequence": 0,
                    "created_at": now,
                    "updated_at": now,
                }
                appt_id += 1

    return {"appointments": ctx.insert(Appointment, rows(), "appointments")}
