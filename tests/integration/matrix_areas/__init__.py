"""Access rules per area: each module defines RULES and ID_LOOKUPS (see access_rules.py)."""
