"""Scoring the reviewer against a labelled corpus (list of {text, findings: [{span, category}]}).

A predicted finding matches an expected one when the categories are equal and the spans
overlap; each expected finding is matched at most once. Unmatched predictions are false
positives, unmatched expectations false negatives.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from peerpath.language.engine import CATEGORIES, Finding, review


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    overall: Score = field(default_factory=Score)
    by_category: dict[str, Score] = field(default_factory=lambda: {c: Score() for c in CATEGORIES})
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # kind, text, detail
    sentences: int = 0


def load_corpus(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of sentences")
    return data


def _expected_spans(item: dict[str, Any]) -> list[tuple[int, int, str, str]]:
    text: str = item["text"]
    out = []
    for finding in item.get("findings") or []:
        span = str(finding["span"])
        start = text.find(span)
        if start < 0:
            raise ValueError(f"span {span!r} not in {text!r}")
        out.append((start, start + len(span), str(finding["category"]), span))
    return out


def evaluate(
    items: Sequence[dict[str, Any]], reviewer: Callable[[str], list[Finding]] = review
) -> Report:
    report = Report(sentences=len(items))
    for item in items:
        text = item["text"]
        expected = _expected_spans(item)
        predicted = reviewer(text)
        used: set[int] = set()
        for finding in predicted:
            hit = None
            for i, (start, end, category, _) in enumerate(expected):
                if i in used or category != finding.category:
                    continue
                if finding.start < end and start < finding.end:
                    hit = i
                    break
            score = report.by_category.setdefault(finding.category, Score())
            if hit is None:
                score.fp += 1
                report.overall.fp += 1
                report.misses.append(
                    ("FP", text, f"{finding.text!r} {finding.category} ({finding.rule_id})")
                )
            else:
                used.add(hit)
                score.tp += 1
                report.overall.tp += 1
        for i, (_, _, category, span) in enumerate(expected):
            if i not in used:
                report.by_category.setdefault(category, Score()).fn += 1
                report.overall.fn += 1
                report.misses.append(("FN", text, f"{span!r} {category}"))
    return report


def table(report: Report, title: str) -> str:
    lines = [
        f"### {title} ({report.sentences} sentences)",
        "",
        "| category | precision | recall | F1 | TP | FP | FN |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    rows = [*report.by_category.items(), ("**overall**", report.overall)]
    for name, s in rows:
        numbers = f"{s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.tp} | {s.fp} | {s.fn}"
        lines.append(f"| {name} | {numbers} |")
    return "\n".join(lines)
