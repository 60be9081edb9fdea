"""API shapes for the language assistant."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from peerpath.core.org_settings import LanguageTerm, OrgSettings
from peerpath.language import CATEGORIES, Finding


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="The text to review (plain text).")


class FindingRead(BaseModel):
    start: int = Field(description="Offset of the first character (Python string index).")
    end: int = Field(description="Offset just past the last character.")
    text: str
    category: str
    category_label: str
    reason: str
    suggestions: list[str]
    rule_id: str

    @classmethod
    def of(cls, finding: Finding) -> FindingRead:
        return cls.model_validate(finding.as_dict())


class ReviewRead(BaseModel):
    count: int
    findings: list[FindingRead]

    @classmethod
    def of(cls, findings: list[Finding]) -> ReviewRead:
        return cls(count=len(findings), findings=[FindingRead.of(f) for f in findings])


class RuleRead(BaseModel):
    id: str
    category: str
    reason: str


class LanguageSettingsRead(BaseModel):
    language_extra_terms: list[LanguageTerm]
    language_silenced: list[str]
    categories: dict[str, str] = Field(default_factory=lambda: dict(CATEGORIES))
    rules: list[RuleRead] = Field(default_factory=list)

    @classmethod
    def of(cls, settings: OrgSettings, rules: list[dict[str, str]]) -> LanguageSettingsRead:
        return cls(
            language_extra_terms=list(settings.language_extra_terms),
            language_silenced=list(settings.language_silenced),
            rules=[RuleRead.model_validate(r) for r in rules],
        )


class LanguageSettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language_extra_terms: list[dict[str, object]] | None = None
    language_silenced: list[str] | None = None

    def changes(self) -> dict[str, object]:
        return {k: v for k, v in self.model_dump().items() if v is not None}
