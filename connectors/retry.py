"""The retry policy both connectors share: which failures are waited out, retried, or reported.

- A rate limit (the connector says how long to wait) is waited out: the request was not
  applied, so sending it again is safe, whatever it was; past `max_wait` seconds in total the
  run stops with `RateLimited`, to resume next time.
- A 5xx answer or a network failure is retried with backoff for reads and repeatable writes
  (PATCH/PUT set values); for a create or a comment it raises `AmbiguousWrite`: it may have
  been applied, and only the engine, by looking for the marker, can tell. A connection that
  was never made (refused, name not resolved, connect timeout) sent nothing: any request is
  retried then.
- Anything else is translated by the connector into the project's errors.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import requests
from urllib3.exceptions import NewConnectionError

from tracker.errors import AmbiguousWrite, RateLimited, TrackerUnavailable, UnexpectedAnswer

T = TypeVar("T")
ATTEMPTS = 4
log = logging.getLogger("tracker.connectors")


def unexpected_answer(target: str, tracker: str, what: str) -> UnexpectedAnswer:
    return UnexpectedAnswer(
        f"{target}: {tracker} answered {what!r} with something that is not its API's JSON; "
        "check the target's URL, and any proxy in between"
    )


def never_sent(exc: Exception) -> bool:
    """The request never left: the connection itself could not be made."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError)


@dataclass
class Policy:
    target: str
    tracker: str  # "GitHub", "Jira": for messages
    errors: tuple[type[Exception], ...]  # the client library's HTTP error types
    wait_for: Callable[[Exception], float | None]  # seconds a rate limit asks for, or None
    transient: Callable[[Exception], bool]  # a 5xx-like failure worth another try
    translate: Callable[[Exception, str], Exception]  # (error, what was tried) -> project error
    max_wait: float
    sleep: Callable[[float], None]
    host: str = ""  # where requests go, for "cannot reach HOST"

    def call(
        self,
        work: Callable[[], T],
        *,
        what: str,
        write: bool = False,
        repeatable: bool = True,
        before: Callable[[], None] | None = None,
    ) -> T:
        waited = 0.0
        attempt = 0
        retry_failures = not write or repeatable
        while True:
            attempt += 1
            if before is not None:
                before()
            log.debug("%s: %s: %s%s", self.target, self.tracker, what, _nth(attempt))
            try:
                return work()
            except (requests.ConnectionError, requests.Timeout) as exc:
                if not retry_failures and not never_sent(exc):
                    raise AmbiguousWrite(
                        f"{self.target}: no answer from {self.tracker} to {what} "
                        f"({type(exc).__name__}); it may have been applied"
                    ) from exc
                if attempt >= ATTEMPTS:
                    raise TrackerUnavailable(
                        f"{self.target}: cannot reach {self.host or host_of(exc)}: "
                        f"{network_reason(exc)}"
                    ) from exc
            except self.errors as exc:
                wait = self.wait_for(exc)
                if wait is not None:
                    if waited + wait > self.max_wait:
                        raise RateLimited(
                            f"{self.target}: {self.tracker} rate limit reached while trying to "
                            f"{what}; the next sync resumes where this one stopped "
                            f"(retry in {wait:.0f} s)",
                            retry_after=wait,
                        ) from exc
                    self.sleep(wait)
                    waited += wait
                    attempt -= 1  # waiting out a limit is not a failed attempt
                    continue
                if not (self.transient(exc) and retry_failures and attempt < ATTEMPTS):
                    raise self.translate(exc, what) from exc
            self.sleep(2.0**attempt)


def _nth(attempt: int) -> str:
    return f" (attempt {attempt})" if attempt > 1 else ""


def host_of(exc: Exception) -> str:
    """The host a failed request was for, from the request requests kept."""
    from urllib.parse import urlsplit

    request = getattr(exc, "request", None)
    url = getattr(request, "url", None) or ""
    return urlsplit(str(url)).hostname or "the tracker"


def network_reason(exc: Exception) -> str:
    """What went wrong, in words, instead of urllib3's repr of its connection pool."""
    text = str(exc).lower()
    if isinstance(exc, requests.Timeout) or "timed out" in text:
        return "no answer in time (timeout_seconds)"
    reasons = (
        (
            (
                "name or service not known",
                "nodename nor servname",
                "name resolution",
                "getaddrinfo",
                "no address associated",
            ),
            "name resolution failed",
        ),
        (("connection refused",), "connection refused"),
        (("certificate", "ssl"), "TLS failed (certificate or proxy)"),
        (("connection reset", "connection aborted", "remote end closed"), "connection dropped"),
        (("network is unreachable", "no route to host"), "network unreachable"),
    )
    for needles, words in reasons:
        if any(n in text for n in needles):
            return words
    return "connection failed"
