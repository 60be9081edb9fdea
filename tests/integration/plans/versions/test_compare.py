"""Comparing two versions (or a version and the live plan), section by section."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from peerpath.db.models import User
from tests.conftest import Browser
from tests.integration.plans.versions.conftest import set_profile, versions_of


def _two_versions(client: Browser, db: Session, member: User, fake_part: dict[int, Any]) -> None:
    fake_part[member.id] = [
        {"title": "Walk to the library", "why_it_matters": "Quiet time to read"},
        {"title": "Call my cousin", "why_it_matters": "We used to talk every week"},
    ]
    set_profile(db, member, vision="A calm home.")
    assert client.submit(f"/members/{member.id}/plan/sign", {}).status_code == 303
    fake_part[member.id] = [
        {"title": "Call my cousin", "why_it_matters": "We talk on Sundays now"},
        {"title": "Join the Thursday art group", "why_it_matters": "Making things with others"},
    ]
    set_profile(db, member, vision="A calm home.")
    assert client.submit(f"/members/{member.id}/plan/sign", {}).status_code == 303
    assert len(versions_of(db, member)) == 2


def test_compare_versions_shows_added_removed_and_changed_with_text_labels(
    client: Browser, demo: dict[str, User], db: Session, fake_part: dict[int, Any]
) -> None:
    member = demo["harbor.member3"]
    client.login("harbor.member3")
    _two_versions(client, db, member, fake_part)

    page = client.get(f"/members/{member.id}/plan/compare?a=1&b=2")

    assert page.status_code == 200
    text = page.text
    assert "Zz test notes" in text  # the section heading
    assert ">Removed<" in text and "Walk to the library" in text
    assert ">Added<" in text and "Join the Thursday art group" in text
    assert ">Changed<" in text
    assert "We used to talk every week" in text and "We talk on Sundays now" in text
    assert "About me" not in text  # an unchanged section is left out


def test_compare_api_lists_changes_per_section(
    client: Browser, demo: dict[str, User], db: Session, fake_part: dict[int, Any]
) -> None:
    member = demo["harbor.member3"]
    client.login("harbor.member3")
    _two_versions(client, db, member, fake_part)

    response = client.get(f"/api/v1/members/{member.id}/plan/compare?a=1&b=2")

    assert response.status_code == 200
    data = response.json()
    assert data["same"] is False
    [section] = data["sections"]
    assert section["part"] == "zz_test_notes"
    kinds = {(c["change"], c["old"], c["new"]) for c in section["changes"]}
    assert ("removed", "Walk to the library\n– Why it matters: Quiet time to read", "") in kinds
    assert (
        "added",
        "",
        "Join the Thursday art group\n– Why it matters: Making things with others",
    ) in (kinds)
    assert (
        "changed",
        "Why it matters: We used to talk every week",
        "Why it matters: We talk on Sundays now",
    ) in kinds
    changed = next(c for c in section["changes"] if c["change"] == "changed")
    assert changed["where"] == "Call my cousin"


def test_compare_version_with_the_live_draft(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member3"]
    client.login("harbor.member3")
    set_profile(db, member, vision="Before.")
    client.submit(f"/members/{member.id}/plan/sign", {})
    set_profile(db, member, vision="After.")

    same_as_itself = client.get(f"/api/v1/members/{member.id}/plan/compare?a=1&b=1").json()
    with_draft = client.get(f"/api/v1/members/{member.id}/plan/compare?a=1&b=draft").json()

    assert same_as_itself["same"] is True
    assert with_draft["b"] == "draft"
    changes = [c for s in with_draft["sections"] for c in s["changes"]]
    assert {
        "change": "changed",
        "where": "",
        "old": "Vision: Before.",
        "new": "Vision: After.",
    } in (changes)


def test_compare_bad_values_answer_422_with_clear_messages(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member1 = demo["harbor.member1"]
    client.login("harbor.member1")
    base = f"/api/v1/members/{member1.id}/plan/compare"

    words = client.get(f"{base}?a=abc&b=draft")
    missing = client.get(f"{base}?a=99&b=1")
    bad_b = client.get(f"{base}?a=1&b=latest")
    no_a = client.get(f"{base}?b=draft")
    page = client.get(f"/members/{member1.id}/plan/compare?a=1&b=nope")

    assert words.status_code == 422
    assert "is not a version number" in words.json()["errors"]["a"]
    assert missing.status_code == 422
    assert missing.json()["errors"]["a"] == "There is no version 99. Versions: 1, 2."
    assert bad_b.status_code == 422 and "draft" in bad_b.json()["errors"]["b"]
    assert no_a.status_code == 422 and "a" in no_a.json()["errors"]
    assert page.status_code == 422
    assert "Please check this" in page.text
    assert 'aria-invalid="true"' in page.text


def test_compare_page_without_choices_shows_the_form(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("harbor.peer1")
    page = client.get(f"/members/{demo['harbor.member1'].id}/plan/compare")
    assert page.status_code == 200
    assert '<label for="f-a">From</label>' in page.text
    assert "The plan as it is now" in page.text


def test_compare_as_people_outside_the_circle_answers_404(
    make_client, demo: dict[str, User]
) -> None:
    member1 = demo["harbor.member1"]
    for username in ("harbor.admin", "harbor.supporter1", "harbor.peer2", "riverbend.peer1"):
        other = make_client()
        other.login(username)
        assert other.get(f"/members/{member1.id}/plan/compare?a=1&b=2").status_code == 404
        api = other.get(f"/api/v1/members/{member1.id}/plan/compare?a=1&b=2")
        assert api.status_code == 404, username
