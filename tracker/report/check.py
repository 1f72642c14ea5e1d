"""`track check`: what a postmortem's author should see before it merges.

`check_documents` is a pure function from parsed documents (and files that could not be read)
and a policy (the fields every open measure must have) to a `CheckReport`; `render_text`,
`render_github` and `render_markdown` show it to a person, to GitHub Actions (workflow
commands, which become annotations on the pull request's diff) and as one comment body.

What fails the check (exit 1): a file that cannot be read, a file with no measures, an open
measure missing a required field. What is only a note: the parser's other warnings, and lines
that read like commitments outside every measures section (a parse with `explain=True`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from tracker.config import REQUIRABLE, RequiredField
from tracker.errors import ParseError, UsageError
from tracker.model import Note, ParsedDocument, ParsedItem
from tracker.parse.explain import UNTAKEN_COMMITMENT

Severity = Literal["error", "warning"]
FIELD_NAMES: dict[RequiredField, str] = {
    "owner": "owner",
    "due": "due date",
    "priority": "priority",
}
MARKER = "<!-- track:check -->"
_LINE = re.compile(r"\(line (\d+)\)")


@dataclass(frozen=True)
class Finding:
    """Something the author should look at: an error fails the check, a warning is a note."""

    severity: Severity
    message: str
    line: int | None = None


@dataclass(frozen=True)
class FileCheck:
    path: str
    title: str | None  # None: the file could not be read
    measures: tuple[ParsedItem, ...]
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def notes(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]


@dataclass(frozen=True)
class CheckReport:
    files: tuple[FileCheck, ...]
    require: tuple[RequiredField, ...]

    @property
    def failing(self) -> list[FileCheck]:
        return [f for f in self.files if f.errors]

    @property
    def exit_code(self) -> int:
        return 1 if self.failing else 0

    def summary(self) -> str:
        """One line: files, how many need attention, notes, tickets to be, the policy."""
        files, failing = len(self.files), len(self.failing)
        notes = sum(len(f.notes) for f in self.files)
        measures = sum(len(f.measures) for f in self.files)
        tickets = (
            "1 measure becomes a ticket" if measures == 1 else f"{measures} measures become tickets"
        )
        return (
            f"{_count(files, 'file')}: {failing} {'needs' if failing == 1 else 'need'} "
            f"attention, {_count(notes, 'note')}; {tickets}; "
            f"open measures must have: {', '.join(self.require) or 'nothing'}"
        )


def parse_require(value: str) -> tuple[RequiredField, ...]:
    """The fields of `--require owner,due`; `none` for nothing. UsageError names the bad one."""
    names = [part.strip().lower() for part in value.split(",")]
    if names == ["none"]:
        return ()
    allowed = ", ".join(REQUIRABLE)
    found: list[RequiredField] = []
    for name in names:
        field = next((f for f in REQUIRABLE if f == name), None)
        if field is None:
            shown = repr(name) if name else "an empty name"
            raise UsageError(
                f"--require {value!r}: {shown} is not a field; give a comma-separated list of "
                f"{allowed}, or none"
            )
        if field not in found:
            found.append(field)
    return tuple(found)


def check_documents(
    results: Iterable[ParsedDocument | ParseError], require: Sequence[RequiredField]
) -> CheckReport:
    """Check each parsed document (or file that could not be read), in the order given."""
    files = tuple(
        _unreadable(result) if isinstance(result, ParseError) else _check(result, require)
        for result in results
    )
    return CheckReport(files=files, require=tuple(require))


def _unreadable(error: ParseError) -> FileCheck:
    finding = Finding("error", f"cannot be read: {error.reason}")
    return FileCheck(path=error.path, title=None, measures=(), findings=(finding,))


def _check(doc: ParsedDocument, require: Sequence[RequiredField]) -> FileCheck:
    if doc.items:
        findings = [Finding("warning", w, _line_in([w])) for w in doc.warnings]
    else:
        findings = [_no_measures(doc.warnings)]
    findings += _missing(doc.items, require) + _commitments(doc.notes)
    findings.sort(key=lambda f: (f.line or 0, f.severity != "error"))
    return FileCheck(doc.path, doc.incident.title, doc.items, tuple(findings))


def _no_measures(warnings: Sequence[str]) -> Finding:
    """The failure of a file that lists no measures, with the parser's reasons for it."""
    reasons = f" ({'; '.join(warnings)})" if warnings else ""
    return Finding(
        "error", f"no measures found, so no tickets will be made{reasons}", _line_in(warnings)
    )


