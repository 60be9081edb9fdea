"""Access rules for peer support groups, appointments and note search.

Demo data: harbor's "Thursday evening wellness circle" is facilitated by peer2, with member1
(peer1's caseload) and member5 on its list; member1 has appointments with peer1.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.models import (
    Appointment,
    AppointmentStatus,
    GroupAttendance,
    GroupSession,
    PeerGroup,
    User,
)
from tests.integration.access_rules import IdLookup, Rule, only, role

HARBOR_STAFF = only("harbor.peer1", "harbor.peer2", "harbor.supervisor")
GROUP_VIEWERS = only("harbor.peer1", "harbor.peer2", "harbor.supervisor", "harbor.member1")
FACILITATOR = only("harbor.peer2")
HARBOR_PEERS = only("harbor.peer1", "harbor.peer2")
# member1's appointment with peer1: the two of them, and peer1's supervisor reads it.
APPOINTMENT_READERS = only("harbor.member1", "harbor.peer1", "harbor.supervisor")
APPOINTMENT_PARTIES = only("harbor.member1", "harbor.peer1")
PEER1 = only("harbor.peer1")
SEARCHERS = role("peer", "supervisor", "member")

RULES: dict[tuple[str, str], Rule] = {
    # groups
    ("GET", "/groups"): role("peer", "supervisor", "member"),
    ("POST", "/groups"): role("peer", "supervisor"),  # empty form: 422
    ("GET", "/groups/{group_id}"): GROUP_VIEWERS,
    ("POST", "/groups/{group_id}/sessions"): FACILITATOR,  # empty form: 422
    ("POST", "/groups/{group_id}/roster"): HARBOR_PEERS,  # empty form: 422
    ("GET", "/group-sessions/{session_id}"): GROUP_VIEWERS,
    ("POST", "/group-sessions/{session_id}/attendance"): FACILITATOR,  # nobody present: saved
    ("POST", "/group-sessions/{session_id}/note"): FACILITATOR,  # no version: 422
    ("POST", "/group-sessions/{session_id}/notes"): HARBOR_PEERS,  # no note: 422
    ("GET", "/api/v1/groups"): role("peer", "supervisor", "member"),
    ("POST", "/api/v1/groups"): role("peer", "supervisor"),
    ("GET", "/api/v1/groups/{group_id}"): GROUP_VIEWERS,
    ("GET", "/api/v1/groups/{group_id}/sessions"): GROUP_VIEWERS,
    ("POST", "/api/v1/groups/{group_id}/sessions"): FACILITATOR,
    ("POST", "/api/v1/groups/{group_id}/roster"): HARBOR_PEERS,
    ("GET", "/api/v1/group-sessions/{session_id}"): GROUP_VIEWERS,
    ("PUT", "/api/v1/group-sessions/{session_id}/attendance"): FACILITATOR,
    ("PUT", "/api/v1/group-sessions/{session_id}/note"): FACILITATOR,
    ("POST", "/api/v1/group-sessions/{session_id}/notes"): HARBOR_PEERS,
    # appointments
    ("GET", "/appointments"): role("member", "peer"),
    ("POST", "/appointments"): role("member", "peer"),  # empty form: 422
    ("GET", "/appointments.ics"): role("member", "peer"),
    ("GET", "/appointments/{appointment_id}"): APPOINTMENT_READERS,
    ("GET", "/appointments/{appointment_id}/event.ics"): APPOINTMENT_READERS,
    ("GET", "/appointments/{appointment_id}/cancel"): APPOINTMENT_PARTIES,
    ("POST", "/appointments/{appointment_id}/cancel"): APPOINTMENT_PARTIES,
    ("POST", "/appointments/{appointment_id}/confirm"): PEER1,  # scheduled already: 409
    ("POST", "/appointments/{appointment_id}/done"): PEER1,
    ("GET", "/api/v1/appointments"): role("member", "peer"),
    ("POST", "/api/v1/appointments"): role("member", "peer"),
    ("GET", "/api/v1/appointments/{appointment_id}"): APPOINTMENT_READERS,
    ("POST", "/api/v1/appointments/{appointment_id}/cancel"): APPOINTMENT_PARTIES,
    ("POST", "/api/v1/appointments/{appointment_id}/confirm"): PEER1,
    ("POST", "/api/v1/appointments/{appointment_id}/done"): PEER1,
    # search
    ("GET", "/notes/search"): SEARCHERS,
    ("GET", "/api/v1/notes/search"): SEARCHERS,
}


def _group(db: Session, demo: dict[str, User]) -> object:
    return db.scalar(
        select(PeerGroup.id).where(PeerGroup.facilitator_id == demo["harbor.peer2"].id).limit(1)
    )


def _session(db: Session, demo: dict[str, User]) -> object:
    """A past session of the demo group that member1 attended."""
    return db.scalar(
        select(GroupSession.id)
        .join(GroupAttendance, GroupAttendance.session_id == GroupSession.id)
        .where(GroupAttendance.member_id == demo["harbor.member1"].id)
        .order_by(GroupSession.session_date.desc())
        .limit(1)
    )


def _appointment(db: Session, demo: dict[str, User]) -> object:
    return db.scalar(
        select(Appointment.id)
        .where(
            Appointment.member_id == demo["harbor.member1"].id,
            Appointment.status == AppointmentStatus.SCHEDULED,
        )
        .order_by(Appointment.starts_at)
        .limit(1)
    )


ID_LOOKUPS: dict[str, IdLookup] = {
    "group_id": _group,
    "session_id": _session,
    "appointment_id": _appointment,
}
