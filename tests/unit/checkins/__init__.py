"""Unit tests of the day-to-day record."""
