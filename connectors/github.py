"""GitHub Issues (github.com and GitHub Enterprise Server) through PyGithub.

- PyGithub's own retry is off: it would re-send a POST that the server applied but answered
  5xx for, creating a duplicate. This module retries what is safe (reads, PATCH), waits out
  rate limits (Retry-After, X-RateLimit-Reset) within `max_wait_seconds`, and turns an uncertain
  create into `AmbiguousWrite` for the engine to resolve by looking for the marker.
- Writes are paced `write_interval_seconds` apart, as GitHub asks of integrations.
- Every request has a timeout; every PyGithub or requests exception becomes a `TrackerError`.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import math
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

from github import Auth, Github, GithubException
from github.Issue import Issue

from tracker.connector import NewTicket, RemoteIssue, RequestCount, TicketChange
from tracker.connectors.retry import Policy, unexpected_answer
from tracker.errors import (
    AmbiguousWrite,
    ItemRejected,
    TicketGone,
    TrackerFatal,
    TrackerUnavailable,
)

T = TypeVar("T")


@dataclass(frozen=True)
class RepoAccess:
    read: bool  # may read issues
    write: bool  # may create issues with labels and assignees, and close them
    issues: bool  # the repository has issues enabled


class GitHubConnector:
    user_noun = "GitHub user"
    flavor = "markdown"
    batch_size = 1  # GitHub creates one issue a request

    def __init__(
        self,
        *,
        target: str,
        repo: str,
        token: str,
        tool_label: str,
        api_url: str = "https://api.github.com",
        timeout: float = 30,
        write_interval: float = 1.0,
        max_wait: float = 900,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.target = target
        self.repo_name = repo
        self.tool_label = tool_label
        self.requests = RequestCount()
        self._gh = Github(
            auth=Auth.Token(token),
            base_url=api_url,
            timeout=math.ceil(timeout),  # PyGithub takes whole seconds: never cut one short
            retry=None,
            per_page=100,
            seconds_between_requests=None,
            seconds_between_writes=None,
            lazy=True,  # objects are fetched only when read: no request for the repository itself
        )
        self._repo = self._gh.get_repo(repo)
        api_host = (urlsplit(api_url).hostname or "").lower()
        web_host = "github.com" if api_host == "api.github.com" else api_host
        self._hosts = {api_host, web_host, f"www.{web_host}"}
        self._write_interval = write_interval
        self._sleep = sleep
        self._clock = clock
        self._last_write = -1e9
        self._policy = Policy(
            target=target,
            tracker="GitHub",
            errors=(GithubException,),
            wait_for=_rate_limit_wait,
            transient=lambda exc: isinstance(exc, GithubException) and exc.status >= 500,
            translate=lambda exc, what: self._translate(exc, what, None),
            max_wait=max_wait,
            sleep=sleep,
            host=api_host,
        )

    # -- reads ---------------------------------------------------------------------------

    def changed_since(self, *, since: dt.datetime | None) -> Iterator[RemoteIssue]:
        def listing() -> list[RemoteIssue]:
            kwargs: dict[str, Any] = {
                "state": "all",
                "labels": [self.tool_label],
                "sort": "updated",
                "direction": "asc",
            }
            if since is not None:
                kwargs["since"] = since.astimezone(dt.UTC)
            return self._collect(self._repo.get_issues(**kwargs))

        return iter(self._call(listing, what=f"list issues of {self.repo_name}", write=False))

    def find_created(self, *, uids: list[str], since: dt.datetime) -> dict[str, RemoteIssue]:
        def newest() -> list[RemoteIssue]:
            pages = self._repo.get_issues(
                state="all",
                labels=[self.tool_label],
                since=since.astimezone(dt.UTC),
                sort="created",
                direction="desc",
            )
            return self._collect(pages)

        found = self._call(
            newest, what=f"look for issues just created in {self.repo_name}", write=False
        )
        wanted = set(uids)
        return {i.marker.uid: i for i in found if i.marker is not None and i.marker.uid in wanted}

    def check_create(self) -> None:
        """GitHub has no create screen to check: labels are made on first use."""

    def own_key(self, ref: str) -> str | None:
        """`#12`, `acme/ops#12` or an issue URL of this repository (on github.com, the
        Enterprise host, or the API) names issue 12 here."""
        ref = ref.strip()
        if match := re.fullmatch(r"#(\d+)", ref):
            return match.group(1)
        if match := re.fullmatch(r"([\w.-]+/[\w.-]+)#(\d+)", ref):
            return match.group(2) if self._is_repo(match.group(1)) else None
        url = urlsplit(ref)
        path = re.fullmatch(r"(?:/api/v3)?(?:/repos)?/([\w.-]+/[\w.-]+)/issues/(\d+)/?", url.path)
        if url.scheme in ("http", "https") and path and (url.hostname or "") in self._hosts:
            return path.group(2) if self._is_repo(path.group(1)) else None
        return None

    def _is_repo(self, name: str) -> bool:
        return name.lower() == self.repo_name.lower()

    def get(self, *, key: str) -> RemoteIssue:
        return self._call(
            lambda: self._load(key), what=f"read issue #{key}", write=False, issue=key
        )

    # -- diagnosis (`track doctor`): one cheap read each -----------------------------------

    def whoami(self) -> str:
        """The login the token belongs to (GET /user); a 401 here means a bad token."""

        def read() -> str:
            self.requests.reads += 1
            data = self._gh.requester.requestJsonAndCheck("GET", "/user")[1]
            return str(data.get("login") if isinstance(data, dict) else "?")

        return self._call(read, what="read the token's user", write=False)

    def access(self) -> RepoAccess:
        """What the token's user may do in the repository (GET /repos/{o}/{r}, `permissions`)."""

        def read() -> RepoAccess:
            self.requests.reads += 1
            data = self._gh.requester.requestJsonAndCheck("GET", f"/repos/{self.repo_name}")[1]
            if not isinstance(data, dict):
                raise unexpected_answer(self.target, "GitHub", "read the repository")
            rights = data.get("permissions") or {}
            return RepoAccess(
                read=bool(rights.get("pull")),
                # labels and assignees of a new issue need push access (else GitHub drops them)
                write=bool(rights.get("push") or rights.get("maintain") or rights.get("admin")),
                issues=bool(data.get("has_issues", True)),
            )

        return self._call(read, what=f"read repository {self.repo_name}", write=False)

    def label_exists(self) -> bool:
        """Whether the tool label is in the repository (GET .../labels/{name}: 200 or 404)."""
        return self._exists(f"labels/{quote(self.tool_label, safe='')}", "read the tool label")

    def assignable(self, login: str) -> bool:
        """Whether issues may be assigned to `login` (GET .../assignees/{login}: 204 or 404)."""
        return self._exists(f"assignees/{quote(login, safe='')}", f"check assignee {login}")

    def _exists(self, path: str, what: str) -> bool:
        def read() -> bool:
            self.requests.reads += 1
            try:
                self._gh.requester.requestJsonAndCheck("GET", f"/repos/{self.repo_name}/{path}")
            except GithubException as exc:
                if exc.status == 404:
                    return False
                raise
            return True

        return self._call(read, what=what, write=False)

    # -- writes --------------------------------------------------------------------------

    def create(self, *, tickets: list[NewTicket]) -> list[RemoteIssue | ItemRejected]:
        results: list[RemoteIssue | ItemRejected] = []
        for ticket in tickets:
            try:
                results.append(self._create_one(ticket))
            except ItemRejected as exc:
                results.append(exc)
        return results

    def _create_one(self, ticket: NewTicket) -> RemoteIssue:
        def send() -> RemoteIssue:
            self.requests.writes += 1
            kwargs: dict[str, Any] = {
                "title": ticket.title,
                "body": ticket.body,
                "labels": ticket.labels,
            }
            if ticket.assignee:
                kwargs["assignees"] = [ticket.assignee]
            return _remote(self._repo.create_issue(**kwargs))

        try:
            return self._call(send, what="create an issue", write=True, repeatable=False)
        except ItemRejected as exc:
            if ticket.assignee and "assignee" in str(exc).lower():
                # An owner mapped to a login GitHub will not assign: create unassigned instead of
                # failing the item (422 means nothing was created, so sending again is safe).
                return self._create_one(replace(ticket, assignee=None))
            raise

    def update(self, *, key: str, change: TicketChange) -> RemoteIssue:
        def send() -> RemoteIssue:
            self.requests.writes += 1
            issue = self._repo.get_issue(int(key))  # lazy: no request
            kwargs: dict[str, Any] = {}
            if change.title is not None:
                kwargs["title"] = change.title
            if change.body is not None:
                kwargs["body"] = change.body
            if change.labels is not None:
                kwargs["labels"] = change.labels
            if change.close_as is not None:
                kwargs["state"] = "closed"
                kwargs["state_reason"] = change.close_as
            issue.edit(**kwargs)
            return _remote(issue)

        # PATCH sets fields to values: sending it twice leaves the same issue, so it may be retried.
        return self._call(send, what=f"update issue #{key}", write=True, repeatable=True, issue=key)

    def comment(self, *, key: str, body: str) -> None:
        def send() -> None:
            self.requests.writes += 1
            self._repo.get_issue(int(key)).create_comment(body)

        self._call(send, what=f"comment on issue #{key}", write=True, repeatable=False, issue=key)

    # -- plumbing ------------------------------------------------------------------------

    def _load(self, key: str) -> RemoteIssue:
        self.requests.reads += 1
        return _remote(self._repo.get_issue(int(key)))  # lazy: the first attribute read fetches it

    def _collect(self, pages: Any) -> list[RemoteIssue]:
        found: list[RemoteIssue] = []
        page = 0
        while True:
            self.requests.reads += 1
            try:
                batch = pages.get_page(page)
            except (TypeError, AttributeError) as exc:  # PyGithub built issues out of an HTML page
                raise unexpected_answer(self.target, "GitHub", "list issues") from exc
            # Pull requests are issues too; reading `pull_request` of a plain issue would make
            # PyGithub fetch it (the key is absent), so tell them apart by their URL.
            found += [_remote(issue) for issue in batch if "/pull/" not in issue.html_url]
            if len(batch) < 100:
                return found
            page += 1

    def _pace(self) -> None:
        wait = self._last_write + self._write_interval - self._clock()
        if wait > 0:
            self._sleep(wait)
        self._last_write = self._clock()

    def _call(
        self,
        work: Callable[[], T],
        *,
        what: str,
        write: bool,
        repeatable: bool = True,
        issue: str | None = None,
    ) -> T:
        policy = replace(
            self._policy, translate=lambda exc, tried: self._translate(exc, tried, issue)
        )
        return policy.call(
            work,
            what=what,
            write=write,
            repeatable=repeatable,
            before=self._pace if write else None,
        )

    def _translate(self, error: Exception, what: str, issue: str | None) -> Exception:
        assert isinstance(error, GithubException)
        exc = error
        status = exc.status
        message = _message(exc)
        where = f"{self.target} ({self.repo_name})"
        if status == 401:
            return TrackerFatal(
                f"{where}: GitHub rejected the token (401 {message}); check the environment "
                "variable named by token_env"
            )
        if status == 403 and issue is None:
            return TrackerFatal(
                f"{where}: the token may not {what} (403 {message}); it needs Issues read and "
                "write permission on the repository"
            )
        if status in (404, 410) and issue is not None:
            return TicketGone(
                f"{where}: issue #{issue} is gone ({status} {message}); it was deleted or moved"
            )
        if status == 404:
            return TrackerFatal(
                f"{where}: repository not found (404); check `repo` and that the token can see it"
            )
        if status == 410:
            return TrackerFatal(
                f"{where}: issues are disabled for this repository (410); enable them or "
                "change `repo`"
            )
        if status == 422:
            return ItemRejected(f"{where}: GitHub refused to {what} (422 {message})")
        if status >= 500:
            if issue is None and what.startswith(("create", "comment")):
                return AmbiguousWrite(
                    f"{where}: GitHub answered {status} to {what}; it may have been applied"
                )
            return TrackerUnavailable(f"{where}: GitHub answered {status} to {what}")
        return TrackerFatal(f"{where}: GitHub refused to {what} ({status} {message})")


