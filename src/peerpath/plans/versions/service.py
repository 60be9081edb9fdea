"""Rules for the plan's versions area (no web code here): signed versions, review dates,
comparing versions, the print and export views of the plan, and the organization's settings
for plans.

A version is a frozen copy of the whole plan (every registered snapshot part), made when the
member signs. The organization decides whose signatures complete a version (always the
member's own, plus the peer specialist's and/or the supervisor's); once complete, the plan is
due for review a set number of calendar months later.

Functions that take a `viewer` check the access policy (and so write audit rows). Functions
that take only a `member` (`plan_status`, `review_state`, `build_snapshot`) assume the caller
has already been allowed to read that member's plan, and write no audit rows.
"""

from __future__ import annotations

import calendar
import difflib
import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import (
    CompoundSelect,
    Integer,
    Select,
    bindparam,
    func,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from peerpath.core import access, audit
from peerpath.core.access import Action, Relation, Section
from peerpath.core.audit import Viewer
from peerpath.core.errors import Conflict, Invalid, NotFound
from peerpath.core.org_settings import (
    REVIEW_MONTHS_MAX,
    REVIEW_MONTHS_MIN,
    SIGNER_LABELS,
    SIGNER_ROLES,
    OrgSettings,
    org_settings,
)
from peerpath.db.base import utcnow
from peerpath.db.models import (
    ActionStep,
    CommunityPlace,
    DecisionWorksheet,
    Goal,
    MemberProfile,
    Objective,
    PlanSignature,
    PlanVersion,
    Role,
    Strength,
    SupporterEntry,
    User,
    WellnessSection,
)
from peerpath.plans import common
from peerpath.plans.vocabulary import CHIME, DIMENSIONS

DUE_SOON_DAYS = 30

# The order parts appear in, on every page and in every comparison; unknown parts follow.
PART_ORDER = ("profile", "strengths", "supporters", "goals", "decisions", "wellness")
PART_LABELS = {
    "profile": "About me",
    "strengths": "Strengths",
    "supporters": "Supporters and community",
    "goals": "Vision and goals",
    "decisions": "Decisions I am weighing",
    "wellness": "Wellness and crisis plan",
}
# Parts that hold more than the PLAN section: the viewer must be allowed those sections too.
PART_SECTIONS: dict[str, tuple[Section, ...]] = {
    "wellness": (Section.WELLNESS_PLAN, Section.CRISIS_PLAN),
}
ROLE_FOR_RELATION: dict[Relation, str] = {
    Relation.SELF: "member",
    Relation.ASSIGNED_PEER: "peer_specialist",
    Relation.SUPERVISOR: "supervisor",
}
# Keys that are bookkeeping, not plan content: left out of pages and comparisons.
NOISE_KEYS = frozenset({"id", "version", "position", "organization_id", "member_id"})
TITLE_KEYS = ("title", "name", "decision", "label", "heading", "text")


# ---- dates ---------------------------------------------------------------------------------


def add_months(start: date, months: int) -> date:
    """`start` plus whole calendar months; a day past the new month's end becomes its last day
    (31 August + 6 months = 28 or 29 February)."""
    index = start.month - 1 + months
    year = start.year + index // 12
    month = index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def long_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def today_utc() -> date:
    return utcnow().date()


def signer_labels(roles: Sequence[str]) -> str:
    """'the member and the peer specialist'"""
    return " and ".join(f"the {SIGNER_LABELS.get(r, r)}" for r in roles)


# ---- the snapshot --------------------------------------------------------------------------


def part_names() -> list[str]:
    """Every registered snapshot part, in page order."""
    common.ensure_registered()
    return ordered(list(common.SNAPSHOT_PARTS))


def ordered(names: Sequence[str]) -> list[str]:
    """Parts in page order: the known ones first, then any others by name."""
    known = [n for n in PART_ORDER if n in names]
    return known + sorted(n for n in names if n not in PART_ORDER)


def part_label(name: str) -> str:
    return PART_LABELS.get(name, name.replace("_", " ").capitalize())


def _json_default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


def plain(value: object) -> Any:
    """JSON-able data only, exactly as it will read back from a JSON column."""
    return json.loads(json.dumps(value, default=_json_default))


PartBuilders = Mapping[str, Callable[[], Any]]


def build_snapshot(db: Session, member: User, parts: PartBuilders | None = None) -> dict[str, Any]:
    """The whole live plan as plain data, one key per registered part. Not audited.

    `parts` may hand over a part the caller can build more cheaply from data it has already
    loaded (the plan page passes the goal tree it shows); it must return what the registered
    part would."""
    given = parts or {}
    return {
        name: plain(given[name]() if name in given else common.SNAPSHOT_PARTS[name](db, member))
        for name in part_names()
    }


def fingerprint(snapshot: Mapping[str, Any]) -> str:
    """A short digest of what the plan says (bookkeeping left out), for 'what you saw'."""
    text = json.dumps(
        {name: [line.key for line in flatten(snapshot[name])] for name in sorted(snapshot)}
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _readable_parts(
    db: Session,
    viewer: Viewer,
    member: User,
    names: Sequence[str],
    *,
    record_type: str,
    record_id: object,
) -> list[str]:
    """The parts this viewer may read; reading one that spans more sections is audited per
    section, like every other read."""
    shown = []
    for name in names:
        sections = PART_SECTIONS.get(name, ())
        if not all(access.can(db, viewer.user, member, s, Action.READ) for s in sections):
            continue
        for section in sections:
            common.plan_member(
                db, viewer, member.id, section, record_type=record_type, record_id=record_id
            )
        shown.append(name)
    return shown


# ---- flattened text, for comparisons and pages ---------------------------------------------

# Friendlier names for keys the parts commonly use; anything else is humanized.
KEY_LABELS = {
    "chime": "Recovery processes (CHIME)",
    "dimensions": "Wellness dimensions",
    "created_by": "Written by",
    "written_by": "Written by",
    "updated_by": "Last changed by",
    "relationship_label": "Relationship",
    "crisis_role": "Role when things are hard",
    "why_it_helps": "Why it helps",
    "who_detail": "Who exactly",
    "my_choice": "My choice",
    "who_involved": "Who is involved",
    "what_matters": "What matters to me",
    "recovery_meaning": "What recovery means to me",
    "why_it_matters": "Why it matters",
}
VALUE_WORDS: dict[str, Mapping[str, str]] = {"dimensions": DIMENSIONS, "chime": CHIME}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class PartLabels:
    """Names for one part's keys: `top` for the part's own top-level keys, `inner` below."""

    top: Mapping[str, str] = field(default_factory=dict)
    inner: Mapping[str, str] = field(default_factory=dict)

    def label(self, key: str, depth: int) -> str:
        if depth == 0 and key in self.top:
            return self.top[key]
        return self.inner.get(key) or KEY_LABELS.get(key) or humanize(key)


def labels_for(name: str) -> PartLabels:
    """The wellness plan names its sections and fields; other parts use plain key names."""
    if name == "wellness":
        try:
            from peerpath.plans.wellness.sections import SECTIONS
        except ImportError:  # pragma: no cover - the wellness area is always installed
            return PartLabels()
        return PartLabels(
            top={key: s.title for key, s in SECTIONS.items()},
            inner={f.key: f.label for s in SECTIONS.values() for f in s.fields},
        )
    return PartLabels()


def _hidden_key(key: str) -> bool:
    return key in NOISE_KEYS or key.endswith(("_id", "_ids", "_at"))


def humanize(key: str) -> str:
    return key.replace("_", " ").strip().capitalize()


def _scalar_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    text = str(value).strip()
    if ISO_DATE.match(text):
        try:
            return long_date(date.fromisoformat(text))
        except ValueError:
            return text
    return text


def _is_container(value: object) -> bool:
    return isinstance(value, dict | list)


def _item_title(item: Mapping[str, Any]) -> tuple[str, str]:
    for key in TITLE_KEYS:
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return key, value.strip()
    return "", ""


def _entries(value: Mapping[str, Any], depth: int, labels: PartLabels) -> list[tuple[str, Any]]:
    """(label, value) pairs of a mapping as people should read them: bookkeeping left out,
    `status` shown through its `status_label`, one author line when nobody else changed it."""
    result = []
    for raw_key, item in value.items():
        key = str(raw_key)
        if _hidden_key(key) or f"{key}_label" in value:
            continue
        if key == "updated_by" and item == value.get("created_by", value.get("written_by")):
            continue
        base = key.removesuffix("_label")
        label_key = base if base != key and base in value else key
        words = VALUE_WORDS.get(key)
        if words is not None and isinstance(item, list):
            item = [words.get(v, v) if isinstance(v, str) else v for v in item]
        result.append((labels.label(label_key, depth), item))
    return result


@dataclass(frozen=True)
class Line:
    depth: int
    text: str
    where: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.depth}|{self.text}"


def _crumb(text: str) -> str:
    return text if len(text) <= 60 else text[:57].rstrip() + "…"


def flatten(
    value: object,
    depth: int = 0,
    where: tuple[str, ...] = (),
    labels: PartLabels | None = None,
) -> list[Line]:
    """A readable line-by-line form of one part, for difflib: one line per field, item or line
    of a longer answer, each knowing the items it sits under."""
    labels = labels or PartLabels()
    lines: list[Line] = []
    if isinstance(value, dict):
        for label, item in _entries(value, depth, labels):
            if isinstance(item, list) and not any(_is_container(v) for v in item):
                text = ", ".join(t for t in (_scalar_text(v) for v in item) if t)
                if text:
                    lines.append(Line(depth, f"{label}: {text}", where))
            elif _is_container(item):
                inner = flatten(item, depth + 1, (*where, label), labels)
                if inner:
                    lines.append(Line(depth, label, where))
                    lines += inner
            else:
                text = _scalar_text(item)
                if "\n" in text:
                    lines.append(Line(depth, label, where))
                    lines += [
                        Line(depth + 1, part.strip(), (*where, label))
                        for part in text.splitlines()
                        if part.strip()
                    ]
                elif text:
                    lines.append(Line(depth, f"{label}: {text}", where))
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                title_key, title = _item_title(item)
                if title:
                    lines.append(Line(depth, title, where))
                    rest = {k: v for k, v in item.items() if k != title_key}
                    lines += flatten(rest, depth + 1, (*where, _crumb(title)), labels)
                else:
                    lines += flatten(item, depth, where, labels)
            elif isinstance(item, list):
                lines += flatten(item, depth, where, labels)
            else:
                text = _scalar_text(item)
                if text:
                    lines.append(Line(depth, text, where))
    else:
        text = _scalar_text(value)
        if text:
            lines.append(Line(depth, text, where))
    return lines


@dataclass(frozen=True)
class Node:
    """One entry of a plan as shown on a page: a labelled value and/or nested entries."""

    label: str = ""
    text: str = ""
    children: tuple[Node, ...] = ()
    item: bool = False  # one entry of a list (a goal, a strength), titled by `label`

    @property
    def simple(self) -> bool:
        """An item whose details are all short values: shown on one line, not as a heading."""
        return all(not c.children for c in self.children)


def tree(value: object, depth: int = 0, labels: PartLabels | None = None) -> tuple[Node, ...]:
    """One part as nested entries for a page, with the same labels as comparisons use."""
    labels = labels or PartLabels()
    nodes: list[Node] = []
    if isinstance(value, dict):
        for label, item in _entries(value, depth, labels):
            if isinstance(item, list) and not any(_is_container(v) for v in item):
                text = ", ".join(t for t in (_scalar_text(v) for v in item) if t)
                if text:
                    nodes.append(Node(label, text))
            elif _is_container(item):
                children = tree(item, depth + 1, labels)
                if children:
                    nodes.append(Node(label, "", children))
            else:
                text = _scalar_text(item)
                if text:
                    nodes.append(Node(label, text))
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                title_key, title = _item_title(item)
                rest = {k: v for k, v in item.items() if k != title_key}
                children = tree(rest, depth + 1, labels)
                if title or children:
                    nodes.append(Node(title, "", children, item=True))
            elif isinstance(item, list):
                nodes += tree(item, depth, labels)
            else:
                text = _scalar_text(item)
                if text:
                    nodes.append(Node("", text))
    else:
        text = _scalar_text(value)
        if text:
            nodes.append(Node("", text))
    return tuple(nodes)


@dataclass(frozen=True)
class PartView:
    name: str
    label: str
    nodes: tuple[Node, ...]


def part_views(snapshot: Mapping[str, Any], names: Sequence[str]) -> list[PartView]:
    return [
        PartView(name, part_label(name), tree(snapshot[name], labels=labels_for(name)))
        for name in ordered(names)
        if name in snapshot
    ]


# ---- versions and signatures ---------------------------------------------------------------


@dataclass(frozen=True)
class SignatureView:
    role: str
    role_label: str
    signer_id: int
    signer_name: str
    signed_at: datetime


@dataclass(frozen=True)
class VersionView:
    id: int
    number: int
    created_at: datetime
    created_by_name: str
    required_roles: list[str]
    signatures: list[SignatureView]
    completed_at: datetime | None
    review_due: date | None
    superseded: bool

    @property
    def awaiting(self) -> list[str]:
        signed = {s.role for s in self.signatures}
        return [r for r in self.required_roles if r not in signed]

    @property
    def complete(self) -> bool:
        return self.completed_at is not None

    @property
    def state_text(self) -> str:
        if self.completed_at is not None:
            return f"Signed by everyone on {long_date(self.completed_at)}"
        if self.superseded:
            return "Replaced by a newer version before every signature was added"
        return f"Waiting for {signer_labels(self.awaiting)} to sign"


def _versions(db: Session, member: User, *, snapshots: bool = False) -> list[PlanVersion]:
    """The member's versions, newest first. Without `snapshots`, each snapshot loads only
    when read (a list of versions does not need them, and there may be many)."""
    query = select(PlanVersion)
    if not snapshots:
        query = query.options(defer(PlanVersion.snapshot))
    return list(
        db.scalars(
            query.where(
                PlanVersion.organization_id == member.organization_id,
                PlanVersion.member_id == member.id,
            ).order_by(PlanVersion.number.desc())
        ).all()
    )


def _signatures(db: Session, versions: Sequence[PlanVersion]) -> dict[int, list[PlanSignature]]:
    if not versions:
        return {}
    rows = db.scalars(
        select(PlanSignature)
        .where(
            PlanSignature.organization_id == versions[0].organization_id,
            PlanSignature.version_id.in_([v.id for v in versions]),
        )
        .order_by(PlanSignature.signed_at, PlanSignature.id)
    ).all()
    by_version: dict[int, list[PlanSignature]] = {}
    for row in rows:
        by_version.setdefault(row.version_id, []).append(row)
    return by_version


def _views(
    db: Session, versions: Sequence[PlanVersion], newest: int | None = None
) -> list[VersionView]:
    """Display data for `versions`; `newest` is the member's highest version number (taken
    from `versions` when not given), so an unfinished older version reads as replaced."""
    signatures = _signatures(db, versions)
    names = common.author_names(
        db,
        [v.created_by_id for v in versions]
        + [s.signer_id for rows in signatures.values() for s in rows],
    )
    if newest is None:
        newest = max((v.number for v in versions), default=0)
    return [
        VersionView(
            id=v.id,
            number=v.number,
            created_at=v.created_at,
            created_by_name=names.get(v.created_by_id, ""),
            required_roles=list(v.required_roles or []),
            signatures=[
                SignatureView(
                    role=s.role,
                    role_label=SIGNER_LABELS.get(s.role, s.role).capitalize(),
                    signer_id=s.signer_id,
                    signer_name=names.get(s.signer_id, ""),
                    signed_at=s.signed_at,
                )
                for s in signatures.get(v.id, [])
            ],
            completed_at=v.completed_at,
            review_due=v.review_due,
            superseded=v.completed_at is None and v.number < newest,
        )
        for v in versions
    ]


def describe(db: Session, version: PlanVersion) -> VersionView:
    """Display data for one version (after the policy allowed reading its plan)."""
    newest = db.scalar(
        select(func.max(PlanVersion.number)).where(
            PlanVersion.organization_id == version.organization_id,
            PlanVersion.member_id == version.member_id,
        )
    )
    return _views(db, [version], int(newest or 0))[0]


def version_views(db: Session, member: User) -> list[VersionView]:
    """Every version of the member's plan, newest first. Not audited."""
    return _views(db, _versions(db, member))


# ---- review dates and the plan's status ----------------------------------------------------

ReviewKind = Literal["none", "scheduled", "due_soon", "overdue"]


@dataclass(frozen=True)
class ReviewState:
    """When the plan is next due for review, from the latest version everyone signed."""

    due: date | None
    state: ReviewKind
    days_left: int | None
    message: str


def review_from(due: date | None, today: date | None = None) -> ReviewState:
    if due is None:
        return ReviewState(
            None,
            "none",
            None,
            "No review date yet: it is set once a version has every signature it needs.",
        )
    days = (due - (today or today_utc())).days
    if days < 0:
        return ReviewState(
            due,
            "overdue",
            days,
            f"Review is due: it was planned for {long_date(due)}. A good moment to look at "
            "the plan together and sign a fresh version.",
        )
    if days <= DUE_SOON_DAYS:
        when = "today" if days == 0 else ("tomorrow" if days == 1 else f"in {days} days")
        return ReviewState(
            due, "due_soon", days, f"Review is due soon: by {long_date(due)} ({when})."
        )
    return ReviewState(due, "scheduled", days, f"Next review by {long_date(due)}.")


def review_state(db: Session, member: User, today: date | None = None) -> ReviewState:
    """The member's review date and how near it is (none / scheduled / due_soon / overdue).

    For caseload and overview pages. Not audited: call only after the access policy has
    allowed the viewer to read this member's plan (or to list them on a caseload).
    """
    due = db.scalar(
        select(PlanVersion.review_due)
        .where(
            PlanVersion.organization_id == member.organization_id,
            PlanVersion.member_id == member.id,
            PlanVersion.completed_at.is_not(None),
        )
        .order_by(PlanVersion.number.desc())
        .limit(1)
    )
    return review_from(due, today)


@dataclass(frozen=True)
class PlanStatus:
    """Where the member's plan stands.

    - `latest`: the newest version (signed by the member; maybe still waiting for others),
      or None before the first signature.
    - `latest_complete`: the newest version with every signature it needs, or None.
    - `draft_changed`: True when the live plan says something the newest version does not
      (always False when there is no version yet; see `has_versions`).
    - `review`: the review date of `latest_complete` and whether it is due soon or overdue.
    - `message`: one calm sentence for an overview page, e.g. "Draft: changed since
      version 2 was signed."
    """

    latest: VersionView | None
    latest_complete: VersionView | None
    draft_changed: bool
    review: ReviewState
    versions: list[VersionView] = field(default_factory=list)

    @property
    def has_versions(self) -> bool:
        return self.latest is not None

    @property
    def awaiting(self) -> list[str]:
        return [] if self.latest is None else self.latest.awaiting

    @property
    def message(self) -> str:
        if self.latest is None:
            return "Not signed yet: this plan is a draft."
        if self.draft_changed:
            return f"Draft: changed since version {self.latest.number} was signed."
        if self.latest.completed_at is None:
            return (
                f"Version {self.latest.number} is waiting for "
                f"{signer_labels(self.latest.awaiting)} to sign."
            )
        return f"Version {self.latest.number} is signed and matches the plan as it is now."


def plan_status(
    db: Session,
    member: User,
    today: date | None = None,
    *,
    live: Mapping[str, Any] | None = None,
    parts: PartBuilders | None = None,
) -> PlanStatus:
    """The plan's versions, whether the live draft changed since the newest one, and review.

    Stable signature for other areas (the plan overview uses it). `live` is the live
    snapshot when the caller has built it already; `parts` as for `build_snapshot`. Not
    audited: call only after the access policy has allowed reading this member's plan.
    """
    views = version_views(db, member)
    latest = views[0] if views else None
    complete = next((v for v in views if v.completed_at is not None), None)
    changed = False
    if latest is not None:
        changed = draft_changed(db, member, latest, live=live, parts=parts)
    return PlanStatus(
        latest=latest,
        latest_complete=complete,
        draft_changed=changed,
        review=review_from(complete.review_due if complete else None, today),
        versions=views,
    )


# ---- "changed since signed", cheaply -------------------------------------------------------
#
# Comparing the live plan with the newest version means building the whole snapshot (every
# part's queries and data) and flattening both sides: too much for every view of the plan
# page. So the answer is kept per process, keyed by what the snapshot is made of: every plan
# row of the member (table, id, `version`, `updated_at`, authors) and the authors' names,
# which the snapshot shows. Every edit moves a row's `version` on (`common.touch`), a new
# item adds a row and a removal takes one away, so the key changes whenever the snapshot
# could, and a kept answer is never out of date. The version's id, number and time of
# creation are part of the key as well (a new signature makes a new version).

# The snapshot parts whose data comes only from the tables in `_live_rows`. If an area
# registers another part, the answer is worked out on every call instead of kept.
KEYED_PARTS = frozenset({"profile", "strengths", "supporters", "goals", "decisions", "wellness"})
_CHANGED_MAX = 10_000  # entries (a few hundred bytes each); then start afresh
_changed_cache: dict[tuple[object, ...], bool] = {}


def _rows_of(
    model: Any,  # a plan table's mapped class (all are `Authored`)
    tag: int,
) -> Select[Any]:
    return select(
        literal_column(str(tag)).label("tag"),
        model.id,
        model.version,
        model.updated_at,
        model.created_by_id,
        model.updated_by_id,
    )


def _live_rows_query() -> CompoundSelect[Any]:
    org, member_id = bindparam("org", type_=Integer), bindparam("member", type_=Integer)
    owned: tuple[Any, ...] = (
        MemberProfile,
        Strength,
        Goal,
        DecisionWorksheet,
        WellnessSection,
        SupporterEntry,
        CommunityPlace,
    )
    queries: list[Select[Any]] = [
        _rows_of(model, tag).where(model.organization_id == org, model.member_id == member_id)
        for tag, model in enumerate(owned)
    ]
    # Objectives and steps are found through the member's goals alone: their composite
    # foreign keys keep them in their goal's organization, and SQLite, given the
    # organization as well, would read every objective of the organization.
    goal_ids = select(Goal.id).where(Goal.organization_id == org, Goal.member_id == member_id)
    objective_ids = select(Objective.id).where(Objective.goal_id.in_(goal_ids))
    queries.append(_rows_of(Objective, len(owned)).where(Objective.goal_id.in_(goal_ids)))
    queries.append(
        _rows_of(ActionStep, len(owned) + 1).where(ActionStep.objective_id.in_(objective_ids))
    )
    return union_all(*queries)


# Built once: making (and finding in SQLAlchemy's cache) a nine-part query costs more than
# running it.
_LIVE_ROWS = _live_rows_query()


def _live_rows(db: Session, member: User) -> list[tuple[Any, ...]]:
    """(table, id, version, updated_at, created_by_id, updated_by_id) of every row the
    member's snapshot is built from (the same rows the parts read), in one query."""
    found = db.execute(_LIVE_ROWS, {"org": member.organization_id, "member": member.id})
    return [tuple(row) for row in found.all()]


def live_key(db: Session, member: User) -> str:
    """A digest that changes whenever the member's live snapshot could: a row added, removed
    or edited, or an author's name changed. Two queries, no snapshot."""
    rows = sorted(
        (tag, row_id, version, str(updated_at), created_by, updated_by)
        for tag, row_id, version, updated_at, created_by, updated_by in _live_rows(db, member)
    )
    names = common.author_names(db, [i for row in rows for i in row[4:]])
    text = repr((rows, sorted(names.items())))
    return hashlib.sha256(text.encode()).hexdigest()


def _part_keys(snapshot: Mapping[str, Any], name: str) -> list[str]:
    if name not in snapshot:
        return []
    return [line.key for line in flatten(snapshot.get(name), labels=labels_for(name))]


def same_plan(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """Whether `compare_snapshots(old, new)` would find no change, without working out the
    changes: the parts' flattened lines are simply equal."""
    return all(_part_keys(old, n) == _part_keys(new, n) for n in dict.fromkeys([*old, *new]))


def draft_changed(
    db: Session,
    member: User,
    latest: VersionView,
    *,
    live: Mapping[str, Any] | None = None,
    parts: PartBuilders | None = None,
) -> bool:
    """Whether the live plan says something the version `latest` does not. Not audited."""
    cache_key: tuple[object, ...] | None = None
    if set(part_names()) <= KEYED_PARTS:
        cache_key = (
            str(db.get_bind().engine.url),
            member.id,
            latest.id,
            latest.number,
            str(latest.created_at),
            live_key(db, member),
        )
        known = _changed_cache.get(cache_key)
        if known is not None:
            return known
    version = db.get(PlanVersion, latest.id)
    assert version is not None
    if live is None:
        live = build_snapshot(db, member, parts)
    changed = not same_plan(version.snapshot or {}, live)
    if cache_key is not None:
        if len(_changed_cache) >= _CHANGED_MAX:
            _changed_cache.clear()
        _changed_cache[cache_key] = changed
    return changed


# ---- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionsPage:
    member: User
    status: PlanStatus
    viewer_role: str | None  # the role the viewer would sign as, if any
    can_start: bool  # the viewer is the member, who starts a new version by signing
    can_sign: dict[int, bool]  # version id -> the viewer may sign it now
    draft_fingerprint: str
    settings: OrgSettings


def _viewer_role(db: Session, viewer: Viewer, member: User) -> str | None:
    if not access.can(db, viewer.user, member, Section.PLAN, Action.SIGN):
        return None
    return ROLE_FOR_RELATION.get(access.relation_to_member(db, viewer.user, member))


def versions_page(db: Session, viewer: Viewer, member_id: int) -> VersionsPage:
    member = common.plan_member(db, viewer, member_id, record_type="plan_versions")
    status = plan_status(db, member)
    role = _viewer_role(db, viewer, member)
    can_sign = {
        v.id: role is not None
        and v.completed_at is None
        and not v.superseded
        and role in v.awaiting
        for v in status.versions
    }
    return VersionsPage(
        member=member,
        status=status,
        viewer_role=role,
        can_start=viewer.user.id == member.id,
        can_sign=can_sign,
        draft_fingerprint=fingerprint(build_snapshot(db, member)),
        settings=org_settings(member.organization),
    )


def _newest_number(db: Session, member: User) -> int:
    newest = db.scalar(
        select(func.max(PlanVersion.number)).where(
            PlanVersion.organization_id == member.organization_id,
            PlanVersion.member_id == member.id,
        )
    )
    return int(newest or 0)


def _version_of(db: Session, member: User, version_id: int) -> PlanVersion:
    version = db.get(PlanVersion, version_id)
    if (
        version is None
        or version.organization_id != member.organization_id
        or version.member_id != member.id
    ):
        raise NotFound()
    return version


@dataclass(frozen=True)
class PrintView:
    member: User
    parts: list[PartView]
    version: VersionView | None  # the version shown, or the latest one for the live draft
    is_draft: bool
    draft_changed: bool
    printed_on: date


def print_live(db: Session, viewer: Viewer, member_id: int) -> PrintView:
    member = common.plan_member(db, viewer, member_id, record_type="plan_print")
    snapshot = build_snapshot(db, member)
    names = _readable_parts(
        db, viewer, member, list(snapshot), record_type="plan_print", record_id=member_id
    )
    status = plan_status(db, member, live=snapshot)
    return PrintView(
        member=member,
        parts=part_views(snapshot, names),
        version=status.latest,
        is_draft=True,
        draft_changed=status.draft_changed,
        printed_on=today_utc(),
    )


def print_version(db: Session, viewer: Viewer, member_id: int, version_id: int) -> PrintView:
    member = common.plan_member(
        db, viewer, member_id, record_type="plan_version", record_id=version_id
    )
    version = _version_of(db, member, version_id)
    snapshot = dict(version.snapshot or {})
    names = _readable_parts(
        db, viewer, member, list(snapshot), record_type="plan_version", record_id=version_id
    )
    view = _views(db, [version], _newest_number(db, member))[0]
    return PrintView(
        member=member,
        parts=part_views(snapshot, names),
        version=view,
        is_draft=False,
        draft_changed=False,
        printed_on=today_utc(),
    )


# ---- signing --------------------------------------------------------------------------------


def _complete_if_ready(
    db: Session, member: User, version: PlanVersion, signed: set[str], now: datetime
) -> None:
    if version.completed_at is None and set(version.required_roles or []) <= signed:
        version.completed_at = now
        months = org_settings(member.organization).plan_review_months
        version.review_due = add_months(now.date(), months)


def _add_signature(
    db: Session, viewer: Viewer, member: User, version: PlanVersion, role: str, now: datetime
) -> None:
    db.add(
        PlanSignature(
            organization_id=member.organization_id,
            version_id=version.id,
            role=role,
            signer_id=viewer.user.id,
            signed_at=now,
        )
    )
    try:
        db.flush()
    except IntegrityError as exc:
        raise Conflict(
            "Someone signed at the same moment. Please reload the page to see the newest "
            "signatures."
        ) from exc
    signed = set(
        db.scalars(
            select(PlanSignature.role).where(
                PlanSignature.organization_id == member.organization_id,
                PlanSignature.version_id == version.id,
            )
        ).all()
    )
    _complete_if_ready(db, member, version, signed, now)
    db.flush()
    audit.record(
        db,
        viewer=viewer,
        action="sign",
        record_type="plan_version",
        record_id=version.id,
        subject_member_id=member.id,
        allowed=True,
        detail=f"version {version.number} signed as {role}"
        + (" (complete)" if version.completed_at else ""),
    )


def start_signature(
    db: Session, viewer: Viewer, member_id: int, *, seen: str | None = None
) -> PlanVersion:
    """The member signs the plan as it is now: it is frozen as a new version.

    `seen` (optional) is the fingerprint of the plan the member was looking at; if the plan
    changed since, nothing is signed.
    """
    if viewer.user.id != member_id:
        # Staff may read (and later sign) the plan, but a new version starts with the member.
        common.plan_member(db, viewer, member_id, record_type="plan_version", record_id="new")
        raise NotFound(
            "A new version starts when the member signs their plan. Once they have, you can "
            "add your signature to it."
        )
    member = common.plan_member(
        db,
        viewer,
        member_id,
        Section.PLAN,
        Action.SIGN,
        record_type="plan_version",
        record_id="new",
    )
    snapshot = build_snapshot(db, member)
    if seen and seen != fingerprint(snapshot):
        raise Conflict(
            "Your plan changed after this page was opened, so nothing was signed. Please look "
            "over the plan as it is now and sign again."
        )
    versions = _versions(db, member)
    latest = versions[0] if versions else None
    if (
        latest is not None
        and latest.completed_at is None
        and same_plan(latest.snapshot or {}, snapshot)
    ):
        who = signer_labels(_views(db, [latest])[0].awaiting)
        raise Conflict(
            f"You already signed version {latest.number}, and your plan has not changed since. "
            f"It is waiting for {who} to sign."
        )
    now = utcnow()
    version = PlanVersion(
        organization_id=member.organization_id,
        member_id=member.id,
        number=(latest.number if latest else 0) + 1,
        snapshot=snapshot,
        created_by_id=member.id,
        created_at=now,
        required_roles=list(org_settings(member.organization).plan_signatures),
    )
    db.add(version)
    try:
        db.flush()
    except IntegrityError as exc:
        raise Conflict(
            "Another version was signed at the same moment. Please reload the page."
        ) from exc
    _add_signature(db, viewer, member, version, "member", now)
    return version


def sign_version(db: Session, viewer: Viewer, member_id: int, version_id: int) -> PlanVersion:
    """The peer specialist or supervisor signs a version that is waiting for their role."""
    member = common.plan_member(
        db,
        viewer,
        member_id,
        Section.PLAN,
        Action.SIGN,
        record_type="plan_version",
        record_id=version_id,
    )
    version = _version_of(db, member, version_id)
    role = ROLE_FOR_RELATION.get(access.relation_to_member(db, viewer.user, member))
    if role is None:
        raise NotFound()
    label = SIGNER_LABELS.get(role, role)
    view = _views(db, [version])[0]
    existing = next((s for s in view.signatures if s.role == role), None)
    if existing is not None:
        raise Conflict(
            f"Version {version.number} already has the {label}'s signature "
            f"({existing.signer_name}, {long_date(existing.signed_at)})."
        )
    if role not in view.required_roles:
        raise Conflict(
            f"Version {version.number} does not ask for a {label}'s signature: this "
            "organization's plans are signed by " + signer_labels(view.required_roles) + "."
        )
    newest = _newest_number(db, member)
    if newest > version.number:
        raise Conflict(
            f"Version {version.number} was replaced by version {newest} before every "
            f"signature was added. Please sign version {newest} instead."
        )
    _add_signature(db, viewer, member, version, role, utcnow())
    return version


# ---- comparing ------------------------------------------------------------------------------

ChangeKind = Literal["added", "removed", "changed"]
CHANGE_LABELS: dict[str, str] = {"added": "Added", "removed": "Removed", "changed": "Changed"}


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    where: str
    old: str
    new: str

    @property
    def label(self) -> str:
        return CHANGE_LABELS[self.kind]


@dataclass(frozen=True)
class SectionChanges:
    name: str
    label: str
    changes: list[Change]

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)


def _where(line: Line) -> str:
    return " › ".join(line.where)


def _field_label(line: Line) -> str | None:
    head, sep, _ = line.text.partition(": ")
    return head if sep else None


def _same_thing(old: Line, new: Line) -> bool:
    """Whether two differing lines are one field or item, edited (rather than one removed and
    another added): the same field name at the same depth, or much the same wording."""
    if old.depth != new.depth:
        return False
    label = _field_label(old)
    if label is not None:
        return label == _field_label(new)
    if _field_label(new) is not None:
        return False
    return difflib.SequenceMatcher(None, old.text, new.text).ratio() >= 0.5


def _grouped(lines: Sequence[Line], kind: ChangeKind) -> list[Change]:
    """A run of added (or removed) lines as rows: an item together with everything under it."""
    rows = []
    i = 0
    while i < len(lines):
        head = lines[i]
        j = i + 1
        while j < len(lines) and lines[j].depth > head.depth:
            j += 1
        text = "\n".join(
            [head.text]
            + ["  " * (c.depth - head.depth - 1) + "– " + c.text for c in lines[i + 1 : j]]
        )
        rows.append(
            Change(
                kind, _where(head), "" if kind == "added" else text, text if kind == "added" else ""
            )
        )
        i = j
    return rows


def _block_changes(olds: Sequence[Line], news: Sequence[Line]) -> list[Change]:
    """Rows for one differing stretch: edited fields paired up, the rest added or removed."""
    pairs: dict[int, int] = {}  # index in news -> index in olds
    start = 0
    for i, o in enumerate(olds):
        for j in range(start, len(news)):
            if _same_thing(o, news[j]):
                pairs[j] = i
                start = j + 1
                break
    paired_olds = set(pairs.values())
    rows = _grouped([o for i, o in enumerate(olds) if i not in paired_olds], "removed")
    run: list[Line] = []
    for j, n in enumerate(news):
        if j in pairs:
            rows += _grouped(run, "added")
            run = []
            rows.append(Change("changed", _where(n), olds[pairs[j]].text, n.text))
        else:
            run.append(n)
    rows += _grouped(run, "added")
    return rows


def compare_snapshots(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[SectionChanges]:
    """Section by section, what was added, removed or changed from `old` to `new`.

    Both sides are flattened to readable lines and compared with difflib. An added or removed
    item is one row (with what sits under it); an edited field is one "changed" row. Sections
    without differences are left out, so an empty list means "the same plan".
    """
    result = []
    for name in ordered(list(dict.fromkeys([*old, *new]))):
        labels = labels_for(name)
        a = flatten(old.get(name), labels=labels) if name in old else []
        b = flatten(new.get(name), labels=labels) if name in new else []
        matcher = difflib.SequenceMatcher(
            None, [x.key for x in a], [y.key for y in b], autojunk=False
        )
        changes: list[Change] = []
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag != "equal":
                changes += _block_changes(a[i1:i2], b[j1:j2])
        if changes:
            result.append(SectionChanges(name, part_label(name), changes))
    return result


@dataclass(frozen=True)
class Comparison:
    member: User
    a: int
    b: int | None  # None: the live draft
    a_label: str
    b_label: str
    sections: list[SectionChanges]
    numbers: list[int]

    @property
    def b_value(self) -> str:
        return "draft" if self.b is None else str(self.b)


def parse_version_choice(
    value: str, name: str, numbers: Sequence[int], *, allow_draft: bool
) -> int | None:
    """A version number (or "draft" where allowed) from a query value, or raise Invalid."""
    text = (value or "").strip().lower()
    hint = "a version number" + (' or "draft" for the plan as it is now' if allow_draft else "")
    if allow_draft and text == "draft":
        return None
    if not text:
        raise Invalid("Choose two versions to compare.", errors={name: f"Choose {hint}."})
    if not text.isdigit() or len(text) > 9:
        raise Invalid(
            "Choose two versions to compare.",
            errors={name: f"“{value[:40]}” is not {hint}."},
        )
    number = int(text)
    if number not in numbers:
        known = ", ".join(str(n) for n in sorted(numbers)) or "none yet"
        raise Invalid(
            "Choose two versions to compare.",
            errors={name: f"There is no version {number}. Versions: {known}."},
        )
    return number


def compare(db: Session, viewer: Viewer, member_id: int, a: str, b: str) -> Comparison:
    member = common.plan_member(db, viewer, member_id, record_type="plan_compare")
    versions = {v.number: v for v in _versions(db, member)}
    numbers = sorted(versions)
    errors: dict[str, str] = {}
    a_number: int | None = None
    b_number: int | None = None
    try:
        a_number = parse_version_choice(a, "a", numbers, allow_draft=False)
    except Invalid as exc:
        errors.update(exc.errors)
    try:
        b_number = parse_version_choice(b, "b", numbers, allow_draft=True)
    except Invalid as exc:
        errors.update(exc.errors)
    if errors or a_number is None:
        raise Invalid("Choose two versions to compare.", errors=errors)
    old = dict(versions[a_number].snapshot or {})
    new = (
        build_snapshot(db, member) if b_number is None else dict(versions[b_number].snapshot or {})
    )
    names = _readable_parts(
        db,
        viewer,
        member,
        ordered(list(dict.fromkeys([*old, *new]))),
        record_type="plan_compare",
        record_id=member_id,
    )
    shown = set(names)
    return Comparison(
        member=member,
        a=a_number,
        b=b_number,
        a_label=f"Version {a_number}",
        b_label="The plan as it is now" if b_number is None else f"Version {b_number}",
        sections=compare_snapshots(
            {k: v for k, v in old.items() if k in shown},
            {k: v for k, v in new.items() if k in shown},
        ),
        numbers=numbers,
    )


def compare_choices(db: Session, viewer: Viewer, member_id: int) -> tuple[User, list[int]]:
    """For the empty compare form: the member and their version numbers."""
    member = common.plan_member(db, viewer, member_id, record_type="plan_compare")
    return member, sorted(v.number for v in _versions(db, member))


# ---- export -----------------------------------------------------------------------------------


def export_plan(db: Session, viewer: Viewer, member_id: int) -> dict[str, Any]:
    """The live plan and every version with its signatures, as one JSON-able document."""
    member = common.plan_member(db, viewer, member_id, record_type="plan_export")
    snapshot = build_snapshot(db, member)
    versions = _versions(db, member, snapshots=True)
    names = _readable_parts(
        db,
        viewer,
        member,
        ordered(list(dict.fromkeys([*snapshot, *(k for v in versions for k in v.snapshot)]))),
        record_type="plan_export",
        record_id=member_id,
    )
    shown = set(names)
    views = {v.id: v for v in _views(db, versions)}
    status = plan_status(db, member, live=snapshot)
    document = {
        "format": "peerpath-plan-export/1",
        "exported_at": utcnow().isoformat(),
        "member": {"id": member.id, "display_name": member.display_name},
        "organization": member.organization.name,
        "parts": [n for n in part_names() if n in shown],
        "plan": {k: v for k, v in snapshot.items() if k in shown},
        "draft_changed_since_latest_version": status.draft_changed,
        "review": {
            "due": status.review.due.isoformat() if status.review.due else None,
            "state": status.review.state,
        },
        "versions": [
            {
                "number": v.number,
                "created_at": v.created_at.isoformat(),
                "created_by": views[v.id].created_by_name,
                "required_roles": list(v.required_roles or []),
                "completed_at": v.completed_at.isoformat() if v.completed_at else None,
                "review_due": v.review_due.isoformat() if v.review_due else None,
                "signatures": [
                    {
                        "role": s.role,
                        "signer": s.signer_name,
                        "signed_at": s.signed_at.isoformat(),
                    }
                    for s in views[v.id].signatures
                ],
                "snapshot": {k: val for k, val in (v.snapshot or {}).items() if k in shown},
            }
            for v in sorted(versions, key=lambda v: v.number)
        ],
    }
    audit.record(
        db,
        viewer=viewer,
        action="export:plan",
        record_type="plan",
        record_id=member.id,
        subject_member_id=member.id,
        allowed=True,
        detail=f"{len(versions)} versions, parts: {', '.join(sorted(shown))}",
    )
    return document


# ---- the organization's settings for plans ------------------------------------------------


def settings_for_admin(db: Session, viewer: Viewer) -> OrgSettings:
    access.require_role(viewer, Role.ADMIN)
    return org_settings(viewer.user.organization)


def validate_settings(current: OrgSettings, data: Mapping[str, Any]) -> OrgSettings:
    """Apply the changes in `data` to `current`, or raise Invalid with a message per field."""
    errors: dict[str, str] = {}
    values = current.model_dump()
    for key in data:
        if key not in OrgSettings.model_fields:
            errors[key] = f"“{str(key)[:40]}” is not a setting here."
    if "plan_review_months" in data:
        raw = data["plan_review_months"]
        months: int | None = None
        if isinstance(raw, int) and not isinstance(raw, bool):
            months = raw
        elif isinstance(raw, str) and raw.strip().isdigit() and len(raw.strip()) < 6:
            months = int(raw.strip())
        if months is None or not REVIEW_MONTHS_MIN <= months <= REVIEW_MONTHS_MAX:
            errors["plan_review_months"] = (
                f"Review after: choose a whole number of months from {REVIEW_MONTHS_MIN} "
                f"to {REVIEW_MONTHS_MAX}."
            )
        else:
            values["plan_review_months"] = months
    if "plan_signatures" in data:
        raw = data["plan_signatures"]
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not all(isinstance(r, str) for r in raw):
            errors["plan_signatures"] = "Signatures: send a list of roles."
        else:
            unknown = [r for r in raw if r not in SIGNER_ROLES]
            if unknown:
                errors["plan_signatures"] = (
                    f"Signatures: “{unknown[0][:40]}” is not a role that signs plans. Choose "
                    "from member, peer specialist and supervisor."
                )
            elif "member" not in raw:
                errors["plan_signatures"] = (
                    "Signatures: the member's own signature is always needed, because the "
                    "plan is theirs."
                )
            else:
                values["plan_signatures"] = raw
    if "sharing_defaults" in data:
        from peerpath.sharing.grants.defaults import check_sharing_defaults

        values["sharing_defaults"] = check_sharing_defaults(
            current, data["sharing_defaults"], errors
        )
    if errors:
        raise Invalid("Some settings need another look. Nothing was changed.", errors=errors)
    return OrgSettings.model_validate(values)


def update_settings(db: Session, viewer: Viewer, data: Mapping[str, Any]) -> OrgSettings:
    access.require_role(viewer, Role.ADMIN)
    organization = viewer.user.organization
    before = org_settings(organization)
    after = validate_settings(before, data)
    changed = {
        name: (getattr(before, name), getattr(after, name))
        for name in OrgSettings.model_fields
        if getattr(before, name) != getattr(after, name)
    }
    if changed:
        organization.settings = {**(organization.settings or {}), **after.model_dump(mode="json")}
        db.flush()
    audit.record(
        db,
        viewer=viewer,
        action="update:settings",
        record_type="organization",
        record_id=organization.id,
        allowed=True,
        detail="; ".join(f"{k}: {old} → {new}" for k, (old, new) in changed.items()) or "no change",
    )
    return after
