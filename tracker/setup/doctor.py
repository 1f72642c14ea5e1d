"""`track doctor`: is this set-up able to sync? One line per check, a fix for each failure.

Checks, in order: the config file (which one, and that every key is known); the database (its
URL with the password hidden, reachable, its schema against this version's); per target, with
one cheap request each: the token (present, valid, whose), the repository or project (may read
and create issues), the tool label, every owner in `owners:`; then routing (every stored
incident goes to some target). Nothing is written anywhere.

Exit code: 0 every check passed, 1 a check failed, 2 the configuration itself is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from tracker.config import AnyTarget, Config, GitHubTarget, config_path, load_config
from tracker.errors import ConfigError, TrackerError

if TYPE_CHECKING:
    from tracker.config import JiraTarget
    from tracker.connectors.github import GitHubConnector
    from tracker.connectors.jira import JiraConnector

Status = Literal["ok", "fail"]


@dataclass(frozen=True)
class Check:
    subject: str
    status: Status
    detail: str
    fix: str | None = None

    def line(self) -> str:
        fix = f" -- fix: {self.fix}" if self.fix else ""
        return f"{self.status:<4}  {self.subject}: {self.detail}{fix}"


def ok(subject: str, detail: str) -> Check:
    return Check(subject, "ok", detail)


def fail(subject: str, detail: str, fix: str) -> Check:
    return Check(subject, "fail", detail, fix)


def run_doctor(explicit: Path | None, emit: Callable[[str], None] = print) -> int:
    """Print each check as it is made; return the exit code."""
    path = config_path(explicit)
    try:
        settings = load_config(explicit)
    except ConfigError as exc:
        emit(fail("config", str(exc), "correct the file; every key is in the example").line())
        return 2
    failed = False
    for check in diagnose(settings, path):
        emit(check.line())
        failed = failed or check.status == "fail"
    return 1 if failed else 0


def diagnose(settings: Config, path: Path | None) -> Iterator[Check]:
    yield _config(settings, path)
    if problem := settings.unrouted_problem():
        yield fail("routing", problem, "set routing.default, or add routing.rules")
    store_ready = yield from _database(settings)
    for target in settings.targets:
        yield from _target(target)
    if store_ready and settings.targets:
        yield _routing(settings)


def _config(settings: Config, path: Path | None) -> Check:
    where = str(path.resolve()) if path is not None else "none found, using the defaults"
    files = len(settings.source_files())
    if path is not None and settings.sources and not files:
        return fail(
            "config",
            f"{where}: `sources` ({', '.join(settings.sources)}) match no file under "
            f"{settings.source_root()}",
            "correct the globs under `sources:`, or `root:`",
        )
    what = f"{files} postmortems from `sources`" if settings.sources else "no `sources`"
    if not settings.targets:
        return fail(
            "config",
            f"{where}; {what}; no targets",
            "add a GitHub or Jira target under `targets:` (track init writes one)",
        )
    return ok("config", f"{where}; {what}; every key known")


def _database(settings: Config) -> Generator[Check, None, bool]:
    """Reachable and at this version's schema; returns whether routing can be read from it."""
    from sqlalchemy.exc import SQLAlchemyError

    from tracker.errors import StoreError
    from tracker.store.engine import create, database_url, describe, safe_url
    from tracker.store.migrate import HEAD, current_revision

    url = database_url(settings.database_url())
    shown = safe_url(url)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        yield ok("database", f"{shown} does not exist yet; the first ingest or sync creates it")
        return False
    try:
        engine = create(url)
        with engine.connect() as connection:
            revision = current_revision(connection)
        engine.dispose()
    except StoreError as exc:
        yield fail("database", str(exc), "install the driver, or correct TRACK_DATABASE_URL")
        return False
    except SQLAlchemyError as exc:
        yield fail("database", describe(exc, url), "check TRACK_DATABASE_URL or database.url")
        return False
    if revision == HEAD:
        yield ok("database", f"{shown}: reachable, schema {revision} (current)")
        return True
    if revision is None:
        yield ok("database", f"{shown}: reachable, empty; the first ingest or sync sets it up")
        return False
    yield fail(
        "database",
        f"{shown}: schema {revision}, this track expects {HEAD}",
        "track db upgrade (a newer schema than this track knows: upgrade track)",
    )
    return False


def _target(target: AnyTarget) -> Iterator[Check]:
    from tracker.connectors import connect

    subject = f"{target.name}: token"
    try:
        connector = connect(target)
    except TrackerError as exc:
        yield fail(subject, str(exc), _token_fix(target))
        return
    if isinstance(target, GitHubTarget):
        from tracker.connectors.github import GitHubConnector

        assert isinstance(connector, GitHubConnector)
        yield from _github(target, connector)
    else:
        from tracker.connectors.jira import JiraConnector

        assert isinstance(connector, JiraConnector)
        yield from _jira(target, connector)


def _token_fix(target: AnyTarget) -> str:
    if isinstance(target, GitHubTarget):
        return (
            f"export {target.token_envs()[0]}=... (a fine-grained token with Issues: read and "
            f"write on {target.repo})"
        )
    if target.auth == "basic":
        return (
            f"export {target.email_env}=... {target.token_env}=... (an API token of that account)"
        )
    return f"export {target.token_env}=... (a personal access token)"


