"""track: make sure the lessons of an outage actually get done."""

from __future__ import annotations

from tracker.errors import ParseError, TrackError
from tracker.model import Incident, ParsedDocument, ParsedItem
from tracker.parser import ParserSettings, markdown_files, parse_file, parse_text

__version__ = "0.1.0"

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
