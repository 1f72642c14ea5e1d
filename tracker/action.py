"""The GitHub Action (`action.yml` runs `python -m tracker.action`): sync after review.

- `pull_request`: `track check --format github` on the postmortems the pull request changes
  (annotations on its diff), and one comment on it, found again by the hidden line
  `<!-- track:check -->` and edited in place, listing the measures that will become tickets.
- `push` to the default branch, `schedule`, `workflow_dispatch`: `track sync`, with the store in
  the database the `database-url` input names, or stateless (a temporary SQLite: every ticket
  is adopted by its marker). With `write-back`, the references written into the postmortems
  go to a pull request from the branch `track/write-back`, never straight to the branch.

Everything comes from the environment GitHub gives a job (`GITHUB_EVENT_NAME`,
`GITHUB_EVENT_PATH`, `GITHUB_REPOSITORY`, `GITHUB_API_URL`, `GITHUB_OUTPUT`,
`GITHUB_STEP_SUMMARY`, `GITHUB_WORKSPACE`) and the inputs action.yml passes as `TRACK_ACTION_*`.
The token is read from `GITHUB_TOKEN`, sent only in the Authorization header, never printed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from tracker.config import load_config
from tracker.errors import TrackerFatal, TrackError, UsageError

MARKER = "<!-- track:check -->"
BRANCH = "track/write-back"
TIMEOUT = 30  # seconds, every request to GitHub
REVIEW_EVENTS = ("pull_request", "pull_request_target")
SYNC_EVENTS = ("push", "schedule", "workflow_dispatch")
COUNTS = (
    *("created", "updated", "completed", "wont_do", "reopened", "adopted", "linked"),
    *("closed", "removed", "duplicate", "unconfirmed", "failed", "unchanged"),
)
BOT = ("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com")


@dataclass(frozen=True)
class Job:
    """What GitHub tells the job, and the action's inputs."""

    event: str
    payload: dict[str, Any]
    repository: str
    api_url: str
    workspace: Path
    token: str = field(repr=False)
    config: Path | None = None
    database_url: str | None = field(default=None, repr=False)
    write_back: bool = False
    output: Path | None = None
    summary: Path | None = None
    ref_name: str | None = None  # the branch the run is on (a schedule's: the default one)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Job:
        def need(name: str) -> str:
            if not env.get(name):
                raise UsageError(f"{name} is not set: run this inside a GitHub Actions job")
            return env[name]

        token = env.get("GITHUB_TOKEN", "").strip()
        if not token:
            raise UsageError("no token: give the action's `token` input (default github.token)")
        write_back = env.get("TRACK_ACTION_WRITE_BACK", "false").strip().lower()
        if write_back not in ("true", "false", ""):
            raise UsageError(f"write-back must be true or false, not {write_back!r}")
        try:
            payload = json.loads(Path(need("GITHUB_EVENT_PATH")).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UsageError(f"cannot read the event payload GITHUB_EVENT_PATH: {exc}") from exc
        workspace = Path(env.get("GITHUB_WORKSPACE") or Path.cwd())
        config = env.get("TRACK_ACTION_CONFIG", "").strip()
        return cls(
            event=need("GITHUB_EVENT_NAME"),
            payload=payload,
            repository=need("GITHUB_REPOSITORY"),
            api_url=(env.get("GITHUB_API_URL") or "https://api.github.com").rstrip("/"),
            workspace=workspace,
            token=token,
            config=(workspace / config) if config else None,
            database_url=env.get("TRACK_ACTION_DATABASE_URL", "").strip() or None,
            write_back=write_back == "true",
            output=Path(env["GITHUB_OUTPUT"]) if env.get("GITHUB_OUTPUT") else None,
            summary=Path(env["GITHUB_STEP_SUMMARY"]) if env.get("GITHUB_STEP_SUMMARY") else None,
            ref_name=env.get("GITHUB_REF_NAME") or None,
        )

    def set_outputs(self, values: Mapping[str, object]) -> None:
        if self.output is not None:
            with self.output.open("a", encoding="utf-8") as out:
                out.writelines(f"{name}={value}\n" for name, value in values.items())

    def add_summary(self, markdown: str) -> None:
        if self.summary is not None:
            with self.summary.open("a", encoding="utf-8") as out:
                out.write(markdown.rstrip("\n") + "\n")


class GitHub:
    """The few REST calls the action makes, on one repository, each with a timeout."""

    def __init__(self, job: Job, session: requests.Session | None = None) -> None:
        self.base = f"{job.api_url}/repos/{job.repository}"
        self.session = session or requests.Session()
        self.session.headers.update(
            {
                "Authorization": f"Bearer {job.token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
                "User-Agent": "track-action",
            }
        )
        self.next_page: str | None = None

    def call(self, method: str, path: str, **options: Any) -> Any:
        url = path if path.startswith("http") else self.base + path
        what = f"{method} {url.split('?')[0]}"
        try:
            response = self.session.request(method, url, timeout=TIMEOUT, **options)
        except requests.RequestException as exc:
            raise TrackerFatal(f"cannot reach GitHub for {what}: {type(exc).__name__}") from exc
        if response.status_code >= 400:
            try:
                message = str(response.json().get("message", ""))
            except ValueError:
                message = response.reason
            refused = response.status_code in (401, 403, 404)
            hint = " (does the token have contents and pull-requests: write?)" if refused else ""
            raise TrackerFatal(f"GitHub answered {response.status_code} to {what}: {message}{hint}")
        self.next_page = response.links.get("next", {}).get("url")
        return response.json() if response.content else None

    def pages(self, path: str, params: dict[str, str]) -> Iterator[dict[str, Any]]:
        url: str | None = path
        query: dict[str, str] | None = {**params, "per_page": "100"}
        while url:
            yield from self.call("GET", url, params=query)
            url, query = self.next_page, None  # the next link carries the query


# -- pull requests: the review -------------------------------------------------------------


def review(job: Job, github: GitHub) -> int:
    """Check the changed postmortems; post or update the one comment; the check's exit code."""
    pull = job.payload.get("pull_request") or {}
    number = pull.get("number") or job.payload.get("number")
    if not number:
        raise UsageError(f"the {job.event} event payload has no pull request number")
    files = changed_postmortems(job, pull)
    if not files:
        print("track: this pull request changes no postmortem")
        job.set_outputs({"files": 0, "measures": 0, "problems": 0})
        return 0
    annotations = track(job, "check", "--format", "github", *files)
    sys.stdout.write(annotations.stdout)
    body = track(job, "check", "--format", "markdown", *files).stdout
    if not body.startswith(MARKER):  # the check could not run (its error is in the log)
        return annotations.returncode or 2
    url = upsert_comment(github, int(number), body)
    lines = annotations.stdout.splitlines()
    job.set_outputs(
        {
            "files": len(files),
            "measures": sum(line.startswith("::notice") for line in lines),
            "problems": sum(line.startswith("::error") for line in lines),
            "comment-url": url,
        }
    )
    job.add_summary(body)
    return annotations.returncode


def changed_postmortems(job: Job, pull: dict[str, Any]) -> list[str]:
    """The config's sources the pull request adds or changes, relative to the workspace (where
    GitHub places annotations); all sources when git cannot tell (a shallow clone)."""
    settings = load_config(job.config)
    if not settings.sources:
        raise UsageError("the action reviews the postmortems under `sources:`; list their globs")
    sources = {path.resolve() for path in settings.source_files()}
    base, head = (pull.get("base") or {}).get("sha"), (pull.get("head") or {}).get("sha")
    named: set[Path] | None = None
    if base and head:
        diff = git(job, "diff", "-z", "--name-only", "--diff-filter=d", f"{base}...{head}")
        if diff.returncode == 0:
            named = {(job.workspace / name).resolve() for name in diff.stdout.split("\0") if name}
        else:
            print(
                "::warning title=track::cannot diff the pull request (fetch-depth: 0 needed); "
                "checking every postmortem"
            )
    chosen = sources if named is None else sources & named
    return sorted(_relative(path, job.workspace) for path in chosen)


def upsert_comment(github: GitHub, number: int, body: str) -> str:
    """Edit the comment that starts with MARKER (the first found; a person quoting it starts
    with `>`), else post one."""
    for comment in github.pages(f"/issues/{number}/comments", {}):
        if (comment.get("body") or "").startswith(MARKER):
            if comment.get("body") == body:
                return str(comment["html_url"])
            edited = github.call("PATCH", f"/issues/comments/{comment['id']}", json={"body": body})
            return str(edited["html_url"])
    posted = github.call("POST", f"/issues/{number}/comments", json={"body": body})
    return str(posted["html_url"])


# -- the default branch and schedules: the sync -----------------------------------------------


def sync(job: Job, github: GitHub) -> int:
    """`track sync` (stateless without a database); outputs its counts; with write-back, a pull
    request with the postmortems' new references."""
    default = (job.payload.get("repository") or {}).get("default_branch") or job.ref_name
    if job.event == "push" and job.payload.get("ref") != f"refs/heads/{default}":
        print(f"track: a push to {job.payload.get('ref')}, not to {default}: nothing to sync")
        return 0
    settings = load_config(job.config)
    env: dict[str, str] = {}
    stateless = not job.database_url and not settings.database_url()
    with tempfile.TemporaryDirectory(prefix="track-") as scratch:
        if job.database_url:
            env["TRACK_DATABASE_URL"] = job.database_url
        elif stateless:
            env["TRACK_DATABASE_URL"] = f"sqlite:///{Path(scratch) / 'track.db'}"
        args = ["sync", "--format", "json", *(["--write-back"] if job.write_back else [])]
        done = track(job, *args, env=env)
    try:
        result = json.loads(done.stdout)
    except ValueError:
        result = {}
    totals = result.get("totals", {})
    outputs: dict[str, object] = {name.replace("_", "-"): totals.get(name, 0) for name in COUNTS}
    outputs.update({"exit-code": done.returncode, "stateless": str(stateless).lower()})
    written = (result.get("write_back") or {}).get("files") or []
    if written and done.returncode in (0, 1):
        outputs["pull-request-url"] = propose(job, github, written, default)
    job.set_outputs(outputs)
    job.add_summary(sync_summary(result, stateless=stateless, written=written))
    return done.returncode


def propose(job: Job, github: GitHub, files: list[str], base: str | None) -> str:
    """Commit the written postmortems to BRANCH (replacing what it had), push it, and open a
    pull request into `base` (the default branch) unless one is open already."""
    if not base:
        raise UsageError("no branch to propose the written postmortems to (GITHUB_REF_NAME)")
    root = load_config(job.config).source_root() or job.workspace
    paths = [str((root / name).resolve()) for name in files]
    name, email = BOT
    message = "Link postmortem measures to their tickets (track write-back)"
    steps = {
        "add": ["add", "--", *paths],
        "commit": [
            "-c",
            f"user.name={name}",
            "-c",
            f"user.email={email}",
            "commit",
            "-qm",
            message,
        ],
        "push": ["push", "-q", "--force", "origin", f"HEAD:refs/heads/{BRANCH}"],
    }
    for what, step in steps.items():
        done = git(job, *step)
        if done.returncode:
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise TrackerFatal(f"git {what} of the written postmortems failed: {last}")
    owner = job.repository.split("/")[0]
    for pull in github.pages("/pulls", {"head": f"{owner}:{BRANCH}", "state": "open"}):
        return str(pull["html_url"])
    pull = github.call(
        "POST",
        "/pulls",
        json={
            "title": "Link postmortem measures to their tickets",
            "head": BRANCH,
            "base": base,
            "body": "track wrote each ticket's reference next to its measure, and ticked the "
            "boxes of measures whose tickets were completed:\n\n"
            + "".join(f"- `{name}`\n" for name in files)
            + "\nNothing else in these files changed. Merge it to keep the links.",
        },
    )
    return str(pull["html_url"])


def sync_summary(result: dict[str, Any], *, stateless: bool, written: list[str]) -> str:
    lines = ["### track sync", ""]
    if stateless:
        lines += ["Stateless run: no database; tickets were found again by their markers.", ""]
    lines += ["| target | created | updated | completed | adopted | failed | requests |"]
    lines += ["|---|---|---|---|---|---|---|"]
    for target in result.get("targets", []):
        cells = [target.get(k, 0) for k in ("created", "updated", "completed", "adopted")]
        cells += [target.get("failed", 0), target.get("requests", 0)]
        lines.append(f"| {target.get('target')} | " + " | ".join(map(str, cells)) + " |")
    lines += [f"- error: {message}" for message in result.get("errors", [])]
    lines += [f"- wrote references into `{name}`" for name in written]
    return "\n".join(lines) + "\n"


# -- running things --------------------------------------------------------------------------


def track(
    job: Job, *args: str, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run this `track` (stderr goes to the job's log as it is)."""
    config = ["--config", str(job.config)] if job.config else []
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args[:1], *config, *args[1:]],
        cwd=job.workspace,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )


def git(job: Job, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=job.workspace, capture_output=True, text=True, check=False
    )


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def main(env: Mapping[str, str] | None = None) -> int:
    try:
        job = Job.from_env(os.environ if env is None else env)
        github = GitHub(job)
        if job.event in REVIEW_EVENTS:
            return review(job, github)
        if job.event in SYNC_EVENTS:
            return sync(job, github)
        raise UsageError(
            f"the track action runs on pull_request, push, schedule and workflow_dispatch, "
            f"not {job.event}"
        )
    except TrackError as exc:
        print(f"::error title=track::{exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
