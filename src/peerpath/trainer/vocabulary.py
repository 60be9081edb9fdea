"""The trainer's fixed vocabularies: exam domains, SAMHSA competencies, topics, study notes."""

from __future__ import annotations

DOMAINS: dict[str, str] = {
    "advocacy": "Advocacy",
    "mentoring_education": "Mentoring and education",
    "recovery_wellness": "Recovery and wellness support",
    "ethical_responsibility": "Ethical responsibility",
}

# SAMHSA Core Competencies for Peer Workers (2015): the 12 categories.
COMPETENCIES: dict[str, str] = {
    "engages_peers": "Engages peers in collaborative and caring relationships",
    "provides_support": "Provides support",
    "shares_lived_experience": "Shares lived experiences of recovery",
    "personalizes_support": "Personalizes peer support",
    "supports_recovery_planning": "Supports recovery planning",
    "links_resources": "Links to resources, services, and supports",
    "provides_wellness_information": "Provides information about skills related to health, "
    "wellness, and recovery",
    "helps_manage_crises": "Helps peers to manage crises",
    "values_communication": "Values communication",
    "supports_collaboration": "Supports collaboration and teamwork",
    "promotes_leadership_advocacy": "Promotes leadership and advocacy",
    "promotes_growth_development": "Promotes growth and development",
}

TOPICS: tuple[str, ...] = (
    "recovery-model",
    "samhsa-principles",
    "recovery-capital",
    "person-first-language",
    "strengths-based",
    "boundaries",
    "dual-relationships",
    "self-disclosure",
    "confidentiality",
    "hipaa",
    "part2",
    "mandated-reporting",
    "crisis-support",
    "suicide-prevention",
    "harm-reduction",
    "multiple-pathways",
    "moud",
    "trauma-informed",
    "cultural-humility",
    "stigma",
    "advocacy",
    "systems-advocacy",
    "self-advocacy",
    "documentation",
    "supervision",
    "self-care",
    "ethics",
    "stages-of-change",
    "motivational-interviewing",
    "wellness-planning",
    "crisis-planning",
    "recovery-story",
    "family-youth-support",
    "roscs",
    "group-facilitation",
    "resources-linkage",
    "communication",
    "shared-decision-making",
)

STUDY_NOTES: tuple[str, ...] = (
    "recovery-model",
    "samhsa-dimensions-principles",
    "recovery-capital",
    "person-first-language",
    "boundaries-dual-relationships",
    "self-disclosure",
    "confidentiality-hipaa-part2",
    "mandated-reporting",
    "crisis-suicide-prevention",
    "harm-reduction",
    "trauma-informed",
    "cultural-humility",
    "advocacy",
    "documentation",
    "supervision",
    "self-care",
    "ethics-decision-making",
    "stages-of-change-mi",
    "wellness-crisis-planning",
    "roscs-family-youth",
)

# Kinds of content note on vignettes; learners may skip any of them, once or always.
CONTENT_NOTES: dict[str, str] = {
    "overdose": "overdose",
    "suicide": "suicide",
    "abuse": "abuse",
    "self_harm": "self-harm",
    "violence": "violence",
}

LEVELS: dict[str, str] = {
    "recall": "Recall",
    "comprehension": "Comprehension",
    "application": "Application (scenario)",
}

LETTERS = ("A", "B", "C", "D")
GUESSING = 0.25  # four options


def topic_label(slug: str) -> str:
    special = {"part2": "42 CFR Part 2", "hipaa": "HIPAA", "moud": "MOUD", "roscs": "ROSC"}
    return special.get(slug, slug.replace("-", " ").capitalize())
