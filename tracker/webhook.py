"""Post a message to a chat webhook (Slack's incoming webhooks, and the many that copy them).

The URL's path and query are the secret (anyone holding them can post), so messages show only
its scheme and host. Errors name what happened, never the URL's secret part: the HTTP
library's own messages repeat the full URL, so they are not passed on.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from tracker.errors import UsageError, WebhookError


def shown_url(url: str) -> str:
    """`https://hooks.slack.com/…`: enough to say where, nothing that lets anyone post."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}/…"


def post_text(url: str, text: str, *, timeout: float) -> None:
    """POST `{"text": text}` as JSON; raise WebhookError unless the answer is a 2xx."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            "--webhook must be an http(s) URL, e.g. https://hooks.slack.com/services/…"
        )
    import requests

    where = shown_url(url)
    try:
        answer = requests.post(url, json={"text": text}, timeout=timeout, allow_redirects=False)
    except requests.Timeout:
        raise WebhookError(f"webhook {where} did not answer within {timeout:g} s") from None
    except requests.ConnectionError:
        raise WebhookError(f"cannot connect to webhook {where}") from None
    except requests.RequestException as exc:
        raise WebhookError(f"webhook {where} failed ({type(exc).__name__})") from None
    if not 200 <= answer.status_code < 300:
        raise WebhookError(
            f"webhook {where} answered {answer.status_code}: check the URL "
            "(--webhook or TRACK_DIGEST_WEBHOOK)"
        )
