"""The formats people really write measures in, one style per test."""

from __future__ import annotations

from datetime import date
from textwrap import dedent

import pytest

from tracker import ParsedItem, ParserSettings, parse_text


def items(markdown: str, **settings: object) -> list[ParsedItem]:
    return list(parse_text(dedent(markdown), "doc.md", ParserSettings(**settings)).items)  # type: ignore[arg-type]


def texts(markdown: str) -> list[str]:
    return [item.text for item in items(markdown)]


@pytest.mark.parametrize(
    "heading",
    [
        "## Corrective and preventative measures",
        "# Corrective and Preventive Actions",
        "### Action Items",
        "#### Follow-ups",
        "## Follow-up actions",
        "## Remediation",
        "## Next steps",
        "## TODO",
        "## Preventive measures",
        "## Remediation items",
        "## Action Items & Followups",
        "Action items\n------------",
        "Corrective actions\n==================",
        "**Action Items:**",
        "**Corrective and preventative measures**",
        "Follow-ups:",
        "Corrective And Preventative Measures",
    ],
)
def test_measures_section_is_found_under_any_heading_style(heading: str) -> None:
    doc = f"# Outage\n\nSummary text.\n\n{heading}\n\n- Add alerting on disk usage\n- Write a runbook\n"
    assert texts(doc) == ["Add alerting on disk usage", "Write a runbook"]


@pytest.mark.parametrize(
    "heading",
    [
        "## Timeline",
        "## Lessons learned",
        "## What went well",
        "## Resolution and recovery",
        "## Follow-up timeline",
        "## Questions for follow up",
        "**Actions taken:**",
        "## Root cause",
    ],
)
def test_other_sections_are_not_measures(heading: str) -> None:
    doc = parse_text(f"# Outage\n\n{heading}\n\n- Restarted the database\n- Paged the on-call\n")
    assert doc.items == ()
    assert doc.warnings == ("no corrective or preventative measures section found",)


def test_section_ends_at_next_heading_of_same_level_and_spans_subheadings() -> None:
    doc = """
    ## Action items
    ### Monitoring
    1. Alert on queue depth
    ### Process
    1. Review deploys on Fridays
    ## Lessons learned
    - We were lucky
    """
    found = items(doc)
    assert [(i.text, i.group) for i in found] == [
        ("Alert on queue depth", "Monitoring"),
        ("Review deploys on Fridays", "Process"),
    ]


def test_numbering_that_restarts_or_repeats_yields_every_item() -> None:
    doc = "## Action items\n\n1. One thing\n1. Two things\n\n3. Three things\n1. Four things\n"
    assert texts(doc) == ["One thing", "Two things", "Three things", "Four things"]


def test_any_bullet_marker() -> None:
    doc = "## Action items\n\n* Star item\n\n+ Plus item\n\n- Dash item\n"
    assert texts(doc) == ["Star item", "Plus item", "Dash item"]


def test_task_list_gives_status() -> None:
    doc = "## Action items\n\n- [x] Patch the endpoint\n- [ ] Write a flow chart\n- Plain item\n"
    assert [(i.text, i.status) for i in items(doc)] == [
        ("Patch the endpoint", "done"),
        ("Write a flow chart", "open"),
        ("Plain item", None),
    ]


def test_sre_book_table_with_todo_and_done_in_bug_cell() -> None:
    doc = """
    ## Action Items

    | Action Item | Type | Owner | Bug |
    |---|---|---|---|
    | Update playbook | mitigate | jennifer | n/a **DONE** |
    | Plug file descriptor leak | prevent | agoogler | Bug 5554823 **TODO** |
    | Add load shedding | prevent | agoogler | TODO |
    """
    found = items(doc)
    assert [(i.text, i.type, i.owner, i.status) for i in found] == [
        ("Update playbook", "mitigate", "jennifer", "done"),
        ("Plug file descriptor leak", "prevent", "agoogler", "open"),
        ("Add load shedding", "prevent", "agoogler", "open"),
    ]


def test_table_columns_are_recognised_by_header_name() -> None:
    doc = """
    ## Remediation

    | ID | Task | Assignee | Deadline | Prio | Status | Ticket |
    |----|------|----------|----------|------|--------|--------|
    | R1 | Rotate the keys | @bob | 2024-05-01 | p1 | Done | [OPS-12](https://acme.atlassian.net/browse/OPS-12) |
    | R2 | Audit workflows | carol | May 3, 2024 | P2 | in progress | OPS-13 |
    |    |                 |       |            |    |        |        |
    """
    found = items(doc)
    assert [
        (i.explicit_id, i.text, i.owner, i.due, i.priority, i.status, i.tracker_ref) for i in found
    ] == [
        (
            "R1",
            "Rotate the keys",
            "bob",
            date(2024, 5, 1),
            "P1",
            "done",
            "https://acme.atlassian.net/browse/OPS-12",
        ),
        ("R2", "Audit workflows", "carol", date(2024, 5, 3), "P2", "open", "OPS-13"),
    ]


def test_lists_beside_an_action_item_table_are_vocabulary_not_items() -> None:
    doc = """
    ## Action items
    Types:
    * Prevent - stop it happening
    * Detect - notice sooner

    | Action Item | Type |
    |---|---|
    | Test for data inconsistency | Prevent |
    """
    assert texts(doc) == ["Test for data inconsistency"]


