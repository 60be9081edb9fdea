"""Exam trainer rules: syncing the shipped bank, practice and review, mock exams, readiness,
authoring with versions, import/export, item analysis and problem reports.

A learner's attempts, cards, exams and settings are read and written only by that learner
(every query filters on the signed-in learner); trainers see aggregated item statistics and
never a list or ranking of learners' results. No FastAPI and no templates here; flush, never
commit.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, insert, or_, select
from sqlalchemy.orm import Session

from peerpath.core import audit
from peerpath.core.audit import Viewer
from peerpath.core.errors import Conflict, Invalid, NotFound
from peerpath.db.base import utcnow
from peerpath.db.models import Organization, Role, User
from peerpath.db.models.trainer import (
    TrainerAttempt,
    TrainerCard,
    TrainerExam,
    TrainerExamItem,
    TrainerLearnerSettings,
    TrainerQuestion,
    TrainerQuestionVersion,
    TrainerReport,
    TrainerSkip,
)
from peerpath.trainer import scheduling, stats
from peerpath.trainer.config import Blueprint, allocate, config
from peerpath.trainer.loader import (
    BankError,
    QuestionData,
    ShippedBank,
    parse_csv,
    parse_yaml,
    shipped_bank,
    to_csv,
    to_yaml,
)
from peerpath.trainer.vocabulary import CONTENT_NOTES, DOMAINS, LETTERS

LEARNER_ROLES = (Role.TRAINEE, Role.PEER_SPECIALIST)
TRAINER_ROLES = (Role.SUPERVISOR, Role.ADMIN)
MULTIPLIERS = (1.0, 1.25, 1.5, 2.0)


# ---- the shipped bank -------------------------------------------------------------------


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0

    def __str__(self) -> str:
        return (
            f"{self.created} new, {self.updated} updated (new version), "
            f"{self.unchanged} unchanged, {self.retired} retired"
        )


def _version_fields(data: QuestionData) -> dict[str, Any]:
    content = data.content()
    content["options"] = [dict(o) for o in content["options"]]
    return content


def _mirror(question: TrainerQuestion, data: QuestionData) -> None:
    question.domain = data.domain
    question.topics = list(data.topics)
    question.level = data.level
    question.difficulty = data.difficulty
    question.content_note = data.content_note


def sync_shipped(db: Session, bank: ShippedBank | None = None) -> SyncResult:
    """Bring the database's shipped questions in line with the bank files. Idempotent: an
    unchanged question is left alone, a changed one gets a new version, a removed one is
    retired (its versions stay, so past attempts keep their text)."""
    bank = bank or shipped_bank()
    result = SyncResult()
    now = utcnow()
    existing = {
        q.slug: q
        for q in db.scalars(
            select(TrainerQuestion).where(TrainerQuestion.organization_id.is_(None))
        )
    }
    hashes = dict(
        db.execute(
            select(TrainerQuestion.slug, TrainerQuestionVersion.content_hash)
            .join(TrainerQuestionVersion, TrainerQuestionVersion.question_id == TrainerQuestion.id)
            .where(
                TrainerQuestion.organization_id.is_(None),
                TrainerQuestionVersion.number == TrainerQuestion.current_version,
            )
        ).all()
    )
    new_questions: list[QuestionData] = []
    for data in bank.questions:
        digest = data.content_hash()
        question = existing.get(data.id)
        if question is None:
            new_questions.append(data)
            result.created += 1
            continue
        changed = hashes.get(data.id) != digest
        if changed:
            question.current_version += 1
            _mirror(question, data)
            question.updated_at = now
            db.add(
                TrainerQuestionVersion(
                    question_id=question.id,
                    number=question.current_version,
                    content_hash=digest,
                    origin="bank",
                    created_at=now,
                    **_version_fields(data),
                )
            )
            result.updated += 1
        if question.status != "active":
            question.status = "active"
            if not changed:
                result.updated += 1
        elif not changed:
            result.unchanged += 1
    if new_questions:
        # Bulk inserts: a new database gets the whole bank in two statements.
        ids = dict(
            db.execute(
                insert(TrainerQuestion).returning(TrainerQuestion.slug, TrainerQuestion.id),
                [
                    {
                        "organization_id": None,
                        "slug": d.id,
                        "source": "shipped",
                        "status": "active",
                        "domain": d.domain,
                        "topics": list(d.topics),
                        "level": d.level,
                        "difficulty": d.difficulty,
                        "content_note": d.content_note,
                        "current_version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for d in new_questions
                ],
            ).all()
        )
        db.execute(
            insert(TrainerQuestionVersion),
            [
                {
                    "question_id": ids[d.id],
                    "number": 1,
                    "content_hash": d.content_hash(),
                    "origin": "bank",
                    "created_by_id": None,
                    "created_at": now,
                    **_version_fields(d),
                }
                for d in new_questions
            ],
        )
    shipped_ids = {d.id for d in bank.questions}
    for slug, question in existing.items():
        if slug not in shipped_ids and question.status == "active":
            question.status = "retired"
            result.retired += 1
    db.flush()
    return result


# ---- questions --------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionView:
    question_id: int
    slug: str
    source: str
    status: str
    version_id: int
    number: int
    domain: str
    competencies: list[str]
    topics: list[str]
    level: str
    difficulty: int
    content_note: str | None
    study_note: str
    stem: str
    options: list[dict[str, str]]
    key: str

    @property
    def letters(self) -> list[tuple[str, dict[str, str]]]:
        return list(zip(LETTERS, self.options, strict=False))

    def as_data(self) -> QuestionData:
        return QuestionData.model_validate(
            {
                "id": self.slug,
                "domain": self.domain,
                "competencies": self.competencies,
                "topics": self.topics,
                "level": self.level,
                "difficulty": self.difficulty,
                "content_note": self.content_note,
                "study_note": self.study_note,
                "stem": self.stem,
                "options": self.options,
                "key": self.key,
            }
        )


def _view(q: TrainerQuestion, v: TrainerQuestionVersion) -> QuestionView:
    return QuestionView(
        question_id=q.id,
        slug=q.slug,
        source=q.source,
        status=q.status,
        version_id=v.id,
        number=v.number,
        domain=v.domain,
        competencies=list(v.competencies),
        topics=list(v.topics),
        level=v.level,
        difficulty=v.difficulty,
        content_note=v.content_note,
        study_note=v.study_note,
        stem=v.stem,
        options=[dict(o) for o in v.options],
        key=v.key,
    )


def _visible(org_id: int) -> Any:
    return or_(TrainerQuestion.organization_id.is_(None), TrainerQuestion.organization_id == org_id)


def _current(db: Session, question_ids: Sequence[int]) -> dict[int, QuestionView]:
    if not question_ids:
        return {}
    rows = db.execute(
        select(TrainerQuestion, TrainerQuestionVersion)
        .join(
            TrainerQuestionVersion,
            and_(
                TrainerQuestionVersion.question_id == TrainerQuestion.id,
                TrainerQuestionVersion.number == TrainerQuestion.current_version,
            ),
        )
        .where(TrainerQuestion.id.in_(list(question_ids)))
    ).all()
    return {q.id: _view(q, v) for q, v in rows}


def version_view(db: Session, version_id: int) -> QuestionView:
    row = db.execute(
        select(TrainerQuestion, TrainerQuestionVersion)
        .join(TrainerQuestion, TrainerQuestion.id == TrainerQuestionVersion.question_id)
        .where(TrainerQuestionVersion.id == version_id)
    ).one()
    return _view(row[0], row[1])


def visible_question(db: Session, viewer: Viewer, question_id: int) -> TrainerQuestion:
    question = db.get(TrainerQuestion, question_id)
    if question is None or question.organization_id not in (None, viewer.org_id):
        raise NotFound()
    return question


def question_view(db: Session, viewer: Viewer, question_id: int) -> QuestionView:
    question = visible_question(db, viewer, question_id)
    return _current(db, [question.id])[question.id]


def question_versions(db: Session, question: TrainerQuestion) -> list[TrainerQuestionVersion]:
    return list(
        db.scalars(
            select(TrainerQuestionVersion)
            .where(TrainerQuestionVersion.question_id == question.id)
            .order_by(TrainerQuestionVersion.number.desc())
        )
    )


# ---- learner settings and accommodations -----------------------------------------------


@dataclass(frozen=True)
class LearnerSettingsView:
    always_skip: list[str]
    time_multiplier: float


def _settings_row(db: Session, org_id: int, learner_id: int) -> TrainerLearnerSettings | None:
    return db.scalar(
        select(TrainerLearnerSettings).where(
            TrainerLearnerSettings.organization_id == org_id,
            TrainerLearnerSettings.learner_id == learner_id,
        )
    )


def learner_settings(db: Session, viewer: Viewer) -> LearnerSettingsView:
    row = _settings_row(db, viewer.org_id, viewer.user.id)
    if row is None:
        return LearnerSettingsView([], 1.0)
    return LearnerSettingsView(list(row.always_skip), row.time_multiplier)


def _settings_for_write(db: Session, org_id: int, learner_id: int) -> TrainerLearnerSettings:
    row = _settings_row(db, org_id, learner_id)
    if row is None:
        row = TrainerLearnerSettings(
            organization_id=org_id, learner_id=learner_id, always_skip=[], time_multiplier=1.0
        )
        db.add(row)
    return row


def save_always_skip(db: Session, viewer: Viewer, kinds: Iterable[str]) -> LearnerSettingsView:
    chosen = list(dict.fromkeys(kinds))
    unknown = [k for k in chosen if k not in CONTENT_NOTES]
    if unknown:
        raise Invalid(
            "Please choose from the listed topics.",
            errors={"always_skip": "Please choose from the listed topics."},
        )
    row = _settings_for_write(db, viewer.org_id, viewer.user.id)
    row.always_skip = chosen
    row.updated_at = utcnow()
    db.flush()
    return learner_settings(db, viewer)


@dataclass(frozen=True)
class LearnerRow:
    user_id: int
    display_name: str
    role_label: str
    time_multiplier: float


def learners(db: Session, viewer: Viewer) -> list[LearnerRow]:
    """Learners in the trainer's organization with their extended-time setting (no results)."""
    users = db.scalars(
        select(User)
        .where(
            User.organization_id == viewer.org_id,
            User.role.in_(LEARNER_ROLES),
            User.is_active.is_(True),
        )
        .order_by(User.display_name)
    ).all()
    rows = {
        r.learner_id: r.time_multiplier
        for r in db.scalars(
            select(TrainerLearnerSettings).where(
                TrainerLearnerSettings.organization_id == viewer.org_id
            )
        )
    }
    return [LearnerRow(u.id, u.display_name, u.role.label, rows.get(u.id, 1.0)) for u in users]


