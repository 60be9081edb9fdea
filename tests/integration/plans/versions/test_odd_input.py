"""No route of the versions area answers 500, whatever arrives in ids, queries and bodies."""

from __future__ import annotations

import pytest

from peerpath.db.models import User
from tests.conftest import Browser
from tests.integration.test_authorization_matrix import RULES
from tests.integration.test_bad_input import JUNK_FORM, ODD_IDS

MINE = sorted(
    (method, path)
    for method, path in RULES
    if "/plan/versions" in path
    or path.endswith(("/plan/sign", "/plan/compare", "/plan/print", "/plan/export", ".json"))
    or path.endswith("/admin/settings")
)
JUNK_QUERY = {"a": "9" * 40, "b": "%00draft", "q": "x"}


def test_versions_routes_are_the_ones_checked() -> None:
    assert len(MINE) == 16


@pytest.mark.parametrize("actor", ["harbor.admin", "harbor.member1", "harbor.peer1"])
def test_versions_routes_answer_no_500_to_odd_input(
    actor: str, client: Browser, demo: dict[str, User]
) -> None:
    client.login(actor)
    failures = []
    for method, template in MINE:
        for odd in ODD_IDS:
            path = template.format(member_id=odd, version_id=odd)
            if method == "GET":
                response = client.get(path, params=JUNK_QUERY, follow_redirects=False)
            elif path.startswith("/api/"):
                response = client.api(method, path, json=JUNK_FORM, follow_redirects=False)
            else:
                response = client.submit(path, {**JUNK_FORM, "plan_review_months": odd})
            if response.status_code >= 500:
                failures.append(f"{method} {path}: {response.status_code}")
    assert failures == []


def test_compare_with_odd_values_for_a_real_member_answers_422(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("harbor.member1")
    member_id = demo["harbor.member1"].id
    for a, b in [("9" * 40, "1"), ("-1", "draft"), ("1", "9" * 300), ("%00", "")]:
        response = client.get(f"/api/v1/members/{member_id}/plan/compare", params={"a": a, "b": b})
        assert response.status_code == 422, (a, b)
