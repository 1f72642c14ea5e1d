"""Write-back (opt-in: `track sync --write-back`, `track link`): each ticket's reference goes
into the postmortem next to its measure, and the task-list box of a measure whose ticket was
completed is ticked.

The document keeps its own form: a list entry (or paragraph) gets a suffix, `(acme/ops#12)`,
`(#12)` where the document already writes short references, `[OPS-12](https://.../browse/OPS-12)`
for Jira; a table writes the reference into its ticket column (Bug, Issue, Ticket, ...) when the
cell is empty, else after the measure's text. Nothing else in the file changes: bytes outside
the edited spots, line endings and a byte-order mark are kept.

Safety, in order: a file whose content is not the one last ingested (the stored hash) is not
written, it changed on disk since track read it; every edit is checked by parsing the new text:
each measure must keep its text (so its identity) and read the new reference as its ticket, and
an edit that does not is dropped; the file is read again just before it is replaced (atomically)
and left alone if it changed meanwhile; then it is ingested again, so the store knows the new
content and a second run finds nothing to do.
"""

from __future__ import annotations

import itertools
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it.tree import SyntaxTreeNode
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.config import Config, GitHubTarget
from tracker.errors import ParseError
from tracker.model import ParsedItem
from tracker.parse.document import ParserSettings, markdown_files, parse_text, read_file
from tracker.parse.entries import field_line
from tracker.parse.markdown import inline_lines, parse_tree
from tracker.parse.phrases import ticket_in_text
from tracker.parse.tables import column_roles
from tracker.store.database import Store
from tracker.store.identity import fingerprint
from tracker.store.ingest import Keys, ingest_paths
from tracker.store.parsing import content_hash
from tracker.store.schema import ActionItem, RemoteLink, SourceFile

BOM = b"\xef\xbb\xbf"
_NEWLINE = re.compile(r"(\r\n|\r|\n)")
_OPEN_BOX = re.compile(r"^(\s*(?:>\s*)*(?:[-*+]|\d{1,9}[.)])\s+)\[ \]")
_EMPTY_CELL = re.compile(r"|-+|—|–|n/?a|none|tbd|\?", re.I)
_FLAG_CELL = re.compile(r"(?:\*\*|__)?(?:TODO|DONE|FIXED|WONTFIX|IN PROGRESS)(?:\*\*|__)?")
_SHORT_REF = re.compile(r"#\d+")
_JIRA_KEY = re.compile(r"[A-Z][A-Z0-9]+-\d+")


@dataclass
class FileWrite:
    path: str
    linked: list[str] = field(default_factory=list)  # measures that got their ticket's reference
    ticked: list[str] = field(default_factory=list)  # measures whose box was ticked
    refused: list[str] = field(default_factory=list)  # edits the parser would not read back
    skipped: str | None = None  # why the file was not written at all

    @property
    def changed(self) -> bool:
        return bool(self.linked or self.ticked) and self.skipped is None


@dataclass
class WriteBackReport:
    files: list[FileWrite] = field(default_factory=list)
    dry_run: bool = False

    def count(self, name: str) -> int:
        return sum(len(getattr(f, name)) for f in self.files if f.skipped is None)

    def warnings(self) -> list[str]:
        lines = [f"{f.path}: not written: {f.skipped}" for f in self.files if f.skipped]
        return lines + [
            f"{f.path}: left unchanged for {text!r}: the reference would change how the "
            "measure reads; add it by hand"
            for f in self.files
            for text in f.refused
        ]

    def summary(self) -> dict[str, object]:
        return {
            "files": [f.path for f in self.files if f.changed],
            "linked": self.count("linked"),
            "ticked": self.count("ticked"),
            "skipped": [{"path": f.path, "reason": f.skipped} for f in self.files if f.skipped],
        }


@dataclass(frozen=True)
class _Edit:
    """What one measure should gain: its ticket's reference, a ticked box, or both."""

    index: int  # of the measure in the parsed document
    ref: str | None = None  # as written after the measure
    ref_read: str | None = None  # what the parser must read back as its ticket
    tick: bool = False


