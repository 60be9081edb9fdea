"""JSON shapes of the trainer API (separate from the database models)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from peerpath.trainer.loader import QuestionData


class OptionAsked(BaseModel):
    letter: str
    text: str


class QuestionAsked(BaseModel):
    """A question as put to a learner: no key, no explanations."""

    question_id: int
    version_id: int
    mode: str
    domain: str
    topics: list[str]
    level: str
    content_note: str | None
    stem: str
    options: list[OptionAsked]
    study_note_url: str


class NextQuestion(BaseModel):
    question: QuestionAsked | None
    reviews_due: int
    reviews_left_today: int
    message: str = ""


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question_id: int = Field(ge=1, le=2_147_483_647)
    version_id: int = Field(ge=1, le=2_147_483_647)
    choice: Literal["A", "B", "C", "D"]
    confidence: Literal["sure", "unsure"] | None = None
    mode: Literal["practice", "review"] = "practice"


class OptionFeedback(BaseModel):
    letter: str
    text: str
    explanation: str
    is_key: bool
    chosen: bool


class Feedback(BaseModel):
    attempt_id: int
    correct: bool
    key: str
    choice: str | None
    options: list[OptionFeedback]
    study_note_url: str
    next_review: datetime | None


class DomainEstimate(BaseModel):
    domain: str
    label: str
    attempts: int
    expected_share_correct: float | None
    interval_low: float | None
    interval_high: float | None


class Readiness(BaseModel):
    label: str = "An estimate from your practice, not an official score prediction."
    domains: list[DomainEstimate]


class ExamStart(BaseModel):
    model_config = ConfigDict(extra="forbid")

    blueprint: str = Field(min_length=1, max_length=40)


class ExamItemOut(BaseModel):
    position: int
    domain: str
    stem: str
    options: list[OptionAsked]
    choice: str | None
    flagged: bool


class DomainScore(BaseModel):
    domain: str
    label: str
    questions: int
    correct: int
    percent_correct: int


class ExamResultsOut(BaseModel):
    note: str = "Percent correct by domain from this practice exam; not a scaled exam score."
    answered: int
    total: int
    correct: int
    percent_correct: int
    domains: list[DomainScore]


class ExamOut(BaseModel):
    exam_id: int
    blueprint: str
    title: str
    started_at: datetime
    deadline: datetime
    seconds_left: int
    submitted_at: datetime | None
    ended_by: str | None
    items: list[ExamItemOut]
    results: ExamResultsOut | None


class ExamSummary(BaseModel):
    exam_id: int
    title: str
    started_at: datetime
    submitted_at: datetime | None


class ExamAnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    choice: Literal["A", "B", "C", "D"] | None = None
    flagged: bool | None = None


class ExamSubmitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    confirm: Literal[True]


class QuestionOut(BaseModel):
    question_id: int
    source: str
    status: str
    version: int
    question: QuestionData


class QuestionWrite(BaseModel):
    """A question for the bank API; `id` is optional when creating (one is made up)."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = None
    domain: str
    competencies: list[str]
    topics: list[str]
    level: str
    difficulty: int
    content_note: str | None = None
    study_note: str
    stem: str
    options: list[dict[str, str]]
    key: str
    expected_version: int | None = None
