"""Jira Cloud and Server/Data Center through the `jira` library (REST API v2).

- The library authenticates (Cloud: email + API token, basic; Data Center: a personal access
  token, bearer), reads serverInfo and decides Cloud or not; requests go through its session.
- Its retries are off (`max_retries=0`): a bulk create answered 5xx may have been applied, and
  must not be sent again blindly. This module waits out 429 (Retry-After) within the target's
  `max_wait_seconds`, retries reads and idempotent writes, and reports uncertain creates as
  `AmbiguousWrite`.
- Creates go 50 to a request (`POST /issue/bulk`) with the identity as the issue property
  `track.item`; partial failures come back per element. Searches read every page (`/search/jql`
  with nextPageToken on Cloud, `/search` with startAt elsewhere) and return the property.
- Changed tickets are found with JQL `updated >= "-Nm"`: relative to the server's own clock, so
  the user's time zone and our clock do not matter; N covers the time since the mark plus 2
  minutes (JQL dates have minute precision).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar
from urllib.parse import urlsplit

from jira import JIRA, JIRAError

from tracker.config import JiraTarget
from tracker.connector import NewTicket, RemoteIssue, RequestCount, TicketChange
from tracker.connectors.retry import Policy, unexpected_answer
from tracker.errors import (
    AmbiguousWrite,
    ItemRejected,
    TicketGone,
    TrackerFatal,
    TrackerUnavailable,
)
from tracker.marker import PROPERTY, marker_from_property, marker_property

T = TypeVar("T")
FIELDS = "summary,description,status,resolution,labels,assignee,updated,created"
PAGE = 100
_SLACK_MINUTES = 2


def jql_value(value: str) -> str:
    """A JQL string literal: quoted, with backslashes and quotes escaped, so no value can
    change the query around it."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def issue_key(ref: str, *, url: str, project: str) -> str | None:
    """`OPS-12`, or this Jira's `/browse/OPS-12` URL, names issue OPS-12 of project OPS."""
    base = re.escape(url.rstrip("/"))
    match = re.fullmatch(
        rf"(?:{base}/browse/)?([A-Za-z][A-Za-z0-9_]*-\d+)/?(?:[#?]\S*)?", ref.strip()
    )
    if match is None:
        return None
    key = match.group(1).upper()
    return key if key.split("-")[0] == project.upper() else None


