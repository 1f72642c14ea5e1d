"""The errors `track` reports to its users.

Every error the tool expects is a `TrackError`; the CLI catches it once, prints its message on
one line and exits with its `exit_code`. Anything else is a bug and keeps its traceback.

    TrackError
    ├── UsageError        the command line names something that is not there (exit 2)
    ├── ConfigError       the configuration file is missing a value or has a wrong one (exit 2)
    ├── StoreError        the database cannot be reached, read, written or migrated (exit 2)
    └── ParseError        one postmortem file cannot be read as markdown text (exit 1)
"""

from __future__ import annotations


class TrackError(Exception):
    """Root of the errors the tool reports; the message says what to fix."""

    exit_code = 1


class UsageError(TrackError):
    exit_code = 2


class ConfigError(TrackError):
    exit_code = 2


class StoreError(TrackError):
    exit_code = 2


class ParseError(TrackError):
    """A postmortem file could not be read; the message names the file."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
