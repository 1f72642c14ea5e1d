"""Incident metadata: YAML front matter when present, else what the document itself shows."""

from __future__ import annotations

import re
from datetime import date
from pathlib import PurePath
from typing import Any

import yaml
from markdown_it.tree import SyntaxTreeNode

from tracker.model import Incident
from tracker.parse.dates import find_dates, first_date, parse_date
from tracker.parse.markdown import collapse, inline_lines

_ID_KEYS = ("id", "incident_id", "incident", "key")
_DATE_KEYS = ("date", "incident_date", "started", "start", "occurred")
_DATE_LABEL = re.compile(
    r"^(?:incident\s+)?date(?:\s+of\s+(?:the\s+)?incident)?\s*[:\-–]\s*(.+)$", re.I
)
_SUMMARY = re.compile(r"summary|overview|tl;?dr|what happened|introduction|impact", re.I)
_MAX_TITLE = 200
_GENERIC_TITLE = re.compile(
    r"(?:introduction|summary|issue summary|incident summary|overview|postmortem|post-mortem|"
    r"post mortem|incident report|report|timeline|tl;?dr)",
    re.I,
)


def front_matter(root: SyntaxTreeNode) -> tuple[dict[str, Any], list[str]]:
    """The YAML front matter as a mapping, and warnings about it."""
    node = next((n for n in root.children if n.type == "front_matter"), None)
    if node is None:
        return {}, []
    try:
        # BaseLoader keeps every scalar a string: "001" stays "001", "no" stays "no".
        data = yaml.load(node.content, Loader=yaml.BaseLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        return {}, [f"front matter is not valid YAML{where}; it was ignored"]
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, ["front matter is not a mapping of keys to values; it was ignored"]
    return {str(k): v for k, v in data.items()}, []


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "incident"


def read_incident(
    root: SyntaxTreeNode, path: str, meta: dict[str, Any]
) -> tuple[Incident, list[str]]:
    warnings: list[str] = []
    title = _text_value(meta.get("title")) or _title_from_body(root) or _title_from_name(path)
    found_id = next((_text_value(meta[k]) for k in _ID_KEYS if _text_value(meta.get(k))), None)
    when, note = _date(root, path, meta)
    if note:
        warnings.append(note)
    extra = {
        k: _text_value(v)
        for k, v in meta.items()
        if k not in ("title", *_ID_KEYS, *_DATE_KEYS) and _text_value(v)
    }
    incident = Incident(
        id=found_id or slug(PurePath(path).stem),
        id_from_document=bool(found_id),
        title=collapse(title)[:_MAX_TITLE],
        date=when,
        metadata=extra,
    )
    return incident, warnings


def _text_value(value: Any) -> str:
    if value is None or isinstance(value, dict):
        return ""
    if isinstance(value, list):
        return ", ".join(_text_value(v) for v in value if _text_value(v))
    return collapse(str(value))


def _title_from_body(root: SyntaxTreeNode) -> str:
    """The first H1, else the first heading, that is not a generic section name."""
    headings = [n for n in root.children if n.type == "heading"]
    for node in sorted(headings, key=lambda n: n.tag != "h1"):
        text = " ".join(ln.text for ln in inline_lines(node)).strip()
        if text and not _GENERIC_TITLE.fullmatch(text.rstrip(":")):
            return text
    return ""


def _title_from_name(path: str) -> str:
    return re.sub(r"(?<!\d)[-_ ]+|[-_ ]+(?!\d)", " ", PurePath(path).stem).strip()


def _date(root: SyntaxTreeNode, path: str, meta: dict[str, Any]) -> tuple[date | None, str | None]:
    for key in _DATE_KEYS:
        if key in meta:
            value = parse_date(meta[key])
            if value is None:
                return _date_from_body(
                    root, path
                ), f"front matter {key} {meta[key]!r} is not a date"
            return value, None
    return _date_from_body(root, path), None


def _date_from_body(root: SyntaxTreeNode, path: str) -> date | None:
    paragraphs = _paragraph_lines(root)
    for heading, text in paragraphs:
        match = _DATE_LABEL.match(text)
        if match and first_date(match.group(1)):
            return first_date(match.group(1))
        if heading and re.fullmatch(r"date", heading, re.I) and first_date(text):
            return first_date(text)
    for heading, text in paragraphs:
        if heading and _SUMMARY.search(heading) and first_date(text):
            return first_date(text)
    stem = PurePath(path).stem
    named = first_date(stem) or parse_date((re.search(r"(?<!\d)(20\d{6})(?!\d)", stem) or [""])[0])
    if named:
        return named
    return next((value for _, text in paragraphs for _, value in find_dates(text)), None)


def _paragraph_lines(root: SyntaxTreeNode) -> list[tuple[str, str]]:
    """(heading above, text) for every line of prose, lists and headings, in order."""
    out: list[tuple[str, str]] = []
    heading = ""
    for node in root.children:
        if node.type == "heading":
            heading = " ".join(ln.text for ln in inline_lines(node))
            out.append(("", heading))
            continue
        if node.type in ("fence", "code_block", "html_block", "front_matter"):
            continue
        for child in node.walk():
            if child.type == "inline":
                out.extend((heading, ln.text) for ln in inline_lines(child))
    return out
