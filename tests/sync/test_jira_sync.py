"""`track sync` end to end against a fake Jira (Cloud and Data Center) held to Atlassian's
OpenAPI description."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import responses
from fake_jira import FakeJira, Fault, tokenize

DOC = """---
id: INC-9
title: Checkout outage
date: 2024-08-20
---
## Corrective and preventative measures

1. [P1] Alert when checkout errors exceed 2% (owner: dana) [detect]
2. Add a circuit breaker in front of the payment provider
3. [x] Roll back the bad deploy
"""


def write_config(folder: Path, **target: object) -> None:
    options = {"max_wait_seconds": 30, "owners": {"dana": "acc-dana"}, **target}
    lines = [f"    {k}: {json.dumps(v)}" for k, v in options.items()]
    (folder / "track.yaml").write_text(
        "sources: ['pm/*.md']\ntargets:\n  - kind: jira\n    name: jira\n"
        "    url: https://acme.atlassian.net\n    project: OPS\n" + "\n".join(lines) + "\n"
    )


@pytest.fixture(params=["cloud", "datacenter"])
def jira(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    db_url: str,
) -> Iterator[FakeJira]:
    cloud = request.param == "cloud"
    monkeypatch.setenv("TRACK_DATABASE_URL", db_url)
    monkeypatch.setenv("JIRA_EMAIL", "bot@acme.com")
    monkeypatch.setenv("JIRA_API_TOKEN", "t0ken")
    (tmp_path / "pm").mkdir()
    (tmp_path / "pm" / "checkout.md").write_text(DOC)
    write_config(tmp_path, **({} if cloud else {"auth": "bearer"}))
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FakeJira(mock, cloud=cloud)


def summary(run) -> dict[str, object]:  # type: ignore[no-untyped-def]
    result = run("sync", "--format", "json")
    assert result.code in (0, 1), result.err
    return json.loads(result.out)["targets"][0]  # type: ignore[no-any-return]


def by_summary(jira: FakeJira, words: str) -> str:
    return next(k for k, i in jira.issues.items() if words in i["fields"]["summary"])


def test_first_sync_bulk_creates_and_a_no_op_costs_two_requests(jira: FakeJira, run) -> None:  # type: ignore[no-untyped-def]
    first = run("sync")
    assert first.code == 0, first.err
    assert len(jira.issues) == 3
    assert [m for m, p in jira.log].count("POST") >= 1 and ("POST", "/issue/bulk") in jira.log
    alert = jira.issues[by_summary(jira, "Alert when")]
    assert alert["fields"]["labels"] == ["postmortem-action", "priority:P1", "type:detect"]
    assert alert["fields"]["priority"] == {"name": "High"}
    assert alert["fields"]["assignee"] == (
        {"accountId": "acc-dana"} if jira.cloud else {"name": "acc-dana"}
    )
    assert alert["fields"]["description"].startswith("{anchor:track-begin}")
    uid = jira.properties[by_summary(jira, "Alert when")]["track.item"]["uid"]
    assert f"{{anchor:track-item-{uid}}}" in alert["fields"]["description"]
    rolled = jira.issues[by_summary(jira, "Roll back")]["fields"]
    assert (rolled["status"]["name"], rolled["resolution"]["name"]) == ("Done", "Done")

    before = jira.requests_made()
    second = run("sync")
    assert (second.code, second.out) == (0, "")
    assert jira.requests_made() - before <= 2
    search = "/search/jql" if jira.cloud else "/search"
    assert jira.log[-1] == ("GET", search)


def test_creates_go_fifty_to_a_request(jira: FakeJira, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    many = "".join(f"- Measure number {n} of the big incident\n" for n in range(120))
    (tmp_path / "pm" / "big.md").write_text(f"---\nid: BIG\n---\n## Action items\n{many}")
    assert run("sync").code == 0
    assert len(jira.issues) == 123
    assert jira.log.count(("POST", "/issue/bulk")) == 3  # ceil(123 / 50)
    assert jira.log.count(("GET", "/issue/createmeta/OPS/issuetypes")) == 1


def test_edit_completion_wont_do_and_reopen(jira: FakeJira, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("sync")
    breaker = by_summary(jira, "circuit breaker")
    jira.issues[breaker]["fields"]["description"] = (
        "Notes.\n" + jira.issues[breaker]["fields"]["description"]
    )
    doc = tmp_path / "pm" / "checkout.md"
    doc.write_text(doc.read_text().replace("payment provider", "payment service provider"))
    assert summary(run)["updated"] == 1
    description = jira.issues[breaker]["fields"]["description"]
    assert description.startswith("Notes.\n") and "payment service provider" in description

    jira.transition(by_summary(jira, "Alert when"), "Done", "Done")
    jira.transition(breaker, "Done", "Won't Do")
    counts = summary(run)
    assert (counts["completed"], counts["wont_do"]) == (1, 1)
    jira.transition(breaker, "To Do")
    assert summary(run)["reopened"] == 1
    status = json.loads(run("status", "--format", "json").out)["incidents"][0]
    assert (status["done"], status["open"], status["wont_do"]) == (2, 1, 0)


def test_lost_database_adopts_by_the_issue_property(
    jira: FakeJira,
    run,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    new_database: Callable[[], str],
) -> None:  # type: ignore[no-untyped-def]
    many = "".join(f"- Measure number {n} of the big incident\n" for n in range(110))
    (tmp_path / "pm" / "big.md").write_text(f"---\nid: BIG\n---\n## Action items\n{many}")
    run("sync")
    monkeypatch.setenv("TRACK_DATABASE_URL", new_database())
    before = jira.requests_made()
    counts = summary(run)
    assert (counts["created"], counts["adopted"]) == (0, 113)
    assert len(jira.issues) == 113
    assert jira.requests_made() - before == 1 + 2  # serverInfo, two pages of 100


def test_bulk_create_answered_502_after_applying_is_found_at_once(jira: FakeJira, run) -> None:  # type: ignore[no-untyped-def]
    jira.faults.append(Fault("POST", r"/issue/bulk$", status=502, after_applying=True))
    result = run("sync")
    assert result.code == 0, result.err
    assert len(jira.issues) == 3
    assert sum(1 for method, path in jira.log if path == "/issue/bulk") == 1


def test_reset_bulk_create_waits_for_the_window_then_creates_once(
    jira: FakeJira, run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """The whole bulk of a reset create waits: never sent twice in a run, nor while the window
    lasts; after it, a look for the markers finds none and the bulk is sent once more."""
    jira.faults.append(Fault("POST", r"/issue/bulk$", reset=True))
    first = run("sync")
    assert first.code == 1 and first.out.count("jira: unconfirmed") == 3
    assert len(jira.issues) == 0
    assert run("sync").code == 1 and len(jira.issues) == 0
    write_config(tmp_path, unconfirmed_wait_seconds=0, **({} if jira.cloud else {"auth": "bearer"}))
    after = run("sync")
    assert after.code == 0, after.err + after.out
    assert len(jira.issues) == 3
    assert sum(1 for method, path in jira.log if path == "/issue/bulk") == 2


def test_rate_limit_429_is_waited_out(jira: FakeJira, run, sleeps: list[float]) -> None:  # type: ignore[no-untyped-def]
    jira.faults.append(Fault("POST", r"/issue/bulk$", status=429, headers={"Retry-After": "5"}))
    assert run("sync").code == 0
    assert 5.0 in sleeps and len(jira.issues) == 3


def test_missing_required_field_fails_before_any_create(
    jira: FakeJira, run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    jira.required_fields = {"customfield_10551": "Team"}
    result = run("sync")
    assert result.code == 2
    assert (
        "field 'Team' (customfield_10551) is required on the create screen of OPS/Task"
        in result.err
    )
    assert jira.issues == {} and ("POST", "/issue/bulk") not in jira.log
    write_config(
        tmp_path,
        **({} if jira.cloud else {"auth": "bearer"}),
        fields={"customfield_10551": "sre", "customfield_99": "x"},
    )
    result = run("sync")
    assert result.code == 2
    assert (
        "field 'customfield_99' cannot be set: it is not on the create screen of OPS/Task"
        in result.err
    )
    jira.screen_fields = {"customfield_99"}
    assert run("sync").code == 0
    assert jira.issues[by_summary(jira, "Alert")]["fields"]["customfield_10551"] == "sre"


@pytest.mark.parametrize("answer", [201, 400])
def test_bulk_partial_failure_records_the_created_and_reports_the_failed(
    jira: FakeJira, run, answer: int
) -> None:  # type: ignore[no-untyped-def]
    """The description answers 201 when some elements were created; real instances 400."""
    jira.partial_status = answer
    jira.reject_summaries = {"circuit breaker"}
    result = run("sync")
    assert result.code == 1
    assert "Add a circuit breaker" in result.err and "rejected by a validator" in result.err
    assert len(jira.issues) == 2
    jira.reject_summaries = set()
    assert summary(run)["created"] == 1 and len(jira.issues) == 3


def test_jql_values_are_quoted_and_escaped(jira: FakeJira, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    label = 'pm"OR\\project=X'
    write_config(tmp_path, **({} if jira.cloud else {"auth": "bearer"}), tool_label=label)
    assert run("sync").code == 0
    assert run("sync").code == 0
    for jql in jira.jql:
        tokens = tokenize(jql.split(" ORDER BY ")[0])
        assert tokens[:7] == ["project", "=", "\x00OPS", "AND", "labels", "=", "\x00" + label]
    assert len(jira.issues) == 3


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (Fault("GET", r"/serverInfo$", status=401), "Jira rejected the credentials (401)"),
        (Fault("GET", r"/search", status=403), "not allowed to"),
        (
            Fault("GET", r"/createmeta/OPS/issuetypes$", status=404),
            "project OPS or its issue type was not found (404)",
        ),
    ],
)
def test_auth_and_project_errors_are_one_clear_line(
    jira: FakeJira, run, fault: Fault, message: str
) -> None:  # type: ignore[no-untyped-def]
    jira.faults.append(replace(fault))
    result = run("sync")
    assert result.code == 2, result.err
    assert message in result.err and len(result.err.strip().splitlines()) == 1
    assert "t0ken" not in result.err


def test_removed_item_is_closed_as_wont_do_with_a_comment(
    jira: FakeJira, run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    run("sync")
    write_config(tmp_path, **({} if jira.cloud else {"auth": "bearer"}), close_removed=True)
    doc = tmp_path / "pm" / "checkout.md"
    doc.write_text(
        doc.read_text().replace("2. Add a circuit breaker in front of the payment provider\n", "")
    )
    assert summary(run)["failed"] == 0
    breaker = jira.issues[by_summary(jira, "circuit breaker")]["fields"]
    assert (breaker["status"]["name"], breaker["resolution"]["name"]) == ("Done", "Won't Do")
    assert "removed from the postmortem" in jira.comments[by_summary(jira, "circuit breaker")][0]


def test_owner_email_is_looked_up_on_cloud(jira: FakeJira, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    if not jira.cloud:
        pytest.skip("Data Center maps owners to usernames; there is nothing to look up")
    write_config(tmp_path, owners={"dana": "erin@acme.com", "bob": "nobody@acme.com"})
    doc = tmp_path / "pm" / "checkout.md"
    doc.write_text(doc.read_text().replace("payment provider", "payment provider @bob"))
    assert run("sync").code == 0
    assert jira.issues[by_summary(jira, "Alert")]["fields"]["assignee"] == {
        "accountId": "5b10ac8d82e05b22cc7d4ef5"
    }
    assert (
        jira.issues[by_summary(jira, "circuit")]["fields"]["assignee"] is None
    )  # unknown: unassigned
    assert jira.log.count(("GET", "/user/search")) == 2


def test_removed_item_gets_a_comment_and_stays_open_by_default(
    jira: FakeJira, run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    run("sync")
    doc = tmp_path / "pm" / "checkout.md"
    doc.write_text(
        doc.read_text().replace("2. Add a circuit breaker in front of the payment provider\n", "")
    )
    result = run("sync")
    assert "jira: removed" in result.out
    key = by_summary(jira, "circuit breaker")
    assert jira.issues[key]["fields"]["status"]["name"] == "To Do"
    assert "leaves this ticket open" in jira.comments[key][0]
    run("sync")
    assert len(jira.comments[key]) == 1  # once


def test_dry_run_checks_the_create_screen_too(jira: FakeJira, run) -> None:  # type: ignore[no-untyped-def]
    jira.required_fields = {"customfield_10551": "Team"}
    result = run("sync", "--dry-run")
    assert result.code == 2 and "customfield_10551" in result.err
    assert all(method == "GET" for method, _ in jira.log)


def test_a_measure_naming_an_issue_of_the_project_is_linked_to_it(
    jira: FakeJira, run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    jira._bulk(
        {"issueUpdates": [{"fields": {"summary": "Breaker", "description": "By a person."}}]}
    )
    (tmp_path / "pm" / "checkout.md").write_text(
        DOC.replace("payment provider", "payment provider (OPS-1)").replace(
            "(owner: dana)", "(owner: dana) PAY-412"
        )
    )
    first = summary(run)
    assert (first["linked"], first["created"]) == (1, 2)
    assert jira.issues["OPS-1"]["fields"]["description"] == "By a person."
    assert jira.issues["OPS-1"]["fields"]["labels"] == []
    alert = jira.issues[by_summary(jira, "Alert")]["fields"]["description"]
    assert "*Tracked in:* PAY-412" in alert
    jira.transition("OPS-1", "Done", "Done")
    assert summary(run)["completed"] == 1


@pytest.mark.parametrize(
    ("ref", "key"),
    [
        ("OPS-12", "OPS-12"),
        ("https://acme.atlassian.net/browse/OPS-12", "OPS-12"),
        ("https://acme.atlassian.net/browse/OPS-12?focusedCommentId=3", "OPS-12"),
        ("PAY-12", None),
        ("https://other.atlassian.net/browse/OPS-12", None),
        ("#12", None),
    ],
)
def test_which_references_name_an_issue_of_the_project(ref: str, key: str | None) -> None:
    from tracker.connectors.jira import issue_key

    assert issue_key(ref, url="https://acme.atlassian.net/", project="OPS") == key


def test_a_priority_the_config_does_not_map_is_left_to_jira(
    jira: FakeJira, run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """`priorities:` maps only P1 here: the P1 measure gets Jira's "Blocker", a P3 one no
    priority field at all (Jira's default), and neither fails."""
    write_config(
        tmp_path, priorities={"P1": "Blocker"}, **({} if jira.cloud else {"auth": "bearer"})
    )
    doc = tmp_path / "pm" / "checkout.md"
    doc.write_text(doc.read_text().replace("2. Add a circuit", "2. [P3] Add a circuit"))
    result = run("sync")
    assert result.code == 0, result.err
    alert = jira.issues[by_summary(jira, "Alert when")]["fields"]
    breaker = jira.issues[by_summary(jira, "circuit breaker")]["fields"]
    assert alert["priority"] == {"name": "Blocker"}
    assert "priority" not in breaker or breaker["priority"] in (None, {"name": "Medium"})


def test_changes_beyond_the_first_page_of_a_listing_are_read(
    jira: FakeJira, run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """The listing reads newest first and stops at the page that reaches back past the mark;
    110 tickets closed since the last sync fill more than one page (100), and all are read."""
    many = "".join(f"- Measure number {n} for the big incident\n" for n in range(110))
    (tmp_path / "pm" / "big.md").write_text(f"---\nid: BIG\n---\n## Action items\n{many}")
    assert run("sync").code == 0
    big = [key for key, i in jira.issues.items() if "Measure number" in i["fields"]["summary"]]
    assert len(big) == 110
    for key in big:
        jira.transition(key, "Done", "Done")
    counts = json.loads(run("sync", "--format", "json").out)["targets"][0]
    assert counts["done"] == 110
