"""Parsing the files an ingest found changed: in worker processes when there is more than one
core and enough files to pay for starting them, else in this process.

Parsing is pure and CPU-bound, so it parallelises; the database writes stay in the calling
process. Files go to the workers in chunks, at most a few chunks ahead of what the caller has
consumed, so memory stays flat however many files there are; results come back in order.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tracker.errors import ParseError
from tracker.model import ParsedDocument
from tracker.parse.document import ParserSettings, decode_markdown, parse_text, read_file

# Below this many changed files, starting workers (a fork each, and the language tables
# compiled once per worker) costs more than it saves.
PARALLEL_FROM = 64
CHUNK = 32  # files per task sent to a worker


PARSER_VERSION = "2"  # bump when the parser reads the same text differently


@dataclass(frozen=True)
class Job:
    """A file found changed, to read again and parse: its key, where it is, and its root
    (what its key is relative to)."""

    key: str
    path: Path
    base: Path


@dataclass(frozen=True)
class Parsed:
    """A file parsed: its document, or the message saying why it could not be read."""

    key: str
    path: Path
    base: Path
    digest: str  # of the bytes parsed (the file may have changed since it was found changed)
    doc: ParsedDocument | None
    error: str | None = None


def content_hash(data: bytes, settings: ParserSettings) -> str:
    """Hash of the file and of what reads it: a new parser, heading pattern or language table
    reads it again."""
    reader = f"{PARSER_VERSION}|{'|'.join(settings.measures_headings)}|{settings.lexicon.digest}\n"
    return hashlib.sha256(reader.encode() + data).hexdigest()


def parse_jobs(jobs: Iterable[Job], settings: ParserSettings, *, expected: int) -> Iterator[Parsed]:
    """Each job parsed, in order. `expected` (how many jobs there are) decides whether worker
    processes are worth starting."""
    workers = min(usable_cores(), max(1, expected // CHUNK))
    if workers < 2 or expected < PARALLEL_FROM:
        for job in jobs:
            yield parse_one(job, settings)
        return
    yield from _in_workers(jobs, settings, workers)


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def parse_one(job: Job, settings: ParserSettings) -> Parsed:
    """Read the file once: the bytes hashed are the bytes parsed."""
    digest = ""
    try:
        data = read_file(job.path, settings.max_bytes)
        digest = content_hash(data, settings)
        text = decode_markdown(job.path, data)
    except ParseError as exc:
        return Parsed(job.key, job.path, job.base, digest, None, str(exc))
    return Parsed(job.key, job.path, job.base, digest, parse_text(text, job.key, settings))


def _in_workers(jobs: Iterable[Job], settings: ParserSettings, workers: int) -> Iterator[Parsed]:
    global _settings
    if os.name == "posix":  # a forked worker has the settings already, tables compiled
        _settings = settings
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    else:
        pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(_recipe(settings),),
        )
    pending: deque[Future[list[Parsed]]] = deque()
    try:
        for chunk in _chunks(jobs, CHUNK):
            pending.append(pool.submit(_parse_chunk, chunk))
            if len(pending) >= 2 * workers:  # a few chunks ahead, no more
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _chunks(jobs: Iterable[Job], size: int) -> Iterator[list[Job]]:
    chunk: list[Job] = []
    for job in jobs:
        chunk.append(job)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


Recipe = tuple[tuple[str, ...], int, tuple[Path, ...]]
_settings: ParserSettings | None = None  # a worker's settings, built once when it starts


def _recipe(settings: ParserSettings) -> Recipe:
    """What a worker needs to build the same settings (cheaper to send than compiled tables)."""
    return settings.measures_headings, settings.max_bytes, settings.languages


def _start_worker(recipe: Recipe) -> None:
    global _settings
    headings, max_bytes, languages = recipe
    _settings = ParserSettings(measures_headings=headings, max_bytes=max_bytes, languages=languages)


def _parse_chunk(chunk: list[Job]) -> list[Parsed]:
    assert _settings is not None, "the worker was started without its settings"
    return [parse_one(job, _settings) for job in chunk]
