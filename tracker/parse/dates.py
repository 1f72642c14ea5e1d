"""Dates as people write them in postmortems, in every language of the lexicon.

Exact dates: 2024-05-01, 2024/05/01, May 1, 2024, 1 May 2024, 15 de mayo de 2024, 15. Mai 2024,
2024年5月15日, and numeric day-month dates (15.05.2024, 15/05/2024, 15-05-2024). A numeric date
whose day and month could be swapped (04/05/2024) is read the way the document's other numeric
dates show it is written (a 17/05/2024 beside it says day first); with no such evidence, only
when day and month are equal.

Periods, for due dates only (`parse_due`): a quarter ("Q3 2024", "T3 2024", "3T 2024"), a half
("H2 2024"), a month ("May 2024", "giugno 2024", "2024年6月"), or the end of one ("end of March
2024", "Ende Mai 2024", "2024年6月末") is due on its last day.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Literal

from tracker.parse.lexicon import Lexicon, current

Order = Literal["day", "month"] | None  # what comes first in an ambiguous numeric date

_ORDER: ContextVar[Order] = ContextVar("track_date_order", default=None)
# Not followed by another digit, slash or dash: the date may end a sentence ("due 2024-04-05.").
_NUMERIC = re.compile(r"(?<![\d./-])(\d{1,2})([./-])(\d{1,2})\2(\d{4})(?![\d/-]|\.\d)")
_ISO = re.compile(r"(?<![\d/.-])(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d/-]|\.\d)")
_CJK_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th|er|º|°|\.)?"
_YEAR = r"(?P<year>\d{4})"


def detect_order(text: str) -> Order:
    """Day first or month first, from the numeric dates that cannot be read both ways."""
    day = month = 0
    for match in _NUMERIC.finditer(text):
        first, second = int(match.group(1)), int(match.group(3))
        day += first > 12 >= second or match.group(2) == "."
        month += second > 12 >= first
    if day and not month:
        return "day"
    if month and not day:
        return "month"
    return None


@contextmanager
def date_order(order: Order) -> Iterator[None]:
    token = _ORDER.set(order)
    try:
        yield
    finally:
        _ORDER.reset(token)


class _Patterns:
    """The lexicon's date patterns, compiled once per lexicon."""

    def __init__(self, lexicon: Lexicon) -> None:
        # Any word where a month name stands, checked against the lexicon's months in code: one
        # alternation of every language's months would be tried at every position of the text.
        month = r"(?P<month>[^\W\d_]{3,12})\.?"
        self.named = (
            re.compile(rf"(?<!\w){month}\s+{_DAY},?\s+{_YEAR}\b", re.I),
            re.compile(
                rf"(?<![\w.]){_DAY}\s*(?:of\s+|de\s+)?{month},?\s+(?:de\s+)?{_YEAR}\b", re.I
            ),
        )
        quarter = lexicon.alternation("quarter")
        half = lexicon.alternation("half")
        end = lexicon.alternation("end_of")
        self.quarter = re.compile(
            rf"(?<![\w])(?:(?:{quarter})\s?(?P<q>[1-4])|(?P<q2>[1-4])\s?(?:{quarter}))"
            rf"[\s/-]*(?:de\s+)?{_YEAR}\b|\b(?P<year2>\d{{4}})[\s/-]*(?:{quarter})(?P<q3>[1-4])(?![\w])",
            re.I,
        )
        self.cjk_quarter = re.compile(r"(\d{4})\s*年\s*第?\s*([1-4])\s*四半期")  # 2024年第3四半期
        self.half = re.compile(rf"(?<![\w])(?:{half})(?P<h>[12])[\s/-]*{_YEAR}\b", re.I)
        self.month = re.compile(
            rf"(?<!\w)(?:(?P<end>{end})\s*)?{month},?\s+(?:de\s+|del\s+)?{_YEAR}\b"
            rf"|(?P<y>\d{{4}})\s*年\s*(?P<m>\d{{1,2}})\s*月(?P<cjk_end>末|中)?",
            re.I,
        )
        self.any = (
            "(?:"
            + "|".join(
                [_ISO.pattern, _NUMERIC.pattern.replace(r"\2", r"[./-]"), _CJK_DATE.pattern]
                + [_anonymous(p.pattern) for p in self.named]
            )
            + ")"
        )
        self.period = (
            "(?:"
            + "|".join(
                _anonymous(p.pattern)
                for p in (self.quarter, self.cjk_quarter, self.half, self.month)
            )
            + ")"
        )


