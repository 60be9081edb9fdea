"""The language assistant over HTTP: the review API, inline hints in plan editors, the admin's
own terms and silenced rules, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from typer.testing import CliRunner

from peerpath.cli import app as cli_app
from peerpath.db.models import User
from tests.conftest import Browser


def test_review_api_returns_findings_with_offsets(client: Browser, demo: dict[str, User]) -> None:
    client.login("harbor.peer1")
    text = "Dana refused her meds and is non-compliant."
    body = client.api("POST", "/api/v1/language/review", json={"text": text}).json()
    assert body["count"] == 2
    first, second = body["findings"]
    assert text[first["start"] : first["end"]] == "refused"
    assert first["category"] == "coercion_compliance" and "declined" in first["suggestions"]
    assert first["reason"] and first["rule_id"] == "coercion.refuse"
    assert second["text"] == "non-compliant"


def test_review_api_refuses_bad_and_oversize_input(client: Browser, demo: dict[str, User]) -> None:
    client.login("harbor.member1")
    assert client.api("POST", "/api/v1/language/review", json={}).status_code == 422
    assert client.api("POST", "/api/v1/language/review", json={"text": 5}).status_code == 422
    huge = client.api("POST", "/api/v1/language/review", json={"text": "word " * 20_000})
    assert huge.status_code == 413
    assert "detail" in huge.json()
    ok = client.api("POST", "/api/v1/language/review", json={"text": "I went for a walk."})
    assert ok.json() == {"count": 0, "findings": []}


def test_supporters_and_visitors_cannot_use_the_review(
    client: Browser, demo: dict[str, User]
) -> None:
    assert client.api("POST", "/api/v1/language/review", json={"text": "x"}).status_code == 401
    client.login("harbor.supporter1")
    assert client.api("POST", "/api/v1/language/review", json={"text": "x"}).status_code == 403


def test_hints_fragment_shows_reason_and_replacements(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("harbor.peer1")
    response = client.submit(
        "/language/hints",
        {
            "target": "f-why_it_matters",
            "source": "why_it_matters",
            "why_it_matters": "She is non-compliant.",
        },
    )
    assert response.status_code == 200
    page = HTMLParser(response.text)
    buttons = page.css("button.language-hint-apply")
    assert buttons and buttons[0].attributes["data-target"] == "f-why_it_matters"
    assert buttons[0].attributes["data-original"] == "non-compliant"
    assert buttons[0].attributes["data-start"] == "7"
    assert "disobedient" in page.css_first(".language-hint").text()
    quiet = client.submit("/language/hints", {"target": "f-x", "source": "x", "x": "All good."})
    assert quiet.status_code == 200 and "language-hint-apply" not in quiet.text


def test_plan_editor_textareas_carry_the_hints_region(
    client: Browser, demo: dict[str, User]
) -> None:
    member = demo["harbor.member1"]
    client.login("harbor.member1")
    page = HTMLParser(client.get(f"/members/{member.id}/plan/goals/new").text)
    regions = page.css(".language-hints")
    assert regions, "the goal editor has language hints"
    region = regions[0]
    assert region.attributes["hx-post"] == "/language/hints"
    assert "delay:400ms" in (region.attributes["hx-trigger"] or "")
    assert page.css_first(".language-hints-body").attributes["aria-live"] == "polite"
    assert page.css_first('script[src="/static/language-hints.js"]') is not None


def test_admin_adds_a_term_and_silences_a_rule(client: Browser, demo: dict[str, User]) -> None:
    client.login("harbor.admin")
    page = client.get("/admin/language")
    assert page.status_code == 200 and "jargon.patient" in page.text
    saved = client.submit(
        "/admin/language",
        {
            "extra_terms": (
                "frequent caller | deficit_blame | Mocks people who reach out. | calls often"
            ),
            "silenced": "jargon.patient",
        },
    )
    assert saved.status_code == 303
    settings = client.get("/api/v1/language/settings").json()
    assert settings["language_silenced"] == ["jargon.patient"]
    assert settings["language_extra_terms"][0]["term"] == "frequent caller"

    client.login("harbor.peer1")
    body = client.api(
        "POST", "/api/v1/language/review", json={"text": "The patient is a frequent caller."}
    ).json()
    assert [f["rule_id"] for f in body["findings"]] == ["org.frequent-caller"]
    client.login("riverbend.peer1")
    other = client.api(
        "POST", "/api/v1/language/review", json={"text": "The patient is a frequent caller."}
    ).json()
    assert [f["rule_id"] for f in other["findings"]] == ["jargon.patient"]


def test_admin_settings_are_validated(client: Browser, demo: dict[str, User]) -> None:
    client.login("harbor.admin")
    bad = client.submit("/admin/language", {"extra_terms": "only a term"})
    assert bad.status_code == 422 and "Line 1" in bad.text
    wrong = client.submit("/admin/language", {"extra_terms": "x y | not_a_category | reason here"})
    assert wrong.status_code == 422
    api = client.api("PUT", "/api/v1/language/settings", json={"language_silenced": ["no.such"]})
    assert api.status_code == 422 and "language_silenced" in api.json()["errors"]
    ok = client.api(
        "PUT", "/api/v1/language/settings", json={"language_silenced": ["deficit.unrealistic"]}
    )
    assert ok.status_code == 200 and ok.json()["language_silenced"] == ["deficit.unrealistic"]


def test_cli_check_reports_like_a_linter(tmp_path: Path) -> None:
    runner = CliRunner()
    note = tmp_path / "note.txt"
    note.write_text(
        "First line is fine.\nHe relapsed again after all our work.\n", encoding="utf-8"
    )
    result = runner.invoke(cli_app, ["language", "check", str(note)])
    assert result.exit_code == 1
    assert f'{note}:2:4: substance_stigma: "relapsed"' in result.output
    assert 'try "returned to use"' in result.output
    as_json = runner.invoke(cli_app, ["language", "check", "--json", str(note)])
    assert as_json.exit_code == 1 and json.loads(as_json.output)[0]["line"] == 2
    clean = runner.invoke(cli_app, ["language", "check", "-"], input="We walked by the river.\n")
    assert clean.exit_code == 0 and clean.output == ""
    missing = runner.invoke(cli_app, ["language", "check", str(tmp_path / "nope.txt")])
    assert missing.exit_code == 2
