"""Rules for the plan's versions area (no web code here)."""

from __future__ import annotations
