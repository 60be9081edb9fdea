"""Demo supporters maps for both demo organizations (all people, places and numbers invented
for peerpath; phone numbers use the 555-01xx range kept for fiction)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from peerpath.db.base import utcnow
from peerpath.db.models import CommunityPlace, PlanProposal, ProposalStatus, SupporterEntry, User
from peerpath.plans.common import new_item_fields

# member key -> [(name, relationship, contact, role if things get hard, author key, days ago)]
PEOPLE: dict[str, dict[str, list[tuple[str, str, str, str, str, int]]]] = {
    "harbor": {
        "member1": [
            (
                "Lena Reyes",
                "sister",
                "Text first: 555-0142",
                "Comes over and stays the night. Helps me call Rosa if I can't.",
                "",
                36,
            ),
            (
                "Rosa Delgado",
                "peer specialist",
                "Harbor Peer Center, 555-0100",
                "Goes through my wellness plan with me and helps me pick a next step.",
                "",
                36,
            ),
            (
                "Marco",
                "friend from the pier",
                "Saturday mornings at the pier, or 555-0178",
                "Takes me fishing to get me out of my head.",
                "",
                20,
            ),
        ],
        "member2": [
            ("Anjali", "cousin", "555-0131", "Video calls at night when I can't sleep.", "", 20),
            ("Mrs. Thomas", "neighbour", "Apartment 2B", "", "", 15),
        ],
        "member3": [
            (
                "Sam Rivera",
                "best friend",
                "Signal: 555-0193",
                "Sits with me and watches bad movies.",
                "",
                25,
            ),
        ],
        "member4": [("Min-ji", "daughter", "555-0155", "", "", 4)],
        "member5": [
            (
                "Darnell Johnson",
                "brother",
                "555-0160",
                "Picks up my son if I need a day to reset.",
                "",
                40,
            ),
            (
                "Coach Ray",
                "basketball friend",
                "Thursday nights at the rec center",
                "",
                "peer2",
                30,
            ),
        ],
        "member6": [("Siobhan", "sister", "555-0119", "", "", 9)],
        "member7": [],
        "member8": [],
    },
    "riverbend": {
        "member1": [
            (
                "Paul Bennett",
                "dad",
                "555-0127, any time",
                "Drives over, makes tea, doesn't lecture. Calls Jess with me.",
                "",
                46,
            ),
            (
                "Jess Morgan",
                "peer specialist",
                "Riverbend Recovery Community, 555-0101",
                "Meets me the same week, helps me use my plan.",
                "",
                46,
            ),
            (
                "Theo",
                "bandmate",
                "555-0184",
                "Gets me out to practice even when I don't feel like it.",
                "",
                30,
            ),
            (
                "Ms. Alvarez",
                "landlord",
                "Office downstairs, weekdays",
                "Knows to check on me if my bike hasn't moved in a few days.",
                "peer1",
                15,
            ),
        ],
        "member2": [
            ("Carmen", "sister", "555-0146", "Takes the girls for a night.", "", 18),
            ("Pastor Luis", "pastor", "Church office", "", "", 18),
        ],
        "member3": [("Opa Fischer", "grandfather", "555-0112", "", "", 25)],
        "member4": [],
        "member5": [
            ("Meera", "sister", "555-0170", "Knows my warning signs.", "", 40),
        ],
        "member6": [],
        "member7": [("Abuelo Ramos", "grandfather", "Lives with us", "", "", 15)],
        "member8": [],
    },
}

# member key -> [(name, why it helps, author key, days ago)]
PLACES: dict[str, dict[str, list[tuple[str, str, str, int]]]] = {
    "harbor": {
        "member1": [
            ("Harbor Peer Center", "People who get it. The Tuesday group.", "", 36),
            ("The pier on Ocean Avenue", "Quiet, and the water calms me down.", "", 30),
            (
                "Main Street library",
                "Free computers for job searching, and a calm place to be.",
                "peer1",
                18,
            ),
        ],
        "member2": [("Riverside community college", "A reason to get up in the morning.", "", 12)],
        "member3": [("The community center", "Open studio nights; nobody asks questions.", "", 22)],
        "member4": [],
        "member5": [
            ("Fifth Street mosque", "Friday prayers settle my week.", "", 44),
            ("Rec center", "Basketball on Thursday nights.", "", 44),
        ],
        "member6": [("Allotment garden", "Hands in the soil.", "", 9)],
        "member7": [("St. Anthony's choir", "Singing with people who feel like family.", "", 12)],
        "member8": [],
    },
    "riverbend": {
        "member1": [
            ("Mill Street bike co-op", "I'm useful there, and people are glad to see me.", "", 40),
            ("The river trail", "Where I think best.", "", 40),
            ("Riverbend Recovery Community", "Groups, and Jess.", "", 44),
        ],
        "member2": [("Our Lady of Hope", "My faith and my community.", "", 18)],
        "member3": [("The makerspace", "Tools, and people who like quiet work.", "", 25)],
        "member4": [("Derby rink", "Practice twice a week keeps me steady.", "", 7)],
        "member5": [("Shree Mandir", "Peace, and my family's community.", "", 40)],
        "member6": [],
        "member7": [("Riverside park pitch", "Saturday soccer.", "", 15)],
        "member8": [],
    },
}

# A place suggested by riverbend.peer1 that Kai has not answered yet.
PENDING_PLACES: dict[str, list[tuple[str, str, str, str, str, int]]] = {
    "riverbend": [
        (
            "member1",
            "peer1",
            "Thursday music jam at the community hall",
            "Low-key, people bring instruments, no sign-up.",
            "You mentioned wanting to play more. A few people from group go.",
            1,
        ),
    ],
}


def load(db: Session, org_slug: str, users: dict[str, User]) -> None:
    now = utcnow()
    for key, people in PEOPLE.get(org_slug, {}).items():
        member = users[key]
        for name, relationship, contact, role, author_key, days_ago in people:
            author = users[author_key] if author_key else member
            fields = new_item_fields(author, member)
            when = now - timedelta(days=days_ago)
            fields.update(created_at=when, updated_at=when)
            db.add(
                SupporterEntry(
                    **fields,
                    member_id=member.id,
                    name=name,
                    relationship_label=relationship,
                    contact=contact,
                    crisis_role=role,
                )
            )
    for key, places in PLACES.get(org_slug, {}).items():
        member = users[key]
        for name, why, author_key, days_ago in places:
            author = users[author_key] if author_key else member
            fields = new_item_fields(author, member)
            when = now - timedelta(days=days_ago)
            fields.update(created_at=when, updated_at=when)
            db.add(CommunityPlace(**fields, member_id=member.id, name=name, why_it_helps=why))
    for key, author_key, name, why, note, days_ago in PENDING_PLACES.get(org_slug, []):
        member = users[key]
        db.add(
            PlanProposal(
                organization_id=member.organization_id,
                member_id=member.id,
                kind="community_place",
                action="create",
                payload={"name": name, "why_it_helps": why},
                summary=f'Add the place "{name}" to the supporters map',
                note=note,
                status=ProposalStatus.PENDING,
                proposed_by_id=users[author_key].id,
                proposed_at=now - timedelta(days=days_ago),
            )
        )
    db.flush()
