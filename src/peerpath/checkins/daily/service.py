"""Rules for the daily area (no web code here)."""

from __future__ import annotations
