"""Alembic migrations of the action-item store (they arrive with the store)."""
