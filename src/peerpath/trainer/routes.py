"""Pages and JSON API of the exam trainer.

Learners (trainees and peer specialists) practise, review, take mock exams and see their own
readiness; study notes are open to learners and trainers; trainers (supervisors and admins)
author questions, import and export, read item analysis and resolve problem reports, and set
extended-time accommodations. Every form works without JavaScript (POST, then redirect with a
flash, or the page again with field errors). Pages and API call the same service functions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy import select
from starlette.datastructures import FormData

from peerpath.core.audit import Viewer
from peerpath.core.deps import DbSession, RecordId, TraineeViewer, role_required
from peerpath.core.errors import Conflict, Invalid, NotFound
from peerpath.core.templating import redirect, render
from peerpath.core.unit_of_work import UnitOfWorkRoute
from peerpath.db.base import utcnow
from peerpath.db.models import Role
from peerpath.db.models.trainer import TrainerAttempt, TrainerCard, TrainerExam, TrainerQuestion
from peerpath.trainer import notes as study_notes
from peerpath.trainer import service
from peerpath.trainer.config import config
from peerpath.trainer.loader import CSV_COLUMNS, QuestionData, field_errors
from peerpath.trainer.schemas import (
    AnswerIn,
    DomainEstimate,
    DomainScore,
    ExamAnswerIn,
    ExamItemOut,
    ExamOut,
    ExamResultsOut,
    ExamStart,
    ExamSubmitIn,
    ExamSummary,
    Feedback,
    NextQuestion,
    OptionAsked,
    OptionFeedback,
    QuestionAsked,
    QuestionOut,
    QuestionWrite,
    Readiness,
)
from peerpath.trainer.vocabulary import (
    COMPETENCIES,
    CONTENT_NOTES,
    DOMAINS,
    LETTERS,
    LEVELS,
    STUDY_NOTES,
    TOPICS,
    topic_label,
)

pages = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
api = APIRouter(route_class=UnitOfWorkRoute, tags=["exam trainer"])

TrainerViewer = Annotated[Viewer, Depends(role_required(Role.SUPERVISOR, Role.ADMIN))]
StudyViewer = Annotated[
    Viewer,
    Depends(role_required(Role.TRAINEE, Role.PEER_SPECIALIST, Role.SUPERVISOR, Role.ADMIN)),
]
LearnerViewer = TraineeViewer

NOT_A_SCORE = "Percent correct by domain from this practice exam. It is not a scaled exam score."
ESTIMATE_LABEL = "An estimate from your practice, not an official score prediction."


async def posted_form(request: Request) -> FormData:
    return await request.form()


PostedForm = Annotated[FormData, Depends(posted_form)]


def _text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def _vocab() -> dict[str, Any]:
    return {
        "DOMAINS": DOMAINS,
        "TOPICS": [(t, topic_label(t)) for t in TOPICS],
        "topic_label": topic_label,
        "CONTENT_NOTES": CONTENT_NOTES,
        "LEVELS": LEVELS,
        "COMPETENCIES": COMPETENCIES,
        "STUDY_NOTES": STUDY_NOTES,
        "LETTERS": LETTERS,
    }


def _page(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    return render(request, f"trainer/{template}", {**_vocab(), **context}, status_code=status_code)


def _filter(domain: str, topic: str) -> service.Filter:
    return service.Filter(
        domain=domain if domain in DOMAINS else "", topic=topic if topic in TOPICS else ""
    )


def _seconds_left(exam: TrainerExam, now: datetime) -> int:
    if exam.submitted_at is not None:
        return 0
    return max(0, int((exam.deadline - now).total_seconds()))


# ---- learner home, practice and review ---------------------------------------------------


@pages.get("/training")
def home(request: Request, db: DbSession, viewer: LearnerViewer) -> Response:
    state = service.review_state(db, viewer)
    return _page(
        request,
        "home.html",
        {
            "title": "Exam practice",
            "review": state,
            "readiness": service.readiness(db, viewer),
            "estimate_label": ESTIMATE_LABEL,
            "exams": service.exams(db, viewer)[:3],
            "blueprints": config().blueprints,
            "default_blueprint": config().default_blueprint,
            "recent": service.recent_attempts(db, viewer, 5),
        },
    )


def _question_page(
    request: Request,
    question: service.QuestionView | None,
    *,
    mode: str,
    flt: service.Filter,
    show: bool,
    review: service.ReviewState | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    title = "Daily review" if mode == "review" else "Practice"
    return _page(
        request,
        "question.html",
        {
            "title": title,
            "q": question,
            "mode": mode,
            "flt": flt,
            "show": show or (question is not None and not question.content_note),
            "review": review,
            "errors": errors or {},
        },
        status_code,
    )


@pages.get("/training/practice")
def practice(
    request: Request,
    db: DbSession,
    viewer: LearnerViewer,
    domain: str = "",
    topic: str = "",
    question: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    show: bool = False,
) -> Response:
    flt = _filter(domain, topic)
    if question is not None:
        view: service.QuestionView | None = service.question_view(db, viewer, question)
        if view is not None and view.status != "active":
            raise NotFound()
    else:
        view = service.next_practice(db, viewer, flt)
    return _question_page(request, view, mode="practice", flt=flt, show=show)


@pages.get("/training/review")
def review_page(
    request: Request, db: DbSession, viewer: LearnerViewer, show: bool = False
) -> Response:
    state = service.review_state(db, viewer)
    return _question_page(
        request, state.question, mode="review", flt=service.Filter(), show=show, review=state
    )


def _id(value: str) -> int | None:
    return int(value) if value.isdigit() and 0 < int(value) <= 2_147_483_647 else None


@pages.post("/training/practice/answer")
def practice_answer(
    request: Request, db: DbSession, viewer: LearnerViewer, form: PostedForm
) -> Response:
    question_id, version_id = _id(_text(form, "question_id")), _id(_text(form, "version_id"))
    mode = "review" if _text(form, "mode") == "review" else "practice"
    flt = _filter(_text(form, "domain"), _text(form, "topic"))
    if question_id is None or version_id is None:
        raise Invalid("That answer did not say which question it was for.")
    confidence = _text(form, "confidence") or None
    try:
        attempt = service.answer(
            db,
            viewer,
            question_id=question_id,
            version_id=version_id,
            choice=_text(form, "choice"),
            confidence=confidence,
            mode=mode,
        )
    except Invalid as exc:
        view = service.version_view(db, version_id)
        if view.question_id != question_id:
            raise NotFound() from None
        return _question_page(
            request, view, mode=mode, flt=flt, show=True, errors=exc.errors, status_code=422
        )
    query = flt.query()
    return redirect(f"/training/attempts/{attempt.id}" + (f"?{query}" if query else ""))


@pages.post("/training/practice/skip")
def practice_skip(
    request: Request, db: DbSession, viewer: LearnerViewer, form: PostedForm
) -> Response:
    question_id = _id(_text(form, "question_id"))
    if question_id is None:
        raise Invalid("That did not say which question to skip.")
    service.skip(db, viewer, question_id)
    flt = _filter(_text(form, "domain"), _text(form, "topic"))
    target = "/training/review" if _text(form, "mode") == "review" else "/training/practice"
    query = flt.query()
    return redirect(target + (f"?{query}" if query else ""), request, "Skipped. Here is another.")


def _feedback(db: DbSession, attempt: TrainerAttempt) -> tuple[service.QuestionView, Feedback]:
    view = service.version_view(db, attempt.version_id)
    card = db.scalar(
        select(TrainerCard.due).where(
            TrainerCard.learner_id == attempt.learner_id,
            TrainerCard.question_id == attempt.question_id,
        )
    )
    return view, Feedback(
        attempt_id=attempt.id,
        correct=attempt.correct,
        key=view.key,
        choice=attempt.choice,
        options=[
            OptionFeedback(
                letter=letter,
                text=o["text"],
                explanation=o["explanation"],
                is_key=letter == view.key,
                chosen=letter == attempt.choice,
            )
            for letter, o in view.letters
        ],
        study_note_url=f"/training/notes/{view.study_note}",
        next_review=card,
    )


@pages.get("/training/attempts/{attempt_id}")
def attempt_page(
    request: Request,
    db: DbSession,
    viewer: LearnerViewer,
    attempt_id: RecordId,
    domain: str = "",
    topic: str = "",
) -> Response:
    attempt = service.own_attempt(db, viewer, attempt_id)
    return _feedback_page(request, db, attempt, _filter(domain, topic))


def _feedback_page(
    request: Request,
    db: DbSession,
    attempt: TrainerAttempt,
    flt: service.Filter,
    *,
    report_text: str = "",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    view, feedback = _feedback(db, attempt)
    note = study_notes.note(view.study_note)
    query = flt.query()
    next_url = "/training/review" if attempt.mode == "review" else "/training/practice"
    return _page(
        request,
        "feedback.html",
        {
            "title": "Your answer",
            "attempt": attempt,
            "q": view,
            "fb": feedback,
            "note": note,
            "next_url": next_url + (f"?{query}" if query and attempt.mode != "review" else ""),
            "report_text": report_text,
            "errors": errors or {},
        },
        status_code,
    )


@pages.post("/training/attempts/{attempt_id}/report")
def attempt_report(
    request: Request, db: DbSession, viewer: LearnerViewer, attempt_id: RecordId, form: PostedForm
) -> Response:
    attempt = service.own_attempt(db, viewer, attempt_id)
    text = _text(form, "text")
    try:
        service.report_problem(db, viewer, attempt, text)
    except Invalid as exc:
        return _feedback_page(
            request,
            db,
            attempt,
            service.Filter(),
            report_text=text,
            errors=exc.errors,
            status_code=422,
        )
    return redirect(
        f"/training/attempts/{attempt.id}",
        request,
        "Thank you: your report went to your organization's trainers.",
    )


# ---- learner settings -------------------------------------------------------------------


@pages.get("/training/settings")
def settings_page(request: Request, db: DbSession, viewer: LearnerViewer) -> Response:
    return _page(
        request,
        "settings.html",
        {"title": "My trainer settings", "s": service.learner_settings(db, viewer), "errors": {}},
    )


@pages.post("/training/settings")
def settings_save(
    request: Request, db: DbSession, viewer: LearnerViewer, form: PostedForm
) -> Response:
    kinds = [k for k in form.getlist("always_skip") if isinstance(k, str)]
    if _text(form, "form") != "settings":
        raise Invalid(
            "Nothing was saved: please use the settings form.",
            errors={"always_skip": "Please use the settings form."},
        )
    service.save_always_skip(db, viewer, kinds)
    return redirect("/training/settings", request, "Your trainer settings are saved.")


# ---- study notes ------------------------------------------------------------------------


@pages.get("/training/notes")
def notes_index(request: Request, viewer: StudyViewer) -> Response:
    return _page(request, "notes.html", {"title": "Study notes", "notes": study_notes.all_notes()})


@pages.get("/training/notes/{slug}")
def note_page(request: Request, viewer: StudyViewer, slug: str) -> Response:
    note = study_notes.note(slug)
    if note is None:
        raise NotFound()
    return _page(request, "note.html", {"title": note.title, "note": note})


# ---- mock exams -------------------------------------------------------------------------


@pages.get("/training/exams")
def exams_page(request: Request, db: DbSession, viewer: LearnerViewer) -> Response:
    return _exams_page(request, db, viewer, {})


def _exams_page(
    request: Request,
    db: DbSession,
    viewer: Viewer,
    errors: dict[str, str],
    message: str = "",
    status_code: int = 200,
) -> Response:
    return _page(
        request,
        "exams.html",
        {
            "title": "Mock exams",
            "exams": service.exams(db, viewer),
            "blueprints": config().blueprints,
            "default_blueprint": config().default_blueprint,
            "settings": service.learner_settings(db, viewer),
            "errors": errors,
            "message": message,
        },
        status_code,
    )


@pages.post("/training/exams")
def exam_start(
    request: Request, db: DbSession, viewer: LearnerViewer, form: PostedForm
) -> Response:
    try:
        exam = service.start_exam(db, viewer, _text(form, "blueprint"))
    except Invalid as exc:
        return _exams_page(request, db, viewer, exc.errors, exc.message, 422)
    return redirect(f"/training/exams/{exam.id}/questions/1")


def _exam_context(db: DbSession, exam: TrainerExam) -> dict[str, Any]:
    items = service.exam_items(db, exam)
    now = utcnow()
    return {
        "exam": exam,
        "items": items,
        "answered": sum(1 for i in items if i.choice),
        "flagged": sum(1 for i in items if i.flagged),
        "seconds_left": _seconds_left(exam, now),
        "minutes_left": (_seconds_left(exam, now) + 59) // 60,
        "deadline_iso": exam.deadline.isoformat(),
    }


@pages.get("/training/exams/{exam_id}")
def exam_page(
    request: Request, db: DbSession, viewer: LearnerViewer, exam_id: RecordId
) -> Response:
    exam = service.own_exam(db, viewer, exam_id)
    context = _exam_context(db, exam)
    if exam.submitted_at is None:
        return _page(request, "exam_nav.html", {"title": exam.title, **context})
    return _page(
        request,
        "exam_results.html",
        {
            "title": f"{exam.title}: results",
            "results": service.exam_results(db, exam),
            "not_a_score": NOT_A_SCORE,
            **context,
        },
    )


@pages.get("/training/exams/{exam_id}/questions/{position}")
def exam_question(
    request: Request,
    db: DbSession,
    viewer: LearnerViewer,
    exam_id: RecordId,
    position: RecordId,
) -> Response:
    exam = service.own_exam(db, viewer, exam_id)
    if exam.submitted_at is not None:
        return redirect(f"/training/exams/{exam.id}", request, "This exam has ended.")
    return _exam_question_page(request, db, exam, position, {})


def _exam_question_page(
    request: Request,
    db: DbSession,
    exam: TrainerExam,
    position: int,
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    item = service.exam_item(db, exam, position)
    view = service.version_view(db, item.version_id)
    context = _exam_context(db, exam)
    return _page(
        request,
        "exam_question.html",
        {
            "title": f"{exam.title}: question {position} of {len(context['items'])}",
            "item": item,
            "q": view,
            "errors": errors,
            **context,
        },
        status_code,
    )


@pages.post("/training/exams/{exam_id}/questions/{position}")
def exam_question_save(
    request: Request,
    db: DbSession,
    viewer: LearnerViewer,
    exam_id: RecordId,
    position: RecordId,
    form: PostedForm,
) -> Response:
    exam = service.own_exam(db, viewer, exam_id)
    choice = _text(form, "choice") or None
    flagged = (_text(form, "flag") == "yes") if _text(form, "flag_present") else None
    try:
        service.save_exam_answer(db, exam, position, choice=choice, flagged=flagged)
    except Conflict:
        return redirect(f"/training/exams/{exam.id}", request, "This exam has ended.")
    except Invalid as exc:
        return _exam_question_page(request, db, exam, position, exc.errors, 422)
    total = len(service.exam_items(db, exam))
    go = _text(form, "go")
    if go == "prev" and position > 1:
        target = f"/training/exams/{exam.id}/questions/{position - 1}"
    elif go == "next" and position < total:
        target = f"/training/exams/{exam.id}/questions/{position + 1}"
    elif go in ("nav", "next"):
        target = f"/training/exams/{exam.id}"
    elif go == "submit":
        target = f"/training/exams/{exam.id}/submit"
    else:
        target = f"/training/exams/{exam.id}/questions/{position}"
    return redirect(target)


@pages.get("/training/exams/{exam_id}/submit")
def exam_submit_confirm(
    request: Request, db: DbSession, viewer: LearnerViewer, exam_id: RecordId
) -> Response:
    exam = service.own_exam(db, viewer, exam_id)
    if exam.submitted_at is not None:
        return redirect(f"/training/exams/{exam.id}", request, "This exam has ended.")
    return _page(
        request,
        "exam_submit.html",
        {"title": "Submit this exam?", "errors": {}, **_exam_context(db, exam)},
    )


@pages.post("/training/exams/{exam_id}/submit")
def exam_submit(
    request: Request, db: DbSession, viewer: LearnerViewer, exam_id: RecordId, form: PostedForm
) -> Response:
    exam = service.own_exam(db, viewer, exam_id)
    if exam.submitted_at is not None:
        return redirect(f"/training/exams/{exam.id}", request, "This exam has ended.")
    if _text(form, "confirm") != "yes":
        return _page(
            request,
            "exam_submit.html",
            {
                "title": "Submit this exam?",
                "errors": {"confirm": "Please confirm that you want to submit."},
                **_exam_context(db, exam),
            },
            422,
        )
    service.submit_exam(db, exam)
    return redirect(f"/training/exams/{exam.id}", request, "Submitted. Here are your results.")


@pages.get("/training/exams/{exam_id}/review")
def exam_review(
    request: Request, db: DbSession, viewer: LearnerViewer, exam_id: RecordId
) -> Response:
    exam = service.own_exam(db, viewer, exam_id)
    if exam.submitted_at is None:
        return redirect(
            f"/training/exams/{exam.id}", request, "The review opens once the exam is submitted."
        )
    items = service.exam_items(db, exam)
    rows = [(item, service.version_view(db, item.version_id)) for item in items]
    return _page(
        request,
        "exam_review.html",
        {"title": f"{exam.title}: review", "exam": exam, "rows": rows},
    )


# ---- trainer tools: the bank ------------------------------------------------------------


@pages.get("/training/bank")
def bank_page(
    request: Request,
    db: DbSession,
    viewer: TrainerViewer,
    domain: str = "",
    topic: str = "",
    status: str = "active",
    source: str = "",
    q: str = "",
) -> Response:
    status = status if status in ("active", "retired", "all") else "active"
    rows = service.bank_questions(
        db,
        viewer,
        domain=domain if domain in DOMAINS else "",
        topic=topic if topic in TOPICS else "",
        status=status,
        source=source,
        text=q[:200],
    )
    return _page(
        request,
        "bank.html",
        {
            "title": "Question bank",
            "rows": rows,
            "f": {"domain": domain, "topic": topic, "status": status, "source": source, "q": q},
        },
    )


def _form_fields(form: FormData) -> dict[str, Any]:
    difficulty = _text(form, "difficulty")
    return {
        "domain": _text(form, "domain"),
        "competencies": [c for c in form.getlist("competencies") if isinstance(c, str)],
        "topics": [t for t in form.getlist("topics") if isinstance(t, str)],
        "level": _text(form, "level"),
        "difficulty": int(difficulty) if difficulty.isdigit() else difficulty,
        "content_note": _text(form, "content_note") or None,
        "study_note": _text(form, "study_note"),
        "stem": _text(form, "stem"),
        "options": [
            {
                "text": _text(form, f"option_{x}_text"),
                "explanation": _text(form, f"option_{x}_explanation"),
            }
            for x in LETTERS
        ],
        "key": _text(form, "key"),
    }


def _values(view: service.QuestionView | None) -> dict[str, Any]:
    if view is None:
        return {
            "domain": "",
            "competencies": [],
            "topics": [],
            "level": "application",
            "difficulty": 2,
            "content_note": None,
            "study_note": "",
            "stem": "",
            "options": [{"text": "", "explanation": ""} for _ in LETTERS],
            "key": "",
        }
    return view.as_data().model_dump(exclude={"id"})


def _question_form(
    request: Request,
    *,
    question_id: int | None,
    values: dict[str, Any],
    errors: dict[str, str],
    version: int | None = None,
    copied_from: str = "",
    status_code: int = 200,
) -> Response:
    return _page(
        request,
        "bank_form.html",
        {
            "title": "Edit question" if question_id else "New question",
            "question_id": question_id,
            "v": values,
            "errors": errors,
            "message": "Nothing was saved yet: please look at the parts marked below."
            if errors
            else "",
            "version": version,
            "copied_from": copied_from,
        },
        status_code,
    )


@pages.get("/training/bank/new")
def bank_new(
    request: Request,
    db: DbSession,
    viewer: TrainerViewer,
    copy: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> Response:
    view = service.question_view(db, viewer, copy) if copy else None
    return _question_form(
        request,
        question_id=None,
        values=_values(view),
        errors={},
        copied_from=view.slug if view else "",
    )


@pages.post("/training/bank")
def bank_create(
    request: Request, db: DbSession, viewer: TrainerViewer, form: PostedForm
) -> Response:
    fields = _form_fields(form)
    data, errors = field_errors(service.new_question_data(db, viewer, fields))
    if data is None:
        return _question_form(
            request, question_id=None, values=fields, errors=errors, status_code=422
        )
    question = service.create_question(db, viewer, data, origin="web")
    return redirect(f"/training/bank/{question.id}", request, f"Question {question.slug} created.")


@pages.get("/training/bank/export")
def bank_export(
    db: DbSession, viewer: TrainerViewer, format: str = "yaml", source: str = ""
) -> Response:
    fmt = "csv" if format == "csv" else "yaml"
    text = service.export_text(db, viewer, fmt, source=source)
    media = "text/csv" if fmt == "csv" else "application/x-yaml"
    return Response(
        text,
        media_type=f"{media}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="peerpath-questions.{fmt}"'},
    )


@pages.get("/training/bank/import")
def bank_import_page(request: Request, viewer: TrainerViewer) -> Response:
    return _page(
        request,
        "bank_import.html",
        {"title": "Import questions", "errors": {}, "message": "", "columns": CSV_COLUMNS},
    )


@pages.post("/training/bank/import")
def bank_import(
    request: Request, db: DbSession, viewer: TrainerViewer, form: PostedForm
) -> Response:
    text = _text(form, "text")
    source = "pasted text"
    fmt = "csv" if _text(form, "format") == "csv" else "yaml"
    if not text or len(text) > 5_000_000:
        errors = {"text": "Please paste the questions (up to 5 MB)."}
        return _page(
            request,
            "bank_import.html",
            {
                "title": "Import questions",
                "errors": errors,
                "message": "Nothing was imported.",
                "columns": CSV_COLUMNS,
            },
            422,
        )
    try:
        result = service.import_text(db, viewer, text, fmt, source)
    except Invalid as exc:
        return _page(
            request,
            "bank_import.html",
            {
                "title": "Import questions",
                "errors": exc.errors,
                "message": exc.message,
                "columns": CSV_COLUMNS,
            },
            422,
        )
    return redirect(
        "/training/bank?source=organization",
        request,
        f"Imported: {result.created} new, {result.updated} updated (new versions), "
        f"{result.unchanged} unchanged.",
    )


@pages.get("/training/bank/{question_id}")
def bank_question(
    request: Request, db: DbSession, viewer: TrainerViewer, question_id: RecordId
) -> Response:
    question = service.visible_question(db, viewer, question_id)
    view = service.question_view(db, viewer, question_id)
    versions = service.question_versions(db, question)
    return _page(
        request,
        "bank_question.html",
        {
            "title": f"Question {question.slug}",
            "question": question,
            "q": view,
            "versions": versions,
            "own": question.organization_id == viewer.org_id,
        },
    )


@pages.get("/training/bank/{question_id}/edit")
def bank_edit(
    request: Request, db: DbSession, viewer: TrainerViewer, question_id: RecordId
) -> Response:
    question = service.visible_question(db, viewer, question_id)
    if question.organization_id != viewer.org_id:
        return redirect(
            f"/training/bank/new?copy={question.id}",
            request,
            "Shipped questions are read-only here; this is an organization copy to edit.",
        )
    view = service.question_view(db, viewer, question_id)
    return _question_form(
        request,
        question_id=question.id,
        values=_values(view),
        errors={},
        version=question.current_version,
    )


@pages.post("/training/bank/{question_id}")
def bank_save(
    request: Request, db: DbSession, viewer: TrainerViewer, question_id: RecordId, form: PostedForm
) -> Response:
    question = service.visible_question(db, viewer, question_id)
    fields = _form_fields(form)
    version = _text(form, "version")
    if question.organization_id != viewer.org_id:
        return _question_form(
            request,
            question_id=question.id,
            values=fields,
            errors={"question": "Shipped questions are read-only; make a copy to change one."},
            status_code=422,
        )
    data, errors = field_errors({**fields, "id": question.slug})
    if not version.isdigit():
        errors["version"] = "This form is out of date; please open the question again."
    if data is None or errors:
        return _question_form(
            request,
            question_id=question.id,
            values=fields,
            errors=errors,
            version=question.current_version,
            status_code=422,
        )
    changed = service.edit_question(
        db, viewer, question, data, origin="web", expected_version=int(version)
    )
    message = f"Saved as version {question.current_version}." if changed else "No changes to save."
    return redirect(f"/training/bank/{question.id}", request, message)


@pages.get("/training/bank/{question_id}/retire")
def bank_retire_confirm(
    request: Request, db: DbSession, viewer: TrainerViewer, question_id: RecordId
) -> Response:
    question = service.own_question(db, viewer, question_id)
    view = service.question_view(db, viewer, question_id)
    return _page(
        request,
        "bank_retire.html",
        {"title": f"Retire {question.slug}?", "question": question, "q": view, "errors": {}},
    )


@pages.post("/training/bank/{question_id}/retire")
def bank_retire(
    request: Request, db: DbSession, viewer: TrainerViewer, question_id: RecordId, form: PostedForm
) -> Response:
    question = service.own_question(db, viewer, question_id)
    if _text(form, "confirm") != "yes":
        view = service.question_view(db, viewer, question_id)
        return _page(
            request,
            "bank_retire.html",
            {
                "title": f"Retire {question.slug}?",
                "question": question,
                "q": view,
                "errors": {"confirm": "Please confirm that you want to retire this question."},
            },
            422,
        )
    service.set_status(db, viewer, question, "retired")
    return redirect(
        f"/training/bank/{question.id}",
        request,
        "Retired: learners will not see it. You can bring it back from this page.",
    )


@pages.post("/training/bank/{question_id}/restore")
def bank_restore(
    request: Request, db: DbSession, viewer: TrainerViewer, question_id: RecordId, form: PostedForm
) -> Response:
    question = service.own_question(db, viewer, question_id)
    if question.status != "retired":
        raise Invalid("This question is already in use.", errors={"status": "Already active."})
    service.set_status(db, viewer, question, "active")
    return redirect(f"/training/bank/{question.id}", request, "Back in use.")


@pages.get("/training/analysis")
def analysis_page(
    request: Request, db: DbSession, viewer: TrainerViewer, flagged: bool = False
) -> Response:
    rows = service.item_analysis(db, viewer)
    if flagged:
        rows = [r for r in rows if (r.stats and r.stats.flags) or r.open_reports]
    return _page(
        request,
        "analysis.html",
        {
            "title": "Item analysis",
            "rows": rows,
            "flagged": flagged,
            "cfg": config().analysis,
        },
    )


@pages.get("/training/reports")
def reports_page(
    request: Request, db: DbSession, viewer: TrainerViewer, show: str = "open"
) -> Response:
    return _reports_page(request, db, viewer, show == "all", {}, 0)


def _reports_page(
    request: Request,
    db: DbSession,
    viewer: Viewer,
    show_all: bool,
    errors: dict[str, str],
    report_id: int,
    status_code: int = 200,
) -> Response:
    return _page(
        request,
        "reports.html",
        {
            "title": "Problem reports",
            "rows": service.reports(db, viewer, open_only=not show_all),
            "show_all": show_all,
            "errors": errors,
            "error_report_id": report_id,
        },
        status_code,
    )


@pages.post("/training/reports/{report_id}/resolve")
def report_resolve(
    request: Request, db: DbSession, viewer: TrainerViewer, report_id: RecordId, form: PostedForm
) -> Response:
    try:
        service.resolve_report(db, viewer, report_id, _text(form, "resolution"))
    except Invalid as exc:
        return _reports_page(request, db, viewer, False, exc.errors, report_id, 422)
    except Conflict:
        return redirect("/training/reports", request, "That report was already resolved.")
    return redirect("/training/reports", request, "Report resolved.")


@pages.get("/training/learners")
def learners_page(request: Request, db: DbSession, viewer: TrainerViewer) -> Response:
    return _page(
        request,
        "learners.html",
        {
            "title": "Exam accommodations",
            "rows": service.learners(db, viewer),
            "multipliers": service.MULTIPLIERS,
            "errors": {},
        },
    )


@pages.post("/training/learners/{learner_id}")
def learner_save(
    request: Request, db: DbSession, viewer: TrainerViewer, learner_id: RecordId, form: PostedForm
) -> Response:
    raw = _text(form, "time_multiplier")
    try:
        multiplier: float | None = float(raw)
    except ValueError:
        multiplier = None
    row = service.set_time_multiplier(db, viewer, learner_id, multiplier)
    return redirect(
        "/training/learners",
        request,
        f"Extended time for {row.display_name}: {row.time_multiplier:g} x the exam time.",
    )


# ---- API --------------------------------------------------------------------------------


def _asked(view: service.QuestionView, mode: str) -> QuestionAsked:
    return QuestionAsked(
        question_id=view.question_id,
        version_id=view.version_id,
        mode=mode,
        domain=view.domain,
        topics=view.topics,
        level=view.level,
        content_note=view.content_note,
        stem=view.stem,
        options=[OptionAsked(letter=x, text=o["text"]) for x, o in view.letters],
        study_note_url=f"/training/notes/{view.study_note}",
    )


@api.get("/training/next", response_model=NextQuestion)
def api_next(
    db: DbSession,
    viewer: LearnerViewer,
    mode: str = "practice",
    domain: str = "",
    topic: str = "",
) -> NextQuestion:
    if mode not in ("practice", "review"):
        raise Invalid("mode is practice or review.", errors={"mode": "practice or review"})
    if mode == "review":
        state = service.review_state(db, viewer)
        return NextQuestion(
            question=_asked(state.question, mode) if state.question else None,
            reviews_due=state.due,
            reviews_left_today=state.left_today,
            message="" if state.question else "No reviews due right now.",
        )
    view = service.next_practice(db, viewer, _filter(domain, topic))
    return NextQuestion(
        question=_asked(view, mode) if view else None,
        reviews_due=0,
        reviews_left_today=0,
        message="" if view else "No questions match this choice.",
    )


@api.post("/training/answers", response_model=Feedback, status_code=201)
def api_answer(db: DbSession, viewer: LearnerViewer, body: AnswerIn) -> Feedback:
    attempt = service.answer(
        db,
        viewer,
        question_id=body.question_id,
        version_id=body.version_id,
        choice=body.choice,
        confidence=body.confidence,
        mode=body.mode,
    )
    return _feedback(db, attempt)[1]


@api.get("/training/readiness", response_model=Readiness)
def api_readiness(db: DbSession, viewer: LearnerViewer) -> Readiness:
    return Readiness(
        domains=[
            DomainEstimate(
                domain=r.domain,
                label=r.label,
                attempts=r.estimate.attempts if r.estimate else 0,
                expected_share_correct=round(r.estimate.mean, 3) if r.estimate else None,
                interval_low=round(r.estimate.low, 3) if r.estimate else None,
                interval_high=round(r.estimate.high, 3) if r.estimate else None,
            )
            for r in service.readiness(db, viewer)
        ]
    )


def _exam_out(db: DbSession, exam: TrainerExam) -> ExamOut:
    items = service.exam_items(db, exam)
    results = None
    if exam.submitted_at is not None:
        r = service.exam_results(db, exam)
        results = ExamResultsOut(
            answered=r.answered,
            total=r.total,
            correct=r.correct,
            percent_correct=r.percent,
            domains=[
                DomainScore(
                    domain=d.domain,
                    label=d.label,
                    questions=d.questions,
                    correct=d.correct,
                    percent_correct=d.percent,
                )
                for d in r.domains
            ],
        )
    out_items = []
    for item in items:
        view = service.version_view(db, item.version_id)
        out_items.append(
            ExamItemOut(
                position=item.position,
                domain=item.domain,
                stem=view.stem,
                options=[OptionAsked(letter=x, text=o["text"]) for x, o in view.letters],
                choice=item.choice,
                flagged=item.flagged,
            )
        )
    return ExamOut(
        exam_id=exam.id,
        blueprint=exam.blueprint,
        title=exam.title,
        started_at=exam.started_at,
        deadline=exam.deadline,
        seconds_left=_seconds_left(exam, utcnow()),
        submitted_at=exam.submitted_at,
        ended_by=exam.ended_by,
        items=out_items,
        results=results,
    )


@api.get("/training/exams", response_model=list[ExamSummary])
def api_exams(db: DbSession, viewer: LearnerViewer) -> list[ExamSummary]:
    return [
        ExamSummary(
            exam_id=e.id, title=e.title, started_at=e.started_at, submitted_at=e.submitted_at
        )
        for e in service.exams(db, viewer)
    ]


@api.post("/training/exams", response_model=ExamOut, status_code=201)
def api_exam_start(db: DbSession, viewer: LearnerViewer, body: ExamStart) -> ExamOut:
    return _exam_out(db, service.start_exam(db, viewer, body.blueprint))


@api.get("/training/exams/{exam_id}", response_model=ExamOut)
def api_exam(db: DbSession, viewer: LearnerViewer, exam_id: RecordId) -> ExamOut:
    return _exam_out(db, service.own_exam(db, viewer, exam_id))


def _exam_gate(db: DbSession, viewer: LearnerViewer, exam_id: RecordId) -> TrainerExam:
    """The learner's own exam, resolved before the body is validated: anyone else gets 404."""
    return service.own_exam(db, viewer, exam_id)


