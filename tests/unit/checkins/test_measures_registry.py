"""The measures registry as data: the SWEMWBS conversion table row by row, scoring rules and
the licence rules."""

from __future__ import annotations

import pytest

from peerpath.checkins.measures.registry import (
    MEASURES,
    SWEMWBS,
    SWEMWBS_METRIC,
    WELLNESS_WHEEL,
    LicenceStatus,
    answer_errors,
    score,
    swemwbs_metric,
)

# The published raw-to-metric conversion (Stewart-Brown et al. 2009, HQLO 7:15; Warwick
# Medical School's SWEMWBS scoring guidance), typed in again here from the source, not copied
# from the module, so a slip in either shows up.
PUBLISHED = [
    (7, 7.00),
    (8, 9.51),
    (9, 11.25),
    (10, 12.40),
    (11, 13.33),
    (12, 14.08),
    (13, 14.75),
    (14, 15.32),
    (15, 15.84),
    (16, 16.36),
    (17, 16.88),
    (18, 17.43),
    (19, 17.98),
    (20, 18.59),
    (21, 19.25),
    (22, 19.98),
    (23, 20.73),
    (24, 21.54),
    (25, 22.35),
    (26, 23.21),
    (27, 24.11),
    (28, 25.03),
    (29, 26.02),
    (30, 27.03),
    (31, 28.13),
    (32, 29.31),
    (33, 30.70),
    (34, 32.55),
    (35, 35.00),
]


@pytest.mark.parametrize(("raw", "metric"), PUBLISHED)
def test_swemwbs_metric_matches_the_published_table(raw: int, metric: float) -> None:
    assert swemwbs_metric(raw) == metric


def test_swemwbs_table_has_exactly_the_29_raw_scores() -> None:
    assert sorted(SWEMWBS_METRIC) == list(range(7, 36))
    assert len(SWEMWBS_METRIC) == len(PUBLISHED) == 29
    metrics = [SWEMWBS_METRIC[r] for r in range(7, 36)]
    assert metrics == sorted(metrics)


@pytest.mark.parametrize("raw", [-7, 0, 6, 36, 70, True, 21.0, "21", None])
def test_swemwbs_metric_refuses_raw_scores_outside_7_to_35(raw: object) -> None:
    with pytest.raises(ValueError, match="7 to 35"):
        swemwbs_metric(raw)  # type: ignore[arg-type]


def test_swemwbs_score_sums_the_items_then_converts() -> None:
    scored = score(SWEMWBS, [3, 4, 2, 3, 3, 4, 3])

    assert scored.raw_score == 22
    assert scored.score == 19.98


def test_wellness_wheel_score_is_the_mean_of_the_eight_ratings() -> None:
    scored = score(WELLNESS_WHEEL, [4, 5, 3, 4, 3, 4, 3, 5])

    assert scored.raw_score == 31
    assert scored.score == 3.88
    assert scored.detail["by_item"]["Emotional"] == 4


def test_answer_errors_name_each_missing_or_out_of_range_item() -> None:
    errors = answer_errors(SWEMWBS, [1, None, 6, 0, 5, 5, 5])

    assert set(errors) == {"item_2", "item_3", "item_4"}
    assert "choose an answer" in errors["item_2"]
    assert "from 1 to 5" in errors["item_3"]
    assert answer_errors(SWEMWBS, [3] * 6) == {
        "answers": "Please answer all 7 items, one answer each."
    }
    with pytest.raises(ValueError):
        score(SWEMWBS, [3] * 6)


def test_licensed_measures_ship_no_item_wording() -> None:
    for measure in MEASURES.values():
        if measure.licence == LicenceStatus.LICENCE_REQUIRED:
            assert measure.item_labels is None and measure.needs_licensed_wording
        else:
            assert measure.item_labels is not None
            assert len(measure.item_labels) == measure.item_count
        assert measure.citation and measure.licence_note


def test_registry_knows_the_two_shipped_measures() -> None:
    assert set(MEASURES) == {"wellness_wheel", "swemwbs"}
    assert WELLNESS_WHEEL.licence == LicenceStatus.OURS_FREE
    assert SWEMWBS.item_count == 7
    assert (SWEMWBS.scale.min, SWEMWBS.scale.max) == (1, 5)
