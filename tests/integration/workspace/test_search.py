"""Note search on SQLite FTS5 and PostgreSQL full-text: matches, stemming, highlights that are
escaped, access filtering before counting, drafts only for their author, odd input, and a
privacy-respecting audit event."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.core.audit import Viewer
from peerpath.db.base import utcnow
from peerpath.db.models import AuditEvent, NoteStatus, SessionNote, User
from peerpath.workspace.search.service import search_notes, terms
from tests.conftest import Browser


def _note(db: Session, member: User, author: User, status: NoteStatus, **text: str) -> SessionNote:
    now = utcnow()
    note = SessionNote(
        organization_id=member.organization_id,
        member_id=member.id,
        author_id=author.id,
        contact_date=(now - timedelta(days=1)).date(),
        status=status,
        created_at=now,
        updated_at=now,
        **text,
    )
    db.add(note)
    db.flush()
    return note


@pytest.fixture
def notes(db: Session, demo: dict[str, User]) -> dict[str, SessionNote]:
    peer1, peer2 = demo["harbor.peer1"], demo["harbor.peer2"]
    made = {
        "m1": _note(
            db,
            demo["harbor.member1"],
            peer1,
            NoteStatus.SIGNED,
            purpose="Practising for the zephyrine interview at the <b>bakery</b> & café.",
            member_response='"I walked there twice and felt ready."',
        ),
        "m1_draft": _note(
            db,
            demo["harbor.member1"],
            peer1,
            NoteStatus.DRAFT,
            intervention="Draft about the zephyrine plan.",
        ),
        "m5": _note(
            db,
            demo["harbor.member5"],
            peer2,
            NoteStatus.SIGNED,
            next_steps="Bring the zephyrine application form.",
        ),
        "riverbend": _note(
            db,
            demo["riverbend.member1"],
            demo["riverbend.peer1"],
            NoteStatus.SIGNED,
            purpose="zephyrine walking group",
        ),
    }
    db.commit()
    return made


def test_terms_quote_words_and_drop_syntax() -> None:
    assert terms('walk* "NEAR(a b)" OR -x') == ["walk", "near", "a", "b", "or", "x"]
    assert terms("?!#$%^&*()") == []
    assert terms("") == []
    assert len(terms(" ".join(f"w{i}" for i in range(40)))) == 12


def test_search_filters_by_access_before_counting(
    db: Session, demo: dict[str, User], notes: dict[str, SessionNote]
) -> None:
    expected = {
        "harbor.peer1": {notes["m1"].id, notes["m1_draft"].id},  # own draft included
        "harbor.peer2": {notes["m5"].id},
        "harbor.supervisor": {notes["m1"].id, notes["m5"].id},  # drafts stay the author's
        "harbor.member1": {notes["m1"].id},
        "harbor.member2": set(),
        "harbor.admin": set(),
        "harbor.supporter1": set(),
        "riverbend.peer1": {notes["riverbend"].id},
        "riverbend.peer2": set(),
    }
    for username, ids in expected.items():
        total, hits = search_notes(db, Viewer(demo[username]), "zephyrine")
        assert total == len(ids), username
        assert {h.note_id for h in hits} == ids, username


def test_stemming_and_highlight_escaped(
    db: Session, demo: dict[str, User], notes: dict[str, SessionNote]
) -> None:
    total, hits = search_notes(db, Viewer(demo["harbor.peer1"]), "bakeries walking")
    assert total == 1 and hits[0].note_id == notes["m1"].id
    snippet = str(hits[0].snippet)
    assert "<mark>" in snippet and "</mark>" in snippet
    # The note's own text is escaped (PostgreSQL's ts_headline drops tag-like words instead).
    assert "<b>" not in snippet and "&amp;" in snippet
    # Every word must match (AND).
    assert search_notes(db, Viewer(demo["harbor.peer1"]), "zephyrine bakery")[0] == 1
    assert search_notes(db, Viewer(demo["harbor.peer1"]), "zephyrine unicorn")[0] == 0


@pytest.mark.parametrize(
    "q",
    [
        '"',
        "'",
        "*",
        "zephyrine OR",
        "AND",
        "NEAR(",
        "-",
        "^zephyrine",
        "col:zephyrine",
        "((((",
        "a" * 300,
        "\x00zephyrine",
        "zéphyrine",
        "🙂",
        "%_",
        'zephyrine"; DROP TABLE x',
    ],
)
def test_odd_input_never_breaks_the_query(
    client: Browser, db: Session, demo: dict[str, User], notes: dict[str, SessionNote], q: str
) -> None:
    total, hits = search_notes(db, Viewer(demo["harbor.peer1"]), q)
    assert total >= 0 and len(hits) == total
    client.login("harbor.peer1")
    assert client.get("/api/v1/notes/search", params={"q": q[:200]}).status_code == 200
    assert client.get("/notes/search", params={"q": q[:200]}).status_code == 200


def test_only_punctuation_gives_an_empty_result(
    client: Browser, demo: dict[str, User], notes: dict[str, SessionNote]
) -> None:
    client.login("harbor.peer1")
    body = client.get("/api/v1/notes/search", params={"q": "?!..."}).json()
    assert body["total"] == 0 and body["hits"] == []
    page = client.get("/notes/search", params={"q": "?!..."})
    assert page.status_code == 200 and "at least one word" in page.text


def test_api_and_page_show_hits_and_paging(
    client: Browser, db: Session, demo: dict[str, User], notes: dict[str, SessionNote]
) -> None:
    client.login("harbor.supervisor")
    body = client.get("/api/v1/notes/search", params={"q": "zephyrine", "limit": 1}).json()
    assert body["total"] == 2 and len(body["hits"]) == 1
    second = client.get(
        "/api/v1/notes/search", params={"q": "zephyrine", "limit": 1, "offset": 1}
    ).json()
    assert {body["hits"][0]["note_id"], second["hits"][0]["note_id"]} == {
        notes["m1"].id,
        notes["m5"].id,
    }
    page = client.get("/notes/search", params={"q": "zephyrine"})
    assert "2 notes found" in page.text and f"/notes/{notes['m5'].id}" in page.text
    assert client.get("/api/v1/notes/search", params={"q": "x", "limit": 0}).status_code == 422


def test_search_is_audited_without_the_words(
    client: Browser, db: Session, demo: dict[str, User], notes: dict[str, SessionNote]
) -> None:
    client.login("harbor.peer1")
    client.get("/api/v1/notes/search", params={"q": "zephyrine"})
    event = db.scalar(
        select(AuditEvent).where(AuditEvent.action == "search").order_by(AuditEvent.id.desc())
    )
    assert event is not None and event.actor_user_id == demo["harbor.peer1"].id
    assert "zephyrine" not in event.detail and event.detail == "2 notes found"


def test_index_follows_edits_and_deletes(
    db: Session, demo: dict[str, User], notes: dict[str, SessionNote]
) -> None:
    viewer = Viewer(demo["harbor.peer1"])
    note = notes["m1"]
    note.purpose = "Now about the quokka sanctuary."
    note.member_response = ""
    db.flush()
    assert search_notes(db, viewer, "quokka")[0] == 1
    assert search_notes(db, viewer, "bakery")[0] == 0
    db.delete(note)
    db.flush()
    assert search_notes(db, viewer, "quokka")[0] == 0