def _question_gate(db: DbSession, viewer: TrainerViewer, question_id: RecordId) -> TrainerQuestion:
    """The organization's own question, resolved before the body is validated."""
    return service.own_question(db, viewer, question_id)


OwnExam = Annotated[TrainerExam, Depends(_exam_gate)]
OwnQuestion = Annotated[TrainerQuestion, Depends(_question_gate)]


@api.put("/training/exams/{exam_id}/items/{position}", response_model=ExamItemOut)
def api_exam_answer(
    db: DbSession, exam: OwnExam, position: RecordId, body: ExamAnswerIn
) -> ExamItemOut:
    item = service.save_exam_answer(db, exam, position, choice=body.choice, flagged=body.flagged)
    view = service.version_view(db, item.version_id)
    return ExamItemOut(
        position=item.position,
        domain=item.domain,
        stem=view.stem,
        options=[OptionAsked(letter=x, text=o["text"]) for x, o in view.letters],
        choice=item.choice,
        flagged=item.flagged,
    )


@api.post("/training/exams/{exam_id}/submit", response_model=ExamOut)
def api_exam_submit(db: DbSession, exam: OwnExam, body: ExamSubmitIn) -> ExamOut:
    service.submit_exam(db, exam)
    return _exam_out(db, exam)


def _question_out(view: service.QuestionView) -> QuestionOut:
    return QuestionOut(
        question_id=view.question_id,
        source=view.source,
        status=view.status,
        version=view.number,
        question=view.as_data(),
    )