def set_time_multiplier(
    db: Session, viewer: Viewer, learner_id: int, multiplier: float | None
) -> LearnerRow:
    learner = db.get(User, learner_id)
    allowed = (
        learner is not None
        and learner.organization_id == viewer.org_id
        and learner.role in LEARNER_ROLES
    )
    audit.record(
        db,
        viewer=viewer,
        action="trainer.accommodation.set",
        record_type="user",
        record_id=learner_id,
        allowed=allowed,
        detail=f"extended time x{multiplier}" if allowed else "",
    )
    if not allowed or learner is None:
        raise NotFound()
    if multiplier not in MULTIPLIERS:
        raise Invalid(
            "Please choose one of the listed time allowances.",
            errors={"time_multiplier": "Please choose one of the listed time allowances."},
        )
    row = _settings_for_write(db, viewer.org_id, learner.id)
    row.time_multiplier = multiplier
    row.time_multiplier_set_by_id = viewer.user.id
    row.updated_at = utcnow()
    db.flush()
    return LearnerRow(learner.id, learner.display_name, learner.role.label, multiplier)


# ---- practice and review ----------------------------------------------------------------


@dataclass(frozen=True)
class Filter:
    domain: str = ""
    topic: str = ""

    def query(self) -> str:
        parts = [f"domain={self.domain}" if self.domain else "", f"topic={self.topic}"]
        return "&".join(p for p in parts if p and not p.endswith("="))


