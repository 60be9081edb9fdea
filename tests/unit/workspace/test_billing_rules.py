"""Billing units from minutes, by configured rules: boundaries, daily caps, CSV safety."""

from __future__ import annotations

import pytest

from peerpath.core.org_settings import BillingRule, OrgSettings
from peerpath.workspace.billing.rules import (
    Service,
    apply_daily_caps,
    csv_safe,
    rule_for,
    units_for,
)

H0038 = BillingRule(service_code="H0038", unit_minutes=15, minimum_minutes=8, daily_cap_units=4)


@pytest.mark.parametrize(
    ("minutes", "units"),
    [(None, 0), (0, 0), (7, 0), (8, 1), (15, 1), (22, 1), (23, 2), (30, 2), (37, 2), (38, 3)],
)
def test_a_part_unit_counts_from_eight_minutes(minutes: int | None, units: int) -> None:
    assert units_for(minutes, H0038) == units


def test_the_rule_is_configuration_not_code() -> None:
    hourly = BillingRule(service_code="X1", unit_minutes=60, minimum_minutes=31)
    assert units_for(30, hourly) == 0
    assert units_for(31, hourly) == 1
    assert units_for(90, hourly) == 1
    assert units_for(91, hourly) == 2


def test_first_rule_for_the_modality_applies() -> None:
    group = BillingRule(service_code="H0038-HQ", modalities=["group"])
    rules = [H0038, group]
    assert rule_for("phone", rules) is H0038
    assert rule_for("group", rules) is group
    assert rule_for("group", [H0038]) is None


def test_default_settings_bill_h0038_in_fifteen_minute_units() -> None:
    (rule,) = OrgSettings().billing_rules
    assert (rule.service_code, rule.unit_minutes, rule.minimum_minutes) == ("H0038", 15, 8)
    assert "group" not in rule.modalities


def test_units_beyond_the_daily_cap_are_not_billed() -> None:
    day = (1, "2026-03-02", "H0038")
    other_day = (1, "2026-03-03", "H0038")
    services = [
        Service("a", day, 3),
        Service("b", day, 1),  # reaches the cap of 4 exactly
        Service("c", day, 2),  # all over the cap
        Service("d", other_day, 2),  # a new day starts again
    ]
    billed = apply_daily_caps(services, {"H0038": 4})
    assert [(b.billed_units, b.over_cap) for b in billed] == [(3, 0), (1, 0), (0, 2), (2, 0)]
    split = apply_daily_caps([Service("a", day, 3), Service("b", day, 3)], {"H0038": 4})
    assert [(b.billed_units, b.over_cap) for b in split] == [(3, 0), (1, 2)]
    assert apply_daily_caps([Service("a", day, 30)], {"H0038": None})[0].billed_units == 30


@pytest.mark.parametrize("cell", ["=1+1", "+SUM(A1)", "-2", "@cmd", "\t=x"])
def test_csv_cells_never_start_a_formula(cell: str) -> None:
    assert csv_safe(cell).startswith("'")


def test_plain_csv_cells_are_unchanged() -> None:
    assert csv_safe("Jordan Reyes") == "Jordan Reyes"
    assert csv_safe(12) == "12"
    assert csv_safe(None) == ""
