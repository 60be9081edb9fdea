"""Shapes of goals, objectives, action steps and decision worksheets, in and out.

The same input models check a member's form, an API body and, again, a stored proposal's
payload before it is applied, so a change is held to one set of rules whichever way it comes.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from peerpath.db.base import MAX_ID
from peerpath.db.models import GoalStatus, StepOwner
from peerpath.plans.vocabulary import CHIME, DIMENSIONS

LONG_TEXT = 4000
MAX_OPTIONS = 12
MAX_TAGS = 50


def clean_text(value: object) -> object:
    """Trim, and drop characters no database stores (NUL, lone surrogates); other types pass."""
    if isinstance(value, str):
        return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8").strip()
    return value


_Clean = BeforeValidator(clean_text)


def _limits(min_length: int, max_length: int) -> StringConstraints:
    return StringConstraints(min_length=min_length, max_length=max_length)


Title = Annotated[str, _Clean, _limits(1, 300)]
ItemText = Annotated[str, _Clean, _limits(1, 500)]
Measure = Annotated[str, _Clean, _limits(0, 300)]
LongText = Annotated[str, _Clean, _limits(0, LONG_TEXT)]
Detail = Annotated[str, _Clean, _limits(0, 200)]
When = Annotated[str, _Clean, _limits(0, 120)]
OptionName = Annotated[str, _Clean, _limits(1, 300)]
ProsCons = Annotated[str, _Clean, _limits(0, 2000)]
WhoInvolved = Annotated[str, _Clean, _limits(0, 300)]
ItemId = Annotated[int, Field(ge=1, le=MAX_ID)]

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_target_date(value: object) -> object:
    """A real calendar date written as YYYY-MM-DD, or nothing."""
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if ISO_DATE.match(text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                pass
    raise ValueError("use a real date, like 2026-06-30")


TargetDate = Annotated[date | None, BeforeValidator(parse_target_date)]


def _known(values: list[str], allowed: dict[str, str], what: str) -> list[str]:
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValueError(f"choose from the {what} listed")
    chosen = set(values)
    return [key for key in allowed if key in chosen]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _GoalFields(_Strict):
    @field_validator("dimensions", check_fields=False)
    @classmethod
    def _dimensions(cls, value: list[str]) -> list[str]:
        return _known(value, DIMENSIONS, "eight dimensions of wellness")

    @field_validator("chime", check_fields=False)
    @classmethod
    def _chime(cls, value: list[str]) -> list[str]:
        return _known(value, CHIME, "recovery processes")

    @field_validator("strength_ids", "supporter_ids", check_fields=False)
    @classmethod
    def _unique_ids(cls, value: list[int]) -> list[int]:
        return list(dict.fromkeys(value))


class GoalIn(_GoalFields):
    """A new goal, in the member's own words."""

    title: Title
    why_it_matters: LongText = ""
    dimensions: Annotated[list[str], Field(max_length=MAX_TAGS)] = []
    chime: Annotated[list[str], Field(max_length=MAX_TAGS)] = []
    strength_ids: Annotated[list[ItemId], Field(max_length=MAX_TAGS)] = []
    # People from the member's supporters map (supporter entry ids) who help with this goal.
    supporter_ids: Annotated[list[ItemId], Field(max_length=MAX_TAGS)] = []


class GoalPatch(_GoalFields):
    """Only the fields sent are changed; `version` is the one the edit started from."""

    title: Title = ""
    why_it_matters: LongText = ""
    dimensions: Annotated[list[str], Field(max_length=MAX_TAGS)] = []
    chime: Annotated[list[str], Field(max_length=MAX_TAGS)] = []
    strength_ids: Annotated[list[ItemId], Field(max_length=MAX_TAGS)] = []
    # People from the member's supporters map (supporter entry ids) who help with this goal.
    supporter_ids: Annotated[list[ItemId], Field(max_length=MAX_TAGS)] = []
    status: GoalStatus = GoalStatus.ACTIVE
    version: ItemId | None = None


class ObjectiveIn(_Strict):
    """A measurable step towards a goal."""

    text: ItemText
    measure: Measure = ""
    target_date: TargetDate = None
    done: bool = False


class ObjectivePatch(_Strict):
    text: ItemText = ""
    measure: Measure = ""
    target_date: TargetDate = None
    done: bool = False
    version: ItemId | None = None


class StepIn(_Strict):
    """Something someone does, and when."""

    text: ItemText
    who: StepOwner = StepOwner.ME
    who_detail: Detail = ""
    when: When = ""
    done: bool = False


class StepPatch(_Strict):
    text: ItemText = ""
    who: StepOwner = StepOwner.ME
    who_detail: Detail = ""
    when: When = ""
    done: bool = False
    version: ItemId | None = None


class OptionIn(_Strict):
    option: OptionName
    pros: ProsCons = ""
    cons: ProsCons = ""


