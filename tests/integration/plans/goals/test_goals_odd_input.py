"""No goals route answers 500, whatever arrives: odd ids, junk forms, junk JSON."""

from __future__ import annotations

from collections import defaultdict

import pytest
from fastapi.routing import APIRoute

from peerpath.db.models import User
from peerpath.plans.goals.routes import api, pages
from tests.conftest import Browser

ODD_IDS = ["0", "-1", "99999999999999999999999", "abc", "%00"]
JUNK = {
    "title": "\u0000" + "x" * 5000,
    "why_it_matters": "\ud7ff<script>alert(1)</script>",
    "dimensions": "astral",
    "strength_ids": "-7",
    "status": "failed",
    "version": "99999999999999999999",
    "target_date": "2026-02-31",
    "done": "maybe",
    "who": "the doctor",
    "next": "//example.org",
    "option": "",
    "decision": "y" * 400,
}


def _goals_routes() -> list[tuple[str, str]]:
    return sorted(
        (method, prefix + route.path)
        for prefix, router in (("", pages), ("/api/v1", api))
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    )


@pytest.mark.parametrize("actor", ["harbor.member1", "harbor.peer1"])
def test_goals_routes_never_answer_500_to_odd_input(
    actor: str, client: Browser, demo: dict[str, User]
) -> None:
    client.login(actor)
    failures = []
    member_id = str(demo["harbor.member1"].id)
    for method, template in _goals_routes():
        for odd in ODD_IDS:
            values: defaultdict[str, str] = defaultdict(lambda odd=odd: odd)  # type: ignore[misc]
            values["member_id"] = member_id
            path = template.format_map(values)
            if method == "GET":
                response = client.get(path, params=JUNK, follow_redirects=False)
            elif path.startswith("/api/"):
                response = client.api(method, path, json=JUNK, follow_redirects=False)
            else:
                response = client.submit(path, JUNK)
            if response.status_code >= 500:
                failures.append(f"{method} {path}: {response.status_code}")
    assert failures == []
