"""Every route, called as every demo role of both organizations and as an anonymous visitor.

The table below says who may use each route. A route missing from the table fails the test, so
every new route must state its access rule here. Denial means 401/403/404 or a redirect to the
sign-in page; allowed means anything else below 500. No combination may answer 500.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from peerpath.accounts import service as accounts
from peerpath.core.audit import Viewer
from peerpath.db.models import JournalEntry, PlanVersion, User
from tests.conftest import Browser
from tests.integration.access_rules import (
    ACTORS,
    HARBOR_ADMIN,
    MEMBER1_CIRCLE,
    NOBODY,
    IdLookup,
    Rule,
    anyone,
    area_modules,
    only,
    role,
    signed_in,
)

# (method, path) -> who is allowed. Paths use the route's own template.
RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/"): anyone,
    ("GET", "/login"): anyone,
    ("POST", "/login"): NOBODY,  # empty credentials: refused for everyone, but never a 500
    ("POST", "/logout"): anyone,
    ("GET", "/account"): signed_in,
    ("POST", "/account/password"): signed_in,
    ("POST", "/account/tokens"): signed_in,
    ("POST", "/account/tokens/{token_id}/revoke"): only("harbor.member1"),
    ("GET", "/invite/{token}"): NOBODY,  # an unknown invitation is 'not there' for all
    ("POST", "/invite/{token}"): NOBODY,
    ("GET", "/my-recovery"): role("member"),
    ("GET", "/me/record-views"): role("member"),
    ("GET", "/caseload"): role("peer"),
    ("GET", "/supervision"): role("supervisor"),
    ("GET", "/supporting"): role("supporter"),
    ("GET", "/members/{member_id}"): MEMBER1_CIRCLE,
    ("GET", "/admin"): role("admin"),
    ("GET", "/admin/users"): role("admin"),
    ("GET", "/admin/users/new"): role("admin"),
    ("POST", "/admin/users"): role("admin"),
    ("GET", "/admin/users/{user_id}"): HARBOR_ADMIN,
    ("POST", "/admin/users/{user_id}"): HARBOR_ADMIN,
    ("POST", "/admin/users/{user_id}/invite"): HARBOR_ADMIN,
    ("GET", "/admin/users/{user_id}/deactivate"): HARBOR_ADMIN,
    ("POST", "/admin/users/{user_id}/deactivate"): HARBOR_ADMIN,
    ("POST", "/admin/users/{user_id}/reactivate"): HARBOR_ADMIN,
    ("GET", "/admin/audit"): role("admin"),
    ("GET", "/api/v1/me"): signed_in,
    ("POST", "/api/v1/me/password"): signed_in,
    ("GET", "/api/v1/me/tokens"): signed_in,
    ("POST", "/api/v1/me/tokens"): signed_in,
    ("DELETE", "/api/v1/me/tokens/{token_id}"): only("harbor.member1"),
    ("GET", "/api/v1/members"): signed_in,
    ("GET", "/api/v1/members/{member_id}"): MEMBER1_CIRCLE,
    ("GET", "/api/v1/me/record-views"): role("member"),
    ("GET", "/api/v1/admin/users"): role("admin"),
    ("POST", "/api/v1/admin/users"): role("admin"),
    ("GET", "/api/v1/admin/users/{user_id}"): HARBOR_ADMIN,
    ("PATCH", "/api/v1/admin/users/{user_id}"): HARBOR_ADMIN,
    ("POST", "/api/v1/admin/users/{user_id}/deactivate"): HARBOR_ADMIN,
    ("POST", "/api/v1/admin/users/{user_id}/reactivate"): HARBOR_ADMIN,
    ("GET", "/api/v1/admin/audit"): role("admin"),
    # --- plan: profile, strengths, supporters map ---
    # the profile section: admin and supporter read it
    ("GET", "/members/{member_id}/profile"): MEMBER1_CIRCLE,
    # the member's own words: never proposable
    ("POST", "/members/{member_id}/profile"): only("harbor.member1"),
    ("GET", "/api/v1/members/{member_id}/profile"): MEMBER1_CIRCLE,
    # empty body: 422, nothing saved
    ("PUT", "/api/v1/members/{member_id}/profile"): only("harbor.member1"),
    ("GET", "/members/{member_id}/strengths"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor"
    ),
    # empty form: 422; peer1's would be a proposal
    ("POST", "/members/{member_id}/strengths"): only("harbor.member1", "harbor.peer1"),
    ("GET", "/members/{member_id}/strengths/{strength_id}"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor"
    ),
    # no version: 422
    ("POST", "/members/{member_id}/strengths/{strength_id}"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("GET", "/members/{member_id}/strengths/{strength_id}/remove"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor"
    ),
    # no version: 422, kept
    ("POST", "/members/{member_id}/strengths/{strength_id}/remove"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("GET", "/api/v1/members/{member_id}/strengths"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor"
    ),
    ("POST", "/api/v1/members/{member_id}/strengths"): only("harbor.member1", "harbor.peer1"),
    ("PATCH", "/api/v1/members/{member_id}/strengths/{strength_id}"): only(
        "harbor.member1", "harbor.peer1"
    ),
    # no version: 422, kept
    ("DELETE", "/api/v1/members/{member_id}/strengths/{strength_id}"): only(
        "harbor.member1", "harbor.peer1"
    ),
    # answering twice: a note
    ("POST", "/members/{member_id}/proposals/{proposal_id}/accept"): only("harbor.member1"),
    ("POST", "/members/{member_id}/proposals/{proposal_id}/decline"): only("harbor.member1"),
    # twice: 409
    ("POST", "/api/v1/members/{member_id}/proposals/{proposal_id}/accept"): only("harbor.member1"),
    ("POST", "/api/v1/members/{member_id}/proposals/{proposal_id}/decline"): only("harbor.member1"),
    ("GET", "/members/{member_id}/supporters"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor"
    ),
    ("POST", "/members/{member_id}/supporters/people"): only("harbor.member1", "harbor.peer1"),
    ("GET", "/members/{member_id}/supporters/people/{person_id}"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor"
    ),
    ("POST", "/members/{member_id}/supporters/people/{person_id}"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("GET", "/members/{member_id}/supporters/people/{person_id}/remove"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor"
    ),
    ("POST", "/members/{member_id}/supporters/people/{person_id}/remove"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("POST", "/members/{member_id}/supporters/places"): only("harbor.member1", "harbor.peer1"),
    ("GET", "/members/{member_id}/supporters/places/{place_id}"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor"
    ),
    ("POST", "/members/{member_id}/supporters/places/{place_id}"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("GET", "/members/{member_id}/supporters/places/{place_id}/remove"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor"
    ),
    ("POST", "/members/{member_id}/supporters/places/{place_id}/remove"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("GET", "/api/v1/members/{member_id}/supporters"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor"
    ),
    ("POST", "/api/v1/members/{member_id}/supporters/people"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("PATCH", "/api/v1/members/{member_id}/supporters/people/{person_id}"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("DELETE", "/api/v1/members/{member_id}/supporters/people/{person_id}"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("POST", "/api/v1/members/{member_id}/supporters/places"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("PATCH", "/api/v1/members/{member_id}/supporters/places/{place_id}"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("DELETE", "/api/v1/members/{member_id}/supporters/places/{place_id}"): only(
        "harbor.member1", "harbor.peer1"
    ),
    # --- plan: vision, goals, objectives, steps, decisions, proposals ---
    # a member is sent to their own plan; other roles 403
    ("GET", "/my-plan"): role("member"),
    ("GET", "/members/{member_id}/plan"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor"
    ),
    # forms are for writers (peer1 proposes)
    ("GET", "/members/{member_id}/plan/goals/new"): only("harbor.member1", "harbor.peer1"),
    # empty form: 422, nothing saved
    ("POST", "/members/{member_id}/plan/goals"): only("harbor.member1", "harbor.peer1"),
    ("GET", "/members/{member_id}/plan/goals/{goal_id}"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor"
    ),
    ("GET", "/members/{member_id}/plan/goals/{goal_id}/edit"): only(
        "harbor.member1", "harbor.peer1"
    ),
    # no title, no version: 422
    ("POST", "/members/{member_id}/plan/goals/{goal_id}"): only("harbor.member1", "harbor.peer1"),
    # no status: 422
    ("POST", "/members/{member_id}/plan/goals/{goal_id}/status"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("GET", "/members/{member_id}/plan/goals/{goal_id}/remove"): only(
        "harbor.member1", "harbor.peer1"
    ),
    # no version: 422, kept
    ("POST", "/members/{member_id}/plan/goals/{goal_id}/remove"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("GET", "/members/{member_id}/plan/goals/{goal_id}/objectives/new"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("POST", "/members/{member_id}/plan/goals/{goal_id}/objectives"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("GET", "/members/{member_id}/plan/objectives/{objective_id}/edit"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("POST", "/members/{member_id}/plan/objectives/{objective_id}"): only(
        "harbor.member1", "harbor.peer1"
    ),
    # no done value: 422
    ("POST", "/members/{member_id}/plan/objectives/{objective_id}/done"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("GET", "/members/{member_id}/plan/objectives/{objective_id}/remove"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("POST", "/members/{member_id}/plan/objectives/{objective_id}/remove"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("GET", "/members/{member_id}/plan/objectives/{objective_id}/steps/new"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("POST", "/members/{member_id}/plan/objectives/{objective_id}/steps"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("GET", "/members/{member_id}/plan/steps/{step_id}/edit"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("POST", "/members/{member_id}/plan/steps/{step_id}"): only("harbor.member1", "harbor.peer1"),
    ("POST", "/members/{member_id}/plan/steps/{step_id}/done"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("GET", "/members/{member_id}/plan/steps/{step_id}/remove"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("POST", "/members/{member_id}/plan/steps/{step_id}/remove"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("GET", "/members/{member_id}/plan/decisions/new"): only("harbor.member1", "harbor.peer1"),
    # no option: 422
    ("POST", "/members/{member_id}/plan/decisions"): only("harbor.member1", "harbor.peer1"),
    ("GET", "/members/{member_id}/plan/decisions/{decision_id}"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor"
    ),
    ("GET", "/members/{member_id}/plan/decisions/{decision_id}/edit"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("POST", "/members/{member_id}/plan/decisions/{decision_id}"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("GET", "/members/{member_id}/plan/decisions/{decision_id}/remove"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("POST", "/members/{member_id}/plan/decisions/{decision_id}/remove"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("GET", "/api/v1/members/{member_id}/plan"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor"
    ),
    ("GET", "/api/v1/members/{member_id}/proposals"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor"
    ),
    # API: an empty body is 422; PATCH and DELETE also need a version
    ("POST", "/api/v1/members/{member_id}/plan/goals"): only("harbor.member1", "harbor.peer1"),
    ("PATCH", "/api/v1/members/{member_id}/plan/goals/{goal_id}"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("DELETE", "/api/v1/members/{member_id}/plan/goals/{goal_id}"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("POST", "/api/v1/members/{member_id}/plan/goals/{goal_id}/objectives"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("PATCH", "/api/v1/members/{member_id}/plan/objectives/{objective_id}"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("DELETE", "/api/v1/members/{member_id}/plan/objectives/{objective_id}"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("POST", "/api/v1/members/{member_id}/plan/objectives/{objective_id}/steps"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("PATCH", "/api/v1/members/{member_id}/plan/steps/{step_id}"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("DELETE", "/api/v1/members/{member_id}/plan/steps/{step_id}"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("GET", "/api/v1/members/{member_id}/plan/decisions"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor"
    ),
    ("POST", "/api/v1/members/{member_id}/plan/decisions"): only("harbor.member1", "harbor.peer1"),
    ("GET", "/api/v1/members/{member_id}/plan/decisions/{decision_id}"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor"
    ),
    ("PATCH", "/api/v1/members/{member_id}/plan/decisions/{decision_id}"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("DELETE", "/api/v1/members/{member_id}/plan/decisions/{decision_id}"): only(
        "harbor.member1", "harbor.peer1"
    ),
    # --- plan: versions, signing, compare, print, export, organization settings ---
    ("GET", "/members/{member_id}/plan/versions"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor"
    ),
    # Only the member starts a new signed version; staff sign one that waits for their role.
    ("POST", "/members/{member_id}/plan/sign"): only("harbor.member1"),
    ("POST", "/members/{member_id}/plan/versions/{version_id}/sign"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor"
    ),
    ("GET", "/members/{member_id}/plan/compare"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor"
    ),
    ("GET", "/members/{member_id}/plan/print"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor"
    ),
    ("GET", "/members/{member_id}/plan/versions/{version_id}/print"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor"
    ),
    ("GET", "/members/{member_id}/plan/export.json"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor"
    ),
    ("GET", "/admin/settings"): role("admin"),
    ("POST", "/admin/settings"): role("admin"),
    ("GET", "/api/v1/members/{member_id}/plan/versions"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor"
    ),
    ("POST", "/api/v1/members/{member_id}/plan/sign"): only("harbor.member1"),
    ("POST", "/api/v1/members/{member_id}/plan/versions/{version_id}/sign"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor"
    ),
    ("GET", "/api/v1/members/{member_id}/plan/compare"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor"
    ),
    ("GET", "/api/v1/members/{member_id}/plan/export"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor"
    ),
    ("GET", "/api/v1/admin/settings"): role("admin"),
    ("PATCH", "/api/v1/admin/settings"): role("admin"),
    # --- plan: wellness and crisis plan ---
    ("GET", "/my-wellness-plan"): role("member"),
    # The demo's member1 shares the crisis plan (only) with supporter1.
    ("GET", "/members/{member_id}/wellness"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor", "harbor.supporter1"
    ),
    # The demo's member1 shares the crisis plan (only) with supporter1.
    ("GET", "/members/{member_id}/wellness/print"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor", "harbor.supporter1"
    ),
    # The demo's member1 shares the crisis plan (only) with supporter1.
    ("GET", "/members/{member_id}/crisis/print"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor", "harbor.supporter1"
    ),
    ("GET", "/members/{member_id}/wellness/{section_key}"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor"
    ),
    ("POST", "/members/{member_id}/wellness/{section_key}"): only("harbor.member1", "harbor.peer1"),
    # The demo's member1 shares the crisis plan (only) with supporter1.
    ("GET", "/api/v1/members/{member_id}/wellness"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor", "harbor.supporter1"
    ),
    ("GET", "/api/v1/members/{member_id}/wellness/{section_key}"): only(
        "harbor.member1", "harbor.peer1", "harbor.supervisor"
    ),
    ("PUT", "/api/v1/members/{member_id}/wellness/{section_key}"): only(
        "harbor.member1", "harbor.peer1"
    ),
    # --- day to day: check-ins, tool log, setbacks ---
    ("GET", "/check-in"): role("member"),
    ("POST", "/check-in"): role("member"),
    ("GET", "/check-in/day"): role("member"),
    ("GET", "/check-in/saved"): role("member"),
    ("GET", "/check-in/settings"): role("member"),
    ("POST", "/check-in/settings"): role("member"),
    ("GET", "/check-in/history"): role("member"),
    ("GET", "/members/{member_id}/checkins"): only("harbor.member1", "harbor.peer1"),
    ("GET", "/tools"): role("member"),
    ("POST", "/tools"): role("member"),
    ("POST", "/tools/{entry_id}/delete"): only("harbor.member1"),
    ("GET", "/setbacks"): role("member"),
    ("GET", "/setbacks/new"): role("member"),
    ("POST", "/setbacks/new"): role("member"),
    ("GET", "/setbacks/{setback_id}"): only("harbor.member1"),
    ("POST", "/setbacks/{setback_id}"): only("harbor.member1"),
    ("GET", "/members/{member_id}/setbacks"): only("harbor.member1", "harbor.peer1"),
    ("GET", "/api/v1/members/{member_id}/checkin-preferences"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("PUT", "/api/v1/members/{member_id}/checkin-preferences"): only("harbor.member1"),
    ("GET", "/api/v1/members/{member_id}/checkins"): only("harbor.member1", "harbor.peer1"),
    ("POST", "/api/v1/members/{member_id}/checkins"): only("harbor.member1"),
    ("GET", "/api/v1/members/{member_id}/checkins/{checkin_id}"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("PATCH", "/api/v1/members/{member_id}/checkins/{checkin_id}"): only("harbor.member1"),
    ("GET", "/api/v1/members/{member_id}/tools"): only("harbor.member1", "harbor.peer1"),
    ("POST", "/api/v1/members/{member_id}/tools"): only("harbor.member1"),
    ("DELETE", "/api/v1/members/{member_id}/tools/{use_id}"): only("harbor.member1"),
    ("GET", "/api/v1/members/{member_id}/setbacks"): only("harbor.member1", "harbor.peer1"),
    ("POST", "/api/v1/members/{member_id}/setbacks"): only("harbor.member1"),
    ("PATCH", "/api/v1/members/{member_id}/setbacks/{setback_id}"): only("harbor.member1"),
    # --- day to day: journal, keys ---
    # The journal is the member's alone; the assigned peer specialist reads only the entries
    # the member shares. journal_entry_id is one of member1's shared entries.
    ("GET", "/journal"): role("member"),
    ("POST", "/journal"): role("member"),  # empty form: 422, nothing saved
    ("GET", "/journal/{journal_entry_id}"): only("harbor.member1"),
    ("GET", "/journal/{journal_entry_id}/edit"): only("harbor.member1"),
    ("POST", "/journal/{journal_entry_id}/edit"): only("harbor.member1"),  # no version: 422
    ("GET", "/journal/{journal_entry_id}/delete"): only("harbor.member1"),
    ("POST", "/journal/{journal_entry_id}/delete"): only("harbor.member1"),  # no version: 422, kept
    ("POST", "/journal/{journal_entry_id}/share"): only("harbor.member1"),
    ("POST", "/journal/{journal_entry_id}/unshare"): only("harbor.member1"),
    ("GET", "/members/{member_id}/journal/shared"): only("harbor.member1", "harbor.peer1"),
    ("GET", "/members/{member_id}/journal/{journal_entry_id}"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("GET", "/api/v1/journal/prompts"): signed_in,
    ("GET", "/api/v1/members/{member_id}/journal"): only("harbor.member1"),
    ("POST", "/api/v1/members/{member_id}/journal"): only("harbor.member1"),
    ("GET", "/api/v1/members/{member_id}/journal/shared"): only("harbor.member1", "harbor.peer1"),
    ("GET", "/api/v1/members/{member_id}/journal/{journal_entry_id}"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("PATCH", "/api/v1/members/{member_id}/journal/{journal_entry_id}"): only("harbor.member1"),
    ("DELETE", "/api/v1/members/{member_id}/journal/{journal_entry_id}"): only("harbor.member1"),
    ("POST", "/api/v1/members/{member_id}/journal/{journal_entry_id}/share"): only(
        "harbor.member1"
    ),
    ("POST", "/api/v1/members/{member_id}/journal/{journal_entry_id}/unshare"): only(
        "harbor.member1"
    ),
    # --- day to day: measures ---
    # measure_key is "swemwbs": licensed wording, not entered in the demo (answers get 422).
    ("GET", "/measures"): role("member"),
    ("GET", "/measures/{measure_key}"): role("member"),
    ("POST", "/measures/{measure_key}"): role("member"),
    ("GET", "/members/{member_id}/measures"): only("harbor.member1", "harbor.peer1"),
    ("GET", "/admin/measures"): role("admin"),
    ("GET", "/admin/measures/{measure_key}/items"): role("admin"),
    ("POST", "/admin/measures/{measure_key}/items"): role("admin"),  # empty form: 422
    ("GET", "/api/v1/measures"): signed_in,
    ("GET", "/api/v1/members/{member_id}/measures/{measure_key}/responses"): only(
        "harbor.member1", "harbor.peer1"
    ),
    ("POST", "/api/v1/members/{member_id}/measures/{measure_key}/responses"): only(
        "harbor.member1"
    ),
    # --- day to day: progress ---
    ("GET", "/progress"): role("member"),
    ("GET", "/members/{member_id}/progress"): only("harbor.member1", "harbor.peer1"),
    ("GET", "/api/v1/members/{member_id}/progress"): only("harbor.member1", "harbor.peer1"),
}


def _newest_id(db: Session, demo: dict[str, User], model: str, order: str, skip: int = 0) -> Any:
    """Day to day: the id of harbor.member1's newest row of `model` (after `skip` newer)."""
    from sqlalchemy import select as select_

    from peerpath.db import models

    table = getattr(models, model)
    return db.scalar(
        select_(table.id)
        .where(table.member_id == demo["harbor.member1"].id)
        .order_by(getattr(table, order).desc(), table.id.desc())
        .offset(skip)
        .limit(1)
    )