def test_group_labels_are_not_items_but_their_children_are() -> None:
    doc = """
    ## Action items
    - Monitoring:
      - Alert on replication lag
      - Dashboard for pool usage
    - **Process**
      - Two reviewers for config changes
    - Improve probes
      - reach out to teams
      - create a dashboard
    """
    found = items(doc)
    assert [(i.text, i.group) for i in found] == [
        ("Alert on replication lag", "Monitoring"),
        ("Dashboard for pool usage", "Monitoring"),
        ("Two reviewers for config changes", "Process"),
        ("Improve probes", None),
    ]
    assert found[-1].details == "reach out to teams\ncreate a dashboard"


def test_bold_title_paragraphs_are_items() -> None:
    doc = """
    ## Follow-up improvements

    We will do the following.

    **Add alerting.** We will page when the queue is older than five minutes.

    **Pin the AMI.** Nodes will use a tested image.
    """
    assert texts(doc) == [
        "Add alerting. We will page when the queue is older than five minutes.",
        "Pin the AMI. Nodes will use a tested image.",
    ]


def test_prose_only_section_gives_one_item_per_paragraph_and_skips_the_intro() -> None:
    doc = """
    Corrective and Preventative Measures:

    The following will be done:

    The team will test server configurations before they are applied.

    The team will alert when load exceeds a threshold.
    """
    assert texts(doc) == [
        "The team will test server configurations before they are applied.",
        "The team will alert when load exceeds a threshold.",
    ]


def test_plain_text_measures_one_per_line_without_markers() -> None:
    doc = (
        "Root Cause\nA typo.\n\nAction Items\nDeploy a second standby server.\n"
        "Add replication checks.\nTrain the team on failover.\n\nConclusion\nWe learned.\n"
    )
    assert texts(doc) == [
        "Deploy a second standby server.",
        "Add replication checks.",
        "Train the team on failover.",
    ]


def test_wrapped_prose_is_one_item() -> None:
    doc = "## Next steps\n\nWe will move the staging database to\nthe new cluster and retire the old one.\n"
    assert texts(doc) == [
        "We will move the staging database to the new cluster and retire the old one."
    ]


def test_text_bullets_typed_as_glyphs() -> None:
    doc = "## Corrective measures\n\nWe will:  \n•  Simplify the firewall rules.  \n•  Remove stale rules monthly.\n"
    assert texts(doc) == ["Simplify the firewall rules.", "Remove stale rules monthly."]


def test_metadata_inside_item_text() -> None:
    doc = """
    ## Action items
    - [P1] Add disk alerts (owner: carol@example.com) due 2024-05-01
    - TODO: Rotate credentials @alice by May 1, 2024 [prevent]
    - DONE: Pin versions — OPS-123
    - Track in acme/infra#45 priority: high
    - See https://github.com/acme/infra/issues/7 for the runbook fix
    """
    got = [
        (i.text, i.owner, i.due, i.priority, i.type, i.status, i.tracker_ref) for i in items(doc)
    ]
    assert got == [
        ("Add disk alerts", "carol@example.com", date(2024, 5, 1), "P1", None, None, None),
        (
            "Rotate credentials @alice by May 1, 2024",
            "alice",
            date(2024, 5, 1),
            None,
            "prevent",
            "open",
            None,
        ),
        ("Pin versions", None, None, None, None, "done", "OPS-123"),
        ("Track in acme/infra#45 priority: high", None, None, "high", None, None, "acme/infra#45"),
        (
            "See https://github.com/acme/infra/issues/7 for the runbook fix",
            None,
            None,
            None,
            None,
            None,
            "https://github.com/acme/infra/issues/7",
        ),
    ]


def test_struck_through_item_is_done_and_html_comment_id_is_explicit() -> None:
    found = items("## TODO\n\n- ~~Retire the old cluster~~\n- Add a canary <!-- id: canary-1 -->\n")
    assert [(i.text, i.status, i.explicit_id) for i in found] == [
        ("Retire the old cluster", "done", None),
        ("Add a canary", None, "canary-1"),
    ]


def test_distractors_inside_and_around_the_section_are_ignored() -> None:
    doc = """
    ## Timeline
    - 10:00 TODO: page the on-call

    ## Action items

    > - Quoted list item is not an item

    ```
    - code block line is not an item
    TODO: nothing
    ```

    <!--
    - commented out item
    -->

    - The only item
    """
    assert texts(doc) == ["The only item"]


def test_empty_section_yields_no_items_and_a_warning() -> None:
    doc = parse_text("# Incident\n\n## Action Items\n\n## Lessons Learned\n\n- lesson\n")
    assert doc.items == ()
    assert doc.warnings == ("measures section 'Action Items' (line 3) lists no items",)


def test_two_measures_sections_both_count() -> None:
    doc = "## Corrective measures\n1. Fix A\n\n## Timeline\n- x\n\n## TODO\n* Fix B\n"
    assert texts(doc) == ["Fix A", "Fix B"]


def test_team_specific_heading_pattern_from_settings() -> None:
    doc = "## Homework\n\n- Add a canary stage\n"
    assert items(doc) == []
    assert [i.text for i in items(doc, measures_headings=(r"homework",))] == ["Add a canary stage"]


def test_items_carry_their_line_numbers() -> None:
    found = items("# T\n\n## Action items\n\n- first\n- second\n")
    assert [i.line for i in found] == [5, 6]


def test_table_items_carry_their_row_line_numbers() -> None:
    found = items(
        "## Action items\n\n| Action | Owner |\n|---|---|\n| First | a |\n| Second | b |\n"
    )
    assert [i.line for i in found] == [5, 6]
