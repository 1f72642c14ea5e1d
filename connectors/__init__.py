"""Connectors to trackers. `connect` builds the one a configured target names.

    from tracker.connectors import connect
    connector = connect(target)     # GitHubConnector (kind: github) or JiraConnector (kind: jira)

Credentials are read from the environment variables the target names; they are never logged
or put into messages.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from tracker.config import AnyTarget, GitHubTarget, JiraTarget
from tracker.connector import Connector
from tracker.errors import TrackerFatal

__all__ = ["connect", "ticket_style"]


def _secret(target: AnyTarget, variables: tuple[str, ...], what: str) -> str:
    for variable in variables:
        value = os.environ.get(variable, "").strip()
        if value:
            return value
    names = " or ".join(variables)
    raise TrackerFatal(
        f"{target.name}: the environment variable {names} holds no {what}; export it "
        "(the target's *_env keys name the variables)"
    )


def connect(target: AnyTarget, *, sleep: Callable[[float], None] | None = None) -> Connector:
    if isinstance(target, GitHubTarget):
        from tracker.connectors.github import GitHubConnector

        return GitHubConnector(
            target=target.name,
            repo=target.repo,
            token=_secret(target, target.token_envs(), "GitHub token"),
            tool_label=target.tool_label,
            api_url=target.api_url,
            timeout=target.timeout_seconds,
            write_interval=target.write_interval_seconds,
            max_wait=target.max_wait_seconds,
            sleep=sleep or time.sleep,
        )
    assert isinstance(target, JiraTarget)
    from tracker.connectors.jira import JiraConnector

    email = (
        _secret(target, (target.email_env,), "Jira account email")
        if target.auth == "basic"
        else None
    )
    return JiraConnector(
        target,
        token=_secret(target, (target.token_env,), "Jira API token"),
        email=email,
        sleep=sleep or time.sleep,
    )


def ticket_style(target: AnyTarget) -> tuple[str, str]:
    """(user_noun, flavor) of the target's connector: what its ticket text is made with, for a
    plan made without connecting (a dry run's local plan)."""
    if isinstance(target, GitHubTarget):
        from tracker.connectors.github import GitHubConnector

        return GitHubConnector.user_noun, GitHubConnector.flavor
    from tracker.connectors.jira import JiraConnector

    return JiraConnector.user_noun, JiraConnector.flavor
