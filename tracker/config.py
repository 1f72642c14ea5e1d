"""The configuration: `--config PATH`, else `$TRACK_CONFIG`, else `./track.yaml`, else a
`track.yaml` in a parent folder up to the git repository's root, else `track.yaml` in the
user's config folder (`~/.config/track/` on Linux), else defaults.

Every key is documented in `config.example.yaml`. Errors name the file, the key, what is wrong
and what is allowed, in words (`plain_error`), not in pydantic's.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from tracker.errors import ConfigError, UsageError
from tracker.parse import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from tracker.parse.document import ParserSettings  # loads the parser: only when parsing

DEFAULT_PATH = Path("track.yaml")


def example_config() -> str:
    """Where the installed package keeps the commented example of every key, for messages."""
    from importlib.resources import files

    return str(files("tracker") / "config.example.yaml")


class ParserConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    measures_headings: list[str] = Field(default_factory=list)
    max_file_mb: float = Field(default=DEFAULT_MAX_BYTES / 1048576, gt=0, le=1024)
    # language tables of the team's own (the shape of tracker/parse/languages/en.toml),
    # relative to the config file's folder
    languages: list[Path] = Field(default_factory=list)

    @field_validator("measures_headings")
    @classmethod
    def _valid_regexes(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{pattern!r} is not a valid regular expression ({exc})") from exc
        return patterns

    def settings(
        self, extra_headings: tuple[str, ...] = (), *, base: Path | None = None
    ) -> ParserSettings:
        from tracker.parse.document import ParserSettings

        folder = base or Path.cwd()
        return ParserSettings(
            measures_headings=(*self.measures_headings, *extra_headings),
            max_bytes=int(self.max_file_mb * 1048576),
            languages=tuple((folder / path).resolve() for path in self.languages),
        )


class DatabaseConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str | None = None
    path: Path | None = None  # a SQLite file, relative to the config file's folder

    @model_validator(mode="after")
    def _one_of(self) -> DatabaseConfig:
        if self.url and self.path:
            raise ValueError("give database.url or database.path, not both")
        return self


class StatusConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    grace_days: int = Field(default=30, ge=0)


class FlagRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = True


class NoPreventionFlag(FlagRule):
    # measure types that prevent a recurrence; an incident with none of them is flagged
    preventive_types: list[str] = Field(default_factory=lambda: ["prevent"], min_length=1)


class MissingFieldFlag(FlagRule):
    at_least: int = Field(default=1, ge=1)  # open measures missing the field before the flag


class SamePriorityFlag(FlagRule):
    min_measures: int = Field(default=3, ge=2)  # fewer measures than this are never flagged


class NothingDoneFlag(FlagRule):
    grace_days: int | None = Field(default=None, ge=0)  # None: status.grace_days


class FlagsConfig(BaseModel):
    """Weak-postmortem flags (tracker/report/flags.py): each on or off, with its threshold."""

    model_config = ConfigDict(extra="forbid")

    no_prevention: NoPreventionFlag = Field(default_factory=NoPreventionFlag)
    no_owner: MissingFieldFlag = Field(default_factory=MissingFieldFlag)
    no_due: MissingFieldFlag = Field(default_factory=MissingFieldFlag)
    same_priority: SamePriorityFlag = Field(default_factory=SamePriorityFlag)
    nothing_done: NothingDoneFlag = Field(default_factory=NothingDoneFlag)


class DigestConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # percent complete an incident past status.grace_days should have reached
    target: float = Field(default=80, ge=0, le=100)
    webhook_timeout_seconds: float = Field(default=10, gt=0, le=120)


# What `track check` may require of every open measure (`check.require`, `--require`).
RequiredField = Literal["owner", "due", "priority"]
REQUIRABLE: tuple[RequiredField, ...] = ("owner", "due", "priority")
DEFAULT_REQUIRED: tuple[RequiredField, ...] = ("owner",)


class CheckConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # An unowned measure is the one that never gets done; a due date is a team's choice.
    require: list[RequiredField] = Field(default_factory=lambda: list(DEFAULT_REQUIRED))


class _TargetBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    labels: list[str] = Field(default_factory=list)
    tool_label: str = Field(default="postmortem-action", pattern=r"^\S+$")
    owners: dict[str, str] = Field(default_factory=dict)
    close_removed: bool = False  # close the ticket of a removed measure (as not planned)
    comment_removed: bool = False  # say on the ticket that its measure was removed
    postmortem_url: str | None = None
    timeout_seconds: float = Field(default=30, gt=0, le=600)
    max_wait_seconds: float = Field(default=900, ge=0)
    # a create that got no answer is not sent again until this long has passed and a look for
    # its marker found nothing (docs/sync.md, "Never a duplicate")
    unconfirmed_wait_seconds: float = Field(default=900, ge=0, le=7 * 86400)
    # several tickets carrying one item's marker: keep the oldest; report the others, or
    # close them as duplicates with a comment naming the kept one
    duplicates: Literal["report", "close"] = "report"

    @field_validator("postmortem_url")
    @classmethod
    def _has_path(cls, template: str | None) -> str | None:
        if template is not None and "{path}" not in template:
            raise ValueError(
                "must contain {path}, e.g. https://github.com/acme/postmortems/blob/main/{path}"
            )
        return template

    def login_for(self, owner: str | None) -> str | None:
        """The tracker user the `owners` map gives a postmortem owner, if any."""
        if not owner:
            return None
        wanted = owner.lower().lstrip("@")
        return next((v for k, v in self.owners.items() if k.lower().lstrip("@") == wanted), None)


class GitHubTarget(_TargetBase):
    """A GitHub (or GitHub Enterprise Server) repository that receives one issue per item."""

    kind: Literal["github"]
    repo: str = Field(pattern=r"^[\w.-]+/[\w.-]+$")
    api_url: str = "https://api.github.com"
    # None: GH_TOKEN, else GITHUB_TOKEN (the order the gh CLI reads them in)
    token_env: str | None = None
    write_interval_seconds: float = Field(default=1.0, ge=0, le=60)

    @field_validator("api_url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        return _http(url, "e.g. https://api.github.com or https://HOST/api/v3")

    def token_envs(self) -> tuple[str, ...]:
        """The variables the token is read from, first one set wins."""
        return (self.token_env,) if self.token_env else GITHUB_TOKEN_ENVS


DEFAULT_PRIORITIES = {"P0": "Highest", "P1": "High", "P2": "Medium", "P3": "Low", "P4": "Lowest"}
WONT_DO = ["Won't Do", "Won't Fix", "Duplicate", "Declined", "Cannot Reproduce"]


class JiraTarget(_TargetBase):
    """A Jira project (Cloud, or Server/Data Center) that receives one issue per item."""

    kind: Literal["jira"]
    url: str
    project: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    issue_type: str = "Task"
    auth: Literal["basic", "bearer"] = "basic"
    email_env: str = "JIRA_EMAIL"
    token_env: str = "JIRA_API_TOKEN"
    priorities: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_PRIORITIES))
    epic: str | None = None
    components: list[str] = Field(default_factory=list)
    fields: dict[str, Any] = Field(default_factory=dict)
    wont_do_resolutions: list[str] = Field(default_factory=lambda: list(WONT_DO))
    removed_resolution: str = "Won't Do"
    comment_removed: bool = True

    @field_validator("url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        return _http(url, "e.g. https://acme.atlassian.net or https://jira.acme.internal")

    @field_validator("tool_label", "labels")
    @classmethod
    def _no_spaces(cls, value: Any) -> Any:
        values = value if isinstance(value, list) else [value]
        if any(" " in v for v in values):
            raise ValueError("Jira labels cannot contain spaces")
        return value


def _http(url: str, example: str) -> str:
    if not re.match(r"^https?://[^\s/]+", url):
        raise ValueError(f"must be an http(s) URL, {example}")
    return url.rstrip("/")


Target = Annotated[GitHubTarget | JiraTarget, Field(discriminator="kind")]
AnyTarget = GitHubTarget | JiraTarget


class Route(BaseModel):
    """Send matching incidents to `target`: every `match` field equal (front matter), and the
    source path matching `path` (a glob) when given."""

    model_config = ConfigDict(extra="forbid")

    target: str
    match: dict[str, str] = Field(default_factory=dict)
    path: str | None = None


class Routing(BaseModel):
    model_config = ConfigDict(extra="forbid")

    default: str | None = None
    rules: list[Route] = Field(default_factory=list)


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    root: Path = Path(".")
    sources: list[str] = Field(default_factory=list)
    database: DatabaseConfig = Field(default_factory=DatabaseConfig)
    parser: ParserConfig = Field(default_factory=ParserConfig)
    status: StatusConfig = Field(default_factory=StatusConfig)
    check: CheckConfig = Field(default_factory=CheckConfig)
    flags: FlagsConfig = Field(default_factory=FlagsConfig)
    digest: DigestConfig = Field(default_factory=DigestConfig)
    targets: list[Target] = Field(default_factory=list)
    routing: Routing = Field(default_factory=Routing)
    _folder: Path | None = PrivateAttr(default=None)  # the config file's folder, if any

    @model_validator(mode="after")
    def _routes_name_targets(self) -> Config:
        names = [t.name for t in self.targets]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"target names must be unique: {', '.join(duplicates)}")
        if self.routing.default is None and len(self.targets) == 1:
            self.routing.default = self.targets[0].name  # one target: everything goes there
        wanted = [self.routing.default, *(r.target for r in self.routing.rules)]
        for name in wanted:
            if name is not None and name not in names:
                raise ValueError(f"routing names target {name!r}, which is not under targets")
        return self

    def unrouted_problem(self) -> str | None:
        """Why, with several targets, nothing would tell which one an incident goes to."""
        if len(self.targets) > 1 and self.routing.default is None and not self.routing.rules:
            names = ", ".join(t.name for t in self.targets)
            return (
                f"{len(self.targets)} targets ({names}) and no routing: set routing.default "
                "to one of them, or add routing.rules"
            )
        return None

    def target(self, name: str) -> AnyTarget:
        for target in self.targets:
            if target.name == name:
                return target
        known = ", ".join(t.name for t in self.targets) or "none configured"
        raise UsageError(f"no target named {name!r} (targets: {known})")

    @field_validator("sources")
    @classmethod
    def _relative_globs(cls, globs: list[str]) -> list[str]:
        for pattern in globs:
            if Path(pattern).is_absolute():
                raise ValueError(f"{pattern!r} must be relative to root")
        return globs

    def database_url(self) -> str | None:
        """database.url, or database.path as a SQLite URL (relative to this file's folder)."""
        if self.database.path is not None:
            return f"sqlite:///{(self._base() / self.database.path).resolve()}"
        return self.database.url

    def postmortem_url(self, path: str) -> str | None:
        """A link to a postmortem: the first target's `postmortem_url` with {path} filled."""
        template = next((t.postmortem_url for t in self.targets if t.postmortem_url), None)
        return template.replace("{path}", path) if template else None

    def source_root(self) -> Path | None:
        """Where incident paths start: `root`, from the config file's folder. None without a
        config file: each file's key then starts at its git repository (never at the current
        folder, so one file is one incident from wherever it is named)."""
        if self._folder is None:
            return None
        return (self._folder / self.root).resolve()

    def source_files(self) -> list[Path]:
        root = self._base() / self.root
        found = {p for pattern in self.sources for p in root.glob(pattern) if p.is_file()}
        return sorted(found)

    def parser_settings(self, extra_headings: tuple[str, ...] = ()) -> ParserSettings:
        """The parser's settings, the team's language tables found beside this file."""
        return self.parser.settings(extra_headings, base=self._base())

    def _base(self) -> Path:
        return self._folder if self._folder is not None else Path.cwd()


GITHUB_TOKEN_ENVS = ("GH_TOKEN", "GITHUB_TOKEN")


def git_root(start: Path) -> Path | None:
    """The working tree holding `start` (a folder with `.git`, a folder or a worktree's file)."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def config_path(explicit: Path | None) -> Path | None:
    """The file to read: see the module's docstring for the order."""
    if explicit is not None:
        return explicit
    from_env = os.environ.get("TRACK_CONFIG")
    if from_env:
        return Path(from_env)
    if DEFAULT_PATH.exists():
        return DEFAULT_PATH
    here = Path.cwd()
    top = git_root(here)
    if top is not None:
        for folder in here.parents:
            if (folder / DEFAULT_PATH).is_file():
                return folder / DEFAULT_PATH
            if folder == top:
                break
    from platformdirs import user_config_path

    user_file = user_config_path("track", appauthor=False) / DEFAULT_PATH
    return user_file if user_file.is_file() else None


def load_config(explicit: Path | None = None) -> Config:
    path = config_path(explicit)
    if path is None:
        return Config()
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: config file not found (--config or TRACK_CONFIG)") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}: not valid YAML{where}") from exc
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the config must be a mapping of keys (see {example_config()})")
    try:
        config = Config.model_validate(raw)
        config._folder = path.resolve().parent
        return config
    except ValidationError as exc:
        raise ConfigError(f"{path}: {plain_error(exc)}") from exc


