"""The whole JSON API fuzzed with schemathesis against its own OpenAPI document, in process.

Every operation in /api/v1/openapi.json gets a bounded number of generated requests (valid and
invalid ones), sent with an API token of a person whose role the operation is for. Each answer
must be below 500, carry the content type the document promises, and match the documented
response schema. Each example runs in a savepoint that is rolled back, so a fuzzed DELETE or
deactivation never changes what the next example sees.

PEERPATH_FUZZ_EXAMPLES sets the examples per operation and mode (default 10); CI runs the
default. A failure lists every operation that answered wrongly, with the request to replay.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Connection

from peerpath.db.models import User
from tests.conftest import Browser

EXAMPLES = int(os.environ.get("PEERPATH_FUZZ_EXAMPLES", "10"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# Who sends each operation: the role it is for, so the fuzzer gets past "not yours" to the
# body checks. Member-scoped paths run as the member themself and as their peer specialist.
ACTOR_BY_PREFIX = [
    ("/api/v1/admin/", ("harbor.admin",)),
    ("/api/v1/training/", ("harbor.trainee1",)),
    ("/api/v1/members/{member_id}", ("harbor.member1", "harbor.peer1")),
    ("/api/v1/me", ("harbor.member1",)),
    ("/api/v1/", ("harbor.peer1",)),
]
# Operations that would end the fuzzing actor's own access mid-run (still rolled back, but
# the token would be gone for the rest of that example batch): sent by a throwaway token.
SELF_ENDING = {("DELETE", "/api/v1/me/tokens/{token_id}"), ("POST", "/api/v1/me/leave")}


def _actors_for(path: str) -> tuple[str, ...]:
    for prefix, actors in ACTOR_BY_PREFIX:
        if path.startswith(prefix):
            return actors
    return ("harbor.peer1",)


def _token(make_client: Callable[[], Browser], username: str) -> str:
    client = make_client()
    client.login(username)
    response = client.api("POST", "/api/v1/me/tokens", json={"name": "fuzz"})
    assert response.status_code == 201, response.text
    return str(response.json()["token"])


def _run_operation(
    operation: Any,
    mode: GenerationMode,
    headers: dict[str, str],
    path_parameters: dict[str, Any],
    connection: Connection,
    failures: list[str],
) -> None:
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters or None)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        case = data.draw(strategy)
        savepoint = connection.begin_nested()
        try:
            response = case.call(headers=headers)
            try:
                case.validate_response(response, checks=CHECKS)
            except FailureGroup as group:
                for failure in group.exceptions:
                    failures.append(
                        f"{operation.method.upper()} {operation.path} [{mode.value}] "
                        f"{response.status_code} {failure.title}: "
                        f"{' '.join(str(failure.message).split())[:300]}\n"
                        f"    sent: {case.as_curl_command()[:400]}\n"
                        f"    got: {response.text[:300]}"
                    )
        finally:
            if savepoint.is_active:
                savepoint.rollback()

    try:
        run()
    except Unsatisfiable:
        # Nothing to vary (an operation with no parameters has no invalid form): fine.
        if mode is GenerationMode.POSITIVE:
            raise


@pytest.mark.slow
def test_api_answers_every_generated_request_within_its_schema(
    app: FastAPI,
    make_client: Callable[[], Browser],
    demo: dict[str, User],
    connection: Connection,
) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    tokens: dict[str, str] = {}
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for username in _actors_for(operation.path):
            if username not in tokens:
                tokens[username] = _token(make_client, username)
            headers = {"authorization": f"Bearer {tokens[username]}"}
            path_parameters: dict[str, Any] = {}
            if "{member_id}" in operation.path:
                path_parameters["member_id"] = demo["harbor.member1"].id
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                _run_operation(operation, mode, headers, path_parameters, connection, failures)
    assert operations > 50, "the OpenAPI document lost its operations"
    report = os.environ.get("PEERPATH_FUZZ_REPORT")
    if report:
        Path(report).write_text("\n".join(failures))
    unique = sorted(set(failures))
    assert unique == [], "\n".join(unique[:40]) + f"\n\n{len(unique)} failures in all"


def test_the_openapi_document_describes_peerpaths_own_error_shape(app: FastAPI) -> None:
    document = app.openapi()
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert schemas["Error"]["required"] == ["detail"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for status in ("401", "404", "413", "422"):
                response = operation["responses"][status]
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/Error", (method, path, status)
    assert '"format": "time"' not in repr(document).replace("'", '"')
    assert "partial-time" in repr(document)
