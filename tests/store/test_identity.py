"""Items keep their identity while the postmortem is edited; on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tracker.store.database import Store
from tracker.store.identity import SIMILAR_ENOUGH, fingerprint, match_items
from tracker.store.ingest import IngestReport, ingest_paths
from tracker.store.schema import ActionItem, Incident, ItemEvent, SourceFile

LIST = """---
id: INC-7
title: Cache outage
date: 2024-05-02
---
# Cache outage

## Action items

- Add alerting on Redis memory usage for the cache cluster
- Write a runbook for failing over the cache cluster
- Pin the Redis client library version in every service
"""


def ingest(store: Store, root: Path) -> IngestReport:
    return ingest_paths(store, [root], root=root)


def items(store: Store, *, removed: bool = False) -> dict[str, ActionItem]:
    """Live items (or removed ones) by their first three words."""
    with store.session() as session:
        rows = session.scalars(select(ActionItem).order_by(ActionItem.position)).all()
        return {
            " ".join(i.text.split()[:3]): i for i in rows if (i.removed_at is not None) == removed
        }


def uids(store: Store) -> dict[str, str]:
    return {key: item.uid for key, item in items(store).items()}


@pytest.fixture
def doc(tmp_path: Path) -> Path:
    folder = tmp_path / "postmortems"
    folder.mkdir()
    path = folder / "cache.md"
    path.write_text(LIST)
    return path


def test_ingesting_twice_changes_nothing(store: Store, doc: Path) -> None:
    first = ingest(store, doc.parent)
    assert first.count("created") == 3
    before = uids(store)
    with store.session() as session:
        events = session.scalar(select(func.count(ItemEvent.id)))
    second = ingest(store, doc.parent)
    assert [f.outcome for f in second.files] == ["unchanged"]
    assert uids(store) == before
    with store.session() as session:
        assert session.scalar(select(func.count(ItemEvent.id))) == events
        assert session.scalar(select(func.count(Incident.id))) == 1


def test_reordering_keeps_identity(store: Store, doc: Path) -> None:
    ingest(store, doc.parent)
    before = uids(store)
    lines = LIST.splitlines()
    doc.write_text("\n".join([*lines[:-3], lines[-1], lines[-3], lines[-2]]) + "\n")
    report = ingest(store, doc.parent)
    assert uids(store) == before
    assert report.count("created") == report.count("removed") == 0


def test_typo_fix_and_rewording_keep_identity(store: Store, doc: Path) -> None:
    ingest(store, doc.parent)
    before = uids(store)
    doc.write_text(
        LIST.replace(
            "Add alerting on Redis memory usage", "Add alerting on Redis memroy use"
        ).replace("Write a runbook for failing over", "Write a run book on how to fail over")
    )
    report = ingest(store, doc.parent)
    assert sorted(uids(store).values()) == sorted(before.values())
    assert report.count("updated") == 2 and report.count("created") == 0
    assert items(store)["Add alerting on"].text.startswith("Add alerting on Redis memroy use")


def test_adding_owner_and_due_date_keeps_identity(store: Store, doc: Path) -> None:
    ingest(store, doc.parent)
    before = uids(store)
    doc.write_text(
        LIST.replace(
            "version in every service", "version in every service (owner: @kim) due 2024-07-01"
        )
    )
    ingest(store, doc.parent)
    assert uids(store) == before
    pinned = items(store)["Pin the Redis"]
    assert (pinned.owner, str(pinned.due)) == ("kim", "2024-07-01")


def test_converting_the_list_to_a_table_keeps_identity(store: Store, doc: Path) -> None:
    ingest(store, doc.parent)
    before = uids(store)
    table = LIST.split("## Action items")[0] + (
        "## Action items\n\n| Action item | Owner |\n|---|---|\n"
        "| Add alerting on Redis memory usage for the cache cluster | ana |\n"
        "| Write a runbook for failing over the cache cluster | bo |\n"
        "| Pin the Redis client library version in every service | cy |\n"
    )
    doc.write_text(table)
    ingest(store, doc.parent)
    assert uids(store) == before
    assert [i.owner for i in items(store).values()] == ["ana", "bo", "cy"]


def test_new_measure_is_a_new_item(store: Store, doc: Path) -> None:
    ingest(store, doc.parent)
    before = uids(store)
    doc.write_text(LIST + "- Load-test the cache before the sales peak\n")
    report = ingest(store, doc.parent)
    after = uids(store)
    assert report.count("created") == 1
    assert {k: v for k, v in after.items() if k in before} == before
    assert "Load-test the cache" in after


def test_deleted_measure_is_marked_removed_and_comes_back(store: Store, doc: Path) -> None:
    ingest(store, doc.parent)
    before = uids(store)
    doc.write_text(LIST.replace("- Write a runbook for failing over the cache cluster\n", ""))
    report = ingest(store, doc.parent)
    assert report.count("removed") == 1
    gone = items(store, removed=True)
    assert list(gone) == ["Write a runbook"]  # kept in the store, marked removed
    assert gone["Write a runbook"].uid == before["Write a runbook"]

    doc.write_text(LIST)
    report = ingest(store, doc.parent)
    assert report.count("restored") == 1
    assert uids(store) == before
    with store.session() as session:
        kinds = session.scalars(
            select(ItemEvent.kind)
            .join(ActionItem)
            .where(ActionItem.uid == before["Write a runbook"])
            .order_by(ItemEvent.id)
        ).all()
    assert kinds == ["created", "removed", "restored"]


def test_explicit_ids_win_over_text(store: Store, doc: Path) -> None:
    doc.write_text(
        "## Action items\n\n- Add alerting on memory <!-- id: mem-alert -->\n"
        "- Write a runbook <!-- id: runbook -->\n"
    )
    ingest(store, doc.parent)
    before = uids(store)
    doc.write_text(
        "## Action items\n\n- Page the on-call when eviction starts <!-- id: mem-alert -->\n"
        "- Document the cache failover procedure <!-- id: runbook -->\n"
    )
    ingest(store, doc.parent)
    after = {i.explicit_id: i.uid for i in items(store).values()}
    assert after == {"mem-alert": before["Add alerting on"], "runbook": before["Write a runbook"]}


def test_document_status_is_the_status_until_a_tracker_reports(store: Store, doc: Path) -> None:
    doc.write_text(LIST.replace("- Pin the", "- [x] Pin the"))
    ingest(store, doc.parent)
    assert items(store)["Pin the Redis"].status == "done"
    doc.write_text(LIST.replace("- Pin the", "- [ ] Pin the"))
    ingest(store, doc.parent)
    pinned = items(store)["Pin the Redis"]
    assert pinned.status == "open"
    with store.session() as session:
        changes = session.execute(
            select(ItemEvent.old_status, ItemEvent.new_status).where(
                ItemEvent.item_id == pinned.id, ItemEvent.kind == "status"
            )
        ).all()
    assert [tuple(c) for c in changes] == [("done", "open")]


def test_incident_keeps_identity_when_a_file_with_an_id_moves(store: Store, doc: Path) -> None:
    root = doc.parent
    ingest(store, root)
    before = uids(store)
    moved = root / "2024" / "cache-outage.md"
    moved.parent.mkdir()
    doc.rename(moved)
    ingest(store, root)
    with store.session() as session:
        incidents = session.scalars(select(Incident)).all()
        sources = session.scalars(select(SourceFile.path)).all()
    assert [(i.key, i.source_path) for i in incidents] == [("INC-7", "2024/cache-outage.md")]
    assert sources == ["2024/cache-outage.md"]
    assert uids(store) == before


def test_incident_without_an_id_is_its_path_under_the_root(store: Store, tmp_path: Path) -> None:
    root = tmp_path / "pm"
    (root / "2023").mkdir(parents=True)
    (root / "2023" / "db.md").write_text("# DB\n\n## Action items\n- Add replica\n")
    ingest_paths(store, [root / "2023" / "db.md"], root=root)
    ingest_paths(store, [root], root=root)  # the same file named through its folder
    with store.session() as session:
        assert session.scalars(select(Incident.key)).all() == ["2023/db.md"]


def test_two_files_claiming_one_id_is_an_error_for_the_second(store: Store, doc: Path) -> None:
    (doc.parent / "copy.md").write_text(LIST.replace("Pin the Redis", "Something else to pin"))
    report = ingest(store, doc.parent)
    assert [f.outcome for f in report.files] == ["ingested", "failed"]
    assert "already used by cache.md" in (report.failed[0].error or "")


def test_failed_file_leaves_the_others_intact(store: Store, doc: Path) -> None:
    ingest(store, doc.parent)
    before = uids(store)
    (doc.parent / "broken.md").write_bytes(b"\x00\x01binary")
    report = ingest(store, doc.parent)
    assert [f.outcome for f in report.files] == ["failed", "unchanged"]
    assert uids(store) == before


# -- the rule at its edges: the matching itself, without a database --------------------------


@dataclass(frozen=True)
class Stored:
    name: str
    text: str
    position: int
    explicit_id: str | None = None

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.text)


@dataclass(frozen=True)
class Parsed:
    text: str
    explicit_id: str | None = None


def paired(parsed: list[Parsed], stored: list[Stored]) -> dict[int, str]:
    return {index: known.name for index, known in match_items(parsed, stored).pairs}


def similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, fingerprint(a), fingerprint(b), autojunk=False).ratio()


def test_a_measure_replaced_by_a_different_one_is_a_new_item() -> None:
    """Shared words are not the same promise: a replacement that is only loosely alike (about
    half its letters in common) is a new item, and the old one is gone."""
    old = "Add alerting on Redis memory usage for the cache cluster"
    new = "Add a load test of the payment service before each release"
    assert 0.3 < similarity(old, new) < SIMILAR_ENOUGH  # the edge this test sits on
    result = match_items([Parsed(new)], [Stored("old", old, 0)])
    assert (result.pairs, result.new, [k.name for k in result.gone]) == ([], [0], ["old"])


def test_a_reworded_measure_keeps_its_item() -> None:
    old = "Write a runbook for failing over the cache cluster"
    new = "Write a runbook for failing over the Redis cache cluster quickly"
    assert SIMILAR_ENOUGH <= similarity(old, new) < 0.9
    assert paired([Parsed(new)], [Stored("old", old, 0)]) == {0: "old"}


def test_the_same_words_twice_keep_their_own_items_by_position() -> None:
    """Two measures written alike (one per service, say): each keeps the item nearest its place,
    also when a measure is added below them."""
    stored = [
        Stored("first", "Restart the consumer", 0),
        Stored("middle", "Alert on lag", 1),
        Stored("second", "Restart the consumer", 2),
    ]
    parsed = [*(Parsed(k.text) for k in stored), Parsed("Add a dashboard")]
    assert paired(parsed, stored) == {0: "first", 1: "middle", 2: "second"}


def test_when_one_of_two_alike_measures_is_deleted_the_other_keeps_its_item() -> None:
    stored = [
        Stored("first", "Restart the consumer", 0),
        Stored("b", "Alert on lag", 1),
        Stored("c", "Add a dashboard", 2),
        Stored("last", "Restart the consumer", 3),
    ]
    parsed = [Parsed("Alert on lag"), Parsed("Add a dashboard"), Parsed("Restart the consumer")]
    result = match_items(parsed, stored)
    assert {i: k.name for i, k in result.pairs} == {0: "b", 1: "c", 2: "last"}
    assert [k.name for k in result.gone] == ["first"]


def test_similar_text_pairs_with_the_nearest_of_two_alike_items() -> None:
    stored = [Stored("top", "Alert on queue age", 0), Stored("bottom", "Alert on queue age", 5)]
    parsed = [Parsed("x"), Parsed("y"), Parsed("z"), Parsed("w"), Parsed("Alert on queue ages")]
    assert paired(parsed, stored) == {4: "bottom"}


def runtime(text: str) -> str:
    """The same characters in a new string object, as text read from a file or a database."""
    return "".join(list(text))


def test_an_explicit_id_wins_over_the_same_text() -> None:
    """Ids swapped between two texts: each item follows its id, not its old words."""
    stored = [
        Stored("first", "Alpha measure text", 0, "runbook"),
        Stored("second", "Beta measure text", 1, "alert"),
    ]
    parsed = [
        Parsed("Alpha measure text", runtime("alert")),
        Parsed("Beta measure text", runtime("runbook")),
    ]
    assert paired(parsed, stored) == {0: "second", 1: "first"}


def test_an_item_whose_id_the_document_dropped_pairs_by_its_text() -> None:
    stored = [Stored("cert", "Renew the cert", 0, "cert-1"), Stored("keys", "Rotate keys", 1)]
    parsed = [Parsed("Renew the cert"), Parsed("Rotate keys", runtime("keys-1"))]
    assert paired(parsed, stored) == {0: "cert", 1: "keys"}


def test_a_rewording_exactly_at_the_threshold_keeps_its_item() -> None:
    assert similarity("abcde", "abcxy") == SIMILAR_ENOUGH
    assert paired([Parsed("abcxy")], [Stored("old", "abcde", 0)]) == {0: "old"}


def test_a_long_measure_whose_clauses_are_reordered_keeps_its_item() -> None:
    """Long texts compare letter by letter too (no heuristic that drops common letters)."""
    new = (
        "Add alerting on the replication lag of every PostgreSQL replica in the payments "
        "cluster, page the database on-call when the lag exceeds thirty seconds for five "
        "minutes, and document in the runbook how to tell a slow replica from a stuck one and "
        "when to rebuild it"
    )
    old = (
        "Page the database on-call when the replication lag of any PostgreSQL replica in the "
        "payments cluster exceeds thirty seconds for five minutes, and document in the runbook "
        "how to tell a slow replica from a stuck one and when to rebuild it"
    )
    assert paired([Parsed(new)], [Stored("old", old, 0)]) == {0: "old"}


def test_an_item_whose_id_the_document_still_uses_is_not_taken_by_its_old_text() -> None:
    """Two stored items share an id (a copy-paste): the id pairs with the first; the second,
    still claimed by the id in the document, is not given to a new line with its words."""
    stored = [Stored("one", "Rotate the keys", 0, "k"), Stored("two", "Renew the cert", 1, "k")]
    parsed = [Parsed("Rotate the keys now", runtime("k")), Parsed("Renew the cert")]
    result = match_items(parsed, stored)
    assert [(i, k.name) for i, k in result.pairs] == [(0, "one")]
    assert result.new == [1]
