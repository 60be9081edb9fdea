"""Rules for the measures area (no web code here)."""

from __future__ import annotations
