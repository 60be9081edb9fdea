"""The wellness and crisis plan: the member writes each section, their peer specialist
suggests changes, readers see what the policy allows, and the crisis plan prints cleanly."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from peerpath.core.access import Section
from peerpath.core.audit import Viewer
from peerpath.db.base import utcnow
from peerpath.db.models import (
    AuditEvent,
    MemberProfile,
    PlanProposal,
    ProposalStatus,
    RecipientKind,
    SharingGrant,
    SupporterEntry,
    User,
    WellnessSection,
)
from peerpath.plans import common
from peerpath.plans.common import new_item_fields
from peerpath.plans.wellness.sections import SECTIONS
from tests.conftest import Browser


def _row(db: Session, member: User, key: str) -> WellnessSection | None:
    db.expire_all()
    return db.scalar(
        select(WellnessSection).where(
            WellnessSection.member_id == member.id, WellnessSection.key == key
        )
    )


def _rows_by_key(db: Session, member: User) -> dict[str, tuple[int, dict[str, str]]]:
    db.expire_all()
    rows = db.scalars(select(WellnessSection).where(WellnessSection.member_id == member.id))
    return {r.key: (r.version, dict(r.content)) for r in rows}


def _pending(db: Session, member: User) -> list[PlanProposal]:
    db.expire_all()
    return list(
        db.scalars(
            select(PlanProposal)
            .where(
                PlanProposal.member_id == member.id,
                PlanProposal.kind == "wellness_section",
                PlanProposal.status == ProposalStatus.PENDING,
            )
            .order_by(PlanProposal.id)
        ).all()
    )


def _events(db: Session, **filters: object) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    for key, value in filters.items():
        query = query.where(getattr(AuditEvent, key) == value)
    return list(db.scalars(query).all())


def _toolbox_form(version: int | str, **fields: str) -> dict[str, Any]:
    return {"version": str(version), "helps_me": "", "quick_tools": "", "want_to_try": "", **fields}


# ---- reading ----------------------------------------------------------------------------


def test_open_my_wellness_plan_redirects_member_to_their_own_plan(
    client: Browser, demo: dict[str, User]
) -> None:
    member = demo["harbor.member2"]
    client.login("harbor.member2")
    response = client.get("/my-wellness-plan", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/members/{member.id}/wellness"
    page = client.get(response.headers["location"])
    assert page.status_code == 200
    assert "My wellness and crisis plan" in page.text
    assert "Sketching in the park" in page.text


def test_view_plan_shows_unwritten_sections_as_an_invitation(
    client: Browser, demo: dict[str, User]
) -> None:
    member = demo["harbor.member3"]  # only a toolbox so far
    client.login("harbor.member3")
    page = client.get(f"/members/{member.id}/wellness")
    assert page.status_code == 200
    for section in SECTIONS.values():
        assert f'id="section-{section.key}"' in page.text
        assert section.title.replace("'", "&#39;") in page.text
    assert "Fishing off the east jetty" in page.text
    assert page.text.count("Not written yet.") == len(SECTIONS) - 1
    assert "there is no rush" in page.text.lower()
    assert "Last changed by Eli Thompson on" in page.text


def test_view_plan_shows_who_last_changed_each_section(
    client: Browser, demo: dict[str, User]
) -> None:
    member = demo["harbor.member1"]
    client.login("harbor.supervisor")
    page = client.get(f"/members/{member.id}/wellness")
    assert page.status_code == 200
    assert "Jordan Reyes's wellness and crisis plan" in page.text.replace("&#39;", "'")
    assert "Last changed by Rosa Delgado on" in page.text  # daily: accepted suggestion
    assert "Last changed by Jordan Reyes on" in page.text
    # A supervisor reads; there is no edit link for them.
    assert f"/members/{member.id}/wellness/toolbox" not in page.text


def test_view_empty_plan_member8_sees_only_invitations(
    client: Browser, demo: dict[str, User]
) -> None:
    member = demo["riverbend.member8"]
    client.login("riverbend.member8")
    page = client.get(f"/members/{member.id}/wellness")
    assert page.status_code == 200
    assert page.text.count("Not written yet.") == len(SECTIONS)
    assert page.text.count("Write this part<span") == len(SECTIONS)


def test_api_get_plan_lists_sections_with_version_and_author(
    client: Browser, demo: dict[str, User]
) -> None:
    member = demo["riverbend.member1"]
    client.login("riverbend.peer1")
    body = client.get(f"/api/v1/members/{member.id}/wellness").json()
    assert body["member_id"] == member.id
    assert [s["key"] for s in body["sections"]] == list(SECTIONS)
    crisis = next(s for s in body["sections"] if s["key"] == "crisis")
    assert crisis["part"] == "crisis_plan"
    assert crisis["written"] is True
    assert crisis["version"] == 1
    assert crisis["updated_by"] == "Kai Bennett"
    assert crisis["updated_at"]
    assert "Paul Bennett" in crisis["content"]["supporters"]
    one = client.get(f"/api/v1/members/{member.id}/wellness/early_signs").json()
    assert one["updated_by"] == "Jess Morgan" and one["version"] == 2


# ---- writing as the member --------------------------------------------------------------


def test_member_writes_one_section_and_others_stay_untouched(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member2"]
    before = _rows_by_key(db, member)
    client.login("harbor.member2")
    form = client.get(f"/members/{member.id}/wellness/breaking_down")
    assert form.status_code == 200
    assert 'name="version" value="0"' in form.text
    assert '<label for="f-hard_signs">' in form.text
    response = client.submit(
        f"/members/{member.id}/wellness/breaking_down",
        {"version": "0", "hard_signs": "Not leaving the flat\r\nNot sketching", "hard_plan": ""},
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/members/{member.id}/wellness#section-breaking_down"
    row = _row(db, member, "breaking_down")
    assert row is not None
    assert row.content == {"hard_signs": "Not leaving the flat\nNot sketching"}
    assert row.created_by_id == row.updated_by_id == member.id
    assert row.version == 1
    after = _rows_by_key(db, member)
    assert {k: v for k, v in after.items() if k != "breaking_down"} == before
    page = client.get(response.headers["location"])
    assert "Saved “When things are getting really hard”." in page.text


def test_member_edits_existing_section_and_version_moves_on(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member3"]
    row = _row(db, member, "toolbox")
    assert row is not None and row.version == 1
    client.login("harbor.member3")
    response = client.submit(
        f"/members/{member.id}/wellness/toolbox",
        _toolbox_form(1, helps_me="Fishing\nPepper", quick_tools="Deep breaths"),
    )
    assert response.status_code == 303
    row = _row(db, member, "toolbox")
    assert row is not None
    assert row.version == 2
    assert row.content == {"helps_me": "Fishing\nPepper", "quick_tools": "Deep breaths"}


def test_member_saves_with_htmx_and_gets_the_section_back_in_place(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member5"]
    client.login("harbor.member5")
    edit = client.get(f"/members/{member.id}/wellness/daily", headers={"hx-request": "true"})
    assert 'hx-post="/members/' in edit.text and 'hx-select="#section-daily"' in edit.text
    response = client.submit(
        f"/members/{member.id}/wellness/daily",
        {"version": "0", "when_well": "Calm and steady", "every_day": "Gym"},
        headers={"hx-request": "true"},
    )
    assert response.status_code == 200
    assert '<section id="section-daily"' in response.text
    assert "Saved “Me when I" in response.text
    assert "Calm and steady" in response.text
    assert "<html" not in response.text  # just the section, swapped into place
    row = _row(db, member, "daily")
    assert row is not None and row.content["every_day"] == "Gym"


def test_member_api_put_saves_section(client: Browser, demo: dict[str, User], db: Session) -> None:
    member = demo["riverbend.member3"]
    client.login("riverbend.member3")
    response = client.api(
        "PUT",
        f"/api/v1/members/{member.id}/wellness/post_crisis",
        json={"content": {"through_it": "I want to play chess again"}, "version": 0},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["content"] == {"through_it": "I want to play chess again"}
    assert body["version"] == 1 and body["updated_by"] == "Noah Fischer"
    assert body["part"] == "crisis_plan"
    row = _row(db, member, "post_crisis")
    assert row is not None and row.updated_by_id == member.id


# ---- staff suggestions ------------------------------------------------------------------


def test_peer_page_edit_becomes_proposal_that_member_accepts_credited_to_peer(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member, peer = demo["harbor.member3"], demo["harbor.peer1"]
    before = _rows_by_key(db, member)
    staff = make_client()
    staff.login("harbor.peer1")
    form = staff.get(f"/members/{member.id}/wellness/toolbox")
    assert "Send my suggestion" in form.text
    response = staff.submit(
        f"/members/{member.id}/wellness/toolbox",
        _toolbox_form(1, helps_me="Fishing off the east jetty\nThe Saturday men's group"),
    )
    assert response.status_code == 303
    assert (
        "Their plan changes only if they accept it" in staff.get(response.headers["location"]).text
    )
    assert _rows_by_key(db, member) == before  # nothing changes until the member says yes
    [proposal] = _pending(db, member)
    assert proposal.proposed_by_id == peer.id
    assert proposal.payload["key"] == "toolbox"

    own = make_client()
    own.login("harbor.member3")
    page = own.get(f"/members/{member.id}/wellness")
    assert "A suggestion from Rosa Delgado" in page.text
    assert f"/members/{member.id}/proposals/{proposal.id}/accept" in page.text
    assert "The Saturday men&#39;s group" in page.text

    common.decide_proposal(db, Viewer(member), member.id, proposal.id, accept=True)
    db.commit()
    row = _row(db, member, "toolbox")
    assert row is not None
    assert row.content["helps_me"] == "Fishing off the east jetty\nThe Saturday men's group"
    assert row.updated_by_id == peer.id and row.created_by_id == member.id
    assert row.version == 2
    assert "Last changed by Rosa Delgado" in own.get(f"/members/{member.id}/wellness").text


def test_member_declines_proposal_and_section_stays_the_same(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    before = _rows_by_key(db, member)
    [proposal] = _pending(db, member)  # the demo's suggestion from Rosa
    common.decide_proposal(db, Viewer(member), member.id, proposal.id, accept=False)
    db.commit()
    assert _rows_by_key(db, member) == before
    assert _pending(db, member) == []


def test_accept_demo_toolbox_proposal_adds_peers_ideas(demo: dict[str, User], db: Session) -> None:
    member = demo["harbor.member1"]
    [proposal] = _pending(db, member)
    common.decide_proposal(db, Viewer(member), member.id, proposal.id, accept=True)
    db.commit()
    row = _row(db, member, "toolbox")
    assert row is not None
    assert "The quiet reading room at the Eastside library" in row.content["helps_me"]
    assert row.updated_by_id == demo["harbor.peer1"].id


def test_staff_api_put_answers_202_and_nothing_changes_until_accepted(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member4"]
    before = _rows_by_key(db, member)
    client.login("harbor.peer1")
    response = client.api(
        "PUT",
        f"/api/v1/members/{member.id}/wellness/crisis",
        json={
            "content": {"supporters": "My daughter Min-ji: call first"},
            "version": 0,
            "note": "From Thursday's session",
        },
    )
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["status"] == "pending" and body["kind"] == "wellness_section"
    assert body["payload"] == {
        "key": "crisis",
        "content": {"supporters": "My daughter Min-ji: call first"},
    }
    assert _rows_by_key(db, member) == before
    assert client.get(f"/api/v1/members/{member.id}/wellness/crisis").json()["written"] is False
    common.decide_proposal(db, Viewer(member), member.id, body["id"], accept=True)
    db.commit()
    row = _row(db, member, "crisis")
    assert row is not None
    assert row.created_by_id == demo["harbor.peer1"].id
    assert row.content == {"supporters": "My daughter Min-ji: call first"}


def test_supervisor_reads_but_cannot_write(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    before = _rows_by_key(db, member)
    client.login("harbor.supervisor")
    page = client.get(f"/members/{member.id}/wellness/crisis")
    assert page.status_code == 200
    assert "Theo Marsh" in page.text
    assert '<form method="post" action="/members' not in page.text
    assert (
        client.submit(
            f"/members/{member.id}/wellness/toolbox", _toolbox_form(1, helps_me="x")
        ).status_code
        == 404
    )
    put = client.api("PUT", f"/api/v1/members/{member.id}/wellness/toolbox", json={"content": {}})
    assert put.status_code == 404
    assert _rows_by_key(db, member) == before
    assert len(_pending(db, member)) == 1  # only the demo's own suggestion


@pytest.mark.parametrize(
    "actor",
    [
        "harbor.admin",
        "harbor.supporter1",
        "harbor.peer2",
        "harbor.member2",
        "riverbend.peer1",
        "riverbend.admin",
    ],
)
def test_people_outside_the_plan_get_404_everywhere(
    actor: str, client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    # The demo's member1 shares the crisis plan with supporter1: here they share nothing.
    db.execute(
        update(SharingGrant)
        .where(
            SharingGrant.member_id == member.id,
            SharingGrant.recipient_kind == RecipientKind.SUPPORTER,
        )
        .values(revoked_at=utcnow())
    )
    db.commit()
    before = _rows_by_key(db, member)
    client.login(actor)
    base = f"/members/{member.id}"
    for path in (
        f"{base}/wellness",
        f"{base}/wellness/toolbox",
        f"{base}/wellness/crisis",
        f"{base}/wellness/print",
        f"{base}/crisis/print",
        f"/api/v1{base}/wellness",
        f"/api/v1{base}/wellness/crisis",
    ):
        assert client.get(path).status_code == 404, path
    assert client.submit(f"{base}/wellness/toolbox", _toolbox_form(1)).status_code == 404
    put = client.api("PUT", f"/api/v1{base}/wellness/crisis", json={"content": {}})
    assert put.status_code == 404
    assert _rows_by_key(db, member) == before
    assert len(_pending(db, member)) == 1


def test_other_organization_gets_the_same_404_as_a_missing_member(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("riverbend.peer1")
    theirs = client.get(f"/api/v1/members/{demo['harbor.member1'].id}/wellness")
    missing = client.get("/api/v1/members/999999/wellness")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()


# ---- sections, keys and access parts ----------------------------------------------------


def test_unknown_section_key_answers_404(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    before = _rows_by_key(db, member)
    client.login("harbor.member1")
    assert client.get(f"/members/{member.id}/wellness/diagnosis").status_code == 404
    assert client.submit(f"/members/{member.id}/wellness/diagnosis", {}).status_code == 404
    assert client.get(f"/api/v1/members/{member.id}/wellness/nope").status_code == 404
    put = client.api(
        "PUT", f"/api/v1/members/{member.id}/wellness/nope", json={"content": {"x": "y"}}
    )
    assert put.status_code == 404
    assert _rows_by_key(db, member) == before


@pytest.mark.parametrize("key", list(SECTIONS))
def test_each_section_key_is_checked_with_its_own_access_section(
    key: str, client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    expected = SECTIONS[key].part
    assert expected == (
        Section.CRISIS_PLAN if key in ("crisis", "post_crisis") else Section.WELLNESS_PLAN
    )
    client.login("harbor.peer1")
    assert client.get(f"/members/{member.id}/wellness/{key}").status_code == 200
    [read] = _events(db, actor_username="harbor.peer1", record_type="wellness_section")
    assert read.action == f"read:{expected}" and read.record_id == key and read.allowed
    response = client.api(
        "PUT", f"/api/v1/members/{member.id}/wellness/{key}", json={"content": {}}
    )
    assert response.status_code == 202
    write = _events(db, actor_username="harbor.peer1", action=f"write:{expected}")
    assert len(write) == 1 and write[0].allowed
    assert _events(db, actor_username="harbor.peer1", action="propose")


def test_viewer_allowed_wellness_but_not_crisis_sees_only_wellness_sections(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    # The member stops sharing the crisis plan with their peer specialist's supervisor.
    db.execute(
        update(SharingGrant)
        .where(
            SharingGrant.member_id == member.id,
            SharingGrant.recipient_kind == RecipientKind.MY_SUPERVISOR,
            SharingGrant.section == Section.CRISIS_PLAN.value,
        )
        .values(revoked_at=utcnow())
    )
    db.commit()
    client.login("harbor.supervisor")
    page = client.get(f"/members/{member.id}/wellness")
    assert page.status_code == 200
    assert 'id="section-toolbox"' in page.text and 'id="section-breaking_down"' in page.text
    assert 'id="section-crisis"' not in page.text and "Theo Marsh" not in page.text
    assert "/crisis/print" not in page.text
    keys = [
        s["key"] for s in client.get(f"/api/v1/members/{member.id}/wellness").json()["sections"]
    ]
    assert keys == ["toolbox", "daily", "triggers", "early_signs", "breaking_down"]
    assert client.get(f"/members/{member.id}/wellness/toolbox").status_code == 200
    assert client.get(f"/members/{member.id}/wellness/crisis").status_code == 404
    assert client.get(f"/members/{member.id}/crisis/print").status_code == 404
    printed = client.get(f"/members/{member.id}/wellness/print")
    assert printed.status_code == 200 and "Theo Marsh" not in printed.text
    # Only what was read is on record as read; the crisis part was never opened by the page.
    actions = {
        e.action
        for e in _events(db, actor_username="harbor.supervisor", record_type="wellness_plan")
    }
    assert actions == {"read:wellness_plan"}


# ---- conflicts and bad input ------------------------------------------------------------


def test_stale_version_page_answers_409_with_both_texts(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member5"]
    first = make_client()
    first.login("harbor.member5")
    assert (
        first.submit(
            f"/members/{member.id}/wellness/toolbox",
            _toolbox_form(1, helps_me="Weights and the Wednesday meeting"),
        ).status_code
        == 303
    )
    stale = first.submit(
        f"/members/{member.id}/wellness/toolbox",
        _toolbox_form(1, helps_me="Basketball with my brother"),
    )
    assert stale.status_code == 409
    assert "Weights and the Wednesday meeting" in stale.text
    assert "Basketball with my brother" in stale.text
    assert "Things that help me stay well" in stale.text
    assert f'href="/members/{member.id}/wellness/toolbox"' in stale.text
    row = _row(db, member, "toolbox")
    assert row is not None
    assert row.content["helps_me"] == "Weights and the Wednesday meeting"
    assert row.version == 2


def test_stale_version_api_answers_409_with_current_and_yours(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["riverbend.member1"]
    client.login("riverbend.member1")
    url = f"/api/v1/members/{member.id}/wellness/triggers"
    response = client.api("PUT", url, json={"content": {"triggers": "Mine"}, "version": 7})
    assert response.status_code == 409
    body = response.json()
    assert "Payday Fridays" in body["current"]["triggers"]
    assert body["yours"]["triggers"] == "Mine"
    assert _row(db, member, "triggers").version == 1  # type: ignore[union-attr]


def test_stale_peer_suggestion_is_refused_at_once(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member2"]
    client.login("harbor.peer1")
    response = client.api(
        "PUT",
        f"/api/v1/members/{member.id}/wellness/toolbox",
        json={"content": {"helps_me": "Swimming"}, "version": 0},
    )
    assert response.status_code == 409
    assert _pending(db, member) == []


def test_too_long_field_answers_422_and_saves_nothing(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    before = _rows_by_key(db, member)
    client.login("harbor.member1")
    page = client.submit(
        f"/members/{member.id}/wellness/crisis",
        {"version": "1", "act_signs": "x" * 4001, "supporters": "Lena, then Theo"},
    )
    assert page.status_code == 422
    assert "4,000 characters or fewer" in page.text
    assert 'aria-invalid="true"' in page.text
    assert 'href="#f-act_signs"' in page.text
    assert "Lena, then Theo" in page.text  # what was typed is kept
    api = client.api(
        "PUT",
        f"/api/v1/members/{member.id}/wellness/crisis",
        json={"content": {"act_signs": "y" * 4001}, "version": 1},
    )
    assert api.status_code == 422
    assert "act_signs" in api.json()["errors"]
    assert api.json()["detail"]
    unknown = client.api(
        "PUT",
        f"/api/v1/members/{member.id}/wellness/toolbox",
        json={"content": {"diagnosis": "no"}, "version": 1},
    )
    assert unknown.status_code == 422 and "content" in unknown.json()["errors"]
    assert _rows_by_key(db, member) == before


def test_field_of_exactly_the_limit_is_saved(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member8"]
    client.login("harbor.member8")
    response = client.submit(
        f"/members/{member.id}/wellness/toolbox", _toolbox_form(0, helps_me="z" * 4000)
    )
    assert response.status_code == 303
    row = _row(db, member, "toolbox")
    assert row is not None and len(row.content["helps_me"]) == 4000


def test_staff_suggestion_with_too_long_text_makes_no_proposal(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member3"]
    client.login("harbor.peer1")
    response = client.submit(
        f"/members/{member.id}/wellness/toolbox", _toolbox_form(1, quick_tools="q" * 5000)
    )
    assert response.status_code == 422
    assert _pending(db, member) == []


# ---- printing ---------------------------------------------------------------------------


def test_crisis_print_page_has_crisis_content_and_no_site_navigation(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    member = demo["harbor.member1"]
    db.add(
        SupporterEntry(
            member_id=member.id,
            name="Nadia Flores",
            relationship_label="neighbor",
            contact="555-0142",
            crisis_role="Checks on Biscuit and brings groceries",
            **new_item_fields(member, member),
        )
    )
    profile = db.scalar(select(MemberProfile).where(MemberProfile.member_id == member.id))
    if profile is None:
        profile = MemberProfile(member_id=member.id, **new_item_fields(member, member))
        db.add(profile)
    profile.preferred_name = "Jo"
    db.commit()
    client.login("harbor.peer1")
    page = client.get(f"/members/{member.id}/crisis/print")
    assert page.status_code == 200
    text = page.text.replace("&#39;", "'")
    assert "<h1>Crisis plan: Jo</h1>" in text  # the member's preferred name
    assert "Printed on" in text
    assert "Please avoid the hospital on Route 9" in text
    assert "How I'll know I'm through the crisis" in text
    assert "Nadia Flores" in text and "Checks on Biscuit and brings groceries" in text
    assert "use your browser's Print command" in text
    assert '<script src="/static/print-button.js" defer></script>' in page.text
    assert 'aria-label="Main"' not in page.text
    assert "site-header" not in page.text and "Sign out" not in page.text
    assert "<nav" not in page.text
    assert "Walking the harbor path" not in text  # the toolbox is not part of the crisis plan
    assert "<script>" not in page.text


def test_whole_plan_print_page_has_every_section_name_and_date(
    client: Browser, demo: dict[str, User]
) -> None:
    member = demo["riverbend.member1"]
    client.login("riverbend.member1")
    page = client.get(f"/members/{member.id}/wellness/print")
    assert page.status_code == 200
    text = page.text.replace("&#39;", "'")
    for section in SECTIONS.values():
        assert section.title in text
    assert "Kai" in text and "Printed on" in text
    assert "Woodworking in Dad's garage" in text
    assert "<nav" not in page.text and "Sign out" not in page.text
    assert "@media print" in client.get("/static/app.css").text


# ---- audit, snapshot, demo --------------------------------------------------------------


def test_reads_and_writes_are_audited(client: Browser, demo: dict[str, User], db: Session) -> None:
    member = demo["harbor.member1"]
    client.login("harbor.member1")
    client.get(f"/members/{member.id}/wellness")
    client.get(f"/members/{member.id}/crisis/print")
    client.submit(
        f"/members/{member.id}/wellness/triggers",
        {"version": "1", "triggers": "October", "trigger_plan": "Plan it with Lena"},
    )
    rows = _events(db, actor_username="harbor.member1", subject_member_id=member.id)
    actions = [(r.action, r.record_type) for r in rows]
    assert ("read:wellness_plan", "wellness_plan") in actions
    assert ("read:crisis_plan", "crisis_plan") in actions
    assert ("write:wellness_plan", "wellness_section") in actions
    assert all(r.allowed for r in rows)
    peer2 = _events(db, actor_username="harbor.peer2")
    client.login("harbor.peer2")
    client.get(f"/members/{member.id}/crisis/print")
    denied = _events(db, actor_username="harbor.peer2", allowed=False)
    assert len(denied) == len([e for e in peer2 if not e.allowed]) + 1
    assert denied[-1].action == "read:crisis_plan"


def test_snapshot_part_returns_every_written_section_by_key(
    demo: dict[str, User], db: Session
) -> None:
    common.ensure_registered()
    snapshot = common.SNAPSHOT_PARTS["wellness"](db, demo["harbor.member1"])
    assert list(snapshot) == list(SECTIONS)
    assert "Lena Reyes" in snapshot["crisis"]["supporters"]
    assert common.SNAPSHOT_PARTS["wellness"](db, demo["harbor.member8"]) == {}
    assert list(common.SNAPSHOT_PARTS["wellness"](db, demo["harbor.member3"])) == ["toolbox"]


def test_demo_plans_are_at_different_stages(demo: dict[str, User], db: Session) -> None:
    def count(username: str) -> int:
        return (
            db.scalar(
                select(func.count())
                .select_from(WellnessSection)
                .where(WellnessSection.member_id == demo[username].id)
            )
            or 0
        )

    for org in ("harbor", "riverbend"):
        assert count(f"{org}.member1") == len(SECTIONS)
        assert count(f"{org}.member8") == 0
        assert count(f"{org}.member3") == count(f"{org}.member5") == 1
        assert len({count(f"{org}.member{n}") for n in range(1, 9)}) >= 4
    [proposal] = _pending(db, demo["harbor.member1"])
    assert proposal.proposed_by_id == demo["harbor.peer1"].id
    assert proposal.payload["key"] == "toolbox"
    assert _pending(db, demo["riverbend.member1"]) == []


def test_staff_account_id_is_not_a_member_plan(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    peer = demo["harbor.peer1"]
    client.login("harbor.peer1")
    assert client.get(f"/members/{peer.id}/wellness").status_code == 404
    put = client.api(
        "PUT", f"/api/v1/members/{peer.id}/wellness/toolbox", json={"content": {"helps_me": "x"}}
    )
    assert put.status_code == 404
    db.expire_all()
    assert (
        db.scalar(
            select(func.count())
            .select_from(WellnessSection)
            .where(WellnessSection.member_id == peer.id)
        )
        == 0
    )
