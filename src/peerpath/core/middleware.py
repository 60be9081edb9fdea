"""ASGI middleware: security headers on every response, and CSRF protection (asgi-csrf) whose
failures answer with a helpful 403 and whose malformed-body edge cases answer 400, not 500."""

from __future__ import annotations

import json
from typing import Any

from asgi_csrf import asgi_csrf
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


class CsrfProtect:
    """asgi-csrf, plus: login is protected even without cookies, and bodies it cannot parse
    (a multipart request with no boundary, a dropped connection) get 400 instead of a crash."""

    def __init__(self, app: ASGIApp, *, secret: str, cookie_secure: bool) -> None:
        async def entered(scope: Scope, receive: Receive, send: Send) -> None:
            if "peerpath.csrf_passed" in scope:
                scope["peerpath.csrf_passed"]["value"] = True
            await app(scope, receive, send)

        self.inner = asgi_csrf(
            entered,
            signing_secret=secret,
            cookie_secure=cookie_secure,
            cookie_samesite="Lax",
            always_protect={"/login"},
            send_csrf_failed=_csrf_failed,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False
        passed = {"value": False}
        if scope["type"] == "http":
            scope = {**scope, "peerpath.csrf_passed": passed}

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.inner(scope, receive, tracking_send)
        except (IndexError, AssertionError, UnicodeDecodeError, ValueError):
            # Only the CSRF layer's own parsing errors become a 400; the app's errors go on up.
            if started or passed["value"]:
                raise
            await _send_error(scope, send, 400, "The request body could not be read.")
