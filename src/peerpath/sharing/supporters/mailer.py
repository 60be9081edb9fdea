"""A tiny mailer on the standard library: SMTP (optionally STARTTLS and a login), or an outbox
folder of .eml files for development and tests. Nothing configured: nothing is sent, and the
caller says so to the person (the link is handed over by hand instead)."""

from __future__ import annotations

import logging
import secrets
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from peerpath.db.base import utcnow
from peerpath.settings import Settings

log = logging.getLogger(__name__)
SMTP_TIMEOUT_SECONDS = 15


def configured(settings: Settings) -> bool:
    return bool(settings.mail_outbox_dir.strip() or settings.smtp_host.strip())


def send(settings: Settings, *, to: str, subject: str, body: str) -> bool:
    """Send one plain-text message. True when it was handed to the server (or written to the
    outbox); False when mail is not configured or the server refused it (logged, never raised:
    the caller shows the link to hand over instead)."""
    if not configured(settings):
        return False
    message = EmailMessage()
    try:
        message["From"] = settings.mail_from
        message["To"] = to
        message["Subject"] = subject
    except ValueError:  # a line break in a header: refused by the email package
        log.warning("mail not sent: an address or subject had a line break in it")
        return False
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain="peerpath")
    message.set_content(body)
    outbox = settings.mail_outbox_dir.strip()
    if outbox:
        folder = Path(outbox)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            name = f"{utcnow():%Y%m%dT%H%M%S}-{secrets.token_hex(4)}.eml"
            (folder / name).write_bytes(bytes(message))
        except OSError:
            log.exception("mail not written to the outbox folder %s", folder)
            return False
        return True
    try:
        with smtplib.SMTP(
            settings.smtp_host.strip(), settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS
        ) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.exception("mail not sent through %s", settings.smtp_host)
        return False
    return True
