"""Measures: the registry, licensed wording, and a member's own results over time."""
