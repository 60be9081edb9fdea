"""The member's daily area."""
