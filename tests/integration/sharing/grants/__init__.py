"""The member's sharing grants."""
