"""ASGI middleware: security headers on every response, and CSRF protection (asgi-csrf) whose
failures answer with a helpful 403, whose malformed-body edge cases answer 400, not 500, and
which refuses request bodies over a size limit with 413."""

from __future__ import annotations

import json
from typing import Any

import asgi_csrf as asgi_csrf_module
from asgi_csrf import DEFAULT_COOKIE_NAME, asgi_csrf
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_COOKIE = DEFAULT_COOKIE_NAME  # asgi-csrf's cookie: "csrftoken"

# The largest request body peerpath reads. The longest text anyone types (a journal entry,
# 20,000 characters) is well under it even with every character percent-encoded.
MAX_BODY_BYTES = 1024 * 1024
# Pasting a question bank ("up to 5 MB" of text) needs more room.
LARGER_BODY_LIMITS = {"/training/bank/import": 16 * 1024 * 1024}
TOO_LARGE_MESSAGE = (
    "That was more than peerpath can take in one go, and nothing was saved. "
    "Please shorten the text and try again."
)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                if not is_static and b"cache-control" not in present:
                    # Pages carry people's private data: never keep them in shared caches.
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


CSRF_MESSAGE = (
    "This form has expired or did not come from peerpath. "
    "Please go back, reload the page and try again."
)


async def _send_error(scope: Scope, send: Send, status: int, message: str) -> None:
    if scope["path"].startswith("/api/"):
        body = json.dumps({"detail": message}).encode()
        content_type = b"application/json"
    else:
        body = (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>"
            f"Please try again - peerpath</title><link rel='stylesheet' href='/static/app.css'>"
            f"</head><body><main id='main' class='container'><h1>Please try again</h1>"
            f"<p>{message}</p><p><a href='/'>Go to peerpath's start page</a></p></main>"
            "</body></html>"
        ).encode()
        content_type = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _csrf_failed(scope: Scope, send: Send, _error: Any) -> None:
    await _send_error(scope, send, 403, CSRF_MESSAGE)


class BodyTooLarge(HTTPException):
    """Raised from `receive` when the body passes the limit. An HTTPException, so when the app
    is the one reading (FastAPI parsing a form or JSON) its handlers answer 413 as usual."""

    def __init__(self) -> None:
        super().__init__(status_code=413, detail=TOO_LARGE_MESSAGE)


def _body_limit(scope: Scope) -> int:
    return LARGER_BODY_LIMITS.get(scope["path"], MAX_BODY_BYTES)


def _declared_length(headers: Headers) -> int | None:
    try:
        return int(headers["content-length"])
    except (KeyError, ValueError):
        return None


def _limited(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def limited_receive() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge()
        return message

    return limited_receive


def multipart_field(body: bytes, boundary: bytes, wanted: str) -> str | None:
    """The value of the first non-file part called `wanted`, or None. Raises ValueError (or
    python-multipart's parse errors, which are ValueErrors) on a malformed body."""
    part: dict[str, Any] = {}
    header: dict[str, bytes] = {"field": b"", "value": b""}
    found: list[bytes] = []

    def on_part_begin() -> None:
        part.clear()
        part.update(name=None, is_file=False, data=[])

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header["field"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header["value"] += data[start:end]

    def on_header_end() -> None:
        if header["field"].strip().lower() == b"content-disposition":
            _, params = parse_options_header(header["value"])
            part["name"] = params.get(b"name", b"").decode("utf-8")
            part["is_file"] = b"filename" in params
        header["field"] = header["value"] = b""

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if part.get("name") == wanted and not part.get("is_file") and not found:
            part["data"].append(data[start:end])

    def on_part_end() -> None:
        if part.get("name") == wanted and not part.get("is_file") and not found:
            found.append(b"".join(part["data"]))

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        },
    )
    parser.write(body)
    parser.finalize()
    return found[0].decode("utf-8") if found else None


async def _parse_multipart_form_data(boundary: bytes, receive: Receive) -> tuple[Any, Receive]:
    """Stands in for asgi-csrf's own multipart reader, which passes `FileClass` to
    python-multipart's FormParser, an argument python-multipart no longer takes (every
    multipart POST with a cookie crashed). Same contract: (csrftoken or None, replay)."""
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            break
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
    token = multipart_field(body, boundary, "csrftoken")

    async def replay_receive() -> Message:
        return messages.pop(0) if messages else await receive()

    return token, replay_receive


asgi_csrf_module._parse_multipart_form_data = _parse_multipart_form_data


# Accepting an invitation (staff, or a member's supporter) sets a password and signs in.
SIGN_IN_PREFIXES = ("/invite/", "/supporter-invite/")


class AlwaysProtect:
    """Paths checked even when the request has no cookie at all: the forms that sign someone
    in (a forged sign-in would put a person in an account someone else controls)."""

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and (path == "/login" or path.startswith(SIGN_IN_PREFIXES))


class CsrfProtect:
    """asgi-csrf, plus: sign-in forms are protected even without cookies, bodies it cannot parse (a
    multipart request with no boundary, a dropped connection) get 400 instead of a crash, and
    bodies over the size limit get 413 before anything reads them whole."""

    def __init__(self, app: ASGIApp, *, secret: str, cookie_secure: bool) -> None:
        async def entered(scope: Scope, receive: Receive, send: Send) -> None:
            if "peerpath.csrf_passed" in scope:
                scope["peerpath.csrf_passed"]["value"] = True
            await app(scope, receive, send)

        self.inner = asgi_csrf(
            entered,
            signing_secret=secret,
            cookie_name=CSRF_COOKIE,
            cookie_secure=cookie_secure,
            cookie_samesite="Lax",
            always_protect=AlwaysProtect(),
            send_csrf_failed=_csrf_failed,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.inner(scope, receive, send)
            return
        limit = _body_limit(scope)
        declared = _declared_length(Headers(scope=scope))
        if declared is not None and declared > limit:
            await _send_error(scope, send, 413, TOO_LARGE_MESSAGE)
            return
        started = False
        passed = {"value": False}
        scope = {**scope, "peerpath.csrf_passed": passed}

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.inner(scope, _limited(receive, limit), tracking_send)
        except BodyTooLarge:
            # Read by the CSRF layer itself (the app turns its own into a 413 page).
            if started:
                raise
            await _send_error(scope, send, 413, TOO_LARGE_MESSAGE)
        except (IndexError, AssertionError, UnicodeDecodeError, ValueError):
            # Only the CSRF layer's own parsing errors become a 400; the app's errors go on up.
            if started or passed["value"]:
                raise
            await _send_error(scope, send, 400, "The request body could not be read.")
