"""Write-back: `track sync --write-back` and `track link` write each ticket's reference into the
postmortem next to its measure and tick the boxes of measures whose tickets were completed.
Nothing else in the file changes, the measures stay the same items, and a second run (or a
sync from an empty database) finds nothing to do."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import responses
from fake_github import FakeGitHub
from sqlalchemy import select

from tracker.store.database import open_store
from tracker.store.schema import ActionItem, RemoteLink

DOC = """---
id: INC-9
title: Checkout outage
---
# Checkout outage

Some prose that stays as it is, with a list:

- not a measure

## Corrective and preventative measures

1. Alert when checkout errors exceed 2% (owner: dana)
2. Add a circuit breaker in front of the
   payment provider
   Owner: sam
- [ ] Roll back the bad deploy{hard break}
- [ ] Page the payments on-call for checkout alerts

## Timeline

- 10:00 things broke
""".replace("{hard break}", "  ")
# What write-back makes of DOC: these lines, and nothing else, change.
LINKED = {
    13: "1. Alert when checkout errors exceed 2% (owner: dana) (acme/ops#1)",
    15: "   payment provider (acme/ops#2)",
    17: "- [ ] Roll back the bad deploy (acme/ops#3)  ",
    18: "- [ ] Page the payments on-call for checkout alerts (acme/ops#4)",
}

TABLE = """# Queue backlog

## Action items

| Action Item | Type | Owner | Bug |
|-------------|------|-------|-----|
| Alert on the oldest message | detect | kai |                |
| Cap the consumer batch size | prevent | ana | TODO |
| Document the queue limits | process | kai | other/repo#77 |

## Follow-ups

| What | Who |
|---|---|
| Rehearse the failover | ana |
"""


@pytest.fixture
def github(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    monkeypatch.setenv("TRACK_DATABASE_URL", f"sqlite:///{tmp_path / 'track.db'}")
    monkeypatch.setenv("GITHUB_TOKEN", "t0ken")
    (tmp_path / "pm").mkdir()
    (tmp_path / "track.yaml").write_text(
        "sources: ['pm/*.md']\n"
        "targets:\n  - {kind: github, name: gh, repo: acme/ops, write_interval_seconds: 0}\n"
    )
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FakeGitHub(mock)


def expected(doc: str, changes: dict[int, str], newline: str = "\n") -> bytes:
    lines = doc.split("\n")
    for number, text in changes.items():
        lines[number - 1] = text
    return newline.join(lines).encode()


def items(tmp_path: Path) -> dict[str, tuple[str, str | None, str]]:
    """Each stored measure's text → (uid, ticket reference, status)."""
    store = open_store(f"sqlite:///{tmp_path / 'track.db'}")
    try:
        with store.session() as session:
            return {
                i.text: (i.uid, i.tracker_ref, i.status)
                for i in session.scalars(select(ActionItem).where(ActionItem.removed_at.is_(None)))
            }
    finally:
        store.close()


def writes(github: FakeGitHub) -> list[tuple[str, str]]:
    return [(method, path) for method, path in github.log if method != "GET"]


