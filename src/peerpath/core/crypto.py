"""Field encryption for the most private text (journal entries): AES-GCM from `cryptography`.

Keys come from PEERPATH_ENCRYPTION_KEYS ("id:base64key,id:base64key": the first encrypts, all
decrypt) or, when that is empty, from a keyring file generated in var_dir (mode 0600). Each
ciphertext is bound to its organization and member (associated data), so a row copied onto
another member's record does not decrypt. `peerpath keys rotate` re-encrypts under a new key.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from peerpath.settings import Settings

KEYRING_FILE = "encryption_keys.json"
NONCE_BYTES = 12


class CryptoError(Exception):
    """A key is missing or malformed, or a ciphertext does not decrypt."""


@dataclass
class Keyring:
    current_id: str
    keys: dict[str, bytes]
    path: Path | None = None  # set when the keys live in a file peerpath manages
    _ciphers: dict[str, AESGCM] = field(default_factory=dict, repr=False)

    def cipher(self, key_id: str) -> AESGCM:
        if key_id not in self.keys and self.path is not None:
            # Another process may have rotated the file-managed keys: read them again.
            fresh = load_keyring_file(self.path)
            self.current_id, self.keys = fresh.current_id, fresh.keys
            self._ciphers.clear()
        if key_id not in self.keys:
            raise CryptoError(f"encryption key '{key_id}' is not configured")
        if key_id not in self._ciphers:
            self._ciphers[key_id] = AESGCM(self.keys[key_id])
        return self._ciphers[key_id]

    def encrypt(self, plaintext: str, associated: bytes) -> tuple[str, bytes, bytes]:
        nonce = os.urandom(NONCE_BYTES)
        key_id = self.current_id
        return key_id, nonce, self.cipher(key_id).encrypt(nonce, plaintext.encode(), associated)

    def decrypt(self, key_id: str, nonce: bytes, ciphertext: bytes, associated: bytes) -> str:
        try:
            return self.cipher(key_id).decrypt(nonce, ciphertext, associated).decode()
        except InvalidTag as exc:
            raise CryptoError("a journal entry did not decrypt with its key") from exc


def associated_data(organization_id: int, member_id: int) -> bytes:
    return f"peerpath:{organization_id}:{member_id}".encode()


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def parse_keys(spec: str) -> tuple[str, dict[str, bytes]]:
    keys: dict[str, bytes] = {}
    current = ""
    for part in spec.split(","):
        if not part.strip():
            continue
        key_id, sep, encoded = part.strip().partition(":")
        if not sep or not key_id:
            raise CryptoError("PEERPATH_ENCRYPTION_KEYS entries look like id:base64key")
        try:
            raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except ValueError as exc:
            raise CryptoError(f"encryption key '{key_id}' is not valid base64") from exc
        if len(raw) != 32:
            raise CryptoError(f"encryption key '{key_id}' must be 32 bytes (256 bits)")
        keys[key_id] = raw
        current = current or key_id
    if not keys:
        raise CryptoError("PEERPATH_ENCRYPTION_KEYS holds no key")
    return current, keys


def format_key(key_id: str, key: bytes) -> str:
    return f"{key_id}:{base64.urlsafe_b64encode(key).decode().rstrip('=')}"


def load_keyring_file(path: Path) -> Keyring:
    data = json.loads(path.read_text(encoding="utf-8"))
    keys = {k: base64.urlsafe_b64decode(v) for k, v in data["keys"].items()}
    return Keyring(current_id=data["current"], keys=keys, path=path)


def write_keyring_file(
    path: Path, current_id: str, keys: dict[str, bytes], *, exclusive: bool = False
) -> None:
    """Write atomically with mode 0600: a crash never leaves a half-written keyring.

    exclusive: fail with FileExistsError when a keyring exists, so two processes starting
    at once never replace each other's first key.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps(
        {
            "current": current_id,
            "keys": {k: base64.urlsafe_b64encode(v).decode() for k, v in keys.items()},
        },
        indent=2,
    )
    partial = path.with_name(f"{path.name}.{secrets.token_hex(4)}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(body)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        if exclusive:
            os.link(partial, path)  # atomic, and refuses an existing file
        else:
            partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def load_keyring(settings: Settings) -> Keyring:
    if settings.encryption_keys:
        current, keys = parse_keys(settings.encryption_keys)
        return Keyring(current_id=current, keys=keys)
    path = settings.var_dir / KEYRING_FILE
    if not path.exists():
        key_id = f"k{secrets.token_hex(4)}"
        with contextlib.suppress(FileExistsError):  # another process made it first
            write_keyring_file(path, key_id, {key_id: new_key()}, exclusive=True)
    return load_keyring_file(path)
