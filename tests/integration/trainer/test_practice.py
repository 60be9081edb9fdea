"""Practice, feedback, content notes, spaced-repetition reviews and readiness, as a learner
sees them; a learner's own data stays their own."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerpath.core.audit import Viewer
from peerpath.db.models import User
from peerpath.db.models.trainer import (
    TrainerAttempt,
    TrainerCard,
    TrainerQuestion,
    TrainerQuestionVersion,
)
from peerpath.trainer import service
from peerpath.trainer.config import config
from peerpath.trainer.loader import shipped_bank
from tests.conftest import Browser

QID = re.compile(r'name="question_id" value="(\d+)"')
VID = re.compile(r'name="version_id" value="(\d+)"')


SHOW = re.compile(r'href="(/training/practice\?question=\d+&amp;show=1[^"]*)"')


def _question_on(page: str, client: Browser | None = None) -> tuple[str, str]:
    """The question and version ids on a practice page. Questions are picked at random, so a
    scenario with a content note may come first: then its notice is shown, and choosing
    "Show me the question" opens it."""
    show = SHOW.search(page)
    if client is not None and "tr-content-note" in page and show:
        page = client.get(show.group(1).replace("&amp;", "&")).text
    q, v = QID.search(page), VID.search(page)
    assert q and v, page[:2000]
    return q.group(1), v.group(1)


def test_practise_answer_and_see_every_explanation(client: Browser, demo: dict[str, User]) -> None:
    client.login("harbor.trainee1")
    page = client.get("/training/practice?domain=ethical_responsibility")
    assert page.status_code == 200
    assert 'href="tel:988"' in page.text and "https://988lifeline.org" in page.text
    question_id, version_id = _question_on(page.text, client)
    response = client.submit(
        "/training/practice/answer",
        {
            "question_id": question_id,
            "version_id": version_id,
            "choice": "A",
            "confidence": "unsure",
            "domain": "ethical_responsibility",
        },
    )
    assert response.status_code == 303
    feedback = client.get(response.headers["location"])
    assert feedback.status_code == 200
    assert "The best answer is" in feedback.text
    assert feedback.text.count('class="tr-explanation"') == 4
    assert "/training/notes/" in feedback.text
    assert "Report a problem with this question" in feedback.text


def test_an_answer_without_a_choice_is_refused_and_nothing_saved(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    client.login("harbor.trainee1")
    question_id, version_id = _question_on(client.get("/training/practice").text, client)
    before = db.scalar(select(func.count(TrainerAttempt.id)))
    response = client.submit(
        "/training/practice/answer", {"question_id": question_id, "version_id": version_id}
    )
    assert response.status_code == 422
    assert "Please choose one answer." in response.text
    assert db.scalar(select(func.count(TrainerAttempt.id))) == before


def test_content_notes_come_first_and_can_be_skipped_once_or_always(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    noted = db.scalar(
        select(TrainerQuestion).where(
            TrainerQuestion.content_note == "suicide", TrainerQuestion.organization_id.is_(None)
        )
    )
    assert noted is not None
    client.login("harbor.trainee1")
    page = client.get(f"/training/practice?question={noted.id}")
    assert "Content note" in page.text and "Skip this one" in page.text
    assert 'name="choice"' not in page.text
    shown = client.get(f"/training/practice?question={noted.id}&show=1")
    assert 'name="choice"' in shown.text
    skipped = client.submit("/training/practice/skip", {"question_id": str(noted.id)})
    assert skipped.status_code == 303
    # Always skip: no suicide-related question is offered again in practice.
    assert (
        client.submit(
            "/training/settings", {"form": "settings", "always_skip": ["suicide", "overdose"]}
        ).status_code
        == 303
    )
    settings_page = client.get("/training/settings")
    assert 'value="suicide" checked' in settings_page.text
    viewer = Viewer(demo["harbor.trainee1"])
    for _ in range(15):
        q = service.next_practice(db, viewer, service.Filter())
        assert q is not None and q.content_note not in ("suicide", "overdose")


def test_an_attempt_is_only_its_learners(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    attempt_id = db.scalar(
        select(TrainerAttempt.id).where(TrainerAttempt.learner_id == demo["harbor.trainee1"].id)
    )
    client.login("harbor.peer1")
    assert client.get(f"/training/attempts/{attempt_id}").status_code == 404
    assert (
        client.submit(
            f"/training/attempts/{attempt_id}/report", {"text": "looks wrong to me"}
        ).status_code
        == 404
    )


def test_past_attempts_keep_the_text_they_answered(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    trainer = Viewer(demo["harbor.supervisor"])
    question = db.scalar(
        select(TrainerQuestion).where(
            TrainerQuestion.organization_id == demo["harbor.supervisor"].organization_id
        )
    )
    assert question is not None
    learner = Viewer(demo["harbor.trainee1"])
    view = service.question_view(db, learner, question.id)
    attempt = service.answer(
        db,
        learner,
        question_id=question.id,
        version_id=view.version_id,
        choice="B",
        confidence=None,
        mode="practice",
    )
    data = view.as_data().model_copy(update={"stem": view.stem + " (Rewritten for clarity.)"})
    assert service.edit_question(db, trainer, question, data)
    db.commit()
    assert question.current_version == 2
    client.login("harbor.trainee1")
    page = client.get(f"/training/attempts/{attempt.id}")
    assert "Rewritten for clarity" not in page.text
    assert view.stem[:40] in page.text
    fresh = client.get(f"/training/practice?question={question.id}")
    assert "Rewritten for clarity" in fresh.text


def _make_cards(db: Session, learner: Viewer, count: int, reviewed: datetime) -> list[int]:
    ids = list(
        db.scalars(
            select(TrainerQuestion.id)
            .where(TrainerQuestion.organization_id.is_(None), TrainerQuestion.status == "active")
            .order_by(TrainerQuestion.id)
            .limit(count)
        )
    )
    for n, qid in enumerate(ids):
        view = service.question_view(db, learner, qid)
        service.answer(
            db,
            learner,
            question_id=qid,
            version_id=view.version_id,
            choice=view.key,
            confidence="sure",
            mode="practice",
            now=reviewed + timedelta(minutes=n),
        )
    return ids


def test_missed_days_are_spread_out_under_the_daily_cap(db: Session, demo: dict[str, User]) -> None:
    learner = Viewer(demo["harbor.peer2"])  # a learner with no history in the demo
    cap = config().review.daily_cap
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    ids = _make_cards(db, learner, 2 * cap + 10, start)
    # Away for three weeks: everything is overdue.
    day = start + timedelta(days=21)
    state = service.review_state(db, learner, now=day)
    assert state.due == len(ids)
    assert state.left_today == cap
    served: list[int] = []
    for _ in range(cap):
        state = service.review_state(db, learner, now=day)
        assert state.question is not None
        served.append(state.question.question_id)
        service.answer(
            db,
            learner,
            question_id=state.question.question_id,
            version_id=state.question.version_id,
            choice=state.question.key,
            confidence="sure",
            mode="review",
            now=day,
        )
    assert len(set(served)) == cap
    done = service.review_state(db, learner, now=day + timedelta(hours=2))
    assert done.question is None and done.left_today == 0
    assert done.due == len(ids) - cap  # the rest waits for the next days
    # The most at risk came first: the cards answered earliest on the first day.
    assert served[:5] == ids[:5]
    tomorrow = service.review_state(db, learner, now=day + timedelta(days=1))
    assert tomorrow.left_today == cap and tomorrow.question is not None
    assert tomorrow.question.question_id not in served


def test_wrong_answers_come_back_soon_and_right_ones_later(
    db: Session, demo: dict[str, User]
) -> None:
    learner = Viewer(demo["harbor.peer2"])
    now = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)
    ids = list(db.scalars(select(TrainerQuestion.id).order_by(TrainerQuestion.id).limit(2)))
    views = [service.question_view(db, learner, qid) for qid in ids]
    wrong_choice = next(x for x in "ABCD" if x != views[0].key)
    service.answer(
        db,
        learner,
        question_id=ids[0],
        version_id=views[0].version_id,
        choice=wrong_choice,
        confidence=None,
        mode="practice",
        now=now,
    )
    service.answer(
        db,
        learner,
        question_id=ids[1],
        version_id=views[1].version_id,
        choice=views[1].key,
        confidence="sure",
        mode="practice",
        now=now,
    )
    cards = {
        c.question_id: c
        for c in db.scalars(select(TrainerCard).where(TrainerCard.learner_id == learner.user.id))
    }
    assert cards[ids[0]].due < cards[ids[1]].due
    assert cards[ids[0]].due - now <= timedelta(minutes=10)


def test_readiness_is_labelled_an_estimate(client: Browser, demo: dict[str, User]) -> None:
    client.login("harbor.trainee1")
    page = client.get("/training")
    assert "An estimate from your practice, not an official score prediction." in page.text
    data = client.get("/api/v1/training/readiness").json()
    assert data["label"] == "An estimate from your practice, not an official score prediction."
    assert {d["domain"] for d in data["domains"]} == {
        "advocacy",
        "mentoring_education",
        "recovery_wellness",
        "ethical_responsibility",
    }
    answered = [d for d in data["domains"] if d["attempts"]]
    assert answered
    for d in answered:
        assert 0.25 <= d["interval_low"] <= d["expected_share_correct"] <= d["interval_high"] <= 1


def test_the_api_serves_a_question_and_takes_an_answer(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("harbor.trainee1")
    nxt = client.get("/api/v1/training/next?domain=advocacy").json()
    q = nxt["question"]
    assert q["domain"] == "advocacy" and len(q["options"]) == 4
    assert not {"key", "explanation"} & set(q)
    assert all(set(option) == {"letter", "text"} for option in q["options"])
    answer = client.api(
        "POST",
        "/api/v1/training/answers",
        json={
            "question_id": q["question_id"],
            "version_id": q["version_id"],
            "choice": "C",
            "confidence": "sure",
        },
    )
    assert answer.status_code == 201
    body = answer.json()
    assert body["correct"] == (body["key"] == "C")
    assert len(body["options"]) == 4 and all(o["explanation"] for o in body["options"])
    bad = client.api(
        "POST",
        "/api/v1/training/answers",
        json={"question_id": q["question_id"], "version_id": q["version_id"], "choice": "E"},
    )
    assert bad.status_code == 422 and "errors" in bad.json()
    review = client.get("/api/v1/training/next?mode=review").json()
    assert review["reviews_due"] >= 0


def test_shipped_sync_is_idempotent_and_versions_changes(
    db: Session, demo: dict[str, User]
) -> None:
    again = service.sync_shipped(db)
    assert again.created == 0 and again.updated == 0 and again.retired == 0
    assert again.unchanged == len(shipped_bank().questions)
    bank = shipped_bank()
    first = bank.questions[0]
    changed = first.model_copy(update={"stem": first.stem + " Choose the best answer."})
    result = service.sync_shipped(db, type(bank)((changed, *bank.questions[1:-1]), bank.files))
    assert result.updated == 1 and result.retired == 1
    question = db.scalar(
        select(TrainerQuestion).where(
            TrainerQuestion.slug == first.id, TrainerQuestion.organization_id.is_(None)
        )
    )
    assert question is not None and question.current_version == 2
    versions = db.scalars(
        select(TrainerQuestionVersion.stem).where(TrainerQuestionVersion.question_id == question.id)
    ).all()
    assert len(versions) == 2
    restored = service.sync_shipped(db, bank)
    assert restored.updated == 2  # the stem goes back (a new version) and the retired returns


def test_skipped_and_always_skipped_questions_stay_out_of_reviews(
    db: Session, demo: dict[str, User]
) -> None:
    learner = Viewer(demo["harbor.peer2"])
    now = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
    noted = db.scalars(
        select(TrainerQuestion)
        .where(TrainerQuestion.content_note.is_not(None), TrainerQuestion.organization_id.is_(None))
        .order_by(TrainerQuestion.id)
        .limit(2)
    ).all()
    for q in noted:
        view = service.question_view(db, learner, q.id)
        wrong = next(x for x in "ABCD" if x != view.key)
        service.answer(
            db,
            learner,
            question_id=q.id,
            version_id=view.version_id,
            choice=wrong,
            confidence=None,
            mode="practice",
            now=now,
        )
    later = now + timedelta(hours=1)
    first = service.review_state(db, learner, now=later)
    assert first.question is not None and first.due == 2
    service.skip(db, learner, first.question.question_id, now=later)
    second = service.review_state(db, learner, now=later)
    assert second.due == 1 and second.question is not None
    assert second.question.question_id != first.question.question_id
    service.save_always_skip(db, learner, [second.question.content_note or ""])
    assert service.review_state(db, learner, now=later).due == 0
