"""Words the plan uses: wellness dimensions, CHIME processes, statuses. Recovery-oriented on
purpose: goals are achieved, paused or let go, never 'failed'."""

from __future__ import annotations

from peerpath.db.models import GoalStatus, StepOwner, StrengthCategory

# SAMHSA's 8 Dimensions of Wellness (public domain).
DIMENSIONS: dict[str, str] = {
    "emotional": "Emotional",
    "environmental": "Environmental",
    "financial": "Financial",
    "intellectual": "Intellectual",
    "occupational": "Occupational",
    "physical": "Physical",
    "social": "Social",
    "spiritual": "Spiritual",
}

# The CHIME recovery processes (Leamy et al. 2011).
CHIME: dict[str, str] = {
    "connectedness": "Connectedness",
    "hope": "Hope and optimism",
    "identity": "Identity",
    "meaning": "Meaning in life",
    "empowerment": "Empowerment",
}

STRENGTH_CATEGORIES: dict[StrengthCategory, str] = {
    StrengthCategory.PERSONAL_QUALITIES: "Personal qualities",
    StrengthCategory.SKILLS_AND_TALENTS: "Skills and talents",
    StrengthCategory.INTERESTS: "Interests",
    StrengthCategory.PEOPLE_AND_SUPPORTS: "People and supports",
    StrengthCategory.PLACES_AND_COMMUNITY: "Places and community",
    StrengthCategory.PAST_SUCCESSES: "Past successes",
}

GOAL_STATUSES: dict[GoalStatus, str] = {
    GoalStatus.ACTIVE: "Working on it",
    GoalStatus.ACHIEVED: "Achieved",
    GoalStatus.PAUSED: "Paused for now",
    GoalStatus.LET_GO: "Let go",
}

STEP_OWNERS: dict[StepOwner, str] = {
    StepOwner.ME: "Me",
    StepOwner.PEER_SPECIALIST: "My peer specialist",
    StepOwner.SUPPORTER: "A supporter",
    StepOwner.SERVICE: "A service",
}
