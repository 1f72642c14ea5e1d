"""Dates as people write them in postmortems: 2024-05-01, May 1, 2024, 1 May 2024, 2024/05/01."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"

PATTERNS = (
    re.compile(r"(?<![\d/-])(?P<year>\d{4})[-/](?P<month>\d{1,2})[-/](?P<day>\d{1,2})(?![\d/-])"),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.I),
)
# Text that may be a date, for `due` and `date` values given on their own.
ANY_DATE = (
    "(?:"
    + "|".join(
        p.pattern.replace("?P<year>", "?:").replace("?P<month>", "?:").replace("?P<day>", "?:")
        for p in PATTERNS
    )
    + r"|\d{1,2}[./]\d{1,2}[./]\d{4})"
)


def _build(match: re.Match[str]) -> date | None:
    month = match.group("month")
    number = int(month) if month.isdigit() else _MONTHS[month.lower().rstrip(".")]
    try:
        return date(int(match.group("year")), number, int(match.group("day")))
    except ValueError:
        return None


# 28.03.2025 is day first wherever it is written; 04/04/2025 only when day and month cannot be
# confused (equal, or one of them over 12).
_DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d.])")
_SLASHED = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")


def _numeric(text: str) -> Iterator[tuple[int, date]]:
    for match in _DOTTED.finditer(text):
        day, month, year = (int(g) for g in match.groups())
        yield from _safe(match.start(), year, month, day)
    for match in _SLASHED.finditer(text):
        first, second, year = (int(g) for g in match.groups())
        if first == second or first > 12:
            yield from _safe(match.start(), year, second, first)
        elif second > 12:
            yield from _safe(match.start(), year, first, second)


def _safe(at: int, year: int, month: int, day: int) -> Iterator[tuple[int, date]]:
    try:
        yield at, date(year, month, day)
    except ValueError:
        return


def find_dates(text: str) -> Iterator[tuple[int, date]]:
    """Every valid date in `text`, with its offset, in order of appearance."""
    found: list[tuple[int, date]] = list(_numeric(text))
    for pattern in PATTERNS:
        for match in pattern.finditer(text):
            value = _build(match)
            if value is not None:
                found.append((match.start(), value))
    yield from sorted(found, key=lambda pair: pair[0])


def first_date(text: str) -> date | None:
    return next((value for _, value in find_dates(text)), None)


def parse_date(value: object) -> date | None:
    """A date from a front-matter or table value, or None when it is not one."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str | int):
        return None
    text = str(value).strip()
    compact = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if compact:
        try:
            return date(*(int(part) for part in compact.groups()))
        except ValueError:
            return None
    return first_date(text)
