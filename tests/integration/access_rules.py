"""Who the authorization matrix signs in as, and the vocabulary its access rules are written in."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from types import ModuleType

from sqlalchemy.orm import Session

from peerpath.db.models import User

ORGS = ("harbor", "riverbend")
SUFFIXES = ("admin", "supervisor", "peer1", "peer2", "member1", "member2", "supporter1", "trainee1")
ACTORS = ["anonymous"] + [f"{org}.{suffix}" for org in ORGS for suffix in SUFFIXES]

Rule = Callable[[str], bool]


def anyone(actor: str) -> bool:
    return True


def signed_in(actor: str) -> bool:
    return actor != "anonymous"


def role(*suffix_prefixes: str) -> Rule:
    return lambda actor: (
        actor != "anonymous" and actor.split(".")[1].rstrip("0123456789") in (suffix_prefixes)
    )


def only(*usernames: str) -> Rule:
    return lambda actor: actor in usernames


# harbor.member1's record: self, assigned peer (peer1), peer1's supervisor, the org's admin,
# and the supporter member1 invited. Nobody from riverbend, and not peer2 or member2.
MEMBER1_CIRCLE = only(
    "harbor.member1", "harbor.peer1", "harbor.supervisor", "harbor.admin", "harbor.supporter1"
)
HARBOR_ADMIN = only("harbor.admin")
NOBODY = only()

# Path parameter -> how to find a real value for it.
IdLookup = Callable[[Session, dict[str, User]], object]


def area_modules() -> list[ModuleType]:
    """Each module in tests/integration/matrix_areas/ defines RULES and ID_LOOKUPS for one area."""
    from tests.integration import matrix_areas

    return [
        importlib.import_module(f"{matrix_areas.__name__}.{info.name}")
        for info in pkgutil.iter_modules(matrix_areas.__path__)
    ]
