"""Accounts: sign-in, sessions, passwords, personal API tokens."""
