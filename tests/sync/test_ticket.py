"""What a ticket says of its measure (tracker/sync/ticket.py): the facts a reader of the ticket
sees, in GitHub's markdown and in Jira's wiki markup."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tracker.sync.ticket import ItemView, labels, section, splice, title, written_labels

VIEW = ItemView(
    uid="0123456789abcdef",
    text="Alert on queue age over five minutes",
    incident_key="INC-1",
    incident_title="Queue outage",
    incident_date="2024-08-01",
    source_path="pm/queue.md",
    owner="alice",
    assignee="alice-gh",
    due="2024-09-30",
    priority="P1",
    type="detect",
    details=None,
)


def facts(body: str) -> list[str]:
    return [line for line in body.splitlines() if line.startswith(("- **", "* *"))]


def test_a_github_ticket_names_the_incident_with_its_date_and_mentions_the_assignee() -> None:
    body = section(VIEW, tracker_user="GitHub user")
    assert facts(body) == [
        "- **Incident:** Queue outage (INC-1, 2024-08-01)",
        "- **Postmortem:** `pm/queue.md`",
        "- **Owner:** @alice-gh",
        "- **Due:** 2024-09-30",
        "- **Priority:** P1",
        "- **Type:** detect",
    ]


def test_an_incident_without_a_date_shows_no_date() -> None:
    body = section(replace(VIEW, incident_date=None), tracker_user="GitHub user")
    assert facts(body)[0] == "- **Incident:** Queue outage (INC-1)"


@pytest.mark.parametrize(
    ("owner", "assignee", "shown"),
    [
        ("alice", "5b10ac8d82e05b22cc7d4ef5", "alice (assigned)"),  # the postmortem's name
        (None, "5b10ac8d82e05b22cc7d4ef5", "5b10ac8d82e05b22cc7d4ef5 (assigned)"),
        ("bob", None, "bob (no Jira user is mapped to this owner, so the ticket is unassigned)"),
        (None, None, "not named in the postmortem"),
    ],
)
def test_a_jira_ticket_names_the_owner_as_the_postmortem_does(
    owner: str | None, assignee: str | None, shown: str
) -> None:
    """Jira shows the assignee in its own field; the body keeps the name the postmortem used,
    never an account id in its place."""
    view = replace(VIEW, owner=owner, assignee=assignee)
    body = section(view, tracker_user="Jira user", flavor="jira")
    assert f"* *Owner:* {shown}" in facts(body)


def test_the_postmortem_link_uses_the_configured_url() -> None:
    body = section(
        VIEW, tracker_user="GitHub user", postmortem_url="https://git.example/ops/{path}"
    )
    assert "- **Postmortem:** [pm/queue.md](https://git.example/ops/pm/queue.md)" in facts(body)
    jira = section(
        VIEW,
        tracker_user="Jira user",
        postmortem_url="https://git.example/ops/{path}",
        flavor="jira",
    )
    assert "* *Postmortem:* [pm/queue.md|https://git.example/ops/pm/queue.md]" in facts(jira)


def test_a_long_incident_key_gives_way_to_the_file_name_in_the_title() -> None:
    view = replace(VIEW, incident_key="postmortems/2024/queue-outage-in-the-orders-cluster")
    assert title(view) == "[queue.md] Alert on queue age over five minutes"


@pytest.mark.parametrize(("length", "shown"), [(30, "key"), (31, "file")])
def test_an_incident_key_of_up_to_thirty_characters_is_kept_in_the_title(
    length: int, shown: str
) -> None:
    key = "INC-" + "x" * (length - 4)
    prefix = key if shown == "key" else "queue.md"
    assert title(replace(VIEW, incident_key=key)).startswith(f"[{prefix}] Alert")


@pytest.mark.parametrize(("flavor", "fence"), [("markdown", "```"), ("jira", "{noformat}")])
def test_the_details_of_a_measure_are_quoted_verbatim_between_two_fences(
    flavor: str, fence: str
) -> None:
    """Details are the postmortem's words as written (markup, `code`, *stars*): shown as they
    are, in a block that opens and closes with the flavor's fence."""
    details = "Runbook: run `drain --all` on *every* node\n| not | a table |"
    body = section(replace(VIEW, details=details), tracker_user="u", flavor=flavor)  # type: ignore[arg-type]
    lines = body.splitlines()
    start = lines.index("Details from the postmortem:")
    assert lines[start + 1 : start + 5] == [fence, *details.splitlines(), fence]


@pytest.mark.parametrize("flavor", ["markdown", "jira"])
def test_the_labels_a_section_was_written_with_are_read_back_from_it(flavor: str) -> None:
    """Its Priority and Type facts give them; a details block that looks like facts does not."""
    view = replace(VIEW, priority="P 0", details="- **Priority:** P9\n* *Type:* fake")
    body = "Notes.\n\n" + section(view, tracker_user="u", flavor=flavor) + "\n\nMore notes."
    options = {"tool_label": "pm", "extra": ["sre"]}
    assert written_labels(body, flavor, **options) == labels(view, **options)  # type: ignore[arg-type]
    assert labels(view, **options) == ["pm", "sre", "priority:P-0", "type:detect"]  # type: ignore[arg-type]
    assert written_labels("A body without the section", flavor, **options) == []  # type: ignore[arg-type]


def test_the_jira_flavor_is_read_by_its_value() -> None:
    """A flavor read at run time (from a config, a connector) is an equal string, not the
    same object as the literal."""
    flavor = "".join(["ji", "ra"])
    assert flavor is not "jira"  # noqa: F632 (the point of the test)
    body = section(VIEW, tracker_user="Jira user", flavor=flavor)
    assert body == section(VIEW, tracker_user="Jira user", flavor="jira")
    assert "bq. Alert on queue age over five minutes" in body.splitlines()
    assert "* *Incident:* Queue outage (INC-1, 2024-08-01)" in facts(body)


def test_only_the_first_copy_of_the_tools_section_is_replaced() -> None:
    """A person pasted the section a second time (quoting it): only the tool's, the first, is
    kept up to date."""
    old = section(VIEW, tracker_user="GitHub user")
    new = section(replace(VIEW, priority="P2"), tracker_user="GitHub user")
    body = f"Notes.\n\n{old}\n\nQuoted from above:\n{old}\n"
    assert splice(body, new) == f"Notes.\n\n{new}\n\nQuoted from above:\n{old}\n"


@pytest.mark.parametrize("body", [None, "", "A person's notes, without the tool's section."])
def test_a_body_without_the_tools_section_is_not_spliced(body: str | None) -> None:
    assert splice(body, section(VIEW, tracker_user="GitHub user")) is None


@pytest.mark.parametrize("extra", [0, 1])
def test_a_title_of_exactly_the_limit_keeps_every_word(extra: int) -> None:
    """ "[INC-1] " and a text that together make MAX_TITLE characters: nothing is cut; one
    character more and the last word gives way to "…"."""
    from tracker.sync.ticket import MAX_TITLE

    room = MAX_TITLE - len("[INC-1] ") + extra
    text = ("word " * 40)[: room - 1].rstrip() + "s"
    text += "s" * (room - len(text))
    assert len(text) == room
    shown = title(replace(VIEW, text=text))
    if extra == 0:
        assert shown == f"[INC-1] {text}" and len(shown) == MAX_TITLE
    else:
        assert shown == f"[INC-1] {text.rsplit(' ', 1)[0]}…" and len(shown) <= MAX_TITLE
