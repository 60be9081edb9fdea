"""The member-owned recovery plan and everything in it.

Sub-packages by area, each with schemas.py / service.py / routes.py: profile, strengths,
supporters (the supporters map), goals (vision, goals, objectives, steps, decision worksheets,
proposals), versions (signing, comparing, review dates, print and export), wellness (wellness
and crisis plan). Shared rules live in common.py.
"""
