"""The connectors called directly against the fakes: how often a failure is retried and how
long each wait is, what a rate limit budget allows, which error a user gets for each answer,
and that the request count a run reports is the number of requests sent."""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import responses
from fake_github import FakeGitHub
from fake_github import Fault as GitHubFault
from fake_jira import FakeJira, stamp
from fake_jira import Fault as JiraFault

import tracker.errors as errors
from tracker.config import JiraTarget
from tracker.connector import NewTicket, TicketChange
from tracker.connectors.github import GitHubConnector
from tracker.connectors.jira import JiraConnector
from tracker.connectors.retry import network_reason
from tracker.marker import Marker, marker_comment


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


LABEL = "postmortem-action"


def jira(fake: FakeJira, sleeps: list[float], max_wait: float = 30) -> JiraConnector:
    target = JiraTarget(
        kind="jira", name="j", url=fake.url, project="OPS", max_wait_seconds=max_wait
    )
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


# -- answers each branch of the connectors must tell apart ------------------------------------


def test_a_github_permission_refusal_is_not_waited_for_as_a_rate_limit(
    mock: responses.RequestsMock,
) -> None:
    """GitHub sends the rate-limit headers with every answer: a 403 with requests left is a
    refusal, reported at once, not a limit to wait out until the reset time."""
    fake, sleeps = FakeGitHub(mock), []  # type: ignore[var-annotated]
    fake._create({"title": "A", "body": "b", "labels": ["postmortem-action"]})
    headers = {"x-ratelimit-remaining": "4999", "x-ratelimit-reset": str(int(time.time()) + 10)}
    fake.faults.append(
        GitHubFault(
            "GET", r"/issues$", status=403, headers=headers, message="Resource not accessible"
        )
    )
    with pytest.raises(
        errors.TrackerFatal, match=r"may not list issues of acme/ops \(403 Resource not accessible"
    ):
        list(github(fake, sleeps).changed_since(since=None))
    assert sleeps == []
    assert fake.log == [("GET", "/repos/acme/ops/issues")]


PROXY_PAGE = "<html><body><h1>403 Forbidden</h1>" + "<p>Blocked by the proxy.</p>" * 20 + "</html>"


def test_a_github_answer_that_is_not_json_is_quoted_in_the_error_cut_at_200_characters(
    mock: responses.RequestsMock,
) -> None:
    fake, sleeps = FakeGitHub(mock), []  # type: ignore[var-annotated]
    fake._create({"title": "A", "body": "b", "labels": ["postmortem-action"]})
    fake.faults.append(GitHubFault("GET", r"/issues/1$", status=403, page=PROXY_PAGE))
    with pytest.raises(errors.TrackerFatal, match=r"refused to read issue #1 \(403 ") as caught:
        github(fake, sleeps).get(key="1")
    quoted = str(caught.value).split("(403 ", 1)[1].removesuffix(")")
    assert "<h1>403 Forbidden</h1>" in quoted
    assert len(quoted) == 200


def test_a_jira_answer_that_is_not_json_is_quoted_in_the_error_cut_at_200_characters(
    mock: responses.RequestsMock,
) -> None:
    fake, sleeps, connector = jira_with_one_ticket(mock)
    fake.faults.append(JiraFault("GET", r"/issue/OPS-1$", status=403, page=PROXY_PAGE))
    with pytest.raises(errors.TrackerFatal, match=r"not allowed to GET /issue/OPS-1") as caught:
        connector.get(key="OPS-1")
    quoted = str(caught.value).split("(403 ", 1)[1].split("); the account", 1)[0]
    assert quoted == PROXY_PAGE[:200]
    assert sleeps == []


def test_a_jira_issue_that_is_gone_is_told_from_a_missing_project(
    mock: responses.RequestsMock,
) -> None:
    fake, sleeps, connector = jira_with_one_ticket(mock)
    with pytest.raises(errors.TicketGone, match=r"issue OPS-9 is gone \(404\)"):
        connector.get(key="OPS-9")
    fake.project = "OTHER"  # the configured project OPS is not there (any more)
    with pytest.raises(errors.TrackerFatal, match="project OPS or its issue type was not found"):
        connector.check_create()
    assert sleeps == []


