"""Report: what the store says, for people: status per incident (`status`), the open items
themselves (`items`), and rendering as tables, JSON, CSV or markdown (`render`).

It reads the store and may import it and the top-level value types, never the sync or a
tracker client.
"""
