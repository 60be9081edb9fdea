"""Workspace area: search."""
