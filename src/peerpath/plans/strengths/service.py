"""Rules for the plan's strengths area (no web code here)."""

from __future__ import annotations
