"""The peer specialist's workspace: session notes with addenda and member comments (notes/),
supervisor review (supervision/), billing units and export (billing/), peer support groups
(groups/), appointments and calendar export (appointments/) and note search (search/)."""

# In dependency order for demo data: groups read the notes written before them. "search" has
# no demo data and comes first so its /notes/search routes are matched before /notes/{note_id}.
AREAS = ("search", "notes", "supervision", "billing", "groups", "appointments")
