"""The `track` command line: parse options, call the library, render, map errors to exit codes."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from tracker import __version__
from tracker.config import load_config
from tracker.errors import ParseError, TrackError
from tracker.model import ParsedDocument
from tracker.parser import markdown_files, parse_file

app = typer.Typer(
    help="Make sure the lessons of an outage actually get done: track postmortem action items.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="Config file (default: $TRACK_CONFIG, else ./track.yaml if present).",
        dir_okay=False,
    ),
]


class Format(StrEnum):
    table = "table"
    json = "json"


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
        list[Path], typer.Argument(help="Postmortem files, or folders searched for *.md.")
    ],
    output: Annotated[
        Format, typer.Option("--format", "-f", help="table for people, json for programs.")
    ] = Format.table,
    heading: Annotated[
        list[str] | None,
        typer.Option(
            "--heading",
            help="Extra regex for headings that open a measures section (repeatable).",
        ),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Show the corrective and preventative measures found in postmortem files.

    Exit code 0 when every file was read, 1 when some could not be (the others are still
    shown), 2 when a path does not exist or a folder holds no markdown.
    """
    settings = load_config(config).parser.settings(tuple(heading or ()))
    docs: list[ParsedDocument] = []
    failed = 0
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    for path in list(markdown_files(paths)):
        try:
            docs.append(parse_file(path, settings))
        except ParseError as exc:
            failed += 1
            err.print(f"error: {exc}", markup=False)
    if output is Format.json:
        typer.echo(_json(docs))
    else:
        console = Console(highlight=False)
        for doc in docs:
            _print_table(doc, console)
    if failed:
        raise typer.Exit(1)


def _json(docs: list[ParsedDocument]) -> str:
    from tracker.render import to_json

    return to_json(docs)


def _print_table(doc: ParsedDocument, console: Console) -> None:
    from tracker.render import print_table

    print_table(doc, console)


def main() -> None:
    """Entry point: typer handles usage errors and exit codes; ours print one line."""
    try:
        app(prog_name="track")
    except TrackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
