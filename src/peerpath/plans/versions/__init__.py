"""Signing, versions, comparing versions, review dates, print and JSON export of the plan."""
