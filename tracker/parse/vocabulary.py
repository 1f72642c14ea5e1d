"""Which headings and labels open a measures section, and which ones end it.

The defaults cover the wording of real postmortems ("Corrective and preventative measures",
"Action items", "Follow-up improvements", "Remediation", "Next steps", "TODO", ...). Teams can add
their own patterns (config `parser.measures_headings` or `track parse --heading`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Kind = Literal["measures", "other"]

# Nouns and adjectives only: an item titled "Prevent data loss" must not read as a heading.
STRONG_MEASURES = (
    r"action[ -]?items?",
    r"corrective",
    r"preventi(?:ve|on)",
    r"preventative",
    r"remediations?",
    r"follow[- ]?ups?",
    r"next steps",
    r"to[- ]?dos?",
    r"measures",
    r"action plan",
    r"preventing",
    r"do(?:ing)? (?:things )?differently",
    r"going forward",
    r"what we(?: will|'ll) (?:do|change)",
    r"what we(?:'re| are) (?:doing|changing)",
    r"(?:are we|we are|we're) (?:making|doing|changing)",  # "How are we making this less likely?"
    r"how (?:we|we'll|we will) prevent",
    r"avoid(?:ing)? (?:a )?recurrence",
    r"countermeasures",  # A3 reports
    r"actionables",
)
WEAK_MEASURES = (
    r"improvements?",
    r"improving",
    r"tasks",
    r"actions",
    r"recommendations",
    r"fixes",
    r"work items",
    r"hardening",
)
# Sections that are never measures, even when they mention a measures word
# ("Follow-up timeline", "Questions for follow up", "Actions taken").
OTHER_SECTIONS = (
    r"timeline",
    r"time ?line",
    r"lessons?",
    r"learn(?:ed|t|ings?)",
    r"went (?:well|wrong|badly)",
    r"(?:did ?n[o']t|didn't) go well",
    r"lucky",
    r"questions?",
    r"notes",
    r"taken",
    r"summary",
    r"overview",
    r"tl;?dr",
    r"impact",
    r"root ?causes?",
    r"contributing factors?",
    r"resolution",
    r"recovery",
    r"detection",
    r"triggers?",
    r"background",
    r"conclusions?",
    r"outcomes?",
    r"attendees",
    r"participants",
    r"stats",
    r"appendix",
    r"supporting",
    r"references",
    r"what happened",
    r"duration",
    r"status",
    r"authors?",
    r"date",
    r"severity",
)


_JOINED = re.compile(r"\band\b|&|/|\+")
_NEVER_MEASURES = re.compile(
    r"timeline|question|notes|taken|lesson|learn|went (?:well|wrong)", re.I
)
# "Follow-up meeting": when the review happens, not what will be done.
_MEETING = re.compile(r"follow[- ]?up (?:meeting|review|call|session|discussion)s?\b", re.I)


def _alternation(patterns: Iterable[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w])(?:" + "|".join(patterns) + r")(?![\w])", re.I)


@dataclass(frozen=True)
class Vocabulary:
    strong: re.Pattern[str]
    weak: re.Pattern[str]
    other: re.Pattern[str]

    @classmethod
    def build(cls, extra_measures: Iterable[str] = ()) -> Vocabulary:
        """The default vocabulary plus the team's own measures-heading regexes."""
        return cls(
            strong=_alternation((*STRONG_MEASURES, *extra_measures)),
            weak=_alternation(WEAK_MEASURES),
            other=_alternation(OTHER_SECTIONS),
        )

    def classify(self, title: str) -> Kind | None:
        """'measures', 'other' (a known non-measures section) or None (unknown words)."""
        other = self.other.search(title)
        if _MEETING.search(title):
            return "other"
        strong = self.strong.search(title)
        if other and _NEVER_MEASURES.search(title) and not (strong and _JOINED.search(title)):
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
