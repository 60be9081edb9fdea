"""Password rules and hashing."""

from __future__ import annotations

from peerpath.core import security


def test_password_problem_refuses_short_common_and_username_passwords() -> None:
    assert "at least 12" in (security.password_problem("short-one") or "")
    assert "commonly used" in (security.password_problem("Password1234") or "")
    assert "commonly used" in (security.password_problem("qwertyuiop123") or "")
    assert "username" in (
        security.password_problem("harbor.alex-and-more", username="harbor.alex") or ""
    )
    assert "repeats" in (security.password_problem("abababababab") or "")


def test_password_problem_accepts_a_passphrase() -> None:
    assert security.password_problem("a calm river at dawn", username="harbor.alex") is None


def test_hash_is_argon2id_and_verifies() -> None:
    hashed = security.hash_password("a calm river at dawn")
    assert hashed.startswith("$argon2id$")
    assert security.verify_password(hashed, "a calm river at dawn")
    assert not security.verify_password(hashed, "a calm river at dusk")
    assert not security.verify_password(None, "anything at all")
    assert not security.verify_password("not-a-hash", "anything at all")


def test_token_hash_is_stable_and_not_the_token() -> None:
    token = security.new_token("pp_")
    assert token.startswith("pp_") and len(token) > 40
    assert security.token_hash(token) == security.token_hash(token)
    assert token not in security.token_hash(token)
