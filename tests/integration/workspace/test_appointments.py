"""Appointments: who sees which, member requests and cancels, the peer specialist schedules,
confirms and marks done, iCalendar export parsed back, the caseload's next-appointment
lookup, and bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.base import utcnow
from peerpath.db.models import Appointment, AppointmentStatus, AuditEvent, User
from peerpath.workspace.appointments.service import next_appointments
from tests.conftest import Browser


def _appointments(db: Session, member: User) -> list[Appointment]:
    return list(
        db.scalars(
            select(Appointment).where(Appointment.member_id == member.id).order_by(Appointment.id)
        )
    )


def _scheduled(db: Session, member: User) -> Appointment:
    return next(a for a in _appointments(db, member) if a.status == AppointmentStatus.SCHEDULED)


def _future_form(days: int = 5, **extra: str) -> dict[str, str]:
    day = (utcnow() + timedelta(days=days)).date().isoformat()
    return {"day": day, "at": "14:30", "minutes": "60", "modality": "phone", **extra}


def test_member_sees_own_appointments_only(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    client.login("harbor.member1")
    page = client.get("/appointments")
    assert page.status_code == 200
    assert "Look at the job board together" in page.text
    assert "first week back at the community college" not in page.text  # member2's
    theirs = _scheduled(db, demo["harbor.member2"])
    assert client.get(f"/appointments/{theirs.id}").status_code == 404
    assert client.get(f"/api/v1/appointments/{theirs.id}").status_code == 404
    listed = client.get("/api/v1/appointments").json()
    assert {a["member_id"] for a in listed} == {demo["harbor.member1"].id}


def test_peer_sees_caseload_appointments_others_do_not(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    client.login("harbor.peer1")
    listed = client.get("/api/v1/appointments").json()
    names = {a["member_name"] for a in listed}
    assert demo["harbor.member1"].display_name in names
    assert demo["harbor.member2"].display_name in names
    client.post("/logout")
    client.login("harbor.peer2")
    appt = _scheduled(db, demo["harbor.member1"])
    assert client.get(f"/appointments/{appt.id}").status_code == 404
    assert client.get("/api/v1/appointments").json() == []
    client.post("/logout")
    for outsider in ("harbor.admin", "harbor.supporter1", "riverbend.peer1"):
        client.login(outsider)
        assert client.get(f"/api/v1/appointments/{appt.id}").status_code == 404
        client.post("/logout")


def test_member_requests_peer_confirms_member_cancels(
    make_client, demo: dict[str, User], db: Session
) -> None:
    member, peer = make_client(), make_client()
    member.login("harbor.member1")
    peer.login("harbor.peer1")
    sent = member.submit("/appointments", _future_form(purpose="Talk about the bus pass."))
    assert sent.status_code == 303
    appt_id = int(sent.headers["location"].rsplit("/", 1)[1])
    row = db.get(Appointment, appt_id)
    assert row is not None and row.status == AppointmentStatus.REQUESTED
    assert row.peer_specialist_id == demo["harbor.peer1"].id
    # The member cannot confirm their own request.
    assert member.submit(f"/appointments/{appt_id}/confirm").status_code == 404
    assert peer.submit(f"/appointments/{appt_id}/confirm").status_code == 303
    assert peer.get(f"/api/v1/appointments/{appt_id}").json()["status"] == "scheduled"
    # Cancelling asks first, then cancels.
    question = member.get(f"/appointments/{appt_id}/cancel")
    assert question.status_code == 200 and "Yes, cancel it" in question.text
    assert member.submit(f"/appointments/{appt_id}/cancel").status_code == 303
    assert member.get(f"/api/v1/appointments/{appt_id}").json()["status"] == "cancelled"
    assert peer.submit(f"/appointments/{appt_id}/done").status_code == 409


def test_peer_schedules_for_caseload_member_only(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    client.login("harbor.peer1")
    starts = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    made = client.api(
        "POST",
        "/api/v1/appointments",
        json={
            "member_id": demo["harbor.member1"].id,
            "starts_at": starts.isoformat(),
            "minutes": 45,
            "purpose": "Practice for the interview.",
        },
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["status"] == "scheduled"
    assert datetime.fromisoformat(body["starts_at"]) == starts
    # member5 is on peer2's caseload: not peer1's to schedule.
    other = client.api(
        "POST",
        "/api/v1/appointments",
        json={"member_id": demo["harbor.member5"].id, "starts_at": starts.isoformat()},
    )
    assert other.status_code == 404


def test_bad_input_is_refused_with_field_errors(client: Browser, demo: dict[str, User]) -> None:
    client.login("harbor.member1")
    page = client.submit("/appointments", {"day": "2026-02-31", "at": "25:99", "minutes": "9"})
    assert page.status_code == 422
    assert "please enter a date" in page.text and "please enter a time" in page.text
    past = client.submit("/appointments", _future_form(days=-3))
    assert past.status_code == 422 and "has not passed yet" in past.text
    api = client.api(
        "POST",
        "/api/v1/appointments",
        json={"starts_at": "2030-01-01T10:00:00", "minutes": 5},  # naive, too short
    )
    assert api.status_code == 422
    assert set(api.json()["errors"]) >= {"starts_at", "minutes"}
    assert client.get("/appointments/99999999999").status_code in (400, 404, 422)


def test_single_ics_parses_back_with_stable_uid_and_utc_times(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    appt = _scheduled(db, demo["harbor.member1"])
    client.login("harbor.member1")
    first = client.get(f"/appointments/{appt.id}/event.ics")
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(first.content)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert str(event["uid"]) == f"appointment-{appt.id}@harbor.peerpath"
    start = event.decoded("dtstart")
    assert start.utcoffset() == timedelta(0)
    assert start == appt.starts_at.astimezone(UTC)
    assert event.decoded("dtend") == appt.ends_at.astimezone(UTC)
    assert "Look at the job board" in str(event["description"])
    assert str(event["status"]) == "CONFIRMED"
    peer_name = demo["harbor.peer1"].display_name
    assert peer_name in str(event["summary"])
    # The same UID again (a calendar app updates instead of duplicating), and from the peer's
    # side the summary names the member instead.
    again = Calendar.from_ical(client.get(f"/appointments/{appt.id}/event.ics").content)
    assert str(next(iter(again.walk("VEVENT")))["uid"]) == str(event["uid"])
    client.post("/logout")
    client.login("harbor.peer1")
    theirs = Calendar.from_ical(client.get(f"/appointments/{appt.id}/event.ics").content)
    peer_event = next(iter(theirs.walk("VEVENT")))
    assert str(peer_event["uid"]) == str(event["uid"])
    assert demo["harbor.member1"].display_name in str(peer_event["summary"])


def test_my_calendar_holds_only_what_the_viewer_may_see(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    client.login("harbor.member1")
    cal = Calendar.from_ical(client.get("/appointments.ics").content)
    uids = {str(e["uid"]) for e in cal.walk("VEVENT")}
    mine = {
        f"appointment-{a.id}@harbor.peerpath" for a in _appointments(db, demo["harbor.member1"])
    }
    assert uids == mine
    text = client.get("/appointments.ics").text
    assert "community college" not in text  # member2's purpose
    # Cancelling bumps SEQUENCE and marks the event cancelled.
    appt = _scheduled(db, demo["harbor.member1"])
    client.submit(f"/appointments/{appt.id}/cancel")
    event = next(
        iter(
            Calendar.from_ical(client.get(f"/appointments/{appt.id}/event.ics").content).walk(
                "VEVENT"
            )
        )
    )
    assert str(event["status"]) == "CANCELLED" and int(event["sequence"]) == 1


def test_next_appointments_one_query_per_member(db: Session, demo: dict[str, User]) -> None:
    member1, member2, member3 = (demo[f"harbor.member{n}"] for n in (1, 2, 3))
    found = next_appointments(db, [member1.id, member2.id, member3.id])
    assert set(found) == {member1.id, member2.id}
    assert found[member1.id].purpose.startswith("Look at the job board")
    assert all(a.status == AppointmentStatus.SCHEDULED for a in found.values())
    assert next_appointments(db, []) == {}


def test_viewing_is_audited(client: Browser, demo: dict[str, User], db: Session) -> None:
    appt = _scheduled(db, demo["harbor.member1"])
    client.login("harbor.peer1")
    client.get(f"/appointments/{appt.id}")
    row = db.scalar(
        select(AuditEvent)
        .where(AuditEvent.record_type == "appointment", AuditEvent.record_id == str(appt.id))
        .order_by(AuditEvent.id.desc())
    )
    assert row is not None and row.allowed and row.subject_member_id == demo["harbor.member1"].id
