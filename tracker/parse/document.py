"""Read postmortem markdown files and find their corrective and preventative measures.

`parse_text` is the pure core; `parse_file` adds reading a file safely (size, binary content,
encoding); `markdown_files` expands the paths a user gives into the files to read.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tracker.errors import ParseError, UsageError
from tracker.model import ParsedDocument, ParsedItem
from tracker.parse import DEFAULT_MAX_BYTES
from tracker.parse.dates import date_order, detect_order
from tracker.parse.explain import active, recording
from tracker.parse.incident import front_matter, read_incident
from tracker.parse.inline import inline_items, untaken_commitments
from tracker.parse.items import section_items
from tracker.parse.lexicon import Lexicon, load, using
from tracker.parse.markdown import parse_tree
from tracker.parse.sections import find_sections, units_of
from tracker.parse.vocabulary import Vocabulary

MARKDOWN_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True)
class ParserSettings:
    """What a team may tune: extra measures-heading regexes, language tables of its own
    (`languages/*.toml` shape), the largest file to read."""

    measures_headings: tuple[str, ...] = ()
    max_bytes: int = DEFAULT_MAX_BYTES
    languages: tuple[Path, ...] = ()
    _lexicon: Lexicon = field(init=False, repr=False, compare=False)
    _vocabulary: Vocabulary = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lexicon = load(self.languages)
        object.__setattr__(self, "_lexicon", lexicon)
        object.__setattr__(self, "_vocabulary", Vocabulary.build(lexicon, self.measures_headings))

    @property
    def vocabulary(self) -> Vocabulary:
        return self._vocabulary

    @property
    def lexicon(self) -> Lexicon:
        return self._lexicon


DEFAULT_SETTINGS = ParserSettings()


def parse_text(
    text: str,
    path: str = "<text>",
    settings: ParserSettings = DEFAULT_SETTINGS,
    *,
    explain: bool = False,
) -> ParsedDocument:
    """Parse one postmortem's markdown. Never raises for odd content: it warns instead. With
    `explain`, the document's `notes` say which rule took each item and why candidates were
    skipped."""
    with using(settings.lexicon), date_order(detect_order(text)):
        if not explain:
            return _parse(text, path, settings)
        with recording() as notes:
            doc = _parse(text, path, settings)
    ordered = sorted(notes, key=lambda note: (note.line, not note.taken))
    return doc.model_copy(update={"notes": tuple(ordered)})


def _parse(text: str, path: str, settings: ParserSettings) -> ParsedDocument:
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    root = parse_tree(text)
    meta, warnings = front_matter(root)
    incident, incident_warnings = read_incident(root, path, meta)
    warnings += incident_warnings
    units = units_of(root, settings.vocabulary)
    sections = find_sections(units, settings.vocabulary)
    found = [(section, section_items(section)) for section in sections]
    if any(section.strong and listed for section, listed in found):
        # Beside "Follow-ups", a "Tasks" checklist whose every entry is ticked off is the
        # response's own work, not measures.
        found = [
            (section, listed)
            for section, listed in found
            if section.strong or not listed or any(item.status != "done" for item in listed)
        ]
    items: list[ParsedItem] = []
    for section, listed in found:
        if not listed:
            warnings.append(
                f"measures section {section.title!r} (line {section.line}) lists no items"
            )
        items.extend(listed)
    inline = inline_items(units, sections, settings.vocabulary)
    if inline:
        lines = ", ".join(str(item.line) for item in inline)
        warnings.append(
            f"{len(inline)} measures found only by inline labels outside a measures section "
            f"(line {lines})"
        )
    if not sections and not inline:
        warnings.append("no corrective or preventative measures section found")
    items = sorted([*items, *inline], key=lambda item: item.line)
    if active():
        untaken_commitments(units, sections, items)
    return ParsedDocument(
        path=path, incident=incident, items=tuple(items), warnings=tuple(warnings)
    )


def read_markdown(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The file's text, or a ParseError that says what is wrong with it."""
    return decode_markdown(path, read_file(path, max_bytes))


def read_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes, or a ParseError when it is too large or cannot be read."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ParseError(
                str(path),
                f"file is {size / 1048576:.1f} MiB, more than the {max_bytes / 1048576:.0f} MiB "
                "a postmortem may have (parser.max_file_mb in the config)",
            )
        return path.read_bytes()
    except OSError as exc:
        raise ParseError(str(path), f"cannot read file: {exc.strerror or exc}") from exc


def decode_markdown(path: Path, data: bytes) -> str:
    """The text of a file's bytes, or a ParseError when they are binary or not UTF-8."""
    if b"\x00" in data[:65536]:
        raise ParseError(str(path), "not a text file (binary content); give a markdown file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ParseError(
            str(path), f"not valid UTF-8 (line {line}, byte {exc.start}); save the file as UTF-8"
        ) from exc


def parse_file(
    path: Path, settings: ParserSettings = DEFAULT_SETTINGS, *, explain: bool = False
) -> ParsedDocument:
    text = read_markdown(path, settings.max_bytes)
    return parse_text(text, str(path), settings, explain=explain)


def markdown_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named directly, and the markdown files under folders, sorted; UsageError if none."""
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() in MARKDOWN_SUFFIXES
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                raise UsageError(f"{path}: no markdown files (*.md) in this folder")
            yield from found
        elif path.exists():
            yield path
        elif os.path.lexists(path):
            raise UsageError(f"{path}: broken symbolic link")
        else:
            raise UsageError(f"{path}: no such file or folder")
