"""Workspace area: billing."""
