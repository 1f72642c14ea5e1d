"""The fakes served over real HTTP (http_fake.py) and the real `track` process run against them
(harness.py): first the faults themselves, on plain `requests` calls, then `track sync` as
installed, on SQLite and PostgreSQL, against GitHub and Jira Cloud, with the syncs of today."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from fake_github import FakeGitHub
from fake_github import Fault as GitHubFault
from harness import (
    Measure,
    Track,
    credentials,
    find_secret,
    github_target,
    jira_target,
    tickets_by_measure,
    tickets_by_uid,
    write_config,
    write_postmortems,
)
from http_fake import (
    FakeServer,
    applied_then_error,
    apply_later,
    error,
    kill,
    late_apply,
    latency,
    rate_limit,
    reset,
    secondary_rate_limit,
    serve_github,
    serve_jira,
)

AUTH = {"Authorization": "token t0ken"}
ISSUES = "/repos/acme/ops/issues"


def post_issue(
    server: FakeServer[FakeGitHub], title: str = "t", **options: Any
) -> requests.Response:
    options.setdefault("timeout", 5)
    return requests.post(
        f"{server.fake.base}{ISSUES}", json={"title": title}, headers=AUTH, **options
    )


def get_issues(server: FakeServer[FakeGitHub], **options: Any) -> requests.Response:
    options.setdefault("timeout", 5)
    return requests.get(
        f"{server.fake.base}{ISSUES}", params={"state": "all"}, headers=AUTH, **options
    )


@pytest.fixture
def github() -> Iterator[FakeServer[FakeGitHub]]:
    with serve_github() as server:
        yield server


# -- the faults, one request at a time -----------------------------------------------------------


def test_a_reset_is_seen_as_a_connection_reset_and_applies_nothing(github) -> None:  # type: ignore[no-untyped-def]
    github.add(reset("POST", r"/issues$"))
    with pytest.raises(requests.ConnectionError) as raised:
        post_issue(github)
    assert "Connection reset by peer" in str(raised.value)
    assert github.fake.issues == {}
    assert post_issue(github).status_code == 201  # one request only: the next one is served


def test_reset_after_applying_and_applied_then_error_do_the_write(github) -> None:  # type: ignore[no-untyped-def]
    github.add(reset("POST", r"/issues$", after_applying=True), applied_then_error(502, "POST"))
    with pytest.raises(requests.ConnectionError):
        post_issue(github, "one")
    assert post_issue(github, "two").status_code == 502
    assert [i["title"] for i in github.fake.issues.values()] == ["one", "two"]


def test_an_error_before_applying_writes_nothing_and_nth_and_times_pick_the_requests(
    github,
) -> None:  # type: ignore[no-untyped-def]
    fault = error(503, "GET", r"/issues$", nth=2, times=2)
    github.add(fault, error(500, "POST"))
    assert [get_issues(github).status_code for _ in range(4)] == [200, 503, 503, 200]
    assert post_issue(github).json()["message"] == "Server Error"  # GitHub's error shape
    assert (fault.seen, fault.hits, github.fake.issues) == (4, 2, {})
    assert [r.fault for r in github.log] == [None, "503", "503", None, "500"]


def test_latency_delays_the_answer(github) -> None:  # type: ignore[no-untyped-def]
    github.add(latency(0.3, "GET"))
    started = time.monotonic()
    assert get_issues(github).status_code == 200
    assert time.monotonic() - started >= 0.3


def test_late_apply_writes_after_the_client_gave_up(github) -> None:  # type: ignore[no-untyped-def]
    fault = late_apply(0.6, "POST", r"/issues$")
    github.add(fault)
    with pytest.raises(requests.ReadTimeout):
        post_issue(github, timeout=(5, 0.2))  # connecting may take its time, reading may not
    assert github.fake.issues == {}  # not yet: the server is still "working"
    assert fault.applied.wait(5)
    github.wait_idle()
    assert len(github.fake.issues) == 1


@pytest.mark.parametrize("status", [None, 502])
def test_apply_later_answers_at_once_and_writes_in_the_background(github, status) -> None:  # type: ignore[no-untyped-def]
    github.add(apply_later(0.3, "POST", r"/issues$", status=status))
    if status is None:
        with pytest.raises(requests.ConnectionError):
            post_issue(github)
    else:
        assert post_issue(github).status_code == status
    assert github.fake.issues == {}
    github.wait_idle()
    assert len(github.fake.issues) == 1


@pytest.mark.parametrize("after_applying", [False, True])
def test_the_kill_hook_is_called_before_or_after_the_write(github, after_applying) -> None:  # type: ignore[no-untyped-def]
    seen: list[int] = []
    github.add(
        kill(lambda: seen.append(len(github.fake.issues)), "POST", after_applying=after_applying)
    )
    with pytest.raises(requests.ConnectionError):
        post_issue(github)
    assert seen == [1 if after_applying else 0]
    assert len(github.fake.issues) == (1 if after_applying else 0)


def test_rate_limits_say_when_to_come_back() -> None:
    with serve_github() as github, serve_jira() as jira:
        github.add(rate_limit(7, "GET"), secondary_rate_limit(3, "GET"))
        limited, secondary = get_issues(github), get_issues(github)
        assert (limited.status_code, limited.headers["Retry-After"]) == (429, "7")
        assert (secondary.status_code, secondary.headers["retry-after"]) == (403, "3")
        assert "secondary rate limit" in secondary.json()["message"]
        jira.add(rate_limit(2))
        answer = requests.get(f"{jira.fake.url}/rest/api/2/serverInfo", timeout=5)
        assert (answer.status_code, answer.headers["Retry-After"]) == (429, "2")
        assert answer.json() == {"errorMessages": ["Too Many Requests"], "errors": {}}


def _random_run(seed: int) -> list[str | None]:
    with serve_github() as server, requests.Session() as session:
        server.random_faults(seed=seed, rate=0.1)
        for _ in range(200):
            with contextlib.suppress(requests.ConnectionError):
                session.get(f"{server.fake.base}{ISSUES}", headers=AUTH, timeout=5)
        return [r.fault for r in server.log]


def test_random_faults_are_seeded_about_a_tenth_and_never_a_kill() -> None:
    first, again, other = _random_run(3), _random_run(3), _random_run(4)
    assert first == again != other
    faults = [f for f in first if f is not None]
    assert 8 <= len(faults) <= 35
    assert len(set(faults)) >= 4  # a mix
    assert not any("kill" in f for f in faults)


def test_links_in_answers_point_at_the_server(github) -> None:  # type: ignore[no-untyped-def]
    with requests.Session() as session:
        for number in range(101):
            session.post(f"{github.fake.base}{ISSUES}", json={"title": f"i{number}"}, headers=AUTH)
        page = session.get(
            f"{github.fake.base}{ISSUES}", params={"per_page": 100}, headers=AUTH, timeout=5
        )
        assert page.links["next"]["url"].startswith(f"{github.url}/api/v3{ISSUES}?")
        assert len(session.get(page.links["next"]["url"], headers=AUTH).json()) == 1
    issue = page.json()[0]
    assert issue["url"].startswith(f"{github.url}/api/v3/repos/acme/ops/issues/")
    assert issue["html_url"].startswith(f"{github.url}/acme/ops/issues/")
    assert issue["user"]["url"].startswith(github.url)
    with serve_jira() as jira:
        info = requests.get(
            f"{jira.url}/rest/api/2/serverInfo", auth=("bot@acme.com", "t0ken"), timeout=5
        )
        assert info.json()["baseUrl"] == jira.url


def test_the_fakes_own_faults_still_act_over_http(github) -> None:  # type: ignore[no-untyped-def]
    github.fake.faults.append(GitHubFault("GET", r"/issues$", reset=True))
    with pytest.raises(requests.ConnectionError):
        get_issues(github)


def test_a_request_outside_the_api_description_fails_the_test() -> None:
    server = serve_github()
    if server.fake.spec is None:
        server.stop()
        pytest.skip("../shared/api is not present: the fake runs unchecked here")
    with pytest.raises(AssertionError, match="request body"), server:
        answer = requests.post(
            f"{server.fake.base}{ISSUES}", json={"labels": "not-a-list"}, headers=AUTH, timeout=5
        )
        assert answer.status_code == 500  # and the error waits for the end of the block


# -- the real `track`, through the harness ---------------------------------------------------


@pytest.fixture(params=["github", "jira-cloud"])
def server(request: pytest.FixtureRequest) -> Iterator[FakeServer[Any]]:
    served: FakeServer[Any] = serve_github() if request.param == "github" else serve_jira()
    with served:
        yield served


@pytest.fixture
def measures(tmp_path: Path) -> list[Measure]:
    return write_postmortems(tmp_path / "pm", count=2, measures=3)


@pytest.fixture
def track(server: FakeServer[Any], db_url: str, tmp_path: Path) -> Track:
    is_github = isinstance(server.fake, FakeGitHub)
    target = github_target(server) if is_github else jira_target(server)
    return Track(tmp_path, write_config(tmp_path, target), db_url, credentials(server.fake))


def listing(server: FakeServer[Any]) -> tuple[str, str]:
    return ("GET", r"/issues$") if isinstance(server.fake, FakeGitHub) else ("GET", r"/search/jql$")


def creating(server: FakeServer[Any]) -> tuple[str, str]:
    return (
        ("POST", r"/issues$") if isinstance(server.fake, FakeGitHub) else ("POST", r"/issue/bulk$")
    )


def test_a_first_sync_creates_one_ticket_per_measure_and_a_second_is_a_no_op(
    server: FakeServer[Any], track: Track, measures: list[Measure], db_url: str
) -> None:
    first = track.run("sync")
    assert first.code == 0, first.err
    assert tickets_by_measure(server.fake) == Counter(measures)
    assert set(tickets_by_uid(server.fake).values()) == {1}
    before = len(server.log)
    second = track.run("sync")
    assert (second.code, second.out, second.err) == (0, "", "")
    assert {r.method for r in server.log[before:]} == {"GET"}
    assert len(server.log) - before <= 2
    token = track.env.get("GITHUB_TOKEN") or track.env["JIRA_API_TOKEN"]
    outputs = [first.out, first.err, second.out, second.err]
    assert find_secret(token, outputs, database_url=db_url) == []


def test_a_read_answered_502_is_retried(
    server: FakeServer[Any], track: Track, measures: list[Measure]
) -> None:
    fault = error(502, *listing(server))
    server.add(fault)
    done = track.run("sync")
    assert done.code == 0, done.err
    assert fault.hits == 1 and server.count(*listing(server)) >= 3  # failed, retried, read back
    assert tickets_by_measure(server.fake) == Counter(measures)


def test_a_connection_reset_on_a_read_is_survived(
    server: FakeServer[Any], track: Track, measures: list[Measure]
) -> None:
    fault = reset(*listing(server))
    server.add(fault)
    done = track.run("sync")
    assert done.code == 0, done.err
    assert fault.hits == 1
    assert tickets_by_measure(server.fake) == Counter(measures)


def test_killed_after_a_create_was_applied_a_rerun_leaves_one_ticket_per_measure(
    server: FakeServer[Any], track: Track, measures: list[Measure]
) -> None:
    is_github = isinstance(server.fake, FakeGitHub)
    process = track.process("sync")
    # GitHub: the second create (one issue each); Jira: the one bulk create of all six.
    server.add(
        kill(process.kill, *creating(server), nth=2 if is_github else 1, after_applying=True)
    )
    assert process.start().wait().killed
    server.wait_idle()
    assert sum(tickets_by_uid(server.fake).values()) == (2 if is_github else len(measures))
    # --wait: PostgreSQL frees a dead session's advisory lock once it notices the hang-up.
    rerun = track.run("sync", "--wait", "10")
    assert rerun.code == 0, rerun.err
    assert tickets_by_measure(server.fake) == Counter(measures)


def test_a_429_with_retry_after_is_waited_out(
    server: FakeServer[Any], track: Track, measures: list[Measure]
) -> None:
    server.add(rate_limit(1, *creating(server)))
    done = track.run("sync")
    assert done.code == 0, done.err
    limited, retried = [r for r in server.log if r.method == "POST"][:2]
    assert limited.fault == "429" and retried.fault is None
    assert retried.at - limited.at >= 1.0
    assert tickets_by_measure(server.fake) == Counter(measures)


def test_find_secret_looks_in_outputs_and_in_either_database(db_url: str, tmp_path: Path) -> None:
    secret = "ghp_s3cr3t"
    assert find_secret(secret, ["fine", f"token={secret}"]) == ["text 1"]
    if db_url.startswith("sqlite"):
        with sqlite3.connect(tmp_path / "track.db") as conn:
            conn.execute("CREATE TABLE notes (body TEXT)")
            conn.execute("INSERT INTO notes VALUES (?)", (f"a {secret} here",))
        conn.close()
        assert find_secret(secret, database_url=db_url) == ["track.db"]
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE notes (id int, body jsonb)"))
        assert find_secret(secret, database_url=db_url) == []
        conn.execute(
            text("INSERT INTO notes VALUES (1, CAST(:b AS jsonb))"), {"b": f'{{"t": "{secret}"}}'}
        )
    engine.dispose()
    assert find_secret(secret, database_url=db_url) == ["notes.body"]
