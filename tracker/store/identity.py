"""Which stored item a parsed measure is: the identity rule (docs/identity.md).

In order, each step only among items not yet paired:
1. the id the document gives (ID column, `<!-- id: x -->`) pairs with the item that had it;
2. the same text (case, punctuation and spacing aside) pairs with that item, the nearest in
   position first (reordering keeps identity; a removed item whose text comes back returns);
3. similar text pairs best-first: a fixed typo or a few reworded words keep identity.
Parsed measures left over are new items; stored items left over were removed from the document.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Generic, Protocol, TypeVar

SIMILAR_ENOUGH = 0.6  # SequenceMatcher ratio on fingerprints


def fingerprint(text: str) -> str:
    """The words of an item, lowercased, without punctuation or markup."""
    return " ".join(re.findall(r"[^\W_]+", text.lower()))


class Known(Protocol):
    """What matching needs of a stored item."""

    @property
    def explicit_id(self) -> str | None: ...
    @property
    def fingerprint(self) -> str: ...
    @property
    def position(self) -> int: ...


class Incoming(Protocol):
    @property
    def explicit_id(self) -> str | None: ...
    @property
    def text(self) -> str: ...


K = TypeVar("K", bound=Known)


@dataclass
class Matching(Generic[K]):
    pairs: list[tuple[int, K]] = field(default_factory=list)  # (index of parsed item, stored)
    new: list[int] = field(default_factory=list)
    gone: list[K] = field(default_factory=list)


def match_items(parsed: Sequence[Incoming], stored: Sequence[K]) -> Matching[K]:
    prints = [fingerprint(item.text) for item in parsed]
    free_parsed = set(range(len(parsed)))
    free_stored = list(stored)
    result: Matching[K] = Matching()

    def pair(index: int, known: K) -> None:
        result.pairs.append((index, known))
        free_parsed.discard(index)
        free_stored.remove(known)

    for index, item in enumerate(parsed):
        if item.explicit_id:
            known = next((k for k in free_stored if k.explicit_id == item.explicit_id), None)
            if known is not None:
                pair(index, known)
    for index in sorted(free_parsed):
        same = [
            k for k in free_stored if k.fingerprint == prints[index] and not _claimed(k, parsed)
        ]
        if same:
            pair(index, min(same, key=lambda k: abs(k.position - index)))
    candidates = sorted(
        (
            (
                SequenceMatcher(None, prints[i], k.fingerprint, autojunk=False).ratio(),
                -abs(k.position - i),
                i,
                n,
            )
            for i in free_parsed
            for n, k in enumerate(free_stored)
            if not _claimed(k, parsed)
        ),
        reverse=True,
    )
    taken_stored: set[int] = set()
    snapshot = list(free_stored)
    for ratio, _, index, number in candidates:
        if ratio < SIMILAR_ENOUGH:
            break
        if index in free_parsed and number not in taken_stored:
            taken_stored.add(number)
            pair(index, snapshot[number])
    result.new = sorted(free_parsed)
    result.gone = free_stored
    result.pairs.sort(key=lambda p: p[0])
    return result


def _claimed(known: Known, parsed: Sequence[Incoming]) -> bool:
    """A stored item with an explicit id pairs only by that id while the document uses it."""
    return known.explicit_id is not None and any(p.explicit_id == known.explicit_id for p in parsed)
