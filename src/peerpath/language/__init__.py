"""Recovery-oriented language review: pure Python, no database or web imports.

    from peerpath.language import review
    for finding in review("Dana is non-compliant with her meds."):
        print(finding.text, finding.category, finding.suggestions)

The lexicon is data (lexicon.toml in this package); an organization's own terms and silenced
rule ids are applied with `default_lexicon().with_overrides(extra_terms, silenced)`.
"""

from peerpath.language.engine import (
    CATEGORIES,
    MAX_TEXT,
    ExtraTerm,
    Finding,
    Lexicon,
    default_lexicon,
    parse_lexicon,
    review,
    rule_ids,
)
from peerpath.language.evaluate import Score, evaluate, load_corpus

__all__ = [
    "CATEGORIES",
    "MAX_TEXT",
    "ExtraTerm",
    "Finding",
    "Lexicon",
    "Score",
    "default_lexicon",
    "evaluate",
    "load_corpus",
    "parse_lexicon",
    "review",
    "rule_ids",
]
