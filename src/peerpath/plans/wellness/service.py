"""Rules for the plan's wellness area (no web code here)."""

from __future__ import annotations
