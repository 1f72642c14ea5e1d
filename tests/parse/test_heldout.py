"""Documents written for this project in the styles teams use, labelled without the parser.

tests/parse/heldout*/docs/ holds them, tests/parse/heldout*/labels.json the items a reader lists, with the
status, owner, ticket, due date and priority each document states. The second set was written
to be harder (plain-text student reports, measures as sub-headings, combined sections).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tracker import parse_file

from scoring import compare, same_ref

HERE = Path(__file__).parent
CASES = {
    (folder, name): entry
    for folder in ("heldout", "heldout2", "heldout3", "heldout4")
    for name, entry in json.loads((HERE / folder / "labels.json").read_text()).items()
}


@pytest.mark.parametrize(("folder", "name"), sorted(CASES))
def test_heldout_document(folder: str, name: str) -> None:
    doc = parse_file(HERE / folder / "docs" / name)
    label = CASES[folder, name]
    expected = {e["snippet"]: e for e in label["items"]}
    result = compare(doc.items, list(expected))
    assert result.exact, f"{label['notes']}\n{result.describe()}"
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
