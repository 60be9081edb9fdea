"""Workspace area: groups."""
