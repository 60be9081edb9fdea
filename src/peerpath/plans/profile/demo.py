"""Demo profiles for both demo organizations (all people and words invented for peerpath).

Plans are at different stages: member1 of each organization has a full profile, others are
part-way, and member8 has only just begun.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from peerpath.db.base import utcnow
from peerpath.db.models import MemberProfile, User
from peerpath.plans.common import new_item_fields

# member key -> (days since last change, fields)
PROFILES: dict[str, dict[str, tuple[int, dict[str, str]]]] = {
    "harbor": {
        "member1": (
            6,
            {
                "preferred_name": "Jordan",
                "pronouns": "he/him",
                "languages": "English, Spanish",
                "recovery_meaning": (
                    "Waking up and knowing what my day is for. Being someone my sister can "
                    "count on again, and being able to count on myself. Some weeks are "
                    "rough, and that is part of it too."
                ),
                "what_matters": (
                    "My family is from Puerto Rico. Sunday dinners at my grandmother's were "
                    "the center of everything when I was a kid, and cooking those dishes "
                    "keeps me connected to her. I'm not religious, but I feel calm by the "
                    "water."
                ),
                "vision": (
                    "A year from now I have steady work, maybe in a kitchen, and a small "
                    "place of my own with a couch my sister can sleep on when she visits. "
                    "I cook for friends on Sundays. I still go to the Tuesday group, because "
                    "it keeps me honest and I like being there for the new people."
                ),
            },
        ),
        "member2": (
            14,
            {
                "preferred_name": "Priya",
                "pronouns": "she/her",
                "languages": "English, Malayalam",
                "recovery_meaning": (
                    "Feeling like myself again: laughing with my cousins, finishing what I "
                    "start, sleeping through the night most nights."
                ),
                "what_matters": (
                    "Onam with my family, even over video. My grandmother's recipes. Being "
                    "seen as more than the hard year I had."
                ),
                "vision": "Back in college part-time, studying design, with a routine that holds.",
            },
        ),
        "member3": (
            21,
            {
                "preferred_name": "Eli",
                "pronouns": "they/them",
                "languages": "English, American Sign Language",
                "recovery_meaning": (
                    "Having people around me who use my name and my pronouns without "
                    "thinking twice, and having enough energy left at the end of the day "
                    "to paint."
                ),
                "what_matters": "The queer community center, my art, and my cat, Biscuit.",
                "vision": "",
            },
        ),
        "member4": (
            3,
            {
                "preferred_name": "Grace",
                "pronouns": "she/her",
                "languages": "English, Korean",
                "recovery_meaning": "I'm still working out what it means. Maybe peace and quiet.",
                "what_matters": "",
                "vision": "",
            },
        ),
        "member5": (
            30,
            {
                "preferred_name": "Malik",
                "pronouns": "he/him",
                "languages": "English",
                "recovery_meaning": (
                    "Being a good dad on my weekends with my son. Showing up, every time."
                ),
                "what_matters": "My son, my mosque, and basketball on Thursday nights.",
                "vision": (
                    "Coaching my son's team one day. A job with regular hours so I can plan "
                    "my weekends around him."
                ),
            },
        ),
        "member6": (
            9,
            {
                "preferred_name": "Tess",
                "pronouns": "she/her",
                "languages": "English, Irish",
                "recovery_meaning": "Getting out of the house and into the garden again.",
                "what_matters": "",
                "vision": "",
            },
        ),
        "member7": (
            12,
            {
                "preferred_name": "Ana",
                "pronouns": "she/her",
                "languages": "Portuguese, English",
                "recovery_meaning": (
                    "Ter paz. Having peace, and feeling at home in a new country."
                ),
                "what_matters": "My church choir and calling my mother in Braga every Sunday.",
                "vision": "",
            },
        ),
        "member8": (1, {"preferred_name": "Ben"}),
    },
    "riverbend": {
        "member1": (
            4,
            {
                "preferred_name": "Kai",
                "pronouns": "he/they",
                "languages": "English",
                "recovery_meaning": (
                    "Recovery is me deciding what my days look like instead of my worst "
                    "nights deciding for me. It's slow. I'm learning to count the small "
                    "wins, like a whole week of cooking real food."
                ),
                "what_matters": (
                    "My dad and I are rebuilding things. Music, especially playing bass with "
                    "friends. Being outside: the river trail is where I think best. I want "
                    "the people who help me to know I do better with plain talk than "
                    "pep talks."
                ),
                "vision": (
                    "I'm working at the bike co-op, playing in a band on weekends, and living "
                    "with a roommate I like. My dad and I have dinner every Friday. When "
                    "things get hard I know who to call, and I actually call them."
                ),
            },
        ),
        "member2": (
            18,
            {
                "preferred_name": "Maya",
                "pronouns": "she/her",
                "languages": "Spanish, English",
                "recovery_meaning": "Being present for my daughters and for me.",
                "what_matters": "My daughters, my faith, cooking with my sisters on holidays.",
                "vision": "A home that feels calm, and a job at the school cafeteria.",
            },
        ),
        "member3": (
            25,
            {
                "preferred_name": "Noah",
                "pronouns": "he/him",
                "languages": "English, German",
                "recovery_meaning": "Trusting myself again, one promise kept at a time.",
                "what_matters": "Woodworking. Quiet mornings. My grandfather's old tools.",
                "vision": "",
            },
        ),
        "member4": (
            7,
            {
                "preferred_name": "Zoe",
                "pronouns": "she/they",
                "languages": "English",
                "recovery_meaning": "",
                "what_matters": "Roller derby and my friends there.",
                "vision": "",
            },
        ),
        "member5": (
            40,
            {
                "preferred_name": "Ravi",
                "pronouns": "he/him",
                "languages": "English, Gujarati, Hindi",
                "recovery_meaning": (
                    "A life I don't need a break from. Work that means something, and time "
                    "with my nieces."
                ),
                "what_matters": "My family, cricket, and the temple community.",
                "vision": "Running my own small repair shop within a few years.",
            },
        ),
        "member6": (
            11,
            {
                "preferred_name": "Hannah",
                "pronouns": "she/her",
                "languages": "English, Korean",
                "recovery_meaning": (
                    "Sleeping well and waking up with something to look forward to."
                ),
                "what_matters": "",
                "vision": "",
            },
        ),
        "member7": (
            15,
            {
                "preferred_name": "Diego",
                "pronouns": "he/him",
                "languages": "Spanish, English",
                "recovery_meaning": "Staying connected to people, not hiding away.",
                "what_matters": "Soccer on Saturdays, my abuelo's stories.",
                "vision": "",
            },
        ),
        "member8": (2, {"preferred_name": "Iris", "pronouns": "she/her"}),
    },
}


def load(db: Session, org_slug: str, users: dict[str, User]) -> None:
    now = utcnow()
    for key, (days_ago, fields) in PROFILES.get(org_slug, {}).items():
        member = users[key]
        when = now - timedelta(days=days_ago)
        item = new_item_fields(member, member)
        item.update(created_at=when - timedelta(days=20), updated_at=when)
        db.add(MemberProfile(**item, member_id=member.id, **fields))
    db.flush()
