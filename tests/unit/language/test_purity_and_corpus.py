"""The library stays pure (no database or web imports) and meets its quality targets on the
labelled tuning corpus and on the second development set. holdout.yaml is deliberately not read
here."""

from __future__ import annotations

import ast
from pathlib import Path

import peerpath.language
from peerpath.language import CATEGORIES, evaluate, load_corpus

PACKAGE = Path(peerpath.language.__file__).parent
FORBIDDEN = ("sqlalchemy", "fastapi", "starlette", "jinja2", "peerpath.")
CORPUS = Path(__file__).resolve().parents[2] / "language" / "corpus.yaml"
DEV2 = Path(__file__).resolve().parents[2] / "language" / "dev2.yaml"


def test_language_package_imports_nothing_from_the_web_or_database() -> None:
    for source in PACKAGE.glob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                bad = name.startswith(FORBIDDEN[:4]) or (
                    name.startswith("peerpath.") and not name.startswith("peerpath.language")
                )
                assert not bad, f"{source.name} imports {name}"


def test_quality_targets_on_the_tuning_corpus() -> None:
    items = load_corpus(CORPUS)
    assert len(items) >= 400
    report = evaluate(items)
    assert report.overall.precision >= 0.95, report.misses[:20]
    assert report.overall.recall >= 0.90, report.misses[:20]
    for category in CATEGORIES:
        score = report.by_category[category]
        assert score.tp + score.fn > 0, f"no labelled findings for {category}"


def test_quality_targets_on_the_second_development_set() -> None:
    items = load_corpus(DEV2)
    assert len(items) >= 200
    report = evaluate(items)
    assert report.overall.precision >= 0.95, report.misses[:20]
    assert report.overall.recall >= 0.90, report.misses[:20]
    for category in ("infantilizing", "coercion_compliance", "clinical_jargon", "pathologizing"):
        score = report.by_category[category]
        assert score.precision >= 0.90, (category, report.misses[:20])
        assert score.recall >= 0.85, (category, report.misses[:20])