def _validated_question(fields: dict[str, Any]) -> QuestionData:
    try:
        return QuestionData.model_validate(fields)
    except ValidationError:
        _, errors = field_errors(fields)
        raise Invalid("The question needs another look.", errors=errors) from None


@api.get("/training/questions", response_model=list[QuestionOut])
def api_questions(
    db: DbSession,
    viewer: TrainerViewer,
    domain: str = "",
    topic: str = "",
    status: str = "active",
    source: str = "",
) -> list[QuestionOut]:
    rows = service.bank_questions(
        db, viewer, domain=domain, topic=topic, status=status, source=source
    )
    return [_question_out(v) for v in rows]


@api.post("/training/questions", response_model=QuestionOut, status_code=201)
def api_question_create(db: DbSession, viewer: TrainerViewer, body: QuestionWrite) -> QuestionOut:
    fields = body.model_dump(exclude={"expected_version"})
    data = _validated_question(service.new_question_data(db, viewer, fields))
    question = service.create_question(db, viewer, data, origin="api")
    return _question_out(service.question_view(db, viewer, question.id))


@api.get("/training/questions/{question_id}", response_model=QuestionOut)
def api_question(db: DbSession, viewer: TrainerViewer, question_id: RecordId) -> QuestionOut:
    return _question_out(service.question_view(db, viewer, question_id))


@api.put("/training/questions/{question_id}", response_model=QuestionOut)
def api_question_edit(
    db: DbSession, viewer: TrainerViewer, question: OwnQuestion, body: QuestionWrite
) -> QuestionOut:
    fields = body.model_dump(exclude={"expected_version"})
    data = _validated_question({**fields, "id": question.slug})
    service.edit_question(
        db, viewer, question, data, origin="api", expected_version=body.expected_version
    )
    return _question_out(service.question_view(db, viewer, question.id))


@api.delete("/training/questions/{question_id}", response_model=QuestionOut)
def api_question_retire(db: DbSession, viewer: TrainerViewer, question_id: RecordId) -> QuestionOut:
    question = service.own_question(db, viewer, question_id)
    if question.status != "retired":
        service.set_status(db, viewer, question, "retired")
    return _question_out(service.question_view(db, viewer, question.id))
