"""Domain errors raised by services; app.py maps each to one HTTP status, page or JSON."""

from __future__ import annotations


class DomainError(Exception):
    status_code = 400
    default_message = "Something about this request could not be handled."

    def __init__(self, message: str | None = None, *, errors: dict[str, str] | None = None):
        self.message = message or self.default_message
        self.errors = errors or {}
        super().__init__(self.message)


class NotFound(DomainError):
    """Not there, or not yours: the two are never told apart."""

    status_code = 404
    default_message = "We could not find that page."


class Forbidden(DomainError):
    status_code = 403
    default_message = "Your role does not give access to this page."


class Unauthenticated(DomainError):
    status_code = 401
    default_message = "Please sign in first."


class Conflict(DomainError):
    status_code = 409
    default_message = "Someone else changed this while you were working on it."


class EditConflict(Conflict):
    """Saving over a newer version: both texts are kept and shown, nothing is overwritten."""

    def __init__(
        self, *, current: dict[str, object], yours: dict[str, object], back_url: str = ""
    ) -> None:
        super().__init__(
            "Someone else saved a newer version while you were editing. Nothing was "
            "overwritten: compare the two below, then edit again from the newest version."
        )
        self.current = current
        self.yours = yours
        self.back_url = back_url


class Invalid(DomainError):
    """Input that breaks a rule; `errors` maps field names to messages people can act on."""

    status_code = 422
    default_message = "Some of what you entered needs another look."


class TooManyAttempts(DomainError):
    status_code = 429
    default_message = "Too many attempts. Please wait a little while and try again."
