"""Text where a measure would stand that promises nothing: placeholders and template tokens
("TBD", "N/A – already handled", "to be agreed at the review", "{{ action }}", "Example: ..."),
and sentences that are not commitments (scheduling a follow-up meeting; the postmortem's own
housekeeping, such as "publish this document"). The words are the language tables'.
"""

from __future__ import annotations

import re

from tracker.model import ParsedItem
from tracker.parse.explain import skipped
from tracker.parse.lexicon import Lexicon, current

_SEPARATED = r"(?:\s*[;:,.\-–—(].*)?\.?"  # "N/A – the backlog was a one-off", "None; keep it"
_TOKEN = (
    r"-+|—|\.\.\.|…|\{\{[^{}]*\}\}|<[^<>]{1,40}>|\[[^\[\]]{1,40}\]"  # "{{ action }}", "<action>"
)


class _Patterns:
    def __init__(self, lexicon: Lexicon) -> None:
        words = lexicon.alternation("placeholders")
        self.placeholder = re.compile(
            rf"(?:(?:[^:]{{1,60}}:\s*)?(?:{words})(?![\w])|{_TOKEN}){_SEPARATED}", re.I
        )
        self.not_commitment = re.compile(
            rf"(?:{lexicon.alternation('not_commitments')})", re.I | re.S
        )


def _patterns() -> _Patterns:
    return current().cached(_Patterns)


def is_placeholder(text: str) -> bool:
    """'TBD', 'None', 'N/A', 'Caching: TBD pending review', '{{ action }}' stand where no
    measure was written."""
    return bool(_patterns().placeholder.fullmatch(text.strip()))


def not_a_commitment(text: str) -> bool:
    """A sentence that schedules a meeting or tends to the postmortem itself."""
    return bool(_patterns().not_commitment.fullmatch(text.strip()))


def measures_only(items: list[ParsedItem]) -> list[ParsedItem]:
    """The items that are measures: not empty, not placeholders, not scheduling a meeting or
    tending to the postmortem itself (each skipped one is noted for `--explain`)."""
    kept = []
    for item in items:
        if not item.text:
            continue
        if is_placeholder(item.text):
            skipped(item.line, item.text, "a placeholder, not a measure")
        elif not_a_commitment(item.text):
            skipped(item.line, item.text, "schedules a meeting or tends to the postmortem itself")
        else:
            kept.append(item)
    return kept