def _candidates(
    db: Session, viewer: Viewer, flt: Filter, always_skip: Sequence[str]
) -> list[tuple[int, str | None]]:
    query = select(TrainerQuestion.id, TrainerQuestion.topics, TrainerQuestion.content_note).where(
        _visible(viewer.org_id), TrainerQuestion.status == "active"
    )
    if flt.domain:
        query = query.where(TrainerQuestion.domain == flt.domain)
    out = []
    for qid, topics, note in db.execute(query):
        if flt.topic and flt.topic not in (topics or []):
            continue
        if note and note in always_skip:
            continue
        out.append((qid, note))
    return out


def next_practice(
    db: Session,
    viewer: Viewer,
    flt: Filter,
    *,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> QuestionView | None:
    """The next practice question: never-seen questions first (at random), then the ones seen
    longest ago. Content-noted kinds the learner always skips, and questions skipped in the
    last few days, are left out."""
    now = now or utcnow()
    rng = rng or random.Random()  # noqa: S311 - picking practice order, not secrets
    settings = learner_settings(db, viewer)
    attempted = select(TrainerAttempt.question_id).where(
        TrainerAttempt.learner_id == viewer.user.id,
        TrainerAttempt.organization_id == viewer.org_id,
    )
    skipped = select(TrainerSkip.question_id).where(
        TrainerSkip.learner_id == viewer.user.id,
        TrainerSkip.skipped_at >= now - timedelta(days=config().skip_days),
    )
    base = [_visible(viewer.org_id), TrainerQuestion.status == "active"]
    if flt.domain:
        base.append(TrainerQuestion.domain == flt.domain)
    if settings.always_skip:
        base.append(
            or_(
                TrainerQuestion.content_note.is_(None),
                TrainerQuestion.content_note.not_in(settings.always_skip),
            )
        )

    def ids(*extra: Any) -> list[int]:
        if flt.topic:
            rows = db.execute(
                select(TrainerQuestion.id, TrainerQuestion.topics).where(*base, *extra)
            ).all()
            return [qid for qid, topics in rows if flt.topic in (topics or [])]
        return list(db.scalars(select(TrainerQuestion.id).where(*base, *extra)))

    unseen = ids(TrainerQuestion.id.not_in(attempted), TrainerQuestion.id.not_in(skipped))
    if unseen:
        chosen = rng.choice(sorted(unseen))
        return _current(db, [chosen]).get(chosen)
    pool = ids(TrainerQuestion.id.not_in(skipped)) or ids()
    if not pool:
        return None
    last_seen = dict(
        db.execute(
            select(TrainerAttempt.question_id, func.max(TrainerAttempt.answered_at))
            .where(
                TrainerAttempt.learner_id == viewer.user.id,
                TrainerAttempt.organization_id == viewer.org_id,
                TrainerAttempt.question_id.in_(pool),
            )
            .group_by(TrainerAttempt.question_id)
        ).all()
    )
    oldest = min(pool, key=lambda q: (last_seen.get(q, now), q))
    return _current(db, [oldest]).get(oldest)


@dataclass(frozen=True)
class ReviewState:
    question: QuestionView | None
    due: int  # due cards in all
    left_today: int  # how many more the cap allows today


def _day_start(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def review_state(db: Session, viewer: Viewer, *, now: datetime | None = None) -> ReviewState:
    now = now or utcnow()
    cfg = config().review
    done_today = (
        db.scalar(
            select(func.count(TrainerAttempt.id)).where(
                TrainerAttempt.learner_id == viewer.user.id,
                TrainerAttempt.organization_id == viewer.org_id,
                TrainerAttempt.mode == "review",
                TrainerAttempt.answered_at >= _day_start(now),
            )
        )
        or 0
    )
    allowance = scheduling.todays_allowance(cfg.daily_cap, done_today)
    always_skip = learner_settings(db, viewer).always_skip
    skipped = select(TrainerSkip.question_id).where(
        TrainerSkip.learner_id == viewer.user.id,
        TrainerSkip.skipped_at >= now - timedelta(days=config().skip_days),
    )
    rows = db.execute(
        select(
            TrainerCard.question_id,
            TrainerCard.card_json,
            TrainerCard.due,
            TrainerQuestion.content_note,
        )
        .join(TrainerQuestion, TrainerQuestion.id == TrainerCard.question_id)
        .where(
            TrainerCard.learner_id == viewer.user.id,
            TrainerCard.organization_id == viewer.org_id,
            TrainerCard.due <= now,
            TrainerQuestion.status == "active",
            TrainerCard.question_id.not_in(skipped),
        )
    ).all()
    # Kinds the learner always skips, and questions skipped lately, are not served.
    due_cards = [
        scheduling.DueCard(qid, js, due)
        for qid, js, due, note in rows
        if not (note and note in always_skip)
    ]
    left = min(allowance, len(due_cards))
    if left == 0:
        return ReviewState(None, len(due_cards), left)
    first = scheduling.queue_order(due_cards, now, cfg.desired_retention)[0]
    return ReviewState(
        _current(db, [first.question_id]).get(first.question_id), len(due_cards), left
    )


def _update_card(
    db: Session,
    org_id: int,
    learner_id: int,
    question_id: int,
    correct: bool,
    confidence: str | None,
    now: datetime,
) -> TrainerCard:
    card = db.scalar(
        select(TrainerCard).where(
            TrainerCard.learner_id == learner_id, TrainerCard.question_id == question_id
        )
    )
    updated = scheduling.review(
        card.card_json if card else None,
        correct,
        confidence,
        now,
        config().review.desired_retention,
    )
    if card is None:
        card = TrainerCard(
            organization_id=org_id, learner_id=learner_id, question_id=question_id, reviews=0
        )
        db.add(card)
    card.card_json = updated.to_json()
    card.due = updated.due
    card.last_review = now
    card.reviews = (card.reviews or 0) + 1
    return card


def _is_first(db: Session, learner_id: int, question_id: int) -> bool:
    return (
        db.scalar(
            select(TrainerAttempt.id)
            .where(
                TrainerAttempt.learner_id == learner_id, TrainerAttempt.question_id == question_id
            )
            .limit(1)
        )
        is None
    )


def answer(
    db: Session,
    viewer: Viewer,
    *,
    question_id: int,
    version_id: int,
    choice: str,
    confidence: str | None,
    mode: str,
    now: datetime | None = None,
) -> TrainerAttempt:
    """Record a practice or review answer and reschedule the learner's card."""
    now = now or utcnow()
    question = visible_question(db, viewer, question_id)
    version = db.get(TrainerQuestionVersion, version_id)
    if version is None or version.question_id != question.id:
        raise NotFound()
    errors: dict[str, str] = {}
    if choice not in LETTERS:
        errors["choice"] = "Please choose one answer."
    if confidence not in (None, "sure", "unsure"):
        errors["confidence"] = "Please choose sure, unsure, or leave it blank."
    if mode not in ("practice", "review"):
        errors["mode"] = "Unknown practice mode."
    if errors:
        raise Invalid("Please choose an answer first.", errors=errors)
    attempt = TrainerAttempt(
        organization_id=viewer.org_id,
        learner_id=viewer.user.id,
        question_id=question.id,
        version_id=version.id,
        mode=mode,
        choice=choice,
        correct=choice == version.key,
        confidence=confidence,
        first_attempt=_is_first(db, viewer.user.id, question.id),
        answered_at=now,
    )
    db.add(attempt)
    _update_card(db, viewer.org_id, viewer.user.id, question.id, attempt.correct, confidence, now)
    db.flush()
    return attempt


def own_attempt(db: Session, viewer: Viewer, attempt_id: int) -> TrainerAttempt:
    attempt = db.get(TrainerAttempt, attempt_id)
    if attempt is None or attempt.learner_id != viewer.user.id:
        raise NotFound()
    return attempt


def skip(db: Session, viewer: Viewer, question_id: int, now: datetime | None = None) -> None:
    question = visible_question(db, viewer, question_id)
    db.add(
        TrainerSkip(
            organization_id=viewer.org_id,
            learner_id=viewer.user.id,
            question_id=question.id,
            skipped_at=now or utcnow(),
        )
    )
    db.flush()


@dataclass(frozen=True)
class Progress:
    attempts: int
    correct: int
    due: int


def recent_attempts(db: Session, viewer: Viewer, limit: int = 10) -> list[TrainerAttempt]:
    return list(
        db.scalars(
            select(TrainerAttempt)
            .where(
                TrainerAttempt.learner_id == viewer.user.id,
                TrainerAttempt.organization_id == viewer.org_id,
                TrainerAttempt.mode != "exam",
            )
            .order_by(TrainerAttempt.answered_at.desc(), TrainerAttempt.id.desc())
            .limit(limit)
        )
    )


# ---- readiness --------------------------------------------------------------------------


@dataclass(frozen=True)
class DomainReadiness:
    domain: str
    label: str
    estimate: stats.Estimate | None


def readiness(db: Session, viewer: Viewer) -> list[DomainReadiness]:
    cfg = config().readiness
    out = []
    for domain, label in DOMAINS.items():
        rows = db.scalars(
            select(TrainerAttempt.correct)
            .join(TrainerQuestionVersion, TrainerQuestionVersion.id == TrainerAttempt.version_id)
            .where(
                TrainerAttempt.learner_id == viewer.user.id,
                TrainerAttempt.organization_id == viewer.org_id,
                TrainerQuestionVersion.domain == domain,
            )
            .order_by(TrainerAttempt.answered_at.desc(), TrainerAttempt.id.desc())
            .limit(cfg.recent_attempts)
        ).all()
        estimate = (
            stats.readiness_estimate(sum(rows), len(rows), interval=cfg.credible_interval)
            if rows
            else None
        )
        out.append(DomainReadiness(domain, label, estimate))
    return out


# ---- mock exams -------------------------------------------------------------------------


def blueprint(key: str) -> Blueprint:
    found = config().blueprints.get(key)
    if found is None:
        raise Invalid(
            "Please choose one of the listed exams.",
            errors={"blueprint": "Please choose one of the listed exams."},
        )
    return found


def start_exam(
    db: Session,
    viewer: Viewer,
    blueprint_key: str,
    *,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> TrainerExam:
    now = now or utcnow()
    rng = rng or random.Random()  # noqa: S311 - picking practice order, not secrets
    bp = blueprint(blueprint_key)
    settings = learner_settings(db, viewer)
    counts = allocate(bp.questions, bp.weights)
    chosen: list[tuple[int, str]] = []
    for domain, count in counts.items():
        if count == 0:
            continue
        pool = _candidates(db, viewer, Filter(domain=domain), ())
        gentle = [qid for qid, note in pool if not (note and note in settings.always_skip)]
        # Honour "always skip" when the domain has enough other questions.
        source = gentle if len(gentle) >= count else [qid for qid, _ in pool]
        if len(source) < count:
            raise Invalid(
                f"There are not enough {DOMAINS[domain].lower()} questions for this exam "
                f"({len(source)} of {count}).",
                errors={"blueprint": "Not enough questions in the bank for this exam yet."},
            )
        chosen += [(qid, domain) for qid in rng.sample(sorted(source), count)]
    rng.shuffle(chosen)
    versions = _current(db, [qid for qid, _ in chosen])
    minutes = bp.minutes
    exam = TrainerExam(
        organization_id=viewer.org_id,
        learner_id=viewer.user.id,
        blueprint=blueprint_key,
        title=bp.title,
        minutes=minutes,
        time_multiplier=settings.time_multiplier,
        started_at=now,
        deadline=now + timedelta(minutes=minutes * settings.time_multiplier),
    )
    db.add(exam)
    db.flush()
    db.add_all(
        TrainerExamItem(
            exam_id=exam.id,
            position=n,
            question_id=qid,
            version_id=versions[qid].version_id,
            domain=domain,
            flagged=False,
        )
        for n, (qid, domain) in enumerate(chosen, start=1)
    )
    db.flush()
    return exam


def own_exam(
    db: Session, viewer: Viewer, exam_id: int, *, now: datetime | None = None
) -> TrainerExam:
    """The learner's own exam (others: not found); past its deadline it is scored at once."""
    exam = db.get(TrainerExam, exam_id)
    if exam is None or exam.learner_id != viewer.user.id or exam.organization_id != viewer.org_id:
        raise NotFound()
    now = now or utcnow()
    if exam.submitted_at is None and now >= exam.deadline:
        _finish(db, exam, exam.deadline, "time")
    return exam


def exams(db: Session, viewer: Viewer) -> list[TrainerExam]:
    """The learner's exams, newest first; any whose time ran out are scored now."""
    found = list(
        db.scalars(
            select(TrainerExam)
            .where(
                TrainerExam.learner_id == viewer.user.id,
                TrainerExam.organization_id == viewer.org_id,
            )
            .order_by(TrainerExam.started_at.desc(), TrainerExam.id.desc())
        )
    )
    now = utcnow()
    for exam in found:
        if exam.submitted_at is None and now >= exam.deadline:
            _finish(db, exam, exam.deadline, "time")
    return found


def exam_items(db: Session, exam: TrainerExam) -> list[TrainerExamItem]:
    return list(
        db.scalars(
            select(TrainerExamItem)
            .where(TrainerExamItem.exam_id == exam.id)
            .order_by(TrainerExamItem.position)
        )
    )


def exam_item(db: Session, exam: TrainerExam, position: int) -> TrainerExamItem:
    item = db.scalar(
        select(TrainerExamItem).where(
            TrainerExamItem.exam_id == exam.id, TrainerExamItem.position == position
        )
    )
    if item is None:
        raise NotFound()
    return item


def save_exam_answer(
    db: Session,
    exam: TrainerExam,
    position: int,
    *,
    choice: str | None,
    flagged: bool | None,
    now: datetime | None = None,
) -> TrainerExamItem:
    now = now or utcnow()
    if exam.submitted_at is not None:
        raise Conflict(
            "This exam has ended (submitted, or its time ran out), so answers can no longer "
            "change. Its results and review are ready."
        )
    item = exam_item(db, exam, position)
    if choice not in (None, "", *LETTERS):
        raise Invalid("Please choose one of the answers.", errors={"choice": "Please choose one."})
    if choice:
        item.choice = choice
        item.answered_at = now
    if flagged is not None:
        item.flagged = flagged
    db.flush()
    return item


def submit_exam(db: Session, exam: TrainerExam, *, now: datetime | None = None) -> TrainerExam:
    now = now or utcnow()
    if exam.submitted_at is not None:
        raise Conflict("This exam was already submitted; its results are ready.")
    _finish(db, exam, min(now, exam.deadline), "submitted" if now < exam.deadline else "time")
    return exam


def _finish(db: Session, exam: TrainerExam, when: datetime, ended_by: str) -> None:
    """Score with what was answered: an unanswered item counts as not correct."""
    exam.submitted_at = when
    exam.ended_by = ended_by
    items = exam_items(db, exam)
    keys = dict(
        db.execute(
            select(TrainerQuestionVersion.id, TrainerQuestionVersion.key).where(
                TrainerQuestionVersion.id.in_([i.version_id for i in items])
            )
        ).all()
    )
    seen = set(
        db.scalars(
            select(TrainerAttempt.question_id).where(
                TrainerAttempt.learner_id == exam.learner_id,
                TrainerAttempt.question_id.in_([i.question_id for i in items]),
            )
        )
    )
    for item in items:
        correct = item.choice is not None and item.choice == keys[item.version_id]
        db.add(
            TrainerAttempt(
                organization_id=exam.organization_id,
                learner_id=exam.learner_id,
                question_id=item.question_id,
                version_id=item.version_id,
                mode="exam",
                exam_id=exam.id,
                choice=item.choice,
                correct=correct,
                confidence=None,
                first_attempt=item.question_id not in seen,
                answered_at=item.answered_at or when,
            )
        )
        if item.choice is not None:
            _update_card(
                db, exam.organization_id, exam.learner_id, item.question_id, correct, None, when
            )
    db.flush()


@dataclass
class DomainResult:
    domain: str
    label: str
    questions: int = 0
    correct: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.questions) if self.questions else 0


@dataclass
class ExamResults:
    answered: int
    total: int
    correct: int
    domains: list[DomainResult] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.total) if self.total else 0


def exam_results(db: Session, exam: TrainerExam) -> ExamResults:
    items = exam_items(db, exam)
    keys = dict(
        db.execute(
            select(TrainerQuestionVersion.id, TrainerQuestionVersion.key).where(
                TrainerQuestionVersion.id.in_([i.version_id for i in items])
            )
        ).all()
    )
    by_domain = {d: DomainResult(d, label) for d, label in DOMAINS.items()}
    correct = 0
    for item in items:
        row = by_domain[item.domain]
        row.questions += 1
        if item.choice is not None and item.choice == keys[item.version_id]:
            row.correct += 1
            correct += 1
    return ExamResults(
        answered=sum(1 for i in items if i.choice),
        total=len(items),
        correct=correct,
        domains=[r for r in by_domain.values() if r.questions],
    )


# ---- authoring, import and export ------------------------------------------------------


def bank_questions(
    db: Session,
    viewer: Viewer,
    *,
    domain: str = "",
    topic: str = "",
    status: str = "active",
    source: str = "",
    text: str = "",
) -> list[QuestionView]:
    query = select(TrainerQuestion.id, TrainerQuestion.topics).where(_visible(viewer.org_id))
    if domain:
        query = query.where(TrainerQuestion.domain == domain)
    if status in ("active", "retired"):
        query = query.where(TrainerQuestion.status == status)
    if source == "shipped":
        query = query.where(TrainerQuestion.organization_id.is_(None))
    elif source == "organization":
        query = query.where(TrainerQuestion.organization_id == viewer.org_id)
    ids = [qid for qid, topics in db.execute(query) if not topic or topic in (topics or [])]
    views = _current(db, ids)
    needle = text.strip().casefold()
    rows = [
        v
        for v in views.values()
        if not needle or needle in v.stem.casefold() or needle in v.slug.casefold()
    ]
    return sorted(rows, key=lambda v: (v.source != "organization", v.slug))


def _next_org_slug(db: Session, viewer: Viewer) -> str:
    org = db.get(Organization, viewer.org_id)
    prefix = org.slug if org else f"org{viewer.org_id}"
    taken = set(
        db.scalars(
            select(TrainerQuestion.slug).where(TrainerQuestion.organization_id == viewer.org_id)
        )
    )
    n = len(taken) + 1
    while f"{prefix}-{n:03d}" in taken:
        n += 1
    return f"{prefix}-{n:03d}"


def _shipped_slugs(db: Session) -> set[str]:
    return set(
        db.scalars(select(TrainerQuestion.slug).where(TrainerQuestion.organization_id.is_(None)))
    )


def own_question(db: Session, viewer: Viewer, question_id: int) -> TrainerQuestion:
    """A question the trainer's organization authored (shipped ones are read-only here)."""
    question = visible_question(db, viewer, question_id)
    if question.organization_id != viewer.org_id:
        raise Invalid(
            "Shipped questions are read-only here: make an organization copy to change one.",
            errors={"question": "Shipped questions are read-only; make a copy to change one."},
        )
    return question


def _audit(
    db: Session, viewer: Viewer, action: str, question: TrainerQuestion, detail: str
) -> None:
    audit.record(
        db,
        viewer=viewer,
        action=action,
        record_type="trainer_question",
        record_id=question.id,
        allowed=True,
        detail=detail,
    )


def create_question(
    db: Session, viewer: Viewer, data: QuestionData, *, origin: str = "web"
) -> TrainerQuestion:
    now = utcnow()
    if data.id in _shipped_slugs(db):
        raise Invalid(
            f"{data.id} is a shipped question's id; give your question its own id.",
            errors={"id": "That id belongs to a shipped question."},
        )
    exists = db.scalar(
        select(TrainerQuestion.id).where(
            TrainerQuestion.organization_id == viewer.org_id, TrainerQuestion.slug == data.id
        )
    )
    if exists:
        raise Invalid(f"{data.id} is already used.", errors={"id": "That id is already used."})
    question = TrainerQuestion(
        organization_id=viewer.org_id,
        slug=data.id,
        source="organization",
        status="active",
        current_version=1,
        created_at=now,
        updated_at=now,
    )
    _mirror(question, data)
    db.add(question)
    db.flush()
    db.add(
        TrainerQuestionVersion(
            question_id=question.id,
            number=1,
            content_hash=data.content_hash(),
            origin=origin,
            created_by_id=viewer.user.id,
            created_at=now,
            **_version_fields(data),
        )
    )
    db.flush()
    _audit(db, viewer, "trainer.question.create", question, f"{data.id} ({origin})")
    return question


def new_question_data(db: Session, viewer: Viewer, fields: dict[str, Any]) -> dict[str, Any]:
    """Form or API fields for a new question, with a fresh id when none was given."""
    return {**fields, "id": fields.get("id") or _next_org_slug(db, viewer)}


def edit_question(
    db: Session,
    viewer: Viewer,
    question: TrainerQuestion,
    data: QuestionData,
    *,
    origin: str = "web",
    expected_version: int | None = None,
) -> bool:
    """Save an edit as a new version; False when nothing changed (no new version)."""
    if expected_version is not None and expected_version != question.current_version:
        raise Conflict(
            "Someone saved a newer version of this question while you were editing. Nothing "
            "was overwritten: open it again to edit from the newest version."
        )
    data = data.model_copy(update={"id": question.slug})
    current = db.scalar(
        select(TrainerQuestionVersion).where(
            TrainerQuestionVersion.question_id == question.id,
            TrainerQuestionVersion.number == question.current_version,
        )
    )
    digest = data.content_hash()
    if current is not None and current.content_hash == digest:
        return False
    now = utcnow()
    question.current_version += 1
    question.updated_at = now
    _mirror(question, data)
    db.add(
        TrainerQuestionVersion(
            question_id=question.id,
            number=question.current_version,
            content_hash=digest,
            origin=origin,
            created_by_id=viewer.user.id,
            created_at=now,
            **_version_fields(data),
        )
    )
    db.flush()
    _audit(
        db,
        viewer,
        "trainer.question.edit",
        question,
        f"{question.slug} v{question.current_version}",
    )
    return True


def set_status(db: Session, viewer: Viewer, question: TrainerQuestion, status: str) -> None:
    question.status = status
    question.updated_at = utcnow()
    db.flush()
    _audit(
        db,
        viewer,
        f"trainer.question.{'retire' if status == 'retired' else 'restore'}",
        question,
        question.slug,
    )


def export_text(db: Session, viewer: Viewer, fmt: str, *, source: str = "") -> str:
    views = bank_questions(db, viewer, status="active", source=source)
    data = [v.as_data() for v in views]
    return to_csv(data) if fmt == "csv" else to_yaml(data)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def import_text(db: Session, viewer: Viewer, text: str, fmt: str, source: str) -> ImportResult:
    """Create or update the organization's questions from YAML or CSV. All or nothing: any
    problem refuses the whole file with every problem listed."""
    try:
        items = parse_csv(text, source) if fmt == "csv" else parse_yaml(text, source)
    except BankError as exc:
        raise Invalid(
            "Nothing was imported: please fix these problems and try again.",
            errors={"text": " | ".join(exc.problems[:20])},
        ) from None
    shipped = _shipped_slugs(db)
    clash = [q.id for q in items if q.id in shipped]
    if clash:
        raise Invalid(
            "Nothing was imported: these ids belong to shipped questions; give your copies "
            f"their own ids: {', '.join(clash[:10])}.",
            errors={"text": f"ids of shipped questions: {', '.join(clash[:10])}"},
        )
    own = {
        q.slug: q
        for q in db.scalars(
            select(TrainerQuestion).where(TrainerQuestion.organization_id == viewer.org_id)
        )
    }
    result = ImportResult()
    for data in items:
        question = own.get(data.id)
        if question is None:
            create_question(db, viewer, data, origin="import")
            result.created += 1
        elif edit_question(db, viewer, question, data, origin="import"):
            result.updated += 1
        else:
            result.unchanged += 1
    audit.record(
        db,
        viewer=viewer,
        action="trainer.question.import",
        record_type="trainer_bank",
        record_id=source[:64],
        allowed=True,
        detail=f"{result.created} new, {result.updated} updated, {result.unchanged} unchanged",
    )
    return result


# ---- item analysis and problem reports ---------------------------------------------------


@dataclass(frozen=True)
class ItemRow:
    view: QuestionView
    stats: stats.ItemStats | None
    open_reports: int


def item_analysis(db: Session, viewer: Viewer) -> list[ItemRow]:
    """Aggregated statistics over this organization's learners' first attempts at each
    question's current version. No learner is named or ranked."""
    cfg = config().analysis
    views = _current(
        db,
        list(
            db.scalars(
                select(TrainerQuestion.id).where(
                    _visible(viewer.org_id), TrainerQuestion.status == "active"
                )
            )
        ),
    )
    current_versions = {v.version_id: v.question_id for v in views.values()}
    rows = db.execute(
        select(
            TrainerAttempt.learner_id,
            TrainerAttempt.question_id,
            TrainerAttempt.version_id,
            TrainerAttempt.choice,
            TrainerAttempt.correct,
        ).where(
            TrainerAttempt.organization_id == viewer.org_id,
            TrainerAttempt.first_attempt.is_(True),
        )
    ).all()
    responses = [
        stats.Response(lid, qid, choice, bool(correct))
        for lid, qid, vid, choice, correct in rows
        if vid in current_versions
    ]
    computed = stats.item_analysis(
        responses,
        {v.question_id: v.key for v in views.values()},
        min_sample=cfg.min_sample,
        facility_high=cfg.facility_high,
        facility_low=cfg.facility_low,
        discrimination_low=cfg.discrimination_low,
    )
    reports = dict(
        db.execute(
            select(TrainerReport.question_id, func.count(TrainerReport.id))
            .where(
                TrainerReport.organization_id == viewer.org_id,
                TrainerReport.resolved_at.is_(None),
            )
            .group_by(TrainerReport.question_id)
        ).all()
    )
    out = [ItemRow(v, computed.get(qid), reports.get(qid, 0)) for qid, v in views.items()]
    return sorted(
        out,
        key=lambda r: (
            -(len(r.stats.flags) if r.stats else 0),
            -r.open_reports,
            -(r.stats.n if r.stats else 0),
            r.view.slug,
        ),
    )


def report_problem(
    db: Session, viewer: Viewer, attempt: TrainerAttempt, text: str
) -> TrainerReport:
    text = text.strip()
    if not 5 <= len(text) <= 2000:
        raise Invalid(
            "Please describe the problem in a few words (up to 2000 characters).",
            errors={"text": "Please describe the problem in a few words (5 to 2000 characters)."},
        )
    report = TrainerReport(
        organization_id=viewer.org_id,
        reporter_id=viewer.user.id,
        question_id=attempt.question_id,
        version_id=attempt.version_id,
        text=text,
    )
    db.add(report)
    db.flush()
    return report


@dataclass(frozen=True)
class ReportRow:
    report: TrainerReport
    view: QuestionView


def reports(db: Session, viewer: Viewer, *, open_only: bool = True) -> list[ReportRow]:
    query = select(TrainerReport).where(TrainerReport.organization_id == viewer.org_id)
    if open_only:
        query = query.where(TrainerReport.resolved_at.is_(None))
    rows = list(
        db.scalars(query.order_by(TrainerReport.created_at.desc(), TrainerReport.id.desc()))
    )
    return [ReportRow(r, version_view(db, r.version_id)) for r in rows]


def resolve_report(db: Session, viewer: Viewer, report_id: int, resolution: str) -> TrainerReport:
    report = db.get(TrainerReport, report_id)
    if report is None or report.organization_id != viewer.org_id:
        raise NotFound()
    resolution = resolution.strip()
    if not 2 <= len(resolution) <= 2000:
        raise Invalid(
            "Please say briefly what was done.",
            errors={"resolution": "Please say briefly what was done (2 to 2000 characters)."},
        )
    if report.resolved_at is not None:
        raise Conflict("This report was already resolved.")
    report.resolved_at = utcnow()
    report.resolved_by_id = viewer.user.id
    report.resolution = resolution
    db.flush()
    audit.record(
        db,
        viewer=viewer,
        action="trainer.report.resolve",
        record_type="trainer_report",
        record_id=report.id,
        allowed=True,
    )
    return report
