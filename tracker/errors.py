"""The errors `track` reports to its users.

Every error the tool expects is a `TrackError`; the CLI catches it once, prints its message on
one line and exits with its `exit_code`. Anything else is a bug and keeps its traceback.

    TrackError
    ├── UsageError        the command line names something that is not there (exit 2)
    ├── ConfigError       the configuration file is missing a value or has a wrong one (exit 2)
    ├── StoreError        the database cannot be reached, read, written or migrated (exit 2)
    ├── ParseError        one postmortem file cannot be read as markdown text (exit 1)
    ├── SyncBusy          another sync holds this database's lock (exit 75, EX_TEMPFAIL)
    ├── WebhookError      a chat webhook did not take the digest (exit 1)
    └── TrackerError      a tracker (GitHub, Jira) refused or failed a request
        ├── TrackerFatal      bad credentials, missing repository or project: stop (exit 2)
        │   └── UnexpectedAnswer  a success status with a body that is not the API's JSON
        ├── RateLimited       the request budget is spent; stop, resume later (exit 1)
        ├── TrackerUnavailable  5xx or network failure of a read or a repeatable write
        ├── AmbiguousWrite    a create was sent but its outcome is unknown (5xx, timeout, reset)
        ├── ItemRejected      the tracker refused one item (422): skip it, report it (exit 1)
        └── TicketGone        the ticket was deleted (404/410): report it (exit 1)

Connectors translate their client library's exceptions into these (`raise ... from exc`), so
nothing from PyGithub or jira reaches `tracker/`.
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


class SyncBusy(TrackError):
    """Another `track sync` is running on the same database: try again later. Its own exit
    code (EX_TEMPFAIL from sysexits.h) lets cron and CI tell an overlap from a failure."""

    exit_code = 75


class WebhookError(TrackError):
    """Posting to a chat webhook failed; the message shows the webhook's host, not its path."""


class ParseError(TrackError):
    """A postmortem file could not be read; the message names the file."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class TrackerError(TrackError):
    """A tracker refused or failed a request; the message names the target and what to do."""


class TrackerFatal(TrackerError):
    exit_code = 2


class UnexpectedAnswer(TrackerFatal):
    """A proxy's or login page, or a URL that points somewhere else, where the API should be."""


class RateLimited(TrackerError):
    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TrackerUnavailable(TrackerError):
    pass


class AmbiguousWrite(TrackerError):
    pass


class ItemRejected(TrackerError):
    pass


class TicketGone(TrackerError):
    pass
