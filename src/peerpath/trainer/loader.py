"""The question bank on disk: validation, loading, and the YAML and CSV exchange formats.

One pydantic model (QuestionData) checks shipped files, web forms, imports and the API alike, so
a question is held to the same rules wherever it comes from. Errors name the file, the question
and the field: "advocacy.yaml, question adv-017: options: needs exactly 4 options, got 3".
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from peerpath.trainer.vocabulary import (
    COMPETENCIES,
    CONTENT_NOTES,
    DOMAINS,
    LETTERS,
    LEVELS,
    STUDY_NOTES,
    TOPICS,
)

BANK_DIR = Path(__file__).resolve().parent / "bank"
ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,38}$"

try:  # the C loader is several times faster on the full bank
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader


class OptionData(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str = Field(min_length=1, max_length=600)
    explanation: str = Field(min_length=1, max_length=1500)


def _one_of(value: str, allowed: Iterable[str], what: str) -> str:
    allowed = list(allowed)
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; use one of: {', '.join(allowed)}")
    return value


class QuestionData(BaseModel):
    """One question as written in a bank file, a form, an import or an API call."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=ID_PATTERN)
    domain: str
    competencies: list[str]
    topics: list[str]
    level: str
    difficulty: int = Field(ge=1, le=3)
    content_note: str | None = None
    study_note: str
    stem: str = Field(min_length=10, max_length=3000)
    options: list[OptionData]
    key: str

    @field_validator("domain")
    @classmethod
    def _domain(cls, value: str) -> str:
        return _one_of(value, DOMAINS, "domain")

    @field_validator("competencies")
    @classmethod
    def _competencies(cls, value: list[str]) -> list[str]:
        if not 1 <= len(value) <= 3:
            raise ValueError(f"needs 1 to 3 competencies, got {len(value)}")
        for item in value:
            _one_of(item, COMPETENCIES, "competency")
        return list(dict.fromkeys(value))

    @field_validator("topics")
    @classmethod
    def _topics(cls, value: list[str]) -> list[str]:
        if not 1 <= len(value) <= 3:
            raise ValueError(f"needs 1 to 3 topics, got {len(value)}")
        for item in value:
            _one_of(item, TOPICS, "topic")
        return list(dict.fromkeys(value))

    @field_validator("level")
    @classmethod
    def _level(cls, value: str) -> str:
        return _one_of(value, LEVELS, "level")

    @field_validator("content_note", mode="before")
    @classmethod
    def _content_note(cls, value: Any) -> Any:
        if value in ("", "none", "null"):
            return None
        if isinstance(value, str):
            _one_of(value, CONTENT_NOTES, "content note")
        return value

    @field_validator("study_note")
    @classmethod
    def _study_note(cls, value: str) -> str:
        return _one_of(value, STUDY_NOTES, "study note")

    @field_validator("options", mode="before")
    @classmethod
    def _four_options(cls, value: Any) -> Any:
        if isinstance(value, list) and len(value) != 4:
            raise ValueError(f"needs exactly 4 options, got {len(value)}")
        return value

    @field_validator("options")
    @classmethod
    def _distinct_options(cls, value: list[OptionData]) -> list[OptionData]:
        texts = [o.text.casefold() for o in value]
        if len(set(texts)) != len(texts):
            raise ValueError("two options have the same text")
        return value

    @field_validator("key", mode="before")
    @classmethod
    def _key(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().upper()
            if value not in LETTERS:
                raise ValueError("the key must be exactly one of A, B, C or D")
        return value

    def content(self) -> dict[str, Any]:
        """Everything but the id, as stored on a version."""
        return self.model_dump(exclude={"id"})

    def content_hash(self) -> str:
        blob = json.dumps(self.content(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()


class BankError(ValueError):
    """A bank file, an import or a form that does not validate; `problems` lists every issue."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def _field_errors(exc: ValidationError) -> dict[str, str]:
    """Field -> message, e.g. {"options": "needs exactly 4 options, got 3"}."""
    out: dict[str, str] = {}
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        if loc[:1] == ["options"] and len(loc) >= 3 and loc[1].isdigit():
            field = f"option_{LETTERS[int(loc[1])] if int(loc[1]) < 4 else loc[1]}_{loc[2]}"
        else:
            field = loc[0] if loc else "question"
        msg = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = "is missing"
        elif err["type"] == "extra_forbidden":
            msg = "is not a known field"
        elif err["type"] == "string_pattern_mismatch":
            msg = "use 2-39 lower-case letters, digits and hyphens (e.g. harbor-001)"
        out.setdefault(field, msg)
    return out


def field_errors(data: Mapping[str, Any]) -> tuple[QuestionData | None, dict[str, str]]:
    try:
        return QuestionData.model_validate(dict(data)), {}
    except ValidationError as exc:
        return None, _field_errors(exc)


def _label(field: str) -> str:
    if field.startswith("option_"):
        _, letter, part = field.split("_", 2)
        return f"options: option {letter} {part}"
    return field


def validate_items(items: Any, source: str) -> list[QuestionData]:
    """Validate a parsed file; raises BankError listing every problem found."""
    if not isinstance(items, list):
        raise BankError([f"{source}: expected a list of questions under 'questions:'"])
    problems: list[str] = []
    questions: list[QuestionData] = []
    seen: set[str] = set()
    for n, item in enumerate(items, start=1):
        ident = item.get("id") if isinstance(item, dict) else None
        where = f"{source}, question {ident or f'#{n}'}"
        if not isinstance(item, dict):
            problems.append(f"{where}: expected a mapping of fields")
            continue
        question, errors = field_errors(item)
        for field, message in errors.items():
            problems.append(f"{where}: {_label(field)}: {message}")
        if question is not None:
            if question.id in seen:
                problems.append(f"{where}: id: used twice in this file")
            seen.add(question.id)
            questions.append(question)
    if problems:
        raise BankError(problems)
    return questions


def parse_yaml(text: str, source: str) -> list[QuestionData]:
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise BankError([f"{source}: not valid YAML ({str(exc).splitlines()[0]})"]) from None
    if isinstance(data, dict):
        data = data.get("questions")
    return validate_items(data, source)


@dataclass(frozen=True)
class ShippedBank:
    questions: tuple[QuestionData, ...]
    files: tuple[str, ...]


def load_bank(directory: Path = BANK_DIR) -> ShippedBank:
    """Every shipped question; a problem anywhere raises BankError naming file and question."""
    problems: list[str] = []
    questions: list[QuestionData] = []
    files = sorted(directory.glob("*.yaml"))
    for path in files:
        try:
            questions.extend(parse_yaml(path.read_text(encoding="utf-8"), path.name))
        except BankError as exc:
            problems.extend(exc.problems)
    seen: dict[str, str] = {}
    for q in questions:
        if q.id in seen:
            problems.append(f"question {q.id}: id used in more than one file")
        seen[q.id] = q.id
    if problems:
        raise BankError(problems)
    return ShippedBank(tuple(questions), tuple(p.name for p in files))


@lru_cache(maxsize=1)
def shipped_bank() -> ShippedBank:
    return load_bank()


# ---- exchange formats -------------------------------------------------------------------

CSV_COLUMNS = (
    "id",
    "domain",
    "competencies",
    "topics",
    "level",
    "difficulty",
    "content_note",
    "study_note",
    "stem",
    "option_a",
    "explanation_a",
    "option_b",
    "explanation_b",
    "option_c",
    "explanation_c",
    "option_d",
    "explanation_d",
    "key",
)


def to_yaml(questions: Iterable[QuestionData]) -> str:
    items = [q.model_dump() for q in questions]
    return yaml.safe_dump(
        {"questions": items},
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=None,
    )


def to_csv(questions: Iterable[QuestionData]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for q in questions:
        row: list[str] = [
            q.id,
            q.domain,
            ";".join(q.competencies),
            ";".join(q.topics),
            q.level,
            str(q.difficulty),
            q.content_note or "",
            q.study_note,
            q.stem,
        ]
        for option in q.options:
            row += [option.text, option.explanation]
        row.append(q.key)
        writer.writerow(row)
    return out.getvalue()


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def parse_csv(text: str, source: str) -> list[QuestionData]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise BankError([f"{source}: missing columns: {', '.join(missing)}"])
    items: list[dict[str, Any]] = []
    for row in reader:
        difficulty: Any = (row.get("difficulty") or "").strip()
        items.append(
            {
                "id": row["id"],
                "domain": row["domain"],
                "competencies": _split(row["competencies"] or ""),
                "topics": _split(row["topics"] or ""),
                "level": row["level"],
                "difficulty": int(difficulty) if difficulty.isdigit() else difficulty,
                "content_note": (row["content_note"] or "").strip() or None,
                "study_note": row["study_note"],
                "stem": row["stem"],
                "options": [
                    {"text": row[f"option_{x}"] or "", "explanation": row[f"explanation_{x}"] or ""}
                    for x in "abcd"
                ],
                "key": row["key"],
            }
        )
    return validate_items(items, source)
