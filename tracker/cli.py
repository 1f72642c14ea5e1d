"""The `track` command line: parse options, call the library, render, map errors to exit codes.

Heavy modules (SQLAlchemy, Alembic, rich tables) are imported inside the commands that need
them, so `track --help` and `track parse` start fast from cron.
"""

from __future__ import annotations

import datetime as dt
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import typer.main

from tracker import __version__
from tracker.errors import TrackError, UsageError

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from rich.console import Console as RichConsole
    from sqlalchemy import Select
    from sqlalchemy.orm import Session

    from tracker.config import Config
    from tracker.model import ParsedDocument
    from tracker.report.status import Filters as StatusFilters
    from tracker.store.database import Store

app = typer.Typer(
    help="Make sure the lessons of an outage actually get done: track postmortem action items.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion, --show-completion (bash, zsh, fish, PowerShell)
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # click's plain help: loading rich's help rendering doubles start-up
)
db_app = typer.Typer(
    help="Manage the database of action items.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(db_app, name="db")

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="Config file (default: $TRACK_CONFIG, else track.yaml here or in a parent folder "
        "up to the git root, else the user's config folder).",
        dir_okay=False,
        metavar="FILE",
    ),
]
PathsArgument = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Postmortem files, or folders searched for *.md (default: config sources).",
        metavar="PATH",
    ),
]


class ParseFormat(StrEnum):
    table = "table"
    json = "json"


class SyncFormat(StrEnum):
    text = "text"
    json = "json"


SyncFormatOption = Annotated[
    SyncFormat, typer.Option("--format", "-f", help="text (quiet when nothing changed) or json.")
]
# `sync` and `link` take one lock per database (tracker/sync/lock.py)
WaitOption = Annotated[
    float,
    typer.Option(
        help="Seconds to wait for another sync on this database to finish.",
        metavar="SECONDS",
        min=0,
    ),
]


class CheckFormat(StrEnum):
    text = "text"
    github = "github"
    markdown = "markdown"


class LogFormat(StrEnum):
    text = "text"
    json = "json"


class StatusFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"track {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Make sure the lessons of an outage actually get done: track postmortem action items."""


@app.command()
def parse(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Postmortem files, or folders searched for *.md.", metavar="PATH"),
    ],
    output: Annotated[
        ParseFormat, typer.Option("--format", "-f", help="table for people, json for programs.")
    ] = ParseFormat.table,
    heading: Annotated[
        list[str] | None,
        typer.Option(
            "--heading",
            help="Extra regex for headings that open a measures section (repeatable).",
            metavar="REGEX",
        ),
    ] = None,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain", help="Also say which rule took each item, and why candidates were not."
        ),
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Show the corrective and preventative measures found in postmortem files.

    Nothing is stored. Exit code 0 when every file was read, 1 when some could not be (the
    others are still shown), 2 when a path does not exist or a folder holds no markdown.
    """
    from tracker.errors import ParseError
    from tracker.parse.document import markdown_files, parse_file
    from tracker.report.render import print_document, to_json

    settings = _load(config).parser_settings(tuple(heading or ()))
    docs: list[ParsedDocument] = []
    failed = 0
    for path in list(markdown_files(paths)):
        try:
            docs.append(parse_file(path, settings, explain=explain))
        except ParseError as exc:
            failed += 1
            typer.echo(f"error: {exc}", err=True)
    if output is ParseFormat.json:
        typer.echo(to_json(docs))
    else:
        for doc in docs:
            print_document(doc)
    if failed:
        raise typer.Exit(1)


@app.command()
def check(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Postmortem files, or folders searched for *.md.", metavar="PATH"),
    ],
    output: Annotated[
        CheckFormat,
        typer.Option(
            "--format",
            "-f",
            help="text for people; github for workflow commands (annotations on the pull "
            "request); markdown for one comment body.",
        ),
    ] = CheckFormat.text,
    require: Annotated[
        str | None,
        typer.Option(
            "--require",
            metavar="FIELDS",
            help="Fields every open measure must have, comma-separated: owner, due, priority; "
            "or none (default: check.require in the config, else owner).",
        ),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Review postmortems before they merge: the measures that will become tickets, and what
    needs the author's attention. Nothing is stored.

    Exit code 1 when a file has no measures or cannot be read, or an open measure (one not
    done) lacks a required field; 0 otherwise. Lines that read like commitments outside every
    measures section, and the parser's other warnings, are notes: they do not change the exit
    code. 2 when a path does not exist, or --require or the configuration is wrong.
    """
    from tracker.errors import ParseError
    from tracker.parse.document import markdown_files, parse_file
    from tracker.report.check import (
        check_documents,
        parse_require,
        render_github,
        render_markdown,
        render_text,
    )

    wanted = parse_require(require) if require is not None else None
    settings = _load(config)
    fields = tuple(settings.check.require) if wanted is None else wanted
    parser = settings.parser_settings()
    results: list[ParsedDocument | ParseError] = []
    for path in list(markdown_files(paths)):
        try:
            results.append(parse_file(path, parser, explain=True))
        except ParseError as exc:
            results.append(exc)
    report = check_documents(results, fields)
    render = {
        CheckFormat.text: render_text,
        CheckFormat.github: render_github,
        CheckFormat.markdown: render_markdown,
    }[output]
    typer.echo(render(report), nl=False)
    if report.exit_code:
        raise typer.Exit(report.exit_code)


