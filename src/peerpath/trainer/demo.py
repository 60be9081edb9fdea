"""Demo content for the exam trainer: the shipped bank synced, one question an organization's
trainers wrote, and some practice, a finished short mock exam and a problem report for
trainee1, so every trainer page has something to show."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy.orm import Session

from peerpath.core.audit import Viewer
from peerpath.db.base import utcnow
from peerpath.db.models import User
from peerpath.trainer import service
from peerpath.trainer.loader import QuestionData

ORG_QUESTION = {
    "domain": "ethical_responsibility",
    "competencies": ["values_communication", "supports_collaboration"],
    "topics": ["documentation", "ethics"],
    "level": "application",
    "difficulty": 2,
    "content_note": None,
    "study_note": "documentation",
    "stem": (
        "After a group session, Priya realizes she wrote a note in the wrong member's record. "
        "The note is already signed. What is the best next step?"
    ),
    "options": [
        {
            "text": "Delete the note so nobody sees the mistake",
            "explanation": "Signed records are not deleted: removing them hides what happened "
            "and breaks the record's integrity. Corrections are added, not erased.",
        },
        {
            "text": "Follow the organization's amendment process: mark the entry as written "
            "in error and document it in the right record",
            "explanation": "Right. An amendment keeps an honest trail of what was written, "
            "when and why it was corrected, and protects both members' privacy.",
        },
        {
            "text": "Leave it, since the content is mostly accurate anyway",
            "explanation": "A note in the wrong record shares one member's information in "
            "another's file; leaving it is a confidentiality problem.",
        },
        {
            "text": "Ask the member whose record it is in whether they mind",
            "explanation": "That would disclose the other member's information again. The "
            "fix is a correction through the proper process, not permission to keep it.",
        },
    ],
    "key": "B",
}


def load(db: Session, org_slug: str, users: dict[str, User]) -> None:
    service.sync_shipped(db)
    trainer = Viewer(users["supervisor"])
    service.create_question(
        db,
        trainer,
        QuestionData.model_validate({**ORG_QUESTION, "id": f"{org_slug}-001"}),
        origin="web",
    )
    learner = Viewer(users["trainee1"])
    rng = random.Random(f"peerpath-demo-{org_slug}")  # noqa: S311 - demo data
    now = utcnow()
    start = now - timedelta(days=3)
    first_attempt = None
    for n in range(12):
        question = service.next_practice(db, learner, service.Filter(), now=start, rng=rng)
        if question is None:
            break
        # A learner on the way: most answers right, some still worth another look.
        choice = question.key if rng.random() < 0.7 else rng.choice("ABCD")
        attempt = service.answer(
            db,
            learner,
            question_id=question.question_id,
            version_id=question.version_id,
            choice=choice,
            confidence=rng.choice(["sure", "unsure", None]),
            mode="practice",
            now=start + timedelta(minutes=3 * n),
        )
        first_attempt = first_attempt or attempt
    exam_start = now - timedelta(days=1)
    exam = service.start_exam(db, learner, "practice-10", now=exam_start, rng=rng)
    for item in service.exam_items(db, exam):
        key = service.version_view(db, item.version_id).key
        choice = key if rng.random() < 0.65 else rng.choice("ABCD")
        service.save_exam_answer(
            db,
            exam,
            item.position,
            choice=choice,
            flagged=item.position == 3,
            now=exam_start + timedelta(minutes=item.position),
        )
    service.submit_exam(db, exam, now=exam_start + timedelta(minutes=12))
    if first_attempt is not None:
        service.report_problem(
            db,
            learner,
            first_attempt,
            "Options B and C read almost the same to me; could the explanation say more "
            "about why B fits better?",
        )
