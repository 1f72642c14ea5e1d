"""The markdown layer: one configured markdown-it parser, and plain-text views of its tokens.

Everything structural (headings, lists, tables, front matter, task lists) comes from
markdown-it-py and mdit-py-plugins; this module only turns inline tokens into `Line`s of plain
text with the few facts the parser needs about them (leading bold text, links, checkboxes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

# Deeper structure than this is not parsed (markdown-it drops it): it bounds recursion, so a list
# nested 10,000 levels deep costs nothing.
MAX_NESTING = 40

_SPACE = re.compile(r"\s+")
# Full-width punctuation as Japanese and Chinese text writes it, read as its ASCII form, so
# "（担当：中村、期限：2024/05/01）" carries the same fields as "(owner: x, due: ...)".
_FULL_WIDTH = str.maketrans(
    {"：": ": ", "（": " (", "）": ") ", "，": ", ", "、": ", ", "；": "; ", "\u3000": " "}
)
_COMMENT = re.compile(r"<!--(.*?)-->", re.S)


@cache
def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING})
    md.enable(["table", "strikethrough"])
    md.use(front_matter_plugin)
    md.use(tasklists_plugin)
    return md


def parse_tree(text: str) -> SyntaxTreeNode:
    return SyntaxTreeNode(parser().parse(text))


def collapse(text: str) -> str:
    if not text.isascii():
        text = text.replace("\xa0", " ").translate(_FULL_WIDTH)
    return _SPACE.sub(" ", text).strip()


@dataclass
class Line:
    """One source line of a paragraph, as plain text."""

    text: str = ""
    lead_bold: str = ""  # text of a bold span the line starts with
    after_bold: str = ""  # the rest of the line after that span
    links: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)  # inner text of HTML comments
    struck: bool = False  # every word is inside ~~strikethrough~~
    checked: bool | None = None  # task-list checkbox, when the line has one
    number: int = 0  # 1-based line number in the file


def inline_lines(node: SyntaxTreeNode) -> list[Line]:
    """Split a paragraph (or table cell) into plain-text lines."""
    inline = _inline_token(node)
    if inline is None:
        return []
    where = inline.map or (node.map if node.type != "root" else None)
    return _split_lines(inline.children or [], where[0] + 1 if where else 0)


def _inline_token(node: SyntaxTreeNode) -> Token | None:
    if node.type == "inline":
        return node.token
    for child in node.children:
        if child.type == "inline":
            return child.token
    return None


def _split_lines(tokens: list[Token], first_number: int) -> list[Line]:
    lines: list[Line] = []
    pieces: list[tuple[str, bool]] = []  # (text, inside bold)
    line = Line(number=first_number)
    strong = struck = 0
    plain_seen, struck_seen = [False], [False]

    def finish() -> None:
        nonlocal line, pieces
        _fill_text(line, pieces)
        line.struck = struck_seen[-1] and not plain_seen[-1]
        plain_seen[-1] = struck_seen[-1] = False
        lines.append(line)
        line = Line(number=line.number + 1)
        pieces = []

    for tok in tokens:
        kind = tok.type
        if kind in ("softbreak", "hardbreak"):
            finish()
        elif kind in ("strong_open", "strong_close"):
            strong += 1 if kind == "strong_open" else -1
        elif kind in ("s_open", "s_close"):
            struck += 1 if kind == "s_open" else -1
        elif kind == "link_open":
            href = tok.attrGet("href")
            if isinstance(href, str):
                line.links.append(href)
        elif kind == "html_inline":
            _note_html(tok.content, line)
        elif kind in ("text", "code_inline", "text_special") and tok.content:
            pieces.append((tok.content, strong > 0))
            if tok.content.strip():
                plain_seen[-1] = plain_seen[-1] or struck == 0
                struck_seen[-1] = struck_seen[-1] or struck > 0
    finish()
    return [ln for ln in lines if ln.text or ln.checked is not None]


def _fill_text(line: Line, pieces: list[tuple[str, bool]]) -> None:
    line.text = collapse("".join(text for text, _ in pieces))
    lead: list[str] = []
    rest = 0
    for rest, (text, bold) in enumerate(pieces):  # noqa: B007 - index is used after the loop
        if bold or (not text.strip() and not lead):
            lead.append(text)
        else:
            break
    else:
        rest = len(pieces)
    line.lead_bold = collapse("".join(lead))
    line.after_bold = collapse("".join(text for text, _ in pieces[rest:])) if line.lead_bold else ""


def _note_html(html: str, line: Line) -> None:
    if "task-list-item-checkbox" in html:
        line.checked = 'checked="checked"' in html
        return
    line.comments.extend(m.strip() for m in _COMMENT.findall(html))


def plain_text(node: SyntaxTreeNode) -> str:
    """All the inline text below `node`, one line per source line."""
    out: list[str] = []
    for child in node.walk():
        if child.type == "inline":
            out.extend(ln.text for ln in inline_lines(child) if ln.text)
        elif child.type in ("fence", "code_block"):
            out.append(child.content.rstrip("\n"))
    return "\n".join(out)


def comments_in(node: SyntaxTreeNode) -> list[str]:
    """Inner text of the HTML comments in `node` (blocks and inline)."""
    found: list[str] = []
    for child in node.walk():
        if child.type == "html_block":
            found.extend(m.strip() for m in _COMMENT.findall(child.content))
        elif child.type == "inline":
            for ln in inline_lines(child):
                found.extend(ln.comments)
    return found
