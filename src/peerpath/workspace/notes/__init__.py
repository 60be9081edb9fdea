"""Workspace area: notes."""