def plain_error(exc: ValidationError) -> str:
    """The first problem pydantic found, as a person would say it: the key, then what to do."""
    error = exc.errors()[0]
    parts = [p for p in error["loc"] if p not in ("github", "jira")]  # the discriminator's tag
    key = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts).lstrip(".")
    field = next((p for p in reversed(parts) if isinstance(p, str)), "")
    kind = error["type"]
    got = "" if isinstance(error["input"], dict | list) else f" (not {error['input']!r})"
    if kind == "extra_forbidden":
        where = f"the keys that exist are in {example_config()}"
        return f"{key}: unknown key{_did_you_mean(error)} ({where})"
    if kind in ("value_error", "assertion_error"):
        return f"{key or '(top level)'}: {error['msg'].removeprefix('Value error, ')}"
    if kind == "string_pattern_mismatch":
        return f"{key} must be {PATTERN_WORDS.get(field, 'as the example shows')}{got}"
    if kind == "missing":
        return f"{key} is required (see {example_config()})"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return f"{key or 'targets'}: kind must be github or jira"
    said = ERROR_WORDS.get(kind)
    return f"{key} {said.format(**(error.get('ctx') or {})) if said else error['msg']}{got}"


# What each pattern-checked key must look like, for messages.
PATTERN_WORDS = {
    "repo": "OWNER/NAME, e.g. acme/ops",
    "project": "a Jira project key, e.g. OPS",
    "tool_label": "one word without spaces, e.g. postmortem-action",
}
# pydantic's error types in words; {name} is filled from the error's context.
ERROR_WORDS = {
    "literal_error": "must be one of {expected}",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "greater_than": "must be more than {gt}",
    "greater_than_equal": "must be {ge} or more",
    "less_than": "must be less than {lt}",
    "less_than_equal": "must be {le} or less",
    "string_type": "must be text",
    "string_too_short": "must not be empty",
    "list_type": "must be a list, e.g. [a, b]",
    "dict_type": "must be a mapping of keys, e.g. {{key: value}}",
    "model_type": "must be a mapping of keys, e.g. {{key: value}}",
}


def _did_you_mean(error: Any) -> str:
    import difflib

    model: Any = Config
    for part in error["loc"][:-1]:
        if part in ("github", "jira"):  # a target's kind: its own keys
            model = GitHubTarget if part == "github" else JiraTarget
        elif isinstance(part, str):
            field = model.model_fields.get(part) if model is not None else None
            kind = field.annotation if field is not None else None
            model = kind if isinstance(kind, type) and issubclass(kind, BaseModel) else None
    if model is None:
        return ""
    close = difflib.get_close_matches(str(error["loc"][-1]), list(model.model_fields), n=1)
    return f"; did you mean {close[0]}?" if close else ""