def _missing(items: Iterable[ParsedItem], require: Sequence[RequiredField]) -> list[Finding]:
    found = []
    for item in items:
        if item.status == "done":
            continue  # finished work needs no owner or date to get done
        missing = [FIELD_NAMES[name] for name in require if getattr(item, name) is None]
        if missing:
            message = f"measure has no {' or '.join(missing)}: {item.text}"
            found.append(Finding("error", message, item.line))
    return found


def _commitments(notes: Iterable[Note]) -> list[Finding]:
    """Lines the parser skipped that read like promises: perhaps measures in the wrong place."""
    return [
        Finding(
            "warning",
            f'"{note.text}" {UNTAKEN_COMMITMENT}, so no ticket will be made for it; '
            "move it into the measures section if it is one",
            note.line,
        )
        for note in notes
        if not note.taken and note.rule == UNTAKEN_COMMITMENT
    ]


def _line_in(warnings: Iterable[str]) -> int | None:
    """The line a parser warning names ("... (line 12) ..."), so an annotation lands there."""
    for warning in warnings:
        if match := _LINE.search(warning):
            return int(match.group(1))
    return None


def describe(item: ParsedItem) -> str:
    """The measure and what the ticket will carry: owner, due date, priority, status."""
    fields = [
        f"owner {item.owner or 'none'}",
        f"due {item.due.isoformat() if item.due else 'none'}",
    ]
    if item.priority:
        fields.append(item.priority)
    fields.append(item.status or "open")
    return f"{item.text} ({', '.join(fields)})"


def render_text(report: CheckReport) -> str:
    lines: list[str] = []
    for file in report.files:
        lines.append(file.path + (f" — {file.title}" if file.title else ""))
        if file.measures:
            lines.append(f"  will become tickets ({len(file.measures)}):")
            lines += [f"    line {item.line}: {describe(item)}" for item in file.measures]
        for heading, findings in (("needs attention", file.errors), ("notes", file.notes)):
            if findings:
                lines.append(f"  {heading}:")
                lines += [f"    {_where(f)}{f.message}" for f in findings]
        lines.append("")
    lines.append(report.summary())
    return "\n".join(lines) + "\n"


def _where(finding: Finding) -> str:
    return f"line {finding.line}: " if finding.line else ""


def render_github(report: CheckReport) -> str:
    """GitHub Actions workflow commands, one a line: an error per failure, a warning per note,
    a notice per measure that will become a ticket. GitHub shows at most 10 annotations of each
    kind per step; the log keeps them all."""
    lines: list[str] = []
    for file in report.files:
        lines += [_command("error", file.path, f.line, f.message) for f in file.errors]
        lines += [_command("warning", file.path, f.line, f.message) for f in file.notes]
        lines += [
            _command("notice", file.path, item.line, f"will become a ticket: {describe(item)}")
            for item in file.measures
        ]
    lines.append(report.summary())
    return "\n".join(lines) + "\n"


def _command(kind: str, path: str, line: int | None, message: str) -> str:
    properties = [f"file={_property(path)}"]
    if line:
        properties.append(f"line={line}")
    properties.append("title=track")
    return f"::{kind} {','.join(properties)}::{_data(message)}"


def _data(text: str) -> str:
    """Escaped as GitHub's runner unescapes a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render_markdown(report: CheckReport) -> str:
    """One comment body; the same report gives the same text, so a workflow can find its
    comment by `MARKER` and update it in place."""
    failing = len(report.failing)
    verdict = (
        f"{failing} of {_count(len(report.files), 'file')} "
        f"{'needs' if failing == 1 else 'need'} attention"
        if failing
        else "nothing needs attention"
    )
    lines = [MARKER, f"## Postmortem check: {verdict}", ""]
    for file in report.files:
        lines += _markdown_file(file)
    lines.append(f"<sub>{report.summary()}</sub>")
    return "\n".join(lines) + "\n"


def _markdown_file(file: FileCheck) -> list[str]:
    title = f" — {_cell(file.title)}" if file.title else ""
    lines = [f"### `{file.path}`{title}", ""]
    if file.measures:
        lines += [
            "| Line | Measure | Owner | Due | Priority | Status |",
            "|---:|---|---|---|---|---|",
        ]
        lines += [
            f"| {i.line} | {_cell(i.text)} | {_cell(i.owner or '—')} "
            f"| {i.due.isoformat() if i.due else '—'} | {_cell(i.priority or '—')} "
            f"| {i.status or 'open'} |"
            for i in file.measures
        ]
        lines.append("")
    for heading, findings in (("Needs attention", file.errors), ("Notes", file.notes)):
        if findings:
            lines += [f"**{heading}**", ""]
            lines += [f"- {_where(f)}{_inline(f.message)}" for f in findings]
            lines.append("")
    return lines


def _inline(text: str) -> str:
    return " ".join(text.split())


def _cell(text: str) -> str:
    return _inline(text).replace("|", "\\|")


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
