"""Generated postmortems for the benchmarks: realistic five-part documents (~3 KB) in the
styles the parser reads, deterministic for a seed.

    python -m bench.corpus FOLDER COUNT        # write COUNT files into FOLDER

Styles rotate: a numbered list with inline metadata, a task list with ticked and open boxes,
a table with owner/due/priority/status columns, and a bulleted list under a front matter that
gives the incident its id. Every file has a summary, an impact, a timeline, a root cause and
its measures (five parts), and each measure mentions the incident so no two files share one.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

SERVICES = ("payments", "search", "checkout", "auth", "billing", "cdn", "queue", "storage")
CAUSES = (
    "a configuration change rolled out to every region at once",
    "a certificate that expired on the load balancers",
    "a replica that fell behind and was promoted anyway",
    "a retry storm from clients with no backoff",
    "a disk that filled with debug logs",
    "a schema migration that locked the largest table",
)
VERBS = ("Add", "Automate", "Document", "Alert on", "Test", "Remove", "Limit", "Review")
OBJECTS = (
    "the failover runbook for {service}",
    "disk usage on the {service} hosts",
    "certificate expiry for {service} endpoints",
    "a canary stage before {service} config rollouts",
    "client retries with jittered backoff in {service}",
    "the lock timeout of {service} migrations",
    "a dashboard of {service} replica lag",
    "the on-call handover notes for {service}",
)
OWNERS = ("@dana", "@li", "@sam", "@priya", "@jonas", "@maria", "@kenji", "@oluwa")
PRIORITIES = ("P1", "P2", "P3")
STYLES = ("numbered", "tasks", "table", "front_matter")
FILLER = (
    "The team confirmed the scope with the service owners and checked the dashboards for "
    "related symptoms in neighbouring systems before declaring the incident resolved. "
    "Customers were kept informed on the status page throughout. "
)


def postmortem(number: int, seed: int = 7) -> str:
    """The text of postmortem `number` (its style is `number % 4`)."""
    rng = random.Random(seed * 1_000_003 + number)
    service = rng.choice(SERVICES)
    day = dt.date(2021, 1, 1) + dt.timedelta(days=number % 1500)
    title = f"{service.capitalize()} outage {number}: {rng.choice(CAUSES)}"
    style = STYLES[number % len(STYLES)]
    measures = [_measure(rng, service, number, m) for m in range(rng.randint(4, 7))]
    head = f"---\nid: INC-{number:06}\ndate: {day}\nservice: {service}\n---\n\n"
    parts = [
        head if style == "front_matter" else "",
        f"# {title}\n\n",
        _summary(rng, service, day),
        _impact(rng, service),
        _timeline(rng),
        _root_cause(rng, service),
        _measures(style, measures, rng, day),
    ]
    return "".join(parts)


def _measure(rng: random.Random, service: str, number: int, m: int) -> str:
    what = rng.choice(OBJECTS).format(service=service)
    return f"{rng.choice(VERBS)} {what} (incident {number}, step {m + 1})"


def _summary(rng: random.Random, service: str, day: dt.date) -> str:
    minutes = rng.randint(5, 240)
    return (
        "## Summary\n\n"
        f"On {day:%B %d, %Y}, {service} was degraded for {minutes} minutes. "
        f"Requests failed at a rate of {rng.randint(2, 60)}% while {rng.choice(CAUSES)} went "
        f"unnoticed. {FILLER}{FILLER}\n\n"
    )


def _impact(rng: random.Random, service: str) -> str:
    return (
        "## Impact\n\n"
        f"- {rng.randint(100, 90_000):,} customers saw errors in {service}.\n"
        f"- {rng.randint(1, 400)} support tickets were opened.\n"
        f"- No data was lost; {rng.randint(0, 900)} requests were replayed.\n\n"
        f"{FILLER}{FILLER}\n\n"
    )


def _timeline(rng: random.Random) -> str:
    hour, minute = rng.randint(0, 20), rng.randint(0, 50)
    events = (
        "Latency on the primary rises",
        "An alert pages the on-call engineer",
        "The incident channel is opened",
        "The faulty change is identified",
        "The change is rolled back",
        "Error rates are back to normal",
    )
    lines = []
    for event in events:
        minute += rng.randint(1, 9)
        lines.append(f"- {hour + minute // 60:02}:{minute % 60:02} {event}.\n")
    return "## Timeline\n\nAll times UTC.\n\n" + "".join(lines) + "\n"


def _root_cause(rng: random.Random, service: str) -> str:
    return (
        "## Root cause\n\n"
        f"The {service} deployment relied on {rng.choice(CAUSES)}. Nothing in the pipeline "
        f"checked for it, and the alerts watched only the aggregate error rate. {FILLER}"
        f"{FILLER}{FILLER}\n\n"
    )


def _measures(style: str, measures: list[str], rng: random.Random, day: dt.date) -> str:
    rows = []
    for index, text in enumerate(measures):
        owner, priority = rng.choice(OWNERS), rng.choice(PRIORITIES)
        due = day + dt.timedelta(days=rng.randint(7, 90))
        done = rng.random() < 0.3
        if style == "numbered":
            rows.append(f"{index + 1}. [{priority}] {text} (owner: {owner}) due {due}\n")
        elif style == "tasks":
            rows.append(f"- [{'x' if done else ' '}] {text} — {owner}, due {due}\n")
        elif style == "table":
            status = "Done" if done else "Open"
            rows.append(f"| {text} | {owner} | {due} | {priority} | {status} |\n")
        else:
            rows.append(f"- {text}. Owner: {owner}\n")
    if style == "table":
        header = "| Action | Owner | Due | Priority | Status |\n|---|---|---|---|---|\n"
        return "## Action items\n\n" + header + "".join(rows)
    heading = "Corrective and preventative measures" if style == "numbered" else "Action items"
    return f"## {heading}\n\n" + "".join(rows)


def write_corpus(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """Write `count` postmortems into `folder` (made if missing); the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        path = folder / f"pm-{number:06}.md"
        path.write_text(postmortem(number, seed), encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    written = write_corpus(Path(sys.argv[1]), int(sys.argv[2]))
    size = sum(p.stat().st_size for p in written)
    print(f"{len(written)} files, {size / len(written) / 1024:.1f} KiB each on average")
