"""The member's measures area."""
