"""Workspace area: supervision."""
