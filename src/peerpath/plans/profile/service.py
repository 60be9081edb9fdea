"""Rules for the plan's profile area (no web code here)."""

from __future__ import annotations
