"""Property: note search never returns a note the searcher may not read, and its total is
exactly the number of readable matching notes - over random organizations (caseloads,
supervision, member transparency on or off, inactive staff) and random notes (statuses,
authors, words), for every viewer, on SQLite and PostgreSQL.

Each example is written inside a savepoint and rolled back, so examples never see each other.
"""

from __future__ import annotations

import itertools
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from peerpath.core import access
from peerpath.core.access import Action, Section
from peerpath.core.audit import Viewer
from peerpath.db.models import (
    CaseloadAssignment,
    NoteStatus,
    Organization,
    Role,
    SessionNote,
    SupervisionAssignment,
    User,
)
from peerpath.workspace.search.service import search_notes

# Words whose stems are themselves in both engines' stemmers, so a note "contains" a word
# exactly when the word is one of its tokens.
WORDS = ("river", "violin", "mountain", "lantern", "harbor")
ROLES = (Role.MEMBER, Role.PEER_SPECIALIST, Role.SUPERVISOR, Role.ADMIN, Role.SUPPORTER)
_counter = itertools.count()

org_shape = st.fixed_dictionaries(
    {
        "members": st.integers(1, 5),
        "peers": st.integers(1, 3),
        "supervisors": st.integers(0, 2),
        "admins": st.integers(0, 1),
        "member_reads_notes": st.booleans(),
        "inactive_peer": st.booleans(),
        "seed": st.integers(0, 10_000),
    }
)
notes_strategy = st.lists(
    st.tuples(
        st.integers(0, 50),  # which member (mod count)
        st.integers(0, 50),  # which author (mod peers)
        st.sampled_from(list(NoteStatus)),
        st.sets(st.sampled_from(WORDS), min_size=0, max_size=3),
        st.sampled_from(("purpose", "intervention", "member_response", "next_steps")),
    ),
    min_size=0,
    max_size=14,
)


def _org(db: Session, shape: dict[str, int], second: bool) -> dict[Role, list[User]]:
    n = next(_counter)
    org = Organization(
        slug=f"prop{n}{'b' if second else ''}",
        name=f"Property org {n}",
        settings={"member_reads_notes": bool(shape["member_reads_notes"])},
    )
    db.add(org)
    db.flush()
    people: dict[Role, list[User]] = {r: [] for r in ROLES}
    counts = {
        Role.MEMBER: shape["members"],
        Role.PEER_SPECIALIST: shape["peers"],
        Role.SUPERVISOR: shape["supervisors"],
        Role.ADMIN: shape["admins"],
        Role.SUPPORTER: 1,
    }
    for role, count in counts.items():
        for i in range(count):
            user = User(
                organization_id=org.id,
                username=f"{org.slug}.{role.value}{i}",
                display_name=f"{role.value} {i}",
                role=role,
                is_active=True,
            )
            db.add(user)
            people[role].append(user)
    db.flush()
    seed = shape["seed"]
    peers, members, sups = (
        people[Role.PEER_SPECIALIST],
        people[Role.MEMBER],
        people[Role.SUPERVISOR],
    )
    for i, member in enumerate(members):
        if (seed >> i) & 1 or i == 0:  # some members have no peer specialist
            peer = peers[(seed + i) % len(peers)]
            db.add(
                CaseloadAssignment(
                    organization_id=org.id, member_id=member.id, peer_specialist_id=peer.id
                )
            )
    for i, peer in enumerate(peers):
        if sups and (seed >> (i + 5)) & 1:
            db.add(
                SupervisionAssignment(
                    organization_id=org.id,
                    peer_specialist_id=peer.id,
                    supervisor_id=sups[(seed + i) % len(sups)].id,
                )
            )
    if shape["inactive_peer"] and len(peers) > 1:
        peers[-1].is_active = False
    db.flush()
    return people


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(shape=org_shape, other=org_shape, notes=notes_strategy, word=st.sampled_from(WORDS))
def test_search_returns_only_readable_notes_and_counts_them_all(
    db: Session, shape: dict[str, int], other: dict[str, int], notes: list, word: str
) -> None:
    savepoint = db.begin_nested()
    try:
        orgs = [_org(db, shape, False), _org(db, other, True)]
        written: list[SessionNote] = []
        for k, (m, a, status, words, column) in enumerate(notes):
            people = orgs[k % 2]
            member = people[Role.MEMBER][m % len(people[Role.MEMBER])]
            author = people[Role.PEER_SPECIALIST][a % len(people[Role.PEER_SPECIALIST])]
            note = SessionNote(
                organization_id=member.organization_id,
                member_id=member.id,
                author_id=author.id,
                contact_date=date(2026, 1, 1 + k),
                status=status,
                **{column: " ".join(["We", "met", *sorted(words), "today"])},
            )
            db.add(note)
            written.append(note)
        db.flush()
        users = {u.id: u for people in orgs for group in people.values() for u in group}
        for viewer_user in users.values():
            viewer = Viewer(viewer_user)
            total, hits = search_notes(db, viewer, word, limit=100)
            expected = {
                n.id
                for n in written
                if word
                in n.purpose + " " + n.intervention + " " + n.member_response + " " + n.next_steps
                and access.can(db, viewer_user, users[n.member_id], Section.NOTES, Action.READ)
                and (n.status != NoteStatus.DRAFT or n.author_id == viewer_user.id)
            }
            for hit in hits:
                member = users[hit.member_id]
                assert access.can(db, viewer_user, member, Section.NOTES, Action.READ)
            assert {h.note_id for h in hits} == expected, viewer_user.username
            assert total == len(expected), viewer_user.username
    finally:
        savepoint.rollback()
