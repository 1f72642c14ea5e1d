"""Write-back on real postmortems: how many measures could take their ticket's reference.

    python bench/writeback_coverage.py

For every postmortem of ../shared/postmortems/real and the held-out sets in tests/parse, each
measure the parser finds is given a ticket (GitHub `acme/ops#1000+n`, so the parser reads it
whatever the document's style) and a completed one where it has an open box, exactly as
`track link` would write them; then the edits the re-parse check accepts are counted, with
the time the file took. A measure is refused when the new text would read differently.
"""

from __future__ import annotations

import time
from pathlib import Path

from tracker.parse.document import DEFAULT_SETTINGS, parse_text
from tracker.store.identity import fingerprint
from tracker.sync.writeback import FileWrite, _edit_text, _Ticket

ROOT = Path(__file__).resolve().parent.parent
CORPORA = [
    ROOT.parent / "shared" / "postmortems" / "real",
    *sorted(ROOT.glob("tests/parse/heldout*/docs")),
]


def main() -> None:
    files = measures = linked = ticked = refused = named = 0
    slowest = 0.0
    total = 0.0
    for folder in CORPORA:
        for path in sorted(folder.glob("*.md")):
            text = path.read_text(encoding="utf-8-sig")
            doc = parse_text(text, path.name)
            wanted = {
                (item.line, fingerprint(item.text)): (
                    None
                    if item.tracker_ref
                    else _Ticket("github", str(1000 + n), "https://x/1", "acme/ops"),
                    item.status != "done",
                )
                for n, item in enumerate(doc.items)
            }
            result = FileWrite(path.name)
            start = time.perf_counter()
            _edit_text(text, path.name, DEFAULT_SETTINGS, wanted, result)
            spent = time.perf_counter() - start
            total, slowest = total + spent, max(slowest, spent)
            files += 1
            measures += len(doc.items)
            named += sum(item.tracker_ref is not None for item in doc.items)
            linked, ticked = linked + len(result.linked), ticked + len(result.ticked)
            refused += len(result.refused)
    print(f"{files} files, {measures} measures, {named} naming a ticket already (not written)")
    free = measures - named
    print(
        f"linked {linked} of the {free} without one ({linked / max(free, 1):.0%}), "
        f"ticked {ticked} boxes"
    )
    print(f"refused {refused} (the re-parse check kept the file unchanged for them)")
    print(
        f"time: {total:.2f} s in all, {total / max(files, 1) * 1000:.0f} ms a file, "
        f"slowest {slowest * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