def test_a_jira_that_cannot_be_reached_is_named_by_its_host(
    mock: responses.RequestsMock,
) -> None:
    fake, sleeps, connector = jira_with_one_ticket(mock)
    fake.faults.append(JiraFault("GET", r"/issue/OPS-1$", reset=True, times=4))
    with pytest.raises(
        errors.TrackerUnavailable, match=r"j: cannot reach acme\.atlassian\.net: connection dropped"
    ):
        connector.get(key="OPS-1")
    assert sleeps == [2.0, 4.0, 8.0]


@pytest.mark.parametrize(
    "fault",
    [
        JiraFault("POST", r"/transitions$", reset=True),  # sent, no answer
        JiraFault("POST", r"/transitions$", status=502, after_applying=True),
    ],
    ids=["reset", "502-after-applying"],
)
def test_a_jira_transition_without_a_clear_answer_is_sent_once(
    mock: responses.RequestsMock, fault: JiraFault
) -> None:
    """A transition is not a value set: sent again after it was applied, the workflow may
    refuse it or move the issue on. It is reported as maybe applied, for the engine to check."""
    fake, sleeps, connector = jira_with_one_ticket(mock)
    fake.faults.append(fault)
    with pytest.raises(errors.AmbiguousWrite, match="it may have been applied"):
        connector.update(key="OPS-1", change=TicketChange(close_as="completed"))
    assert fake.log.count(("POST", "/issue/OPS-1/transitions")) == 1
    assert sleeps == []


def test_a_jira_close_takes_the_first_resolution_offered_when_none_is_known(
    mock: responses.RequestsMock,
) -> None:
    fake, sleeps, connector = jira_with_one_ticket(mock)
    fake.resolutions = ["Shipped", "Abandoned"]  # none of Done, Fixed, Resolved, Complete
    closed = connector.update(key="OPS-1", change=TicketChange(close_as="completed"))
    assert closed.state == "closed"
    assert fake.issues["OPS-1"]["fields"]["resolution"]["name"] == "Shipped"
    assert sleeps == []


def test_jira_issue_type_is_found_by_name_in_any_case(mock: responses.RequestsMock) -> None:
    fake, sleeps = FakeJira(mock), []  # type: ignore[var-annotated]
    fake.issue_types = {"Bug": "10002", "Task": "10001", "Story": "10003"}
    target = JiraTarget(
        kind="jira", name="j", url=fake.url, project="OPS", issue_type="story", max_wait_seconds=30
    )
    connector = JiraConnector(target, token="t0ken", email="bot@acme.com", sleep=sleeps.append)
    connector.check_create()
    assert fake.log[1:] == [
        ("GET", "/issue/createmeta/OPS/issuetypes"),
        ("GET", "/issue/createmeta/OPS/issuetypes/10003"),  # Story's create screen
    ]


def test_jira_tickets_updated_at_the_mark_are_read_and_older_ones_are_not(
    mock: responses.RequestsMock,
) -> None:
    """JQL reaches back whole minutes past the mark; what the last run read already (updated
    before the mark) is left out, and a ticket updated at the very mark is still read."""
    fake, sleeps = FakeJira(mock), []  # type: ignore[var-annotated]
    mark = (dt.datetime.now(dt.UTC) - dt.timedelta(seconds=10)).replace(microsecond=123000)
    for title, offset in (("before", -30), ("at", 0), ("after", 1)):
        fake._bulk({"issueUpdates": [{"fields": {"summary": title, "labels": [LABEL]}}]})
        key = f"OPS-{fake.counter}"
        fake.issues[key]["fields"]["updated"] = stamp(mark + dt.timedelta(seconds=offset))
    found = list(jira(fake, sleeps).changed_since(since=mark))
    assert [i.title for i in found] == ["after", "at"]


def test_a_jira_cloud_search_reads_every_page_by_its_token(mock: responses.RequestsMock) -> None:
    fake, sleeps = FakeJira(mock), []  # type: ignore[var-annotated]
    fake.page_cap = 2  # fewer than the 100 asked for
    for n in range(5):
        fake._bulk({"issueUpdates": [{"fields": {"summary": f"T{n}", "labels": [LABEL]}}]})
    found = list(jira(fake, sleeps).changed_since(since=None))
    assert sorted(i.title for i in found) == ["T0", "T1", "T2", "T3", "T4"]
    assert fake.log.count(("GET", "/search/jql")) == 3


