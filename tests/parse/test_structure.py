"""The document's structure, not a list of words: sub-headings as groups, measures marked inline,
sub-tasks, placeholders, what is not a commitment, other languages, tight metadata, and the
notes that explain each decision. One class of document per test group."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from textwrap import dedent

import pytest

from tracker import ParsedItem, ParserSettings, parse_text
from tracker.errors import UsageError
from tracker.parse.explain import UNTAKEN_COMMITMENT


def parsed(markdown: str, **settings: object):  # type: ignore[no-untyped-def]
    return parse_text(dedent(markdown), "doc.md", ParserSettings(**settings), explain=True)  # type: ignore[arg-type]


def items(markdown: str, **settings: object) -> list[ParsedItem]:
    return list(parsed(markdown, **settings).items)


def texts(markdown: str) -> list[str]:
    return [item.text for item in items(markdown)]


# -- sub-headings inside a measures section are its groups --------------------------------------


def test_sub_headings_of_a_measures_section_are_groups_even_with_other_sections_names() -> None:
    found = items("""
        ## Follow-ups
        ### Repair
        - Fix the pool size key
        ### Detection
        - Alert on pool saturation
        ### Lessons learned
        - We will rehearse failover every quarter
        ## Timeline
        - 10:00 paged
        """)
    assert [(i.text, i.group) for i in found] == [
        ("Fix the pool size key", "Repair"),
        ("Alert on pool saturation", "Detection"),
        ("We will rehearse failover every quarter", "Lessons learned"),
    ]


def test_a_title_with_a_weak_measures_word_is_still_closed_by_its_sections() -> None:
    assert texts("""
        # Broken deploys with no Actions budget
        ## Summary
        - The budget ran out
        ## Timeline
        - 18:30 deploys fail
        ## Action items
        - Alert on the Actions budget
        """) == ["Alert on the Actions budget"]


# -- measures marked inline, outside every measures section ----------------------------------------


def test_inline_markers_anywhere_are_measures() -> None:
    found = items("""
        # DNS outage
        ## Root cause
        The forward plugin changed.

        Action point: add a DNS load test to the upgrade runbook (Tom Becker, by 2024-03-22).

        ## Lessons learned
        1. Boring infrastructure deserves canaries.
           Action item: put CoreDNS behind the canary controller — NET-318.
        2. The status page was quick. Follow-up: write a playbook for support, @mkowalski.
        """)
    assert [(i.text, i.owner, i.due, i.tracker_ref) for i in found] == [
        ("add a DNS load test to the upgrade runbook.", "Tom Becker", date(2024, 3, 22), None),
        ("put CoreDNS behind the canary controller", None, None, "NET-318"),
        ("write a playbook for support", "mkowalski", None, None),
    ]
    warnings = parsed("## Notes\n\nTODO: add an alert\n").warnings
    assert any("found only by inline labels" in w for w in warnings)


def test_lessons_tagged_done_todo_doing_are_measures_with_that_status() -> None:
    found = items("""
        ## Lessons learned
        - DONE: Move index rebuilds to a dedicated node pool.
        - TODO [P2]: Cap shard relocations at 2 per node, SRCH-504
        - DOING: Rewrite the reindex runbook — Nadia Haddad
        - Alerting on relocation was too noisy.
        """)
    assert [(i.status, i.priority, i.owner) for i in found] == [
        ("done", None, None),
        ("open", "P2", None),
        ("open", None, "Nadia Haddad"),
    ]


def test_a_todo_in_an_appendix_or_timeline_is_a_note_but_an_action_paragraph_counts() -> None:
    assert texts("""
        ## Timeline
        - 10:00 TODO: look at logs
        - 10:05 rollback

        Ação: separar os códigos em uma fila própria — Rafael Souza.

        ## Appendix
        TODO: k-dev email
        """) == ["separar os códigos em uma fila própria"]


# -- sub-tasks ------------------------------------------------------------------------------------


def test_child_checkboxes_are_measures_beside_their_parent_and_a_group_word_is_not() -> None:
    found = items("""
        ## Action items
        - [ ] Replace the drain script (@dmitri, INFRA-880)
          - [x] Inventory clusters using drain.sh — @dmitri (INFRA-881)
          - [ ] Delete drain.sh — @keiko.sato due 2024-05-31
        - Monitoring:
          - [ ] Alert on cordoned nodes — @oncall, P2
        """)
    assert [(i.text, i.status, i.owner) for i in found] == [
        ("Replace the drain script", "open", "dmitri"),
        ("Inventory clusters using drain.sh", "done", "dmitri"),
        ("Delete drain.sh", "open", "keiko.sato"),
        ("Alert on cordoned nodes", "open", "oncall"),
    ]
    assert found[3].group == "Monitoring"


def test_nested_steps_with_their_own_owner_are_measures_but_field_bullets_are_not() -> None:
    found = items("""
        ## Nächste Schritte
        1. Dritten Resolver aufbauen – Verantwortlich: Team Netzwerk, bis 30. Juni 2024
           1. Hardware bestellen – Verantwortlich: Jörg Brandt, bis 17. Mai 2024
        2. **Cluster um drei Datenknoten erweitern**
           - **Verantwortlich:** Sebastian Roth
           - **Frist:** Q3 2024
           - **Status:** Offen
        """)
    assert [(i.text, i.owner, i.due, i.status) for i in found] == [
        ("Dritten Resolver aufbauen", "Team Netzwerk", date(2024, 6, 30), None),
        ("Hardware bestellen", "Jörg Brandt", date(2024, 5, 17), None),
        ("Cluster um drei Datenknoten erweitern", "Sebastian Roth", date(2024, 9, 30), "open"),
    ]


# -- placeholders and templates ---------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "- TBD",
        "- N/A – the backlog was a one-off import",
        "- To be agreed at the review.",
        "- {{ action }}",
        "- <action item>",
        "- Reporting-side caching: TBD pending the architecture review",
        "| Action | Owner | Due |\n|---|---|---|\n| Example: add alerting for X | owner | date |",
        "| Action | Owner | Due |\n|---|---|---|\n| | | |",
        "Por definir. Se completará después de la reunión de revisión.",
        "k. A. – wird im Architektur-Board besprochen.",
        "- 未定",
    ],
)
def test_placeholders_and_template_rows_are_not_measures(body: str) -> None:
    doc = parsed(f"## Action items\n\n{body}\n")
    assert doc.items == ()
    assert any("lists no items" in warning for warning in doc.warnings)


# -- what is not a commitment ---------------------------------------------------------------------


def test_meetings_and_postmortem_housekeeping_are_not_measures() -> None:
    assert texts("""
        ## Next steps
        - Add disk alerts for the CI runners
        - schedule the review
        - publish this doc to the eng blog
        - share with stakeholders in #eng-announce

        We will meet on Friday 8 March to review the remaining items with the network team.
        """) == ["Add disk alerts for the CI runners"]


def test_steps_taken_during_the_incident_are_not_measures() -> None:
    assert texts("""
        ## Actions menées pendant l'incident
        - Blocage de la deuxième remise SEPA
        ## Actions correctives
        - Rendre le batch idempotent
        """) == ["Rendre le batch idempotent"]


# -- other languages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "line", "owner", "due", "status"),
    [
        (
            "## Medidas correctivas",
            "- [x] Bajar el umbral — Responsable: Lucía Marín — Fecha límite: 17/05/2024",
            "Lucía Marín",
            date(2024, 5, 17),
            "done",
        ),
        (
            "## Maßnahmen",
            "- Alarm umstellen — Verantwortlich: Anna Vogt, bis 15. Mai 2024 — Erledigt",
            "Anna Vogt",
            date(2024, 5, 15),
            "done",
        ),
        (
            "## Actions correctives",
            "- Activer AOF\n  Responsable : Julien Moreau — Échéance : 19 avril 2024 — Statut : En cours",
            "Julien Moreau",
            date(2024, 4, 19),
            "open",
        ),
        (
            "## Ações corretivas",
            "- [ ] Exigir aprovação — Responsável: @carla.mendes — Prazo: 24/05/2024",
            "carla.mendes",
            date(2024, 5, 24),
            "open",
        ),
        (
            "## Azioni correttive",
            "1. Eseguire un test mensile\n   Responsabile: Luca Ferri\n   Scadenza: giugno 2024\n   Stato: Da fare",
            "Luca Ferri",
            date(2024, 6, 30),
            "open",
        ),
        (
            "## Verbetermaatregelen",
            "- Runbook aanvullen (eigenaar: Sanne de Vries, deadline 24-05-2024) — gedaan",
            "Sanne de Vries",
            date(2024, 5, 24),
            "done",
        ),
        (
            "## 再発防止策",
            "- オートスケールの上限を引き上げる（担当：田中、期限：2024/05/01、状態：完了）",
            "田中",
            date(2024, 5, 1),
            "done",
        ),
    ],
)
def test_measures_and_their_fields_in_other_languages(
    heading: str, line: str, owner: str, due: date, status: str
) -> None:
    (item,) = items(f"# Postmortem\n\n{heading}\n\n{line}\n")
    assert (item.owner, item.due, item.status) == (owner, due, status)


@pytest.mark.parametrize(
    ("header", "row"),
    [
        (
            "| Acción | Responsable | Fecha límite | Estado |",
            "| Mover el job | Lucía | 10/05/2024 | Hecho |",
        ),
        (
            "| Maßnahme | Verantwortlich | Frist | Status |",
            "| Mover el job | Lucía | 10.05.2024 | Erledigt |",
        ),
        ("| 対策 | 担当 | 期限 | 状態 |", "| Mover el job | Lucía | 2024年5月10日 | 完了 |"),
    ],
)
def test_tables_with_headers_in_other_languages(header: str, row: str) -> None:
    item, _ = items(
        f"## Measures\n\n{header}\n|---|---|---|---|\n{row}\n| Otro | Ana | 17/05/2024 | - |\n"
    )
    assert (item.text, item.owner, item.due, item.status) == (
        "Mover el job",
        "Lucía",
        date(2024, 5, 10),  # 10/05 is day first: the 17/05 beside it says so
        "done",
    )


def test_ambiguous_numeric_dates_stay_unread_without_evidence() -> None:
    (item,) = items("## Action items\n\n- Rotate keys, due 04/05/2024\n")
    assert item.due is None


@pytest.mark.parametrize(
    ("written", "due"),
    [
        ("Q3 2024", date(2024, 9, 30)),
        ("T3 2024", date(2024, 9, 30)),
        ("H2 2024", date(2024, 12, 31)),
        ("November 2024", date(2024, 11, 30)),
        ("end of March 2024", date(2024, 3, 31)),
        ("Ende Mai 2024", date(2024, 5, 31)),
        ("2024年6月末", date(2024, 6, 30)),
        ("2024年第3四半期", date(2024, 9, 30)),
        ("15 de mayo de 2024", date(2024, 5, 15)),
        ("15 maggio 2024", date(2024, 5, 15)),
    ],
)
def test_periods_and_dates_as_due_dates(written: str, due: date) -> None:
    (item,) = items(f"## Action items\n\n- Rotate the keys — Owner: Bob Smith, by {written}\n")
    assert (item.owner, item.due) == ("Bob Smith", due)


# -- metadata written tightly ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "facts"),
    [
        (
            "Update the template — @amira.haddad due 2024-07-26 (PAY-1180)",
            ("amira.haddad", date(2024, 7, 26), "PAY-1180", None),
        ),
        (
            "Alert on replicas — Nikolai Petrov, AUTH-612, due 2024-06-28",
            ("Nikolai Petrov", date(2024, 6, 28), "AUTH-612", None),
        ),
        ("add disk usage alert (jo, CI-310)", ("jo", None, "CI-310", None)),
        (
            "Pause the rebalancer — wnowak — 2024-11-22 — STOR-78",
            ("wnowak", date(2024, 11, 22), "STOR-78", None),
        ),
        ("Page on evictions — sre@shop.io (CACHE-44)", ("sre@shop.io", None, "CACHE-44", None)),
        ("Ship the fix — @claire.dubois ✅", ("claire.dubois", None, None, "done")),
        ("Add a contract test (in progress)", (None, None, None, "open")),
        (
            "Alert on throughput per version, owner Raj Patel, MSG-331",
            ("Raj Patel", None, "MSG-331", None),
        ),
        (
            "Add login rate to the SEV-1 auto-page rules — Sofia Lind, AUTH-613",
            ("Sofia Lind", None, "AUTH-613", None),
        ),
        ("Define a test policy — Owner: TBD", (None, None, None, None)),
    ],
)
def test_metadata_written_tightly(line: str, facts: tuple[object, ...]) -> None:
    (item,) = items(f"## Action items\n\n- {line}\n")
    assert (item.owner, item.due, item.tracker_ref, item.status) == facts


def test_a_product_in_brackets_is_not_an_owner_but_a_trailing_name_is() -> None:
    first, second = items("""
        ## Action items
        - Move sessions to (AWS ElastiCache) in every region
        - We will add a failover drill to the game day (Sofia Lind).
        """)
    assert first.owner is None and second.owner == "Sofia Lind"


# -- explaining decisions ---------------------------------------------------------------------------


def test_explain_names_the_rule_of_each_item_and_why_candidates_were_skipped() -> None:
    doc = parsed("""
        ## Lessons learned
        - We will add a canary for DNS changes.
        ## Action items
        - Add an alert on SERVFAIL
        - TBD
        - schedule the review
        """)
    notes = {(note.line, note.taken, note.rule) for note in doc.notes}
    assert (5, True, "list entry") in notes
    assert (6, False, "a placeholder, not a measure") in notes
    assert (7, False, "schedules a meeting or tends to the postmortem itself") in notes
    assert (3, False, UNTAKEN_COMMITMENT) in notes
    assert parse_text("## Action items\n\n- Add an alert\n").notes == ()  # only when asked


# -- a team's own words ------------------------------------------------------------------------------


def test_a_team_adds_its_own_language_table(tmp_path: Path) -> None:
    table = tmp_path / "pl.toml"
    table.write_text(
        "[sections]\nstrong = ['działania naprawcze']\n"
        "[fields]\nowner = ['odpowiedzialny']\ndue_words = ['do']\n"
        "[dates.months]\nmaja = 5\n"
    )
    doc = (
        "## Działania naprawcze\n\n- Dodać alert — Odpowiedzialny: Jan Kowalski, do 15 maja 2024\n"
    )
    assert items(doc) == []
    (item,) = items(doc, languages=(table,))
    assert (item.text, item.owner, item.due) == ("Dodać alert", "Jan Kowalski", date(2024, 5, 15))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[sections\n", "not a valid TOML language table"),
        ("[colours]\nred = ['x']\n", r"unknown table \[colours\]"),
        ("[sections]\nstrong = ['(']\n", "is not a valid regular expression"),
        ('[sections]\nstrong = ["a\\bb"]\n', "holds a control character"),
    ],
)
def test_a_bad_language_table_is_one_clear_error(
    tmp_path: Path, content: str, message: str
) -> None:
    table = tmp_path / "bad.toml"
    table.write_text(content)
    with pytest.raises(UsageError, match=message):
        ParserSettings(languages=(table,))
