"""Models: workspace_groups (being built)."""

from __future__ import annotations

__all__: list[str] = []
