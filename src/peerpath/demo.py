"""Demo data: two organizations with every role, written for peerpath (all names invented).

Later features add their own demo content here. Loading is refused when the database already
holds accounts that are not demo accounts, so real data is never mixed with demo data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.core import security
from peerpath.core.crypto import Keyring
from peerpath.db.models import (
    CaseloadAssignment,
    Organization,
    Role,
    SupervisionAssignment,
    SupporterLink,
    User,
)

DEMO_PASSWORD = "peerpath-demo"  # noqa: S105  (published in the README on purpose)
# Session-info key for the keyring demo journal entries are encrypted with (see load_demo).
DEMO_KEYRING = "peerpath_demo_keyring"


@dataclass(frozen=True)
class DemoOrg:
    slug: str
    name: str
    people: dict[str, str]  # username suffix -> display name
    supporter_relationship: str


DEMO_ORGS = (
    DemoOrg(
        slug="harbor",
        name="Harbor Peer Center",
        people={
            "admin": "Dana Whitfield",
            "supervisor": "Marcus Bell",
            "peer1": "Rosa Delgado",
            "peer2": "Sam Okafor",
            "member1": "Jordan Reyes",
            "member2": "Priya Nair",
            "member3": "Eli Thompson",
            "member4": "Grace Kim",
            "member5": "Malik Johnson",
            "member6": "Tess Murphy",
            "member7": "Ana Sousa",
            "member8": "Ben Carter",
            "supporter1": "Lena Reyes",
            "trainee1": "Chris Walker",
        },
        supporter_relationship="sister",
    ),
    DemoOrg(
        slug="riverbend",
        name="Riverbend Recovery Community",
        people={
            "admin": "Helen Park",
            "supervisor": "Omar Haddad",
            "peer1": "Jess Morgan",
            "peer2": "Luis Ortega",
            "member1": "Kai Bennett",
            "member2": "Maya Lopez",
            "member3": "Noah Fischer",
            "member4": "Zoe Adams",
            "member5": "Ravi Patel",
            "member6": "Hannah Lee",
            "member7": "Diego Ramos",
            "member8": "Iris Novak",
            "supporter1": "Paul Bennett",
            "trainee1": "Taylor Brooks",
        },
        supporter_relationship="father",
    ),
)


def _role_for(suffix: str) -> Role:
    for prefix, role in (
        ("admin", Role.ADMIN),
        ("supervisor", Role.SUPERVISOR),
        ("peer", Role.PEER_SPECIALIST),
        ("member", Role.MEMBER),
        ("supporter", Role.SUPPORTER),
        ("trainee", Role.TRAINEE),
    ):
        if suffix.startswith(prefix):
            return role
    raise ValueError(suffix)


def demo_usernames() -> list[str]:
    return [f"{org.slug}.{suffix}" for org in DEMO_ORGS for suffix in org.people]


SCALE_USERNAME = re.compile(r"scale\d{2,}\.")


class RealDataPresent(Exception):
    """The database holds accounts that are not demo accounts."""


def demo_state(db: Session) -> str:
    """'empty', 'demo' (demo already loaded) or 'real' (other accounts exist)."""
    usernames = set(db.scalars(select(User.username)).all())
    if not usernames:
        return "empty"
    # Accounts that `peerpath demo --scale` generated are demo accounts too.
    if {u for u in usernames - set(demo_usernames()) if not SCALE_USERNAME.match(u)}:
        return "real"
    return "demo"


def load_demo(db: Session, *, keyring: Keyring | None = None) -> bool:
    """Load the demo organizations. False when already loaded; raises RealDataPresent.

    keyring: what demo journal entries are encrypted with; without it, the configured keyring
    (the one `peerpath serve` loads). Tests pass the keyring of the app under test.
    """
    if keyring is not None:
        db.info[DEMO_KEYRING] = keyring
    state = demo_state(db)
    if state == "real":
        raise RealDataPresent(
            "This database already has real accounts; demo data is only loaded into a new one."
        )
    if state == "demo":
        return False
    # One hash for all demo accounts: argon2 is slow on purpose, and they share a password.
    password_hash = security.hash_password(DEMO_PASSWORD)
    for spec in DEMO_ORGS:
        org = Organization(slug=spec.slug, name=spec.name)
        db.add(org)
        db.flush()
        users: dict[str, User] = {}
        for suffix, display_name in spec.people.items():
            user = User(
                organization_id=org.id,
                username=f"{spec.slug}.{suffix}",
                display_name=display_name,
                role=_role_for(suffix),
                password_hash=password_hash,
                is_active=True,
            )
            db.add(user)
            users[suffix] = user
        db.flush()
        for n in range(1, 9):
            peer = users["peer1"] if n <= 4 else users["peer2"]
            db.add(
                CaseloadAssignment(
                    organization_id=org.id,
                    member_id=users[f"member{n}"].id,
                    peer_specialist_id=peer.id,
                )
            )
        for peer_key in ("peer1", "peer2"):
            db.add(
                SupervisionAssignment(
                    organization_id=org.id,
                    peer_specialist_id=users[peer_key].id,
                    supervisor_id=users["supervisor"].id,
                )
            )
        db.add(
            SupporterLink(
                organization_id=org.id,
                supporter_id=users["supporter1"].id,
                member_id=users["member1"].id,
                relationship_label=spec.supporter_relationship,
            )
        )
        db.flush()
        load_plan_demo(db, spec.slug, users)
    db.flush()
    return True


def load_plan_demo(db: Session, org_slug: str, users: dict[str, User]) -> None:
    """Each feature that has demo content adds it (its demo.py: load(db, org_slug, users)), in
    the order of peerpath.features.FEATURES: plans first, then what builds on them."""
    from peerpath.features import feature_modules

    for module in feature_modules("demo"):
        module.load(db, org_slug, users)


def logins_text(base_url: str) -> str:
    lines = [f"peerpath demo logins (every password: {DEMO_PASSWORD}) at {base_url}"]
    for spec in DEMO_ORGS:
        lines.append(f"  {spec.name}:")
        for suffix, name in spec.people.items():
            lines.append(f"    {spec.slug}.{suffix:<11} {_role_for(suffix).label:<28} {name}")
    return "\n".join(lines)
