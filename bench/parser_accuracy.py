"""Parser accuracy on the labelled corpora: files exactly right, item precision and recall.

    python bench/parser_accuracy.py            # the real corpus (../shared) and the held-out set
    python bench/parser_accuracy.py -v         # also list every disagreement

Labels: tests/parse/corpus_expected.py (real public postmortems, read by hand) and
tests/parse/heldout/labels.json (documents written for this project, labelled without the parser).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "parse")]

from tracker import parse_file  # noqa: E402

from corpus_expected import EXPECTED  # noqa: E402
from scoring import compare, same_ref  # noqa: E402

FIELDS = ("status", "owner", "tracker_ref", "due", "priority")
Case = tuple[Path, list[dict[str, object]]]


def agree(field: str, want: object, got: object) -> bool:
    if field == "tracker_ref":
        return same_ref(want, got)  # type: ignore[arg-type]
    if field == "due":
        return (date.fromisoformat(str(want)) if want else None) == got
    return want == got


def score(name: str, cases: Iterable[Case], verbose: bool) -> None:
    files = exact = found = expected = matched = 0
    metadata = {field: 0 for field in FIELDS}
    whole = 0
    for path, labels in cases:
        doc = parse_file(path)
        snippets = [str(label["snippet"]) for label in labels]
        result = compare(doc.items, snippets)
        files += 1
        exact += result.exact
        found += len(doc.items)
        expected += len(snippets)
        matched += len(result.matched)
        wrong = []
        for snippet, item in result.matched:
            label = next(label for label in labels if label["snippet"] == snippet)
            fields = [f for f in FIELDS if f in label]
            bad = [f for f in fields if not agree(f, label[f], getattr(item, f))]
            for field in fields:
                metadata[field] += field not in bad
            whole += not bad
            wrong += [
                f"{f}: {getattr(item, f)!r} (want {label[f]!r}) in {item.text[:50]!r}" for f in bad
            ]
        if verbose and (not result.exact or wrong):
            print(f"  {path.name}\n    " + "\n    ".join([*result.describe().splitlines(), *wrong]))
    if not files:
        print(f"{name}: no documents found")
        return
    precision = matched / found if found else 1.0
    recall = matched / expected if expected else 1.0
    print(
        f"{name}: {files} files, {exact} exactly right ({exact / files:.1%}); "
        f"{expected} items expected, {found} found, {matched} matched: "
        f"precision {precision:.1%}, recall {recall:.1%}"
    )
    if any(metadata.values()) or whole < matched:
        fields = ", ".join(f"{f} {n / matched:.0%}" for f, n in metadata.items())
        print(f"  metadata on matched items: all agree {whole / matched:.1%} ({fields})")


def main() -> None:
    verbose = "-v" in sys.argv
    real = ROOT.parent / "shared" / "postmortems" / "real"
    if real.exists():
        score(
            "real corpus",
            ((real / n, [{"snippet": s} for s, *_ in items]) for n, items in EXPECTED.items()),
            verbose,
        )
    else:
        print(f"real corpus: {real} not present")
    for folder in ("heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6"):
        heldout = ROOT / "tests" / "parse" / folder
        labels = json.loads((heldout / "labels.json").read_text())
        cases = [(heldout / "docs" / n, v["items"]) for n, v in labels.items()]
        score(f"held-out set {folder}", cases, verbose)
        if folder in ("heldout5", "heldout6"):  # documents in other languages: h1xx-LANG-...
            other = [c for c in cases if re.match(r"h\d+-(es|de|fr|pt|it|nl|ja)-", c[0].name)]
            score("  of which English", [c for c in cases if c not in other], verbose=False)
            score("  of which other languages", other, verbose=False)


if __name__ == "__main__":
    main()
