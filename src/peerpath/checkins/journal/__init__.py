"""The member's journal area."""
