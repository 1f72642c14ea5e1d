"""The connectors called directly against the fakes: how often a failure is retried and how
long each wait is, what a rate limit budget allows, which error a user gets for each answer,
and that the request count a run reports is the number of requests sent."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import responses
from fake_github import FakeGitHub
from fake_github import Fault as GitHubFault
from fake_jira import FakeJira
from fake_jira import Fault as JiraFault

import tracker.errors as errors
from tracker.config import JiraTarget
from tracker.connector import TicketChange
from tracker.connectors.github import GitHubConnector
from tracker.connectors.jira import JiraConnector


@pytest.fixture
def mock() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as m:
        yield m


def github(fake: FakeGitHub, sleeps: list[float], **options: object) -> GitHubConnector:
    settings: dict[str, object] = {"write_interval": 0, "max_wait": 30, **options}
    return GitHubConnector(
        target="gh",
        repo="acme/ops",
        token="t0ken",
        tool_label="postmortem-action",
        sleep=sleeps.append,
        **settings,  # type: ignore[arg-type]
    )


def jira(fake: FakeJira, sleeps: list[float]) -> JiraConnector:
    target = JiraTarget(kind="jira", name="j", url=fake.url, project="OPS", max_wait_seconds=30)
    return JiraConnector(target, token="t0ken", email="bot@acme.com", sleep=sleeps.append)


def test_a_failing_read_is_tried_four_times_with_growing_waits(
    mock: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    fake, sleeps = FakeGitHub(mock), []  # type: ignore[var-annotated]
    fake.faults.append(GitHubFault("GET", r"/issues$", status=500, times=10))
    connector = github(fake, sleeps)
    with (
        caplog.at_level(logging.DEBUG, logger="tracker.connectors"),
        pytest.raises(errors.TrackerUnavailable, match="GitHub answered 500"),
    ):
        list(connector.changed_since(since=None))
    assert fake.log == [("GET", "/repos/acme/ops/issues")] * 4
    assert sleeps == [2.0, 4.0, 8.0]
    tries = [r.getMessage() for r in caplog.records if "list issues" in r.getMessage()]
    assert [t.rsplit(" of acme/ops", 1)[1] for t in tries] == [
        "",
        " (attempt 2)",
        " (attempt 3)",
        " (attempt 4)",
    ]


def test_a_read_that_fails_three_times_then_answers_returns_the_issues(
    mock: responses.RequestsMock,
) -> None:
    fake, sleeps = FakeGitHub(mock), []  # type: ignore[var-annotated]
    fake._create({"title": "A", "body": "b", "labels": ["postmortem-action"]})
    fake.faults.append(GitHubFault("GET", r"/issues$", status=502, times=3))
    found = list(github(fake, sleeps).changed_since(since=None))
    assert [i.title for i in found] == ["A"]
    assert sleeps == [2.0, 4.0, 8.0]


def test_rate_limit_waits_do_not_use_up_the_attempts(mock: responses.RequestsMock) -> None:
    fake, sleeps = FakeGitHub(mock), []  # type: ignore[var-annotated]
    fake._create({"title": "A", "body": "b", "labels": ["postmortem-action"]})
    fake.faults.append(
        GitHubFault("GET", r"/issues$", status=429, headers={"Retry-After": "1"}, times=3)
    )
    fake.faults.append(GitHubFault("GET", r"/issues$", status=502, times=3))
    found = list(github(fake, sleeps).changed_since(since=None))
    assert [i.title for i in found] == ["A"]
    assert sleeps == [1.0, 1.0, 1.0, 2.0, 4.0, 8.0]


@pytest.mark.parametrize(("retry_after", "waited"), [("30", True), ("31", False)])
def test_a_wait_is_taken_up_to_max_wait_and_not_beyond(
    mock: responses.RequestsMock, retry_after: str, waited: bool
) -> None:
    fake, sleeps = FakeGitHub(mock), []  # type: ignore[var-annotated]
    fake.faults.append(
        GitHubFault("GET", r"/issues$", status=429, headers={"Retry-After": retry_after})
    )
    connector = github(fake, sleeps)  # max_wait 30
    if waited:
        assert list(connector.changed_since(since=None)) == []
        assert sleeps == [30.0]
    else:
        with pytest.raises(errors.RateLimited, match="retry in 31 s"):
            list(connector.changed_since(since=None))
        assert sleeps == []


def test_github_request_counts_match_the_requests_sent(mock: responses.RequestsMock) -> None:
    fake, sleeps = FakeGitHub(mock), []  # type: ignore[var-annotated]
    fake._create({"title": "A", "body": "b", "labels": ["postmortem-action"]})
    connector = github(fake, sleeps)
    assert connector.whoami() == "track-bot"
    access = connector.access()
    assert (access.read, access.write, access.issues) == (True, True, True)
    assert connector.label_exists() is True
    assert connector.assignable("dana") is True
    fake.assignable = {"someone"}
    assert connector.assignable("dana") is False
    assert [i.title for i in connector.changed_since(since=None)] == ["A"]
    assert connector.get(key="1").title == "A"
    assert connector.requests.reads == len(fake.log) == 7
    assert connector.requests.writes == 0


def test_github_answers_become_the_errors_a_user_can_act_on(
    mock: responses.RequestsMock,
) -> None:
    fake, sleeps = FakeGitHub(mock), []  # type: ignore[var-annotated]
    fake._create({"title": "A", "body": "b", "labels": ["postmortem-action"]})
    connector = github(fake, sleeps)
    fake.faults.append(GitHubFault("PATCH", r"/issues/1$", status=403, message="Forbidden"))
    with pytest.raises(errors.TrackerFatal, match=r"refused to update issue #1 \(403"):
        connector.update(key="1", change=TicketChange(title="x"))
    fake.faults.append(GitHubFault("GET", r"/issues/1$", status=500, times=4))
    with pytest.raises(errors.TrackerUnavailable, match="GitHub answered 500 to read issue #1"):
        connector.get(key="1")
    fake.delete(1)
    with pytest.raises(errors.TicketGone, match="issue #1 is gone"):
        connector.get(key="1")


def jira_with_one_ticket(
    mock: responses.RequestsMock,
) -> tuple[FakeJira, list[float], JiraConnector]:
    """A Jira holding OPS-1 ("A"), and a connector to it whose sleeps are recorded."""
    fake, sleeps = FakeJira(mock), []  # type: ignore[var-annotated]
    fake._bulk({"issueUpdates": [{"fields": {"summary": "A", "labels": ["postmortem-action"]}}]})
    return fake, sleeps, jira(fake, sleeps)


def test_jira_answers_become_the_errors_a_user_can_act_on(
    mock: responses.RequestsMock,
) -> None:
    fake, sleeps, connector = jira_with_one_ticket(mock)
    fake.faults.append(JiraFault("PUT", r"/issue/OPS-1$", status=400))
    with pytest.raises(errors.ItemRejected, match=r"Jira refused to PUT /issue/OPS-1 \(400"):
        connector.update(key="OPS-1", change=TicketChange(title="x"))
    fake.faults.append(JiraFault("PUT", r"/issue/OPS-1$", status=409))
    with pytest.raises(errors.TrackerFatal, match=r"\(409 fault\)"):
        connector.update(key="OPS-1", change=TicketChange(title="x"))
    fake.faults.append(JiraFault("GET", r"/issue/OPS-1$", status=403))
    with pytest.raises(errors.TrackerFatal, match="not allowed to GET /issue/OPS-1"):
        connector.get(key="OPS-1")
    assert sleeps == []


def test_jira_retries_a_502_read_and_waits_out_a_503_retry_after(
    mock: responses.RequestsMock,
) -> None:
    fake, sleeps, connector = jira_with_one_ticket(mock)
    fake.faults.append(JiraFault("GET", r"/issue/OPS-1$", status=502))
    assert connector.get(key="OPS-1").title == "A"
    assert sleeps == [2.0]
    fake.faults.append(JiraFault("GET", r"/issue/OPS-1$", status=503, headers={"Retry-After": "5"}))
    assert connector.get(key="OPS-1").title == "A"
    assert sleeps == [2.0, 5.0]
    assert connector.requests.reads == len(fake.log) == 5  # serverInfo, 2 + 2 reads
