"""The parser against real public postmortems, read and labelled by hand (corpus_expected.py)."""

from __future__ import annotations

import pytest

from tracker import parse_file

from conftest import shared_dir
from corpus_expected import EXPECTED, NOTES
from scoring import compare, same_ref

REAL = "postmortems", "real"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_finds_the_items_a_reader_finds(name: str) -> None:
    """Each document yields exactly the measures a careful reader lists, no more, no fewer."""
    doc = parse_file(shared_dir(*REAL) / name)
    expected = EXPECTED[name]
    result = compare(doc.items, [snippet for snippet, *_ in expected])
    assert result.exact, f"{NOTES[name]}\n{result.describe()}"


@pytest.mark.parametrize("name", sorted(n for n, items in EXPECTED.items() if items))
def test_reads_status_owner_and_ticket_of_each_item(name: str) -> None:
    doc = parse_file(shared_dir(*REAL) / name)
    expected = {snippet: rest for snippet, *rest in EXPECTED[name]}
    for snippet, item in compare(doc.items, list(expected)).matched:
        status, owner, ref = expected[snippet]
        assert (item.status, item.owner) == (status, owner), item.text
        assert same_ref(ref, item.tracker_ref), (item.text, item.tracker_ref)


def test_every_document_of_the_corpus_is_labelled() -> None:
    on_disk = {p.name for p in shared_dir(*REAL).glob("*.md") if p.name != "SOURCES.md"}
    assert on_disk == set(EXPECTED)


def test_corpus_accuracy_meets_the_bar() -> None:
    """At least 90% of files exactly right, item precision and recall at least 95%."""
    folder = shared_dir(*REAL)
    exact = found = expected_total = matched = 0
    for name, expected in EXPECTED.items():
        doc = parse_file(folder / name)
        result = compare(doc.items, [snippet for snippet, *_ in expected])
        exact += result.exact
        matched += len(result.matched)
        found += len(doc.items)
        expected_total += len(expected)
    assert exact / len(EXPECTED) >= 0.90
    assert matched / found >= 0.95
    assert matched / expected_total >= 0.95


def test_seed_postmortem_yields_its_five_measures() -> None:
    seed = shared_dir("postmortems", "seed") / "database-outage-2023-08-18.md"
    doc = parse_file(seed)
    assert [item.text.split()[0] for item in doc.items] == [
        "Implement",
        "Conduct",
        "Enhance",
        "Develop",
        "Conduct",
    ]
    assert doc.incident.date is not None and doc.incident.date.isoformat() == "2023-08-18"
    assert doc.warnings == ()


@pytest.mark.parametrize(
    ("expected", "got", "same"),
    [
        ("#12", "#12", True),
        ("#2", "#12", False),
        ("OPS-12", "OPS-112", False),
        ("ORD-77", "JIRA-77", False),
        ("#365", "https://github.com/jupyterhub/mybinder.org-deploy/issues/365", True),
        ("#365", "https://github.com/jupyterhub/mybinder.org-deploy/issues/3650", False),
        ("acme/ops#4", "https://github.com/acme/ops/issues/4", True),
        ("acme/ops#4", "https://github.com/acme/web/issues/4", False),
        ("OPS-12", "https://acme.atlassian.net/browse/OPS-12", True),
        ("!1251", "https://gitlab.com/gitlab-org/omnibus-gitlab/merge_requests/1251", True),
        (None, "#12", False),
    ],
)
def test_scoring_compares_references_exactly(expected: str | None, got: str, same: bool) -> None:
    assert same_ref(expected, got) is same


def test_scoring_matches_labels_at_the_start_of_the_text() -> None:
    from tracker.model import ParsedItem

    item = ParsedItem(text="Junk before: Add an alert on disk", section="s", line=1)
    assert compare([item], ["Add an alert"]).missing == ["Add an alert"]
    assert compare([item], ["Junk before: Add"]).exact
