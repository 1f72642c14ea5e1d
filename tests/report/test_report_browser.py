"""The report in a real browser: the examples, synced to a fake GitHub where some tickets were
closed in past weeks, rendered by headless Chromium to a 1280x800 screenshot and a PDF.

The screenshot and the PDF stay in the test's temporary folder (printed, for CI artefacts).
`.ci/run` installs Debian's `chromium` where it is missing; elsewhere the test skips without
it, in CI (CI=true) it fails.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import responses

from conftest import EXAMPLES

# the fakes live beside the sync tests
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "sync"))
from fake_github import FakeGitHub

CONSOLE = re.compile(r":CONSOLE[:(]?\d*\)?\] (.*)")


def browser() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is not installed: .ci/run installs it with apt-get")
    pytest.skip("chromium is not installed (`apt-get install chromium`; .ci/run does it)")


def chromium(folder: Path, page: Path, *args: str) -> list[str]:
    """Run headless Chromium on `page`; the console messages it logged."""
    done = subprocess.run(
        [
            browser(),
            "--headless",
            "--no-sandbox",  # CI runs as root
            "--disable-gpu",
            "--hide-scrollbars",
            f"--user-data-dir={folder / 'chromium-profile'}",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1280,800",
            "--virtual-time-budget=10000",  # the page settles (fonts, layout) before the capture
            *args,
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return [m.group(1) for m in CONSOLE.finditer(done.stderr)]


@pytest.fixture
def synced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run) -> Iterator[Path]:  # type: ignore[no-untyped-def]
    """The examples after two syncs: tickets created, then four of them closed on GitHub in
    three past weeks and read back."""
    monkeypatch.setenv("TRACK_DATABASE_URL", f"sqlite:///{tmp_path / 'track.db'}")
    monkeypatch.setenv("GITHUB_TOKEN", "t0ken")
    shutil.copytree(EXAMPLES, tmp_path / "pm")
    target = {
        "kind": "github",
        "name": "gh",
        "repo": "acme/ops",
        "write_interval_seconds": 0,
        "postmortem_url": "https://github.com/acme/postmortems/blob/main/{path}",
    }
    (tmp_path / "track.yaml").write_text(json.dumps({"sources": ["pm/*.md"], "targets": [target]}))
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        github = FakeGitHub(mock)
        first = run("sync")
        assert first.code == 0, first.err
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        ingested_weeks_ago(8, tmp_path / "track.db", now)
        open_issues = [n for n, issue in github.issues.items() if issue["state"] == "open"]
        for number, weeks_ago in zip(open_issues, (6, 3, 3, 1), strict=False):
            closed = (now - dt.timedelta(weeks=weeks_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")
            with github.lock:
                github.issues[number].update(
                    state="closed", state_reason="completed", closed_at=closed
                )
                github.issues[number]["updated_at"] = github.tick()
        second = run("sync")
        assert second.code == 0, second.err
    yield tmp_path


def ingested_weeks_ago(weeks: int, database: Path, now: dt.datetime) -> None:
    """As if the examples had been ingested `weeks` ago: their creation events move back."""
    from sqlalchemy import update

    from tracker.store.database import open_store
    from tracker.store.schema import ItemEvent

    store = open_store(f"sqlite:///{database}")
    with store.session() as session:
        session.execute(update(ItemEvent).values(at=now - dt.timedelta(weeks=weeks)))
    store.close()


def test_the_report_of_the_examples_reads_in_a_browser_and_prints(synced: Path, run) -> None:  # type: ignore[no-untyped-def]
    page = synced / "report.html"
    made = run("report", "--output", str(page))
    assert made.code == 0, made.err
    html = page.read_text(encoding="utf-8")
    assert_every_chart_has_bars(html)

    screenshot, pdf = synced / "report.png", synced / "report.pdf"
    print(f"\nreport artefacts: {page} {screenshot} {pdf}")
    assert chromium(synced, page, f"--screenshot={screenshot}") == []
    assert chromium(synced, page, f"--print-to-pdf={pdf}", "--no-pdf-header-footer") == []

    from PIL import Image

    with Image.open(screenshot) as image:
        assert image.size == (1280, 800)
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20) or []
    count = {rgb: n for n, rgb in colours}
    inked = sum(n for rgb, n in count.items() if min(rgb) < 235)
    assert inked > 1280 * 800 * 0.03, "the screenshot is almost blank"
    for name, rgb in (  # every chart is on the first screen of a laptop
        ("done bars and weekly columns", (0x2E, 0x7D, 0x32)),
        ("overdue bars", (0xC6, 0x28, 0x28)),
        ("open bars and line", (0xF2, 0xB2, 0x33)),
        ("the slowest incidents' ages", (0x5C, 0x6B, 0xC0)),
    ):
        assert count.get(rgb, 0) > 500, f"no {name} in the screenshot"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", data)) >= 1


def assert_every_chart_has_bars(html: str) -> None:
    """Each chart of the page (`<svg class="bar|plot">`) holds a mark of nonzero size (every
    incident and group of the examples has measures to draw)."""
    charts = re.findall(
        r'<svg class="(plot|bar)[^"]*"[^>]*aria-label="([^"]*)"(.*?)</svg>', html, re.S
    )
    plots = {label: body for kind, label, body in charts if kind == "plot"}
    assert len(plots) == 2, list(plots)
    for label, body in plots.items():
        sizes = re.findall(r'<rect[^>]* width="([\d.]+)" height="([\d.]+)"', body)
        line = re.search(r'<path class="line[^"]*" d="M[\d.]+,[\d.]+ L[\d.]+,[\d.]+', body)
        assert line or any(float(w) > 0 and float(h) > 0 for w, h in sizes), label
    completion = plots["Measures completed per week, last 12 weeks"]
    assert len(re.findall(r"<rect ", completion)) == 3  # closed in three distinct weeks
    bars = [body for kind, _, body in charts if kind == "bar"]
    assert len(bars) >= 3 + 3  # the incidents, and at least one group table
    drawn = [re.findall(r'<rect[^>]* width="([\d.]+)" height="10"', body) for body in bars]
    assert all(drawn) and all(float(w) > 0 for widths in drawn for w in widths)
