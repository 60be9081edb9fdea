"""The OpenAPI document as peerpath really answers: every API error is one JSON shape.

FastAPI documents a 422 as `{"detail": [{"loc": …, "msg": …}]}`, but peerpath's handlers
(app.py) answer every error, 422 included, as `{"detail": "a sentence", "errors": {field:
message}}` (a conflict adds `current` and `yours`). This replaces that default with the real
shape and lists the error statuses any API operation can answer, so clients generated from
the document, and the schemathesis run in tests/integration/test_schemathesis.py, see the
truth.

It also corrects one pydantic habit: a clock time (a session's start, "18:00:00") is
documented as JSON Schema `format: time`, which is RFC 3339's full-time and requires a UTC
offset. peerpath's times are local clock times without one, so they are documented as
RFC 3339's partial-time, with a pattern that says exactly what is sent and accepted.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in a sentence."},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "Field name -> what to change, when particular fields are wrong.",
        },
        "current": {
            "type": "object",
            "description": "409 only: the record as it is now, after someone else's change.",
        },
        "yours": {"type": "object", "description": "409 only: the values that were sent."},
    },
}
ERROR_RESPONSES = {
    "400": "The request could not be read (for example, a body that is not valid JSON).",
    "401": "No valid API token or session.",
    "403": "Refused: a cookie-authenticated request without its CSRF token.",
    "404": "Not there, or not yours: the same answer for both.",
    "409": "Someone else changed this, or the record is locked.",
    "413": "The request body is larger than peerpath accepts.",
    "422": "Some of what was sent is not valid; `errors` says which fields.",
    "429": "Too many attempts; wait and try again.",
}
_ERROR_REF = {"$ref": "#/components/schemas/Error"}
# HH:MM, HH:MM:SS or HH:MM:SS.ffffff, no offset: what pydantic reads and writes for `time`.
CLOCK_TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"
_FASTAPI_DEFAULTS = ("HTTPValidationError", "ValidationError")


def install(app: FastAPI) -> None:
    """Make app.openapi() (and so /api/v1/openapi.json) describe peerpath's error shape."""
    default_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = with_error_responses(default_openapi())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def with_error_responses(document: dict[str, Any]) -> dict[str, Any]:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status, description in ERROR_RESPONSES.items():
                responses[status] = {
                    "description": description,
                    "content": {"application/json": {"schema": _ERROR_REF}},
                }
    if not any(f"/schemas/{name}" in repr(document["paths"]) for name in _FASTAPI_DEFAULTS):
        for name in _FASTAPI_DEFAULTS:
            schemas.pop(name, None)
    _clock_times(document)
    return document


def _clock_times(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("format") == "time" and node.get("type") == "string":
            node["format"] = "partial-time"
            node["pattern"] = CLOCK_TIME_PATTERN
        for value in node.values():
            _clock_times(value)
    elif isinstance(node, list):
        for value in node:
            _clock_times(value)
