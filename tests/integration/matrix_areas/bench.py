"""Access rules for the liveness check the load benchmark uses as its floor: open to anyone,
since it answers "ok" and nothing else."""

from __future__ import annotations

from tests.integration.access_rules import IdLookup, Rule, anyone

RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/healthz"): anyone,
}

ID_LOOKUPS: dict[str, IdLookup] = {}
