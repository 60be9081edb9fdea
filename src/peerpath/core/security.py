"""Password hashing (argon2id), password rules and random tokens."""

from __future__ import annotations

import hashlib
import secrets
from functools import lru_cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when a username does not exist, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("peerpath timing equaliser")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    text = resources.files("peerpath.core").joinpath("data/common_passwords.txt").read_text()
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def password_problem(password: str, *, username: str = "") -> str | None:
    """Why this password cannot be used, in words a person can act on; None when it is fine."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters. A short phrase works well."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    lowered = password.lower()
    if lowered in common_passwords():
        return "That password is on a list of commonly used passwords. Please choose another."
    if username and username.lower() in lowered:
        return "Please choose a password that does not contain your username."
    if len(set(password)) < 4:
        return "That password repeats too few characters. Please choose another."
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def new_token(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough; argon2 is for human passwords.
    return hashlib.sha256(token.encode()).hexdigest()
