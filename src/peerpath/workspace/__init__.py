"""The peer specialist's workspace: session notes with addenda and member comments (notes/),
supervisor review (supervision/), billing units and export (billing/), peer support groups
(groups/), appointments and calendar export (appointments/) and note search (search/)."""

# In dependency order for demo data: groups and search read the notes written before them.
AREAS = ("notes", "supervision", "billing", "groups", "appointments", "search")
