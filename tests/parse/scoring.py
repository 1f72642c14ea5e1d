"""Compare what the parser found with what a reader expects, item by item."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from tracker.model import ParsedItem


def norm(text: str) -> str:
    text = text.translate(
        str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
    )
    text = re.sub(r"[*_`\\]", "", text)
    return re.sub(r"\s+", " ", text).strip().lower()


@dataclass
class Comparison:
    matched: list[tuple[str, ParsedItem]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[ParsedItem] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        return not self.missing and not self.extra

    def describe(self) -> str:
        lines = [f"missing: {snippet!r}" for snippet in self.missing]
        lines += [f"extra: {item.text[:80]!r} (line {item.line})" for item in self.extra]
        return "\n".join(lines)


def compare(items: Sequence[ParsedItem], snippets: Sequence[str]) -> Comparison:
    """Pair each expected snippet with the first unpaired item whose text contains it."""
    result = Comparison()
    free = list(items)
    for snippet in snippets:
        found = next((item for item in free if norm(snippet) in norm(item.text)), None)
        if found is None:
            result.missing.append(snippet)
        else:
            free.remove(found)
            result.matched.append((snippet, found))
    result.extra = free
    return result


def same_ref(expected: str | None, got: str | None) -> bool:
    """Refs agree when equal, or when one is the URL of the other's number (#12829)."""
    if expected is None or got is None:
        return expected == got
    if expected == got:
        return True
    number = re.search(r"(\d+)\D*$", expected)
    return bool(number) and got.rstrip("/").endswith(number.group(1)) if number else False