def _anonymous(pattern: str) -> str:
    return re.sub(r"\(\?P<\w+>", "(?:", re.sub(r"\(\?P=\w+\)", "", pattern)).replace(r"\2", "")


def _patterns() -> _Patterns:
    return current().cached(_Patterns)


def any_date() -> str:
    """A regex (no groups) for text that may be an exact date."""
    return _patterns().any


def any_due() -> str:
    """A regex (no groups) for text that may be a due date: an exact date or a period."""
    return f"(?:{_patterns().any}|{_patterns().period})"


def find_dates(text: str) -> Iterator[tuple[int, date]]:
    """Every valid exact date in `text`, with its offset, in order of appearance."""
    found: list[tuple[int, date]] = []
    for match in _ISO.finditer(text):
        found += _safe(match.start(), *(int(g) for g in match.groups()))
    for match in _CJK_DATE.finditer(text):
        found += _safe(match.start(), *(int(g) for g in match.groups()))
    for match in _NUMERIC.finditer(text):
        found += _numeric(match)
    months = current().month_numbers
    for pattern in _patterns().named:
        for match in pattern.finditer(text):
            month = months.get(match.group("month").lower().rstrip("."))
            if month is not None:
                found += _safe(
                    match.start(), int(match.group("year")), month, int(match.group("day"))
                )
    yield from sorted(found, key=lambda pair: pair[0])


def _numeric(match: re.Match[str]) -> list[tuple[int, date]]:
    first, separator, second, year = match.groups()
    a, b, y = int(first), int(second), int(year)
    order = _ORDER.get()
    if separator == "." or a > 12 or a == b or (order == "day" and b <= 12):
        return _safe(match.start(), y, b, a)  # day first: 28.03.2025, 17/05/2024
    if b > 12 or order == "month":
        return _safe(match.start(), y, a, b)  # month first: 05/17/2024
    return []  # 04/05/2024 with nothing to tell which is the month


def _safe(at: int, year: int, month: int, day: int) -> list[tuple[int, date]]:
    try:
        return [(at, date(year, month, day))]
    except ValueError:
        return []


def first_date(text: str) -> date | None:
    return next((value for _, value in find_dates(text)), None)


def parse_date(value: object) -> date | None:
    """An exact date from a front-matter or table value, or None when it is not one."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str | int):
        return None
    text = str(value).strip()
    compact = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if compact:
        found = _safe(0, *(int(part) for part in compact.groups()))
        return found[0][1] if found else None
    return first_date(text)


def parse_due(value: object) -> date | None:
    """A due date: an exact date, else the last day of the period the value names."""
    exact = parse_date(value)
    if exact is not None or not isinstance(value, str):
        return exact
    return period_end(value)


def period_end(text: str) -> date | None:
    patterns = _patterns()
    if match := patterns.quarter.search(text):
        quarter = int(match.group("q") or match.group("q2") or match.group("q3"))
        return _month_end(int(match.group("year") or match.group("year2")), 3 * quarter)
    if match := patterns.cjk_quarter.search(text):
        return _month_end(int(match.group(1)), 3 * int(match.group(2)))
    if match := patterns.half.search(text):
        return _month_end(int(match.group("year")), 6 * int(match.group("h")))
    months = current().month_numbers
    for match in patterns.month.finditer(text):
        if match.group("y"):
            return _month_end(int(match.group("y")), int(match.group("m")))
        month = months.get(match.group("month").lower().rstrip("."))
        if month:
            return _month_end(int(match.group("year")), month)
    return None


def _month_end(year: int, month: int) -> date | None:
    if not 1 <= month <= 12:
        return None
    return date(year, month, calendar.monthrange(year, month)[1])
