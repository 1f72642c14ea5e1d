"""The section rules at their edges (tracker/parse/sections.py): where a label or heading stops
being one, what ends a section opened by a label, and what a weak measures heading lets in.
Each document sits on one edge, so moving the edge changes what is read."""

from __future__ import annotations

from textwrap import dedent

import pytest

from tracker import ParserSettings, parse_text


def read(markdown: str) -> list[tuple[str, str | None]]:
    """(text, group) of every measure found."""
    doc = parse_text(dedent(markdown), "doc.md", ParserSettings())
    return [(item.text, item.group) for item in doc.items]


def texts(markdown: str) -> list[str]:
    return [text for text, _ in read(markdown)]


# -- what ends a section opened by a label -------------------------------------------------------


def test_a_horizontal_rule_ends_a_label_section() -> None:
    assert texts("""
        **Action items:**

        - Alert on queue age

        ---

        - The queue grew for an hour
        """) == ["Alert on queue age"]


def test_a_code_block_inside_a_label_section_does_not_end_it() -> None:
    assert texts("""
        **Action items:**

        - Alert on queue age

        ```
        alert: queue_age > 300
        ```

        - Load-test the consumers
        """) == ["Alert on queue age", "Load-test the consumers"]


def test_another_sections_bold_label_with_text_after_it_ends_a_label_section() -> None:
    assert texts("""
        **Action items:**

        - Alert on queue age

        **Root cause:** a bad config push.

        - Config pushes skipped review
        """) == ["Alert on queue age"]


def test_bold_lines_of_other_words_inside_a_section_are_its_groups() -> None:
    assert read("""
        ## Action items

        **Database**

        - Add a replica

        **Network**

        - Add a second uplink
        """) == [("Add a replica", "Database"), ("Add a second uplink", "Network")]


# -- how long a label may be ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "is_label"),
    [
        ("Corrective and preventative measures we agreed:", True),  # six words before the colon
        ("The corrective and preventative measures we agreed:", False),  # seven
        ("Corrective and preventative measures for the checkout outage", True),  # eight words
        ("Corrective and preventative measures for the big checkout outage", False),  # nine
    ],
)
def test_a_label_line_is_short(line: str, is_label: bool) -> None:
    """A line names a section when it is short: up to six words before a colon, up to eight
    without one. A longer line is a sentence that happens to contain the words."""
    found = texts(f"{line}\n\n- Alert on queue age\n")
    assert found == (["Alert on queue age"] if is_label else [])


# -- a weak measures heading (a title with "actions" in it) and its sub-headings -------------------

WEAK = """
    # Queue outage actions workflow

    - Alert on queue age

    ## {sub}

    - Page the on-call sooner
    """


@pytest.mark.parametrize(
    ("sub", "inside"),
    [
        ("Timeline of events in UTC", False),  # five words naming another section: it ends
        ("Timeline of the events in UTC", True),  # six: a long heading is a measure's own
        ("2. Timeline", True),  # numbered: a step of the workflow
        ("Alerting", True),  # names no other section
    ],
)
def test_a_sub_heading_of_a_weak_measures_heading(sub: str, inside: bool) -> None:
    found = read(WEAK.format(sub=sub))
    expected = [("Alert on queue age", None)]
    assert found == expected + ([("Page the on-call sooner", sub)] if inside else [])