def _first_of(db: Session, demo: dict[str, User], model: str, **where: str) -> Any:
    """Profile, strengths, supporters: the id of harbor.member1's first row of `model`."""
    from sqlalchemy import select as select_

    from peerpath.db import models

    table = getattr(models, model)
    query = select_(table.id).where(table.member_id == demo["harbor.member1"].id)
    for column, value in where.items():
        query = query.where(getattr(table, column) == value)
    return db.scalar(query.order_by(table.id).limit(1))


# Path parameter -> how to find a real value for it (harbor.member1's records, mostly).
ID_LOOKUPS: dict[str, IdLookup] = {
    "member_id": lambda db, demo: demo["harbor.member1"].id,
    "user_id": lambda db, demo: demo["harbor.member1"].id,
    "token": lambda db, demo: "not-a-real-invitation",
    # --- plan id lookups ---
    # Profile, strengths, supporters: harbor.member1's first strength, person and place, and
    # the strength peer1 suggested in the demo (still waiting for member1's answer).
    "strength_id": lambda db, demo: _first_of(db, demo, "Strength"),
    "person_id": lambda db, demo: _first_of(db, demo, "SupporterEntry"),
    "place_id": lambda db, demo: _first_of(db, demo, "CommunityPlace"),
    "proposal_id": lambda db, demo: _first_of(
        db, demo, "PlanProposal", kind="strength", status="pending"
    ),
    # harbor.member1's version 2: signed by the member, waiting for peer1 (versions demo).
    "version_id": lambda db, demo: db.scalar(
        select(PlanVersion.id).where(
            PlanVersion.member_id == demo["harbor.member1"].id, PlanVersion.number == 2
        )
    ),
    "section_key": lambda db, demo: "toolbox",  # wellness and crisis plan section
    # Goals: harbor.member1's first goal (working on it, with objectives and steps), that
    # goal's first objective and that objective's first step, and their decision worksheet.
    "goal_id": lambda db, demo: _first_of(db, demo, "Goal"),
    "objective_id": lambda db, demo: db.scalar(
        select(User.metadata.tables["objectives"].c.id)
        .where(User.metadata.tables["objectives"].c.goal_id == _first_of(db, demo, "Goal"))
        .order_by(User.metadata.tables["objectives"].c.id)
        .limit(1)
    ),
    "step_id": lambda db, demo: db.scalar(
        select(User.metadata.tables["action_steps"].c.id)
        .where(
            User.metadata.tables["action_steps"].c.objective_id
            == ID_LOOKUPS["objective_id"](db, demo)
        )
        .order_by(User.metadata.tables["action_steps"].c.id)
        .limit(1)
    ),
    "decision_id": lambda db, demo: _first_of(db, demo, "DecisionWorksheet"),
    # --- day to day id lookups ---
    "journal_entry_id": lambda db, demo: db.scalars(
        select(JournalEntry.id)
        .where(
            JournalEntry.member_id == demo["harbor.member1"].id,
            JournalEntry.shared_with_peer_at.is_not(None),
        )
        .order_by(JournalEntry.id)
    ).first(),
    "measure_key": lambda db, demo: "swemwbs",
    # harbor.member1's newest check-in, setback and tool-log entries. The API's DELETE and the
    # page's "take out of my log" each get their own entry, so neither finds it gone.
    "checkin_id": lambda db, demo: _newest_id(db, demo, "CheckIn", "day"),
    "setback_id": lambda db, demo: _newest_id(db, demo, "Setback", "happened_on"),
    "use_id": lambda db, demo: _newest_id(db, demo, "ToolUse", "id"),
    "entry_id": lambda db, demo: _newest_id(db, demo, "ToolUse", "id", skip=1),
}


