"""All configuration in one typed object, read from PEERPATH_* variables or a .env file.

Every field carries a description; tests check each one is documented in docs/configuration.md.
"""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_KEYS = frozenset({"", "change-me", "changeme", "secret", "placeholder", "dev"})
MIN_SECRET_LENGTH = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PEERPATH_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    environment: Literal["development", "production", "test"] = Field(
        "development",
        description="development (the default, friendly for a laptop), test, or production. "
        "production refuses a missing or placeholder secret key and insecure cookies.",
    )
    var_dir: Path = Field(
        Path("var"),
        description="Folder for the SQLite database, the generated secret key and backups.",
    )
    database_url: str = Field(
        "",
        description="SQLAlchemy URL. Empty means a SQLite file at <var_dir>/peerpath.db. "
        "PostgreSQL: postgresql+psycopg://user@host/dbname.",
    )
    secret_key: str = Field(
        "",
        description="Signs CSRF tokens. Empty means: generate one on first run and keep it in "
        "<var_dir>/secret_key (mode 0600). Production requires a real value of 32+ characters.",
    )
    encryption_keys: str = Field(
        "",
        description="Keys that encrypt journal entries: comma-separated id:base64 32-byte keys; "
        "the first encrypts, all decrypt. Empty means a keyring generated in "
        "<var_dir>/encryption_keys.json (mode 0600). Production requires a value.",
    )
    base_url: str = Field(
        "http://127.0.0.1:8000",
        description="The address people use to reach peerpath; used in links and printed at start.",
    )
    host: str = Field("127.0.0.1", description="Interface `peerpath serve` listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port `peerpath serve` listens on.")
    session_lifetime_minutes: int = Field(
        8 * 60,
        ge=5,
        description="A signed-in session ends after this many minutes without activity.",
    )
    cookie_secure: bool = Field(
        True,
        description="Send cookies only over HTTPS (browsers treat http://127.0.0.1 and "
        "http://localhost as secure, so local use works). Production refuses false.",
    )
    login_max_failures_per_account: int = Field(
        5, ge=1, description="Failed sign-ins for one username before a temporary lockout."
    )
    login_max_failures_per_ip: int = Field(
        20, ge=1, description="Failed sign-ins from one IP address before a temporary lockout."
    )
    login_lockout_minutes: int = Field(
        15, ge=1, description="How long a lockout lasts, and the window failures are counted in."
    )
    sqlite_busy_timeout_ms: int = Field(
        5000, ge=0, description="How long a SQLite writer waits for the lock before giving up."
    )
    pg_dump_path: str = Field(
        "pg_dump", description="pg_dump executable used by `peerpath backup` on PostgreSQL."
    )
    pg_restore_path: str = Field(
        "pg_restore", description="pg_restore executable used by `peerpath restore` on PostgreSQL."
    )
    log_level: str = Field("info", description="Log level for the server (debug, info, warning).")
    smtp_host: str = Field(
        "",
        description="SMTP server for outgoing mail (supporter invitations). Empty: no mail is "
        "sent by SMTP, and the person inviting hands over the link themself.",
    )
    smtp_port: int = Field(587, ge=1, le=65535, description="Port of the SMTP server.")
    smtp_username: str = Field(
        "", description="User name for the SMTP server. Empty: send without signing in."
    )
    smtp_password: str = Field("", description="Password for the SMTP server.")
    smtp_starttls: bool = Field(
        True, description="Switch the SMTP connection to TLS (STARTTLS) before sending."
    )
    mail_from: str = Field(
        "peerpath@localhost", description="The From address of the mail peerpath sends."
    )
    mail_outbox_dir: str = Field(
        "",
        description="Folder where mail is written as .eml files instead of being sent (for "
        "development and tests). When set, it is used instead of SMTP.",
    )

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.environment == "production":
            if self.secret_key.strip().lower() in PLACEHOLDER_KEYS:
                raise ValueError(
                    "PEERPATH_SECRET_KEY must be set to a real secret in production "
                    f"(at least {MIN_SECRET_LENGTH} random characters)."
                )
            if len(self.secret_key) < MIN_SECRET_LENGTH:
                raise ValueError(
                    f"PEERPATH_SECRET_KEY is too short for production "
                    f"(needs {MIN_SECRET_LENGTH}+ characters)."
                )
            if not self.encryption_keys.strip():
                raise ValueError(
                    "PEERPATH_ENCRYPTION_KEYS must be set in production "
                    "(generate one with `peerpath keys new`)."
                )
            if not self.cookie_secure:
                raise ValueError("PEERPATH_COOKIE_SECURE cannot be false in production.")
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.var_dir / 'peerpath.db').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")

    def resolved_secret_key(self) -> str:
        """The configured key, or one generated once and kept 0600 in var_dir."""
        if self.secret_key:
            return self.secret_key
        path = self.var_dir / "secret_key"
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
        self.var_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        # O_EXCL: two workers starting at once must not write two different keys.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text(encoding="utf-8").strip()
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(key)
        return key


@lru_cache
def get_settings() -> Settings:
    return Settings()
