"""Journal prompts: enough of them, each tagged with CHIME processes, and a 'surprise me'
that is the same all day and visits every prompt."""

from __future__ import annotations

from datetime import date, timedelta

from peerpath.checkins.journal.prompts import PROMPTS, prompt_for_day
from peerpath.plans.vocabulary import CHIME


def test_there_are_at_least_twenty_prompts_each_tagged_with_chime() -> None:
    assert len(PROMPTS) >= 20
    for prompt in PROMPTS.values():
        assert prompt.chime and set(prompt.chime) <= set(CHIME)
        assert prompt.text.strip() and len(prompt.key) <= 40
    assert {c for p in PROMPTS.values() for c in p.chime} == set(CHIME)


def test_surprise_prompt_changes_by_day_and_visits_every_prompt() -> None:
    start = date(2026, 1, 1)
    days = [start + timedelta(days=n) for n in range(len(PROMPTS))]

    picks = [prompt_for_day(d).key for d in days]

    assert prompt_for_day(start) == prompt_for_day(date(2026, 1, 1))
    assert set(picks) == set(PROMPTS)
