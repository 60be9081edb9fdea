"""Gentle journal prompts, written for peerpath. Each names the CHIME recovery processes it
invites (plans/vocabulary.CHIME). A prompt is an offer: the member may pick one, ask for a
surprise, or write freely."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from peerpath.plans.vocabulary import CHIME


@dataclass(frozen=True)
class Prompt:
    key: str
    text: str
    chime: tuple[str, ...]


_PROMPTS = (
    Prompt(
        "small_good",
        "What is one small thing that went well today, and what part did you play in it?",
        ("hope", "empowerment"),
    ),
    Prompt(
        "someone_helped",
        "Who made a difference to you lately, even in a small way? What did they do?",
        ("connectedness",),
    ),
    Prompt(
        "quietly_proud",
        "Write about something you did recently that you feel quietly proud of.",
        ("identity", "empowerment"),
    ),
    Prompt(
        "looking_forward",
        "What is something you are looking forward to, this week or further ahead?",
        ("hope",),
    ),
    Prompt(
        "what_matters",
        "What matters most to you right now? Where did it show up in your day?",
        ("meaning",),
    ),
    Prompt(
        "strength_used",
        "Which of your strengths did you lean on today? How did it help?",
        ("identity", "empowerment"),
    ),
    Prompt(
        "note_to_past_self",
        "Write a few kind lines to yourself of a year ago. What would you want them to know?",
        ("hope", "identity"),
    ),
    Prompt(
        "my_choice",
        "Describe a choice you made today that was truly your own.",
        ("empowerment",),
    ),
    Prompt(
        "place_at_ease",
        "Where do you feel most at ease? Describe it in as much detail as you like.",
        ("meaning",),
    ),
    Prompt(
        "got_through",
        "Think of a hard moment from this week. What helped you through it, even a little?",
        ("hope", "empowerment"),
    ),
    Prompt(
        "reach_out",
        "Is there someone you would like to get in touch with? What would you want to say?",
        ("connectedness",),
    ),
    Prompt(
        "more_than_a_chapter",
        "You are more than any one hard chapter. What are some of the things that make you you?",
        ("identity",),
    ),
    Prompt(
        "three_glad_things",
        "Name three things, big or small, that you are glad about today.",
        ("hope", "meaning"),
    ),
    Prompt(
        "listening_to_body",
        "How has your body felt today? Is it asking you for anything?",
        ("empowerment",),
    ),
    Prompt(
        "next_small_step",
        "What is one small step you could take tomorrow toward something you care about?",
        ("hope", "empowerment"),
    ),
    Prompt(
        "belonging",
        "Where, or with whom, do you feel you belong? What makes it feel that way?",
        ("connectedness", "identity"),
    ),
    Prompt(
        "learned_about_me",
        "What have you learned about yourself lately?",
        ("identity", "meaning"),
    ),
    Prompt(
        "helped_another",
        "Write about a time you were there for someone else. How did it feel?",
        ("connectedness", "meaning"),
    ),
    Prompt(
        "ordinary_good_day",
        "Picture a good, ordinary day a year from now. What are you doing, and who is around?",
        ("hope", "meaning"),
    ),
    Prompt(
        "looked_after_myself",
        "Was there a moment recently when you said yes or no in a way that looked after you?",
        ("empowerment", "identity"),
    ),
    Prompt(
        "title_for_today",
        "If today were a chapter with a title, what would the title be, and why?",
        ("identity",),
    ),
    Prompt(
        "comforts",
        "What comforts you when a day feels heavy? Make a list you can come back to.",
        ("empowerment", "hope"),
    ),
    Prompt(
        "places_that_give_energy",
        "Is there a group, place or community that gives you energy? What do you take from it?",
        ("connectedness", "meaning"),
    ),
    Prompt(
        "living_a_value",
        "Pick a value you hold dear, in your own words. When did you live it lately?",
        ("meaning", "identity"),
    ),
)

PROMPTS: dict[str, Prompt] = {p.key: p for p in _PROMPTS}
SURPRISE = "surprise"

# Kept honest at import: every tag is a CHIME process and every key fits the column.
assert all(set(p.chime) <= set(CHIME) and p.chime for p in _PROMPTS)
assert all(len(p.key) <= 40 for p in _PROMPTS) and len(PROMPTS) == len(_PROMPTS)


def prompt_for_day(day: date) -> Prompt:
    """'Surprise me': a different prompt each day, the same one all day (no randomness)."""
    return _PROMPTS[(day.toordinal() * 7) % len(_PROMPTS)]
