"""Benchmark: one member's encrypted journal, searched and paged, and the whole journal table
re-encrypted under a new key.

Journal text is ciphertext, so search decrypts the member's own entries in the app: this
measures how long that takes for a long journal. Key rotation (`peerpath keys rotate`)
re-encrypts every entry in batches with one commit per batch: this measures its throughput.

Runs in-process on a fresh SQLite file in a temporary folder (no server):

    .venv/bin/python benchmarks/journal_search_rotate.py
    .venv/bin/python benchmarks/journal_search_rotate.py --entries 5000 --chars 2000

It prints a block ready to paste into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from peerpath.checkins.journal import service  # noqa: E402
from peerpath.core.audit import Viewer  # noqa: E402
from peerpath.core.crypto import Keyring, associated_data, new_key  # noqa: E402
from peerpath.db import migrate  # noqa: E402
from peerpath.db.models import JournalEntry, Organization, Role, User  # noqa: E402
from peerpath.db.session import Database  # noqa: E402
from peerpath.settings import Settings  # noqa: E402

WORDS = [
    "today",
    "walked",
    "garden",
    "called",
    "sister",
    "slept",
    "group",
    "coffee",
    "plan",
    "tired",
    "hopeful",
    "bus",
    "job",
    "breakfast",
    "rain",
    "window",
    "friend",
    "kitchen",
    "music",
    "quiet",
    "morning",
    "evening",
    "tea",
    "paint",
    "river",
]


def _text(rng: random.Random, chars: int) -> str:
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < chars:
        words.append(rng.choice(WORDS))
    return " ".join(words)[:chars]


def _timed(fn: object, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _p95(samples: list[float]) -> float:
    return sorted(samples)[max(0, round(0.95 * len(samples)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=2000, help="entries in one journal")
    parser.add_argument("--chars", type=int, default=1500, help="characters per entry")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per read")
    args = parser.parse_args()
    rng = random.Random(7)

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            environment="test", var_dir=Path(tmp), secret_key="b" * 40, _env_file=None
        )  # type: ignore[call-arg]
        database = Database(settings)
        migrate.upgrade(database.engine)
        keyring = Keyring(current_id="kold", keys={"kold": new_key()})
        db = database.sessionmaker()
        org = Organization(slug="bench", name="Bench")
        db.add(org)
        db.flush()
        member = User(
            organization_id=org.id,
            username="bench.member",
            display_name="Bench Member",
            role=Role.MEMBER,
            is_active=True,
        )
        db.add(member)
        db.flush()
        associated = associated_data(org.id, member.id)
        start = datetime.now(UTC) - timedelta(days=args.entries)
        needle_every = 40
        for n in range(args.entries):
            text = _text(rng, args.chars)
            if n % needle_every == 0:
                text += " lighthouse"
            key_id, nonce, ciphertext = keyring.encrypt(text, associated)
            at = start + timedelta(days=n)
            db.add(
                JournalEntry(
                    organization_id=org.id,
                    member_id=member.id,
                    key_id=key_id,
                    nonce=nonce,
                    ciphertext=ciphertext,
                    created_at=at,
                    updated_at=at,
                )
            )
        db.commit()
        viewer = Viewer(member)

        first_page = _timed(lambda: service.list_entries(db, keyring, viewer, member.id), args.runs)
        search = _timed(
            lambda: service.list_entries(db, keyring, viewer, member.id, q="LIGHTHOUSE"),
            args.runs,
        )
        found = service.list_entries(db, keyring, viewer, member.id, q="lighthouse").total
        db.rollback()  # the reads wrote audit rows; they are not what is measured

        new = Keyring(current_id="knew", keys={"knew": new_key(), **keyring.keys})
        t0 = time.perf_counter()
        rotated = service.rotate(db, new, new, batch_size=500, after_batch=db.commit)
        db.commit()
        rotation_s = time.perf_counter() - t0
        db.close()
        database.dispose()

    print("### Journal: search, paging and key rotation (SQLite, in-process)\n")
    print(
        f"- Command: `.venv/bin/python benchmarks/journal_search_rotate.py "
        f"--entries {args.entries} --chars {args.chars}`"
    )
    print(
        f"- Machine: {platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs"
    )
    print(f"- One journal of {args.entries} entries of {args.chars} characters")
    print(
        f"- First page (50 entries decrypted): median {statistics.median(first_page):.1f} ms, "
        f"p95 {_p95(first_page):.1f} ms"
    )
    print(
        f"- Search over every entry ({found} matches, case-insensitive): median "
        f"{statistics.median(search):.1f} ms, p95 {_p95(search):.1f} ms"
    )
    print(
        f"- Key rotation: {rotated} entries in {rotation_s:.2f} s "
        f"({rotated / rotation_s:,.0f} entries/s, batches of 500, one commit each)"
    )


if __name__ == "__main__":
    main()
