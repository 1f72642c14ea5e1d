"""Documents written for this project in the styles teams use, labelled without the parser.

tests/heldout/docs/ holds them, tests/heldout/labels.json the items a reader lists, with the
status, owner, ticket, due date and priority each document states.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from scoring import compare, same_ref

from tracker import parse_file

HERE = Path(__file__).parent / "heldout"
LABELS: dict[str, dict[str, object]] = json.loads((HERE / "labels.json").read_text())


@pytest.mark.parametrize("name", sorted(LABELS))
def test_heldout_document(name: str) -> None:
    doc = parse_file(HERE / "docs" / name)
    expected = {e["snippet"]: e for e in LABELS[name]["items"]}  # type: ignore[attr-defined]
    result = compare(doc.items, list(expected))
    assert result.exact, f"{LABELS[name]['notes']}\n{result.describe()}"
    for snippet, item in result.matched:
        want = expected[snippet]
        assert (item.status, item.owner, item.priority) == (
            want["status"],
            want["owner"],
            want.get("priority"),
        ), item.text
        assert same_ref(want["tracker_ref"], item.tracker_ref), (item.text, item.tracker_ref)
        due = want.get("due")
        assert item.due == (date.fromisoformat(due) if due else None), item.text