def _message(exc: GithubException) -> str:
    """GitHub's message, with the fields a 422 names ("Validation Failed: assignees invalid")."""
    data = exc.data
    if isinstance(data, dict) and data.get("message"):
        details = [
            " ".join(str(e.get(k)) for k in ("field", "code", "message") if e.get(k))
            for e in data.get("errors") or []
            if isinstance(e, dict)
        ]
        return str(data["message"]) + (f": {'; '.join(details)}" if details else "")
    return str(data or "")[:200]


def _rate_limit_wait(error: Exception) -> float | None:
    """Seconds to wait when `error` is a rate limit (403/429 with the signs GitHub documents)."""
    exc = error
    if not isinstance(exc, GithubException) or exc.status not in (403, 429):
        return None
    headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
    message = _message(exc).lower()
    if "retry-after" in headers:
        try:
            return max(1.0, float(headers["retry-after"]))
        except ValueError:
            when = email.utils.parsedate_to_datetime(headers["retry-after"])
            return max(1.0, (when - dt.datetime.now(dt.UTC)).total_seconds())
    if headers.get("x-ratelimit-remaining") == "0" and "x-ratelimit-reset" in headers:
        return max(1.0, float(headers["x-ratelimit-reset"]) - time.time() + 1)
    if exc.status == 429 or "rate limit" in message:
        return 60.0  # secondary limit without a Retry-After: GitHub asks for at least a minute
    return None


def _remote(issue: Issue) -> RemoteIssue:
    if not isinstance(issue.number, int) or not isinstance(issue.html_url, str):
        raise unexpected_answer("github", "GitHub", "an issue request")
    return RemoteIssue(
        key=str(issue.number),
        url=issue.html_url,
        title=issue.title,
        body=issue.body,
        state="closed" if issue.state == "closed" else "open",
        state_reason=issue.state_reason,
        labels=tuple(label.name for label in issue.labels),
        assignees=tuple(user.login for user in issue.assignees),
        updated_at=_aware(issue.updated_at),
        closed_at=_aware(issue.closed_at),
    )


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
