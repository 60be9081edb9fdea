"""The feature packages, in dependency order: one list that the app, the demo loader and the CLI
read, so a new area is added in one place.

Each package may have `routes.py` (routers `pages` and `api`), `demo.py`
(`load(db, org_slug, users)`, run after the accounts exist) and `cli.py` (a Typer `app` and a
`NAME`, added as `peerpath NAME ...`).
"""

from __future__ import annotations

import importlib
from types import ModuleType

from peerpath.checkins import AREAS as CHECKIN_AREAS
from peerpath.plans.common import AREAS as PLAN_AREAS
from peerpath.workspace import AREAS as WORKSPACE_AREAS

FEATURES: tuple[str, ...] = (
    *(f"peerpath.plans.{area}" for area in PLAN_AREAS),
    *(f"peerpath.checkins.{area}" for area in CHECKIN_AREAS),
    *(f"peerpath.workspace.{area}" for area in WORKSPACE_AREAS),
    "peerpath.trainer",
    "peerpath.assistant",
    "peerpath.rights",
    "peerpath.outcomes",
    "peerpath.sharing.grants",
    "peerpath.sharing.supporters",
    "peerpath.sharing.emergency",
    "peerpath.sharing.part2",
)


def feature_modules(kind: str) -> list[ModuleType]:
    """`kind` is routes, demo or cli: every feature's module of that name, where it has one."""
    found = []
    for package in FEATURES:
        name = f"{package}.{kind}"
        try:
            found.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return found
