"""Every table that holds a member's data, listed once, with how to find that member's rows.

The export walks this registry to build "everything about me", the retention run walks it (in
dependency order) to erase a member who left, and amendment requests use it to check that a
record really is about the member. A table either names the member in a column (`member_id`,
`user_id`, `subject_member_id`) or hangs off a parent table that does (objectives -> goals,
addenda -> session notes, ...).

tests/integration/rights/test_registry.py introspects the metadata: a table that has a member
column, a foreign key to `users`, or a chain of foreign keys to a member table, must be listed
here or in EXCLUDED (with the reason). A new table that is in neither fails that test.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, Table, and_, select

from peerpath.core.access import Section
from peerpath.db.base import Base


@dataclass(frozen=True)
class MemberTable:
    table: str
    title: str  # what the member reads in the export: "Check-ins", "Goals", ...
    # Who may read these rows is decided by the access policy for this section.
    section: Section
    # The column naming the member, or None when the rows hang off `parent`.
    member_column: str | None = "member_id"
    # (column in this table, parent table in the registry): rows whose column holds the id of
    # one of the member's rows in the parent table.
    parent: tuple[str, str] | None = None
    # Columns never exported (secrets, ciphertext).
    omit: tuple[str, ...] = ()
    # A member may comment on these records ("request an amendment").
    amendable: bool = False
    # The retention run erases these rows; False keeps them (the append-only audit log).
    erase: bool = True
    # Journal text is stored encrypted and exported decrypted for the member.
    encrypted: bool = False


S = Section
_TOKENS = ("token_hash",)

REGISTRY: tuple[MemberTable, ...] = (
    # --- account and relationships ---
    MemberTable("member_profiles", "My profile", S.PROFILE, amendable=True),
    MemberTable("caseload_assignments", "My peer specialist", S.PROFILE),
    MemberTable("supporter_links", "Supporters I invited", S.PROFILE),
    MemberTable("outreach_preferences", "Reaching out to me", S.PROFILE),
    MemberTable("program_enrollments", "Programmes I am in", S.PROFILE),
    MemberTable("appointments", "Appointments", S.PROFILE),
    MemberTable("group_members", "Peer groups I belong to", S.PROFILE),
    MemberTable("group_attendance", "Group attendance", S.PROFILE),
    MemberTable("amendment_requests", "My comments and amendment requests", S.PROFILE),
    # --- sharing, consent and disclosures ---
    MemberTable("sharing_grants", "What I share, with whom", S.PROFILE),
    MemberTable("emergency_accesses", "Emergency openings of my crisis plan", S.PROFILE),
    MemberTable("supporter_invitations", "Supporters I invited", S.PROFILE, omit=_TOKENS),
    MemberTable("part2_consents", "My consents to disclose protected records", S.PROFILE),
    MemberTable("part2_records", "Records under 42 CFR Part 2 protection", S.PROFILE),
    MemberTable("disclosures", "Disclosures of my records outside the organization", S.PROFILE),
    MemberTable("user_sessions", "Signed-in sessions", S.PROFILE, "user_id", omit=_TOKENS),
    MemberTable("api_tokens", "API tokens", S.PROFILE, "user_id", omit=_TOKENS),
    MemberTable("invitations", "Invitations to peerpath", S.PROFILE, "user_id", omit=_TOKENS),
    # --- recovery plan ---
    MemberTable("strengths", "Strengths", S.PLAN, amendable=True),
    MemberTable("goals", "Goals", S.PLAN, amendable=True),
    MemberTable(
        "objectives", "Objectives", S.PLAN, None, parent=("goal_id", "goals"), amendable=True
    ),
    MemberTable(
        "action_steps",
        "Action steps",
        S.PLAN,
        None,
        parent=("objective_id", "objectives"),
        amendable=True,
    ),
    MemberTable("decision_worksheets", "Decision worksheets", S.PLAN, amendable=True),
    MemberTable("supporter_entries", "People in my supporters map", S.PLAN, amendable=True),
    MemberTable("community_places", "Places in my supporters map", S.PLAN, amendable=True),
    MemberTable("plan_proposals", "Suggested changes to my plan", S.PLAN),
    MemberTable("plan_versions", "Signed plan versions", S.PLAN),
    MemberTable(
        "plan_signatures", "Plan signatures", S.PLAN, None, parent=("version_id", "plan_versions")
    ),
    MemberTable("wellness_sections", "Wellness and crisis plan", S.WELLNESS_PLAN, amendable=True),
    # --- day to day ---
    MemberTable("checkin_preferences", "Check-in settings", S.CHECKINS),
    MemberTable("checkins", "Check-ins", S.CHECKINS, amendable=True),
    MemberTable("tool_uses", "Wellness tools I used", S.CHECKINS, amendable=True),
    MemberTable("setbacks", "Setbacks and comebacks", S.CHECKINS, amendable=True),
    MemberTable("measure_responses", "Questionnaire answers", S.MEASURES, amendable=True),
    MemberTable(
        "journal_entries",
        "Journal",
        S.JOURNAL,
        omit=("key_id", "nonce", "ciphertext"),
        encrypted=True,
    ),
    # --- session notes (members comment on notes in the notes area itself) ---
    MemberTable("session_notes", "Session notes about me", S.NOTES),
    MemberTable(
        "session_note_objectives",
        "Objectives a session worked on",
        S.NOTES,
        None,
        parent=("note_id", "session_notes"),
    ),
    MemberTable(
        "note_addenda",
        "Additions to session notes",
        S.NOTES,
        None,
        parent=("note_id", "session_notes"),
    ),
    MemberTable(
        "note_comments",
        "My comments on session notes",
        S.NOTES,
        None,
        parent=("note_id", "session_notes"),
    ),
    MemberTable(
        "note_reviews",
        "Supervisor reviews of session notes",
        S.NOTES,
        None,
        parent=("note_id", "session_notes"),
    ),
    MemberTable(
        "group_session_notes",
        "Group sessions my notes belong to",
        S.NOTES,
        None,
        parent=("session_note_id", "session_notes"),
    ),
    # --- who has looked at my record: exported, never erased (append-only, holds no content)
    MemberTable(
        "audit_events", "Who has looked at my record", S.AUDIT, "subject_member_id", erase=False
    ),
)

# Tables that mention people but hold no member data, each with the reason.
EXCLUDED: dict[str, str] = {
    "organizations": "the tenant itself, not a person",
    "users": "the account: exported as the 'account' part, anonymised (never deleted) by the "
    "retention run, because other records name their authors",
    "login_attempts": "sign-in counters keyed by the name typed; no content, only read for "
    "rate limits within minutes",
    "member_departures": "dates and erased-row counts only: the record that the erasure "
    "happened, kept after it",
    "supervision_assignments": "which staff member supervises which peer specialist",
    "measure_item_texts": "questionnaire wording an organization entered",
    "peer_groups": "a group itself (name, facilitator); membership is in group_members",
    "group_sessions": "a group's meeting; each member's attendance is in group_attendance",
    "programs": "an organization's programmes; enrolment is in program_enrollments",
    # The exam trainer's data belongs to the learner (a peer specialist in training), not to a
    # member of the programme.
    "trainer_questions": "exam trainer question bank",
    "trainer_question_versions": "exam trainer question bank",
    "trainer_learner_settings": "exam trainer: the learner's own settings",
    "trainer_exams": "exam trainer: the learner's mock exams",
    "trainer_exam_items": "exam trainer: the learner's mock exams",
    "trainer_attempts": "exam trainer: the learner's answers",
    "trainer_cards": "exam trainer: the learner's review schedule",
    "trainer_skips": "exam trainer: questions the learner skipped",
    "trainer_reports": "exam trainer: reports about questions",
}

BY_TABLE: dict[str, MemberTable] = {entry.table: entry for entry in REGISTRY}
AMENDABLE: dict[str, MemberTable] = {e.table: e for e in REGISTRY if e.amendable}


def table_of(entry: MemberTable) -> Table:
    return Base.metadata.tables[entry.table]


def belongs_to(entry: MemberTable, organization_id: int, member_id: int) -> ColumnElement[bool]:
    """The condition selecting the member's rows of `entry` (following parents)."""
    table = table_of(entry)
    if entry.parent is None:
        assert entry.member_column is not None
        condition: ColumnElement[bool] = table.c[entry.member_column] == member_id
    else:
        column, parent_name = entry.parent
        parent = BY_TABLE[parent_name]
        parent_table = table_of(parent)
        condition = table.c[column].in_(
            select(parent_table.c.id).where(belongs_to(parent, organization_id, member_id))
        )
    if "organization_id" in table.c:
        condition = and_(table.c.organization_id == organization_id, condition)
    return condition


def rows_of(entry: MemberTable, organization_id: int, member_id: int) -> Select[tuple[object]]:
    table = table_of(entry)
    return select(table).where(belongs_to(entry, organization_id, member_id)).order_by(table.c.id)


def erase_order() -> list[MemberTable]:
    """The erasable tables, children before parents (reverse foreign-key dependency order)."""
    order = {table.name: i for i, table in enumerate(Base.metadata.sorted_tables)}
    erasable = [entry for entry in REGISTRY if entry.erase]
    return sorted(erasable, key=lambda entry: order[entry.table], reverse=True)
