"""Store: the local database of incidents and action items.

Owns the schema (`schema`), the engine and its URL (`engine`), migrations (`migrate`, running
the Alembic scripts shipped as `tracker/migrations`), opening a store (`database`), the identity
rule that keeps an item the same item across edits (`identity`), and `ingest`, which turns
parsed documents into stored items. It may import `tracker.parse` and the top-level value
types, never the sync, the reports or a tracker client.
"""
