"""Peer support groups: sessions from the weekly rule, attendance and who sees names, the
group note hidden from members and free of member fields, linking an attendee's individual
note, and bad input."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.base import utcnow
from peerpath.db.models import (
    GroupAttendance,
    GroupSession,
    GroupSessionNote,
    PeerGroup,
    SessionNote,
    User,
)
from peerpath.workspace.groups.service import recurring_dates
from tests.conftest import Browser


def _group(db: Session, demo: dict[str, User]) -> PeerGroup:
    group = db.scalar(select(PeerGroup).where(PeerGroup.facilitator_id == demo["harbor.peer2"].id))
    assert group is not None
    return group


def _attended(db: Session, member: User) -> GroupSession:
    session = db.scalar(
        select(GroupSession)
        .join(GroupAttendance, GroupAttendance.session_id == GroupSession.id)
        .where(GroupAttendance.member_id == member.id)
        .order_by(GroupSession.session_date.desc())
    )
    assert session is not None
    return session


def test_recurring_dates_fall_on_the_weekday() -> None:
    days = recurring_dates(3, date(2026, 3, 1), date(2026, 3, 31))  # Thursdays
    assert days == [date(2026, 3, d) for d in (5, 12, 19, 26)]
    assert recurring_dates(0, date(2026, 3, 3), date(2026, 3, 8)) == []


def test_create_group_and_generate_sessions_twice_adds_nothing(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    client.login("harbor.peer1")
    made = client.submit(
        "/groups",
        {
            "name": "Monday walking group",
            "weekday": "0",
            "start_time": "10:00",
            "duration_minutes": "60",
            "location": "Riverside path",
        },
    )
    assert made.status_code == 303
    group_id = int(made.headers["location"].rsplit("/", 1)[1])
    start = utcnow().date()
    end = start + timedelta(days=27)
    first = client.submit(
        f"/groups/{group_id}/sessions", {"start": start.isoformat(), "end": end.isoformat()}
    )
    assert first.status_code == 303
    sessions = list(db.scalars(select(GroupSession).where(GroupSession.group_id == group_id)))
    assert len(sessions) == 4 and all(s.session_date.weekday() == 0 for s in sessions)
    client.submit(
        f"/groups/{group_id}/sessions", {"start": start.isoformat(), "end": end.isoformat()}
    )
    assert len(list(db.scalars(select(GroupSession).where(GroupSession.group_id == group_id)))) == 4
    one = client.api(
        "POST",
        f"/api/v1/groups/{group_id}/sessions",
        json={"on": (end + timedelta(days=2)).isoformat()},
    )
    assert one.status_code == 201 and len(one.json()) == 1
    bad = client.submit(
        f"/groups/{group_id}/sessions", {"start": end.isoformat(), "end": start.isoformat()}
    )
    assert bad.status_code == 422 and "comes before" in bad.text
    # Only the facilitator adds sessions.
    client.post("/logout")
    client.login("harbor.peer2")
    assert (
        client.submit(f"/groups/{group_id}/sessions", {"on": start.isoformat()}).status_code == 404
    )


def test_group_form_bad_input(client: Browser, demo: dict[str, User]) -> None:
    client.login("harbor.peer1")
    page = client.submit("/groups", {"name": "", "start_time": "nope", "duration_minutes": "x"})
    assert page.status_code == 422
    assert "Name: please fill this in." in page.text
    member = client.api("POST", "/api/v1/groups", json={})
    assert member.status_code == 422
    client.post("/logout")
    client.login("harbor.member1")
    assert client.submit("/groups", {"name": "Mine"}).status_code == 403


def test_names_shown_only_to_facilitator_and_the_members_own_staff(
    make_client, demo: dict[str, User], db: Session
) -> None:
    session = _attended(db, demo["harbor.member1"])
    m1, m5 = demo["harbor.member1"].display_name, demo["harbor.member5"].display_name
    facilitator, peer1, supervisor = make_client(), make_client(), make_client()
    facilitator.login("harbor.peer2")
    peer1.login("harbor.peer1")
    supervisor.login("harbor.supervisor")
    page = facilitator.get(f"/group-sessions/{session.id}").text
    assert m1 in page and m5 in page
    mine = peer1.get(f"/group-sessions/{session.id}").text
    assert m1 in mine and m5 not in mine and "1 person from other caseloads" in mine
    api = peer1.get(f"/api/v1/group-sessions/{session.id}").json()
    assert [a["name"] for a in api["attendees"]] == [m1] and api["others_present"] == 1
    # The supervisor supervises both peer specialists, so may read both members' notes.
    assert m5 in supervisor.get(f"/group-sessions/{session.id}").text


def test_member_sees_own_attendance_not_the_group_note_or_others(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    session = _attended(db, demo["harbor.member1"])
    group = _group(db, demo)
    client.login("harbor.member1")
    assert group.name in client.get("/groups").text
    page = client.get(f"/groups/{group.id}").text
    assert "you were there" in page
    assert demo["harbor.member5"].display_name not in page
    api = client.get(f"/api/v1/group-sessions/{session.id}").json()
    assert api["group_note"] is None and api["attendees"] == [] and api["others_present"] == 0
    session_page = client.get(f"/group-sessions/{session.id}").text
    assert "You were there." in session_page
    assert session.group_note[:30] not in session_page  # the group note is for staff
    assert demo["harbor.member5"].display_name not in session_page
    client.post("/logout")
    client.login("harbor.member2")  # not on the list
    assert client.get(f"/groups/{group.id}").status_code == 404
    assert group.name not in client.get("/groups").text


def test_attendance_only_from_the_list_and_group_note_has_no_member_fields(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    session = _attended(db, demo["harbor.member1"])
    client.login("harbor.peer2")
    wrong = client.api(
        "PUT",
        f"/api/v1/group-sessions/{session.id}/attendance",
        json={"present": [demo["harbor.member2"].id]},
    )
    assert wrong.status_code == 422
    ok = client.api(
        "PUT",
        f"/api/v1/group-sessions/{session.id}/attendance",
        json={"present": [demo["harbor.member5"].id]},
    )
    assert ok.status_code == 200
    assert [a["name"] for a in ok.json()["attendees"] if a["present"]] == [
        demo["harbor.member5"].display_name
    ]
    form = client.get(f"/group-sessions/{session.id}").text
    assert "Do not name anyone" in form
    saved = client.api(
        "PUT",
        f"/api/v1/group-sessions/{session.id}/note",
        json={"text": "Topic: budgeting for the holidays.", "version": session.version},
    )
    assert saved.status_code == 200 and saved.json()["group_note"].startswith("Topic")
    stale = client.api(
        "PUT",
        f"/api/v1/group-sessions/{session.id}/note",
        json={"text": "Overwrite", "version": session.version},
    )
    assert stale.status_code == 409
    assert set(GroupSession.__table__.columns.keys()).isdisjoint({"member_id"})
    client.post("/logout")
    client.login("harbor.peer1")  # not the facilitator
    denied = client.api(
        "PUT", f"/api/v1/group-sessions/{session.id}/note", json={"text": "x", "version": 9}
    )
    assert denied.status_code == 404


def test_link_individual_note_to_group_session(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    session = _attended(db, demo["harbor.member1"])
    client.login("harbor.peer1")
    page = client.get(f"/group-sessions/{session.id}").text
    assert f"/members/{demo['harbor.member1'].id}/notes/new?modality=group" in page
    made = client.api(
        "POST",
        f"/api/v1/members/{demo['harbor.member1'].id}/notes",
        json={
            "contact_date": session.session_date.isoformat(),
            "modality": "group",
            "purpose": "Follow-up after the circle.",
        },
    )
    assert made.status_code == 201, made.text
    note_id = made.json()["id"]
    assert f'value="{note_id}"' in client.get(f"/group-sessions/{session.id}").text
    linked = client.submit(f"/group-sessions/{session.id}/notes", {"session_note_id": str(note_id)})
    assert linked.status_code == 303
    assert (
        db.scalar(
            select(GroupSessionNote.group_session_id).where(
                GroupSessionNote.session_note_id == note_id
            )
        )
        == session.id
    )
    # A note about someone who was not there, or not a group note, is refused.
    other = db.scalar(
        select(SessionNote.id).where(
            SessionNote.member_id == demo["harbor.member2"].id,
            SessionNote.author_id == demo["harbor.peer1"].id,
        )
    )
    if other is not None:
        refused = client.api(
            "POST", f"/api/v1/group-sessions/{session.id}/notes", json={"session_note_id": other}
        )
        assert refused.status_code == 422
    # peer2 may not link peer1's note about member1 (no notes grant for member1).
    client.post("/logout")
    client.login("harbor.peer2")
    assert (
        client.api(
            "POST", f"/api/v1/group-sessions/{session.id}/notes", json={"session_note_id": note_id}
        ).status_code
        == 404
    )


def test_individual_note_started_from_a_group_session_is_prefilled_and_linked(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    session = _attended(db, demo["harbor.member1"])
    member_id = demo["harbor.member1"].id
    day = session.session_date.isoformat()
    client.login("harbor.peer1")
    form = client.get(
        f"/members/{member_id}/notes/new?modality=group&contact_date={day}"
        f"&group_session_id={session.id}"
    ).text
    assert f'name="group_session_id" value="{session.id}"' in form
    assert f'value="{day}"' in form
    saved = client.submit(
        f"/members/{member_id}/notes",
        {
            "contact_date": day,
            "modality": "group",
            "purpose": "Talked about what the circle stirred up.",
            "group_session_id": str(session.id),
        },
    )
    assert saved.status_code == 303, saved.text[:500]
    note_id = db.scalar(
        select(SessionNote.id).where(
            SessionNote.member_id == member_id, SessionNote.purpose.like("Talked about what%")
        )
    )
    assert note_id is not None
    linked = db.scalar(
        select(GroupSessionNote.group_session_id).where(GroupSessionNote.session_note_id == note_id)
    )
    assert linked == session.id
    assert "It refers to the group session." in client.get(saved.headers["location"]).text
