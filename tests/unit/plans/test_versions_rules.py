"""Pure rules of the versions area: calendar months, review wording, flattening and diffing."""

from __future__ import annotations

from datetime import date

import pytest

from peerpath.core.org_settings import OrgSettings
from peerpath.plans.versions.service import (
    add_months,
    compare_snapshots,
    flatten,
    review_from,
    tree,
)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),  # leap year
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 5, 10), 12, date(2027, 5, 10)),
        (date(2026, 11, 30), 36, date(2029, 11, 30)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
    ],
)
def test_add_months_clamps_the_day_to_the_month_end(
    start: date, months: int, expected: date
) -> None:
    assert add_months(start, months) == expected


def test_review_wording_is_calm_at_every_stage() -> None:
    today = date(2026, 6, 1)
    assert review_from(None, today).state == "none"
    assert review_from(date(2026, 12, 1), today).state == "scheduled"
    soon = review_from(date(2026, 6, 20), today)
    assert soon.state == "due_soon" and "in 19 days" in soon.message
    assert review_from(date(2026, 7, 1), today).state == "due_soon"  # exactly 30 days
    assert review_from(date(2026, 6, 1), today).message.endswith("(today).")
    overdue = review_from(date(2026, 5, 1), today)
    assert overdue.state == "overdue"
    assert overdue.message.startswith("Review is due")
    for state in (soon, overdue):
        assert not {"fail", "late", "missed", "overdue"} & set(state.message.lower().split())


def test_org_settings_always_include_the_member_and_keep_a_fixed_order() -> None:
    settings = OrgSettings.model_validate({"plan_signatures": ["supervisor", "member"]})
    assert settings.plan_signatures == ["member", "supervisor"]
    with pytest.raises(ValueError, match="member"):
        OrgSettings.model_validate({"plan_signatures": ["peer_specialist"]})


def test_flatten_leaves_out_bookkeeping_and_keeps_context() -> None:
    part = [
        {
            "id": 7,
            "version": 3,
            "title": "Find part-time work",
            "updated_at": "2026-01-01T00:00:00",
            "dimensions": ["occupational", "financial"],
            "objectives": [{"id": 9, "text": "Update my CV", "done": False}],
        }
    ]
    lines = [(line.depth, line.text, line.where) for line in flatten(part)]
    assert lines == [
        (0, "Find part-time work", ()),
        (1, "Wellness dimensions: Occupational, Financial", ("Find part-time work",)),
        (1, "Objectives", ("Find part-time work",)),
        (2, "Update my CV", ("Find part-time work", "Objectives")),
        (3, "Done: No", ("Find part-time work", "Objectives", "Update my CV")),
    ]
    [goal] = tree(part)
    assert goal.label == "Find part-time work"
    assert [c.label for c in goal.children] == ["Wellness dimensions", "Objectives"]


def test_compare_snapshots_labels_each_change_and_skips_equal_sections() -> None:
    old = {"profile": {"vision": "A"}, "strengths": ["Patient", "Curious"], "gone": {"x": "1"}}
    new = {"profile": {"vision": "A"}, "strengths": ["Patient", "Kind", "Funny"], "new": ["y"]}

    sections = {s.name: s for s in compare_snapshots(old, new)}

    assert set(sections) == {"strengths", "gone", "new"}
    assert [(c.kind, c.old, c.new) for c in sections["strengths"].changes] == [
        ("removed", "Curious", ""),
        ("added", "", "Kind"),
        ("added", "", "Funny"),
    ]
    assert [c.label for c in sections["gone"].changes] == ["Removed"]
    assert [c.label for c in sections["new"].changes] == ["Added"]
    assert compare_snapshots(old, old) == []


def test_compare_snapshots_groups_a_new_item_and_pairs_edited_fields() -> None:
    old = {
        "goals": [
            {
                "title": "Cook",
                "why_it_matters": "Family",
                "status": "active",
                "status_label": "Working on it",
            }
        ]
    }
    new = {
        "goals": [
            {
                "title": "Cook",
                "why_it_matters": "Family dinners",
                "status": "achieved",
                "status_label": "Achieved",
            },
            {"title": "Swim", "objectives": [{"text": "Get a pool pass", "done": False}]},
        ]
    }

    [section] = compare_snapshots(old, new)

    assert [(c.kind, c.where, c.old, c.new) for c in section.changes] == [
        ("changed", "Cook", "Why it matters: Family", "Why it matters: Family dinners"),
        ("changed", "Cook", "Status: Working on it", "Status: Achieved"),
        ("added", "", "", "Swim\n– Objectives\n  – Get a pool pass\n    – Done: No"),
    ]
