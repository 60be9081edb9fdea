"""Pure rules of the profile, strengths and supporters areas: safe return addresses, input
cleaning, readable validation messages, and the one-click strength ideas."""

from __future__ import annotations

import pytest

from peerpath.core.errors import Invalid
from peerpath.db.models import StrengthCategory
from peerpath.plans.profile.schemas import ProfileIn
from peerpath.plans.profile.web import STALE_FORM, form_version, parse_form, safe_next
from peerpath.plans.strengths.schemas import StrengthIn
from peerpath.plans.strengths.suggestions import SUGGESTIONS, suggestions_for
from peerpath.plans.vocabulary import STRENGTH_CATEGORIES


@pytest.mark.parametrize(
    "value",
    [
        "https://elsewhere.example/",
        "//elsewhere.example/path",
        "/\\elsewhere.example",
        "javascript:alert(1)",
        "members/1",
        "/members/1\r\nSet-Cookie: x=1",
        "",
    ],
)
def test_safe_next_refuses_anything_but_a_local_path(value: str) -> None:
    assert safe_next(value, "/fallback") == "/fallback"


def test_safe_next_keeps_a_local_path_with_query() -> None:
    assert safe_next(" /members/7/plan?tab=goals ", "/x") == "/members/7/plan?tab=goals"


def test_form_version_accepts_whole_numbers_only() -> None:
    assert [form_version(v) for v in ("3", " 12 ", "", "-1", "1.5", "9" * 11)] == [
        3,
        12,
        None,
        None,
        None,
        None,
    ]


def test_text_fields_drop_nul_and_normalize_line_breaks() -> None:
    data = ProfileIn.model_validate(
        {"preferred_name": " Jo\x00\nRey ", "vision": "a\r\nb\rc\x00 ", "version": 0}
    )
    assert data.preferred_name == "Jo Rey"
    assert data.vision == "a\nb\nc"


def test_parse_form_gives_readable_messages_per_field() -> None:
    with pytest.raises(Invalid) as caught:
        parse_form(StrengthIn, {"category": "nope", "text": "x" * 501}, {"text": "Strength"})
    assert caught.value.errors == {
        "category": "Category: please choose one of the options.",
        "text": "Strength: please keep this to 500 characters or fewer.",
    }
    with pytest.raises(Invalid) as stale:
        parse_form(ProfileIn, {"version": None}, {})
    assert stale.value.errors == {"version": STALE_FORM}


def test_suggestions_cover_every_category_with_four_to_six_short_ideas() -> None:
    assert set(SUGGESTIONS) == set(STRENGTH_CATEGORIES)
    for ideas in SUGGESTIONS.values():
        assert 4 <= len(ideas) <= 6
        assert all(0 < len(idea) <= 80 for idea in ideas)
        assert len({i.casefold() for i in ideas}) == len(ideas)


def test_suggestions_for_leaves_out_ideas_already_added_whatever_the_case() -> None:
    first = SUGGESTIONS[StrengthCategory.INTERESTS][0]
    left = suggestions_for(StrengthCategory.INTERESTS, {first.upper()})
    assert first not in left
    assert len(left) == len(SUGGESTIONS[StrengthCategory.INTERESTS]) - 1
