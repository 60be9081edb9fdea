"""`peerpath demo --scale NAME`: a large, realistic dataset for benchmarks, written fast.

The people (organizations, staff, members, caseloads, supervision) and the audit log are
written here; each feature adds its own rows through a `scale.py` module with
`generate(ctx: ScaleContext) -> dict[str, int]` (see peerpath.features), in feature order, so
plans exist before the notes that name their objectives.

Rows go in with SQLAlchemy Core in batches of explicit ids (one executemany per batch), which
is what makes millions of rows a matter of minutes on SQLite and PostgreSQL alike. Every
account's password is the demo password, hashed once. All names and text are invented.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, func, select

from peerpath.db.base import Base
from peerpath.db.models import (
    AuditEvent,
    CaseloadAssignment,
    MemberProfile,
    Organization,
    Role,
    SharingGrant,
    SupervisionAssignment,
    User,
)

# Rows after which a bulk-inserted PostgreSQL table is analyzed (ScaleContext.insert).
ANALYZE_AFTER_ROWS = 10_000
BATCH = 5_000


def _table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


@dataclass(frozen=True)
class ScalePlan:
    organizations: int
    staff_per_org: (
        int  # 1 admin, supervisors (1 per 8 peer specialists), peer specialists, 2 trainees
    )
    members: int
    checkins_per_member: int
    notes_per_member: int
    plan_versions_per_member: int
    audit_rows: int


SCALES: dict[str, ScalePlan] = {
    # The issue-9 dataset: 20 organizations, 400 staff, 20,000 members, 2,000,000 check-ins,
    # 400,000 session notes, 100,000 plan versions, 2,000,000 audit rows.
    "large": ScalePlan(20, 20, 20_000, 100, 20, 5, 2_000_000),
    # A tenth of it, for comparing per-member page times at 2,000 and 20,000 members.
    "medium": ScalePlan(20, 20, 2_000, 100, 20, 5, 200_000),
    # Seconds, for tests of the generator itself.
    "small": ScalePlan(2, 12, 60, 10, 4, 2, 2_000),
}


@dataclass
class ScaleOrg:
    id: int
    slug: str
    admin_id: int
    supervisor_ids: list[int] = field(default_factory=list)
    peer_ids: list[int] = field(default_factory=list)
    trainee_ids: list[int] = field(default_factory=list)
    member_ids: list[int] = field(default_factory=list)
    peer_of: dict[int, int] = field(default_factory=dict)  # member id -> peer specialist id


@dataclass
class ScaleContext:
    conn: Connection
    plan: ScalePlan
    rng: random.Random
    now: datetime
    orgs: list[ScaleOrg]
    progress: Callable[[str, int], None]
    # Filled in by features for the ones after them: e.g. member id -> objective ids.
    shared: dict[str, Any] = field(default_factory=dict)

    @property
    def today(self) -> date:
        return self.now.date()

    def members(self) -> Iterator[tuple[ScaleOrg, int]]:
        for org in self.orgs:
            for member_id in org.member_ids:
                yield org, member_id

    def next_id(self, model: type[Base]) -> int:
        table = _table(model)
        return int(self.conn.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0) + 1

    def insert(self, model: type[Base], rows: Iterable[dict[str, Any]], label: str = "") -> int:
        """Insert `rows` in batches; report progress under `label`. Returns the row count."""
        table = _table(model)
        count = 0
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                self.conn.execute(table.insert(), batch)
                count += len(batch)
                self.progress(label or table.name, len(batch))
                batch = []
        if batch:
            self.conn.execute(table.insert(), batch)
            count += len(batch)
            self.progress(label or table.name, len(batch))
        if self.conn.dialect.name == "postgresql" and count >= ANALYZE_AFTER_ROWS:
            # The whole generation is one transaction, so autovacuum never sees these rows
            # and the planner keeps the empty table's statistics. Then the foreign-key checks
            # of the next tables (session_note_objectives -> session_notes) walked a whole
            # organization's rows per insert: one 400,000-row table took over half an hour.
            # ANALYZE inside the transaction counts its own new rows.
            self.conn.exec_driver_sql(f'ANALYZE "{table.name}"')
        return count


FIRST = [
    "Avery",
    "Blake",
    "Casey",
    "Dakota",
    "Eden",
    "Finley",
    "Gray",
    "Harper",
    "Indigo",
    "Jules",
    "Kendall",
    "Logan",
    "Morgan",
    "Noel",
    "Oakley",
    "Parker",
    "Quinn",
    "Riley",
    "Sage",
    "Tatum",
    "Rowan",
    "Ellis",
    "Marlowe",
    "Sasha",
    "Emery",
    "Reese",
    "Jamie",
    "Alexis",
]
LAST = [
    "Abbott",
    "Barros",
    "Castillo",
    "Dunn",
    "Ekwueme",
    "Farrell",
    "Goldberg",
    "Haddad",
    "Ito",
    "Jansen",
    "Kowalski",
    "Lindqvist",
    "Mbeki",
    "Nguyen",
    "Oduya",
    "Petrov",
    "Quintero",
    "Rahman",
    "Sato",
    "Tanaka",
    "Ulloa",
    "Varga",
    "Whitlock",
    "Xu",
    "Yilmaz",
    "Zubiri",
]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def generate(
    engine: Engine,
    scale: str,
    *,
    seed: int = 7,
    progress: Callable[[str, int], None] | None = None,
    now: datetime | None = None,
) -> dict[str, int]:
    """Write the named scale's dataset in one transaction; returns rows written per table."""
    from peerpath.core import security
    from peerpath.demo import DEMO_PASSWORD
    from peerpath.features import feature_modules

    plan = SCALES[scale]
    report = progress or (lambda label, n: None)
    password = security.hash_password(DEMO_PASSWORD)
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        ctx = ScaleContext(
            conn=conn,
            plan=plan,
            rng=random.Random(seed),  # noqa: S311 (sample data, not secrets)
            now=now or datetime.now(UTC).replace(microsecond=0),
            orgs=[],
            progress=report,
        )
        counts.update(_people(ctx, password))
        for module in feature_modules("scale"):
            counts.update(module.generate(ctx))
        counts["audit_events"] = _audit(ctx)
        if conn.dialect.name == "postgresql":
            _reset_sequences(conn)
    return counts


