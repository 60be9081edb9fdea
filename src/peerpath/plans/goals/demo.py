"""Demo goals, objectives, action steps and decision worksheets (all words invented for
peerpath), for every demo member at a different stage: harbor.member1 (Jordan Reyes) and
riverbend.member1 (Kai Bennett) have full plans, member8 has nothing yet.

Most items are written by the member; a few were suggested by their peer specialist and
accepted (credited to the peer specialist, with the accepted proposal kept as history). Each
member1 also has one suggestion from peer1 still waiting for an answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.base import utcnow
from peerpath.db.models import (
    ActionStep,
    DecisionWorksheet,
    Goal,
    GoalStatus,
    Objective,
    PlanProposal,
    ProposalStatus,
    StepOwner,
    Strength,
    SupporterEntry,
    User,
)
from peerpath.plans.common import clean_keys, new_item_fields
from peerpath.plans.vocabulary import CHIME, DIMENSIONS

ME = StepOwner.ME
PEER = StepOwner.PEER_SPECIALIST
SUPPORTER = StepOwner.SUPPORTER
SERVICE = StepOwner.SERVICE


@dataclass(frozen=True)
class StepSpec:
    text: str
    who: StepOwner = ME
    who_detail: str = ""
    when: str = ""
    done: bool = False
    author: str = ""  # "" for the member, else "peer1"/"peer2"


@dataclass(frozen=True)
class ObjectiveSpec:
    text: str
    measure: str = ""
    target_in_days: int | None = None  # from today; negative for a date already passed
    done: bool = False
    steps: tuple[StepSpec, ...] = ()
    author: str = ""


@dataclass(frozen=True)
class GoalSpec:
    title: str
    why: str
    dimensions: tuple[str, ...]
    chime: tuple[str, ...]
    strengths: tuple[str, ...] = ()  # beginnings of the member's strength texts
    supporters: tuple[str, ...] = ()  # beginnings of names in the member's supporters map
    status: GoalStatus = GoalStatus.ACTIVE
    days_ago: int = 20
    status_days_ago: int | None = None
    objectives: tuple[ObjectiveSpec, ...] = ()
    author: str = ""


@dataclass(frozen=True)
class DecisionSpec:
    decision: str
    options: tuple[tuple[str, str, str], ...]
    what_matters: str = ""
    who_involved: str = ""
    my_choice: str = ""
    days_ago: int = 5


@dataclass(frozen=True)
class MemberPlan:
    goals: tuple[GoalSpec, ...] = ()
    decisions: tuple[DecisionSpec, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


PLANS: dict[str, dict[str, MemberPlan]] = {
    "harbor": {
        "member1": MemberPlan(
            goals=(
                GoalSpec(
                    title="Find steady work in a kitchen",
                    why=(
                        "Cooking is the thing I'm proudest of. A kitchen job would give my "
                        "days a shape and money I can count on, and I'd be doing something "
                        "I'm actually good at."
                    ),
                    dimensions=("occupational", "financial"),
                    chime=("hope", "identity", "empowerment"),
                    strengths=(
                        "I can cook for a crowd",
                        "Kept a warehouse job",
                        "I don't give up",
                    ),
                    days_ago=30,
                    objectives=(
                        ObjectiveSpec(
                            text="Get my food handler card",
                            measure="The card is in my wallet",
                            target_in_days=21,
                            steps=(
                                StepSpec(
                                    "Sign up for the online course on the library computers",
                                    when="Monday mornings",
                                    done=True,
                                ),
                                StepSpec(
                                    "Go over the practice questions together",
                                    who=PEER,
                                    who_detail="Rosa",
                                    when="At our Thursday check-in",
                                    author="peer1",
                                ),
                                StepSpec("Take the test", when="Before the end of the month"),
                            ),
                        ),
                        ObjectiveSpec(
                            text="Apply to three kitchen jobs",
                            measure="Three applications sent, written down in my notebook",
                            target_in_days=45,
                            steps=(
                                StepSpec(
                                    "Add the warehouse job and the dinners I cook to my resume",
                                    when="This weekend",
                                ),
                                StepSpec(
                                    "Read my cover letter and tell me honestly what she thinks",
                                    who=SUPPORTER,
                                    who_detail="My sister Lena",
                                    when="Sunday phone call",
                                ),
                                StepSpec(
                                    "Go to the resume workshop",
                                    who=SERVICE,
                                    who_detail="Harbor job center",
                                    when="First Wednesday of the month, 10am",
                                ),
                            ),
                        ),
                    ),
                ),
                GoalSpec(
                    title="Cook Sunday dinner for the people I care about",
                    why=(
                        "Sunday dinners at my grandmother's were the center of everything. "
                        "I want my own table to be like that again."
                    ),
                    dimensions=("social", "emotional", "spiritual"),
                    chime=("connectedness", "meaning"),
                    strengths=("Salsa music", "My sister Lena", "I can cook for a crowd"),
                    supporters=("Lena Reyes", "Marco"),
                    status=GoalStatus.ACHIEVED,
                    days_ago=40,
                    status_days_ago=9,
                    objectives=(
                        ObjectiveSpec(
                            text="Host one Sunday dinner",
                            measure="At least three people at my table",
                            target_in_days=-12,
                            done=True,
                            steps=(
                                StepSpec(
                                    "Pick three of grandma's dishes I still remember",
                                    when="During the week before",
                                    done=True,
                                ),
                                StepSpec(
                                    "Invite Lena and two people from the Tuesday group",
                                    done=True,
                                ),
                                StepSpec(
                                    "Borrow folding chairs",
                                    who=SERVICE,
                                    who_detail="The church hall down the street",
                                    when="Saturday afternoon",
                                    done=True,
                                ),
                            ),
                        ),
                    ),
                ),
                GoalSpec(
                    title="Get a small place of my own",
                    why=(
                        "Somewhere with a couch Lena can sleep on when she visits. I'm putting "
                        "this on pause until the job is sorted, and that's OK."
                    ),
                    dimensions=("environmental", "financial"),
                    chime=("hope", "empowerment"),
                    strengths=("Got through last winter",),
                    status=GoalStatus.PAUSED,
                    days_ago=35,
                    status_days_ago=14,
                    objectives=(
                        ObjectiveSpec(
                            text="Save for a deposit",
                            measure="$600 in my savings account",
                            target_in_days=120,
                            steps=(
                                StepSpec("Put $25 into savings", when="Every payday"),
                                StepSpec(
                                    "Meet with the housing navigator",
                                    who=SERVICE,
                                    who_detail="Harbor Housing Services",
                                    when="When I pick this goal up again",
                                    author="peer1",
                                ),
                            ),
                        ),
                    ),
                ),
            ),
            decisions=(
                DecisionSpec(
                    decision="Take the night dishwasher job now, or wait for a prep cook opening?",
                    options=(
                        (
                            "Take the dishwasher job now",
                            "Money right away. A foot in the door of a real kitchen.",
                            "Nights would mean missing the Tuesday group. Late buses.",
                        ),
                        (
                            "Wait for a prep cook job",
                            "Closer to what I want to do. Daytime hours.",
                            "Could take months. Savings are thin.",
                        ),
                        (
                            "Ask the dishwasher place about day shifts",
                            "Might get the best of both.",
                            "They might say no, and I hate asking.",
                        ),
                    ),
                    what_matters=(
                        "Keeping the Tuesday group. Not burning out in the first month. "
                        "Getting some money coming in."
                    ),
                    who_involved="Lena and Rosa",
                    days_ago=3,
                ),
            ),
            extra={
                "pending": {
                    "goal": "Find steady work in a kitchen",
                    "objective": ObjectiveSpec(
                        text="Go to the county job fair",
                        measure="Talk to at least two restaurant employers",
                        target_in_days=16,
                    ),
                    "note": (
                        "Lots of restaurants had tables there last year. Only add it if it "
                        "feels like a fit."
                    ),
                }
            },
        ),
        "member2": MemberPlan(
            goals=(
                GoalSpec(
                    title="Go back to college part-time",
                    why="Design is who I am. I want to finish what I started.",
                    dimensions=("intellectual", "occupational"),
                    chime=("identity", "hope"),
                    strengths=("Drawing and graphic design", "Finished my first semester"),
                    days_ago=14,
                    objectives=(
                        ObjectiveSpec(
                            text="Sign up for one evening class",
                            measure="Registration email in my inbox",
                            target_in_days=30,
                            steps=(
                                StepSpec(
                                    "Call the admissions office about returning students",
                                    when="Tuesday lunch break",
                                ),
                                StepSpec(
                                    "Look at the class list together",
                                    who=SUPPORTER,
                                    who_detail="Cousin Anjali",
                                    when="Next weekend",
                                ),
                            ),
                        ),
                    ),
                ),
                GoalSpec(
                    title="Sleep through the night most nights",
                    why="Everything is easier when I've slept.",
                    dimensions=("physical", "emotional"),
                    chime=("empowerment",),
                    days_ago=10,
                    author="peer1",
                    objectives=(
                        ObjectiveSpec(
                            text="Screens off by 11pm, five nights a week",
                            measure="Ticks on the calendar by my bed",
                            target_in_days=21,
                        ),
                    ),
                ),
            ),
        ),
        "member3": MemberPlan(
            goals=(
                GoalSpec(
                    title="Paint a mural with the open studio group",
                    why="When I paint on a wall, people stop and talk to me.",
                    dimensions=("social", "intellectual"),
                    chime=("connectedness", "meaning"),
                    strengths=("Painting murals", "The community center"),
                    days_ago=18,
                    objectives=(
                        ObjectiveSpec(
                            text="Pitch a design to the community center",
                            measure="Sketches shown to the center's coordinator",
                            target_in_days=25,
                        ),
                    ),
                ),
            ),
        ),
        "member4": MemberPlan(
            goals=(
                GoalSpec(
                    title="Grow enough herbs on my balcony to cook with",
                    why="Something alive that I look after.",
                    dimensions=("environmental", "emotional"),
                    chime=("hope",),
                    strengths=("Gardening on my balcony",),
                    days_ago=3,
                ),
            ),
        ),
        "member5": MemberPlan(
            goals=(
                GoalSpec(
                    title="Coach my son's basketball team",
                    why="I want him to see me showing up, every week.",
                    dimensions=("social", "occupational"),
                    chime=("connectedness", "identity", "meaning"),
                    strengths=("I can coach", "Basketball", "I show up"),
                    days_ago=40,
                    objectives=(
                        ObjectiveSpec(
                            text="Get through the volunteer coach sign-up",
                            measure="Name on the coaches list",
                            target_in_days=10,
                            steps=(
                                StepSpec(
                                    "Fill in the background check form",
                                    who=SERVICE,
                                    who_detail="Youth league office",
                                    when="This week",
                                    done=True,
                                ),
                                StepSpec(
                                    "Write a reference",
                                    who=PEER,
                                    who_detail="Sam",
                                    when="Before Friday",
                                    author="peer2",
                                ),
                            ),
                        ),
                    ),
                ),
                GoalSpec(
                    title="Every weekend with my son, no missed pickups",
                    why="He counts on me.",
                    dimensions=("social", "emotional"),
                    chime=("connectedness", "hope"),
                    strengths=("My brother Darnell",),
                    status=GoalStatus.ACHIEVED,
                    days_ago=90,
                    status_days_ago=8,
                    objectives=(
                        ObjectiveSpec(
                            text="Be on time for every Friday pickup for three months",
                            measure="Twelve Fridays in a row",
                            target_in_days=-8,
                            done=True,
                            steps=(
                                StepSpec(
                                    "Back-up ride if the bus is late",
                                    who=SUPPORTER,
                                    who_detail="My brother Darnell",
                                    when="Fridays",
                                    done=True,
                                ),
                            ),
                        ),
                    ),
                ),
            ),
            decisions=(
                DecisionSpec(
                    decision="Move to the apartment closer to my son's school?",
                    options=(
                        ("Move", "Ten minutes from school. Easier pickups.", "Higher rent."),
                        ("Stay", "I know my neighbors. Cheaper.", "Two buses every Friday."),
                    ),
                    what_matters="Being there for him without stretching money too thin.",
                    who_involved="Sam and Darnell",
                    my_choice="Stay for now and look again in the spring.",
                    days_ago=20,
                ),
            ),
        ),
        "member6": MemberPlan(
            goals=(
                GoalSpec(
                    title="Sell tomatoes at the Saturday market",
                    why="I grow more than I can eat, and I like talking to people about them.",
                    dimensions=("financial", "social"),
                    chime=("meaning",),
                    strengths=("Growing tomatoes",),
                    days_ago=8,
                    objectives=(
                        ObjectiveSpec(
                            text="Find out what a market table costs",
                            author="peer2",
                        ),
                    ),
                ),
            ),
        ),
        "member7": MemberPlan(
            goals=(
                GoalSpec(
                    title="Sing a solo at the spring concert",
                    why="I used to be scared to sing alone. Not anymore.",
                    dimensions=("emotional", "social"),
                    chime=("hope", "identity"),
                    strengths=("I sing", "My choir friends"),
                    days_ago=12,
                    objectives=(
                        ObjectiveSpec(
                            text="Ask the choir director for a solo",
                            target_in_days=14,
                            steps=(StepSpec("Pick the song first", when="This week"),),
                        ),
                    ),
                ),
                GoalSpec(
                    title="Run a 10k",
                    why="It seemed like a good idea in January.",
                    dimensions=("physical",),
                    chime=("empowerment",),
                    status=GoalStatus.LET_GO,
                    days_ago=60,
                    status_days_ago=20,
                ),
            ),
        ),
        "member8": MemberPlan(),
    },
    "riverbend": {
        "member1": MemberPlan(
            goals=(
                GoalSpec(
                    title="Work at the bike co-op",
                    why=(
                        "Fixing bikes is the one thing where my hands know what to do before "
                        "my head does. The co-op is full of people I like."
                    ),
                    dimensions=("occupational", "social", "financial"),
                    chime=("identity", "meaning", "empowerment"),
                    strengths=(
                        "I can build and repair bikes",
                        "The bike co-op",
                        "I'm stubborn in a good way",
                    ),
                    days_ago=45,
                    objectives=(
                        ObjectiveSpec(
                            text="Volunteer at the co-op two Saturdays a month",
                            measure="Both Saturdays signed in the volunteer log",
                            target_in_days=30,
                            steps=(
                                StepSpec(
                                    "Ask about the volunteer schedule at the front desk",
                                    when="Next time I'm there",
                                    done=True,
                                ),
                                StepSpec(
                                    "Ride over with me the first Saturday",
                                    who=SUPPORTER,
                                    who_detail="My dad, Paul",
                                    when="First Saturday of the month",
                                ),
                                StepSpec(
                                    "Practice what to say about the gap in my work history",
                                    who=PEER,
                                    who_detail="Jess",
                                    when="Wednesday afternoons",
                                    author="peer1",
                                ),
                            ),
                        ),
                        ObjectiveSpec(
                            text="Finish the co-op's wheel-building class",
                            measure="Build one wheel that runs true",
                            target_in_days=60,
                            steps=(
                                StepSpec(
                                    "Sign up for the evening class",
                                    who=SERVICE,
                                    who_detail="Mill Street bike co-op",
                                    when="Registration opens on the 1st",
                                ),
                            ),
                        ),
                    ),
                ),
                GoalSpec(
                    title="Play a full set at open mic night",
                    why="Music is where I feel most like myself.",
                    dimensions=("social", "emotional"),
                    chime=("connectedness", "hope", "identity"),
                    strengths=("I play bass by ear", "Open mic night", "Went back to band"),
                    supporters=("Theo", "Paul Bennett"),
                    status=GoalStatus.ACHIEVED,
                    days_ago=50,
                    status_days_ago=6,
                    objectives=(
                        ObjectiveSpec(
                            text="Rehearse three songs with the band",
                            measure="Three songs start to finish without stopping",
                            target_in_days=-10,
                            done=True,
                            steps=(
                                StepSpec(
                                    "Rehearse in the garage", when="Sunday evenings", done=True
                                ),
                                StepSpec(
                                    "Put our name on the open mic list",
                                    when="The Monday before",
                                    done=True,
                                ),
                            ),
                        ),
                    ),
                ),
                GoalSpec(
                    title="Find a roommate I get along with",
                    why=(
                        "I want my own place, but not alone. Waiting until the co-op work "
                        "is steady."
                    ),
                    dimensions=("environmental", "financial", "social"),
                    chime=("connectedness",),
                    strengths=("My dad, Paul",),
                    status=GoalStatus.PAUSED,
                    days_ago=30,
                    status_days_ago=12,
                    objectives=(
                        ObjectiveSpec(
                            text="Write down what I need in a roommate",
                            measure="A list I could show someone",
                        ),
                    ),
                ),
            ),
            decisions=(
                DecisionSpec(
                    decision="Stay with Dad a few more months, or move in with Theo now?",
                    options=(
                        (
                            "Stay with Dad until summer",
                            "Cheap. Friday dinners are easy. Time to save.",
                            "I'm 29 and I want my own space. We get on each other's nerves.",
                        ),
                        (
                            "Move in with Theo now",
                            "Close to the co-op. Theo plays drums.",
                            "Theo's place is loud every night. Rent is a stretch.",
                        ),
                    ),
                    what_matters="Sleep, money I can manage, and keeping things good with Dad.",
                    who_involved="Dad and Jess",
                    my_choice="Stay with Dad until summer, then look again.",
                    days_ago=10,
                ),
            ),
            extra={
                "pending_edit": {
                    "goal": "Work at the bike co-op",
                    "why_it_matters": (
                        "Fixing bikes is the one thing where my hands know what to do before "
                        "my head does. The co-op is full of people I like, and a paid shift "
                        "there would help with rent."
                    ),
                    "note": (
                        "You mentioned rent last week, so I added a line about it. Change the "
                        "words if they aren't yours."
                    ),
                }
            },
        ),
        "member2": MemberPlan(
            goals=(
                GoalSpec(
                    title="Cater my niece's quinceañera",
                    why="Food is how my family says I love you.",
                    dimensions=("social", "financial", "spiritual"),
                    chime=("connectedness", "meaning"),
                    strengths=("I can make tamales", "My church"),
                    days_ago=16,
                    objectives=(
                        ObjectiveSpec(
                            text="Work out the menu and what it will cost",
                            measure="A shopping list with prices",
                            target_in_days=20,
                            steps=(
                                StepSpec(
                                    "Borrow the big pots",
                                    who=SERVICE,
                                    who_detail="The church kitchen",
                                    when="The week before",
                                ),
                            ),
                        ),
                    ),
                ),
            ),
        ),
        "member3": MemberPlan(
            goals=(
                GoalSpec(
                    title="Build a bookshelf for my room",
                    why="I want to make something with my hands again.",
                    dimensions=("intellectual", "environmental"),
                    chime=("identity",),
                    strengths=("Woodworking",),
                    days_ago=9,
                    author="peer2",
                ),
            ),
        ),
        "member4": MemberPlan(
            goals=(
                GoalSpec(
                    title="Skate in my first derby bout",
                    why="My team believes I can. I'm starting to believe it too.",
                    dimensions=("physical", "social"),
                    chime=("connectedness", "hope"),
                    strengths=("Roller derby", "My derby team", "I bounce back"),
                    days_ago=5,
                    objectives=(
                        ObjectiveSpec(
                            text="Pass the skills assessment",
                            measure="Coach signs off on all the skills",
                            target_in_days=35,
                        ),
                    ),
                ),
            ),
        ),
        "member5": MemberPlan(
            goals=(
                GoalSpec(
                    title="Open a phone repair stall at the weekend market",
                    why="I ran a stall before and I was good at it.",
                    dimensions=("occupational", "financial"),
                    chime=("empowerment", "identity"),
                    strengths=("I can repair phones", "Ran a market stall"),
                    days_ago=38,
                    objectives=(
                        ObjectiveSpec(
                            text="Get a market trader permit",
                            measure="Permit in hand",
                            target_in_days=25,
                            steps=(
                                StepSpec(
                                    "Fill in the permit application",
                                    who=SERVICE,
                                    who_detail="City licensing office",
                                    when="Weekday mornings",
                                ),
                                StepSpec(
                                    "Lend me her folding table",
                                    who=SUPPORTER,
                                    who_detail="My sister Meera",
                                    done=True,
                                ),
                            ),
                        ),
                        ObjectiveSpec(
                            text="Fix ten phones for friends to practice",
                            measure="Ten happy friends",
                            target_in_days=-2,
                            done=True,
                        ),
                    ),
                ),
            ),
        ),
        "member6": MemberPlan(
            goals=(
                GoalSpec(
                    title="Volunteer at the animal shelter",
                    why="Animals calm me down, and they need people.",
                    dimensions=("emotional", "social"),
                    chime=("meaning",),
                    strengths=("I'm kind to animals",),
                    days_ago=6,
                ),
            ),
        ),
        "member7": MemberPlan(
            goals=(
                GoalSpec(
                    title="Play Saturday soccer every week this season",
                    why="It's where my friends are.",
                    dimensions=("physical", "social"),
                    chime=("connectedness",),
                    strengths=("Soccer on Saturdays",),
                    days_ago=15,
                    objectives=(
                        ObjectiveSpec(
                            text="Get new cleats",
                            done=True,
                            steps=(
                                StepSpec(
                                    "Help me pick them",
                                    who=SUPPORTER,
                                    who_detail="Abuelo",
                                    done=True,
                                ),
                            ),
                        ),
                    ),
                ),
            ),
        ),
        "member8": MemberPlan(),
    },
}

PEER_OF = {n: ("peer1" if n <= 4 else "peer2") for n in range(1, 9)}


def load(db: Session, org_slug: str, users: dict[str, User]) -> None:
    now = utcnow()
    today = now.date()
    for key, plan in PLANS.get(org_slug, {}).items():
        member = users[key]
        strengths = list(
            db.scalars(
                select(Strength).where(
                    Strength.organization_id == member.organization_id,
                    Strength.member_id == member.id,
                )
            ).all()
        )
        # The supporters map is loaded before goals (plans.common.AREAS order).
        people = list(
            db.scalars(
                select(SupporterEntry)
                .where(
                    SupporterEntry.organization_id == member.organization_id,
                    SupporterEntry.member_id == member.id,
                )
                .order_by(SupporterEntry.id)
            ).all()
        )
        goals_by_title: dict[str, Goal] = {}
        for position, spec in enumerate(plan.goals, start=1):
            goal = _add_goal(db, users, member, spec, position, strengths, people, today)
            goals_by_title[spec.title] = goal
        for d in plan.decisions:
            when = now - timedelta(days=d.days_ago)
            fields = new_item_fields(member, member)
            fields.update(created_at=when, updated_at=when)
            db.add(
                DecisionWorksheet(
                    **fields,
                    member_id=member.id,
                    decision=d.decision,
                    options=[{"option": o, "pros": p, "cons": c} for o, p, c in d.options],
                    what_matters=d.what_matters,
                    who_involved=d.who_involved,
                    my_choice=d.my_choice,
                )
            )
        db.flush()
        pending = plan.extra.get("pending")
        if pending:
            goal = goals_by_title[pending["goal"]]
            objective: ObjectiveSpec = pending["objective"]
            target = (
                today + timedelta(days=objective.target_in_days)
                if objective.target_in_days is not None
                else None
            )
            _pending(
                db,
                member,
                users["peer1"],
                kind="objective",
                action="create",
                target_id=None,
                base_version=None,
                payload={
                    "goal_id": goal.id,
                    "text": objective.text,
                    "measure": objective.measure,
                    "target_date": target.isoformat() if target else None,
                    "done": False,
                },
                summary=f"New objective for “{goal.title}”: {objective.text}",
                note=pending["note"],
            )
        edit = plan.extra.get("pending_edit")
        if edit:
            goal = goals_by_title[edit["goal"]]
            _pending(
                db,
                member,
                users["peer1"],
                kind="goal",
                action="update",
                target_id=goal.id,
                base_version=goal.version,
                payload={"op": "edit", "why_it_matters": edit["why_it_matters"]},
                summary=f"Changes to the goal “{goal.title}” (why it matters)",
                note=edit["note"],
            )
    db.flush()


def _strength_ids(strengths: list[Strength], beginnings: tuple[str, ...]) -> list[int]:
    ids: list[int] = []
    for beginning in beginnings:
        for strength in strengths:
            if strength.text.startswith(beginning) and strength.id not in ids:
                ids.append(strength.id)
                break
    return ids


def _supporter_ids(people: list[SupporterEntry], beginnings: tuple[str, ...]) -> list[int]:
    ids: list[int] = []
    for beginning in beginnings:
        for person in people:
            if person.name.startswith(beginning) and person.id not in ids:
                ids.append(person.id)
                break
    return ids


def _add_goal(
    db: Session,
    users: dict[str, User],
    member: User,
    spec: GoalSpec,
    position: int,
    strengths: list[Strength],
    people: list[SupporterEntry],
    today: date,
) -> Goal:
    now = utcnow()
    member_number = int(member.username.rsplit("member", 1)[1])
    peer_key = PEER_OF[member_number]

    def author_of(key: str) -> User:
        return users[peer_key] if key else member

    created = now - timedelta(days=spec.days_ago)
    fields = new_item_fields(author_of(spec.author), member)
    fields.update(created_at=created, updated_at=created)
    goal = Goal(
        **fields,
        member_id=member.id,
        title=spec.title,
        why_it_matters=spec.why,
        dimensions=clean_keys(spec.dimensions, DIMENSIONS),
        chime=clean_keys(spec.chime, CHIME),
        strength_ids=_strength_ids(strengths, spec.strengths),
        supporter_ids=_supporter_ids(people, spec.supporters),
        status=spec.status,
        position=position,
    )
    if spec.status_days_ago is not None:
        changed = now - timedelta(days=spec.status_days_ago)
        goal.status_changed_at = changed
        goal.updated_at = changed
        goal.updated_by_id = member.id
        goal.version = 2
    db.add(goal)
    db.flush()
    if spec.author:
        _accepted(db, member, author_of(spec.author), "goal", f"New goal: {spec.title}", created)
    for o_position, o_spec in enumerate(spec.objectives, start=1):
        o_created = created + timedelta(days=1)
        fields = new_item_fields(author_of(o_spec.author), member)
        fields.update(created_at=o_created, updated_at=o_created)
        objective = Objective(
            **fields,
            goal_id=goal.id,
            text=o_spec.text,
            measure=o_spec.measure,
            target_date=today + timedelta(days=o_spec.target_in_days)
            if o_spec.target_in_days is not None
            else None,
            done=o_spec.done,
            position=o_position,
        )
        db.add(objective)
        db.flush()
        if o_spec.author:
            _accepted(
                db,
                member,
                author_of(o_spec.author),
                "objective",
                f"New objective for “{spec.title}”: {o_spec.text}",
                o_created,
            )
        for s_position, s_spec in enumerate(o_spec.steps, start=1):
            s_created = o_created + timedelta(hours=2)
            fields = new_item_fields(author_of(s_spec.author), member)
            fields.update(created_at=s_created, updated_at=s_created)
            db.add(
                ActionStep(
                    **fields,
                    objective_id=objective.id,
                    text=s_spec.text,
                    who=s_spec.who,
                    who_detail=s_spec.who_detail,
                    when=s_spec.when,
                    done=s_spec.done,
                    position=s_position,
                )
            )
            if s_spec.author:
                _accepted(
                    db,
                    member,
                    author_of(s_spec.author),
                    "action_step",
                    f"New action step for “{o_spec.text}”: {s_spec.text}",
                    s_created,
                )
    return goal


def _accepted(db: Session, member: User, author: User, kind: str, summary: str, when: Any) -> None:
    """History: a suggestion the member accepted (the item itself is credited to `author`)."""
    db.add(
        PlanProposal(
            organization_id=member.organization_id,
            member_id=member.id,
            kind=kind,
            action="create",
            payload={},
            summary=summary[:300],
            status=ProposalStatus.ACCEPTED,
            proposed_by_id=author.id,
            proposed_at=when - timedelta(hours=20),
            decided_at=when,
        )
    )


def _pending(
    db: Session,
    member: User,
    author: User,
    *,
    kind: str,
    action: str,
    target_id: int | None,
    base_version: int | None,
    payload: dict[str, Any],
    summary: str,
    note: str,
) -> None:
    db.add(
        PlanProposal(
            organization_id=member.organization_id,
            member_id=member.id,
            kind=kind,
            action=action,
            target_id=target_id,
            base_version=base_version,
            payload=payload,
            summary=summary[:300],
            note=note[:500],
            status=ProposalStatus.PENDING,
            proposed_by_id=author.id,
            proposed_at=utcnow() - timedelta(days=1),
        )
    )
