"""The status table as people read it: piped at 60, 80, 120 and 200 columns, and on a terminal.

Ids, counts and percentages are never cut; the title gives way first; very narrow widths get a
block per incident; colour only on a terminal, and never with NO_COLOR.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from tracker.config import Config
from tracker.report.flags import incident_flags
from tracker.report.status import status_report
from tracker.report.tables import print_items, print_status
from tracker.store.database import open_store
from tracker.store.ingest import ingest_paths

from conftest import EXAMPLES

TODAY = dt.date(2024, 9, 25)
RED = "\x1b[31m"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
LONG_TITLE = "Checkout latency doubled for every customer in the EU region after a config push"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'track.db'}"
    monkeypatch.setenv("TRACK_DATABASE_URL", url)
    root = tmp_path / "pm"
    root.mkdir()
    for example in EXAMPLES.glob("*.md"):
        (root / example.name).write_text(example.read_text())
    (root / "long.md").write_text(
        f"---\nid: INC-2024-777-EU-CHECKOUT\ntitle: {LONG_TITLE}\ndate: 2024-09-01\n---\n"
        "## Action items\n"
        + "".join(f"- [ ] Measure number {n} @owner{n} due 2024-09-10\n" for n in range(12))
        + "".join(f"- [x] Rotate key number {n} @owner{n}\n" for n in range(100))
    )
    store = open_store(url)
    ingest_paths(store, [root], root=root)
    store.close()
    return url


def rows_of(url: str) -> tuple[object, dict[str, list[object]]]:
    store = open_store(url)
    with store.session() as session:
        report = status_report(session, today=TODAY)
        flags = incident_flags(session, Config(), TODAY)
    store.close()
    return report, flags  # type: ignore[return-value]


def whole_values(url: str) -> list[str]:
    """Every id, count and percentage the table must show uncut."""
    report, _ = rows_of(url)
    values = []
    for row in report.incidents:  # type: ignore[attr-defined]
        c = row.counts
        values += [row.id, f"{c.done}/{c.total}", f"{c.percent_complete:g}%"]
    return values


@pytest.mark.parametrize("width", [60, 80, 120, 200])
def test_piped_table_keeps_ids_counts_and_percentages_whole(
    db: str, width: int, run, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", str(width))
    result = run("status")
    assert result.code == 0, result.err
    assert not ANSI.search(result.out), "colour in piped output"
    words = set(result.out.split())
    for value in whole_values(db):
        assert value in words, f"{value} cut at {width} columns:\n{result.out}"
    table = result.out.split("weak postmortems:")[0]
    assert all(len(line) <= width for line in table.splitlines()), table
    assert "INC-2024-777-EU-CHECKOUT" in result.out


def test_the_title_gives_way_first_then_the_table_becomes_blocks(db: str, run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "200")
    wide = run("status").out
    assert LONG_TITLE in wide and "last sync" in wide.splitlines()[0]

    monkeypatch.setenv("COLUMNS", "120")
    shorter = run("status").out
    line = next(ln for ln in shorter.splitlines() if ln.startswith("INC-2024-777-EU-CHECKOUT"))
    assert "Checkout latency" in line and "…" in line and LONG_TITLE not in line
    assert line.split()[-1] == "never"  # the last sync column is still there

    monkeypatch.setenv("COLUMNS", "80")  # the 24-character id would leave the title too little
    compact = run("status", "--incident", "INC-2024-0*").out.splitlines()
    assert compact[0].split() == ["incident", "title", "date", "done", "open", "late", "won't", "%"]
    assert any(ln.startswith("last sync: never") for ln in compact)

    monkeypatch.setenv("COLUMNS", "60")
    blocks = run("status").out.splitlines()
    assert "INC-2024-777-EU-CHECKOUT  2024-09-01" in blocks
    at = blocks.index("INC-2024-777-EU-CHECKOUT  2024-09-01")
    assert blocks[at + 1].startswith("  Checkout latency doubled")  # the title, whole, wrapped
    assert "100/112 done · 12 open" in blocks[at + 3] + " " + blocks[at + 4]


def terminal(width: int) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=True, width=width, highlight=False), out


@pytest.mark.parametrize("width", [60, 80, 120, 200])
def test_on_a_terminal_overdue_is_red_and_nothing_is_cut(db: str, width: int) -> None:
    report, flags = rows_of(db)
    console, out = terminal(width)
    print_status(console, report, flags)  # type: ignore[arg-type]
    shown = out.getvalue()
    assert RED in shown
    plain = ANSI.sub("", shown)
    for value in whole_values(db):
        assert value in plain.split(), f"{value} cut at {width} columns"


def test_no_color_keeps_a_terminal_plain(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    report, flags = rows_of(db)
    console, out = terminal(120)
    print_status(console, report, flags)  # type: ignore[arg-type]
    assert RED not in out.getvalue() and "\x1b[3" not in out.getvalue()
    assert "INC-2024-058" in out.getvalue()


def test_flags_are_listed_under_the_table_with_one_line_each(db: str, run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "200")
    out = run("status").out
    flags = out.split("weak postmortems:\n")[1].splitlines()
    assert (
        "  INC-2024-102  no-prevention: none of its 5 measures is of a type that prevents (prevent)"
        in flags
    )
    assert any(ln.startswith("  INC-2024-777-EU-CHECKOUT  same-priority:") for ln in flags)


def test_items_table_shows_a_screenful_and_counts_the_rest(db: str, run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "250")
    out = run("status", "--items", "--limit", "5").out
    lines = out.splitlines()
    assert lines[0].split() == [
        "id", "incident", "measure", "owner", "pri", "type", "due", "late", "source", "ticket"
    ]  # fmt: skip
    assert lines[-1].startswith("… and 17 more (--limit N or --all")
    assert len(lines) == 1 + 5 + 1
    first = lines[1].split()
    assert re.fullmatch(r"[0-9a-f]{8}", first[0]) and first[1] == "INC-2024-031"
    assert first[-1] == "2024-03-12-payments-db-failover.md:46"  # no ticket before a sync
    everything = run("status", "--items", "--all").out
    assert "more (--limit" not in everything
    assert everything.count("Measure number") == 12


def test_items_on_a_narrow_screen_are_blocks_with_source_and_ticket(
    db: str, run, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "80")
    lines = run("status", "--items", "--incident", "INC-2024-058").out.splitlines()
    head = lines.index(next(ln for ln in lines if ln.endswith("  INC-2024-058")))
    assert lines[head + 1] == "  Send certificate notices to the team alias, not a person"
    assert "P2 · process · @maria · due 2024-06-14" in lines[head + 2]
    assert "days overdue" in lines[head + 2]
    assert lines[head + 3] == "  2024-06-02-cdn-certificate-expiry.md:48"


def test_items_late_column_is_red_on_a_terminal(db: str) -> None:
    from tracker.report.items import item_rows
    from tracker.report.status import Filters

    store = open_store(db)
    with store.session() as session:
        rows = item_rows(session, Filters(), today=TODAY)
    store.close()
    console, out = terminal(250)
    print_items(console, rows, more=0)
    assert RED in out.getvalue()


def test_installed_track_on_a_real_pseudo_terminal(db: str, tmp_path: Path) -> None:
    """The real process on a pty 100 columns wide: red for overdue, ids whole; NO_COLOR plain."""
    import fcntl
    import pty
    import struct
    import termios

    track = Path(sys.executable).parent / "track"
    command = [str(track)] if track.exists() else [sys.executable, "-m", "tracker"]

    def on_pty(extra_env: dict[str, str]) -> str:
        leader, follower = pty.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
        env.update({"TERM": "xterm-256color", "TRACK_DATABASE_URL": db, **extra_env})
        child = subprocess.Popen(
            [*command, "status"],
            stdin=follower,
            stdout=follower,
            stderr=follower,
            env=env,
            cwd=tmp_path,
        )
        os.close(follower)  # read while it writes, so a full pty buffer cannot block it
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the child closed its end
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(leader)
        assert child.wait(timeout=60) == 0
        return b"".join(chunks).decode()

    coloured = on_pty({})
    assert RED in coloured
    plain_lines = ANSI.sub("", coloured).replace("\r\n", "\n").splitlines()
    # 100 columns, read from the pty: the compact table (80 would give blocks, 200 the full one)
    assert plain_lines[0].split() == [
        "incident",
        "title",
        "date",
        "done",
        "open",
        "late",
        "won't",
        "%",
    ]
    assert all(len(line) <= 100 for line in plain_lines if not line.startswith("  "))
    for value in whole_values(db):
        assert value in ANSI.sub("", coloured).split()
    assert "\x1b[3" not in on_pty({"NO_COLOR": "1"})
