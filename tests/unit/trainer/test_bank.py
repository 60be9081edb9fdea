"""The question bank: every shipped question validates; broken ones fail with clear messages;
the YAML and CSV formats round-trip."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from peerpath.trainer.loader import (
    BankError,
    QuestionData,
    load_bank,
    parse_csv,
    parse_yaml,
    to_csv,
    to_yaml,
)
from peerpath.trainer.notes import NOTES_DIR, all_notes, render_markdown
from peerpath.trainer.vocabulary import DOMAINS, STUDY_NOTES

GOOD: dict[str, Any] = {
    "id": "adv-017",
    "domain": "advocacy",
    "competencies": ["promotes_leadership_advocacy"],
    "topics": ["self-advocacy"],
    "level": "application",
    "difficulty": 2,
    "content_note": None,
    "study_note": "advocacy",
    "stem": "Sam wants to speak up at a housing meeting. What is the best next step?",
    "options": [
        {"text": "Speak for Sam", "explanation": "Takes over Sam's voice."},
        {"text": "Help Sam plan what to say", "explanation": "Builds Sam's own voice."},
        {"text": "Tell Sam not to go", "explanation": "Discourages self-advocacy."},
        {"text": "Ask the housing office to decide", "explanation": "Skips Sam's choice."},
    ],
    "key": "B",
}


def _file(*questions: dict[str, Any]) -> str:
    return yaml.safe_dump({"questions": list(questions)})


def test_every_shipped_question_validates_and_the_bank_is_big_enough() -> None:
    bank = load_bank()
    questions = bank.questions
    assert len(questions) >= 240
    ids = [q.id for q in questions]
    assert len(ids) == len(set(ids))
    for domain in DOMAINS:
        assert sum(q.domain == domain for q in questions) >= 50, domain
    application = sum(q.level == "application" for q in questions)
    assert application / len(questions) >= 0.40


def test_every_question_links_to_a_study_note_that_exists() -> None:
    bank = load_bank()
    for q in bank.questions:
        assert q.study_note in STUDY_NOTES
        assert (NOTES_DIR / f"{q.study_note}.md").is_file(), q.study_note


def test_three_options_fail_with_file_question_and_field_named() -> None:
    broken = copy.deepcopy(GOOD)
    broken["options"] = broken["options"][:3]
    with pytest.raises(BankError) as exc:
        parse_yaml(_file(broken), "advocacy.yaml")
    assert exc.value.problems == [
        "advocacy.yaml, question adv-017: options: needs exactly 4 options, got 3"
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"key": "E"}, "key: the key must be exactly one of A, B, C or D"),
        ({"domain": "wellness"}, "domain: unknown domain 'wellness'"),
        ({"study_note": "nope"}, "study_note: unknown study note 'nope'"),
        ({"topics": []}, "topics: needs 1 to 3 topics, got 0"),
        ({"content_note": "scary"}, "content_note: unknown content note 'scary'"),
        ({"difficulty": 7}, "difficulty:"),
    ],
)
def test_broken_fields_are_named(change: dict[str, Any], message: str) -> None:
    with pytest.raises(BankError) as exc:
        parse_yaml(_file({**GOOD, **change}), "advocacy.yaml")
    assert message in exc.value.problems[0]
    assert exc.value.problems[0].startswith("advocacy.yaml, question adv-017: ")


def test_a_missing_explanation_is_reported_for_that_option() -> None:
    broken = copy.deepcopy(GOOD)
    del broken["options"][2]["explanation"]
    with pytest.raises(BankError) as exc:
        parse_yaml(_file(broken), "advocacy.yaml")
    assert "options: option C explanation: is missing" in exc.value.problems[0]


def test_duplicate_ids_and_bad_yaml_are_refused(tmp_path: Path) -> None:
    with pytest.raises(BankError) as exc:
        parse_yaml(_file(GOOD, GOOD), "advocacy.yaml")
    assert "used twice" in exc.value.problems[0]
    (tmp_path / "a.yaml").write_text("questions: [unclosed", encoding="utf-8")
    with pytest.raises(BankError) as exc:
        load_bank(tmp_path)
    assert exc.value.problems[0].startswith("a.yaml: not valid YAML")


def test_yaml_and_csv_round_trip_the_whole_bank() -> None:
    questions = list(load_bank().questions)
    assert parse_yaml(to_yaml(questions), "export.yaml") == questions
    assert parse_csv(to_csv(questions), "export.csv") == questions


def test_csv_with_a_missing_column_is_refused() -> None:
    text = to_csv([QuestionData.model_validate(GOOD)]).replace("explanation_d", "notes_d")
    with pytest.raises(BankError) as exc:
        parse_csv(text, "mine.csv")
    assert "missing columns: explanation_d" in exc.value.problems[0]


def test_notes_render_without_raw_html_and_with_note_links() -> None:
    html = render_markdown("See [boundaries](note:boundaries-dual-relationships).\n\n<b>x</b>")
    assert 'href="/training/notes/boundaries-dual-relationships"' in html
    assert "<b>" not in html
    assert "&lt;b&gt;" in html
    assert 'href="javascript' not in render_markdown("[x](javascript:alert(1))")


def test_every_study_note_exists_with_a_title() -> None:
    notes = all_notes()
    assert {n.slug for n in notes} == set(STUDY_NOTES)
    for note in notes:
        assert note.title and "<h2>" in note.html
