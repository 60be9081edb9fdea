"""Rules for the progress area (no web code here)."""

from __future__ import annotations
