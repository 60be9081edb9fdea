"""Session notes: drafts, signing and locking, addenda, the supervision round trip, member
comments, billing never shown to members, the billing export, outreach and the caseload."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from peerpath.core.audit import Viewer
from peerpath.db.base import utcnow
from peerpath.db.models import (
    CaseloadAssignment,
    Goal,
    NoteStatus,
    Objective,
    Role,
    SessionNote,
    User,
)
from peerpath.home import service as home
from tests.conftest import Browser


def _objective(db: Session, member: User) -> int:
    objective_id = db.scalar(
        select(Objective.id)
        .join(Goal, Goal.id == Objective.goal_id)
        .where(Goal.member_id == member.id)
        .order_by(Objective.id)
    )
    assert objective_id is not None
    return objective_id


def _complete(db: Session, member: User, **extra: Any) -> dict[str, Any]:
    day = (utcnow() - timedelta(days=1)).date().isoformat()
    return {
        "contact_date": day,
        "start_time": "10:00",
        "end_time": "10:23",
        "modality": "in_person",
        "objective_ids": [_objective(db, member)],
        "purpose": "Talk through the week.",
        "intervention": "Shared a story about my own first month back at work.",
        "member_response": "“I feel less alone with it.”",
        "billable": True,
        **extra,
    }


def _new_note(client: Browser, db: Session, member: User, **extra: Any) -> dict[str, Any]:
    response = client.api(
        "POST", f"/api/v1/members/{member.id}/notes", json=_complete(db, member, **extra)
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_signed_note_is_locked_and_corrected_only_by_dated_addenda(
    client: Browser, db: Session, demo: dict[str, User]
) -> None:
    member = demo["harbor.member1"]
    client.login("harbor.peer1")
    note = _new_note(client, db, member)
    assert note["status"] == "draft"
    assert note["billing"]["units"] == 2  # 23 minutes: 15 + 8
    patched = client.api(
        "PATCH",
        f"/api/v1/notes/{note['id']}",
        json={"version": note["version"], "next_steps": "Meet at the garden on Friday."},
    )
    assert patched.status_code == 200
    stale = client.api(
        "PATCH", f"/api/v1/notes/{note['id']}", json={"version": note["version"], "purpose": "x"}
    )
    assert stale.status_code == 409
    signed = client.api("POST", f"/api/v1/notes/{note['id']}/sign", json={}).json()
    assert signed["status"] == "pending_review"  # billable notes need review by default
    assert signed["signed_at"]
    locked = client.api(
        "PATCH",
        f"/api/v1/notes/{note['id']}",
        json={"version": signed["version"], "purpose": "Changed after signing"},
    )
    assert locked.status_code == 409
    assert "addendum" in locked.json()["detail"]
    added = client.api(
        "POST", f"/api/v1/notes/{note['id']}/addenda", json={"text": "It was 10:05, not 10:00."}
    )
    assert added.status_code == 201
    after = client.api("GET", f"/api/v1/notes/{note['id']}").json()
    assert after["purpose"] == "Talk through the week."
    assert [a["text"] for a in after["addenda"]] == ["It was 10:05, not 10:00."]
    page = client.get(f"/notes/{note['id']}").text
    assert page.index("Talk through the week.") < page.index("It was 10:05, not 10:00.")


def test_signing_needs_a_complete_note_and_an_objective_when_billable(
    client: Browser, db: Session, demo: dict[str, User]
) -> None:
    member = demo["harbor.member1"]
    client.login("harbor.peer1")
    note = _new_note(client, db, member, objective_ids=[], member_response="")
    response = client.api("POST", f"/api/v1/notes/{note['id']}/sign", json={})
    assert response.status_code == 422
    assert set(response.json()["errors"]) >= {"objective_ids", "member_response"}
    assert client.api("GET", f"/api/v1/notes/{note['id']}").json()["status"] == "draft"


def test_supervision_round_trip_return_revise_resign_approve(
    make_client: Any, db: Session, demo: dict[str, User]
) -> None:
    member = demo["harbor.member1"]
    peer, supervisor = make_client(), make_client()
    peer.login("harbor.peer1")
    supervisor.login("harbor.supervisor")
    note = _new_note(peer, db, member)
    peer.api("POST", f"/api/v1/notes/{note['id']}/sign", json={})
    queue = supervisor.api("GET", "/api/v1/supervision/queue").json()
    assert note["id"] in [item["id"] for item in queue]
    # Only the supervisor reviews: the author cannot approve their own note.
    assert peer.api("POST", f"/api/v1/notes/{note['id']}/approve", json={}).status_code == 404
    returned = supervisor.submit(
        f"/notes/{note['id']}/return", {"comment": "Please add what Jordan said about Friday."}
    )
    assert returned.status_code == 303
    assert "Please add what Jordan said" in peer.get("/notes").text
    assert "note returned to you" in peer.get("/caseload").text
    current = peer.api("GET", f"/api/v1/notes/{note['id']}").json()
    assert current["status"] == "returned"
    revised = peer.api(
        "PATCH",
        f"/api/v1/notes/{note['id']}",
        json={"version": current["version"], "member_response": "“Friday feels doable.”"},
    )
    assert revised.status_code == 200
    resigned = peer.api("POST", f"/api/v1/notes/{note['id']}/sign", json={}).json()
    assert resigned["status"] == "pending_review"
    approved = supervisor.api("POST", f"/api/v1/notes/{note['id']}/approve", json={})
    assert approved.json()["status"] == "approved"
    assert [r["decision"] for r in approved.json()["reviews"]] == ["returned", "approved"]
    again = supervisor.api("POST", f"/api/v1/notes/{note['id']}/approve", json={})
    assert again.status_code == 409
    assert note["id"] not in [
        i["id"] for i in supervisor.api("GET", "/api/v1/supervision/queue").json()
    ]


def test_no_review_needed_when_the_organization_says_none(
    client: Browser, db: Session, demo: dict[str, User]
) -> None:
    member = demo["harbor.member1"]
    organization = member.organization
    organization.settings = {**(organization.settings or {}), "notes_needing_review": "none"}
    db.commit()
    client.login("harbor.peer1")
    note = _new_note(client, db, member)
    signed = client.api("POST", f"/api/v1/notes/{note['id']}/sign", json={}).json()
    assert signed["status"] == "signed"


def test_member_reads_notes_and_comments_but_never_sees_billing(
    make_client: Any, db: Session, demo: dict[str, User]
) -> None:
    member = demo["harbor.member1"]
    peer, me, other = make_client(), make_client(), make_client()
    peer.login("harbor.peer1")
    note = _new_note(peer, db, member)
    draft_id = note["id"]
    me.login("harbor.member1")
    # A draft is the author's working copy: the member sees it once it is signed.
    assert me.get(f"/notes/{draft_id}").status_code == 404
    peer.api("POST", f"/api/v1/notes/{draft_id}/sign", json={})
    for path in ("/my-notes", f"/notes/{draft_id}", f"/members/{member.id}/notes"):
        page = me.get(path)
        assert page.status_code == 200, path
        assert "Talk through the week." in page.text or path != f"/notes/{draft_id}"
        for word in (r"H0038", r"\bunits?\b", r"(?i)\bbillable\b", r"(?i)\bbilling\b"):
            assert not re.search(word, page.text), (path, word)
    api = me.api("GET", f"/api/v1/notes/{draft_id}").json()
    assert api["billing"] is None and api["billable"] is None
    assert "H0038" not in str(me.api("GET", f"/api/v1/members/{member.id}/notes").json())
    commented = me.submit(f"/notes/{draft_id}/comments", {"text": "I'd add: I chose the garden."})
    assert commented.status_code == 303
    assert "I chose the garden." in peer.get(f"/notes/{draft_id}").text
    # Nobody else comments on member1's notes.
    other.login("harbor.member2")
    assert (
        other.api("POST", f"/api/v1/notes/{draft_id}/comments", json={"text": "hi"}).status_code
        == 404
    )
    assert (
        peer.api("POST", f"/api/v1/notes/{draft_id}/comments", json={"text": "hi"}).status_code
        == 404
    )


def test_members_do_not_read_notes_when_the_organization_turns_it_off(
    client: Browser, db: Session, demo: dict[str, User]
) -> None:
    member = demo["harbor.member1"]
    member.organization.settings = {
        **(member.organization.settings or {}),
        "member_reads_notes": False,
    }
    db.commit()
    client.login("harbor.member1")
    assert client.get("/my-notes").status_code == 404


def test_daily_cap_warning_and_export_bills_only_up_to_the_cap(
    make_client: Any, db: Session, demo: dict[str, User]
) -> None:
    member = demo["harbor.member1"]
    organization = member.organization
    organization.settings = {
        **(organization.settings or {}),
        "notes_needing_review": "none",
        "billing_rules": [
            {
                "service_code": "H0038",
                "unit_minutes": 15,
                "minimum_minutes": 8,
                "daily_cap_units": 4,
            }
        ],
    }
    member.display_name = '=HYPERLINK("http://example.com")'
    db.commit()
    peer, admin = make_client(), make_client()
    peer.login("harbor.peer1")
    first = _new_note(peer, db, member, start_time="09:00", end_time="09:45")  # 3 units
    peer.api("POST", f"/api/v1/notes/{first['id']}/sign", json={})
    second = _new_note(peer, db, member, start_time="13:00", end_time="13:30")  # 2 units
    signed = peer.api("POST", f"/api/v1/notes/{second['id']}/sign", json={}).json()
    assert signed["billing"]["day_units"] == 5
    assert "daily cap of 4" in signed["billing"]["warning"]
    flash = peer.submit(f"/notes/{second['id']}/sign", {})  # already signed: 409, no change
    assert flash.status_code == 409
    day = first["contact_date"]
    admin.login("harbor.admin")
    response = admin.get("/admin/billing/export.csv", params={"start": day, "end": day})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    ours = [r for r in rows if r["note_id"] in (str(first["id"]), str(second["id"]))]
    assert [(r["units"], r["units_billed"], r["units_over_cap"]) for r in ours] == [
        ("3", "3", "0"),
        ("2", "1", "1"),
    ]
    assert all(r["member"].startswith("'=") for r in ours)
    assert "Talk through the week." not in response.text  # no note text in the export
    page = admin.get("/admin/billing", params={"start": day, "end": day})
    assert page.status_code == 200 and "over the cap" in page.text
    bad = admin.get("/admin/billing/export.csv", params={"start": day, "end": "2000-01-01"})
    assert bad.status_code in (400, 422)


def test_draft_form_works_without_javascript_and_autosaves_with_it(
    client: Browser, db: Session, demo: dict[str, User]
) -> None:
    member = demo["harbor.member1"]
    client.login("harbor.peer1")
    form = client.get(f"/members/{member.id}/notes/new").text
    assert 'hx-post="/notes/autosave"' in form and 'aria-live="polite"' in form
    saved = client.submit(
        f"/members/{member.id}/notes",
        {"contact_date": utcnow().date().isoformat(), "purpose": "First try", "modality": "phone"},
    )
    assert saved.status_code == 303
    note_id = int(saved.headers["location"].split("/")[2])
    auto = client.submit(
        "/notes/autosave",
        {
            "member_id": str(member.id),
            "note_id": str(note_id),
            "version": "1",
            "contact_date": utcnow().date().isoformat(),
            "purpose": "Typed a little more",
            "modality": "phone",
        },
        headers={"hx-request": "true"},
    )
    assert auto.status_code == 200 and "Draft saved at" in auto.text
    assert 'name="version" value="2"' in auto.text
    stale = client.submit(
        "/notes/autosave",
        {"member_id": str(member.id), "note_id": str(note_id), "version": "1", "purpose": "x"},
    )
    assert stale.status_code == 409 and "Reload" in stale.text
    fresh = client.submit(
        "/notes/autosave",
        {"member_id": str(member.id), "note_id": "", "version": "", "purpose": "New one"},
    )
    assert fresh.status_code == 200 and 'name="note_id" value="' in fresh.text
    bad = client.submit(
        f"/notes/{note_id}/edit",
        {"version": "2", "contact_date": "2026-13-45", "purpose": "kept"},
    )
    assert bad.status_code == 422 and "please enter a date" in bad.text
    assert db.get(SessionNote, note_id).purpose == "Typed a little more"  # type: ignore[union-attr]


def test_outreach_choice_and_caseload_prompt(
    make_client: Any, db: Session, demo: dict[str, User]
) -> None:
    member = demo["harbor.member2"]
    me, peer = make_client(), make_client()
    me.login("harbor.member2")
    assert (
        me.submit(
            f"/members/{member.id}/outreach", {"wants_outreach": "yes", "days": "3"}
        ).status_code
        == 303
    )
    peer.login("harbor.peer1")
    assert peer.api("GET", f"/api/v1/members/{member.id}/outreach").json() == {
        "member_id": member.id,
        "wants_outreach": True,
        "days": 3,
    }
    page = peer.get("/caseload").text
    # member2's last contact (demo) was 5 days ago: outreach due, listed first.
    assert "Reach out" in page
    assert page.index("Priya Nair") < page.index("Jordan Reyes")
    assert (
        peer.api(
            "PUT",
            f"/api/v1/members/{member.id}/outreach",
            json={"wants_outreach": False, "days": 3},
        ).status_code
        == 200
    )
    assert "Reach out" not in peer.get("/caseload").text
    assert (
        me.submit(
            f"/members/{member.id}/outreach", {"wants_outreach": "yes", "days": "0"}
        ).status_code
        == 422
    )


def test_caseload_takes_the_same_number_of_queries_for_any_caseload_size(
    db: Session, demo: dict[str, User]
) -> None:
    peer = demo["harbor.peer1"]
    viewer = Viewer(peer)

    def statements() -> tuple[int, int]:
        seen: list[str] = []
        engine = db.get_bind()

        def count(*args: Any) -> None:
            if str(args[2]).lstrip().upper().startswith("SELECT"):
                seen.append(str(args[2]))

        event.listen(engine, "before_cursor_execute", count)
        try:
            rows = home.caseload(db, viewer)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen), len(rows)

    before, size = statements()
    for n in range(12):
        extra = User(
            organization_id=peer.organization_id,
            username=f"harbor.extra{n}",
            display_name=f"Extra Member {n}",
            role=Role.MEMBER,
            password_hash="x",
        )
        db.add(extra)
        db.flush()
        db.add(
            CaseloadAssignment(
                organization_id=peer.organization_id, member_id=extra.id, peer_specialist_id=peer.id
            )
        )
        db.add(
            SessionNote(
                organization_id=peer.organization_id,
                member_id=extra.id,
                author_id=peer.id,
                contact_date=utcnow().date(),
                status=NoteStatus.SIGNED,
            )
        )
    db.flush()
    after, bigger = statements()
    assert bigger == size + 12
    assert after == before


def test_caseload_shows_last_contact_next_appointment_and_open_steps(
    client: Browser, db: Session, demo: dict[str, User]
) -> None:
    from peerpath.db.models.workspace_groups import Appointment

    member, peer = demo["harbor.member1"], demo["harbor.peer1"]
    # Sooner than any demo appointment, so it is the next one.
    starts = (utcnow() + timedelta(minutes=20)).replace(second=0, microsecond=0)
    db.add(
        Appointment(
            organization_id=member.organization_id,
            member_id=member.id,
            peer_specialist_id=peer.id,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=45),
        )
    )
    db.commit()
    rows = {r.member.id: r for r in home.caseload(db, Viewer(peer))}
    row = rows[member.id]
    assert row.next_appointment == starts
    assert row.last_contact == (utcnow() - timedelta(days=3)).date()  # demo: the phone call
    assert row.open_steps > 0
    client.login("harbor.peer1")
    page = client.get("/caseload").text
    assert starts.strftime("%d %b %Y, %H:%M") in page


def test_admin_sets_which_notes_need_review_and_the_billing_rules(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("harbor.admin")
    page = client.get("/admin/billing")
    assert page.status_code == 200 and "H0038" in page.text
    assert (
        client.submit("/admin/billing/review", {"notes_needing_review": "all"}).status_code == 303
    )
    assert client.submit("/admin/billing/review", {"notes_needing_review": "x"}).status_code == 422
    rules = [
        {"service_code": "H0038", "unit_minutes": 15, "minimum_minutes": 8, "daily_cap_units": 8},
        {
            "service_code": "H0038-HQ",
            "unit_minutes": 15,
            "minimum_minutes": 8,
            "modalities": ["group"],
        },
    ]
    saved = client.api("PUT", "/api/v1/admin/billing/settings", json={"billing_rules": rules})
    assert saved.status_code == 200
    body = client.api("GET", "/api/v1/admin/billing/settings").json()
    assert body["notes_needing_review"] == "all"
    assert [r["service_code"] for r in body["billing_rules"]] == ["H0038", "H0038-HQ"]
    bad = client.api(
        "PUT", "/api/v1/admin/billing/settings", json={"billing_rules": [{"unit_minutes": 0}]}
    )
    assert bad.status_code == 422
