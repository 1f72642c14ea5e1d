"""Sync: one ticket per action item in GitHub Issues or Jira, kept current, completion read back.

Owns the engine (`engine`, with its phases `listing`, `planning` and `applying`), the values it
plans with (`values`), what a ticket says (`ticket`), which target an incident goes to
(`routing`), one sync at a time (`lock`) and a whole `track sync` (`run`). It talks to trackers
only through the contract in `tracker.connector`; the connectors themselves (`tracker.connectors`)
load only when a sync runs. It may import the store, the parser and the top-level modules,
never the reports.
"""
