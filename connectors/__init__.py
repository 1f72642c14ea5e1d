"""Connectors to trackers. `connect` builds the one a configured target names.

    from connectors import connect
    connector = connect(target)          # GitHubConnector for kind: github

Tokens are read from the environment variable the target names; they are never logged or
put into messages.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from tracker.config import GitHubTarget
from tracker.connector import Connector
from tracker.errors import TrackerFatal

__all__ = ["connect"]


def connect(target: GitHubTarget, *, sleep: Callable[[float], None] | None = None) -> Connector:
    token = os.environ.get(target.token_env, "").strip()
    if not token:
        raise TrackerFatal(
            f"{target.name}: the environment variable {target.token_env} holds no token; export a "
            f"GitHub token with Issues read and write permission on {target.repo} (token_env names "
            "the variable)"
        )
    from connectors.github import GitHubConnector

    return GitHubConnector(
        target=target.name,
        repo=target.repo,
        token=token,
        tool_label=target.tool_label,
        api_url=target.api_url,
        timeout=target.timeout_seconds,
        write_interval=target.write_interval_seconds,
        max_wait=target.max_wait_seconds,
        sleep=sleep or time.sleep,
    )