# Later areas keep their rules and id lookups in their own module under matrix_areas/, so
# areas built side by side do not edit one file.
for _area in area_modules():
    assert not set(_area.RULES) & set(RULES), f"{_area.__name__} repeats a rule"
    RULES.update(_area.RULES)
    ID_LOOKUPS.update(_area.ID_LOOKUPS)


# Routes that name one person's data: a refusal must be 404, never 403, for anyone signed in
# with a role that could use the route at all, so existence never leaks.
RECORD_ROUTES = {
    "/members/{member_id}",
    "/api/v1/members/{member_id}",
    "/account/tokens/{token_id}/revoke",
    "/api/v1/me/tokens/{token_id}",
}


def app_routes(app: FastAPI) -> set[tuple[str, str]]:
    return set(app.state.route_table)


def test_every_route_has_an_access_rule(app: FastAPI) -> None:
    routes = app_routes(app)
    assert routes - set(RULES) == set(), "routes without an access rule"
    assert set(RULES) - routes == set(), "rules for routes that no longer exist"


def _order(key: tuple[str, str]) -> tuple[int, str, str]:
    # Sign-out last, so it does not end the session for the routes after it.
    return (1 if key[1] == "/logout" else 0, key[1], key[0])


def _is_denied(response: Any) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    location = response.headers.get("location", "")
    return response.status_code == 303 and location.startswith("/login?next=")


