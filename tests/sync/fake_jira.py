"""A stateful fake of the Jira REST API (v2 paths), served through `responses` (give it the
`RequestsMock`), or over real HTTP by `http_fake.py` (no mock: the server calls `receive` and
`answer`; state changes hold `lock`).

Requests are checked against Atlassian's OpenAPI description in ../shared/api/ (the v3 paths
there are the same operations; the v2 bodies differ only in taking plain-text descriptions),
and the answers are validated against its response schemas. It speaks Cloud (`/search/jql`
with nextPageToken) or Server/Data Center (`/search` with startAt), evaluates the JQL the
connector writes (a real tokenizer: quoted values with escapes), and runs a small workflow:
To Do -> In Progress -> Done, with resolutions.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
import responses
from openapi import ApiSpec, load_spec

URL = "https://acme.atlassian.net"
STATUSES = {
    "To Do": {
        "id": "1",
        "name": "To Do",
        "statusCategory": {"id": 2, "key": "new", "name": "To Do"},
    },
    "In Progress": {
        "id": "3",
        "name": "In Progress",
        "statusCategory": {"id": 4, "key": "indeterminate", "name": "In Progress"},
    },
    "Done": {"id": "5", "name": "Done", "statusCategory": {"id": 3, "key": "done", "name": "Done"}},
}
RESOLUTIONS = ["Done", "Won't Do", "Duplicate"]


@dataclass
class Fault:
    method: str
    path: str
    status: int = 502
    headers: dict[str, str] = field(default_factory=dict)
    after_applying: bool = False
    reset: bool = False
    times: int = 1
    page: str | None = None  # an HTML page instead of Jira's JSON (a proxy in between)


def stamp(when: dt.datetime) -> str:
    """Jira's format, with Jira's millisecond precision."""
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}+0000"


def tokenize(jql: str) -> list[str]:
    """Words, operators and quoted strings (backslash escapes honoured) of a JQL query."""
    tokens: list[str] = []
    i = 0
    while i < len(jql):
        c = jql[i]
        if c.isspace():
            i += 1
        elif c == '"':
            j, value = i + 1, ""
            while jql[j] != '"':
                if jql[j] == "\\":
                    j += 1
                value += jql[j]
                j += 1
            tokens.append("\x00" + value)  # a string literal, marked
            i = j + 1
        elif jql.startswith((">=", "<=", "!="), i):
            tokens.append(jql[i : i + 2])
            i += 2
        elif c in "=<>":
            tokens.append(c)
            i += 1
        else:
            j = i
            while j < len(jql) and not jql[j].isspace() and jql[j] not in '=<>!"':
                j += 1
            tokens.append(jql[i:j])
            i = j
    return tokens


class FakeJira:
    def __init__(
        self,
        mock: responses.RequestsMock | None = None,
        *,
        cloud: bool = True,
        project: str = "OPS",
        url: str = URL,
        user: str = "bot@acme.com",
        token: str = "t0ken",
    ) -> None:
        self.cloud = cloud
        self.project = project
        self.url = url.rstrip("/")
        self.lock = threading.RLock()
        self.credentials = (user, token)
        self.spec: ApiSpec | None = load_spec(
            "jira-openapi-subset.json", base_path="/rest/api/2", spec_prefix="/rest/api/3"
        )
        self.issues: dict[str, dict[str, Any]] = {}
        self.properties: dict[str, dict[str, Any]] = {}
        self.comments: dict[str, list[str]] = {}
        self.faults: list[Fault] = []
        self.log: list[tuple[str, str]] = []
        self.jql: list[str] = []
        self.required_fields: dict[str, str] = {}  # fieldId -> name, required on the create screen
        self.screen_fields: set[str] = set()  # extra fields on the screen, not required
        self.reject_summaries: set[str] = set()  # bulk elements whose summary contains one fail
        self.partial_status = 201  # the answer to a bulk create with some elements failed
        self.counter = 0
        # The issue types of the project (name -> id), in the order Jira lists them.
        self.issue_types = {"Task": "10001", "Bug": "10002"}
        self.resolutions = list(RESOLUTIONS)  # offered by the transition to Done
        # Jira may return fewer issues a page than maxResults asks for (the description:
        # "where a large number of fields are requested"); None: as many as asked.
        self.page_cap: int | None = None
        self.users = [
            {
                "accountId": "5b10ac8d82e05b22cc7d4ef5",
                "emailAddress": "erin@acme.com",
                "displayName": "Erin",
            }
        ]
        if mock is not None:
            parts = urlsplit(url)
            served = re.compile(
                rf"{parts.scheme}://{re.escape(parts.hostname or '')}(:\d+)?/rest/api/2/.*"
            )
            for method in ("GET", "POST", "PUT", "DELETE"):
                mock.add_callback(method, served, callback=self._handle)

    # -- people acting in Jira -----------------------------------------------------------

    def now(self) -> str:
        return stamp(dt.datetime.now(dt.UTC))

    def transition(self, key: str, status: str, resolution: str | None = None) -> None:
        with self.lock:
            fields = self.issues[key]["fields"]
            fields["status"] = STATUSES[status]
            fields["resolution"] = {"name": resolution, "id": "1"} if resolution else None
            fields["resolutiondate"] = self.now() if resolution else None
            fields["updated"] = self.now()

    def requests_made(self) -> int:
        return len(self.log)

    # -- serving ---------------------------------------------------------------------------

    def _handle(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        self.receive(request)
        return self.answer(request)

    def receive(self, request: requests.PreparedRequest) -> None:
        """Log the request and hold it to the API description (AssertionError if it breaks it)."""
        method, url = request.method or "GET", request.url or ""
        path = urlsplit(url).path.removeprefix("/rest/api/2")
        with self.lock:
            self.log.append((method, path))
        # User search is outside the API description in ../shared (the one operation here not
        # checked against it): Cloud's GET /rest/api/2/user/search?query=, a list of users.
        if self.spec is not None and path != "/user/search":
            self.spec.check_request(method, url, request.body)  # type: ignore[arg-type]

    def answer(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        """Apply a received request (faults, credentials, the change) and answer it."""
        with self.lock:
            return self._answer(request)

    def _answer(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        method, url = request.method or "GET", request.url or ""
        path = urlsplit(url).path.removeprefix("/rest/api/2")
        fault = next(
            (
                f
                for f in self.faults
                if f.method == method and re.search(f.path, path) and f.times > 0
            ),
            None,
        )
        if fault is not None:
            fault.times -= 1
            if fault.reset:
                raise requests.ConnectionError("Connection reset by peer")
            if fault.page is not None:
                return fault.status, {"Content-Type": "text/html", **fault.headers}, fault.page
            if not fault.after_applying:
                return (
                    fault.status,
                    {"Content-Type": "application/json", **fault.headers},
                    json.dumps({"errorMessages": ["fault"], "errors": {}}),
                )
        if not self._authorised(request.headers.get("Authorization", "")):
            return (
                401,
                {"Content-Type": "application/json"},
                json.dumps({"errorMessages": ["Unauthorized"], "errors": {}}),
            )
        status, payload = self._route(
            method, path, url, json.loads(request.body) if request.body else None
        )
        if fault is not None:  # applied, then the answer was lost
            return fault.status, {"Content-Type": "application/json"}, "{}"
        if (
            self.spec is not None
            and status < 300
            and payload is not None
            and path != "/user/search"
        ):
            self.spec.check_response(
                method, url.replace("/rest/api/2", "/rest/api/3"), status, payload
            )
        return (
            status,
            {"Content-Type": "application/json"},
            json.dumps(payload) if payload is not None else "",
        )

    def _authorised(self, header: str) -> bool:
        import base64

        user, token = self.credentials
        basic = "Basic " + base64.b64encode(f"{user}:{token}".encode()).decode()
        # Cloud takes an API token only with the account's email, as Basic auth; Server and
        # Data Center take a personal access token as Bearer (or Basic user:password)
        return header == basic or (not self.cloud and header == f"Bearer {token}")

    def _route(self, method: str, path: str, url: str, body: Any) -> tuple[int, Any]:
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        if path == "/serverInfo":
            kind = "Cloud" if self.cloud else "Server"
            return 200, {
                "baseUrl": self.url,
                "deploymentType": kind,
                "version": "1001.0.0" if self.cloud else "9.12.0",
                "versionNumbers": [1001, 0, 0] if self.cloud else [9, 12, 0],
                "buildNumber": 100000,
                "serverTitle": "Jira",
            }
        if match := re.fullmatch(r"/issue/createmeta/([^/]+)/issuetypes(?:/([^/]+))?", path):
            return self._createmeta(match.group(1), match.group(2))
        if path == "/myself" and method == "GET":
            return 200, self._myself()
        if path == "/user/search" and self.cloud:
            found = [u for u in self.users if u["emailAddress"] == query.get("query")]
            return 200, found
        if path == "/issue/bulk" and method == "POST":
            return self._bulk(body)
        if path == "/search/jql" and self.cloud:
            return self._search(query, token_paging=True)
        if path == "/search" and not self.cloud:
            return self._search(query, token_paging=False)
        if match := re.fullmatch(r"/issue/([A-Z][A-Z0-9_]*-\d+)(/transitions|/comment)?", path):
            return self._issue(method, match.group(1), match.group(2), body, query)
        return 404, {"errorMessages": ["Not found"], "errors": {}}

    def _myself(self) -> dict[str, Any]:
        """The account of the credentials: Cloud shows its account ID, Data Center its name."""
        user, _ = self.credentials
        me: dict[str, Any] = {
            "self": f"{self.url}/rest/api/2/myself",
            "displayName": "Track Bot",
            "emailAddress": user,
            "active": True,
            "timeZone": "UTC",
        }
        if self.cloud:
            me.update(accountId="5b10a2844c20165700ede21g", accountType="atlassian")
        else:
            me.update(name="track-bot", key="JIRAUSER10100")
        return me

    def _createmeta(self, project: str, type_id: str | None) -> tuple[int, Any]:
        if project != self.project:
            return 404, {
                "errorMessages": [f"No project could be found with key '{project}'."],
                "errors": {},
            }
        if type_id is None:
            kinds = [
                {
                    "id": ident,
                    "name": name,
                    "subtask": False,
                    "description": f"A {name.lower()}",
                    "self": f"{self.url}/rest/api/2/issuetype/{ident}",
                }
                for name, ident in self.issue_types.items()
            ]
            return 200, {
                "issueTypes": kinds,
                "maxResults": 200,
                "startAt": 0,
                "total": len(kinds),
            }
        fields = [
            {
                "fieldId": "summary",
                "key": "summary",
                "name": "Summary",
                "required": True,
                "hasDefaultValue": False,
                "operations": ["set"],
                "schema": {"type": "string", "system": "summary"},
            },
            {
                "fieldId": "description",
                "key": "description",
                "name": "Description",
                "required": False,
                "hasDefaultValue": False,
                "operations": ["set"],
                "schema": {"type": "string", "system": "description"},
            },
            {
                "fieldId": "labels",
                "key": "labels",
                "name": "Labels",
                "required": False,
                "hasDefaultValue": False,
                "operations": ["add", "set", "remove"],
                "schema": {"type": "array", "items": "string", "system": "labels"},
            },
            {
                "fieldId": "priority",
                "key": "priority",
                "name": "Priority",
                "required": False,
                "hasDefaultValue": True,
                "operations": ["set"],
                "schema": {"type": "priority", "system": "priority"},
            },
            {
                "fieldId": "issuetype",
                "key": "issuetype",
                "name": "Issue Type",
                "required": True,
                "hasDefaultValue": False,
                "operations": [],
                "schema": {"type": "issuetype", "system": "issuetype"},
            },
            {
                "fieldId": "project",
                "key": "project",
                "name": "Project",
                "required": True,
                "hasDefaultValue": False,
                "operations": ["set"],
                "schema": {"type": "project", "system": "project"},
            },
        ]
        for field_id, name in self.required_fields.items():
            fields.append(
                {
                    "fieldId": field_id,
                    "key": field_id,
                    "name": name,
                    "required": True,
                    "hasDefaultValue": False,
                    "operations": ["set"],
                    "schema": {"type": "string", "custom": "x"},
                }
            )
        for field_id in self.screen_fields:
            fields.append(
                {
                    "fieldId": field_id,
                    "key": field_id,
                    "name": field_id,
                    "required": False,
                    "hasDefaultValue": False,
                    "operations": ["set"],
                    "schema": {"type": "string", "custom": "x"},
                }
            )
        return 200, {"fields": fields, "maxResults": 200, "startAt": 0, "total": len(fields)}

    def _bulk(self, body: dict[str, Any]) -> tuple[int, Any]:
        created, errors = [], []
        updates = body["issueUpdates"]
        if len(updates) > 50:
            return 400, {
                "errorMessages": ["You can create at most 50 issues in one request."],
                "errors": {},
            }
        for index, update in enumerate(updates):
            fields = update["fields"]
            missing = [name for fid, name in self.required_fields.items() if fid not in fields]
            if missing or any(word in fields["summary"] for word in self.reject_summaries):
                reason = {
                    f: f"{n} is required." for f, n in self.required_fields.items() if n in missing
                } or {"summary": "rejected by a validator"}
                errors.append(
                    {
                        "status": 400,
                        "failedElementNumber": index,
                        "elementErrors": {"errorMessages": [], "errors": reason},
                    }
                )
                continue
            self.counter += 1
            key = f"{self.project}-{self.counter}"
            now = self.now()
            self.issues[key] = {
                "id": str(10000 + self.counter),
                "key": key,
                "self": f"{self.url}/rest/api/2/issue/{10000 + self.counter}",
                "fields": {
                    "summary": fields["summary"],
                    "description": fields.get("description"),
                    "labels": list(fields.get("labels", [])),
                    "status": STATUSES["To Do"],
                    "resolution": None,
                    "resolutiondate": None,
                    "assignee": fields.get("assignee"),
                    "priority": fields.get("priority"),
                    "created": now,
                    "updated": now,
                    **{k: v for k, v in fields.items() if k.startswith("customfield_")},
                },
            }
            for prop in update.get("properties", []):
                self.properties.setdefault(key, {})[prop["key"]] = prop["value"]
            created.append(
                {"id": self.issues[key]["id"], "key": key, "self": self.issues[key]["self"]}
            )
        # The description: 201 when any element was created, 400 when none was. Real instances
        # (FIELD-NOTES) answer 400 to any failed element: `partial_status` picks.
        status = 201 if created and not (errors and self.partial_status == 400) else 400
        if not errors:
            status = 201
        return status, {"issues": created, "errors": errors}

    def _view(self, key: str, query: dict[str, str]) -> dict[str, Any]:
        issue = json.loads(json.dumps(self.issues[key]))
        wanted = [p for p in query.get("properties", "").split(",") if p]
        if wanted:
            issue["properties"] = {
                p: self.properties.get(key, {})[p]
                for p in wanted
                if p in self.properties.get(key, {})
            }
        return issue

    def _issue(
        self, method: str, key: str, sub: str | None, body: Any, query: dict[str, str]
    ) -> tuple[int, Any]:
        if key not in self.issues:
            return 404, {
                "errorMessages": ["Issue does not exist or you do not have permission to see it."],
                "errors": {},
            }
        fields = self.issues[key]["fields"]
        if sub is None and method == "GET":
            return 200, self._view(key, query)
        if sub is None and method == "PUT":
            fields.update(body.get("fields", {}))
            fields["updated"] = self.now()
            return 204, None
        if sub == "/comment":
            self.comments.setdefault(key, []).append(body["body"])
            fields["updated"] = self.now()
            return 201, {
                "id": "1",
                "body": body["body"],
                "self": f"{self.url}/rest/api/2/issue/{key}/comment/1",
            }
        if sub == "/transitions" and method == "GET":
            expanded = "transitions.fields" in query.get("expand", "").split(",")
            done = {
                "id": "31",
                "name": "Done",
                "to": STATUSES["Done"],
                "hasScreen": True,
                "isGlobal": True,
                "fields": {
                    "resolution": {
                        "required": True,
                        "name": "Resolution",
                        "key": "resolution",
                        "operations": ["set"],
                        "allowedValues": [
                            {"name": r, "id": str(i)} for i, r in enumerate(self.resolutions)
                        ],
                        "schema": {"type": "resolution", "system": "resolution"},
                    }
                },
            }
            start = {
                "id": "21",
                "name": "Start",
                "to": STATUSES["In Progress"],
                "hasScreen": False,
                "isGlobal": True,
                "fields": {},
            }
            if not expanded:  # Jira sends a transition's fields only when asked to
                for transition in (start, done):
                    transition.pop("fields")
            return 200, {"transitions": [start, done]}
        if sub == "/transitions" and method == "POST":
            target = {"31": "Done", "21": "In Progress"}[body["transition"]["id"]]
            resolution = (body.get("fields", {}).get("resolution") or {}).get("name")
            if target == "Done" and not resolution:
                return 400, {
                    "errorMessages": [],
                    "errors": {"resolution": "Resolution is required."},
                }
            self.transition(key, target, resolution)
            return 204, None
        return 404, {"errorMessages": ["Not found"], "errors": {}}

    def _search(self, query: dict[str, str], *, token_paging: bool) -> tuple[int, Any]:
        jql = query["jql"]
        self.jql.append(jql)
        matches = [self._view(k, query) for k in self.issues if self._matches(k, jql)]
        order = jql.split(" ORDER BY ")[1] if " ORDER BY " in jql else "created ASC"
        name, direction = order.split()
        matches.sort(key=lambda i: i["fields"][name], reverse=direction == "DESC")
        size = min(int(query.get("maxResults", 50)), self.page_cap or 5000)
        start = int(query.get("nextPageToken", "0") if token_paging else query.get("startAt", "0"))
        page = matches[start : start + size]
        for issue in page:
            wanted = set(query.get("fields", "").split(","))
            issue["fields"] = {k: v for k, v in issue["fields"].items() if k in wanted}
        if token_paging:
            more = start + size < len(matches)
            return 200, {
                "issues": page,
                "isLast": not more,
                **({"nextPageToken": str(start + size)} if more else {}),
            }
        return 200, {"issues": page, "startAt": start, "maxResults": size, "total": len(matches)}

    def _matches(self, key: str, jql: str) -> bool:
        tokens = tokenize(jql.split(" ORDER BY ")[0])
        fields = self.issues[key]["fields"]
        conditions = [tokens[i : i + 3] for i in range(0, len(tokens), 4)]
        assert all(t == "AND" for t in tokens[3::4]), f"unexpected JQL: {jql}"
        for name, op, value in conditions:
            assert value.startswith("\x00"), f"unquoted JQL value in: {jql}"
            value = value[1:]
            if name == "project" and op == "=":
                ok = key.split("-")[0] == value
            elif name == "labels" and op == "=":
                ok = value in fields["labels"]
            elif name in ("updated", "created") and op == ">=":
                minutes = int(re.fullmatch(r"-(\d+)m", value).group(1))  # type: ignore[union-attr]
                since = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes)
                ok = dt.datetime.strptime(fields[name], "%Y-%m-%dT%H:%M:%S.%f%z") >= since
            else:
                raise AssertionError(f"unexpected JQL condition {name} {op} in: {jql}")
            if not ok:
                return False
        return True
