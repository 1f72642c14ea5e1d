"""Dependencies run one way: cli → sync / report → store → parse, with the value types at the top
of the package below them all. Read from the installed package, so the connectors and the
migrations are checked where they really live (`tracker.connectors`, `tracker.migrations`)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import tracker

PACKAGE = Path(tracker.__file__).resolve().parent
VALUES = {"tracker.model", "tracker.errors", "tracker.marker", "tracker.connector"}
# What each part of the package may import of the project; anything else is a layer violation.
MAY_IMPORT: dict[str, set[str]] = {
    "tracker.parse": {"tracker.parse", "tracker.model", "tracker.errors"},
    "tracker.store": {"tracker.store", "tracker.parse", "tracker.config", *VALUES},
    "tracker.migrations": {"tracker.store"},
    "tracker.sync": {"tracker.sync", "tracker.store", "tracker.parse", "tracker.config", *VALUES},
    "tracker.report": {
        "tracker.report",
        "tracker.store",
        "tracker.parse",
        "tracker.config",
        *VALUES,
    },
    "tracker.connectors": {"tracker.connectors", "tracker.config", *VALUES},
    # set-up and diagnosis use every part, as the CLI does; they never talk to a tracker
    # except through the connectors
    "tracker.setup": {
        "tracker.setup",
        "tracker.config",
        "tracker.store",
        "tracker.sync",
        "tracker.connectors",
        *VALUES,
    },
    "tracker.config": {"tracker.config", "tracker.parse", "tracker.errors"},
    "tracker.webhook": {"tracker.errors"},  # posts the digest; knows nothing of the store
    **{name: VALUES for name in VALUES},
}
# Libraries a part must never load: the parser is pure, only connectors speak to trackers.
NEVER: dict[str, set[str]] = {
    "tracker.parse": {"sqlalchemy", "alembic", "psycopg", "github", "jira", "requests", "typer"},
    "tracker.store": {"github", "jira", "requests", "typer", "rich"},
    "tracker.report": {"github", "jira", "requests"},
    "tracker.sync": {"github", "jira", "requests"},
    "tracker.connectors": {"sqlalchemy", "alembic"},
    "tracker.setup": {"github", "jira", "requests", "typer"},
    "tracker.webhook": {"sqlalchemy", "alembic", "github", "jira"},
    **{name: {"sqlalchemy", "github", "jira", "typer", "rich"} for name in VALUES},
}
# The one import that crosses upwards on purpose, inside a function: the engine's run loads the
# connectors (and with them a client library) only when a sync really runs.
LAZY_ONLY = {("tracker.sync.run", "tracker.connectors")}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(source: str, module: str, *, is_package: bool) -> list[tuple[str, bool]]:
    """(imported module, imported at module level?) for every import in the source."""
    tree = ast.parse(source)
    package = module if is_package else module.rsplit(".", 1)[0]
    top_level = {id(node) for node in tree.body}
    found: list[tuple[str, bool]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, id(node) in top_level) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            found.append((base, id(node) in top_level))
    return found


def part_of(module: str) -> str | None:
    return next(
        (part for part in sorted(MAY_IMPORT, key=len, reverse=True) if inside(module, part)), None
    )


def inside(module: str, part: str) -> bool:
    return module == part or module.startswith(part + ".")


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_the_package_has_the_parts_the_map_names() -> None:
    names = {module_name(path) for path in MODULES}
    for part in ("tracker.parse", "tracker.store", "tracker.sync", "tracker.report"):
        assert part in names, f"{part} is missing"
    assert "tracker.connectors.github" in names and "tracker.migrations.env" in names


def violations(source: str, module: str, *, is_package: bool = False) -> list[str]:
    part = part_of(module)
    if part is None:
        return []  # the CLI, the package root and __main__ may import any part
    wrong = []
    for imported, at_top in imports(source, module, is_package=is_package):
        first = imported.split(".")[0]
        if first in NEVER.get(part, set()):
            wrong.append(f"{imported} (a library {part} must not load)")
        if first != "tracker" or any(inside(imported, allowed) for allowed in MAY_IMPORT[part]):
            continue
        lazy = any(module == m and inside(imported, target) for m, target in LAZY_ONLY)
        if lazy and not at_top:
            continue
        wrong.append(imported)
    return wrong


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_no_part_imports_upwards(path: Path) -> None:
    module = module_name(path)
    wrong = violations(
        path.read_text(encoding="utf-8"), module, is_package=path.name == "__init__.py"
    )
    assert not wrong, f"{module} imports {', '.join(wrong)}, above or beside its layer"


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        (
            "tracker.parse.items",
            "from tracker.store.schema import ActionItem",
            ["tracker.store.schema"],
        ),
        (
            "tracker.parse.items",
            "def f():\n    import sqlalchemy",
            ["sqlalchemy (a library tracker.parse must not load)"],
        ),
        ("tracker.store.ingest", "from ..sync import engine", ["tracker.sync"]),
        ("tracker.report.status", "from tracker.sync.run import run_sync", ["tracker.sync.run"]),
        (
            "tracker.connectors.github",
            "from tracker.store.database import Store",
            ["tracker.store.database"],
        ),
        ("tracker.sync.run", "from tracker.connectors import connect", ["tracker.connectors"]),
        ("tracker.sync.run", "def f():\n    from tracker.connectors import connect", []),
        ("tracker.sync.engine", "from tracker.store.schema import SyncState", []),
        ("tracker.cli", "from tracker.sync.run import run_sync", []),
    ],
)
def test_the_rule_catches_an_upward_import(module: str, source: str, expected: list[str]) -> None:
    """The checker itself can fail: each upward import here is one the layers forbid."""
    assert violations(source, module) == expected
