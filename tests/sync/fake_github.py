"""A stateful fake of the GitHub Issues REST API, served through `responses` (give it the
`RequestsMock`), or over real HTTP by `http_fake.py` (no mock: the server calls `receive` and
`answer`).

Every request the connector sends is checked against GitHub's OpenAPI description (operation,
query parameters, body schema), and every issue the fake returns is validated against the
`issue` schema, starting from the description's own example and the recorded octokit
exchanges. Faults can be injected: status codes (with headers), answers given after the change
was applied (an ambiguous create), and connection resets. State changes hold `lock`, so
several server threads (and a test acting as a person) may use one fake.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import threading
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import requests
import responses
from openapi import ApiSpec, load_spec

from conftest import SHARED

API = "https://api.github.com"
# GET /repos/{owner}/{repo}/assignees/{assignee} (204: may be assigned, 404: may not) is outside
# the description in ../shared (docs.github.com/rest/issues/assignees): served, not checked.
OUTSIDE_SUBSET = re.compile(r"/repos/[^/]+/[^/]+/assignees/[^/]+")
# Operations beyond ../shared/api that the GitHub Action uses (comments edited, pull requests),
# cut from the same upstream description (api/SOURCES.md).
ACTION_SPEC = Path(__file__).parent / "api" / "github-action-openapi.json"


@dataclass
class Fault:
    method: str
    path: str  # regex on the URL path
    status: int = 502
    headers: dict[str, str] = field(default_factory=dict)
    message: str = "Server Error"
    after_applying: bool = False  # the server did the work, then failed to answer
    reset: bool = False  # the connection dropped (requests.ConnectionError)
    unreachable: bool = False  # no connection could be made in time (requests.ConnectTimeout)
    times: int = 1
    page: str | None = None  # an HTML page instead of GitHub's JSON (a proxy in between)


class FakeGitHub:
    def __init__(
        self,
        mock: responses.RequestsMock | None = None,
        *,
        repo: str = "acme/ops",
        token: str = "t0ken",
        base: str = API,
    ) -> None:
        self.repo = repo
        self.token = token
        self.base = base.rstrip("/")
        parts = urlsplit(self.base)
        # Where people read issues: github.com, or the Enterprise Server's own host.
        self.web = "https://github.com" if self.base == API else f"{parts.scheme}://{parts.netloc}"
        self.lock = threading.RLock()
        self.spec: ApiSpec | None = load_spec(
            "github-openapi-subset.json", base_path=urlsplit(self.base).path
        )
        if self.spec is not None:
            self.spec.extend(ACTION_SPEC)
        self.issues: dict[int, dict[str, Any]] = {}
        self.comments: dict[int, list[str]] = {}
        self.comment_records: dict[int, dict[str, Any]] = {}  # by comment id, as served
        self.pulls: dict[int, dict[str, Any]] = {}  # pull requests opened through the API
        self.branches: Container[str] = {"main"}  # branches a pull request may name
        self.faults: list[Fault] = []
        self.log: list[tuple[str, str]] = []
        self.issues_enabled = True
        self.deleted: set[int] = set()  # numbers of issues deleted: GitHub answers 410 Gone
        self.assignable: set[str] | None = None  # logins that may be assigned; None: any
        self.login = "track-bot"  # whose the token is (GET /user)
        # what the token's user may do in the repository (GET /repos/{o}/{r} `permissions`)
        self.permissions = {
            "admin": False,
            "maintain": False,
            "push": True,
            "triage": True,
            "pull": True,
        }
        self.labels: set[str] = set()  # the repository's labels; creating an issue adds its own
        self.now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        self._template = self._issue_template()
        if mock is not None:
            served = re.compile(
                rf"{parts.scheme}://{re.escape(parts.hostname or '')}(:\d+)?{re.escape(parts.path)}/.*"
            )
            for method in ("GET", "POST", "PATCH", "PUT", "DELETE"):
                mock.add_callback(method, served, callback=self._handle)

    # -- people acting on GitHub ---------------------------------------------------------

    def tick(self, seconds: int = 1) -> str:
        """GitHub's clock: real time, one second a change at least (timestamps have seconds)."""
        self.now = max(
            self.now + dt.timedelta(seconds=seconds), dt.datetime.now(dt.UTC).replace(microsecond=0)
        )
        return self.now.strftime("%Y-%m-%dT%H:%M:%SZ")

    def close(self, number: int, reason: str = "completed") -> None:
        with self.lock:
            stamp = self.tick()
            self.issues[number].update(
                state="closed", state_reason=reason, closed_at=stamp, updated_at=stamp
            )

    def reopen(self, number: int) -> None:
        with self.lock:
            self.issues[number].update(
                state="open", state_reason="reopened", closed_at=None, updated_at=self.tick()
            )

    def delete(self, number: int) -> None:
        """An admin deletes the issue: reading it answers 410, as GitHub does."""
        with self.lock:
            del self.issues[number]
            self.deleted.add(number)

    def open_pull_request(self, title: str, body: str, labels: list[str]) -> int:
        """A pull request: the issues listing returns it too, with a `pull_request` object."""
        with self.lock:
            _status, issue, _ = self._create({"title": title, "body": body, "labels": labels})
            number = int(issue["number"])
            web = f"{self.web}/{self.repo}/pull/{number}"
            issue.update(
                html_url=web,
                pull_request={
                    "url": f"{self.base}/repos/{self.repo}/pulls/{number}",
                    "html_url": web,
                    "diff_url": f"{web}.diff",
                    "patch_url": f"{web}.patch",
                    "merged_at": None,
                },
            )
            return number

    def edit(self, number: int, **fields: Any) -> None:
        with self.lock:
            self.issues[number].update(fields, updated_at=self.tick())

    def requests_made(self) -> int:
        return len(self.log)

    # -- serving ---------------------------------------------------------------------------

    def _handle(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        self.receive(request)
        return self.answer(request)

    def _path(self, url: str) -> str:
        return urlsplit(url).path[len(urlsplit(self.base).path) :]

    def receive(self, request: requests.PreparedRequest) -> None:
        """Log the request and hold it to the API description (AssertionError if it breaks it)."""
        method, url = request.method or "GET", request.url or ""
        with self.lock:
            self.log.append((method, self._path(url)))
        if self.spec is not None and not OUTSIDE_SUBSET.fullmatch(self._path(url)):
            self.spec.check_request(method, url, request.body)  # type: ignore[arg-type]

    def answer(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        """Apply a received request (faults, credentials, the change) and answer it."""
        with self.lock:
            return self._answer(request)

    def _answer(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        method, url = request.method or "GET", request.url or ""
        path = self._path(url)
        fault = self._fault(method, path)
        if fault is not None and fault.reset:
            raise requests.ConnectionError("Connection reset by peer")
        if fault is not None and fault.unreachable:
            raise requests.ConnectTimeout("Connection to api.github.com timed out (connect)")
        if fault is not None and fault.page is not None:
            return fault.status, {"Content-Type": "text/html", **fault.headers}, fault.page
        if fault is not None and not fault.after_applying:
            return self._error(fault.status, fault.message, fault.headers)
        if request.headers.get("Authorization") not in (
            f"token {self.token}",
            f"Bearer {self.token}",
        ):
            return self._error(401, "Bad credentials")
        status, payload, headers = self._route(method, path, url, request.body)
        if fault is not None:  # applied, then the answer was lost
            return self._error(fault.status, fault.message, fault.headers)
        if status == 204:
            return status, headers, ""
        if self.spec is not None and status < 300:
            self.spec.check_response(method, url, status, payload)
        return status, {"Content-Type": "application/json", **headers}, json.dumps(payload)

    def _fault(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.method == method and re.search(fault.path, path) and fault.times > 0:
                fault.times -= 1
                return fault
        return None

    def _error(
        self, status: int, message: str, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        body = {"message": message, "documentation_url": "https://docs.github.com/rest"}
        return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(body)

    def _route(
        self, method: str, path: str, url: str, body: Any
    ) -> tuple[int, Any, dict[str, str]]:
        if path == "/user" and method == "GET":
            return 200, self._whoami(), {}
        if about := re.fullmatch(r"/repos/([^/]+/[^/]+)/(labels|assignees)/([^/]+)", path):
            return self._repo_member(about.group(1), about.group(2), unquote(about.group(3)))
        data = json.loads(body) if body else {}
        edit = re.fullmatch(rf"/repos/{re.escape(self.repo)}/issues/comments/(\d+)", path)
        if edit is not None and method == "PATCH":
            return self._edit_comment(int(edit.group(1)), data)
        if path == f"/repos/{self.repo}/pulls" and method in ("GET", "POST"):
            return self._list_pulls(url) if method == "GET" else self._create_pull(data)
        match = re.fullmatch(r"/repos/([^/]+/[^/]+)(/issues(?:/(\d+)(/comments)?)?)?", path)
        if match is None or match.group(1) != self.repo:
            return 404, {"message": "Not Found"}, {}
        if match.group(2) is None:
            return 200, self._repository(), {}
        if not self.issues_enabled:
            return 410, {"message": "Issues are disabled for this repo"}, {}
        number = int(match.group(3)) if match.group(3) else None
        handlers: dict[tuple[str, bool, bool], Callable[[], tuple[int, Any, dict[str, str]]]] = {
            ("GET", False, False): lambda: self._list(url),
            ("POST", False, False): lambda: self._create(data),
            ("GET", True, False): lambda: self._get(number),  # type: ignore[arg-type]
            ("PATCH", True, False): lambda: self._update(number, data),  # type: ignore[arg-type]
            ("POST", True, True): lambda: self._comment(number, data),  # type: ignore[arg-type]
            ("GET", True, True): lambda: self._list_comments(number, url),  # type: ignore[arg-type]
        }
        handler = handlers.get((method, number is not None, match.group(4) is not None))
        if handler is None:
            return 404, {"message": "Not Found"}, {}
        return handler()

    def _whoami(self) -> dict[str, Any]:
        """The token's user: the description's example of a private user, renamed."""
        user = self._example("private-user-response-with-public-and-private-profile-information")
        user = user or self._user(self.login)
        user.update(login=self.login)
        return user

    def _repository(self) -> dict[str, Any]:
        """The repository: the description's example, with its name, issues and permissions."""
        repo = self._example("full-repository-default-response") or {}
        # The example lacks `language`, which the schema requires, and shows a fork's `parent`
        # and `source` (repositories that lack it too): a repository of its own, as served.
        repo.pop("parent", None)
        repo.pop("source", None)
        repo.update(fork=False, language=repo.get("language"))
        owner, name = self.repo.split("/")
        repo.update(
            full_name=self.repo,
            name=name,
            has_issues=self.issues_enabled,
            permissions=dict(self.permissions),
        )
        if isinstance(repo.get("owner"), dict):
            repo["owner"].update(login=owner)
        return repo

    def _repo_member(self, repo: str, kind: str, name: str) -> tuple[int, Any, dict[str, str]]:
        if repo != self.repo:
            return 404, {"message": "Not Found"}, {}
        if kind == "assignees":
            may = self.assignable is None or name in self.assignable
            return (204, None, {}) if may else (404, {"message": "Not Found"}, {})
        if name not in self.labels:
            return 404, {"message": "Not Found"}, {}
        return 200, self._label(name), {}

    def _example(self, name: str) -> dict[str, Any] | None:
        if self.spec is None:
            return None
        example = self.spec.document["components"]["examples"][name]["value"]
        text = json.dumps(example).replace(API, self.base).replace("https://github.com", self.web)
        return json.loads(text)  # type: ignore[no-any-return]

    def _list(self, url: str) -> tuple[int, Any, dict[str, str]]:
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        state = query.get("state", "open")
        wanted = [name for name in query.get("labels", "").split(",") if name]
        since = query.get("since")
        found = [
            issue
            for issue in self.issues.values()
            if (state == "all" or issue["state"] == state)
            and all(name in {label["name"] for label in issue["labels"]} for name in wanted)
            and (since is None or issue["updated_at"] >= since)
        ]
        key = "created_at" if query.get("sort", "created") == "created" else "updated_at"
        found.sort(
            key=lambda i: (i[key], i["number"]), reverse=query.get("direction", "desc") == "desc"
        )
        per_page = min(int(query.get("per_page", 30)), 100)
        page = int(query.get("page", 1))
        chunk = found[(page - 1) * per_page : page * per_page]
        headers = {}
        if page * per_page < len(found):
            next_url = re.sub(r"([?&])page=\d+", rf"\g<1>page={page + 1}", url)
            if not re.search(r"[?&]page=", url):  # not the page= inside per_page=
                next_url += ("&" if "?" in url else "?") + f"page={page + 1}"
            headers["Link"] = f'<{next_url}>; rel="next"'
        return 200, chunk, headers

    def _create(self, data: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        refused = [
            login
            for login in data.get("assignees", [])
            if self.assignable is not None and login not in self.assignable
        ]
        if refused:  # GitHub's answer to a login it will not assign
            return (
                422,
                {
                    "message": "Validation Failed",
                    "errors": [
                        {
                            "value": refused[0],
                            "resource": "Issue",
                            "field": "assignees",
                            "code": "invalid",
                        }
                    ],
                    "documentation_url": "https://docs.github.com/rest/issues/issues#create-an-issue",
                },
                {},
            )
        number = max([0, *self.issues, *self.deleted]) + 1
        stamp = self.tick()
        issue = copy.deepcopy(self._template)
        api = f"{self.base}/repos/{self.repo}/issues/{number}"
        issue.update(
            id=number,
            number=number,
            title=str(data["title"]),
            body=data.get("body"),
            state="open",
            state_reason=None,
            labels=[self._label(name) for name in data.get("labels", [])],
            assignees=[self._user(login) for login in data.get("assignees", [])],
            assignee=None,
            created_at=stamp,
            updated_at=stamp,
            closed_at=None,
            url=api,
            html_url=f"{self.web}/{self.repo}/issues/{number}",
            repository_url=f"{self.base}/repos/{self.repo}",
        )
        issue.pop("pull_request", None)
        self.issues[number] = issue
        return 201, issue, {}

    def _get(self, number: int) -> tuple[int, Any, dict[str, str]]:
        if number in self.deleted:
            return 410, {"message": "This issue was deleted"}, {}
        if number not in self.issues:
            return 404, {"message": "Not Found"}, {}
        return 200, self.issues[number], {}

    def _update(self, number: int, data: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        if number in self.deleted:
            return 410, {"message": "This issue was deleted"}, {}
        if number not in self.issues:
            return 404, {"message": "Not Found"}, {}
        issue = self.issues[number]
        for name in ("title", "body"):
            if name in data:
                issue[name] = data[name]
        if "labels" in data:
            issue["labels"] = [self._label(name) for name in data["labels"]]
        if "state" in data:
            issue["state"] = data["state"]
            issue["state_reason"] = (
                data.get("state_reason") if data["state"] == "closed" else "reopened"
            )
            issue["closed_at"] = self.tick() if data["state"] == "closed" else None
        issue["updated_at"] = self.tick()
        return 200, issue, {}

    def _comment(self, number: int, data: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        if number not in self.issues:
            return 404, {"message": "Not Found"}, {}
        self.comments.setdefault(number, []).append(data["body"])
        self.issues[number]["updated_at"] = self.tick()
        stamp = self.issues[number]["updated_at"]
        comment = self.add_comment(number, data["body"], login="github-actions[bot]", at=stamp)
        return 201, comment, {}

    def add_comment(
        self, number: int, body: str, *, login: str, at: str | None = None
    ) -> dict[str, Any]:
        """A comment on an issue or pull request (by a person, or through the API)."""
        ident = max([0, *self.comment_records]) + 1
        stamp = at or self.tick()
        comment = {
            "id": ident,
            "node_id": f"IC_{ident}",
            "url": f"{self.base}/repos/{self.repo}/issues/comments/{ident}",
            "html_url": f"{self.web}/{self.repo}/issues/{number}#issuecomment-{ident}",
            "body": body,
            "user": self._user(login),
            "created_at": stamp,
            "updated_at": stamp,
            "issue_url": self.issues[number]["url"],
            "author_association": "MEMBER",
        }
        if at is None:
            self.comments.setdefault(number, []).append(body)
        self.comment_records[ident] = comment
        return comment

    def _list_comments(self, number: int, url: str) -> tuple[int, Any, dict[str, str]]:
        if number not in self.issues:
            return 404, {"message": "Not Found"}, {}
        found = [c for c in self.comment_records.values() if c["issue_url"].endswith(f"/{number}")]
        return self._page(found, url)

    def _edit_comment(self, ident: int, data: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        comment = self.comment_records.get(ident)
        if comment is None:
            return 404, {"message": "Not Found"}, {}
        comment.update(body=data["body"], updated_at=self.tick())
        return 200, comment, {}

    def _list_pulls(self, url: str) -> tuple[int, Any, dict[str, str]]:
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        owner = self.repo.split("/")[0]
        found = [
            pull
            for pull in self.pulls.values()
            if query.get("state", "open") in ("all", pull["state"])
            and query.get("head") in (None, f"{owner}:{pull['head']['ref']}")
            and query.get("base") in (None, pull["base"]["ref"])
        ]
        return self._page([self._simple_pull(p) for p in found], url)

    def _create_pull(self, data: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        head, base = str(data["head"]).split(":")[-1], str(data["base"])
        if head not in self.branches or base not in self.branches:
            return (
                422,
                _validation_failed("PullRequest", "head" if head not in self.branches else "base"),
                {},
            )
        if any(p["head"]["ref"] == head and p["state"] == "open" for p in self.pulls.values()):
            return 422, _validation_failed("PullRequest", "head", "custom"), {}
        number = self.open_pull_request(str(data["title"]), str(data.get("body") or ""), [])
        pull = self._pull_template()
        web = f"{self.web}/{self.repo}/pull/{number}"
        pull.update(
            id=number,
            number=number,
            state="open",
            title=str(data["title"]),
            body=data.get("body"),
            html_url=web,
            url=f"{self.base}/repos/{self.repo}/pulls/{number}",
            created_at=self.issues[number]["created_at"],
            updated_at=self.issues[number]["updated_at"],
            # a new pull request asks no one yet (the example's teams also lack a required key)
            requested_reviewers=[],
            requested_teams=[],
        )
        pull["head"] = {**pull["head"], "ref": head, "label": f"{self.repo.split('/')[0]}:{head}"}
        pull["base"] = {**pull["base"], "ref": base, "label": f"{self.repo.split('/')[0]}:{base}"}
        self.pulls[number] = pull
        return 201, pull, {}

    def _simple_pull(self, pull: dict[str, Any]) -> dict[str, Any]:
        """A pull request as listings show it (`pull-request-simple`)."""
        simple = self._example("pull-request-simple-items")[0]
        return {
            **simple,
            **{k: v for k, v in pull.items() if k in simple and k != "head"},
            "head": {**simple["head"], "ref": pull["head"]["ref"], "label": pull["head"]["label"]},
            "base": {**simple["base"], "ref": pull["base"]["ref"], "label": pull["base"]["label"]},
        }

    def _pull_template(self) -> dict[str, Any]:
        return self._example("pull-request")

    def _example(self, name: str) -> Any:
        assert self.spec is not None, "pull requests need the API description (../shared)"
        example = self.spec.document["components"]["examples"][name]["value"]
        text = json.dumps(example).replace(API, self.base).replace("https://github.com", self.web)
        return json.loads(text)

    def _page(self, found: list[Any], url: str) -> tuple[int, Any, dict[str, str]]:
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        per_page = min(int(query.get("per_page", 30)), 100)
        page = int(query.get("page", 1))
        headers = {}
        if page * per_page < len(found):
            next_url = re.sub(r"([?&])page=\d+", rf"\g<1>page={page + 1}", url)
            if not re.search(r"[?&]page=", url):
                next_url += ("&" if "?" in url else "?") + f"page={page + 1}"
            headers["Link"] = f'<{next_url}>; rel="next"'
        return 200, found[(page - 1) * per_page : page * per_page], headers

    def _label(self, name: str) -> dict[str, Any]:
        self.labels.add(name)  # GitHub makes a label the first time an issue carries it
        return {
            "id": abs(hash(name)) % 10**6,
            "node_id": "LA_1",
            "url": f"{self.base}/repos/{self.repo}/labels/{name}",
            "name": name,
            "description": None,
            "color": "ededed",
            "default": False,
        }

    def _user(self, login: str) -> dict[str, Any]:
        user = copy.deepcopy(self._template["user"])
        user.update(login=login)
        if not user.get("url"):  # the minimal template (no ../shared): links still point here
            user.update(url=f"{self.base}/users/{login}", html_url=f"{self.web}/{login}")
        return user

    def _issue_template(self) -> dict[str, Any]:
        """The description's example issue, with the fields the recorded exchanges show GitHub
        sending that the example lacks (reactions, timeline_url, ...)."""
        if self.spec is None:
            minimal = copy.deepcopy(_MINIMAL_ISSUE)
            login = minimal["user"]["login"]
            minimal["user"].update(url=f"{self.base}/users/{login}", html_url=f"{self.web}/{login}")
            return minimal
        example = self.spec.document["components"]["examples"]["issue"]["value"]
        template = copy.deepcopy(example.get("value", example))  # the examples wrap once more
        recorded = SHARED / "api" / "octokit-fixtures" / "paginate-issues.json"
        if recorded.exists():
            real = json.loads(recorded.read_text())[0]["response"][0]
            template.update({k: v for k, v in real.items() if k not in template})
        # The example's links point at github.com; an Enterprise Server (or a fake served on
        # 127.0.0.1) puts its own address there.
        text = json.dumps(template).replace(API, self.base).replace("https://github.com", self.web)
        return json.loads(text)  # type: ignore[no-any-return]


def _validation_failed(resource: str, name: str, code: str = "invalid") -> dict[str, Any]:
    return {
        "message": "Validation Failed",
        "errors": [{"resource": resource, "field": name, "code": code}],
        "documentation_url": "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
    }


_MINIMAL_ISSUE: dict[str, Any] = {
    "id": 1,
    "node_id": "I_1",
    "url": "",
    "repository_url": "",
    "labels_url": "",
    "comments_url": "",
    "events_url": "",
    "html_url": "",
    "number": 1,
    "state": "open",
    "title": "",
    "body": None,
    "user": {
        "login": "octocat",
        "id": 1,
        "node_id": "U_1",
        "avatar_url": "",
        "gravatar_id": "",
        "url": "",
        "html_url": "",
        "followers_url": "",
        "following_url": "",
        "gists_url": "",
        "starred_url": "",
        "subscriptions_url": "",
        "organizations_url": "",
        "repos_url": "",
        "events_url": "",
        "received_events_url": "",
        "type": "User",
        "site_admin": False,
    },
    "labels": [],
    "assignee": None,
    "assignees": [],
    "milestone": None,
    "locked": False,
    "comments": 0,
    "closed_at": None,
    "created_at": "",
    "updated_at": "",
    "author_association": "OWNER",
}
