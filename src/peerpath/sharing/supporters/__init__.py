"""Supporters: invitations, linking by username, and the supporter's own view."""