@app.command()
def ingest(paths: PathsArgument = None, config: ConfigOption = None) -> None:
    """Store the measures of postmortem files as tracked action items.

    Unchanged files are skipped; edited ones keep their items' identity (docs/identity.md).
    Exit code 0 when every file was stored, 1 when some failed (the others are stored), 2 for
    a configuration or database problem.
    """
    from tracker.report.render import print_ingest
    from tracker.store.ingest import ingest_paths

    settings = _load(config)
    store = _open_store(settings)
    try:
        report = ingest_paths(
            store,
            _source_paths(settings, paths),
            root=settings.source_root(),
            settings=settings.parser_settings(),
            complete=not paths,  # all of `sources`: a postmortem whose file is gone is noticed
        )
    finally:
        store.close()
    print_ingest(report)
    if report.failed:
        raise typer.Exit(1)


class GroupBy(StrEnum):
    owner = "owner"
    team = "team"
    service = "service"
    severity = "severity"


@app.command()
def status(
    output: Annotated[
        StatusFormat, typer.Option("--format", "-f", help="table, json, csv, or markdown to paste.")
    ] = StatusFormat.table,
    incident: Annotated[
        str | None,
        typer.Option(help="Only this incident (id or path; * matches anything).", metavar="ID"),
    ] = None,
    owner: Annotated[
        str | None, typer.Option(help="Count only the measures this owner has.", metavar="NAME")
    ] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only incidents with overdue measures.")
    ] = False,
    since: Annotated[
        str | None,
        typer.Option(help="Only incidents on or after this date (YYYY-MM-DD).", metavar="DATE"),
    ] = None,
    fail_under: Annotated[
        float | None,
        typer.Option(
            help="Exit 1 if an incident past the grace period is less complete than PCT (0-100).",
            metavar="PCT",
            min=0,
            max=100,
        ),
    ] = None,
    grace_days: Annotated[
        int | None,
        typer.Option(
            help="Days an incident has before --fail-under counts it (config: status.grace_days).",
            metavar="DAYS",
            min=0,
        ),
    ] = None,
    items: Annotated[
        bool,
        typer.Option(
            "--items",
            help="List the open measures themselves (id, owner, priority, type, due, source, "
            "ticket), late first.",
        ),
    ] = False,
    by: Annotated[
        GroupBy | None,
        typer.Option(
            "--by", help="Group the counts by the measures' owner or a front-matter field."
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="With --items as a table: show this many (default: two screenfuls); the rest "
            "are counted.",
        ),
    ] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="With --items as a table: show every item.")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Report each incident's measures: done, won't do, open, overdue, percent complete, and
    the flags of weak postmortems (config: flags).

    With --items, list the open measures instead: what is open, who owns it, what is late
    (json and csv are written as the items are read). With --by, the counts per owner, team,
    service or severity. An empty result says which filter matched nothing.
    """
    from tracker.report.status import Filters

    if by is not None and (items or fail_under is not None):
        raise UsageError("--by groups the counts: it does not go with --items or --fail-under")
    settings = _load(config)
    filters = Filters(
        incident=incident, owner=owner, overdue_only=overdue, since=_date(since, "--since")
    )
    store = _open_store(settings)
    try:
        with store.session() as session:
            if items:
                _status_items(session, store.url, filters, output, limit, show_all=show_all)
                return
            if by is not None:
                _status_groups(session, store.url, filters, output, by.value)
                return
            lagging = _status_incidents(
                session, settings, store.url, filters, output, fail_under, grace_days
            )
    finally:
        store.close()
    if lagging:
        raise typer.Exit(1)


def _status_incidents(
    session: Session,
    settings: Config,
    url: str,
    filters: StatusFilters,
    output: StatusFormat,
    fail_under: float | None,
    grace_days: int | None,
) -> bool:
    from tracker.report.flags import incident_flags
    from tracker.report.render import render_status
    from tracker.report.status import status_query, status_report

    report = status_report(session, filters)
    if not report.incidents:
        today = report.today
        _say_empty("incidents", url, filters, lambda f: _any(session, status_query(f, today)))
        if output is StatusFormat.table:
            return False
    found = incident_flags(session, settings, report.today, filters)
    flags = {i.id: found[i.id] for i in report.incidents if i.id in found}
    if output is StatusFormat.table:
        from tracker.report.tables import print_status

        print_status(_screen(), report, flags)
    else:
        typer.echo(render_status(report, output.value, flags), nl=False)
    if fail_under is None:
        return False
    grace = settings.status.grace_days if grace_days is None else grace_days
    lagging = report.below(fail_under, grace_days=grace)
    for item in lagging:
        typer.echo(
            f"below {fail_under:g}%: {item.id} is {item.counts.percent_complete:g}% complete",
            err=True,
        )
    return bool(lagging)


def _status_items(
    session: Session,
    url: str,
    filters: StatusFilters,
    output: StatusFormat,
    limit: int | None,
    *,
    show_all: bool,
) -> None:
    from itertools import islice

    from tracker.report.items import count_items, items_query, iter_items

    today = dt.date.today()
    rows = iter_items(session, filters, today=today)
    if output is not StatusFormat.table:
        from tracker.report.render import write_items

        try:
            written = write_items(rows, output.value, sys.stdout)
            sys.stdout.flush()
        finally:
            rows.close()  # also when the reader went away (`| head`)
    else:
        from tracker.report.tables import print_items

        console = _screen()
        wanted = None if show_all else (limit or 2 * console.height)
        shown = list(rows if wanted is None else islice(rows, wanted + 1))
        rows.close()  # the rest is counted in SQL, not read
        written, more = len(shown), 0
        if wanted is not None and written > wanted:
            more = count_items(session, filters, today=today, open_only=True) - wanted
            shown = shown[:wanted]
        if written:
            print_items(console, shown, more=more)
    if not written:
        _say_empty(
            "open measures",
            url,
            filters,
            lambda f: _any(session, items_query(f, today, open_only=True)),
        )


def _status_groups(
    session: Session, url: str, filters: StatusFilters, output: StatusFormat, by: str
) -> None:
    from tracker.report.groups import group_report
    from tracker.report.status import status_query

    report = group_report(session, by, filters)
    if not report.groups:
        today = dt.date.today()
        _say_empty("incidents", url, filters, lambda f: _any(session, status_query(f, today)))
        if output is StatusFormat.table:
            return
    if output is StatusFormat.table:
        from tracker.report.tables import print_groups

        print_groups(_screen(), report)
    else:
        from tracker.report.render import render_groups

        typer.echo(render_groups(report, output.value), nl=False)


def _any(session: Session, query: Select[Any]) -> bool:
    return session.execute(query.limit(1)).first() is not None


def _say_empty(
    what: str, url: str, filters: StatusFilters, has_rows: Callable[[StatusFilters], bool]
) -> None:
    """One line on stderr: which filter matched nothing, in which database (password hidden)."""
    from tracker.report.status import first_unmatched
    from tracker.store.engine import safe_url

    where = safe_url(url)
    option = first_unmatched(filters, has_rows)
    if option is None:
        typer.echo(f"no {what} in {where} (run `track ingest PATH` or `track sync`)", err=True)
    else:
        typer.echo(f"no {what} match {option} in {where}", err=True)


def _screen() -> RichConsole:
    """The console tables print to: colour only on a terminal, and never with NO_COLOR."""
    from rich.console import Console

    return Console(highlight=False)


@app.command()
def report(
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="The HTML file to write; CSV files of every incident and "
            "measure go beside it (NAME-incidents.csv, NAME-items.csv).",
            dir_okay=False,
        ),
    ] = Path("report.html"),
    open_page: Annotated[
        bool, typer.Option("--open", help="Open the report in the default browser.")
    ] = False,
    rows: Annotated[
        int, typer.Option(min=1, help="Most rows a table of the page shows (the CSVs have all).")
    ] = 200,
    config: ConfigOption = None,
) -> None:
    """Write a self-contained HTML report: completion per incident, open and overdue measures
    by owner, team and service, the trend per week, the slowest incidents, every ticket.

    The page has its CSS and charts inline and loads nothing, so it can be mailed and
    printed. Its numbers are those of `track status --format json`.
    """
    from tracker.report.dashboard import build_dashboard
    from tracker.report.flags import incident_flags
    from tracker.report.html import write_report
    from tracker.store.engine import safe_url

    settings = _load(config)
    store = _open_store(settings)
    template = next((t.postmortem_url for t in settings.targets if t.postmortem_url), None)
    try:
        with store.session(commit=False) as session:
            found = incident_flags(session, settings, dt.date.today())
            dashboard = build_dashboard(
                session,
                database=safe_url(store.url),
                target_names=[t.name for t in settings.targets],
                postmortem_template=template,
                flags={key: [(f.code, f.text) for f in flags] for key, flags in found.items()},
            )
    finally:
        store.close()
    written = write_report(dashboard, output, rows=rows)
    typer.echo(f"wrote {written.page} ({written.incidents_csv.name}, {written.items_csv.name})")
    if open_page:
        import webbrowser

        webbrowser.open(written.page.resolve().as_uri())


@app.command()
def sync(
    paths: PathsArgument = None,
    target: Annotated[
        str | None, typer.Option(help="Sync only this target (default: all).", metavar="NAME")
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Print the plan (would create / would update / would close); change nothing, "
            "locally or remotely. Without a token or a network: the local plan, from the store.",
        ),
    ] = False,
    output: SyncFormatOption = SyncFormat.text,
    include_drafts: Annotated[
        bool,
        typer.Option(
            "--include-drafts", help="Also sync postmortems whose front matter says status: draft."
        ),
    ] = False,
    wait: WaitOption = 0,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help="Log what each request does (never a token), on stderr."
        ),
    ] = False,
    log_format: Annotated[
        LogFormat,
        typer.Option(
            "--log-format",
            help="text, or json: one object a line on stderr for log shippers, ending with the "
            "run's summary.",
        ),
    ] = LogFormat.text,
    write_back: Annotated[
        bool,
        typer.Option(
            "--write-back",
            help="Then write each ticket's reference into the postmortem next to its measure, "
            "and tick the boxes of measures whose tickets were completed (as `track link`).",
        ),
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Ingest, then create, update and read back tickets for the action items.

    Exit code 0 when all went well, 1 when some items or files failed (the others were
    synced; failures are listed), 2 for a configuration, authentication or database problem.
    """
    from tracker.logs import configure
    from tracker.sync.run import run_sync

    configure(verbose=verbose, json_lines=log_format is LogFormat.json)
    settings = _load(config)
    # Without PATHs or sources, sync what is stored (e.g. after `track ingest`).
    code = run_sync(
        settings,
        paths=paths or settings.source_files(),
        complete=not paths and bool(settings.sources),
        only=target,
        dry_run=dry_run,
        json_output=output is SyncFormat.json,
        include_drafts=include_drafts,
        wait=wait,
        writing_back=write_back,
    )
    if code:
        raise typer.Exit(code)


