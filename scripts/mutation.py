"""Mutation testing of the core with cosmic-ray: does the suite fail when the code is wrong?

Each group below names modules of the INSTALLED package (connectors exist as
`tracker.connectors` only there) and the tests that guard them. cosmic-ray changes one thing in
the installed file (a flipped comparison, a negated condition, a changed number, `and` for
`or`, a loop that never runs...), runs the group's tests, and puts the file back. A mutant is
killed when the tests fail. Run through `bash scripts/mutation`, which builds the virtual
environment this mutates.

    python scripts/mutation.py [--sample N] [--seed S] [GROUP ...]

`--sample N` tests N mutants per group, drawn at random (seeded) from all of them: the score is
then an estimate, printed with its 95% interval. Survivors are listed with file:line and the
change, so each can be killed by a test or judged equivalent (docs/mutation.md).
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import random
import re
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

# The kinds of mistake a person makes by hand. Left out: arithmetic operator swaps beyond +/-,
# bit operators, decorator removal, exception replacement and variable insertion, which mostly
# make code that cannot import or mutants no test could tell apart.
KEPT = re.compile(
    r"core/(ReplaceComparisonOperator_.*|AddNot|NumberReplacer|ReplaceAndWithOr|"
    r"ReplaceOrWithAnd|ReplaceTrueWithFalse|ReplaceFalseWithTrue|ZeroIterationForLoop|"
    r"ReplaceBreakWithContinue|ReplaceContinueWithBreak|ReplaceBinaryOperator_(Add_Sub|Sub_Add)|"
    r"ReplaceUnaryOperator_Delete_Not)$"
)


@dataclass(frozen=True)
class Group:
    modules: tuple[str, ...]  # dotted names in the installed package
    tests: tuple[str, ...]


GROUPS = {
    "identity": Group(
        ("tracker.store.identity",),
        ("tests/store/test_identity.py", "tests/store/test_ingest_cli.py"),
    ),
    "sections": Group(
        ("tracker.parse.sections",),
        (
            "tests/parse/test_section_edges.py",
            "tests/parse/test_structure.py",
            "tests/parse/test_styles.py",
            "tests/parse/test_corpus.py",
        ),
    ),
    "sync": Group(
        tuple(
            f"tracker.sync.{name}"
            for name in ("engine", "listing", "planning", "applying", "values", "ticket")
        ),
        (
            "tests/sync/test_ticket.py",
            "tests/sync/test_sync_engine.py",
            "tests/sync/test_sync_safety.py",
        ),
    ),
    "connectors": Group(
        ("tracker.connectors.github", "tracker.connectors.jira", "tracker.connectors.retry"),
        (
            "tests/sync/test_github_sync.py",
            "tests/sync/test_jira_sync.py",
            "tests/sync/test_error_boundary.py",
            "tests/sync/test_connector_calls.py",
        ),
    ),
}


def module_file(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise SystemExit(f"mutation: {name} is not installed in {sys.prefix}")
    return Path(spec.origin)


# -x: a mutant is killed by its first failing test; no cache: runs leave nothing behind
PYTEST_ARGS = ("-x", "-q", "-p", "no:cacheprovider")


def config_for(group: Group, timeout: float) -> str:
    paths = [str(module_file(name)) for name in group.modules]
    # (the venv's pytest, not `python -m pytest`, which would import the checkout's `tracker`)
    command = [str(Path(sys.executable).parent / "pytest"), *PYTEST_ARGS, *group.tests]
    return "\n".join(
        [
            "[cosmic-ray]",
            f"module-path = {paths!r}".replace("'", '"'),
            f"timeout = {timeout}",
            "excluded-modules = []",
            f'test-command = "{shlex.join(command)}"',
            "",
            "[cosmic-ray.distributor]",
            'name = "local"',
            "",
        ]
    )


def prepare(db: Path, sample: int | None, rng: random.Random) -> int:
    """Skip the mutants of kinds not kept, then all but a sample of the rest."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    with use_db(str(db), WorkDB.Mode.open) as work_db:
        kept, skipped = [], []
        for item in work_db.pending_work_items:
            names = [m.operator_name for m in item.mutations]
            (kept if all(KEPT.match(n) for n in names) else skipped).append(item.job_id)
        if sample is not None and sample < len(kept):
            chosen = set(rng.sample(kept, sample))
            skipped += [job for job in kept if job not in chosen]
            kept = sorted(chosen)
        if skipped:
            work_db.set_multiple_results(
                skipped, WorkResult(output="not drawn", worker_outcome=WorkerOutcome.SKIPPED)
            )
        return len(kept)


