"""The command line as a user meets it: help, output formats, examples, README."""

from __future__ import annotations

import json
import re
from pathlib import Path

import typer.main

from tracker.cli import app

from conftest import EXAMPLES, ROOT

JSON_ITEM_KEYS = {"text", "owner", "due", "priority", "type", "status", "tracker_ref"}


def command_names() -> list[str]:
    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


def test_every_command_has_help_and_is_in_the_readme(run) -> None:  # type: ignore[no-untyped-def]
    readme = (ROOT / "README.md").read_text()
    for name in command_names():
        result = run(name, "--help")
        assert result.code == 0
        assert "Usage: track " + name in result.out
        assert re.search(rf"`track {name}\b", readme), f"README does not show `track {name}`"


def test_no_arguments_shows_help(run) -> None:  # type: ignore[no-untyped-def]
    result = run()
    assert "Usage:" in result.out + result.err
    assert "parse" in result.out + result.err


def test_version(run) -> None:  # type: ignore[no-untyped-def]
    from tracker import __version__

    assert run("--version").out.strip() == f"track {__version__}"


def test_json_output_on_the_examples(run) -> None:  # type: ignore[no-untyped-def]
    result = run("parse", str(EXAMPLES), "--format", "json")
    assert result.code == 0, result.err
    docs = json.loads(result.out)
    assert len(docs) == 3
    for doc in docs:
        assert set(doc) >= {"path", "incident", "items", "warnings"}
        assert set(doc["incident"]) >= {"id", "title", "date"}
        assert doc["warnings"] == []
        for item in doc["items"]:
            assert set(item) >= JSON_ITEM_KEYS
            assert item["status"] in ("open", "done", None)
    by_id = {doc["incident"]["id"]: doc for doc in docs}
    cdn = by_id["INC-2024-058"]
    assert cdn["incident"]["date"] == "2024-06-02"
    assert [(i["owner"], i["due"], i["status"]) for i in cdn["items"]] == [
        ("maria", "2024-06-30", "done"),
        ("tomas", "2024-07-15", "open"),
        ("maria", "2024-06-14", "open"),
    ]
    queue = by_id["INC-2024-102"]
    assert [i["status"] for i in queue["items"]] == ["done", "open", "open", "open", "open"]
    assert queue["items"][4]["tracker_ref"] == "ORD-77"
    payments = by_id["INC-2024-031"]
    assert [i["priority"] for i in payments["items"]] == ["P1", "P1", "P2", None]
    assert payments["incident"]["metadata"]["service"] == "payments"


def test_table_output_shows_measures_and_warnings(tmp_path, run) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "none.md").write_text("# Quiet day\n\nNothing happened.\n")
    result = run("parse", str(EXAMPLES / "2024-09-18-queue-backlog.md"), str(tmp_path / "none.md"))
    assert result.code == 0
    assert "Order queue backlog" in result.out
    assert "Restore the consumer" in result.out
    assert "warning: no corrective or preventative measures section found" in result.out


def test_heading_option_adds_a_pattern(tmp_path, run) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "x.md").write_text("## Homework\n\n- Add a canary\n")
    plain = json.loads(run("parse", str(tmp_path / "x.md"), "-f", "json").out)
    custom = json.loads(
        run("parse", str(tmp_path / "x.md"), "-f", "json", "--heading", "homework").out
    )
    assert plain[0]["items"] == []
    assert [i["text"] for i in custom[0]["items"]] == ["Add a canary"]


def test_config_file_patterns_and_errors(tmp_path, run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "x.md").write_text("## Homework\n\n- Add a canary\n")
    (tmp_path / "track.yaml").write_text("parser:\n  measures_headings: ['homework']\n")
    found = json.loads(run("parse", "x.md", "-f", "json").out)
    assert [i["text"] for i in found[0]["items"]] == ["Add a canary"]

    (tmp_path / "bad.yaml").write_text("parser:\n  measures_heading: []\n")
    result = run("parse", "x.md", "--config", "bad.yaml")
    assert result.code == 2
    assert result.err.strip().startswith(
        "error: bad.yaml: parser.measures_heading: unknown key; did you mean "
        "measures_headings? (the keys that exist are in "
    )
    shown = result.err.strip().rsplit(" ", 1)[-1].rstrip(")")
    assert Path(shown).name == "config.example.yaml" and Path(shown).is_file()
    (tmp_path / "regex.yaml").write_text("parser:\n  measures_headings: ['(']\n")
    monkeypatch.setenv("TRACK_CONFIG", "regex.yaml")
    result = run("parse", "x.md")
    assert result.code == 2
    assert "regex.yaml: parser.measures_headings" in result.err
    assert "not a valid regular expression" in result.err


def test_unknown_option_is_a_usage_error(run) -> None:  # type: ignore[no-untyped-def]
    result = run("parse", "--frmat", "json", str(EXAMPLES))
    assert result.code == 2
    assert "No such option" in result.err
    assert "Traceback" not in result.err


def test_config_example_and_readme_setup_are_valid_configs() -> None:
    import re

    import yaml
    from pydantic import BaseModel

    import tracker.config as config_module
    from tracker.config import Config

    text = (ROOT / "config.example.yaml").read_text()
    Config.model_validate(yaml.safe_load(text))
    keys = set(re.findall(r"^\s*#?\s*([a-z_]+):", text, re.M))
    models = [
        value
        for value in vars(config_module).values()
        if isinstance(value, type) and issubclass(value, BaseModel) and value is not BaseModel
    ]
    fields = {name for model in models for name in model.model_fields}
    assert keys - fields <= {"alice", "service", "https"}, keys - fields  # every key shown exists

    readme = (ROOT / "README.md").read_text()
    setups = re.findall(r"<<'YAML'\n(.*?)\nYAML", readme, re.S)
    assert len(setups) == 2  # GitHub and Jira
    github, jira = (Config.model_validate(yaml.safe_load(setup)) for setup in setups)
    assert github.targets[0].login_for("alice@acme.com") == "alice"
    assert jira.targets[0].kind == "jira" and jira.routing.default == "ops"


def test_readme_parse_example_is_what_parse_prints(run) -> None:  # type: ignore[no-untyped-def]
    import re

    readme = (ROOT / "README.md").read_text()
    shown = json.loads(re.search(r"```json\n(\{\"path\".*?)\n```", readme, re.S).group(1))  # type: ignore[union-attr]
    printed = json.loads(run("parse", str(ROOT / shown["path"]), "--format", "json").out)[0]
    printed["path"] = shown["path"]
    printed["items"] = printed["items"][:1]
    assert printed == shown