def write_back(
    store: Store,
    settings: Config,
    paths: Iterable[Path],
    *,
    root: Path | None,
    dry_run: bool = False,
) -> WriteBackReport:
    """Write ticket references and ticked boxes into the postmortems under `paths` (only files
    track has ingested; keys start at `root`, as for ingest). With `dry_run`, report what would
    be written and write nothing."""
    report = WriteBackReport(dry_run=dry_run)
    parser = settings.parser_settings()
    keys = Keys(root)
    for path in markdown_files(paths):
        key, _ = keys.of(path)
        result = _write_file(store, settings, path, key, parser, root=root, dry_run=dry_run)
        if result is not None:
            report.files.append(result)
    return report


def _write_file(
    store: Store,
    settings: Config,
    path: Path,
    key: str,
    parser: ParserSettings,
    *,
    root: Path | None,
    dry_run: bool,
) -> FileWrite | None:
    try:
        data = read_file(path, parser.max_bytes)
    except ParseError as exc:
        return FileWrite(key, skipped=str(exc))
    wanted, last_read = _wanted(store, settings, key)
    if not wanted:
        return None  # nothing to write (or never ingested: no tickets)
    if last_read != content_hash(data, parser):
        return FileWrite(key, skipped=CHANGED)
    bom = data.startswith(BOM)
    try:
        text = data[len(BOM) if bom else 0 :].decode("utf-8")
    except UnicodeDecodeError:
        return FileWrite(key, skipped="not valid UTF-8")
    result = FileWrite(key)
    new_text = _edit_text(text, key, parser, wanted, result)
    if not result.linked and not result.ticked:
        return result if result.refused else None
    if dry_run:
        return result
    if read_file(path, parser.max_bytes) != data:
        result.skipped = "it changed on disk while track was writing it; run again"
        return result
    _replace(path, (BOM if bom else b"") + new_text.encode("utf-8"))
    ingest_paths(store, [path], root=root, settings=parser)
    return result


@dataclass(frozen=True)
class _Ticket:
    kind: str  # github, jira
    key: str  # 12, OPS-12
    url: str
    repo: str | None = None  # GitHub's OWNER/NAME

    def written(self, *, short: bool, bare: bool) -> tuple[str, str]:
        """How the document names the ticket, and what the parser reads back from that: the
        document's own style (`#12` or a bare `OPS-12` where it already writes those)."""
        # only a form the parser reads as a ticket (it takes no one-digit "#3", a heading's)
        if self.kind == "github":
            ref = f"#{self.key}"
            ref = ref if short and ticket_in_text(ref) == ref else f"{self.repo}#{self.key}"
            return ref, ref
        if bare and ticket_in_text(self.key) == self.key:
            return self.key, self.key
        return f"[{self.key}]({self.url})", self.url


_Wanted = dict[tuple[int, str], tuple["_Ticket | None", bool]]


CHANGED = (
    "it changed on disk since track last read it (run `track sync` or `track ingest` first, "
    "then link)"
)


def _wanted(store: Store, settings: Config, key: str) -> tuple[_Wanted, str | None]:
    """Per stored measure (line, fingerprint): its ticket to name, and whether to tick its
    box; and the hash of the content track last read from the file."""
    order = {target.name: n for n, target in enumerate(settings.targets)}
    with store.session(commit=False) as session:
        source = session.get(SourceFile, key)
        if source is None or source.incident_id is None:
            return {}, None
        items = session.scalars(
            select(ActionItem)
            .where(ActionItem.incident_id == source.incident_id, ActionItem.removed_at.is_(None))
            .options(selectinload(ActionItem.links))
        )
        wanted: _Wanted = {}
        for item in items:
            links = sorted(
                (link for link in item.links if _writable(link, order)),
                key=lambda link: order[link.target],
            )
            ticket = _ticket(settings, links[0]) if links and not item.tracker_ref else None
            tick = item.status == "done" and item.document_status != "done"
            if (ticket or tick) and item.line is not None:
                wanted[(item.line, item.fingerprint)] = (ticket, tick)
        return wanted, source.content_hash


def _writable(link: RemoteLink, order: dict[str, int]) -> bool:
    """A ticket of the tool's (named ones are in the document already) that still exists."""
    return (
        link.origin != "named"
        and link.url is not None
        and link.remote_state != "deleted"
        and link.target in order
    )