@dataclass
class Score:
    killed: int
    survived: list[str]
    incompetent: int  # the mutant did not import: says nothing of the tests

    @property
    def tested(self) -> int:
        return self.killed + len(self.survived)

    def interval(self) -> tuple[float, float]:
        """A Wilson 95% interval for the killed share."""
        n, z = self.tested, 1.96
        if n == 0:
            return (0.0, 0.0)
        p = self.killed / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return (max(0.0, centre - half), min(1.0, centre + half))


def score(db: Path) -> Score:
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome

    result = Score(0, [], 0)
    with use_db(str(db), WorkDB.Mode.open) as work_db:
        for item, outcome in work_db.completed_work_items:
            if outcome.worker_outcome == WorkerOutcome.SKIPPED:
                continue
            if outcome.worker_outcome == WorkerOutcome.ABNORMAL:
                result.incompetent += 1
            elif outcome.test_outcome == TestOutcome.SURVIVED:
                for m in item.mutations:
                    short = Path(m.module_path).relative_to(module_file("tracker").parent.parent)
                    result.survived.append(
                        f"{short}:{m.start_pos[0]} {m.operator_name} #{m.occurrence}"
                    )
            elif outcome.test_outcome == TestOutcome.INCOMPETENT:
                result.incompetent += 1
            else:
                result.killed += 1
    return result


def run_group(name: str, group: Group, work: Path, sample: int | None, seed: int) -> Score:
    config = work / f"{name}.toml"
    db = work / f"{name}.sqlite"
    config.write_text(config_for(group, timeout=300.0))
    # the tests must pass on the code as it is, or every mutant would look killed
    pytest = Path(sys.executable).parent / "pytest"
    baseline = subprocess.run([str(pytest), *PYTEST_ARGS, *group.tests], capture_output=True)
    if baseline.returncode != 0:
        tail = baseline.stdout.decode(errors="replace").strip().splitlines()[-3:]
        raise SystemExit(f"mutation: {name}: the tests fail without a mutant: {' / '.join(tail)}")
    subprocess.run(
        [str(Path(sys.executable).parent / "cosmic-ray"), "init", str(config), str(db)],
        check=True,
        cwd=work,
    )
    drawn = prepare(db, sample, random.Random(f"{seed}:{name}"))
    print(f"mutation: {name}: testing {drawn} mutants", flush=True)
    # cosmic-ray runs the test command from the current folder: the checkout, for tests/
    subprocess.run(
        [str(Path(sys.executable).parent / "cosmic-ray"), "exec", str(config), str(db)], check=True
    )
    return score(db)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("groups", nargs="*", metavar="GROUP", help=", ".join(GROUPS))
    parser.add_argument("--sample", type=int, help="mutants per group, drawn at random")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, help="folder for configs and session databases")
    parser.add_argument(
        "--report", action="store_true", help="score the sessions in --work again; run nothing"
    )
    args = parser.parse_args()
    unknown = [name for name in args.groups if name not in GROUPS]
    if unknown:
        parser.error(f"unknown group {unknown[0]}: choose from {', '.join(GROUPS)}")
    args.groups = args.groups or list(GROUPS)
    work = args.work or Path(tempfile.mkdtemp(prefix="track-mutation-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.report:
        scores = {
            n: score(work / f"{n}.sqlite") for n in args.groups if (work / f"{n}.sqlite").exists()
        }
    else:
        scores = {n: run_group(n, GROUPS[n], work, args.sample, args.seed) for n in args.groups}
    print(f"\n{'group':<12}{'killed':>8}{'survived':>10}{'score':>8}  95% interval")
    for name, s in scores.items():
        low, high = s.interval()
        share = s.killed / s.tested if s.tested else 0.0
        print(f"{name:<12}{s.killed:>8}{len(s.survived):>10}{share:>8.1%}  {low:.0%}-{high:.0%}")
    for name, s in scores.items():
        for survivor in s.survived:
            print(f"survived: {name}: {survivor}")
    print(f"sessions kept in {work}")


if __name__ == "__main__":
    main()
