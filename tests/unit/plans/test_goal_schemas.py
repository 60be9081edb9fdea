"""The goals area's input rules, without a database: real dates, known tags, clean text."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from peerpath.plans.goals.schemas import DecisionIn, GoalIn, GoalPatch, ObjectiveIn, friendly_errors


def _errors(model: type, data: dict[str, object]) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return friendly_errors(caught.value)


@pytest.mark.parametrize("value", ["2026-02-30", "2026-13-01", "30/06/2026", "soon", 20260630])
def test_parse_objective_target_date_refuses_anything_but_a_real_date(value: object) -> None:
    errors = _errors(ObjectiveIn, {"text": "Walk to the park", "target_date": value})
    assert errors == {"target_date": "Target date: use a real date, like 2026-06-30."}


def test_parse_objective_target_date_accepts_a_real_date_or_nothing() -> None:
    assert ObjectiveIn.model_validate({"text": "x", "target_date": "2028-02-29"}).target_date == (
        date(2028, 2, 29)
    )
    assert ObjectiveIn.model_validate({"text": "x", "target_date": " "}).target_date is None


def test_parse_goal_keeps_tags_in_vocabulary_order_and_refuses_unknown_ones() -> None:
    goal = GoalIn.model_validate({"title": "x", "dimensions": ["social", "emotional", "social"]})
    assert goal.dimensions == ["emotional", "social"]
    errors = _errors(GoalIn, {"title": "x", "chime": ["luck"]})
    assert errors["chime"].startswith("What it builds: choose from the recovery processes")


def test_parse_goal_text_is_trimmed_and_cleaned_of_characters_no_database_keeps() -> None:
    goal = GoalIn.model_validate({"title": "  Ride\x00 to the coast \ud800 "})
    assert goal.title == "Ride to the coast ?"
    assert _errors(GoalIn, {"title": "   "}) == {"title": "Goal: please write something here."}


def test_parse_goal_status_never_accepts_failed() -> None:
    assert "status" in _errors(GoalPatch, {"status": "failed"})
    assert GoalPatch.model_validate({"status": "let_go"}).model_fields_set == {"status"}


def test_parse_decision_needs_a_named_option() -> None:
    assert _errors(DecisionIn, {"decision": "Move?", "options": []}) == {
        "options": "Options: please add at least one."
    }
    errors = _errors(DecisionIn, {"decision": "Move?", "options": [{"option": "", "pros": "x"}]})
    assert errors == {"options": "Option 1, option: please write something here."}
