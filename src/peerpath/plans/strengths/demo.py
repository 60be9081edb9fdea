"""Demo strengths for both demo organizations (all words invented for peerpath).

Mostly written by the members themselves; a few were suggested by their peer specialist and
accepted (credited to the peer specialist), and harbor.member1 has a suggestion still waiting
for an answer, so the accept / decline journey can be tried.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from peerpath.db.base import utcnow
from peerpath.db.models import (
    PlanProposal,
    ProposalStatus,
    Strength,
    StrengthCategory,
    User,
)
from peerpath.plans.common import new_item_fields
from peerpath.plans.vocabulary import STRENGTH_CATEGORIES

PQ = StrengthCategory.PERSONAL_QUALITIES
ST = StrengthCategory.SKILLS_AND_TALENTS
IN = StrengthCategory.INTERESTS
PS = StrengthCategory.PEOPLE_AND_SUPPORTS
PC = StrengthCategory.PLACES_AND_COMMUNITY
PA = StrengthCategory.PAST_SUCCESSES

# member key -> [(category, text, author key or "" for the member, days ago)]
STRENGTHS: dict[str, dict[str, list[tuple[StrengthCategory, str, str, int]]]] = {
    "harbor": {
        "member1": [
            (PQ, "I don't give up, even when it takes a few tries", "", 40),
            (PQ, "I'm honest about where I'm at", "", 40),
            (ST, "I can cook for a crowd on a small budget", "", 38),
            (ST, "I'm good at fixing bikes", "", 38),
            (IN, "Salsa music, loud, while I cook", "", 35),
            (IN, "Fishing off the pier at sunrise", "", 35),
            (PS, "My sister Lena, who picks up the phone every time", "", 33),
            (PC, "The Tuesday evening peer group", "peer1", 30),
            (PA, "Kept a warehouse job for two years", "", 28),
            (PA, "Got through last winter without losing my housing", "", 12),
        ],
        "member2": [
            (PQ, "I notice how other people are feeling", "", 25),
            (ST, "Drawing and graphic design", "", 25),
            (IN, "Bollywood dance videos", "", 20),
            (PS, "My cousin Anjali", "", 20),
            (PA, "Finished my first semester of college", "peer1", 10),
        ],
        "member3": [
            (PQ, "I stand up for people who get talked over", "", 30),
            (ST, "Painting murals", "", 30),
            (PC, "The community center's open studio nights", "", 22),
        ],
        "member4": [
            (PQ, "I'm patient", "", 5),
            (IN, "Gardening on my balcony", "", 5),
        ],
        "member5": [
            (PQ, "I show up when I say I will", "", 45),
            (ST, "I can coach and explain things to kids", "peer2", 40),
            (IN, "Basketball", "", 45),
            (PS, "My brother Darnell", "", 44),
            (PC, "The mosque on Fifth Street", "", 44),
            (PA, "Every weekend with my son this year, no missed pickups", "", 8),
        ],
        "member6": [
            (IN, "Growing tomatoes", "", 9),
            (PA, "Raised three kids", "", 9),
        ],
        "member7": [
            (ST, "I sing, and I can read music", "", 12),
            (PS, "My choir friends", "", 12),
            (PQ, "I have learned a new language as an adult", "peer2", 6),
        ],
        "member8": [],
    },
    "riverbend": {
        "member1": [
            (PQ, "I'm stubborn in a good way", "", 50),
            (PQ, "I tell people the truth, kindly", "", 50),
            (ST, "I can build and repair bikes", "", 48),
            (ST, "I play bass by ear", "", 48),
            (IN, "Walking the river trail", "", 45),
            (IN, "Finding old records at the thrift store", "", 45),
            (PS, "My dad, Paul", "", 44),
            (PS, "Jess, my peer specialist", "", 44),
            (PC, "The bike co-op on Mill Street", "", 40),
            (PC, "Open mic night at the Riverbend café", "peer1", 30),
            (PA, "Cooked real dinners for a whole week", "", 14),
            (PA, "Went back to band practice after a year off", "", 7),
        ],
        "member2": [
            (PQ, "I'm a protective mom", "", 20),
            (ST, "I can make tamales for fifty people", "", 20),
            (PC, "My church", "", 18),
            (PA, "Stayed at my job for a year", "peer1", 10),
        ],
        "member3": [
            (ST, "Woodworking", "", 25),
            (PQ, "Careful and thorough", "", 25),
        ],
        "member4": [
            (IN, "Roller derby", "", 7),
            (PS, "My derby team", "", 7),
            (PQ, "I bounce back", "", 3),
        ],
        "member5": [
            (ST, "I can repair phones and laptops", "", 42),
            (IN, "Cricket", "", 42),
            (PS, "My sister Meera", "", 40),
            (PA, "Ran a market stall for three summers", "peer2", 35),
        ],
        "member6": [
            (PQ, "I'm kind to animals and people", "", 11),
        ],
        "member7": [
            (IN, "Soccer on Saturdays", "", 15),
            (PS, "My abuelo", "", 15),
        ],
        "member8": [],
    },
}

# (member key, proposer key, category, text, note, days ago): still waiting for an answer.
PENDING: dict[str, list[tuple[str, str, StrengthCategory, str, str, int]]] = {
    "harbor": [
        (
            "member1",
            "peer1",
            ST,
            "Good at calming people down when they're nervous",
            "I saw this on Tuesday when the new member was having a hard time. You helped "
            "him settle in before group even started. Add it if it feels true to you.",
            2,
        ),
    ],
    "riverbend": [
        (
            "member2",
            "peer1",
            PQ,
            "I ask good questions",
            "You always come with questions for the school meetings. That's a real strength.",
            3,
        ),
    ],
}


def _summary(category: StrengthCategory, text: str) -> str:
    return f'Add a strength to "{STRENGTH_CATEGORIES[category]}": "{text}"'


def load(db: Session, org_slug: str, users: dict[str, User]) -> None:
    now = utcnow()
    for key, items in STRENGTHS.get(org_slug, {}).items():
        member = users[key]
        for category, text, author_key, days_ago in items:
            author = users[author_key] if author_key else member
            when = now - timedelta(days=days_ago)
            fields = new_item_fields(author, member)
            fields.update(created_at=when, updated_at=when)
            db.add(Strength(**fields, member_id=member.id, category=category, text=text))
            if author_key:
                # A suggestion the member accepted, kept as history.
                db.add(
                    PlanProposal(
                        organization_id=member.organization_id,
                        member_id=member.id,
                        kind="strength",
                        action="create",
                        payload={"category": category.value, "text": text},
                        summary=_summary(category, text),
                        status=ProposalStatus.ACCEPTED,
                        proposed_by_id=author.id,
                        proposed_at=when - timedelta(days=1),
                        decided_at=when,
                    )
                )
    for key, author_key, category, text, note, days_ago in PENDING.get(org_slug, []):
        member = users[key]
        db.add(
            PlanProposal(
                organization_id=member.organization_id,
                member_id=member.id,
                kind="strength",
                action="create",
                payload={"category": category.value, "text": text},
                summary=_summary(category, text),
                note=note,
                status=ProposalStatus.PENDING,
                proposed_by_id=users[author_key].id,
                proposed_at=now - timedelta(days=days_ago),
            )
        )
    db.flush()
