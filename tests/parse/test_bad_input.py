"""Bad input: a clear one-line message naming the file, the right exit code, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker import ParseError, parse_file, parse_text

GOOD = "# Outage\n\n## Action items\n\n- Add alerting\n- Write a runbook\n"


def assert_one_line_error(err: str, *words: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert "Traceback" not in err
    for word in words:
        assert word in lines[0]


def test_binary_file_is_reported_and_other_files_still_parsed(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "a.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "b.md").write_text(GOOD)
    result = run("parse", str(tmp_path), "--format", "json")
    assert result.code == 1
    assert_one_line_error(result.err, "a.md", "binary")
    assert [doc["path"] for doc in json.loads(result.out)] == [str(tmp_path / "b.md")]


def test_invalid_utf8_names_the_line(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "latin.md").write_bytes(GOOD.encode() + "- Caf\xe9 menu\n".encode("latin-1"))
    result = run("parse", str(tmp_path / "latin.md"))
    assert result.code == 1
    assert_one_line_error(result.err, "latin.md", "UTF-8", "line 7")


def test_bom_crlf_and_tabs_are_read_normally(tmp_path: Path) -> None:
    text = "\ufeff# Outage\r\n\r\n## Action items\r\n\r\n-\tAdd alerting\r\n-\tWrite a runbook\r\n"
    path = tmp_path / "windows.md"
    path.write_bytes(text.encode("utf-8"))
    doc = parse_file(path)
    assert doc.incident.title == "Outage"
    assert [i.text for i in doc.items] == ["Add alerting", "Write a runbook"]


def test_empty_file_gives_a_warning_not_an_error(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "empty.md").write_text("")
    result = run("parse", str(tmp_path / "empty.md"), "--format", "json")
    assert result.code == 0
    [doc] = json.loads(result.out)
    assert doc["items"] == []
    assert doc["warnings"] == ["no corrective or preventative measures section found"]


def test_file_larger_than_the_limit_is_refused_quickly(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    big = tmp_path / "big.md"
    with big.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB without writing them
    result = run("parse", str(big))
    assert result.code == 1
    assert_one_line_error(result.err, "big.md", "50.0 MiB", "max_file_mb")


def test_list_nested_ten_thousand_levels_deep() -> None:
    deep = "## Action items\n\n" + "- " * 10_000 + "bottom\n"
    indented = "## Action items\n\n" + "".join("  " * i + "- level\n" for i in range(2_000))
    quoted = "## Action items\n\n" + ">" * 10_000 + " quoted\n"
    for text in (deep, indented, quoted):
        doc = parse_text(text)
        assert len(doc.items) <= 1


def test_missing_path_exits_2(run) -> None:  # type: ignore[no-untyped-def]
    result = run("parse", "no/such/file.md")
    assert result.code == 2
    assert_one_line_error(result.err, "no/such/file.md", "no such file")


def test_folder_without_markdown_exits_2(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "notes.txt").write_text("not markdown")
    result = run("parse", str(tmp_path))
    assert result.code == 2
    assert_one_line_error(result.err, str(tmp_path), "no markdown files")


def test_unreadable_file_is_reported_and_the_others_still_read(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "bad.md").write_bytes(b"\xff\xfe\x00binary")
    (tmp_path / "good.md").write_text(GOOD)
    result = run("parse", "bad.md", "good.md", "--format", "json")
    assert result.code == 1
    assert_one_line_error(result.err, "bad.md", "not a text file")
    assert len(json.loads(result.out)) == 1  # good.md is still read


def test_a_folder_named_like_a_markdown_file_is_read_as_a_folder(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "dir.md"
    folder.mkdir()
    (folder / "inner.md").write_text(GOOD)
    result = run("parse", str(folder), "--format", "json")
    assert result.code == 0  # a folder named *.md is a folder: its markdown is read
    assert len(json.loads(result.out)) == 1


def test_invalid_front_matter_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "fm.md"
    path.write_text("---\ntitle: [unclosed\n---\n\n## Action items\n- Fix it\n")
    doc = parse_file(path)
    assert [i.text for i in doc.items] == ["Fix it"]
    assert doc.warnings[0].startswith("front matter is not valid YAML")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_parser_never_raises_on_any_text(text: str) -> None:
    parse_text(text)


_MARKDOWNISH = st.lists(
    st.sampled_from(
        [
            "# ",
            "## Action items",
            "**Action Items:**",
            "- ",
            "1. ",
            "* [x] ",
            "  - ",
            "| a | b |",
            "|---|---|",
            "> ",
            "```",
            "---",
            "<!-- ",
            " -->",
            "TODO:",
            "Owner: @x",
            "due 2024-02-30",
            "[P1]",
            "~~",
            "**",
            "\t",
            "\r\n",
            "\n",
            "\n\n",
            "text",
            "OPS-1",
            "#12",
            ":",
            "\u2022 ",
            " · ",
            " — ",
            " - ",
            "@March 3, 2025",
            "@Ann Lee",
            "Tom will ",
            "(done)",
            "04/04/2025",
            "### 1. Add",
            "Action:",
            "TBD",
            "✅ ",
            "Planned – ",
        ]
    ),
    max_size=60,
).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_MARKDOWNISH)
def test_parser_never_raises_on_markdown_like_text(text: str) -> None:
    doc = parse_text(text)
    assert all(item.text for item in doc.items)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_reading_any_bytes_raises_only_parse_error(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "f.md"
    path.write_bytes(data)
    try:
        parse_file(path)
    except ParseError as exc:
        assert str(path) in str(exc)
