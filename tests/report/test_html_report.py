"""`track report`: one HTML file that agrees with `track status`, loads nothing, links tickets."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import select, update

from tracker.report.dashboard import build_dashboard, week_start
from tracker.store.database import Store
from tracker.store.ingest import ingest_paths
from tracker.store.schema import ActionItem, Incident, ItemEvent, RemoteLink, SyncState, utcnow

from conftest import EXAMPLES


class Tables(HTMLParser):
    """The text of every table cell, per `<section id>`, and every link's href."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, list[list[str]]] = {}
        self.tiles: dict[str, str] = {}
        self.links: list[str] = []
        self._section = ""
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._tile: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "section":
            self._section = values.get("id") or ""
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        elif tag in ("dt", "dd"):
            self._in, self._tile = tag, []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.sections.setdefault(self._section, []).append(self._row)
            self._row = None
        elif tag == "dt":
            self._label = "".join(self._tile).strip()
        elif tag == "dd":
            self.tiles[self._label] = "".join(self._tile).strip()
        if tag in ("dt", "dd"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._in:
            self._tile.append(data)


def read_page(path: Path) -> Tables:
    parsed = Tables()
    parsed.feed(path.read_text(encoding="utf-8"))
    return parsed


def body_rows(parsed: Tables, section: str) -> list[list[str]]:
    return [row for row in parsed.sections.get(section, []) if row and row[0] != "Incident"]


@pytest.fixture
def examples(store: Store, tmp_path: Path) -> Store:
    """The bundled examples, one measure closed as won't do and one with a ticket."""
    root = tmp_path / "pm"
    shutil.copytree(EXAMPLES, root)
    ingest_paths(store, [root], root=root)
    with store.session() as session:
        first, second = session.scalars(
            select(ActionItem).where(ActionItem.status == "open").order_by(ActionItem.id).limit(2)
        )
        first.status = "wont_do"
        session.add(
            RemoteLink(
                item_id=second.id,
                target="gh",
                kind="github",
                remote_key="7",
                url="https://github.com/acme/ops/issues/7",
                last_seen_at=utcnow(),
            )
        )
    return store


def test_the_numbers_on_the_page_are_those_of_track_status_json(
    examples: Store, run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    status = run("status", "--format", "json")
    made = run("report", "--output", str(tmp_path / "report.html"))
    assert (status.code, made.code) == (0, 0), made.err
    data = json.loads(status.out)
    page = read_page(tmp_path / "report.html")

    shown = {row[0].split()[0]: row for row in body_rows(page, "completion")}
    assert list(shown) == [i["id"] for i in data["incidents"]]  # same incidents, same order
    for incident in data["incidents"]:
        _, _, _, _, done, open_, overdue, complete, _ = shown[incident["id"]]
        assert done == f"{incident['done']}/{incident['total']}"
        assert (int(open_), int(overdue)) == (incident["open"], incident["overdue"])
        assert complete == f"{incident['percent_complete']:g}%"
    totals = data["totals"]
    assert page.tiles == {
        "Incidents": str(len(data["incidents"])),
        "Measures": str(totals["total"]),
        "Done": str(totals["done"]),
        "Open": str(totals["open"]),
        "Overdue": str(totals["overdue"]),
        "Won't do": str(totals["wont_do"]),
        "Complete": f"{totals['percent_complete']:g}%",
    }
    assert totals["wont_do"] == 1  # the fixture's change is visible on both sides


def test_owner_team_and_service_groups_add_up_to_the_open_total(
    examples: Store, run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    assert run("report", "-o", str(tmp_path / "r.html")).code == 0
    page = read_page(tmp_path / "r.html")
    open_total = int(page.tiles["Open"])
    late_total = int(page.tiles["Overdue"])
    names = {row[0] for row in page.sections["groups"]}
    assert {"(no owner)", "maria", "tomas", "platform-data", "(no team)", "web"} <= names
    tables: list[list[list[str]]] = [[]]
    for row in page.sections["groups"]:
        if row[0] in ("Owner", "Team", "Service"):
            tables.append([])
        else:
            tables[-1].append(row)
    sums = [
        (sum(int(r[2]) for r in table), sum(int(r[3]) for r in table)) for table in tables if table
    ]
    assert sums == [(open_total, late_total)] * 3


def test_every_ticket_and_postmortem_is_linked_and_the_csv_holds_every_measure(
    examples: Store, tmp_path: Path
) -> None:
    with examples.session() as session:  # front matter names where the postmortem is read
        incident = session.scalars(select(Incident).where(Incident.key == "INC-2024-058")).one()
        incident.meta = {**incident.meta, "postmortem_url": "https://wiki.example.com/inc-58"}
        other = session.scalars(select(Incident).where(Incident.key == "INC-2024-031")).one()
        other.meta = {**other.meta, "postmortem_url": "javascript:alert(1)"}
    run_report(examples, tmp_path / "r.html", template="https://git.example.com/pm/{path}")
    page = read_page(tmp_path / "r.html")
    assert "https://wiki.example.com/inc-58" in page.links
    assert "https://git.example.com/pm/2024-09-18-queue-backlog.md" in page.links  # the template
    assert not [link for link in page.links if link.startswith("javascript:")]
    assert "https://github.com/acme/ops/issues/7" in page.links
    with (tmp_path / "r-items.csv").open() as handle:
        items = list(csv.DictReader(handle))
    assert len(items) == 12  # every live measure, done ones too
    assert [i["ticket"] for i in items if i["ticket"]] == ["https://github.com/acme/ops/issues/7"]
    assert {"r-incidents.csv", "r-items.csv"} <= set(page.links)


def run_report(
    store: Store, page: Path, *, template: str | None = None, rows: int = 200, **options: object
) -> str:
    from tracker.report.html import write_report

    with store.session() as session:
        dashboard = build_dashboard(
            session, database="sqlite:///x.db", postmortem_template=template, **options
        )  # type: ignore[arg-type]
    write_report(dashboard, page, rows=rows)
    return page.read_text(encoding="utf-8")


def test_tables_stop_at_rows_and_point_to_the_full_csv(examples: Store, tmp_path: Path) -> None:
    html = run_report(examples, tmp_path / "r.html", rows=2)
    page = read_page(tmp_path / "r.html")
    assert len(body_rows(page, "completion")) == 2
    assert len(body_rows(page, "items")) == 2
    assert "Showing the first 2 of 3 incidents" in html
    assert "Showing the first 2 of 9 open measures" in html
    with (tmp_path / "r-incidents.csv").open() as handle:
        assert len(list(csv.DictReader(handle))) == 3


def test_the_page_loads_nothing_and_escapes_what_postmortems_say(
    store: Store, tmp_path: Path
) -> None:
    root = tmp_path / "pm"
    root.mkdir()
    (root / "x.md").write_text(
        "---\nid: X-1\ntitle: '<script>alert(1)</script> outage'\ndate: 2024-01-01\n"
        "team: <b>ops</b>\n---\n## Action items\n- [ ] Escape <img src=x onerror=alert(1)> input\n"
    )
    ingest_paths(store, [root], root=root)
    html = run_report(store, tmp_path / "r.html")
    assert "<script" not in html and "<img" not in html and "<b>ops" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; outage" in html
    for fetch in ("<link", " src=", "url(", "@import", "<iframe", "<object"):
        assert fetch not in html, fetch


def test_flags_given_to_the_builder_are_shown_with_their_explanation(
    examples: Store, tmp_path: Path
) -> None:
    """The table shows each incident's flag codes (the incident's own explanation as the code's
    title); one legend line under it says what each code shown means."""
    from tracker.report.flags import MEANING

    flags = {"INC-2024-031": [("no-owner", "2 of its 4 open measures have no owner")]}
    run_report(examples, tmp_path / "r.html", flags=flags)
    rows = {
        row[0].split()[0]: row for row in body_rows(read_page(tmp_path / "r.html"), "completion")
    }
    assert rows["INC-2024-031"][-1] == "no-owner"
    assert rows["INC-2024-058"][-1] == ""
    page = (tmp_path / "r.html").read_text()
    assert 'title="2 of its 4 open measures have no owner">no-owner</span>' in page
    assert f'<span class="flag">no-owner</span> {MEANING["no-owner"]}.</p>' in page
    assert "no-due" not in page  # only the codes shown are explained


def test_the_trend_counts_completions_per_week_and_ends_at_the_open_total(
    examples: Store,
) -> None:
    today = dt.date(2026, 12, 2)  # a Wednesday
    monday = week_start(today)
    with examples.session() as session:
        session.execute(update(ItemEvent).values(at=_at(monday - dt.timedelta(weeks=5))))
        items = session.scalars(
            select(ActionItem).where(ActionItem.status == "open").order_by(ActionItem.id).limit(3)
        ).all()
        for item, weeks_ago in zip(items, (3, 3, 0), strict=True):
            item.status = "done"
            session.add(
                ItemEvent(
                    item_id=item.id,
                    at=_at(monday - dt.timedelta(weeks=weeks_ago, days=-1)),
                    kind="status",
                    old_status="open",
                    new_status="done",
                    source="gh",
                )
            )
    with examples.session() as session:
        board = build_dashboard(session, database="x", today=today, now=_at(today))
    weeks = {w.start: w for w in board.weeks}
    assert len(board.weeks) == 12 and board.weeks[-1].start == monday
    assert [weeks[monday - dt.timedelta(weeks=n)].completed for n in (5, 4, 3, 2, 1, 0)] == [
        0, 0, 2, 0, 0, 1,
    ]  # fmt: skip
    assert board.weeks[-1].open_at_end == board.totals.open == 6
    opened = [weeks[monday - dt.timedelta(weeks=n)].open_at_end for n in (6, 5, 4, 3, 0)]
    assert opened == [0, 9, 9, 7, 6]  # 9 open at ingest (1 was won't do later, unrecorded)


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), dt.UTC)


def test_report_writes_where_asked_and_opens_the_browser(
    examples: Store, run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    done = run("report", "--output", str(tmp_path / "weekly.html"), "--open")
    assert done.code == 0, done.err
    assert (
        done.out == f"wrote {tmp_path / 'weekly.html'} (weekly-incidents.csv, weekly-items.csv)\n"
    )
    assert opened == [(tmp_path / "weekly.html").as_uri()]
    missing = run("report", "--output", str(tmp_path / "nowhere" / "r.html"))
    assert missing.code == 2
    assert (
        missing.err
        == f"error: cannot write {tmp_path / 'nowhere' / 'r.html'}: folder {tmp_path / 'nowhere'} does not exist\n"
    )


def test_the_database_is_named_with_its_password_hidden(
    db_url: str, run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    if not db_url.startswith("postgresql"):
        pytest.skip("a SQLite URL has no password")
    from sqlalchemy.engine import make_url

    url = make_url(db_url).set(password="s3cret-pw").render_as_string(hide_password=False)
    monkeypatch.setenv("TRACK_DATABASE_URL", url)  # trust auth: the password is not checked
    done = run("report", "-o", str(tmp_path / "r.html"))
    assert done.code == 0, done.err
    html = (tmp_path / "r.html").read_text()
    assert "s3cret-pw" not in html + done.out + done.err
    assert "postgres:***@127.0.0.1" in html


def test_an_empty_database_gives_a_page_that_says_so(store: Store, tmp_path: Path) -> None:
    html = run_report(store, tmp_path / "r.html")
    assert "No open measures." in html and "No incident has open measures." in html
    assert "No sync target is configured." in html


def test_owners_differing_in_case_are_one_owner_and_targets_show_their_last_sync(
    store: Store, tmp_path: Path
) -> None:
    root = tmp_path / "pm"
    root.mkdir()
    (root / "a.md").write_text(
        "---\nid: A\ntitle: A\ndate: 2024-01-01\n---\n## Action items\n"
        "- [ ] One thing @Maria\n- [ ] Another thing @maria\n"
    )
    ingest_paths(store, [root], root=root)
    with store.session() as session:
        session.add(
            SyncState(
                target="gh", last_finished_at=_at(dt.date(2026, 11, 30)), last_outcome="failed"
            )
        )
    html = run_report(store, tmp_path / "r.html", target_names=["jira", "gh"])
    owners = [row for row in read_page(tmp_path / "r.html").sections["groups"] if row[0] != "Owner"]
    assert [(row[0].lower(), row[2]) for row in owners[:1]] == [("maria", "2")]
    generated = re.search(r'<p class="generated">(.*?)</p>', html, re.S).group(1)  # type: ignore[union-attr]
    assert " ".join(re.sub(r"<[^>]+>", "", generated).split()).endswith(
        "Last sync: jira never, gh 2026-11-30 12:00 UTC (failed)."
    )


def test_a_measure_removed_and_restored_this_week_leaves_the_trend_consistent(
    store: Store, tmp_path: Path
) -> None:
    root = tmp_path / "pm"
    root.mkdir()
    doc = root / "a.md"
    both = "- [ ] Add an alert on queue depth\n- [ ] Write a runbook for the queue\n"
    head = "---\nid: A\ntitle: A\ndate: 2024-01-01\n---\n## Action items\n"
    for measures in (both, both.splitlines()[0] + "\n", both):  # one removed, then back
        doc.write_text(head + measures)
        ingest_paths(store, [root], root=root)
    with store.session() as session:
        board = build_dashboard(session, database="x")
    assert [w.open_at_end for w in board.weeks[-2:]] == [0, 2]  # nothing open before this week


def test_many_incidents_show_the_newest_as_bars_and_all_in_a_table_at_the_end(
    store: Store, tmp_path: Path
) -> None:
    root = tmp_path / "pm"
    root.mkdir()
    for n in range(1, 23):
        (root / f"{n}.md").write_text(
            f"---\nid: I-{n:02}\ntitle: Outage {n}\ndate: 2024-01-{n:02}\n---\n"
            "## Action items\n- [ ] Add an alert\n"
        )
    ingest_paths(store, [root], root=root)
    html = run_report(store, tmp_path / "r.html")
    page = read_page(tmp_path / "r.html")
    assert [row[0].split()[0] for row in body_rows(page, "completion")] == [
        f"I-{n:02}" for n in range(22, 2, -1)
    ]
    assert len(body_rows(page, "incidents")) == 22
    assert "The 20 newest of 22 incidents; all of them are in the table at the end." in html