def _github(target: GitHubTarget, github: GitHubConnector) -> Iterator[Check]:
    name, repo = target.name, target.repo
    try:
        login = github.whoami()
    except TrackerError as exc:
        yield fail(f"{name}: token", str(exc), _token_fix(target))
        return
    yield ok(f"{name}: token", f"valid, belongs to {login}")
    try:
        access = github.access()
    except TrackerError as exc:
        yield fail(f"{name}: repository", str(exc), f"check `repo`, and that {login} can see it")
        return
    subject = f"{name}: repository"
    if not access.issues:
        yield fail(subject, f"{repo} has issues turned off", "turn on Issues in its settings")
        return
    if not access.write:
        yield fail(
            subject,
            f"{login} may {'read but not create' if access.read else 'not read'} issues in "
            f"{repo} with labels and assignees",
            f"give {login} write access to {repo} (or use a token of someone who has it)",
        )
    else:
        yield ok(subject, f"{login} may read and create issues in {repo}")
    yield from _github_label(target, github, can_create=access.write)
    yield from _github_owners(target, github)


def _github_label(
    target: GitHubTarget, github: GitHubConnector, *, can_create: bool
) -> Iterator[Check]:
    subject, label = f"{target.name}: label", target.tool_label
    try:
        exists = github.label_exists()
    except TrackerError as exc:
        yield fail(subject, str(exc), "see the repository check above")
        return
    if exists:
        yield ok(subject, f"{label!r} exists in {target.repo}")
    elif can_create:
        yield ok(subject, f"{label!r} is not in {target.repo} yet; the first issue creates it")
    else:
        yield fail(
            subject,
            f"{label!r} is not in {target.repo} and the token may not create it",
            f"create the label {label!r} in {target.repo}, or give the token write access",
        )


def _github_owners(target: GitHubTarget, github: GitHubConnector) -> Iterator[Check]:
    subject, logins = f"{target.name}: owners", sorted(set(target.owners.values()))
    if not logins:
        yield ok(subject, "none mapped under `owners:`; issues are created unassigned")
        return
    try:
        refused = [login for login in logins if not github.assignable(login)]
    except TrackerError as exc:
        yield fail(subject, str(exc), "see the repository check above")
        return
    if refused:
        yield fail(
            subject,
            f"{', '.join(refused)} cannot be assigned issues in {target.repo}",
            f"correct the login under `owners:`, or give them access to {target.repo}",
        )
    else:
        yield ok(subject, f"all {len(logins)} may be assigned issues in {target.repo}")


def _jira(target: JiraTarget, jira: JiraConnector) -> Iterator[Check]:
    name, project = target.name, target.project
    try:
        who = jira.whoami()
    except TrackerError as exc:
        yield fail(f"{name}: token", str(exc), _token_fix(target))
        return
    yield ok(f"{name}: token", f"valid, belongs to {who}")
    try:
        jira.check_create()
    except TrackerError as exc:
        yield fail(
            f"{name}: project",
            "; ".join(str(exc).splitlines()),
            f"check `project` and `issue_type`, and that the account has Browse and Create "
            f"Issues in {project}",
        )
    else:
        yield ok(
            f"{name}: project",
            f"may create {target.issue_type} issues in {project}; its create screen takes every "
            "field the tool sets",
        )
    yield ok(f"{name}: label", f"{target.tool_label!r}: Jira makes labels on first use")
    yield from _jira_owners(target, jira)


def _jira_owners(target: JiraTarget, jira: JiraConnector) -> Iterator[Check]:
    subject, users = f"{target.name}: owners", sorted(set(target.owners.values()))
    if not users:
        yield ok(subject, "none mapped under `owners:`; issues are created unassigned")
        return
    try:
        found = {user: jira.user_found(user) for user in users}
    except TrackerError as exc:
        yield fail(subject, str(exc), "see the project check above")
        return
    missing = [user for user, known in found.items() if known is False]
    unchecked = sum(known is None for known in found.values())
    note = f" ({unchecked} used as given: account IDs or usernames)" if unchecked else ""
    if missing:
        yield fail(
            subject,
            f"Jira knows no user {', '.join(missing)}{note}",
            "correct the emails under `owners:`, or use account IDs",
        )
    else:
        yield ok(subject, f"{len(users) - unchecked} found{note}")


def _routing(settings: Config) -> Check:
    from tracker.store.database import open_store
    from tracker.store.engine import database_url
    from tracker.sync.run import unrouted_incidents

    store = open_store(database_url(settings.database_url()))  # current: opening changes nothing
    try:
        lost = unrouted_incidents(store, settings)
    finally:
        store.close()
    if lost:
        names = ", ".join(key for key, _ in lost[:5]) + (", ..." if len(lost) > 5 else "")
        return fail(
            "routing",
            f"{len(lost)} stored incidents go to no target ({names})",
            "set routing.default, or add a rule that matches them",
        )
    return ok("routing", "every stored incident goes to a target")