@app.command()
def init(
    path: Annotated[
        Path,
        typer.Option("--path", help="Where to write the config.", metavar="FILE", dir_okay=False),
    ] = Path("track.yaml"),
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Write a commented track.yaml: the shipped example, filled with what can be detected
    (the git root, a folder of postmortems, a GitHub remote named origin).

    Never replaces an existing file without --force (exit 2). Next: `track doctor`.
    """
    from tracker.setup.scaffold import write_config

    found = write_config(path, force=force)
    typer.echo(f"wrote {path}")
    typer.echo(f"  root: {found.root}")
    if found.sources:
        typer.echo(f"  sources: {found.sources} ({found.markdown_files} markdown files)")
    else:
        typer.echo("  sources: none found; list your postmortems' globs under `sources:`")
    if found.repo:
        typer.echo(f"  target: GitHub repository {found.repo} (from git remote origin)")
        typer.echo("next: export GH_TOKEN=... (Issues read and write), then `track doctor`")
    else:
        typer.echo("  target: no GitHub remote named origin; add one under `targets:`")
        typer.echo("next: fill in `targets:`, then `track doctor`")


@app.command()
def doctor(config: ConfigOption = None) -> None:
    """Check the set-up: the config file, the database, and for each target the token, the
    repository or project, the tool label, the owners; then routing. One line per check, a fix
    for each failure. Sends only reads.

    Exit code 0 when every check passed, 1 when one failed, 2 when the config is wrong.
    """
    from tracker.setup.doctor import run_doctor

    code = run_doctor(config, typer.echo)
    if code:
        raise typer.Exit(code)


@app.command()
def link(
    paths: PathsArgument = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be written; write nothing.")
    ] = False,
    output: SyncFormatOption = SyncFormat.text,
    wait: WaitOption = 0,
    config: ConfigOption = None,
) -> None:
    """Write each ticket's reference into the postmortem next to its measure, and tick the
    task-list boxes of measures whose tickets were completed. Nothing is synced.

    Only measures that have a ticket already (from `track sync`) and name none in the document
    get one; nothing else in the file changes. A file edited since track last read it is not
    written (exit code 1): run `track sync` or `track ingest`, then link again. Running it twice
    changes nothing.
    """
    import json

    from tracker.sync.lock import sync_lock
    from tracker.sync.run import print_written
    from tracker.sync.writeback import write_back

    settings = _load(config)
    store = _open_store(settings)
    try:
        with sync_lock(store, wait_seconds=wait):
            report = write_back(
                store,
                settings,
                _source_paths(settings, paths),
                root=settings.source_root(),
                dry_run=dry_run,
            )
    finally:
        store.close()
    if output is SyncFormat.json:
        typer.echo(
            json.dumps(
                {"dry_run": dry_run, **report.summary(), "warnings": report.warnings()}, indent=2
            )
        )
    else:
        print_written(report)
    if any(file.skipped for file in report.files):
        raise typer.Exit(1)


class DigestFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


@app.command()
def digest(
    since: Annotated[
        str, typer.Option(help="Start of the window: 7d, 24h, 2w, YYYY-MM-DD or an ISO time.")
    ] = "7d",
    output: Annotated[
        DigestFormat,
        typer.Option(
            "--format",
            "-f",
            help="text (plain, bare links: pastes anywhere), markdown, or json for programs.",
        ),
    ] = DigestFormat.text,
    target: Annotated[
        float | None,
        typer.Option(
            help="Percent complete an incident past the grace period should have reached "
            "(config: digest.target, 80).",
            metavar="PCT",
        ),
    ] = None,
    webhook: Annotated[
        str | None,
        typer.Option(
            envvar="TRACK_DIGEST_WEBHOOK",
            show_envvar=True,
            metavar="URL",
            help='Post the digest there as JSON {"text": ...} (Slack and compatible chats) '
            "instead of printing it. Prefer the environment variable: the URL is a secret.",
        ),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """What changed since the last review: measures completed, newly overdue, incidents that
    reached 100%, incidents below the target, new postmortems with flags; with owners and
    links (tickets, postmortem_url).

    Exit code 0; 1 when the webhook did not take it; 2 for a wrong option, configuration or
    database.
    """
    from tracker.report.digest import build_digest, parse_since, render_digest

    now = dt.datetime.now(dt.UTC)
    start = parse_since(since, now)
    if webhook and output is DigestFormat.json:
        raise UsageError("--webhook posts text: use --format text or markdown")
    settings = _load(config)
    store = _open_store(settings)
    try:
        with store.session() as session:
            found = build_digest(session, settings, since=start, now=now, target=target)
    finally:
        store.close()
    text = render_digest(found, output.value)
    if not webhook:
        typer.echo(text, nl=False)
        return
    from tracker.webhook import post_text, shown_url

    post_text(webhook, text.rstrip("\n"), timeout=settings.digest.webhook_timeout_seconds)
    typer.echo(f"digest posted to {shown_url(webhook)}")


@db_app.command("upgrade")
def db_upgrade(config: ConfigOption = None) -> None:
    """Create the database or bring its schema up to date (also done on first use)."""
    from tracker.store.engine import safe_url
    from tracker.store.migrate import head_revision

    settings = _load(config)
    store = _open_store(settings)
    store.close()
    typer.echo(f"database {safe_url(store.url)} is at schema revision {head_revision()}")


def _load(config: Path | None) -> Config:
    from tracker.config import load_config

    return load_config(config)


def _open_store(settings: Config) -> Store:
    from tracker.store.database import open_store
    from tracker.store.engine import database_url

    return open_store(database_url(settings.database_url()))


def _source_paths(settings: Config, paths: list[Path] | None) -> list[Path]:
    if paths:
        return paths
    files = settings.source_files()
    if not files:
        from tracker.config import example_config

        raise UsageError(
            "no postmortems to read: give PATH arguments, or list globs under `sources:` in the "
            f"config (see {example_config()})"
        )
    return files


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} {value!r} is not a date: use YYYY-MM-DD") from None


def _plain_metavars(command: Any) -> None:
    """Flags show no type (`--dry-run`, not `--dry-run <bool>`); a value shows its name."""
    context = command.context_class(command, help_option_names=["-h", "--help"])
    help_option = command.get_help_option(context)  # made once, then kept by the command
    for param in [*command.params, *([help_option] if help_option else [])]:
        choice = param.type_descriptor.is_choice  # <text|json> already says what is allowed
        if param.param_type_name == "option" and param.metavar is None and not choice:
            param.metavar = "" if param.is_flag else (param.name or "value").upper()
        if param.param_type_name == "argument" and param.metavar:
            param.display_type_rich = lambda ctx: None  # PATH says it; not <list[Path]> too
    for sub in getattr(command, "commands", {}).values():
        _plain_metavars(sub)


def main() -> None:
    """Entry point: typer handles usage errors and exit codes; ours print one line."""
    command = typer.main.get_command(app)
    _plain_metavars(command)
    try:
        command(prog_name="track")
    except TrackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
