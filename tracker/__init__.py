"""track: make sure the lessons of an outage actually get done.

The public API is small: parse postmortems (`parse_file`, `parse_text`, `markdown_files`,
`ParserSettings`) into value types (`ParsedDocument`, `ParsedItem`, `Incident`), and the error
root (`TrackError`, `ParseError`). Names load on first use, so `track --help` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_HOMES = {
    "Incident": "tracker.model",
    "ParsedDocument": "tracker.model",
    "ParsedItem": "tracker.model",
    "ParseError": "tracker.errors",
    "TrackError": "tracker.errors",
    "ParserSettings": "tracker.parse.document",
    "markdown_files": "tracker.parse.document",
    "parse_file": "tracker.parse.document",
    "parse_text": "tracker.parse.document",
}

__all__ = [
    "Incident",
    "ParseError",
    "ParsedDocument",
    "ParsedItem",
    "ParserSettings",
    "TrackError",
    "markdown_files",
    "parse_file",
    "parse_text",
]

if TYPE_CHECKING:
    from tracker.errors import ParseError, TrackError
    from tracker.model import Incident, ParsedDocument, ParsedItem
    from tracker.parse.document import ParserSettings, markdown_files, parse_file, parse_text


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'tracker' has no attribute {name!r}")
