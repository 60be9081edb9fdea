"""The sharing-grant routes' access rules (matrix_areas/sharing_grants.py), checked on their own
for every actor: the same calls as the authorization matrix, limited to this area's routes."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from peerpath.db.models import User
from tests.conftest import Browser
from tests.integration.access_rules import ACTORS
from tests.integration.matrix_areas.sharing_grants import RULES
from tests.integration.test_authorization_matrix import ID_LOOKUPS, _is_denied


@pytest.mark.parametrize("actor", ACTORS)
def test_sharing_grant_routes_follow_their_rules(
    actor: str, client: Browser, demo: dict[str, User], db: Session
) -> None:
    values = {name: ID_LOOKUPS[name](db, demo) for name in ("member_id", "grant_id")}
    if actor != "anonymous":
        client.login(actor)
    problems = []
    for method, template in sorted(RULES, key=lambda key: (key[1], key[0])):
        path = template.format(**values)
        if method == "GET":
            response = client.get(path, follow_redirects=False)
        elif path.startswith("/api/"):
            response = client.api(method, path, json={}, follow_redirects=False)
        else:
            response = client.submit(path, {}, follow_redirects=False)
        allowed = RULES[(method, template)](actor)
        denied = _is_denied(response)
        if response.status_code >= 500 or allowed == denied:
            problems.append(f"{method} {path}: {response.status_code}, expected allowed={allowed}")
    assert problems == [], f"as {actor}:\n" + "\n".join(problems)
