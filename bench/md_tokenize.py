"""The baseline of ingest: read every markdown file under a folder and tokenize it with
markdown-it-py configured as the parser configures it (CommonMark, tables, strikethrough,
front matter, task lists), nothing else.

    python bench/md_tokenize.py FOLDER
"""

from __future__ import annotations

import sys
from pathlib import Path

from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.tasklists import tasklists_plugin


def main() -> None:
    md = MarkdownIt("commonmark", {"maxNesting": 40})
    md.enable(["table", "strikethrough"])
    md.use(front_matter_plugin)
    md.use(tasklists_plugin)
    tokens = 0
    for path in sorted(Path(sys.argv[1]).rglob("*.md")):
        tokens += len(md.parse(path.read_text(encoding="utf-8")))
    print(f"{tokens} tokens")


if __name__ == "__main__":
    main()
