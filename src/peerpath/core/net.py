"""Facts about the caller taken from the request, for the audit log and rate limits."""

from __future__ import annotations

from starlette.requests import HTTPConnection


def client_ip(request: HTTPConnection) -> str:
    # Behind a proxy, run uvicorn with --proxy-headers so request.client is the real caller;
    # reading X-Forwarded-For here would let anyone pick their own address.
    return request.client.host if request.client else ""


def user_agent(request: HTTPConnection) -> str:
    return request.headers.get("user-agent", "")[:300]


def wants_json(request: HTTPConnection) -> bool:
    return request.url.path.startswith("/api/")
