"""`track init`: a commented `track.yaml`, the shipped example filled with what can be detected.

Detected: the git working tree's root (`root`), a folder of postmortems under it (`sources`),
and a GitHub remote named `origin` (the target's `repo`, and `api_url` for an Enterprise
Server). What is not detected stays in the file as comments to fill in. An existing file is
never overwritten without `force`.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tracker.config import example_config, git_root
from tracker.errors import UsageError

# Folder names teams keep postmortems in, matched without case.
POSTMORTEM_FOLDERS = (
    "postmortems",
    "post-mortems",
    "postmortem",
    "post-mortem",
    "incidents",
    "incident-reports",
    "retrospectives",
    "retros",
)
SKIPPED = {".git", "node_modules", ".venv", "venv", "vendor", "build", "dist"}


@dataclass(frozen=True)
class Detected:
    root: Path  # the git root, else the folder the file goes to
    sources: str | None  # a glob under root
    repo: str | None  # OWNER/NAME of a GitHub remote
    api_url: str | None  # its API, when not github.com
    markdown_files: int = 0


def github_remote(url: str) -> tuple[str, str] | None:
    """(host, OWNER/NAME) of a GitHub remote URL: https, ssh:// or scp-like git@host:o/r."""
    url = url.strip()
    match = re.fullmatch(
        r"(?:https?|ssh|git)://(?:[^@/]+@)?(?P<host>[^/:]+)(?::\d+)?/(?P<repo>[\w.-]+/[\w.-]+?)"
        r"(?:\.git)?/?",
        url,
    ) or re.fullmatch(r"(?:[^@/]+@)?(?P<host>[^:/]+):(?P<repo>[\w.-]+/[\w.-]+?)(?:\.git)?/?", url)
    if match is None or "github" not in match.group("host").lower():
        return None  # GitLab, Bitbucket, a path: not a GitHub repository
    return match.group("host").lower(), match.group("repo")


def detect(folder: Path) -> Detected:
    root = git_root(folder.resolve()) or folder.resolve()
    sources, count = _postmortem_folder(root)
    remote = github_remote(_origin_url(root) or "")
    repo, api_url = (None, None) if remote is None else (remote[1], _api_url(remote[0]))
    return Detected(root, sources, repo, api_url, count)


def _api_url(host: str) -> str | None:
    return None if host in ("github.com", "www.github.com") else f"https://{host}/api/v3"


def _origin_url(root: Path) -> str | None:
    try:
        done = subprocess.run(
            ["git", "remote", "get-url", "origin"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None  # no git, or it hung: nothing detected
    return done.stdout.strip() if done.returncode == 0 else None


def _postmortem_folder(root: Path) -> tuple[str | None, int]:
    """The shallowest folder named like a postmortems folder that holds markdown."""
    for folder, subfolders, _files in os.walk(root):
        here = Path(folder)
        depth = len(here.relative_to(root).parts)
        subfolders[:] = sorted(
            d for d in subfolders if d not in SKIPPED and not d.startswith(".") and depth < 3
        )
        if here != root and here.name.lower() in POSTMORTEM_FOLDERS:
            count = sum(1 for _ in here.rglob("*.md"))
            if count:
                return f"{here.relative_to(root).as_posix()}/**/*.md", count
    return None, 0


def render(detected: Detected, folder: Path) -> str:
    """The example config with the detected values in place and the rest commented out."""
    text = Path(example_config()).read_text(encoding="utf-8")
    lines = text.splitlines()
    lines[0] = "# track configuration, written by `track init` from the shipped example."
    root = Path(os.path.relpath(detected.root, folder.resolve())).as_posix()
    out: list[str] = []
    section = ""
    for line in lines:
        if re.match(r"^[a-z_]+:", line):
            section = line.split(":", 1)[0]
        elif line.startswith("  - kind: "):
            section = "targets." + line.split(": ", 1)[1].split()[0]
        out.extend(_fill(line, section, detected, root))
    return "\n".join(out) + "\n"


def _fill(line: str, section: str, detected: Detected, root: str) -> list[str]:
    if section == "root" and line.startswith("root:"):
        return [f"root: {root}"]
    if section == "sources" and detected.sources:
        if line.startswith("sources:"):
            return ["sources:", f'  - "{detected.sources}"']
        return [] if line.startswith("#  - ") else [line]
    if section == "targets" and line.startswith("targets:") and detected.repo is None:
        return ["targets: []  # add one: the GitHub and Jira examples below, uncommented"]
    if section == "targets.github" and detected.repo is not None:
        return [_github_line(line, detected)]
    if section.startswith("targets.") or section == "routing":
        return [_commented(line)]  # one target needs no routing; the examples stay as notes
    return [line]


def _github_line(line: str, detected: Detected) -> str:
    name = detected.repo.split("/")[1] if detected.repo else "ops"
    if re.match(r"\s+name: ", line):
        return re.sub(r"name: \S+", f"name: {name}", line, count=1)
    if re.match(r"\s+repo: ", line):
        return re.sub(r"repo: \S+", f"repo: {detected.repo}", line, count=1)
    if re.match(r"\s+api_url: ", line) and detected.api_url:
        return re.sub(r"api_url: \S+", f"api_url: {detected.api_url}", line, count=1)
    if re.match(r"\s+owners:", line):
        return re.sub(r"owners: {3}", "owners: {} ", line, count=1)  # examples stay as comments
    if re.match(r"\s+(alice@acme\.com|\"@bob\"):", line):
        return _commented(line)
    return line


def _commented(line: str) -> str:
    body = line.lstrip()
    if not body or body.startswith("#"):
        return line
    return f"{line[: len(line) - len(body)]}# {body}"


def write_config(path: Path, *, force: bool) -> Detected:
    """Write the filled example to `path`; refuse to replace a file unless `force`."""
    if path.exists() and not force:
        raise UsageError(f"{path} exists: track init --force replaces it")
    detected = detect(path.parent)
    text = render(detected, path.parent)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from exc
    return detected
