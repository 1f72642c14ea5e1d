"""Logging for `--verbose` and `--log-format json`: what each request does, and one summary
line per sync, on stderr. Nothing logged carries a token: connectors log what they try
(`ops: list issues of acme/ops`) and urllib3 logs the method, URL and status, never headers.
"""

from __future__ import annotations

import json
import logging
import sys
import time

LOGGER = "tracker"


class JsonFormatter(logging.Formatter):
    """One JSON object a line, for log shippers: time, level, logger, message, and `summary`
    (the counts) on a sync's summary record."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created)),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        summary = getattr(record, "summary", None)
        if summary is not None:
            entry["summary"] = summary
        return json.dumps(entry, ensure_ascii=False)


class _Stderr(logging.Handler):
    """Writes to the current sys.stderr (not the one there when logging was set up)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:  # logging must never stop a sync
            self.handleError(record)


def configure(*, verbose: bool, json_lines: bool) -> bool:
    """Send log records to stderr; return whether logging is on (either option given)."""
    ours, wire = logging.getLogger(LOGGER), logging.getLogger("urllib3.connectionpool")
    for logger in (ours, wire):
        for old in [h for h in logger.handlers if isinstance(h, _Stderr)]:
            logger.removeHandler(old)
    ours.setLevel(logging.WARNING)
    if not (verbose or json_lines):
        return False
    handler = _Stderr()
    handler.setFormatter(JsonFormatter() if json_lines else logging.Formatter("%(message)s"))
    ours.addHandler(handler)
    ours.propagate = False
    ours.setLevel(logging.DEBUG if verbose else logging.INFO)
    if verbose:  # urllib3 logs the method, URL and status of each request: never a header
        wire.addHandler(handler)
        wire.setLevel(logging.DEBUG)
    return True