def _ticket(settings: Config, link: RemoteLink) -> _Ticket:
    target = settings.target(link.target)
    repo = target.repo if isinstance(target, GitHubTarget) else None
    return _Ticket(link.kind, link.remote_key, link.url or "", repo)


def _edit_text(
    text: str,
    key: str,
    parser: ParserSettings,
    wanted: _Wanted,
    result: FileWrite,
) -> str:
    doc = parse_text(text, key, parser)
    short = any(_SHORT_REF.fullmatch(i.tracker_ref or "") for i in doc.items)
    bare = any(_JIRA_KEY.fullmatch(i.tracker_ref or "") for i in doc.items)
    edits = []
    for index, item in enumerate(doc.items):
        ticket, tick = wanted.get((item.line, fingerprint(item.text)), (None, False))
        ref, read = ticket.written(short=short, bare=bare) if ticket else (None, None)
        if ref or tick:
            edits.append(_Edit(index, ref, read, tick))
    shared = {line for line in (i.line for i in doc.items) if _count_line(doc.items, line) > 1}
    edits = [e for e in edits if doc.items[e.index].line not in shared]  # two on a line: unsure
    lines = _NEWLINE.split(text)  # text, newline, text, ...: joined back byte for byte
    tree = parse_tree(text.replace("\r\n", "\n").replace("\r", "\n"))
    places = _Places(tree, [i.line for i in doc.items])
    kept = _apply(lines, edits, doc.items, places)
    new_text = "".join(lines_after(lines, kept, doc.items, places))
    if _verify(new_text, key, parser, doc.items, kept):
        accepted = kept
    else:  # find the edits that read back wrong, one at a time
        accepted = []
        for edit in kept:
            trial = "".join(lines_after(lines, [*accepted, edit], doc.items, places))
            if _verify(trial, key, parser, doc.items, [*accepted, edit]):
                accepted.append(edit)
        new_text = "".join(lines_after(lines, accepted, doc.items, places))
    for edit in kept:  # an edit with no place to go (no box, a full cell) is no refusal
        item_text = doc.items[edit.index].text
        if edit not in accepted:
            result.refused.append(item_text)
            continue
        if edit.ref:
            result.linked.append(item_text)
        if edit.tick:
            result.ticked.append(item_text)
    return new_text


def _count_line(items: tuple[ParsedItem, ...], line: int) -> int:
    return sum(item.line == line for item in items)


class _Places:
    """Where in the document each measure is: a table row (and its ticket column), or the
    last line of its text in a paragraph."""

    def __init__(self, tree: SyntaxTreeNode, item_lines: list[int]) -> None:
        self.rows: dict[int, tuple[int, int]] = {}  # line → (ticket column or -1, text column)
        self.paragraphs: list[SyntaxTreeNode] = []
        self.item_lines = sorted(set(item_lines))
        for node in tree.walk():
            if node.type == "table":
                self._table(node)
            elif node.type == "paragraph" and node.map:
                self.paragraphs.append(node)

    def _table(self, table: SyntaxTreeNode) -> None:
        header = [
            " ".join(ln.text for ln in inline_lines(cell))
            for part in table.children
            if part.type == "thead"
            for row in part.children
            for cell in row.children
        ]
        roles = column_roles(header)
        ref = next((i for i, role in roles.items() if role == "ref"), -1)
        text = next((i for i, role in roles.items() if role == "text"), 0)
        for part in table.children:
            for row in part.children:
                if part.type == "tbody" and row.map:
                    self.rows[row.map[0] + 1] = (ref, text)

    def text_end(self, line: int) -> int | None:
        """The last line (1-based) of the measure's own text in its paragraph: up to the next
        measure's line or the paragraph's end, without trailing lines that are only fields."""
        node = next(
            (p for p in self.paragraphs if p.map and p.map[0] < line <= p.map[1]),
            None,
        )
        if node is None or node.map is None:
            return None
        after = [n for n in self.item_lines if line < n <= node.map[1]]
        end = min([node.map[1], *(n - 1 for n in after)])
        lines = [ln for ln in inline_lines(node) if line <= ln.number <= end]
        while len(lines) > 1 and field_line(lines[-1].text) is not None:
            lines = lines[:-1]
        return lines[-1].number if lines else None


