"""The sections of the wellness and crisis plan, written in peerpath's own words.

Each section is optional and is stored as one row (member, key) whose `content` maps the
field keys below to the member's text. The toolbox and the everyday sections belong to the
wellness part of the record; the crisis and after-crisis sections to the crisis part, and the
access policy is asked about the part each section belongs to.

Field keys are unique across all sections, so several sections can be edited on one page
without two inputs sharing an id.
"""

from __future__ import annotations

from dataclasses import dataclass

from peerpath.core.access import Section

# The most one field may hold: plenty for a plan, small enough to print and to read aloud.
MAX_FIELD_CHARS = 4000


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    hint: str


@dataclass(frozen=True)
class SectionDef:
    key: str
    title: str
    explanation: str  # one plain-language line shown under the title
    part: Section  # the access policy's section this one belongs to
    fields: tuple[Field, ...]

    @property
    def field_keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)

    @property
    def is_crisis(self) -> bool:
        return self.part == Section.CRISIS_PLAN


_SECTIONS = (
    SectionDef(
        key="toolbox",
        title="My toolbox for staying well",
        explanation=(
            "The things, people and habits that help me feel like myself, "
            "and help me find my way back when I don't."
        ),
        part=Section.WELLNESS_PLAN,
        fields=(
            Field(
                "helps_me",
                "Things that help me stay well",
                "Anything that steadies or lifts you: people, places, activities, routines. "
                "One idea per line works well.",
            ),
            Field(
                "quick_tools",
                "Things I can do in a few minutes",
                "Small, easy things for a hard moment, like a song, a walk around the block "
                "or a glass of water.",
            ),
            Field(
                "want_to_try",
                "Things I'd like to try",
                "Ideas you have heard about or been curious about, to test for yourself "
                "when you feel like it.",
            ),
        ),
    ),
    SectionDef(
        key="daily",
        title="Me when I'm well, and my everyday list",
        explanation=(
            "A picture of how I am on a good day, and the small things I do "
            "to keep feeling that way."
        ),
        part=Section.WELLNESS_PLAN,
        fields=(
            Field(
                "when_well",
                "What I'm like when I'm feeling well",
                "Words you would use about yourself on a good day, or words a friend would use.",
            ),
            Field(
                "every_day",
                "Things I do every day",
                "The steady basics that keep you going: meals, rest, movement, "
                "a moment with someone.",
            ),
            Field(
                "some_days",
                "Things I do on some days",
                "Things that help when you notice you need them, or that happen once a week or so.",
            ),
        ),
    ),
    SectionDef(
        key="triggers",
        title="Things that can throw me off, and my plan for them",
        explanation=(
            "Outside events or situations that can make life harder for me, "
            "and what I'll do if one of them happens."
        ),
        part=Section.WELLNESS_PLAN,
        fields=(
            Field(
                "triggers",
                "What can throw me off balance",
                "Situations, dates, places or conversations that tend to be hard for you.",
            ),
            Field(
                "trigger_plan",
                "What I'll do if one of these happens",
                "Ideas from your toolbox, as specific as you find useful.",
            ),
        ),
    ),
    SectionDef(
        key="early_signs",
        title="Early signs I notice, and my plan",
        explanation=(
            "Small changes in me that tell me to take extra care, "
            "and how I'll respond when I notice them."
        ),
        part=Section.WELLNESS_PLAN,
        fields=(
            Field(
                "early_signs",
                "Early signs I notice in myself",
                "Changes in sleep, energy, mood, thoughts or habits that show up "
                "before things get harder.",
            ),
            Field(
                "early_signs_plan",
                "What I'll do when I notice them",
                "Things you will do, and things you might ask someone else to do with you.",
            ),
        ),
    ),
    SectionDef(
        key="breaking_down",
        title="When things are getting really hard",
        explanation=(
            "The signs that things are much harder than usual, "
            "and the stronger steps I'll take to look after myself."
        ),
        part=Section.WELLNESS_PLAN,
        fields=(
            Field(
                "hard_signs",
                "Signs that things are getting really hard",
                "What you notice in yourself, or what people close to you notice, "
                "when you are struggling a lot.",
            ),
            Field(
                "hard_plan",
                "What I'll do then",
                "Clear, simple steps for yourself, and who you will reach out to.",
            ),
        ),
    ),
    SectionDef(
        key="crisis",
        title="My crisis plan",
        explanation=(
            "What I'd like the people around me to know and do "
            "if I can't fully look after myself for a while."
        ),
        part=Section.CRISIS_PLAN,
        fields=(
            Field(
                "act_signs",
                "Signs that tell my supporters it's time to act on this plan",
                "What others would see or hear, in words they will recognise.",
            ),
            Field(
                "supporters",
                "My supporters and what I'd like each of them to do",
                "Names, how to reach them, and who does what. You can also name anyone "
                "you would rather not be involved.",
            ),
            Field(
                "care_wanted",
                "Care I would like",
                "Places, services, people or approaches you would choose "
                "if you needed more support.",
            ),
            Field(
                "care_not_wanted",
                "Care I don't want",
                "Places, treatments or approaches you would like avoided, "
                "and why, if you want to say.",
            ),
            Field(
                "helps_in_crisis",
                "What helps me at a time like that",
                "Things people can say or do that calm, comfort or reassure you.",
            ),
            Field(
                "not_helpful",
                "What doesn't help",
                "Things that make it harder, even when they are meant kindly.",
            ),
            Field(
                "practical",
                "Practical things to take care of",
                "Children, pets, bills, keys, home, work: who looks after what.",
            ),
            Field(
                "plan_ends",
                "When this plan no longer needs to be used",
                "The signs that tell your supporters you are ready to take things "
                "back into your own hands.",
            ),
        ),
    ),
    SectionDef(
        key="post_crisis",
        title="After a crisis: finding my feet again",
        explanation=(
            "How I'll know the hardest part is over, and what will help me "
            "settle back into my life."
        ),
        part=Section.CRISIS_PLAN,
        fields=(
            Field(
                "through_it",
                "How I'll know I'm through the crisis",
                "What you, or the people around you, will notice when things are easing.",
            ),
            Field(
                "need_after",
                "What I'll need as I find my feet",
                "Rest, company, routine, time off, help with errands: whatever fits you.",
            ),
            Field(
                "who_helps_after",
                "Who helps with what",
                "The people you will lean on, and what you would like each of them to do.",
            ),
            Field(
                "looking_back",
                "Looking back: what I'd keep or change in my plan",
                "Hard times teach us things. Note anything you would add or do differently.",
            ),
        ),
    ),
)

SECTIONS: dict[str, SectionDef] = {s.key: s for s in _SECTIONS}
WELLNESS_KEYS = tuple(s.key for s in _SECTIONS if s.part == Section.WELLNESS_PLAN)
CRISIS_KEYS = tuple(s.key for s in _SECTIONS if s.part == Section.CRISIS_PLAN)


def section_def(key: str) -> SectionDef | None:
    return SECTIONS.get(key)