class JiraConnector:
    user_noun = "Jira user"
    flavor = "jira"
    batch_size = 50  # Jira's limit for POST /issue/bulk

    def __init__(
        self,
        target: JiraTarget,
        *,
        token: str,
        email: str | None,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.target = target.name
        self.config = target
        self.requests = RequestCount()
        self._sleep = sleep
        self._now = now
        self._checked = False
        self._accounts: dict[str, str | None] = {}
        auth: dict[str, Any] = (
            {"basic_auth": (email, token)} if target.auth == "basic" else {"token_auth": token}
        )
        self.requests.reads += 1  # serverInfo, read by the library
        self._jira = self._call(
            lambda: JIRA(
                server=target.url,
                options={"rest_api_version": "2"},
                timeout=target.timeout_seconds,
                max_retries=0,
                get_server_info=True,
                **auth,
            ),
            what="read the server's information",
        )
        self.cloud = bool(self._jira._is_cloud)
        self._api = f"{target.url}/rest/api/2"

    # -- reads ---------------------------------------------------------------------------

    def changed_since(self, *, since: dt.datetime | None) -> Iterator[RemoteIssue]:
        """Newest first, reading pages only down to `since`: JQL dates have minute precision, so
        the query reaches back a little further, and the tickets from before `since` (read by the
        last run already) must not cost a page each."""
        jql = self._scope()
        if since is None:
            return iter(self._search(jql + " ORDER BY updated DESC"))
        jql += f' AND updated >= "-{self._minutes_since(since)}m" ORDER BY updated DESC'
        found = self._search(jql, until=since)
        return iter([i for i in found if i.updated_at is None or i.updated_at >= since])

    def find_created(self, *, uids: list[str], since: dt.datetime) -> dict[str, RemoteIssue]:
        jql = (
            self._scope()
            + f' AND created >= "-{self._minutes_since(since)}m" ORDER BY created DESC'
        )
        wanted = set(uids)
        return {i.marker.uid: i for i in self._search(jql) if i.marker and i.marker.uid in wanted}

    def own_key(self, ref: str) -> str | None:
        return issue_key(ref, url=self.config.url, project=self.config.project)

    def _scope(self) -> str:
        project, label = jql_value(self.config.project), jql_value(self.config.tool_label)
        return f"project = {project} AND labels = {label}"

    def get(self, *, key: str) -> RemoteIssue:
        data = self._request(
            "GET", f"/issue/{key}", params={"fields": FIELDS, "properties": PROPERTY}, issue=key
        )
        return self._remote(data)

    def _minutes_since(self, since: dt.datetime) -> int:
        return max(1, math.ceil((self._now() - since).total_seconds() / 60)) + _SLACK_MINUTES

    def _search(self, jql: str, *, until: dt.datetime | None = None) -> list[RemoteIssue]:
        """Every page of a search; with `until`, stop after the page that reaches back past it
        (the query must order by updated, newest first)."""
        found: list[RemoteIssue] = []

        def enough(page: list[RemoteIssue]) -> bool:
            last = page[-1].updated_at if page else None
            return until is not None and last is not None and last < until

        params: dict[str, Any] = {
            "jql": jql,
            "fields": FIELDS,
            "properties": PROPERTY,
            "maxResults": PAGE,
        }
        if self.cloud:
            while True:  # /search/jql: no total, a token to the next page
                page = self._request("GET", "/search/jql", params=params)
                issues = [self._remote(issue) for issue in page.get("issues", [])]
                found += issues
                token = page.get("nextPageToken")
                if page.get("isLast", True) or not token or enough(issues):
                    return found
                params["nextPageToken"] = token
        start = 0
        while True:  # Server/Data Center: /search with startAt and total
            page = self._request("GET", "/search", params={**params, "startAt": start})
            issues = [self._remote(issue) for issue in page.get("issues", [])]
            found += issues
            start += len(issues)
            if not issues or start >= int(page.get("total", 0)) or enough(issues):
                return found

    def _remote(self, data: dict[str, Any]) -> RemoteIssue:
        fields = data.get("fields") or {}
        category = (((fields.get("status") or {}).get("statusCategory")) or {}).get("key")
        resolution = (fields.get("resolution") or {}).get("name")
        closed = category == "done"
        reason = None
        if closed:
            reason = "not_planned" if resolution in self.config.wont_do_resolutions else "completed"
        assignee = fields.get("assignee") or {}
        return RemoteIssue(
            key=data["key"],
            url=f"{self.config.url}/browse/{data['key']}",
            title=fields.get("summary") or "",
            body=fields.get("description"),
            state="closed" if closed else "open",
            state_reason=reason,
            labels=tuple(fields.get("labels") or ()),
            assignees=tuple(v for v in (assignee.get("accountId") or assignee.get("name"),) if v),
            updated_at=_when(fields.get("updated")),
            closed_at=_when(fields.get("resolutiondate")) if closed else None,
            identity=marker_from_property((data.get("properties") or {}).get(PROPERTY)),
        )

    # -- diagnosis (`track doctor`) ------------------------------------------------------

    def whoami(self) -> str:
        """Whose the credentials are (GET /myself): display name and email, or username."""
        me = self._request("GET", "/myself", what="read the account of the credentials")
        who = me.get("emailAddress") or me.get("name") or me.get("accountId") or "?"
        return f"{me.get('displayName') or who} ({who})"

    def user_found(self, user: str) -> bool | None:
        """Whether Jira knows the owner a postmortem name maps to; None when the value is used
        as it is (an account ID on Cloud, a username on Data Center) and nothing is looked up."""
        if not (self.cloud and "@" in user):
            return None
        return self._account(user) is not None

    # -- the create screen ---------------------------------------------------------------

    def check_create(self) -> None:
        if self._checked:
            return
        project, wanted = self.config.project, self.config.issue_type
        types = self._request(
            "GET",
            f"/issue/createmeta/{project}/issuetypes",
            params={"maxResults": 200},
            what="project",
        )
        kinds = types.get("issueTypes") or types.get("values") or []
        kind = next((k for k in kinds if str(k.get("name", "")).lower() == wanted.lower()), None)
        if kind is None:
            names = ", ".join(sorted(str(k.get("name")) for k in kinds)) or "none"
            raise TrackerFatal(
                f"{self.target}: project {project} has no issue type {wanted!r} (it has: {names}); "
                "set issue_type"
            )
        meta = self._request(
            "GET",
            f"/issue/createmeta/{project}/issuetypes/{kind['id']}",
            params={"maxResults": 200},
            what="project",
        )
        screen = {
            str(f.get("fieldId") or f.get("key")): f
            for f in meta.get("fields") or meta.get("values") or []
        }
        problems = self._create_problems(screen)
        if problems:
            raise TrackerFatal("\n".join(f"{self.target}: {p}" for p in problems))  # a line each
        self._checked = True

    def _create_problems(self, screen: dict[str, dict[str, Any]]) -> list[str]:
        where = f"{self.config.project}/{self.config.issue_type}"
        provided = {
            "summary",
            "description",
            "project",
            "issuetype",
            "labels",
            "reporter",
            "assignee",
            "priority",
        }
        provided |= set(self.config.fields) | ({"components"} if self.config.components else set())
        provided |= {"parent"} if self.config.epic else set()
        problems = [
            f"field {f.get('name')!r} ({field_id}) is required on the create screen of {where} "
            "and has no value: set it under `fields:` of the target"
            for field_id, f in screen.items()
            if f.get("required") and not f.get("hasDefaultValue") and field_id not in provided
        ]
        for name in [*self.config.fields, *(["components"] if self.config.components else [])]:
            if name not in screen:
                problems.append(
                    f"field {name!r} cannot be set: it is not on the create screen of {where}"
                )
        if self.config.epic and "parent" not in screen:
            problems.append(
                f"field 'parent' (epic) cannot be set: it is not on the create screen of {where}"
            )
        return problems

    # -- writes --------------------------------------------------------------------------

    def create(self, *, tickets: list[NewTicket]) -> list[RemoteIssue | ItemRejected]:
        body = {"issueUpdates": [self._issue_update(t) for t in tickets]}
        try:
            answer = self._request("POST", "/issue/bulk", body=body, write=True, repeatable=False)
        except _BulkRefused as refused:
            answer = refused.answer
        failed = {
            int(e.get("failedElementNumber", -1)): _element_message(e)
            for e in answer.get("errors") or []
        }
        created = iter(answer.get("issues") or [])
        results: list[RemoteIssue | ItemRejected] = []
        for index, ticket in enumerate(tickets):
            if index in failed:
                results.append(
                    ItemRejected(
                        f"{self.target}: Jira refused to create the issue: {failed[index]}"
                    )
                )
                continue
            made = next(created, None)
            if made is None:  # a 400 that names no element: the whole request was refused
                reason = "; ".join(answer.get("errorMessages") or []) or "the request was refused"
                results.append(
                    ItemRejected(f"{self.target}: Jira refused to create the issue: {reason}")
                )
                continue
            results.append(
                RemoteIssue(
                    key=made["key"],
                    url=f"{self.config.url}/browse/{made['key']}",
                    title=ticket.title,
                    body=ticket.body,
                    state="open",
                    state_reason=None,
                    labels=tuple(ticket.labels),
                    identity=ticket.identity,
                )
            )
        return results

    def _issue_update(self, ticket: NewTicket) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "project": {"key": self.config.project},
            "issuetype": {"name": self.config.issue_type},
            "summary": ticket.title,
            "description": ticket.body,
            "labels": ticket.labels,
        }
        if ticket.priority and ticket.priority in self.config.priorities:
            fields["priority"] = {"name": self.config.priorities[ticket.priority]}
        account = self._account(ticket.assignee) if ticket.assignee else None
        if account:
            fields["assignee"] = {"accountId": account} if self.cloud else {"name": account}
        if self.config.components:
            fields["components"] = [{"name": name} for name in self.config.components]
        if self.config.epic:
            fields["parent"] = {"key": self.config.epic}
        fields.update(self.config.fields)
        return {
            "fields": fields,
            "properties": [{"key": PROPERTY, "value": marker_property(ticket.identity)}],
        }

    def _account(self, user: str) -> str | None:
        """The account to assign: on Cloud an email in the owners map is looked up once per
        run (GET /user/search); an account ID, or a Data Center username, is used as it is.
        A user Jira does not know leaves the issue unassigned rather than failing it."""
        if not (self.cloud and "@" in user):
            return user
        if user not in self._accounts:
            found = self._request(
                "GET", "/user/search", params={"query": user}, what="look up a user"
            )
            matches = found if isinstance(found, list) else []
            self._accounts[user] = next(
                (str(u["accountId"]) for u in matches if u.get("accountId")), None
            )
        return self._accounts[user]

    def update(self, *, key: str, change: TicketChange) -> RemoteIssue:
        fields: dict[str, Any] = {}
        if change.title is not None:
            fields["summary"] = change.title
        if change.body is not None:
            fields["description"] = change.body
        if change.labels is not None:
            fields["labels"] = change.labels
        if fields:
            # PUT sets the fields to these values: repeating it is harmless.
            self._request("PUT", f"/issue/{key}", body={"fields": fields}, write=True, issue=key)
        if change.close_as is not None:
            self._close(key, change.close_as)
        return self.get(key=key)

    def _close(self, key: str, reason: str) -> None:
        options = self._request(
            "GET", f"/issue/{key}/transitions", params={"expand": "transitions.fields"}, issue=key
        )
        done = [
            t
            for t in options.get("transitions") or []
            if (((t.get("to") or {}).get("statusCategory")) or {}).get("key") == "done"
        ]
        if not done:
            raise ItemRejected(
                f"{self.target}: issue {key} has no transition to a done status from where it is"
            )
        transition = done[0]
        body: dict[str, Any] = {"transition": {"id": transition["id"]}}
        resolution = self._resolution(transition, reason)
        if resolution:
            body["fields"] = {"resolution": {"name": resolution}}
        self._request(
            "POST", f"/issue/{key}/transitions", body=body, write=True, repeatable=False, issue=key
        )

    def _resolution(self, transition: dict[str, Any], reason: str) -> str | None:
        field = (transition.get("fields") or {}).get("resolution")
        if field is None:
            return None  # the workflow sets the resolution itself
        allowed = [str(v.get("name")) for v in field.get("allowedValues") or []]
        if reason == "duplicate":
            choices = ["Duplicate", *self.config.wont_do_resolutions]
        elif reason == "not_planned":
            choices = [self.config.removed_resolution, *self.config.wont_do_resolutions]
        else:
            choices = ["Done", "Fixed", "Resolved", "Complete"]
        return next((c for c in choices if c in allowed), allowed[0] if allowed else None)

    def comment(self, *, key: str, body: str) -> None:
        self._request(
            "POST",
            f"/issue/{key}/comment",
            body={"body": body},
            write=True,
            repeatable=False,
            issue=key,
        )

    # -- plumbing ------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        write: bool = False,
        repeatable: bool = True,
        issue: str | None = None,
        what: str | None = None,
    ) -> Any:
        def send() -> Any:
            if write:
                self.requests.writes += 1
            else:
                self.requests.reads += 1
            response = self._jira._session.request(
                method,
                self._api + path,
                params=params,
                data=json.dumps(body) if body is not None else None,
                headers={"Content-Type": "application/json"},
            )
            if not response.content:
                return {}
            try:
                data = response.json()
            except ValueError as exc:
                raise unexpected_answer(self.target, "Jira", f"{method} {path}") from exc
            if not isinstance(data, list if path == "/user/search" else dict):
                raise unexpected_answer(self.target, "Jira", f"{method} {path}")
            return data

        return self._call(
            send,
            what=what or f"{method} {path}",
            write=write,
            repeatable=repeatable,
            issue=issue,
            bulk=path == "/issue/bulk",
        )

    def _call(
        self,
        work: Callable[[], T],
        *,
        what: str,
        write: bool = False,
        repeatable: bool = True,
        issue: str | None = None,
        bulk: bool = False,
    ) -> T:
        def translate(exc: Exception, tried: str) -> Exception:
            assert isinstance(exc, JIRAError)
            if bulk and exc.status_code == 400:
                return _BulkRefused(_json(exc))  # some elements failed: the answer says which
            return self._translate(exc, exc.status_code or 0, tried, write, repeatable, issue)

        policy = Policy(
            target=self.target,
            tracker="Jira",
            errors=(JIRAError,),
            wait_for=_retry_after,
            transient=lambda exc: isinstance(exc, JIRAError) and (exc.status_code or 0) >= 500,
            translate=translate,
            max_wait=self.config.max_wait_seconds,
            sleep=self._sleep,
            host=urlsplit(self.config.url).hostname or "",
        )
        return policy.call(work, what=what, write=write, repeatable=repeatable)

    def _translate(
        self,
        exc: JIRAError,
        status: int,
        what: str,
        write: bool,
        repeatable: bool,
        issue: str | None,
    ) -> Exception:
        where = f"{self.target} ({self.config.url})"
        message = _message(exc)
        if status == 401:
            return TrackerFatal(
                f"{where}: Jira rejected the credentials (401); check the variables named by "
                f"{'email_env and ' if self.config.auth == 'basic' else ''}token_env"
            )
        if status == 403:
            return TrackerFatal(
                f"{where}: not allowed to {what} (403 {message}); the account needs Browse and "
                f"Create Issues in {self.config.project}"
            )
        if status == 404 and issue is not None:
            return TicketGone(f"{where}: issue {issue} is gone (404); it was deleted or moved")
        if status == 404:
            return TrackerFatal(
                f"{where}: project {self.config.project} or its issue type was not found (404); "
                "check `project` and `issue_type`"
            )
        if status >= 500 and write and not repeatable:
            return AmbiguousWrite(
                f"{where}: Jira answered {status} to {what}; it may have been applied"
            )
        if status >= 500:
            return TrackerUnavailable(f"{where}: Jira answered {status} to {what}")
        if status == 400 and write:
            return ItemRejected(f"{where}: Jira refused to {what} (400 {message})")
        return TrackerFatal(f"{where}: Jira refused to {what} ({status} {message})")