class DecisionIn(_Strict):
    """A decision worksheet: the options, their pros and cons, and the member's choice."""

    decision: Title
    options: Annotated[list[OptionIn], Field(min_length=1, max_length=MAX_OPTIONS)]
    what_matters: LongText = ""
    who_involved: WhoInvolved = ""
    my_choice: LongText = ""


class DecisionPatch(_Strict):
    decision: Title = ""
    options: Annotated[list[OptionIn], Field(min_length=1, max_length=MAX_OPTIONS)] = []
    what_matters: LongText = ""
    who_involved: WhoInvolved = ""
    my_choice: LongText = ""
    version: ItemId | None = None


# ---- messages people can act on ----------------------------------------------------------

FIELD_LABELS = {
    "title": "Goal",
    "why_it_matters": "Why it matters",
    "dimensions": "Areas of wellness",
    "chime": "What it builds",
    "strength_ids": "Strengths used",
    "supporter_ids": "People who help",
    "status": "Where this goal is now",
    "version": "Version",
    "text": "What it is",
    "measure": "How I will know",
    "target_date": "Target date",
    "done": "Done",
    "who": "Who",
    "who_detail": "Who exactly",
    "when": "When",
    "decision": "The decision",
    "options": "Options",
    "option": "Option",
    "pros": "Pros",
    "cons": "Cons",
    "what_matters": "What matters to me",
    "who_involved": "Who I want involved",
    "my_choice": "My choice",
}


def _message(err: Any) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    is_text = isinstance(err.get("input"), str)
    if kind == "missing" or (kind in ("too_short", "string_too_short") and is_text):
        return "please write something here."
    if kind == "too_short":
        return "please add at least one."
    if kind in ("too_long", "string_too_long") and is_text:
        return f"please keep this under {ctx.get('max_length')} characters."
    if kind == "too_long":
        return f"please keep this to {ctx.get('max_length')} or fewer."
    if kind == "value_error":
        return str(ctx.get("error", "this is not valid")) + "."
    if kind in ("enum", "literal_error"):
        return "choose one of the options."
    if kind == "bool_parsing" or kind == "bool_type":
        return "answer yes or no."
    if kind == "extra_forbidden":
        return "this is not a field we know."
    if kind in ("int_parsing", "int_type", "greater_than_equal", "less_than_equal"):
        return "this is not a number we know."
    if kind in ("list_type", "string_type", "model_type", "dict_type"):
        return "this is not the right kind of value."
    return str(err.get("msg", "this is not valid")) + "."


def friendly_errors(exc: ValidationError) -> dict[str, str]:
    """Field name -> a sentence that says what to do, for forms and for 422 answers."""
    errors: dict[str, str] = {}
    for err in exc.errors():
        loc = [part for part in err.get("loc", ()) if part != "__root__"]
        field = str(loc[0]) if loc else "form"
        label = FIELD_LABELS.get(field, field.replace("_", " ").capitalize())
        if field == "options" and len(loc) >= 2 and isinstance(loc[1], int):
            inner = FIELD_LABELS.get(str(loc[2]), "") if len(loc) >= 3 else ""
            label = f"Option {loc[1] + 1}" + (f", {inner.lower()}" if inner else "")
        message = _message(err)
        errors.setdefault(field, f"{label}: {message}")
    return errors


# ---- what the API answers ----------------------------------------------------------------


class Authorship(BaseModel):
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime
    version: int


class StrengthRef(BaseModel):
    id: int
    text: str
    category: str


class SupporterRef(BaseModel):
    """A person from the member's supporters map."""

    id: int
    name: str
    relationship: str


class StepRead(Authorship):
    id: int
    objective_id: int
    text: str
    who: StepOwner
    who_label: str
    who_detail: str
    when: str
    done: bool


class ObjectiveRead(Authorship):
    id: int
    goal_id: int
    text: str
    measure: str
    target_date: date | None
    done: bool
    steps: list[StepRead]


class GoalRead(Authorship):
    id: int
    title: str
    why_it_matters: str
    dimensions: list[str]
    chime: list[str]
    strength_ids: list[int]
    strengths: list[StrengthRef]
    supporter_ids: list[int]
    supporters: list[SupporterRef]
    status: GoalStatus
    status_label: str
    status_changed_at: datetime | None
    objectives: list[ObjectiveRead]


class OptionRead(BaseModel):
    option: str
    pros: str
    cons: str


class DecisionRead(Authorship):
    id: int
    decision: str
    options: list[OptionRead]
    what_matters: str
    who_involved: str
    my_choice: str


class ProposalRead(BaseModel):
    id: int
    kind: str
    action: str
    target_id: int | None
    summary: str
    note: str
    status: str
    proposed_by: str
    proposed_at: datetime


class ProposedRead(BaseModel):
    """Answer to a staff member's write: a suggestion now waiting for the member."""

    message: str
    proposal: ProposalRead


class PlanRead(BaseModel):
    member_id: int
    member_name: str
    vision: str
    strengths: list[StrengthRef]
    goals: list[GoalRead]
    decisions: list[DecisionRead]
    pending_proposals: int
