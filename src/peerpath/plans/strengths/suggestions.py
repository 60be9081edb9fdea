"""Short strength ideas a member can add with one click, by category (written for peerpath).

They are prompts, not a checklist: a member picks what sounds like them, changes the words,
or writes their own. Each is phrased in the first person, as the member would say it.
"""

from __future__ import annotations

from peerpath.db.models import StrengthCategory

SUGGESTIONS: dict[StrengthCategory, tuple[str, ...]] = {
    StrengthCategory.PERSONAL_QUALITIES: (
        "I keep going when things are hard",
        "I am honest with people",
        "I care about others",
        "I have a sense of humour",
        "I am curious and willing to learn",
        "I ask for help when I need it",
    ),
    StrengthCategory.SKILLS_AND_TALENTS: (
        "I am good with my hands",
        "I can cook a meal from what is in the cupboard",
        "I listen well",
        "I am organized",
        "I can fix things",
        "I am creative: drawing, music or writing",
    ),
    StrengthCategory.INTERESTS: (
        "Music I love",
        "Being outdoors",
        "Reading",
        "Sport or moving my body",
        "Looking after animals",
        "Cooking",
    ),
    StrengthCategory.PEOPLE_AND_SUPPORTS: (
        "A family member I can call",
        "A friend who gets me",
        "My peer specialist",
        "People from a group I go to",
        "A neighbour who looks out for me",
    ),
    StrengthCategory.PLACES_AND_COMMUNITY: (
        "The library",
        "A park or green space near me",
        "My faith community",
        "The peer center",
        "A café where I feel welcome",
    ),
    StrengthCategory.PAST_SUCCESSES: (
        "I have made it through hard times before",
        "I finished a course or training",
        "I held down a job",
        "I helped someone else through a rough patch",
        "I kept a routine going for weeks",
    ),
}


def suggestions_for(category: StrengthCategory, already: set[str]) -> list[str]:
    """The category's ideas the member has not already added (compared without case)."""
    have = {text.casefold() for text in already}
    return [text for text in SUGGESTIONS[category] if text.casefold() not in have]