class _BulkRefused(Exception):
    """A bulk create answered 400: some (or all) elements failed; the answer lists them."""

    def __init__(self, answer: dict[str, Any]) -> None:
        super().__init__("bulk create partly refused")
        self.answer = answer


def _json(exc: JIRAError) -> dict[str, Any]:
    try:
        data = exc.response.json() if exc.response is not None else {}
    except ValueError:
        data = {}
    return data if isinstance(data, dict) else {}


def _message(exc: JIRAError) -> str:
    data = _json(exc)
    parts = list(data.get("errorMessages") or []) + [
        f"{k}: {v}" for k, v in (data.get("errors") or {}).items()
    ]
    return "; ".join(parts) or str(exc.text or "")[:200]


def _element_message(error: dict[str, Any]) -> str:
    element = error.get("elementErrors") or {}
    parts = list(element.get("errorMessages") or []) + [
        f"{k}: {v}" for k, v in (element.get("errors") or {}).items()
    ]
    return "; ".join(parts) or f"status {error.get('status')}"


def _retry_after(exc: Exception) -> float | None:
    if not isinstance(exc, JIRAError) or exc.status_code not in (429, 503) or exc.response is None:
        return None
    headers = exc.response.headers
    if "Retry-After" in headers:
        try:
            return max(1.0, float(headers["Retry-After"]))
        except ValueError:
            return 60.0
    if "X-RateLimit-Reset" in headers:
        reset = dt.datetime.fromisoformat(headers["X-RateLimit-Reset"].replace("Z", "+00:00"))
        return max(1.0, (reset - dt.datetime.now(dt.UTC)).total_seconds())
    return 60.0 if exc.status_code == 429 else None


def _when(value: object) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z").astimezone(dt.UTC)
    except ValueError:
        return dt.datetime.fromisoformat(value).astimezone(dt.UTC)
