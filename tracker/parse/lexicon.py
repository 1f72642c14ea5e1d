"""The words postmortems are written in: one table per language (`languages/*.toml`), merged.

Every table has the same shape (see `languages/en.toml`): the names of measures sections and of
other sections, status words, field labels (owner, due, status, priority, ticket), table
headers by role, inline markers, placeholders, sentences that are not commitments, and month
names. The parser reads them all at once, so a document may mix languages. A team adds its own
words or language with a file of the same shape (`parser.languages` in the config); its lists
are added to the shipped ones.

The parser asks `current()` for the lexicon of the parse in progress (set by `using`), so the
functions that read metadata need no extra argument.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar

from tracker.errors import UsageError

T = TypeVar("T")

LIST_KEYS = {
    "sections": ("strong", "weak", "other", "never", "meeting", "supporting"),
    "status": ("done", "open"),
    "fields": (
        "owner",
        "unassigned",
        "due",
        "due_words",
        "status",
        "priority",
        "ticket",
        "priority_words",
    ),
    "phrases": ("markers", "placeholders", "commitments", "not_commitments"),
    "dates": ("quarter", "half", "end_of"),
}
COLUMN_ROLES = ("number", "id", "owner", "due", "priority", "type", "status", "ref", "text")


@dataclass(frozen=True)
class Lexicon:
    """Every language table merged: word lists by key, months by name."""

    lists: tuple[tuple[str, tuple[str, ...]], ...]
    columns: tuple[tuple[str, tuple[str, ...]], ...]
    months: tuple[tuple[str, int], ...]
    names: tuple[str, ...] = field(default=())  # the tables, for messages

    @cached_property
    def digest(self) -> str:
        """A short hash of every word: what the parser reads with, for the ingest's hashes."""
        import hashlib

        text = repr((self.lists, self.columns, self.months))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def __getitem__(self, key: str) -> tuple[str, ...]:
        return self._lists.get(key, ())

    @cached_property
    def _lists(self) -> dict[str, tuple[str, ...]]:
        return dict(self.lists)

    def alternation(self, key: str) -> str:
        """The words of `key` as one regex alternation (no group captures)."""
        return "|".join(self[key])

    @cached_property
    def month_numbers(self) -> dict[str, int]:
        return dict(self.months)

    @cached_property
    def month_pattern(self) -> str:
        return "|".join(re.escape(m) for m in sorted(self.month_numbers, key=len, reverse=True))

    @cached_property
    def column_patterns(self) -> tuple[tuple[str, re.Pattern[str]], ...]:
        return tuple((role, re.compile("|".join(words), re.I)) for role, words in self.columns)

    def cached(self, build: Callable[[Lexicon], T]) -> T:
        """What `build` makes of this lexicon (its compiled patterns), made once."""
        store: dict[Callable[[Lexicon], object], object] = self.__dict__.setdefault("_built", {})
        if build not in store:
            store[build] = build(self)
        return store[build]  # type: ignore[return-value]

    def words(self, key: str, *, start: bool = False) -> str:
        """The words of `key` as one regex group, each a whole word (no boundary around words
        written without spaces, such as Japanese ones). With `start`, anchored at the start."""
        return boundaried(self[key], anchored=start)


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def boundaried(patterns: Iterable[str], *, anchored: bool = False) -> str:
    """Whole words: one boundary around all the words written with spaces between them, none
    around Japanese or Chinese ones."""
    listed = list(patterns)
    latin = [p for p in listed if not _CJK.search(p)]
    cjk = [p for p in listed if _CJK.search(p)]
    lead = "^" if anchored else r"(?<![\w])"
    parts = [rf"{lead}(?:{'|'.join(latin)})(?![\w])"] if latin else []
    if cjk:
        parts.append(("^" if anchored else "") + f"(?:{'|'.join(cjk)})")
    return "(?:" + ("|".join(parts) or r"(?!x)x") + ")"


def _read(source: Any, name: str) -> dict[str, Any]:
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{name}: cannot read language table ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{name}: not a valid TOML language table ({exc})") from exc
    return data


def _check(data: dict[str, Any], name: str) -> None:
    for table, value in data.items():
        if table not in (*LIST_KEYS, "columns"):
            raise UsageError(f"{name}: unknown table [{table}] (see languages/en.toml)")
        if not isinstance(value, dict):
            raise UsageError(f"{name}: [{table}] must be a table")
    for table, keys in LIST_KEYS.items():
        for key, words in data.get(table, {}).items():
            if key == "months" and table == "dates":
                continue
            if key not in keys:
                raise UsageError(f"{name}: unknown key {table}.{key} (see languages/en.toml)")
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                raise UsageError(f"{name}: {table}.{key} must be a list of strings")
            for word in words:
                if any(ord(c) < 32 for c in word):
                    raise UsageError(
                        f"{name}: {table}.{key}: {word!r} holds a control character; write "
                        "patterns in single quotes ('\\b' in double quotes is a backspace)"
                    )
                try:
                    re.compile(word)
                except re.error as exc:
                    raise UsageError(
                        f"{name}: {table}.{key}: {word!r} is not a valid regular expression ({exc})"
                    ) from exc


@cache
def load(extra: tuple[Path, ...] = ()) -> Lexicon:
    """The shipped tables, then the team's, merged."""
    shipped = files("tracker.parse") / "languages"
    sources: list[tuple[Any, str]] = [
        (entry, entry.name)
        for entry in sorted(shipped.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".toml")
    ]
    shipped_count = len(sources)
    sources += [(path, str(path)) for path in extra]
    words: dict[str, list[str]] = {}
    columns: dict[str, list[str]] = {role: [] for role in COLUMN_ROLES}
    months: dict[str, int] = {}
    for index, (source, name) in enumerate(sources):
        data = _read(source, name)
        if index >= shipped_count:  # the shipped tables are checked by the tests, not each start
            _check(data, name)
        for table, keys in LIST_KEYS.items():
            for key in keys:
                words.setdefault(key, [])
                words[key] += [w for w in data.get(table, {}).get(key, []) if w not in words[key]]
        for role, patterns in data.get("columns", {}).items():
            if role not in COLUMN_ROLES:
                raise UsageError(f"{name}: unknown column role {role!r} (see languages/en.toml)")
            columns[role] += list(patterns)
        for month, number in data.get("dates", {}).get("months", {}).items():
            if months.get(month.lower(), number) != number:
                raise UsageError(f"{name}: month {month!r} is already month {months[month]}")
            months[month.lower()] = int(number)
    return Lexicon(
        lists=tuple((key, tuple(value)) for key, value in words.items()),
        columns=tuple((role, tuple(columns[role])) for role in COLUMN_ROLES if columns[role]),
        months=tuple(months.items()),
        names=tuple(name for _, name in sources),
    )


_CURRENT: ContextVar[Lexicon | None] = ContextVar("track_lexicon", default=None)


def current() -> Lexicon:
    """The lexicon of the parse in progress (the shipped tables outside a parse)."""
    return _CURRENT.get() or load()


@contextmanager
def using(lexicon: Lexicon) -> Iterator[None]:
    token = _CURRENT.set(lexicon)
    try:
        yield
    finally:
        _CURRENT.reset(token)