def _apply(
    lines: list[str], edits: list[_Edit], items: tuple[ParsedItem, ...], places: _Places
) -> list[_Edit]:
    """The edits that have a place to go (a box to tick, a line or cell for the reference)."""
    kept = []
    for edit in edits:
        line = items[edit.index].line
        if edit.tick and not _OPEN_BOX.match(lines[2 * (line - 1)]):
            edit = _Edit(edit.index, edit.ref, edit.ref_read, False)
        if edit.ref and _with_ref(lines, line, edit.ref, places) is None:
            edit = _Edit(edit.index, tick=edit.tick)
        if edit.ref or edit.tick:
            kept.append(edit)
    return kept


def lines_after(
    lines: list[str], edits: list[_Edit], items: tuple[ParsedItem, ...], places: _Places
) -> list[str]:
    """The document's pieces (lines and newlines) with these edits made."""
    out = list(lines)
    for edit in edits:
        line = items[edit.index].line
        if edit.ref:
            where, new = _with_ref(out, line, edit.ref, places) or (0, out[0])
            out[2 * (where - 1)] = new
        if edit.tick:
            out[2 * (line - 1)] = _OPEN_BOX.sub(r"\1[x]", out[2 * (line - 1)], count=1)
    return out


def _with_ref(lines: list[str], line: int, ref: str, places: _Places) -> tuple[int, str] | None:
    """(line number, the line with the reference added), or None when there is no safe spot."""
    if line in places.rows:
        ticket, text = places.rows[line]
        row = _cell_ref(lines[2 * (line - 1)], ticket, text, ref)
        return (line, row) if row is not None else None
    end = places.text_end(line)
    if end is None or 2 * (end - 1) >= len(lines):
        return None
    raw = lines[2 * (end - 1)]
    body = raw.rstrip(" \t")
    if body.endswith("\\"):  # a hard line break: the reference goes before it
        return end, f"{body[:-1].rstrip()} ({ref})\\{raw[len(body) :]}"
    return end, f"{body} ({ref}){raw[len(body) :]}"


def _cell_ref(row: str, ticket: int, text: int, ref: str) -> str | None:
    """The table row with the reference in the ticket cell (empty, a dash, or only a status
    flag such as TODO), or, without a ticket column, after the measure's text."""
    bars = [m.start() for m in re.finditer(r"(?<!\\)\|", row)]
    edges = bars if row.lstrip().startswith("|") else [-1, *bars]
    if not row.rstrip().endswith("|"):
        edges = [*edges, len(row)]
    cells = [(start + 1, end) for start, end in itertools.pairwise(edges)]
    column = ticket if ticket >= 0 else text
    if column >= len(cells):
        return None
    start, end = cells[column]
    content = row[start:end]
    value = content.strip()
    if ticket < 0:
        new = f"{content.rstrip()} {ref}" + (" " if content != content.rstrip() else "")
    elif _EMPTY_CELL.fullmatch(value):
        new = f" {ref} ".ljust(len(content))
    elif _FLAG_CELL.fullmatch(value):
        new = f" {ref} {value} ".ljust(len(content))
    else:
        return None  # the cell says something the parser did not read as a ticket
    return row[:start] + new + row[end:]


def _verify(
    text: str,
    key: str,
    parser: ParserSettings,
    before: tuple[ParsedItem, ...],
    edits: list[_Edit],
) -> bool:
    """The edited document reads as before, measure for measure, except what the edits add."""
    after = parse_text(text, key, parser).items
    if len(after) != len(before):
        return False
    changes = {edit.index: edit for edit in edits}
    for index, (old, new) in enumerate(zip(before, after, strict=True)):
        edit = changes.get(index)
        if fingerprint(new.text) != fingerprint(old.text) or new.explicit_id != old.explicit_id:
            return False
        if new.tracker_ref != (edit.ref_read if edit and edit.ref else old.tracker_ref):
            return False
        if new.status != ("done" if edit and edit.tick else old.status):
            return False
    return True


def _replace(path: Path, data: bytes) -> None:
    """Write the file's new content atomically, keeping its permissions."""
    mode = path.stat().st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


__all__ = ["FileWrite", "WriteBackReport", "write_back"]
