"""Journal: private, encrypted, searchable by the member alone, shared one entry at a time."""
