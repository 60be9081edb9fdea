"""The member's profile in their own words (no diagnosis field, by design)."""