def expected_rows(scale: str) -> int:
    """Roughly how many rows the progress bar should expect (the big tables)."""
    plan = SCALES[scale]
    per_member = plan.checkins_per_member + plan.notes_per_member + plan.plan_versions_per_member
    return plan.members * (per_member + 10) + plan.audit_rows


def _people(ctx: ScaleContext, password: str) -> dict[str, int]:
    conn, plan, rng = ctx.conn, ctx.plan, ctx.rng
    orgs_table = Organization
    users = User
    taken = set(conn.scalars(select(Organization.slug)))
    org_id = ctx.next_id(orgs_table)
    user_id = ctx.next_id(users)
    number = 1
    org_rows = []
    for _ in range(plan.organizations):
        while f"scale{number:02d}" in taken:
            number += 1
        slug = f"scale{number:02d}"
        taken.add(slug)
        org_rows.append(
            {"id": org_id, "slug": slug, "name": f"Peer Center {number:02d}", "settings": {}}
        )
        ctx.orgs.append(ScaleOrg(id=org_id, slug=slug, admin_id=0))
        org_id += 1
    organizations = ctx.insert(orgs_table, org_rows, "organizations")

    user_rows: list[dict[str, Any]] = []
    created = ctx.now - timedelta(days=800)

    def person(org: ScaleOrg, role: Role, handle: str) -> int:
        nonlocal user_id
        user_rows.append(
            {
                "id": user_id,
                "organization_id": org.id,
                "username": f"{org.slug}.{handle}",
                "display_name": _name(rng),
                "email": None,
                "role": role,
                "password_hash": password,
                "is_active": True,
                "created_at": created,
                "password_changed_at": created,
            }
        )
        user_id += 1
        return user_id - 1

    members_per_org = plan.members // plan.organizations
    peers_per_org = max(1, plan.staff_per_org - 3 - (plan.staff_per_org - 3) // 9)
    supervisors_per_org = max(1, plan.staff_per_org - 3 - peers_per_org)
    for org in ctx.orgs:
        org.admin_id = person(org, Role.ADMIN, "admin")
        org.supervisor_ids = [
            person(org, Role.SUPERVISOR, f"supervisor{n}")
            for n in range(1, supervisors_per_org + 1)
        ]
        org.peer_ids = [
            person(org, Role.PEER_SPECIALIST, f"peer{n}") for n in range(1, peers_per_org + 1)
        ]
        org.trainee_ids = [person(org, Role.TRAINEE, f"trainee{n}") for n in (1, 2)]
        org.member_ids = [
            person(org, Role.MEMBER, f"member{n}") for n in range(1, members_per_org + 1)
        ]
        for index, member_id in enumerate(org.member_ids):
            org.peer_of[member_id] = org.peer_ids[index % len(org.peer_ids)]
    counts = {"organizations": organizations, "users": ctx.insert(users, user_rows, "people")}

    caseload = CaseloadAssignment
    supervision = SupervisionAssignment
    profiles = MemberProfile
    next_caseload, next_supervision, next_profile = (
        ctx.next_id(caseload),
        ctx.next_id(supervision),
        ctx.next_id(profiles),
    )
    caseload_rows, supervision_rows, profile_rows = [], [], []
    for org in ctx.orgs:
        for index, peer_id in enumerate(org.peer_ids):
            supervision_rows.append(
                {
                    "id": next_supervision,
                    "organization_id": org.id,
                    "peer_specialist_id": peer_id,
                    "supervisor_id": org.supervisor_ids[index % len(org.supervisor_ids)],
                    "assigned_at": created,
                }
            )
            next_supervision += 1
        for member_id in org.member_ids:
            caseload_rows.append(
                {
                    "id": next_caseload,
                    "organization_id": org.id,
                    "member_id": member_id,
                    "peer_specialist_id": org.peer_of[member_id],
                    "assigned_at": created,
                }
            )
            next_caseload += 1
            profile_rows.append(
                {
                    "id": next_profile,
                    "organization_id": org.id,
                    "member_id": member_id,
                    "preferred_name": rng.choice(FIRST),
                    "pronouns": rng.choice(("she/her", "he/him", "they/them", "")),
                    "languages": "English",
                    "recovery_meaning": "Living a life I chose, with people I trust.",
                    "what_matters": "My kids, my garden and my Tuesday group.",
                    "vision": "A steady job and a home where friends can visit.",
                    "created_by_id": member_id,
                    "updated_by_id": member_id,
                    "created_at": created,
                    "updated_at": created,
                    "version": 1,
                }
            )
            next_profile += 1
    counts["supervision_assignments"] = ctx.insert(supervision, supervision_rows, "people")
    counts["caseload_assignments"] = ctx.insert(caseload, caseload_rows, "people")
    counts["member_profiles"] = ctx.insert(profiles, profile_rows, "people")
    counts["sharing_grants"] = _enrolment_grants(ctx)
    return counts


def _enrolment_grants(ctx: ScaleContext) -> int:
    """Each member starts with the organization's enrolment defaults, as the app writes them
    for a member account it creates (peerpath.core.access.enrolment_default_grants)."""
    from peerpath.core.access import enrolment_default_grants

    next_grant = ctx.next_id(SharingGrant)

    def rows() -> Iterator[dict[str, Any]]:
        nonlocal next_grant
        for org, member_id in ctx.members():
            for row in enrolment_default_grants(org.id, member_id, {}):
                row["id"] = next_grant
                next_grant += 1
                yield row

    return ctx.insert(SharingGrant, rows(), "sharing")


AUDIT_ACTIONS = (
    ("read:plan", "member"),
    ("read:checkins", "member"),
    ("read:notes", "session_note"),
    ("write:notes", "session_note"),
    ("read:profile", "member"),
    ("write:checkins", "checkin"),
)


def _audit(ctx: ScaleContext) -> int:
    table = AuditEvent
    start = ctx.next_id(table)
    members = list(ctx.members())
    rng = ctx.rng
    span = 365 * 24 * 3600

    def rows() -> Iterator[dict[str, Any]]:
        for n in range(ctx.plan.audit_rows):
            org, member_id = members[n % len(members)]
            action, record_type = AUDIT_ACTIONS[n % len(AUDIT_ACTIONS)]
            actor = member_id if action.endswith("checkins") else org.peer_of[member_id]
            yield {
                "id": start + n,
                "occurred_at": ctx.now - timedelta(seconds=rng.randrange(span)),
                "organization_id": org.id,
                "actor_user_id": actor,
                "actor_username": "",
                "actor_role": "member" if actor == member_id else "peer_specialist",
                "action": action,
                "record_type": record_type,
                "record_id": str(member_id),
                "subject_member_id": member_id,
                "ip": "",
                "user_agent": "",
                "allowed": True,
                "detail": "",
            }

    return ctx.insert(table, rows(), "audit_events")


def _reset_sequences(conn: Connection) -> None:
    """Explicit ids leave PostgreSQL's id sequences behind; move each past its table's max."""
    from peerpath.db.base import Base

    for table in Base.metadata.sorted_tables:
        if "id" not in table.c or not table.c.id.primary_key:
            continue
        highest = select(func.coalesce(func.max(table.c.id), 0)).scalar_subquery()
        conn.execute(
            select(
                func.setval(
                    func.pg_get_serial_sequence(table.name, "id"), func.greatest(highest, 1)
                )
            )
        )
