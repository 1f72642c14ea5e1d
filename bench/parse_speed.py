"""Parser speed and memory: documents per second on the corpora, and one large document.

    python bench/parse_speed.py

Prints absolute numbers and, because the machine is noisy, the ratio of parse time to the
time markdown-it alone takes to tokenize the same text (the floor any parser built on it pays).
"""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from tracker.parse.document import parse_text  # noqa: E402
from tracker.parse.markdown import parser  # noqa: E402


def best_of(runs: int, work) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    folders = [
        ROOT.parent / "shared" / "postmortems" / "real",
        ROOT / "tests" / "parse" / "heldout" / "docs",
    ]
    texts = [
        p.read_text(encoding="utf-8") for f in folders if f.exists() for p in sorted(f.glob("*.md"))
    ]
    size = sum(len(t) for t in texts)
    full = best_of(5, lambda: [parse_text(t) for t in texts])
    tokens = best_of(5, lambda: [parser().parse(t) for t in texts])
    print(f"corpus: {len(texts)} documents, {size / 1024:.0f} KiB")
    print(f"  parse: {full * 1000:.0f} ms ({len(texts) / full:.0f} documents/s)")
    print(
        f"  markdown-it tokenize alone: {tokens * 1000:.0f} ms; "
        f"parse/tokenize ratio {full / tokens:.2f}"
    )

    big = "\n\n".join(
        texts * max(1, (8 * 1024 * 1024) // size)
    )  # about 8 MiB, under the 10 MiB limit
    start = time.perf_counter()
    doc = parse_text(big)
    elapsed = time.perf_counter() - start
    tracemalloc.start()  # measured in a second run: tracing slows the parse several times over
    parse_text(big)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"large document: {len(big) / 1048576:.1f} MiB, {len(doc.items)} items in {elapsed:.1f} s, "
        f"peak memory {peak / 1048576:.0f} MiB ({peak / len(big):.0f} bytes per input byte)"
    )


if __name__ == "__main__":
    main()
