"""Access rules for the language assistant: review and hints for signed-in staff and members
(not supporters); the organization's language settings for admins."""

from __future__ import annotations

from tests.integration.access_rules import IdLookup, Rule, role

STAFF_AND_MEMBERS = role("member", "peer", "supervisor", "admin", "trainee")

RULES: dict[tuple[str, str], Rule] = {
    # empty form: an empty fragment (200)
    ("POST", "/language/hints"): STAFF_AND_MEMBERS,
    ("GET", "/admin/language"): role("admin"),
    # empty form: saves "no extra terms, nothing silenced"
    ("POST", "/admin/language"): role("admin"),
    # empty body: 422
    ("POST", "/api/v1/language/review"): STAFF_AND_MEMBERS,
    ("GET", "/api/v1/language/settings"): role("admin"),
    # empty body: 422
    ("PUT", "/api/v1/language/settings"): role("admin"),
}

ID_LOOKUPS: dict[str, IdLookup] = {}
