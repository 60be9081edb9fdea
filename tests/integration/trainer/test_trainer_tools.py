"""Trainer tools: authoring with the same validation and versions, retire with confirmation,
import and export, item analysis, problem reports; the crisis line on every trainer page."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.db.models import AuditEvent, User
from peerpath.db.models.trainer import TrainerQuestion, TrainerQuestionVersion, TrainerReport
from tests.conftest import Browser

FORM: dict[str, Any] = {
    "domain": "recovery_wellness",
    "competencies": ["provides_support"],
    "topics": ["wellness-planning"],
    "level": "comprehension",
    "difficulty": "2",
    "content_note": "",
    "study_note": "wellness-crisis-planning",
    "stem": "Why does a wellness plan list early warning signs in the person's own words?",
    "option_A_text": "So the person and supporters recognise them early",
    "option_A_explanation": "Right: familiar words make signs easier to notice and act on.",
    "option_B_text": "Because clinical terms are not allowed",
    "option_B_explanation": "Clinical terms are not banned; own words simply work better here.",
    "option_C_text": "To make the plan shorter",
    "option_C_explanation": "Length is not the point; recognition is.",
    "option_D_text": "So staff can diagnose from it",
    "option_D_explanation": "A wellness plan is not a diagnostic tool.",
    "key": "A",
}


def _own_question(db: Session, demo: dict[str, User]) -> TrainerQuestion:
    question = db.scalar(
        select(TrainerQuestion).where(
            TrainerQuestion.organization_id == demo["harbor.admin"].organization_id
        )
    )
    assert question is not None
    return question


def test_create_with_field_errors_then_edit_as_a_new_version(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    client.login("harbor.supervisor")
    broken = {**FORM, "key": "", "topics": [], "option_C_explanation": ""}
    response = client.submit("/training/bank", broken)
    assert response.status_code == 422
    assert "needs 1 to 3 topics, got 0" in response.text
    assert "the key must be exactly one of A, B, C or D" in response.text
    assert 'id="f-option_C_explanation-error"' in response.text
    count = len(db.scalars(select(TrainerQuestion.id)).all())
    created = client.submit("/training/bank", FORM)
    assert created.status_code == 303
    assert len(db.scalars(select(TrainerQuestion.id)).all()) == count + 1
    url = created.headers["location"]
    question_id = int(url.rsplit("/", 1)[1])
    question = db.get(TrainerQuestion, question_id)
    assert question is not None and question.slug == "harbor-002"
    edit = client.get(f"{url}/edit")
    assert 'name="version" value="1"' in edit.text
    saved = client.submit(url, {**FORM, "stem": FORM["stem"] + " Pick one.", "version": "1"})
    assert saved.status_code == 303
    stale = client.submit(url, {**FORM, "stem": "Another change entirely here.", "version": "1"})
    assert stale.status_code == 409
    page = client.get(url)
    assert "version 2" in page.text and "Pick one." in page.text
    numbers = db.scalars(
        select(TrainerQuestionVersion.number).where(
            TrainerQuestionVersion.question_id == question_id
        )
    ).all()
    assert sorted(numbers) == [1, 2]
    actions = db.scalars(
        select(AuditEvent.action).where(AuditEvent.record_type == "trainer_question")
    ).all()
    assert "trainer.question.create" in actions and "trainer.question.edit" in actions


def test_shipped_questions_are_read_only_and_can_be_copied(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    shipped = db.scalar(select(TrainerQuestion).where(TrainerQuestion.organization_id.is_(None)))
    assert shipped is not None
    client.login("harbor.admin")
    page = client.get(f"/training/bank/{shipped.id}")
    assert "Make an organization copy" in page.text
    edit = client.get(f"/training/bank/{shipped.id}/edit", follow_redirects=True)
    assert "A copy of shipped question" in edit.text
    assert client.submit(f"/training/bank/{shipped.id}", FORM).status_code == 422
    api = client.api("PUT", f"/api/v1/training/questions/{shipped.id}", json={})
    assert api.status_code == 422


def test_retire_needs_confirmation_and_can_be_undone(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    question = _own_question(db, demo)
    client.login("harbor.supervisor")
    assert client.submit(f"/training/bank/{question.id}/retire", {}).status_code == 422
    assert (
        client.submit(f"/training/bank/{question.id}/retire", {"confirm": "yes"}).status_code == 303
    )
    db.refresh(question)
    assert question.status == "retired"
    client.cookies.clear()
    client.login("harbor.trainee1")
    assert client.get(f"/training/practice?question={question.id}").status_code == 404
    client.cookies.clear()
    client.login("harbor.supervisor")
    assert client.submit(f"/training/bank/{question.id}/restore", {}).status_code == 303
    db.refresh(question)
    assert question.status == "active"


def test_export_and_import_round_trip(client: Browser, demo: dict[str, User], db: Session) -> None:
    client.login("harbor.admin")
    for fmt in ("yaml", "csv"):
        exported = client.get(f"/training/bank/export?format={fmt}&source=organization")
        assert exported.status_code == 200
        assert "harbor-001" in exported.text and "riverbend-001" not in exported.text
        again = client.submit("/training/bank/import", {"text": exported.text, "format": fmt})
        assert again.status_code == 303
        flash = client.get(again.headers["location"]).text
        assert "0 new, 0 updated (new versions), 1 unchanged" in flash
    csv_text = client.get("/training/bank/export?format=csv&source=organization").text
    changed = csv_text.replace("harbor-001", "harbor-050")
    created = client.submit("/training/bank/import", {"text": changed, "format": "csv"})
    assert created.status_code == 303
    assert db.scalar(select(TrainerQuestion).where(TrainerQuestion.slug == "harbor-050"))


def test_import_refuses_the_whole_file_and_lists_problems(
    client: Browser, demo: dict[str, User], db: Session
) -> None:
    client.login("harbor.admin")
    shipped = client.get("/training/bank/export?format=yaml&source=shipped").text
    refused = client.submit("/training/bank/import", {"text": shipped, "format": "yaml"})
    assert refused.status_code == 422
    assert "belong to shipped questions" in refused.text
    broken = "questions:\n  - id: harbor-099\n    domain: advocacy\n"
    response = client.submit("/training/bank/import", {"text": broken, "format": "yaml"})
    assert response.status_code == 422
    assert "question harbor-099: competencies: is missing" in response.text
    assert db.scalar(select(TrainerQuestion).where(TrainerQuestion.slug == "harbor-099")) is None


def test_item_analysis_and_reports(client: Browser, demo: dict[str, User], db: Session) -> None:
    client.login("harbor.supervisor")
    page = client.get("/training/analysis")
    assert page.status_code == 200
    assert "point-biserial" in page.text and "no learner is named or ranked" in page.text
    assert demo["harbor.trainee1"].display_name not in page.text
    # The demo's few answers per question are below the small-cell threshold: hidden.
    assert "under 11" in page.text and "hidden until 11 answers" in page.text
    reports = client.get("/training/reports")
    assert "Options B and C read almost the same" in reports.text
    report = db.scalar(
        select(TrainerReport).where(
            TrainerReport.organization_id == demo["harbor.admin"].organization_id
        )
    )
    assert report is not None
    assert client.submit(f"/training/reports/{report.id}/resolve", {}).status_code == 422
    done = client.submit(
        f"/training/reports/{report.id}/resolve", {"resolution": "Clarified explanation B."}
    )
    assert done.status_code == 303
    assert "No open reports" in client.get("/training/reports").text
    client.cookies.clear()
    client.login("riverbend.supervisor")
    theirs = client.get("/training/reports").text
    assert f"/training/reports/{report.id}/resolve" not in theirs
    assert "Clarified explanation B." not in client.get("/training/reports?show=all").text


def test_learners_report_a_problem(client: Browser, demo: dict[str, User], db: Session) -> None:
    client.login("harbor.trainee1")
    page = client.get("/training")
    link = re.search(r'href="/training/attempts/(\d+)"', page.text)
    assert link
    url = f"/training/attempts/{link.group(1)}/report"
    assert client.submit(url, {"text": ""}).status_code == 422
    assert (
        client.submit(url, {"text": "The key seems to contradict the study note."}).status_code
        == 303
    )


def test_bank_api(client: Browser, demo: dict[str, User]) -> None:
    client.login("harbor.admin")
    body = {k: v for k, v in FORM.items() if not k.startswith("option_")}
    body["difficulty"] = 2
    body["content_note"] = None
    body["options"] = [
        {"text": FORM[f"option_{x}_text"], "explanation": FORM[f"option_{x}_explanation"]}
        for x in "ABCD"
    ]
    created = client.api("POST", "/api/v1/training/questions", json=body)
    assert created.status_code == 201, created.text
    qid = created.json()["question_id"]
    bad = client.api(
        "POST", "/api/v1/training/questions", json={**body, "options": body["options"][:3]}
    )
    assert bad.status_code == 422
    assert bad.json()["errors"]["options"] == "needs exactly 4 options, got 3"
    edited = client.api(
        "PUT", f"/api/v1/training/questions/{qid}", json={**body, "key": "B", "expected_version": 1}
    )
    assert edited.json()["version"] == 2 and edited.json()["question"]["key"] == "B"
    listed = client.get("/api/v1/training/questions?source=organization").json()
    assert {q["question_id"] for q in listed} >= {qid}
    retired = client.api("DELETE", f"/api/v1/training/questions/{qid}")
    assert retired.json()["status"] == "retired"


def test_the_crisis_line_is_on_every_trainer_page(client: Browser, demo: dict[str, User]) -> None:
    client.login("harbor.trainee1")
    for path in (
        "/training",
        "/training/practice",
        "/training/review",
        "/training/exams",
        "/training/notes",
        "/training/notes/self-care",
        "/training/settings",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        assert 'href="tel:988"' in page.text and 'href="https://988lifeline.org"' in page.text, path
    client.cookies.clear()
    client.login("harbor.admin")
    for path in (
        "/training/bank",
        "/training/bank/new",
        "/training/bank/import",
        "/training/analysis",
        "/training/reports",
        "/training/learners",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        assert 'href="tel:988"' in page.text, path
    assert client.get("/training").status_code == 403
