"""Connectors to trackers (GitHub Issues, Jira). They arrive with the sync engine."""
