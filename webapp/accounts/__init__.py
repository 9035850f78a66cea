"""Accounts: residents, roles per gemeente, login."""
