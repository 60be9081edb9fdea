"""Billing units from a contact's duration, by the organization's rules (pure functions).

The rules live in OrgSettings.billing_rules; nothing here knows a service code or a number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from peerpath.core.org_settings import BillingRule


def rule_for(modality: str, rules: Sequence[BillingRule]) -> BillingRule | None:
    """The first rule that applies to this modality, or None (not billable that way)."""
    for rule in rules:
        if modality in rule.modalities:
            return rule
    return None


def units_for(minutes: int | None, rule: BillingRule) -> int:
    """Whole units, plus one for a remainder of at least `minimum_minutes`."""
    if minutes is None or minutes <= 0:
        return 0
    whole, rest = divmod(minutes, rule.unit_minutes)
    return whole + (1 if rest >= rule.minimum_minutes else 0)


@dataclass(frozen=True)
class Service:
    """One contact to bill: `key` groups contacts that share a daily cap (member, day, code)."""

    ref: object
    key: tuple[object, ...]
    units: int


@dataclass(frozen=True)
class Billed:
    service: Service
    billed_units: int
    over_cap: int


def apply_daily_caps(services: Iterable[Service], caps: Mapping[str, int | None]) -> list[Billed]:
    """Bill contacts in the order given; units beyond a day's cap are not billed.

    `caps` maps the service code (the last part of each key) to its cap, None for no cap.
    """
    used: dict[tuple[object, ...], int] = {}
    out: list[Billed] = []
    for service in services:
        cap = caps.get(str(service.key[-1]))
        already = used.get(service.key, 0)
        billed = service.units if cap is None else max(0, min(service.units, cap - already))
        used[service.key] = already + service.units
        out.append(Billed(service, billed, service.units - billed))
    return out


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP CSV injection guard)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text
