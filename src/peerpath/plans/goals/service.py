"""Rules for the plan's goals area (no web code here)."""

from __future__ import annotations
