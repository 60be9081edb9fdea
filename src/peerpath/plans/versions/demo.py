"""Demo versions and signatures. Runs after every other plan area's demo, so the snapshots hold
whatever the other areas wrote.

- member1: version 1 signed by everyone about seven months ago (so its review is due now), and
  version 2 signed by the member a few days ago, waiting for their peer specialist (peer1).
- member2: one complete version signed two months ago; the review is months away.
- everyone else: not signed yet.
"""

from __future__ import annotations

import copy
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from peerpath.core.org_settings import org_settings
from peerpath.db.base import utcnow
from peerpath.db.models import PlanSignature, PlanVersion, User
from peerpath.plans.versions import service

# Words member1 used in an earlier version of their plan, before they rewrote it.
EARLIER_WORDS = {
    "harbor": "Getting through each week without losing my footing, and finding my way back to "
    "the things I used to enjoy.",
    "riverbend": "Feeling steady enough to say yes to things again, one small plan at a time.",
}


def _at(day_offset: int, hour: int) -> datetime:
    """A UTC moment `day_offset` days from now, at a plausible time of day."""
    now = utcnow()
    day = (now + timedelta(days=day_offset)).date()
    return datetime.combine(day, time(hour, 15), tzinfo=now.tzinfo)


def _earlier(snapshot: dict[str, Any], words: str) -> dict[str, Any]:
    """An older form of a plan: the newest item of each list not written yet, and one
    answer in earlier words, so comparing the two versions has something to show."""
    older = copy.deepcopy(snapshot)
    reworded = False

    def trim(value: Any, depth: int) -> Any:
        nonlocal reworded
        if isinstance(value, list):
            items = value
            if depth <= 1 and len(value) > 1 and all(isinstance(v, dict) for v in value):
                items = value[:-1]  # the newest item was added after version 1
            return [trim(v, depth + 1) for v in items]
        if isinstance(value, dict):
            result = {}
            for key, item in value.items():
                if (
                    not reworded
                    and isinstance(item, str)
                    and len(item) > 40
                    and key in ("vision", "recovery_meaning", "what_matters", "why_it_matters")
                ):
                    result[key] = words
                    reworded = True
                else:
                    result[key] = trim(item, depth + 1)
            return result
        return value

    for name in older:
        older[name] = trim(older[name], 0)
    return older


def _version(
    db: Session,
    member: User,
    number: int,
    snapshot: dict[str, Any],
    signatures: list[tuple[str, User, datetime]],
    required: list[str],
    months: int,
) -> PlanVersion:
    version = PlanVersion(
        organization_id=member.organization_id,
        member_id=member.id,
        number=number,
        snapshot=snapshot,
        created_by_id=member.id,
        created_at=signatures[0][2],  # saved when the member signed
        required_roles=required,
    )
    db.add(version)
    db.flush()
    for role, signer, signed_at in signatures:
        db.add(
            PlanSignature(
                organization_id=member.organization_id,
                version_id=version.id,
                role=role,
                signer_id=signer.id,
                signed_at=signed_at,
            )
        )
    signed_roles = {role for role, _, _ in signatures}
    if set(required) <= signed_roles:
        done = max(at for _, _, at in signatures)
        version.completed_at = done
        version.review_due = service.add_months(done.date(), months)
    db.flush()
    return version


def load(db: Session, org_slug: str, users: dict[str, User]) -> None:
    member1, member2 = users["member1"], users["member2"]
    settings = org_settings(member1.organization)
    months = settings.plan_review_months
    required: list[str] = list(settings.plan_signatures)
    supervisor, peer1 = users["supervisor"], users["peer1"]
    signer_for = {"member": None, "peer_specialist": peer1, "supervisor": supervisor}

    def everyone(member: User, day: int) -> list[tuple[str, User, datetime]]:
        result: list[tuple[str, User, datetime]] = []
        for offset, role in enumerate(required):
            signer = signer_for[role] or member
            result.append((role, signer, _at(day + offset * 2, 10 + offset * 3)))
        return result

    # member1: about seven months ago, then a fresh version the member signed this week.
    now_1 = service.build_snapshot(db, member1)
    first_day = -(months * 31 + 20)
    _version(
        db,
        member1,
        1,
        _earlier(now_1, EARLIER_WORDS.get(org_slug, EARLIER_WORDS["harbor"])),
        everyone(member1, first_day),
        required,
        months,
    )
    _version(
        db,
        member1,
        2,
        now_1,
        [("member", member1, _at(-4, 16))],
        required,
        months,
    )

    # member2: one complete version, two months ago; the review is still ahead.
    _version(
        db,
        member2,
        1,
        service.build_snapshot(db, member2),
        everyone(member2, -62),
        required,
        months,
    )
