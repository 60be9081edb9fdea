"""Scale data: signed plan versions per member, each with the member's and the peer
specialist's signatures, and a review date. The snapshot is built once per organization from
its first member's live plan (a real snapshot, shared by that organization's members)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from peerpath.db.models import PlanSignature, PlanVersion, User
from peerpath.plans.versions.service import build_snapshot
from peerpath.scale import ScaleContext


def generate(ctx: ScaleContext) -> dict[str, int]:
    versions_t, signatures_t = PlanVersion, PlanSignature
    version_id, signature_id = ctx.next_id(versions_t), ctx.next_id(signatures_t)
    per_member = ctx.plan.plan_versions_per_member
    versions: list[dict[str, Any]] = []
    signatures: list[dict[str, Any]] = []
    with Session(bind=ctx.conn) as db:
        snapshots = {
            org.id: build_snapshot(db, db.get_one(User, org.member_ids[0])) for org in ctx.orgs
        }
    for org, member_id in ctx.members():
        peer_id = org.peer_of[member_id]
        first = ctx.now - timedelta(days=90 * per_member + ctx.rng.randrange(60))
        for number in range(1, per_member + 1):
            made = first + timedelta(days=90 * (number - 1))
            versions.append(
                {
                    "id": version_id,
                    "organization_id": org.id,
                    "member_id": member_id,
                    "number": number,
                    "snapshot": snapshots[org.id],
                    "created_by_id": member_id,
                    "created_at": made,
                    "required_roles": ["member", "peer_specialist"],
                    "completed_at": made + timedelta(days=1),
                    "review_due": (made + timedelta(days=182)).date(),
                }
            )
            for role, signer, delay in (("member", member_id, 0), ("peer_specialist", peer_id, 1)):
                signatures.append(
                    {
                        "id": signature_id,
                        "organization_id": org.id,
                        "version_id": version_id,
                        "role": role,
                        "signer_id": signer,
                        "signed_at": made + timedelta(days=delay),
                    }
                )
                signature_id += 1
            version_id += 1
    return {
        "plan_versions": ctx.insert(versions_t, versions, "plans"),
        "plan_signatures": ctx.insert(signatures_t, signatures, "plans"),
    }
