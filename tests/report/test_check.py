"""`track check` as a library: documents and a policy in, a report and its three renderings out.

The documents here are built as values, so the checks do not wait on what the parser emits
(its commitment notes, its placeholder warnings); the CLI tests run the real parser.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.errors import ParseError, UsageError
from tracker.model import Incident, Note, ParsedDocument, ParsedItem
from tracker.parse.document import parse_file
from tracker.parse.explain import UNTAKEN_COMMITMENT
from tracker.report.check import (
    MARKER,
    Finding,
    check_documents,
    parse_require,
    render_github,
    render_markdown,
    render_text,
)

from conftest import EXAMPLES


def item(text: str, line: int, **fields: object) -> ParsedItem:
    return ParsedItem(text=text, section="Action items", line=line, **fields)  # type: ignore[arg-type]


def document(path: str, *items: ParsedItem, **fields: object) -> ParsedDocument:
    incident = Incident(id="INC-1", title="Disk full on db-3")
    return ParsedDocument(path=path, incident=incident, items=items, **fields)  # type: ignore[arg-type]


DISK = document(
    "postmortems/disk.md",
    item("Alert at 80% disk", 20, owner="ana", due=dt.date(2024, 5, 1), priority="P1"),
    item("Rotate the WAL archive", 21, owner="ben"),
    item("Add a runbook", 22),
    item("Free the disk", 23, status="done"),
    warnings=("measures section 'Follow-ups' (line 25) found only by inline labels",),
    notes=(
        Note(line=12, text="We will add a disk forecast", taken=False, rule=UNTAKEN_COMMITMENT),
        Note(line=14, text="We restored the replica", taken=False, rule="steps already taken"),
        Note(line=20, text="Alert at 80% disk", taken=True, rule="list entry"),
    ),
)
EMPTY = document(
    "postmortems/empty.md",
    warnings=("measures section 'Action items' (line 9) is a placeholder (TBD)",),
)


def test_open_measures_lack_required_fields_and_commitments_are_notes() -> None:
    """Required fields are asked of open measures only (done work needs no owner); a promise
    outside the measures is a note, and so is every other warning of a document with measures;
    notes the parser took, or skipped for another reason, are not shown."""
    report = check_documents([DISK], ["owner", "due"])
    (checked,) = report.files
    assert checked.errors == [
        Finding("error", "measure has no due date: Rotate the WAL archive", 21),
        Finding("error", "measure has no owner or due date: Add a runbook", 22),
    ]
    assert checked.notes == [
        Finding(
            "warning",
            f'"We will add a disk forecast" {UNTAKEN_COMMITMENT}, so no ticket will be made for '
            "it; move it into the measures section if it is one",
            12,
        ),
        Finding(
            "warning", "measures section 'Follow-ups' (line 25) found only by inline labels", 25
        ),
    ]
    assert report.exit_code == 1
    assert check_documents([DISK], ["owner"]).files[0].errors == [
        Finding("error", "measure has no owner: Add a runbook", 22)
    ]


def test_notes_alone_do_not_fail_the_check() -> None:
    assert check_documents([DISK], []).exit_code == 0
    assert len(check_documents([DISK], []).files[0].notes) == 2


def test_a_file_without_measures_fails_with_the_parsers_reason_at_its_line() -> None:
    report = check_documents([EMPTY], [])
    assert report.files[0].findings == (
        Finding(
            "error",
            "no measures found, so no tickets will be made (measures section 'Action items' "
            "(line 9) is a placeholder (TBD))",
            9,
        ),
    )
    assert report.exit_code == 1
    bare = check_documents([document("a.md")], [])
    assert bare.files[0].errors == [
        Finding("error", "no measures found, so no tickets will be made")
    ]


def test_a_file_that_cannot_be_read_fails() -> None:
    report = check_documents([ParseError("bad.md", "not valid UTF-8 (line 3, byte 70)")], ["owner"])
    assert report.files[0].errors == [
        Finding("error", "cannot be read: not valid UTF-8 (line 3, byte 70)")
    ]
    assert report.exit_code == 1


def test_github_annotations_are_one_workflow_command_a_line() -> None:
    report = check_documents([DISK, EMPTY], ["owner", "due"])
    assert render_github(report).splitlines() == [
        "::error file=postmortems/disk.md,line=21,title=track::measure has no due date: Rotate the WAL archive",
        "::error file=postmortems/disk.md,line=22,title=track::measure has no owner or due date: Add a runbook",
        f'::warning file=postmortems/disk.md,line=12,title=track::"We will add a disk forecast" {UNTAKEN_COMMITMENT}, so no ticket will be made for it; move it into the measures section if it is one',
        "::warning file=postmortems/disk.md,line=25,title=track::measures section 'Follow-ups' (line 25) found only by inline labels",
        "::notice file=postmortems/disk.md,line=20,title=track::will become a ticket: Alert at 80%25 disk (owner ana, due 2024-05-01, P1, open)",
        "::notice file=postmortems/disk.md,line=21,title=track::will become a ticket: Rotate the WAL archive (owner ben, due none, open)",
        "::notice file=postmortems/disk.md,line=22,title=track::will become a ticket: Add a runbook (owner none, due none, open)",
        "::notice file=postmortems/disk.md,line=23,title=track::will become a ticket: Free the disk (owner none, due none, done)",
        "::error file=postmortems/empty.md,line=9,title=track::no measures found, so no tickets will be made (measures section 'Action items' (line 9) is a placeholder (TBD))",
        "2 files: 2 need attention, 2 notes; 4 measures become tickets; open measures must have: owner, due",
    ]


def test_github_escaping_follows_the_runners_rules() -> None:
    """Data escapes %, CR and LF; properties also escape : and , (a path may hold them)."""
    odd = document("pm/a,b:c%.md", item("Cap at 90%\r\nthen page", 3))
    (line, _notice, _summary) = render_github(check_documents([odd], ["owner"])).splitlines()
    assert line == (
        "::error file=pm/a%2Cb%3Ac%25.md,line=3,title=track::"
        "measure has no owner: Cap at 90%25%0D%0Athen page"
    )


def test_markdown_is_one_stable_comment_body() -> None:
    report = check_documents([DISK, EMPTY], ["owner"])
    body = render_markdown(report)
    assert body == render_markdown(check_documents([DISK, EMPTY], ["owner"]))
    assert body.splitlines()[0] == MARKER == "<!-- track:check -->"
    assert body == "\n".join(
        [
            MARKER,
            "## Postmortem check: 2 of 2 files need attention",
            "",
            "### `postmortems/disk.md` — Disk full on db-3",
            "",
            "| Line | Measure | Owner | Due | Priority | Status |",
            "|---:|---|---|---|---|---|",
            "| 20 | Alert at 80% disk | ana | 2024-05-01 | P1 | open |",
            "| 21 | Rotate the WAL archive | ben | — | — | open |",
            "| 22 | Add a runbook | — | — | — | open |",
            "| 23 | Free the disk | — | — | — | done |",
            "",
            "**Needs attention**",
            "",
            "- line 22: measure has no owner: Add a runbook",
            "",
            "**Notes**",
            "",
            f'- line 12: "We will add a disk forecast" {UNTAKEN_COMMITMENT}, so no ticket will be '
            "made for it; move it into the measures section if it is one",
            "- line 25: measures section 'Follow-ups' (line 25) found only by inline labels",
            "",
            "### `postmortems/empty.md` — Disk full on db-3",
            "",
            "**Needs attention**",
            "",
            "- line 9: no measures found, so no tickets will be made (measures section "
            "'Action items' (line 9) is a placeholder (TBD))",
            "",
            "<sub>2 files: 2 need attention, 2 notes; 4 measures become tickets; open measures "
            "must have: owner</sub>",
            "",
        ]
    )


def test_markdown_cells_keep_the_table_whole() -> None:
    piped = document("a.md", item("Split reads | writes\nacross pools", 4, owner="a|b"))
    body = render_markdown(check_documents([piped], []))
    assert "| 4 | Split reads \\| writes across pools | a\\|b | — | — | open |" in body
    assert "## Postmortem check: nothing needs attention" in body


def test_text_shows_each_file_as_a_block() -> None:
    text = render_text(check_documents([DISK], ["owner"]))
    assert text.splitlines()[:7] == [
        "postmortems/disk.md — Disk full on db-3",
        "  will become tickets (4):",
        "    line 20: Alert at 80% disk (owner ana, due 2024-05-01, P1, open)",
        "    line 21: Rotate the WAL archive (owner ben, due none, open)",
        "    line 22: Add a runbook (owner none, due none, open)",
        "    line 23: Free the disk (owner none, due none, done)",
        "  needs attention:",
    ]
    assert "    line 22: measure has no owner: Add a runbook" in text
    assert text.endswith("open measures must have: owner\n")


@pytest.mark.parametrize(
    ("value", "fields"),
    [
        ("owner", ("owner",)),
        ("owner,due", ("owner", "due")),
        (" Due , priority,due", ("due", "priority")),
        ("none", ()),
        ("NONE", ()),
    ],
)
def test_require_lists_fields_or_none(value: str, fields: tuple[str, ...]) -> None:
    assert parse_require(value) == fields


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ("ownr", "'ownr'"),
        ("owner,", "an empty name"),
        ("", "an empty name"),
        ("owner,none", "'none'"),
    ],
)
def test_require_names_what_is_wrong(value: str, named: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_require(value)
    assert str(caught.value) == (
        f"--require {value!r}: {named} is not a field; give a comma-separated list of owner, "
        "due, priority, or none"
    )


def test_the_examples_under_the_default_policy() -> None:
    """The bundled examples are uneven on purpose: two of them list open measures nobody owns,
    which is what the default policy (an owner for every open measure) is there to catch."""
    docs = [parse_file(path, explain=True) for path in sorted(EXAMPLES.glob("*.md"))]
    report = check_documents(docs, ["owner"])
    assert [
        (f.path.rsplit("/", 1)[-1], [(e.line, e.message) for e in f.errors]) for f in report.files
    ] == [
        (
            "2024-03-12-payments-db-failover.md",
            [
                (
                    46,
                    "measure has no owner: Document the manual pooler reload in the payments "
                    "runbook, by April 1, 2024",
                )
            ],
        ),
        ("2024-06-02-cdn-certificate-expiry.md", []),
        (
            "2024-09-18-queue-backlog.md",
            [
                (
                    38,
                    "measure has no owner: Reject unknown configuration keys at start-up "
                    "instead of ignoring them",
                ),
                (
                    39,
                    "measure has no owner: Load-test the consumers at peak traffic before each release",
                ),
            ],
        ),
    ]
    assert check_documents(docs, []).exit_code == 0
    assert sum(len(f.measures) for f in report.files) == 12