def test_a_jira_cloud_page_without_a_token_is_the_last_one_read(
    mock: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page that says it is not the last but gives no token to the next one: asking again
    without a token would read the first page again, so the search ends there."""
    fake, sleeps = FakeJira(mock), []  # type: ignore[var-annotated]
    fake.page_cap = 2
    for n in range(5):
        fake._bulk({"issueUpdates": [{"fields": {"summary": f"T{n}", "labels": [LABEL]}}]})
    search = fake._search

    def without_token(query: dict[str, str], *, token_paging: bool) -> tuple[int, Any]:
        assert len(fake.jql) < 5, "the search never ends"  # (fail, do not hang)
        status, page = search(query, token_paging=token_paging)
        if len(fake.jql) == 1:
            page.pop("nextPageToken")
        return status, page

    monkeypatch.setattr(fake, "_search", without_token)
    found = list(jira(fake, sleeps).changed_since(since=None))
    assert len(found) == 2
    assert fake.log.count(("GET", "/search/jql")) == 1


@pytest.mark.parametrize(
    ("auth", "names"), [("basic", "email_env and token_env"), ("bearer", "token_env")]
)
def test_jira_credentials_refused_name_the_variables_to_check(
    mock: responses.RequestsMock, auth: str, names: str
) -> None:
    """Cloud signs in with an email and an API token, Data Center with a personal token only."""
    fake, sleeps = FakeJira(mock, cloud=auth == "basic"), []  # type: ignore[var-annotated]
    target = JiraTarget(kind="jira", name="j", url=fake.url, project="OPS", auth=auth)  # type: ignore[arg-type]
    connector = JiraConnector(target, token="t0ken", email="bot@acme.com", sleep=sleeps.append)
    fake.faults.append(JiraFault("GET", r"/issue/OPS-1$", status=401))
    with pytest.raises(errors.TrackerFatal) as caught:
        connector.get(key="OPS-1")
    assert str(caught.value).endswith(f"(401); check the variables named by {names}")
    assert sleeps == []


@pytest.mark.parametrize("status", [500, 502])
def test_a_jira_read_answered_5xx_every_time_is_reported_unavailable(
    mock: responses.RequestsMock, status: int
) -> None:
    fake, sleeps, connector = jira_with_one_ticket(mock)
    fake.faults.append(JiraFault("GET", r"/issue/OPS-1$", status=status, times=4))
    with pytest.raises(
        errors.TrackerUnavailable, match=f"Jira answered {status} to GET /issue/OPS-1"
    ):
        connector.get(key="OPS-1")
    assert fake.log.count(("GET", "/issue/OPS-1")) == 4
    assert sleeps == [2.0, 4.0, 8.0]


def test_github_write_counts_match_the_writes_sent(mock: responses.RequestsMock) -> None:
    fake, sleeps = FakeGitHub(mock), []  # type: ignore[var-annotated]
    connector = github(fake, sleeps)
    made = connector.create(
        tickets=[NewTicket("A", "b", ["postmortem-action"], Marker("u", "I", "A"))]
    )
    key = made[0].key  # type: ignore[union-attr]
    connector.update(key=key, change=TicketChange(title="B"))
    connector.comment(key=key, body="done")
    writes = [entry for entry in fake.log if entry[0] in ("POST", "PATCH")]
    assert connector.requests.writes == len(writes) == 3


def test_a_jira_rate_limit_without_retry_after_waits_until_its_reset_time(
    mock: responses.RequestsMock,
) -> None:
    fake, sleeps, connector = jira_with_one_ticket(mock)
    reset = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=20)
    iso = reset.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    fake.faults.append(
        JiraFault("GET", r"/issue/OPS-1$", status=429, headers={"X-RateLimit-Reset": iso})
    )
    assert connector.get(key="OPS-1").title == "A"
    assert len(sleeps) == 1 and 10 < sleeps[0] <= 20


def test_a_jira_comment_without_a_clear_answer_is_sent_once(
    mock: responses.RequestsMock,
) -> None:
    """A comment sent twice is two comments: one answered 502 after it was added is reported
    as maybe applied, and counted as the write it was."""
    fake, sleeps, connector = jira_with_one_ticket(mock)
    fake.faults.append(JiraFault("POST", r"/comment$", status=502, after_applying=True))
    with pytest.raises(errors.AmbiguousWrite, match="it may have been applied"):
        connector.comment(key="OPS-1", body="Closed by the postmortem sync")
    assert fake.comments["OPS-1"] == ["Closed by the postmortem sync"]
    assert connector.requests.writes == 1
    assert sleeps == []


def test_github_writes_are_a_second_apart_unless_told_otherwise(
    mock: responses.RequestsMock,
) -> None:
    """GitHub asks integrations to wait at least a second between writes (not reads)."""
    fake, sleeps = FakeGitHub(mock), []  # type: ignore[var-annotated]
    fake._create({"title": "A", "body": "b", "labels": ["postmortem-action"]})
    connector = GitHubConnector(
        target="gh",
        repo="acme/ops",
        token="t0ken",
        tool_label="postmortem-action",
        sleep=sleeps.append,
        clock=lambda: 100.0,  # the two writes come at once
    )
    connector.update(key="1", change=TicketChange(title="B"))
    connector.update(key="1", change=TicketChange(title="C"))
    assert sleeps == [1.0]
    connector.comment(key="1", body="A comment is a write too.")
    assert sleeps == [1.0, 1.0]
    assert connector.whoami() == "track-bot"  # reads are not paced
    assert connector.get(key="1").title == "C"
    assert connector.label_exists() and connector.assignable("dana") and connector.access().write
    assert sleeps == [1.0, 1.0]


def test_a_jira_refusal_of_a_transition_or_a_failing_update_is_not_called_maybe_applied(
    mock: responses.RequestsMock,
) -> None:
    """Only a write that cannot be repeated and got no clear answer may have been applied: a
    transition refused (400) was not; an update that kept failing (5xx) can be sent again."""
    fake, sleeps, connector = jira_with_one_ticket(mock)
    fake.faults.append(JiraFault("POST", r"/transitions$", status=400))
    with pytest.raises(
        errors.ItemRejected, match=r"Jira refused to POST /issue/OPS-1/transitions \(400 fault\)"
    ):
        connector.update(key="OPS-1", change=TicketChange(close_as="completed"))
    fake.faults.append(JiraFault("PUT", r"/issue/OPS-1$", status=502, times=4))
    with pytest.raises(errors.TrackerUnavailable, match="Jira answered 502 to PUT /issue/OPS-1"):
        connector.update(key="OPS-1", change=TicketChange(title="x"))
    assert fake.log.count(("PUT", "/issue/OPS-1")) == 4
    assert sleeps == [2.0, 4.0, 8.0]


def test_a_jira_issue_type_not_in_the_project_is_reported_with_the_types_it_has(
    mock: responses.RequestsMock,
) -> None:
    fake, sleeps = FakeJira(mock), []  # type: ignore[var-annotated]
    target = JiraTarget(kind="jira", name="j", url=fake.url, project="OPS", issue_type="Story")
    connector = JiraConnector(target, token="t0ken", email="bot@acme.com", sleep=sleeps.append)
    with pytest.raises(
        errors.TrackerFatal,
        match=r"project OPS has no issue type 'Story' \(it has: Bug, Task\); set issue_type",
    ):
        connector.check_create()


# -- waits a header does not give, and what a listing hands back -------------------------------


def test_a_github_retry_after_of_zero_still_waits_a_second(mock: responses.RequestsMock) -> None:
    """Retrying at once into the limit that refused the request asks to be refused again."""
    fake, sleeps = FakeGitHub(mock), []  # type: ignore[var-annotated]
    fake.faults.append(GitHubFault("GET", r"/issues$", status=429, headers={"Retry-After": "0"}))
    assert list(github(fake, sleeps).changed_since(since=None)) == []
    assert sleeps == [1.0]


def test_a_github_retry_after_given_as_a_date_waits_until_then(
    mock: responses.RequestsMock,
) -> None:
    """HTTP allows Retry-After as a date (RFC 9110): the wait is the time left until it."""
    fake, sleeps = FakeGitHub(mock), []  # type: ignore[var-annotated]
    then = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=20)
    headers = {"Retry-After": email.utils.format_datetime(then, usegmt=True)}
    fake.faults.append(GitHubFault("GET", r"/issues$", status=429, headers=headers))
    assert list(github(fake, sleeps).changed_since(since=None)) == []
    assert len(sleeps) == 1 and 10 < sleeps[0] <= 20


@pytest.mark.parametrize("headers", [{}, {"Retry-After": "soon"}], ids=["none", "unreadable"])
def test_a_jira_rate_limit_that_names_no_time_waits_a_minute(
    mock: responses.RequestsMock, headers: dict[str, str]
) -> None:
    fake, sleeps, _ = jira_with_one_ticket(mock)
    fake.faults.append(JiraFault("GET", r"/issue/OPS-1$", status=429, headers=headers))
    assert jira(fake, sleeps, max_wait=120).get(key="OPS-1").title == "A"
    assert sleeps == [60.0]


def test_a_jira_ticket_is_read_with_every_label_people_gave_it(
    mock: responses.RequestsMock,
) -> None:
    fake, _, connector = jira_with_one_ticket(mock)
    fake.issues["OPS-1"]["fields"]["labels"] = ["postmortem-action", "team-payments"]
    assert connector.get(key="OPS-1").labels == ("postmortem-action", "team-payments")


def test_github_find_created_returns_only_the_asked_markers(mock: responses.RequestsMock) -> None:
    """Beside the tickets asked for, the listing holds a ticket of another measure and one whose
    marker a person deleted: neither is handed back, and the unmarked one breaks nothing."""
    fake, sleeps = FakeGitHub(mock), []  # type: ignore[var-annotated]
    for uid in ("wanted", "other"):
        body = "b\n\n" + marker_comment(Marker(uid, "INC-1", f"measure {uid}"))
        fake._create({"title": uid, "body": body, "labels": [LABEL]})
    fake._create({"title": "unmarked", "body": "b", "labels": [LABEL]})
    since = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    found = github(fake, sleeps).find_created(uids=["wanted", "missing"], since=since)
    assert {uid: issue.title for uid, issue in found.items()} == {"wanted": "wanted"}


def test_a_github_create_that_never_connected_is_sent_again_not_called_maybe_applied(
    mock: responses.RequestsMock,
) -> None:
    """A connect timeout means the request never left: sending it again cannot duplicate."""
    fake, sleeps = FakeGitHub(mock), []  # type: ignore[var-annotated]
    fake.faults.append(GitHubFault("POST", r"/issues$", unreachable=True))
    ticket = NewTicket("A", "b", [LABEL], Marker("u", "I", "A"))
    (created,) = github(fake, sleeps).create(tickets=[ticket])
    assert not isinstance(created, Exception) and created.title == "A"
    assert len(fake.issues) == 1 and sleeps == [2.0]


def test_jira_find_created_returns_only_the_asked_markers(mock: responses.RequestsMock) -> None:
    fake, sleeps = FakeJira(mock), []  # type: ignore[var-annotated]
    connector = jira(fake, sleeps)
    tickets = [
        NewTicket(uid, "b", [LABEL], Marker(uid, "INC-1", uid)) for uid in ("wanted", "other")
    ]
    connector.create(tickets=tickets)
    fake._bulk({"issueUpdates": [{"fields": {"summary": "unmarked", "labels": [LABEL]}}]})
    since = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    found = connector.find_created(uids=["wanted", "missing"], since=since)
    assert {uid: issue.title for uid, issue in found.items()} == {"wanted": "wanted"}


@pytest.mark.parametrize(
    ("ref", "own"), [("OPS-12", "12"), ("ops-12", "12"), ("ABC-12", None), ("OPSX-12", None)]
)
def test_a_jira_key_is_the_project_own_only_with_the_project_prefix(
    mock: responses.RequestsMock, ref: str, own: str | None
) -> None:
    fake, sleeps = FakeJira(mock), []  # type: ignore[var-annotated]
    key = jira(fake, sleeps).own_key(ref)
    assert key == (f"OPS-{own}" if own else None)


@pytest.mark.parametrize(
    "exc",
    [
        requests.ReadTimeout("HTTPSConnectionPool(host='x', port=443): Read timed out."),
        # a timeout while the body streams in: requests raises it as a ConnectionError
        requests.ConnectionError("HTTPSConnectionPool(host='x', port=443): Read timed out."),
        requests.ConnectTimeout("no words"),
    ],
    ids=["read", "while-streaming", "connect"],
)
def test_every_kind_of_timeout_is_told_as_one(exc: Exception) -> None:
    assert network_reason(exc) == "no answer in time (timeout_seconds)"


def test_a_jira_refusing_the_first_request_gives_a_clear_error(
    mock: responses.RequestsMock,
) -> None:
    fake, sleeps = FakeJira(mock), []  # type: ignore[var-annotated]
    fake.faults.append(JiraFault("GET", r"/serverInfo$", status=400))
    with pytest.raises(errors.TrackerFatal, match=r"Jira refused to .*\(400 fault\)"):
        jira(fake, sleeps)