@pytest.mark.parametrize("actor", ACTORS)
def test_route_access_matches_the_policy(
    actor: str, client: Browser, demo: dict[str, User], db: Session
) -> None:
    member1 = demo["harbor.member1"]
    token, _ = accounts.create_api_token(db, Viewer(member1), "matrix token")
    db.commit()
    values = {name: lookup(db, demo) for name, lookup in ID_LOOKUPS.items()}
    values["token_id"] = token.id
    if actor != "anonymous":
        client.login(actor)
    problems = []
    for method, template in sorted(RULES, key=_order):
        path = template.format(**values)
        if method == "GET":
            response = client.get(path, follow_redirects=False)
        elif path.startswith("/api/"):
            response = client.api(method, path, json={}, follow_redirects=False)
        else:
            response = (
                client.submit(path, {}, follow_redirects=False)
                if method == "POST"
                else (client.request(method, path, follow_redirects=False))
            )
        expected_allowed = RULES[(method, template)](actor)
        denied = _is_denied(response)
        if response.status_code >= 500:
            problems.append(f"{method} {path}: {response.status_code}")
        elif expected_allowed == denied:
            verdict = "denied" if denied else "allowed"
            problems.append(
                f"{method} {path}: {verdict} ({response.status_code}), "
                f"expected {'allowed' if expected_allowed else 'denied'}"
            )
        elif (
            denied
            and template in RECORD_ROUTES
            and actor != "anonymous"
            and response.status_code == 403
        ):
            problems.append(f"{method} {path}: 403 leaks existence; expected 404")
    assert problems == [], f"as {actor}:\n" + "\n".join(problems)


def test_other_organization_records_answer_404_like_missing_ones(
    client: Browser, demo: dict[str, User]
) -> None:
    client.login("riverbend.admin")
    theirs = client.get(f"/admin/users/{demo['harbor.member1'].id}")
    missing = client.get("/admin/users/999999")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.text == missing.text
    api_theirs = client.get(f"/api/v1/members/{demo['harbor.member1'].id}")
    api_missing = client.get("/api/v1/members/999999")
    assert api_theirs.status_code == api_missing.status_code == 404
    assert api_theirs.json() == api_missing.json()
