"""Models: workspace_notes (being built)."""

from __future__ import annotations

__all__: list[str] = []
