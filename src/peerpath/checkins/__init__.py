"""The member's day-to-day record: check-ins, the wellness-tool log, setbacks (checkins/),
the encrypted journal (journal/), measures (measures/) and progress views (progress/).
Everything here is compared only with the member's own past."""

# In dependency order for demo data: progress reads what the others wrote.
AREAS = ("daily", "journal", "measures", "progress")
