"""No profile, strengths or supporters route answers 500, whatever arrives: odd ids in every
path parameter, junk form fields and JSON, junk query strings."""

from __future__ import annotations

import re

import pytest

from peerpath.db.models import User
from tests.conftest import Browser
from tests.integration.test_authorization_matrix import RULES
from tests.integration.test_bad_input import JUNK_FORM, JUNK_QUERY, ODD_IDS

MINE = re.compile(r"/(profile|strengths|supporters|proposals)(/|$)")
JUNK_FIELDS = {
    **JUNK_FORM,
    "category": "\u0000",
    "text": "t" * 5000,
    "version": "99999999999999999999",
    "next": "//elsewhere.example",
    "place_name": "\u0000",
    "vision": ["not", "a", "string"],
}


@pytest.mark.parametrize("actor", ["harbor.member1", "harbor.peer1"])
def test_odd_input_to_profile_strengths_supporters_never_answers_500(
    actor: str, client: Browser, demo: dict[str, User]
) -> None:
    client.login(actor)
    member_id = str(demo["harbor.member1"].id)
    failures = []
    for method, template in sorted(k for k in RULES if MINE.search(k[1])):
        names = re.findall(r"{(\w+)}", template)
        for odd in ODD_IDS:
            for keep_member in (True, False):
                values = {
                    n: (member_id if n == "member_id" and keep_member else odd) for n in names
                }
                path = template.format(**values)
                if method == "GET":
                    response = client.get(path, params=JUNK_QUERY, follow_redirects=False)
                elif path.startswith("/api/"):
                    response = client.api(
                        method, path, json=JUNK_FIELDS, params=JUNK_QUERY, follow_redirects=False
                    )
                else:
                    response = client.submit(path, JUNK_FIELDS)
                if response.status_code >= 500:
                    failures.append(f"{method} {path}: {response.status_code}")
    assert failures == []
