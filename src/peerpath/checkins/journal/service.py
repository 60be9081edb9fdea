"""Rules for the journal area (no web code here)."""

from __future__ import annotations
