"""Access rules for the exam trainer (issue 8).

Learners are trainees and peer specialists; trainers are supervisors and admins. A learner's
attempts and exams are their own: anyone else gets 404. Questions written by an organization
are that organization's; the demo gives each organization one (harbor's is used here).
"""

from __future__ import annotations

from sqlalchemy import select

from peerpath.db.models import User
from peerpath.db.models.trainer import (
    TrainerAttempt,
    TrainerExam,
    TrainerQuestion,
    TrainerReport,
)
from tests.integration.access_rules import IdLookup, Rule, only, role

LEARNERS = role("trainee", "peer")
TRAINERS = role("supervisor", "admin")
STUDY = role("trainee", "peer", "supervisor", "admin")
TRAINEE1 = only("harbor.trainee1")
HARBOR_TRAINERS = only("harbor.supervisor", "harbor.admin")

RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/training"): LEARNERS,
    ("GET", "/training/practice"): LEARNERS,
    ("POST", "/training/practice/answer"): LEARNERS,  # empty form: 422
    ("POST", "/training/practice/skip"): LEARNERS,  # empty form: 422
    ("GET", "/training/review"): LEARNERS,
    ("GET", "/training/attempts/{attempt_id}"): TRAINEE1,
    ("POST", "/training/attempts/{attempt_id}/report"): TRAINEE1,  # empty: 422
    ("GET", "/training/settings"): LEARNERS,
    ("POST", "/training/settings"): LEARNERS,  # empty form: 422, nothing saved
    ("GET", "/training/notes"): STUDY,
    ("GET", "/training/notes/{slug}"): STUDY,
    ("GET", "/training/exams"): LEARNERS,
    ("POST", "/training/exams"): LEARNERS,  # no blueprint: 422
    ("GET", "/training/exams/{exam_id}"): TRAINEE1,
    ("GET", "/training/exams/{exam_id}/questions/{position}"): TRAINEE1,
    ("POST", "/training/exams/{exam_id}/questions/{position}"): TRAINEE1,  # ended: redirect
    ("GET", "/training/exams/{exam_id}/submit"): TRAINEE1,
    ("POST", "/training/exams/{exam_id}/submit"): TRAINEE1,
    ("GET", "/training/exams/{exam_id}/review"): TRAINEE1,
    ("GET", "/training/bank"): TRAINERS,
    ("GET", "/training/bank/new"): TRAINERS,
    ("POST", "/training/bank"): TRAINERS,  # empty form: 422
    ("GET", "/training/bank/export"): TRAINERS,
    ("GET", "/training/bank/import"): TRAINERS,
    ("POST", "/training/bank/import"): TRAINERS,  # nothing to import: 422
    ("GET", "/training/bank/{question_id}"): HARBOR_TRAINERS,
    ("GET", "/training/bank/{question_id}/edit"): HARBOR_TRAINERS,
    ("POST", "/training/bank/{question_id}"): HARBOR_TRAINERS,  # empty: 422
    ("GET", "/training/bank/{question_id}/retire"): HARBOR_TRAINERS,
    ("POST", "/training/bank/{question_id}/retire"): HARBOR_TRAINERS,  # no confirm: 422
    ("POST", "/training/bank/{question_id}/restore"): HARBOR_TRAINERS,  # in use: 422
    ("GET", "/training/analysis"): TRAINERS,
    ("GET", "/training/reports"): TRAINERS,
    ("POST", "/training/reports/{report_id}/resolve"): HARBOR_TRAINERS,  # empty: 422
    ("GET", "/training/learners"): TRAINERS,
    ("POST", "/training/learners/{learner_id}"): HARBOR_TRAINERS,  # no value: 422
    ("GET", "/api/v1/training/next"): LEARNERS,
    ("POST", "/api/v1/training/answers"): LEARNERS,  # empty body: 422
    ("GET", "/api/v1/training/readiness"): LEARNERS,
    ("GET", "/api/v1/training/exams"): LEARNERS,
    ("POST", "/api/v1/training/exams"): LEARNERS,  # empty body: 422
    ("GET", "/api/v1/training/exams/{exam_id}"): TRAINEE1,
    ("PUT", "/api/v1/training/exams/{exam_id}/items/{position}"): TRAINEE1,  # ended: 409
    ("POST", "/api/v1/training/exams/{exam_id}/submit"): TRAINEE1,  # empty body: 422
    ("GET", "/api/v1/training/questions"): TRAINERS,
    ("POST", "/api/v1/training/questions"): TRAINERS,  # empty body: 422
    ("GET", "/api/v1/training/questions/{question_id}"): HARBOR_TRAINERS,
    ("PUT", "/api/v1/training/questions/{question_id}"): HARBOR_TRAINERS,  # empty: 422
    ("DELETE", "/api/v1/training/questions/{question_id}"): HARBOR_TRAINERS,
}


def _trainee1(demo: dict[str, User]) -> int:
    return demo["harbor.trainee1"].id


ID_LOOKUPS: dict[str, IdLookup] = {
    "attempt_id": lambda db, demo: db.scalar(
        select(TrainerAttempt.id)
        .where(TrainerAttempt.learner_id == _trainee1(demo), TrainerAttempt.mode == "practice")
        .order_by(TrainerAttempt.id)
        .limit(1)
    ),
    "exam_id": lambda db, demo: db.scalar(
        select(TrainerExam.id).where(TrainerExam.learner_id == _trainee1(demo)).limit(1)
    ),
    "position": lambda db, demo: 1,
    "slug": lambda db, demo: "boundaries-dual-relationships",
    "question_id": lambda db, demo: db.scalar(
        select(TrainerQuestion.id).where(
            TrainerQuestion.organization_id == demo["harbor.admin"].organization_id
        )
    ),
    "report_id": lambda db, demo: db.scalar(
        select(TrainerReport.id).where(
            TrainerReport.organization_id == demo["harbor.admin"].organization_id
        )
    ),
    "learner_id": lambda db, demo: _trainee1(demo),
}
