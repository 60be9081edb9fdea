"""Rules for the plan's supporters area (no web code here)."""

from __future__ import annotations
