"""The wellness and crisis plan's sections are defined once, in code, in our own words."""

from __future__ import annotations

from peerpath.core.access import Section
from peerpath.plans.wellness.sections import CRISIS_KEYS, SECTIONS, WELLNESS_KEYS


def test_sections_come_in_plan_order_and_belong_to_the_right_part() -> None:
    assert list(SECTIONS) == [
        "toolbox",
        "daily",
        "triggers",
        "early_signs",
        "breaking_down",
        "crisis",
        "post_crisis",
    ]
    assert WELLNESS_KEYS == ("toolbox", "daily", "triggers", "early_signs", "breaking_down")
    assert CRISIS_KEYS == ("crisis", "post_crisis")
    assert {s.part for s in SECTIONS.values()} == {Section.WELLNESS_PLAN, Section.CRISIS_PLAN}


def test_every_section_explains_itself_and_every_field_has_label_and_hint() -> None:
    for section in SECTIONS.values():
        assert section.title and section.explanation and section.fields
        for field in section.fields:
            assert field.label and field.hint


def test_field_keys_are_unique_across_sections_so_inputs_never_share_an_id() -> None:
    keys = [f.key for s in SECTIONS.values() for f in s.fields]
    assert len(keys) == len(set(keys))


def test_wording_is_our_own_and_recovery_oriented() -> None:
    words = " ".join(
        " ".join([s.title, s.explanation, *(f"{f.label} {f.hint}" for f in s.fields)])
        for s in SECTIONS.values()
    ).lower()
    for avoided in ("wrap", "patient", "client", "diagnos", "fail", "non-complian"):
        assert avoided not in words
