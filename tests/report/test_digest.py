"""`track digest`: a week's changes from the event history, on SQLite and PostgreSQL, and the
webhook that posts it (against `responses`, so nothing leaves the machine)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import requests
import responses
from sqlalchemy import update

from tracker.config import Config
from tracker.report.digest import build_digest, parse_since, render_digest
from tracker.store.database import Store
from tracker.store.ingest import ingest_paths
from tracker.store.schema import ActionItem, Incident, ItemEvent, RemoteLink, utcnow

WEBHOOK = "https://hooks.slack.com/services/T000/B000/SECRETPART"


def today() -> dt.date:
    return utcnow().date()


def day(offset: int) -> str:
    return (today() + dt.timedelta(days=offset)).isoformat()


@pytest.fixture
def week(store: Store, tmp_path: Path) -> Store:
    """Three postmortems stored 60 days ago, then a week in which measures got done."""
    root = tmp_path / "pm"
    root.mkdir()
    (root / "cdn.md").write_text(
        f"---\nid: CDN\ntitle: Certificate expired\ndate: {day(-60)}\n---\n## Action items\n"
        "- [ ] Automate renewal @maria (prevent, P1)\n- [ ] Alert before expiry @tomas (detect, P2)\n"
    )
    (root / "db.md").write_text(
        f"---\nid: DB\ntitle: Failover failed\ndate: {day(-60)}\n---\n## Action items\n"
        f"- [ ] Run a failover drill @sam due {day(-3)} (prevent, P1)\n"
        f"- [ ] Document the reload @li due {day(-20)} (repair, P2)\n"
        f"- [ ] Page on pooler errors @li due {day(10)} (detect, P2)\n"
    )
    ingest_paths(store, [root], root=root)
    old = utcnow() - dt.timedelta(days=60)
    with store.session() as session:  # stored long ago, not this week
        session.execute(update(Incident).values(created_at=old))
        session.execute(update(ItemEvent).values(at=old))
    (root / "cdn.md").write_text((root / "cdn.md").read_text().replace("- [ ]", "- [x]"))
    (root / "new.md").write_text(
        f"---\nid: NEW\ntitle: Queue backlog\ndate: {day(-2)}\n---\n## Action items\n"
        "- [ ] Look at the consumers\n- [ ] Restart them faster\n"
    )
    ingest_paths(store, [root], root=root)  # this week: CDN's two measures are ticked
    with store.session() as session:
        item = session.query(ActionItem).filter(ActionItem.text.like("Automate%")).one()
        session.add(
            RemoteLink(
                item_id=item.id,
                target="ops",
                kind="github",
                remote_key="12",
                url="https://github.com/acme/ops/issues/12",
            )
        )
    return store


def digest_of(store: Store, settings: Config | None = None, days: int = 7):  # type: ignore[no-untyped-def]
    now = utcnow() + dt.timedelta(minutes=1)
    with store.session() as session:
        return build_digest(
            session, settings or Config(), since=now - dt.timedelta(days=days), now=now
        )


def test_the_week_in_one_digest(week: Store) -> None:
    found = digest_of(week)
    assert [(m.incident, m.text, m.owner, m.ticket) for m in found.completed] == [
        ("CDN", "Automate renewal", "maria", "https://github.com/acme/ops/issues/12"),
        ("CDN", "Alert before expiry", "tomas", None),
    ]
    assert [(m.text, m.owner) for m in found.newly_overdue] == [("Run a failover drill", "sam")]
    assert [i.id for i in found.reached_complete] == ["CDN"]
    (below,) = found.below_target
    assert (below.id, below.percent_complete, below.owners) == ("DB", 0.0, ["li", "sam"])
    assert "nothing-done" in [f.code for f in below.flags]
    assert [i.id for i in found.new_weak] == ["NEW"]


def test_an_older_window_and_a_quiet_one(week: Store) -> None:
    with week.session() as session:
        now = utcnow() - dt.timedelta(days=30)
        quiet = build_digest(session, Config(), since=now - dt.timedelta(days=7), now=now)
    assert quiet.completed == [] and quiet.reached_complete == [] and quiet.new_weak == []
    assert [m.text for m in digest_of(week, days=30).newly_overdue] == [
        "Document the reload",
        "Run a failover drill",
    ]


def test_text_is_short_with_owners_and_links(week: Store) -> None:
    settings = Config.model_validate(
        {
            "targets": [
                {
                    "kind": "github",
                    "name": "ops",
                    "repo": "acme/ops",
                    "postmortem_url": "https://github.com/acme/pm/blob/main/{path}",
                }
            ]
        }
    )
    text = render_digest(digest_of(week, settings), "text")
    lines = text.splitlines()
    assert lines[0].startswith("Postmortem actions, ")
    assert "• Automate renewal — maria · CDN · https://github.com/acme/ops/issues/12" in lines
    assert "Reached 100% (1):" in lines
    assert "• CDN Certificate expired · https://github.com/acme/pm/blob/main/cdn.md" in lines
    assert any(
        ln.startswith("• DB Failover failed — 0% (0 of 3 done), open with li, sam") for ln in lines
    )
    assert len(lines) < 30
    markdown = render_digest(digest_of(week, settings), "markdown")
    assert "- [CDN](https://github.com/acme/pm/blob/main/cdn.md) Certificate expired" in markdown
    assert "[ticket](https://github.com/acme/ops/issues/12)" in markdown
    data = json.loads(render_digest(digest_of(week, settings), "json"))
    assert data["reached_complete"][0]["postmortem_url"].endswith("/cdn.md")
    assert data["target"] == 80


def test_parse_since() -> None:
    now = dt.datetime(2024, 9, 8, 12, 0, tzinfo=dt.UTC)
    assert parse_since("7d", now) == dt.datetime(2024, 9, 1, 12, 0, tzinfo=dt.UTC)
    assert parse_since("24h", now) == dt.datetime(2024, 9, 7, 12, 0, tzinfo=dt.UTC)
    assert parse_since("2w", now) == dt.datetime(2024, 8, 25, 12, 0, tzinfo=dt.UTC)
    assert parse_since("2024-09-01", now) == dt.datetime(2024, 9, 1, tzinfo=dt.UTC)
    from tracker.errors import UsageError

    with pytest.raises(UsageError, match="use 7d, 24h"):
        parse_since("last week", now)


def test_cli_prints_it_and_a_wrong_since_is_one_line(week: Store, run) -> None:  # type: ignore[no-untyped-def]
    result = run("digest", "--since", "7d")
    assert result.code == 0, result.err
    assert "Completed (2):" in result.out
    bad = run("digest", "--since", "yesterday")
    assert bad.code == 2 and bad.err.startswith("error: --since 'yesterday' is not a time")
    assert run("digest", "--format", "json", "--webhook", WEBHOOK).code == 2
    assert "Below 80% after 30 days (1):" in result.out
    assert "Below" not in run("digest", "--target", "0").out  # nothing is below 0%
    assert "Below 100% after 30 days (1):" in run("digest", "--target", "100").out


@responses.activate
def test_webhook_posts_slack_json_and_never_shows_the_secret(week: Store, run) -> None:  # type: ignore[no-untyped-def]
    responses.post(WEBHOOK, body="ok")
    result = run("digest", "--webhook", WEBHOOK)
    assert result.code == 0, result.err
    assert result.out == "digest posted to https://hooks.slack.com/…\n"
    (call,) = responses.calls
    body = json.loads(call.request.body)
    assert set(body) == {"text"} and "Completed (2):" in body["text"]
    assert call.request.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (responses.Response("POST", WEBHOOK, status=404, body="no_service"), "answered 404"),
        (
            responses.Response("POST", WEBHOOK, body=requests.ConnectTimeout(WEBHOOK)),
            "did not answer within 10 s",
        ),
        (
            responses.Response("POST", WEBHOOK, body=requests.ConnectionError(WEBHOOK)),
            "cannot connect",
        ),
    ],
)
@responses.activate
def test_webhook_failure_is_one_line_without_the_secret(
    week: Store, run, answer: responses.Response, message: str, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    responses.add(answer)
    monkeypatch.setenv("TRACK_DIGEST_WEBHOOK", WEBHOOK)  # from the environment, as cron would
    result = run("digest")
    assert result.code == 1
    assert result.err.count("\n") == 1 and message in result.err
    assert "SECRETPART" not in result.err + result.out and "services" not in result.err
    assert "Traceback" not in result.err


def test_webhook_request_has_a_timeout(week: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    class Answer:
        status_code = 200

    def post(url: str, **kwargs: object) -> Answer:
        seen.update(kwargs)
        return Answer()

    monkeypatch.setattr(requests, "post", post)
    from tracker.webhook import post_text

    post_text(WEBHOOK, "hello", timeout=3)
    assert seen["timeout"] == 3 and seen["json"] == {"text": "hello"}