def test_references_go_after_list_entries_and_nothing_else_changes(
    github: FakeGitHub, run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """A suffix at the end of each measure's text (a continued line's last line, before a
    field line and before a hard line break's trailing spaces); the prose, the other list and
    the timeline are left byte for byte."""
    pm = tmp_path / "pm" / "checkout.md"
    pm.write_text(DOC)
    result = run("sync", "--write-back")
    assert result.code == 0, result.err
    assert "wrote pm/checkout.md: 4 linked, 0 ticked" in result.out
    assert pm.read_bytes() == expected(DOC, LINKED)
    refs = {text: ref for text, (_, ref, _) in items(tmp_path).items()}
    assert refs["Add a circuit breaker in front of the payment provider"] == "acme/ops#2"


def test_crlf_and_a_byte_order_mark_are_kept(github: FakeGitHub, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pm = tmp_path / "pm" / "checkout.md"
    pm.write_bytes(b"\xef\xbb\xbf" + DOC.replace("\n", "\r\n").encode())
    assert run("sync", "--write-back").code == 0
    assert pm.read_bytes() == b"\xef\xbb\xbf" + expected(DOC, LINKED, "\r\n")


def test_a_second_run_and_a_second_sync_change_nothing(
    github: FakeGitHub, run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """The measures keep their identity (uids), read the written reference as their ticket,
    and the next sync neither creates a ticket nor rewrites one for the new reference."""
    pm = tmp_path / "pm" / "checkout.md"
    pm.write_text(DOC)
    assert run("sync").code == 0
    before = items(tmp_path)
    assert run("link").code == 0
    after = items(tmp_path)
    assert {t: uid for t, (uid, _, _) in after.items()} == {t: u for t, (u, _, _) in before.items()}
    assert all(ref and ref.startswith("acme/ops#") for _, ref, _ in after.values())
    written = pm.read_bytes()
    sent = len(writes(github))
    again = run("link")
    assert (again.code, again.out, again.err) == (0, "", "")
    resync = run("sync", "--write-back")
    assert (resync.code, resync.out, resync.err) == (0, "", "")
    assert pm.read_bytes() == written
    assert len(writes(github)) == sent and len(github.issues) == 4


def test_a_completed_ticket_ticks_its_box_and_one_not_planned_does_not(
    github: FakeGitHub, run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    pm = tmp_path / "pm" / "checkout.md"
    pm.write_text(DOC)
    assert run("sync", "--write-back").code == 0
    github.close(3)
    github.close(4, "not_planned")
    result = run("sync", "--write-back", "--format", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["write_back"] == {
        "files": ["pm/checkout.md"],
        "linked": 0,
        "ticked": 1,
        "skipped": [],
    }
    assert pm.read_bytes() == expected(
        DOC, {**LINKED, 17: "- [x] Roll back the bad deploy (acme/ops#3)  "}
    )
    assert items(tmp_path)["Roll back the bad deploy"][2] == "done"
    assert run("link").out == ""


def test_a_table_gets_the_reference_in_its_ticket_column(
    github: FakeGitHub, run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """An empty cell takes it (padded to the cell's width), a status flag stays beside it, a
    cell that names a ticket already is left; a table with no ticket column gets it after the
    measure's text."""
    pm = tmp_path / "pm" / "queue.md"
    pm.write_text(TABLE)
    result = run("sync", "--write-back")
    assert result.code == 0, result.err
    assert pm.read_bytes() == expected(
        TABLE,
        {
            7: "| Alert on the oldest message | detect | kai | acme/ops#1     |",
            8: "| Cap the consumer batch size | prevent | ana | acme/ops#2 TODO |",
            15: "| Rehearse the failover acme/ops#4 | ana |",
        },
    )
    assert len(github.issues) == 4  # other/repo#77 is elsewhere: the measure got its own
    refs = {text: ref for text, (_, ref, _) in items(tmp_path).items()}
    assert refs["Cap the consumer batch size"] == "acme/ops#2"
    assert refs["Document the queue limits"] == "other/repo#77"
    assert run("sync", "--write-back").out == ""


def test_short_references_where_the_document_writes_them(
    github: FakeGitHub, run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    for _ in range(12):
        github._create({"title": "Made by a person", "body": "By hand."})
    pm = tmp_path / "pm" / "checkout.md"
    doc = DOC.replace("(owner: dana)", "(owner: dana) (#12)")
    pm.write_text(doc)
    assert run("sync", "--write-back").code == 0
    text = pm.read_text()
    assert "payment provider (#13)" in text and "bad deploy (#14)  " in text
    assert "(#12) (" not in text  # the named ticket is the document's already


def test_a_file_changed_since_track_read_it_is_not_written(
    github: FakeGitHub, run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    pm = tmp_path / "pm" / "checkout.md"
    pm.write_text(DOC)
    assert run("sync").code == 0
    edited = DOC.replace("Some prose", "Edited prose")
    pm.write_text(edited)
    result = run("link")
    assert result.code == 1
    assert "pm/checkout.md: not written: it changed on disk since track last read it" in result.err
    assert pm.read_text() == edited
    assert run("sync", "--write-back").code == 0  # read again: now it is written
    assert pm.read_bytes() == expected(edited, LINKED)


def test_an_edited_file_with_nothing_to_write_is_no_failure(
    github: FakeGitHub, run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    pm = tmp_path / "pm" / "checkout.md"
    pm.write_text(DOC)
    assert run("sync", "--write-back").code == 0
    pm.write_text(pm.read_text().replace("Some prose", "Edited prose"))
    assert run("link") == run("link", "--dry-run") and run("link").code == 0


def test_a_dry_run_writes_nothing(github: FakeGitHub, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pm = tmp_path / "pm" / "checkout.md"
    pm.write_text(DOC)
    assert run("sync").code == 0
    result = run("link", "--dry-run")
    assert result.out == "would write pm/checkout.md: 4 linked, 0 ticked\n"
    assert pm.read_text() == DOC


def test_a_sync_from_an_empty_database_adopts_and_rewrites_nothing(
    github: FakeGitHub, run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Stateless, as the GitHub Action runs without a database: the references written back
    do not make the tickets' bodies change, and nothing is created."""
    pm = tmp_path / "pm" / "checkout.md"
    pm.write_text(DOC)
    assert run("sync", "--write-back").code == 0
    sent = len(writes(github))
    monkeypatch.setenv("TRACK_DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    result = run("sync", "--write-back", "--format", "json")
    assert result.code == 0, result.err
    totals = json.loads(result.out)["totals"]
    assert (totals["adopted"], totals["created"], totals["updated"]) == (4, 0, 0)
    assert len(writes(github)) == sent
    assert pm.read_bytes() == expected(DOC, LINKED)


def test_jira_tickets_are_written_as_links(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A Jira key is no link on GitHub: `[OPS-1](URL)`, or the bare key in a document that
    already writes bare keys."""
    db = f"sqlite:///{tmp_path / 'track.db'}"
    (tmp_path / "pm").mkdir()
    (tmp_path / "track.yaml").write_text(
        f"sources: ['pm/*.md']\ndatabase: {{url: '{db}'}}\n"
        "targets:\n  - {kind: jira, name: ops, url: 'https://acme.atlassian.net', project: OPS}\n"
    )
    (tmp_path / "pm" / "a.md").write_text("## Action items\n\n- Rotate the keys\n")
    (tmp_path / "pm" / "b.md").write_text(
        "## Action items\n\n- Rotate the keys (PAY-3)\n- Expire old sessions\n"
    )
    assert run("ingest").code == 0
    store = open_store(db)
    with store.session() as session:
        for number, item in enumerate(session.scalars(select(ActionItem)), start=1):
            if item.tracker_ref is None:
                key = f"OPS-{number}"
                session.add(
                    RemoteLink(
                        item_id=item.id,
                        target="ops",
                        kind="jira",
                        remote_key=key,
                        url=f"https://acme.atlassian.net/browse/{key}",
                        remote_state="open",
                    )
                )
    store.close()
    assert run("link").code == 0
    assert (tmp_path / "pm" / "a.md").read_text() == (
        "## Action items\n\n- Rotate the keys ([OPS-1](https://acme.atlassian.net/browse/OPS-1))\n"
    )
    assert (tmp_path / "pm" / "b.md").read_text().endswith("- Expire old sessions (OPS-3)\n")
