"""The wellness and crisis plan, section by section, in our own wording."""
