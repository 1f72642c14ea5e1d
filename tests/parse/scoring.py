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
    """Pair each expected snippet with the first unpaired item whose text starts with it (a
    label is the first words of the measure's own text)."""
    result = Comparison()
    free = list(items)
    for snippet in snippets:
        found = next((item for item in free if norm(item.text).startswith(norm(snippet))), None)
        if found is None:
            result.missing.append(snippet)
        else:
            free.remove(found)
            result.matched.append((snippet, found))
    result.extra = free
    return result


def same_ref(expected: str | None, got: str | None) -> bool:
    """Refs agree when equal, or when one is the issue URL the other names: `#12829` and
    `https://github.com/o/r/issues/12829`, `OPS-12` and `https://x.atlassian.net/browse/OPS-12`.
    Prefix, project and number must agree exactly: `#2` is not `#12`, `ORD-77` is not `JIRA-77`."""
    if expected is None or got is None:
        return expected == got
    if expected == got:
        return True
    want, have = _ref_key(expected), _ref_key(got)
    if want is None or have is None:
        return False
    if "" in (want[0], have[0]):  # "#365" names an issue of the document's own repository
        return want[1] == have[1]
    return want == have


def _ref_key(ref: str) -> tuple[str, str] | None:
    """What a reference points at: (project or repository, number); None when it is neither."""
    ref = ref.strip().rstrip("/")
    if match := re.fullmatch(r"(?:https?://\S+/browse/)?([A-Z][A-Z0-9]+)-(\d+)", ref):
        return match.group(1), match.group(2)
    issue_url = r"https?://[^/]+/([\w./-]+?)(?:/-)?/(?:issues|pull|merge_requests)/(\d+)"
    if match := re.fullmatch(issue_url, ref):
        return match.group(1).lower(), match.group(2)
    if match := re.fullmatch(r"([\w.-]+/[\w./-]+)[#!](\d+)", ref):  # org/repo#4, group/project!34
        return match.group(1).lower(), match.group(2)
    if match := re.fullmatch(r"[#!](\d+)", ref):
        return "", match.group(1)  # this repository: a URL of any repository with it matches
    return None
