"""Precision, recall and F1 of peerpath's language reviewer, per category and overall.

    .venv/bin/python scripts/language_eval.py              # corpus.yaml, dev2.yaml, holdout.yaml
    .venv/bin/python scripts/language_eval.py --misses     # also list every miss (corpus, dev2)
    .venv/bin/python scripts/language_eval.py --no-holdout # skip holdout.yaml

corpus.yaml is the tuning set; dev2.yaml is a second development set written before the
generalization pass (its misses may be listed); holdout.yaml is reported separately, in
aggregate only, as the honest measure of how well the rules generalize (never tune on it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from peerpath.language.evaluate import Report, evaluate, load_corpus, table

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "language" / "corpus.yaml"
DEV2 = ROOT / "tests" / "language" / "dev2.yaml"
HOLDOUT = ROOT / "tests" / "language" / "holdout.yaml"


def _misses(report: Report) -> None:
    print()
    for kind, text, detail in report.misses:
        print(f"{kind}: {detail}\n    {text}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list misses on corpus and dev2")
    parser.add_argument(
        "--no-holdout", "--corpus-only", action="store_true", help="skip holdout.yaml"
    )
    args = parser.parse_args(argv)
    report = evaluate(load_corpus(CORPUS))
    print(table(report, "corpus.yaml (tuning set)"))
    if args.misses:
        _misses(report)
    if DEV2.exists():
        dev = evaluate(load_corpus(DEV2))
        print()
        print(table(dev, "dev2.yaml (second development set)"))
        if args.misses:
            _misses(dev)
    if not args.no_holdout and HOLDOUT.exists():
        print()
        print(table(evaluate(load_corpus(HOLDOUT)), "holdout.yaml (never tuned on)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
