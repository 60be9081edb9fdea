"""Scale data (peerpath demo --scale): two goals per member, two objectives per goal and two
action steps per objective. Shares member id -> objective ids for the notes that name them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from peerpath.db.models import ActionStep, Goal, GoalStatus, Objective, StepOwner
from peerpath.plans.vocabulary import CHIME, DIMENSIONS
from peerpath.scale import ScaleContext

GOALS = (
    ("Find work I look forward to", "occupational", "Apply to two places a week"),
    ("Sleep through most nights", "physical", "Lights out by eleven on weeknights"),
    ("Reconnect with my sister", "social", "Call her every Sunday"),
    ("Keep my apartment", "environmental", "Pay rent on the first"),
    ("Finish my GED", "intellectual", "Study three evenings a week"),
    ("Feel calmer in crowds", "emotional", "Practice breathing before the bus"),
)
STATUSES = (GoalStatus.ACTIVE,) * 5 + (GoalStatus.ACHIEVED, GoalStatus.PAUSED, GoalStatus.LET_GO)


def generate(ctx: ScaleContext) -> dict[str, int]:
    goals_t, objectives_t, steps_t = Goal, Objective, ActionStep
    goal_id, objective_id, step_id = (ctx.next_id(t) for t in (goals_t, objectives_t, steps_t))
    rng, now = ctx.rng, ctx.now
    chime = list(CHIME)
    assert all(goal[1] in DIMENSIONS for goal in GOALS)
    objectives_of: dict[int, list[int]] = {}
    goals: list[dict[str, Any]] = []
    objectives: list[dict[str, Any]] = []
    steps: list[dict[str, Any]] = []
    for org, member_id in ctx.members():
        peer_id = org.peer_of[member_id]
        mine = objectives_of.setdefault(member_id, [])
        for position, (title, dimension, step_text) in enumerate(rng.sample(GOALS, 2)):
            created = now - timedelta(days=rng.randrange(30, 400))
            authored = {
                "organization_id": org.id,
                "created_by_id": member_id,
                "updated_by_id": member_id,
                "created_at": created,
                "updated_at": created,
                "version": 1,
                "position": position,
            }
            status = rng.choice(STATUSES)
            goals.append(
                {
                    **authored,
                    "id": goal_id,
                    "member_id": member_id,
                    "title": title,
                    "why_it_matters": "Because it is mine to choose.",
                    "dimensions": [dimension],
                    "chime": [rng.choice(chime)],
                    "strength_ids": [],
                    "supporter_ids": [],
                    "status": status,
                    "status_changed_at": created if status != GoalStatus.ACTIVE else None,
                }
            )
            for n in range(2):
                objectives.append(
                    {
                        **authored,
                        "id": objective_id,
                        "goal_id": goal_id,
                        "text": f"{title}: step {n + 1} of the way",
                        "measure": "I will know when I have done it twice",
                        "target_date": (now + timedelta(days=rng.randrange(10, 120))).date(),
                        "done": n == 0 and status == GoalStatus.ACHIEVED,
                        "position": n,
                    }
                )
                mine.append(objective_id)
                for s in range(2):
                    steps.append(
                        {
                            **authored,
                            "id": step_id,
                            "objective_id": objective_id,
                            "text": step_text if s == 0 else "Tell my peer specialist how it went",
                            "who": StepOwner.ME if s == 0 else StepOwner.PEER_SPECIALIST,
                            "who_detail": "",
                            "when": "this week",
                            "done": rng.random() < 0.3,
                            "position": s,
                            "updated_by_id": peer_id if s else member_id,
                        }
                    )
                    step_id += 1
                objective_id += 1
            goal_id += 1
    ctx.shared["objectives_of"] = objectives_of
    return {
        "goals": ctx.insert(goals_t, goals, "plans"),
        "objectives": ctx.insert(objectives_t, objectives, "plans"),
        "action_steps": ctx.insert(steps_t, steps, "plans"),
    }
