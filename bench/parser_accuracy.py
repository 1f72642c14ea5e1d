"""Parser accuracy on the labelled corpora: files exactly right, item precision and recall.

    python bench/parser_accuracy.py            # the real corpus (../shared) and the held-out set
    python bench/parser_accuracy.py -v         # also list every disagreement

Labels: tests/parse/corpus_expected.py (real public postmortems, read by hand) and
tests/parse/heldout/labels.json (documents written for this project, labelled without the parser).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "parse")]

from tracker import parse_file  # noqa: E402

from corpus_expected import EXPECTED  # noqa: E402
from scoring import compare  # noqa: E402


def score(name: str, cases: Iterable[tuple[Path, list[str]]], verbose: bool) -> None:
    files = exact = found = expected = matched = 0
    for path, snippets in cases:
        doc = parse_file(path)
        result = compare(doc.items, snippets)
        files += 1
        exact += result.exact
        found += len(doc.items)
        expected += len(snippets)
        matched += len(result.matched)
        if verbose and not result.exact:
            print(f"  {path.name}\n    " + result.describe().replace("\n", "\n    "))
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


def main() -> None:
    verbose = "-v" in sys.argv
    real = ROOT.parent / "shared" / "postmortems" / "real"
    if real.exists():
        score(
            "real corpus",
            ((real / n, [s for s, *_ in items]) for n, items in EXPECTED.items()),
            verbose,
        )
    else:
        print(f"real corpus: {real} not present")
    for folder in ("heldout", "heldout2", "heldout3", "heldout4"):
        heldout = ROOT / "tests" / "parse" / folder
        labels = json.loads((heldout / "labels.json").read_text())
        cases = (
            (heldout / "docs" / n, [e["snippet"] for e in v["items"]]) for n, v in labels.items()
        )
        score(f"held-out set {folder}", cases, verbose)


if __name__ == "__main__":
    main()
