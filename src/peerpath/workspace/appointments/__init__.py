"""Workspace area: appointments."""
