"""Which headings and labels open a measures section, and which ones end it.

The words come from the language tables (`tracker/parse/lexicon.py`): "Corrective and
preventative measures", "Action items", "Follow-ups", "Medidas correctivas", "Maßnahmen",
"再発防止策", ... Teams add their own patterns (config `parser.measures_headings` or
`track parse --heading`), or their own language table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from tracker.parse.lexicon import Lexicon, boundaried

Kind = Literal["measures", "other"]

_JOINED = re.compile(r"\band\b|&|/|\+|\by\b|\bund\b|\bet\b|\be\b|\ben\b|と")


def alternation(patterns: Iterable[str]) -> re.Pattern[str]:
    """One regex for whole words or phrases (see `lexicon.boundaried`)."""
    return re.compile(boundaried(patterns), re.I)


@dataclass(frozen=True)
class Vocabulary:
    strong: re.Pattern[str]
    weak: re.Pattern[str]
    other: re.Pattern[str]

    never: re.Pattern[str]
    meeting: re.Pattern[str]

    @classmethod
    def build(cls, lexicon: Lexicon, extra_measures: Iterable[str] = ()) -> Vocabulary:
        """The lexicon's section names plus the team's own measures-heading regexes."""
        return cls(
            strong=alternation((*lexicon["strong"], *extra_measures)),
            weak=alternation(lexicon["weak"]),
            other=alternation(lexicon["other"]),
            never=re.compile("|".join(lexicon["never"]) or r"(?!x)x", re.I),
            meeting=re.compile(rf"\b(?:{lexicon.alternation('meeting')})\b", re.I),
        )

    def classify(self, title: str) -> Kind | None:
        """'measures', 'other' (a known non-measures section) or None (unknown words)."""
        other = self.other.search(title)
        if self.meeting.search(title):
            return "other"
        strong = self.strong.search(title)
        if other and self.never.search(title) and not (strong and _JOINED.search(title)):
            # "Follow-up timeline", "Questions for follow up", "Actions taken"; but
            # "Lessons learned and action items" holds measures.
            return "other"
        weak = self.weak.search(title)
        leading = min((m.start() for m in (strong, weak) if m), default=-1)
        if strong or (leading >= 0 and leading < (other.start() if other else len(title))):
            # "Corrective actions and recovery", "Improving recovery procedures"
            return "measures"
        if other:
            return "other"
        return "measures" if weak else None

    def is_strong(self, title: str) -> bool:
        """Whether the title names measures outright (not only "Improvements", "Fixes")."""
        return self.classify(title) == "measures" and bool(self.strong.search(title))
