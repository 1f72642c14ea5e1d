"""Parse: markdown in, `ParsedDocument` out (`tracker.parse.document.parse_file`).

Owns everything about reading postmortems: the markdown tree, where the measures sections are,
the items in lists, tables and prose, their metadata (owner, due, priority, type, status,
ticket), and the incident. Pure functions of the text: it may import only the value types at
the top of the package (`tracker.model`, `tracker.errors`), never the store, the sync, a
database or a tracker client.
"""

DEFAULT_MAX_BYTES = 10 * 1024 * 1024  # the largest file read (parser.max_file_mb)
