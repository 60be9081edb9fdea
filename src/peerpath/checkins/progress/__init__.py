"""The member's progress area."""
