"""Client-library errors never cross into `tracker/`: every failure a connector meets becomes
one of the project's own errors, named in the tree in tracker/errors.py."""

from __future__ import annotations

import contextlib
import re

import pytest
import requests
import responses

import tracker.errors as errors
from tracker.config import JiraTarget
from tracker.connector import NewTicket, TicketChange
from tracker.connectors.github import GitHubConnector
from tracker.connectors.jira import JiraConnector
from tracker.marker import Marker

STATUSES = [400, 401, 403, 404, 405, 409, 410, 422, 429, 500, 502, 503]
TICKET = NewTicket("t", "b", ["postmortem-action"], Marker("u", "I", "t"))


def test_every_error_is_in_the_documented_tree() -> None:
    names = {c.__name__ for c in _subclasses(errors.TrackError)}
    documented = set(re.findall(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)+\b", errors.__doc__ or ""))
    assert names <= documented, names - documented


def _subclasses(cls: type) -> list[type]:
    return [cls, *(s for sub in cls.__subclasses__() for s in _subclasses(sub))]


def _github() -> GitHubConnector:
    return GitHubConnector(
        target="gh",
        repo="acme/ops",
        token="t",
        tool_label="x",
        write_interval=0,
        max_wait=0,
        sleep=lambda s: None,
    )


def _answer_github(mock: responses.RequestsMock, **answer: object) -> None:
    """Every GitHub request gets `answer` (status, body...)."""
    for method in ("GET", "POST", "PATCH"):
        mock.add(method, re.compile(r"https://api\.github\.com(:443)?/.*"), **answer)  # type: ignore[arg-type]


GITHUB_CALLS = {
    "list": lambda c: list(c.changed_since(since=None)),
    "get": lambda c: c.get(key="1"),
    "create": lambda c: c.create(tickets=[TICKET]),
    "update": lambda c: c.update(key="1", change=TicketChange(title="x")),
    "comment": lambda c: c.comment(key="1", body="x"),
}


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("call", sorted(GITHUB_CALLS))
def test_github_failures_become_track_errors(status: int, call: str) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        _answer_github(mock, status=status, json={"message": "no"})
        try:
            result = GITHUB_CALLS[call](_github())
        except errors.TrackError:
            return
        assert call == "create" and all(isinstance(r, errors.TrackError) for r in result)


@pytest.mark.parametrize("call", sorted(GITHUB_CALLS))
def test_github_network_failures_become_track_errors(call: str) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        _answer_github(mock, body=requests.ConnectionError("reset"))
        with pytest.raises(errors.TrackError):
            GITHUB_CALLS[call](_github())


JIRA_CALLS = {
    "list": lambda c: list(c.changed_since(since=None)),
    "get": lambda c: c.get(key="OPS-1"),
    "create": lambda c: c.create(tickets=[TICKET]),
    "update": lambda c: c.update(key="OPS-1", change=TicketChange(title="x")),
    "close": lambda c: c.update(key="OPS-1", change=TicketChange(close_as="completed")),
    "comment": lambda c: c.comment(key="OPS-1", body="x"),
    "check": lambda c: c.check_create(),
}


JIRA = "https://acme.atlassian.net"
READS = {"list", "get", "check", "find"}


def _jira(mock: responses.RequestsMock, status: int, **answer: object) -> JiraConnector:
    """A Jira connector whose serverInfo works and whose every other request gets `answer`."""
    mock.add(
        "GET",
        f"{JIRA}/rest/api/2/serverInfo",
        json={"deploymentType": "Cloud", "versionNumbers": [1001, 0, 0], "version": "1001.0.0"},
    )
    for method in ("GET", "POST", "PUT"):
        mock.add(
            method,
            re.compile(rf"{re.escape(JIRA)}/rest/api/2/(?!serverInfo).*"),
            status=status,
            **answer,
        )  # type: ignore[arg-type]
    target = JiraTarget(kind="jira", name="j", url=JIRA, project="OPS", max_wait_seconds=0)
    return JiraConnector(target, token="t", email="e@x", sleep=lambda s: None)


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("call", sorted(JIRA_CALLS))
def test_jira_failures_become_track_errors(status: int, call: str) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        connector = _jira(mock, status, json={"errorMessages": ["no"], "errors": {}})
        try:
            result = JIRA_CALLS[call](connector)
        except errors.TrackError:
            return
        assert call == "create" and all(isinstance(r, errors.TrackError) for r in result)


@pytest.mark.parametrize("status", [200, 502])
@pytest.mark.parametrize("call", sorted(GITHUB_CALLS))
def test_github_answers_that_are_not_json(status: int, call: str) -> None:
    """A proxy's HTML page where GitHub's JSON should be: a read never returns as if empty."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        _answer_github(mock, status=status, body="<html>proxy</html>", content_type="text/html")
        if call in READS:
            with pytest.raises(errors.TrackError):
                GITHUB_CALLS[call](_github())
        else:
            with contextlib.suppress(errors.TrackError):  # anything else escaping fails the test
                GITHUB_CALLS[call](_github())


@pytest.mark.parametrize("status", [200, 502])
@pytest.mark.parametrize("call", sorted(JIRA_CALLS))
def test_jira_answers_that_are_not_json(status: int, call: str) -> None:
    """A proxy's HTML page where Jira's JSON should be: a search that gets one fails, it never
    returns no issues (which would read as "nothing changed")."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        connector = _jira(mock, status, body="<html>proxy</html>", content_type="text/html")
        if call in READS:
            with pytest.raises(errors.TrackError):
                JIRA_CALLS[call](connector)
        else:
            with contextlib.suppress(errors.TrackError):  # anything else escaping fails the test
                JIRA_CALLS[call](connector)


@pytest.mark.parametrize("status", [401, 403, 404, 500, 503])
def test_jira_server_info_failures_become_track_errors(status: int) -> None:
    target = JiraTarget(
        kind="jira", name="j", url="https://acme.atlassian.net", project="OPS", max_wait_seconds=0
    )
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(
            "GET",
            re.compile(r"https://acme\.atlassian\.net/.*"),
            status=status,
            json={"errorMessages": ["no"]},
        )
        with pytest.raises(errors.TrackError):
            JiraConnector(target, token="t", email="e@x", sleep=lambda s: None)
