"""The organization's enrolment defaults for sharing (OrgSettings.sharing_defaults): checking
an admin's change, and the words the settings page shows. New member accounts get these as
their own grants (peerpath.core.access.enrolment_default_grants); changing them later never
touches members who already joined."""

from __future__ import annotations

from typing import Any, get_args

from peerpath.core.org_settings import OrgSettings, ShareableSectionName

GROUPS: dict[str, str] = {
    "my_peer_specialist": "the member's peer specialist",
    "my_supervisor": "the supervisor of the member's peer specialist",
}
SECTION_LABELS: dict[str, str] = {
    "plan": "Recovery plan",
    "wellness_plan": "Wellness plan",
    "crisis_plan": "Crisis plan",
    "checkins": "Check-ins and progress",
    "measures": "Questionnaire answers",
    "journal": "Journal",
    "notes": "Session notes",
}
SECTIONS: tuple[str, ...] = get_args(ShareableSectionName)


def form_field(group: str) -> str:
    """The settings form's checkbox name (and error key) for one group."""
    return f"sharing_defaults_{group}"


def check_sharing_defaults(
    current: OrgSettings, raw: Any, errors: dict[str, str]
) -> dict[str, list[str]]:
    """`raw` applied to the current defaults (groups not sent stay as they are); problems go
    into `errors`, keyed by the form field of the group, or "sharing_defaults"."""
    merged: dict[str, list[str]] = {
        group: list(values) for group, values in current.sharing_defaults.model_dump().items()
    }
    if not isinstance(raw, dict):
        errors["sharing_defaults"] = (
            "Sharing defaults: send an object with my_peer_specialist and my_supervisor, "
            "each a list of sections."
        )
        return merged
    for group, value in raw.items():
        if group not in GROUPS:
            errors["sharing_defaults"] = (
                f"Sharing defaults: “{str(group)[:40]}” is not someone a new member shares "
                "with. Use my_peer_specialist or my_supervisor."
            )
            continue
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            errors[form_field(group)] = "Sharing defaults: send a list of sections."
            continue
        unknown = [v for v in value if v not in SECTIONS]
        if unknown:
            errors[form_field(group)] = (
                f"Sharing defaults: “{unknown[0][:40]}” is not a part of a record that can be "
                f"shared. Choose from {', '.join(SECTIONS)}."
            )
            continue
        merged[group] = list(dict.fromkeys(value))
    return merged
