"""Regenerates src/peerpath/core/data/common_passwords.txt.

The list is ours: predictable patterns people reach for when a site asks for 12+ characters
(keyboard walks, digit runs, a common word padded with digits or years). Only entries of 12
characters or more are kept; shorter passwords are refused by length anyway.
"""

from __future__ import annotations

from itertools import product
from pathlib import Path

WORDS = [
    "password",
    "passw0rd",
    "letmein",
    "welcome",
    "iloveyou",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "monkey",
    "dragon",
    "master",
    "shadow",
    "superman",
    "batman",
    "trustno1",
    "qwerty",
    "abc123",
    "admin",
    "administrator",
    "login",
    "starwars",
    "whatever",
    "freedom",
    "hello",
    "charlie",
    "donald",
    "michael",
    "jennifer",
    "jordan",
    "hunter",
    "ranger",
    "buster",
    "soccer",
    "hockey",
    "killer",
    "george",
    "summer",
    "winter",
    "spring",
    "autumn",
    "flower",
    "cookie",
    "chocolate",
    "computer",
    "internet",
    "recovery",
    "peerpath",
    "support",
    "change",
    "changeme",
    "secret",
    "mustang",
    "harley",
    "pepper",
    "ginger",
    "maggie",
    "tigger",
    "thomas",
    "robert",
    "daniel",
    "matthew",
    "andrew",
    "jessica",
    "ashley",
    "amanda",
    "nicole",
    "elizabeth",
    "samantha",
    "lovely",
    "angel",
    "blessed",
    "faith",
    "family",
    "friends",
    "happy",
    "healing",
    "hope",
    "strength",
    "serenity",
]
SUFFIXES = [
    "",
    "1",
    "12",
    "123",
    "1234",
    "12345",
    "123456",
    "!",
    "1!",
    "123!",
    "2024",
    "2025",
    "2026",
    "2027",
    "01",
    "69",
    "007",
    "@123",
    "#1",
    "99",
]
WALKS = [
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "qwertyuiopasdfghjkl",
    "1qaz2wsx3edc",
    "qazwsxedcrfv",
    "1q2w3e4r5t6y",
    "q1w2e3r4t5y6",
    "zaq12wsxcde3",
    "!qaz2wsx#edc",
    "1qazxsw23edc",
    "qwerty123456",
    "asdf1234asdf",
    "1234qwerasdf",
    "qweasdzxc123",
]


def generate() -> list[str]:
    found: set[str] = set()
    for word, suffix in product(WORDS, SUFFIXES):
        for variant in (word, word.capitalize(), word + word):
            found.add(variant + suffix)
    for n in range(12, 21):
        found.add("".join(str((i + 1) % 10) for i in range(n)))  # 123456789012...
        found.add("".join(str(9 - i % 10) for i in range(n)))  # 987654321098...
        for digit in "0123456789":
            found.add(digit * n)
        for letter in "abcdefghijklmnopqrstuvwxyz":
            found.add(letter * n)
    found.update(WALKS)
    found.update(w + s for w, s in product(WALKS, SUFFIXES))
    return sorted(p.lower() for p in found if len(p) >= 12)


if __name__ == "__main__":
    out = Path(__file__).resolve().parents[1] / "src/peerpath/core/data/common_passwords.txt"
    lines = [
        "# Commonly chosen passwords of 12+ characters; made by scripts/make_common_passwords.py"
    ]
    out.write_text("\n".join(lines + generate()) + "\n", encoding="utf-8")
    print(f"wrote {out}")
