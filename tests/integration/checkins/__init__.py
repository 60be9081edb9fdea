"""Tests of the member's day-to-day record."""
