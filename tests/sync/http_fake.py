"""The fakes of GitHub and Jira served over real HTTP on 127.0.0.1, with faults to inject.

`FakeGitHub` and `FakeJira` keep the state and hold every request (and their answers) to the
OpenAPI descriptions; a `FakeServer` gives one of them a socket: an ephemeral port of
127.0.0.1, a thread per connection, HTTP/1.1 keep-alive. Each request becomes the
`requests.PreparedRequest` the fakes take (method, full URL, body, headers) and their answer
is written back, unless a `Fault` decides otherwise.

    from http_fake import serve_github, error, kill, late_apply

    with serve_github() as server:                  # FakeGitHub at server.fake.base,
        server.add(error(502, "GET", r"/issues$"))  #   http://127.0.0.1:PORT/api/v3
        server.add(kill(process.kill, "POST", r"/issues$", nth=3, after_applying=True))
        ...                                         # run `track` (harness.py) against it
        server.wait_idle()                          # nothing in flight, no write pending
        assert server.count("POST", r"/issues$") == 3
    # Leaving the block stops the server and re-raises the first error met in a server thread:
    # a request the API description does not allow, a failed answer check, a bug in a fake.

`serve_jira(cloud=True)` is the same for `FakeJira` at `server.fake.url`. A fault acts on
requests whose method is `method` ("*": any) and whose URL path (no query) `re.search`es
`path`: the `nth` such request and the `times - 1` after it (`times=None`: every one from the
nth on). The first fault that is due acts; each fault counts its matching requests itself.

| factory | what the client sees | applied to the fake |
|---|---|---|
| `latency(s)` | the answer, `s` seconds late | yes |
| `error(status)` | `status` at once (5xx, 4xx) | no |
| `applied_then_error(status)` | `status` | yes, before the answer |
| `reset(after_applying=False)` | the connection reset (RST), no answer | only if `after_applying` |
| `late_apply(s)` | nothing for `s` seconds (past its timeout: it gives up) | after `s`, then an answer nobody reads |
| `apply_later(s, status=None)` | a reset (or `status`) at once | `s` seconds later, in the background |
| `rate_limit(retry_after)` | 429 with `Retry-After` | no |
| `secondary_rate_limit(retry_after)` | GitHub's 403 secondary limit with `retry-after` | no |
| `kill(callback, after_applying=False)` | `callback()` is called (SIGKILL the client), then a reset | only if `after_applying` |

`server.random_faults(seed=7, rate=0.1)` fails about that fraction of the requests no fault
matched with a seeded mix of the above (never a kill, never past the client's timeout; pass
`mix=` for another). `server.log` lists every request as it arrived (`Request`: method, path,
query, `time.monotonic()`, the fault that acted); `fault.hits` counts the requests a fault
acted on and `fault.applied` is set once one of them reached the fake; `fault.release.set()`
ends a `latency` or `late_apply` wait early and applies an `apply_later` write at once, so a
test can hold a request until something else has happened, however slow the machine.
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import socket
import struct
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Generic, Literal, Protocol, TypeVar

import requests
from fake_github import FakeGitHub
from fake_jira import FakeJira
from requests.structures import CaseInsensitiveDict

Answer = tuple[int, dict[str, str], str]


class Fake(Protocol):
    def receive(self, request: requests.PreparedRequest) -> None: ...
    def answer(self, request: requests.PreparedRequest) -> Answer: ...


F = TypeVar("F", bound=Fake)


@dataclass
class Fault:
    """What happens to matching requests; build one with the factories below."""

    method: str = "*"
    path: str = ""
    nth: int = 1
    times: int | None = 1
    delay: float = 0.0  # seconds before anything else happens
    apply: bool = True  # hand the request to the fake (after `delay`)
    apply_after: float | None = None  # or: hand it over this long after answering
    answer: Literal["fake", "status", "reset"] = "fake"
    status: int = 502
    headers: dict[str, str] = field(default_factory=dict)
    message: str = "Server Error"
    kill: Callable[[], object] | None = None  # called just before the (reset) answer
    query: str = (
        ""  # and a regex the query string must `re.search` ("since=": a listing from a mark)
    )
    name: str = "fault"
    seen: int = 0  # matching requests so far
    hits: int = 0  # requests it acted on
    applied: threading.Event = field(default_factory=threading.Event, repr=False)
    # set by the test: ends `delay` early, or brings a delayed write (apply_after) forward
    release: threading.Event = field(default_factory=threading.Event, repr=False)

    def __post_init__(self) -> None:
        if self.kill is not None:
            self.answer = "reset"  # the client is dead: nobody reads an answer
        if self.answer == "fake" and not self.apply:
            raise ValueError("a fault that does not apply the request must say what to answer")
        if self.apply and self.apply_after is not None:
            raise ValueError("a request is applied once: now (apply) or later (apply_after)")

    def matches(self, method: str, path: str, query: str = "") -> bool:
        return (
            self.method in ("*", method)
            and re.search(self.path, path) is not None
            and re.search(self.query, query) is not None
        )

    def due(self) -> bool:
        return self.seen >= self.nth and (self.times is None or self.hits < self.times)


def latency(seconds: float, method: str = "*", path: str = "", **match: Any) -> Fault:
    return Fault(method, path, delay=seconds, name=f"latency {seconds}s", **match)


def error(status: int = 502, method: str = "*", path: str = "", **options: Any) -> Fault:
    return Fault(
        method, path, apply=False, answer="status", status=status, name=f"{status}", **options
    )


def applied_then_error(
    status: int = 502, method: str = "*", path: str = "", **options: Any
) -> Fault:
    return Fault(
        method, path, answer="status", status=status, name=f"applied, then {status}", **options
    )


def reset(
    method: str = "*", path: str = "", *, after_applying: bool = False, **match: Any
) -> Fault:
    name = "applied, then reset" if after_applying else "reset"
    return Fault(method, path, apply=after_applying, answer="reset", name=name, **match)


def late_apply(seconds: float, method: str = "*", path: str = "", **match: Any) -> Fault:
    """Wait `seconds` (more than the client's timeout), apply, then answer a client long gone."""
    return Fault(method, path, delay=seconds, name=f"applied {seconds}s late", **match)


def apply_later(
    seconds: float, method: str = "*", path: str = "", *, status: int | None = None, **match: Any
) -> Fault:
    """Answer at once (a reset, or `status`), and apply the request `seconds` later."""
    return Fault(
        method,
        path,
        apply=False,
        apply_after=seconds,
        answer="reset" if status is None else "status",
        status=status or 502,
        name=f"{status or 'reset'} now, applied {seconds}s later",
        **match,
    )


def rate_limit(retry_after: int = 1, method: str = "*", path: str = "", **match: Any) -> Fault:
    return error(
        429,
        method,
        path,
        headers={"Retry-After": str(retry_after)},
        message="Too Many Requests",
        **match,
    )


def secondary_rate_limit(
    retry_after: int = 1, method: str = "*", path: str = "", **match: Any
) -> Fault:
    """GitHub's secondary limit: 403, `retry-after`, quota left, and GitHub's words."""
    headers = {"retry-after": str(retry_after), "x-ratelimit-remaining": "4990"}
    message = (
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try "
        "again. If you reach out to GitHub Support for help, please include the request ID."
    )
    return error(403, method, path, headers=headers, message=message, **match)


def kill(
    callback: Callable[[], object],
    method: str = "*",
    path: str = "",
    *,
    after_applying: bool = False,
    **match: Any,
) -> Fault:
    name = "applied, then killed" if after_applying else "killed before applying"
    return Fault(method, path, apply=after_applying, kill=callback, name=name, **match)


JIRA_MIX: tuple[Callable[[], Fault], ...] = (
    lambda: error(502),
    lambda: error(503),
    lambda: applied_then_error(502),
    lambda: reset(),
    lambda: reset(after_applying=True),
    lambda: rate_limit(1),
    lambda: latency(0.2),
)
# Jira has no 403 rate limit (a 403 is a refusal there); GitHub has its secondary one.
GITHUB_MIX = (*JIRA_MIX, lambda: secondary_rate_limit(1))


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: str
    at: float  # time.monotonic() on arrival
    fault: str | None  # the name of the fault that acted on it


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the clients use with real servers
    timeout = 30  # an idle kept-alive connection is dropped after this
    disable_nagle_algorithm = True  # headers and body go out apart: no 40 ms delayed-ACK stall
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.owner._opened(self.connection, True)

    def finish(self) -> None:
        self.server.owner._opened(self.connection, False)
        super().finish()

    def do_GET(self) -> None:
        self.server.owner._serve(self)

    do_POST = do_PATCH = do_PUT = do_DELETE = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: `FakeServer.log` keeps what happened."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: FakeServer[Any]


class FakeServer(Generic[F]):
    """A fake served on 127.0.0.1; `make` builds it from the server's URL (`http://127.0.0.1:PORT`)."""

    def __init__(self, make: Callable[[str], F]) -> None:
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self.fake = make(self.url)
        self.faults: list[Fault] = []
        self.log: list[Request] = []
        self.errors: list[BaseException] = []
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._busy = 0  # requests being handled and writes waiting to be applied
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._random: tuple[random.Random, float, Sequence[Callable[[], Fault]]] | None = None
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    # -- for tests -------------------------------------------------------------------------

    def __enter__(self) -> FakeServer[F]:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
        if exc is None:
            self.raise_errors()

    def add(self, *faults: Fault) -> None:
        with self._lock:
            self.faults.extend(faults)

    def random_faults(
        self, *, seed: int, rate: float = 0.1, mix: Sequence[Callable[[], Fault]] | None = None
    ) -> None:
        """Fail about `rate` of the requests no fault matched, with a seeded choice from `mix`."""
        default = JIRA_MIX if isinstance(self.fake, FakeJira) else GITHUB_MIX
        with self._lock:
            self._random = (random.Random(seed), rate, mix or default)

    def count(self, method: str = "*", path: str = "") -> int:
        """How many requests with this method (`*`: any) and path (regex) arrived."""
        probe = Fault(method, path)
        with self._lock:
            return sum(probe.matches(r.method, r.path) for r in self.log)

    def wait_idle(self, timeout: float = 10) -> None:
        """Until no request is being handled and no delayed write is pending."""
        with self._idle:
            if not self._idle.wait_for(lambda: self._busy == 0, timeout):
                raise TimeoutError(f"the fake server was still busy after {timeout} s")

    def raise_errors(self) -> None:
        if self.errors:
            first = self.errors[0]
            if len(self.errors) > 1:
                first.add_note(f"and {len(self.errors) - 1} more errors in the fake server")
            raise first

    def stop(self) -> None:
        self._stopping.set()  # wakes delays and delayed writes: they give up
        if self._thread.is_alive():
            self._httpd.shutdown()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:  # idle keep-alive connections: their threads end
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        try:
            self.wait_idle(timeout=5)
        finally:
            self._httpd.server_close()

    # -- serving ---------------------------------------------------------------------------

    def _opened(self, connection: socket.socket, is_open: bool) -> None:
        with self._lock:
            if is_open:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def _serve(self, handler: _Handler) -> None:
        with self._lock:
            self._busy += 1
        try:
            request = self._read(handler)
            fault = self._arrive(request)
            try:
                self.fake.receive(request)
            except Exception as exc:  # outside the API description: the test must fail
                self._failed(exc)
                _write(handler, (500, {}, f"the fake refused the request: {exc}"))
                return
            self._act(handler, request, fault)
        finally:
            self._done()

    def _read(self, handler: _Handler) -> requests.PreparedRequest:
        if handler.headers.get("Transfer-Encoding"):
            self._failed(AssertionError("the fake server reads Content-Length bodies only"))
        length = int(handler.headers.get("Content-Length") or 0)
        request = requests.PreparedRequest()
        request.method = handler.command
        request.url = self.url + handler.path
        request.headers = CaseInsensitiveDict(handler.headers.items())
        request.body = handler.rfile.read(length).decode() if length else None
        return request

    def _arrive(self, request: requests.PreparedRequest) -> Fault | None:
        method = request.method or ""
        path, _, query = (request.url or "")[len(self.url) :].partition("?")
        with self._lock:
            chosen = None
            for fault in self.faults:
                if fault.matches(method, path, query):
                    fault.seen += 1
                    if chosen is None and fault.due():
                        chosen = fault
            if chosen is None and self._random is not None:
                rng, rate, mix = self._random
                if rng.random() < rate:
                    chosen = rng.choice(mix)()
                    chosen.name = f"random {chosen.name}"
            if chosen is not None:
                chosen.hits += 1
            self.log.append(
                Request(method, path, query, time.monotonic(), chosen.name if chosen else None)
            )
            return chosen

    def _act(
        self, handler: _Handler, request: requests.PreparedRequest, fault: Fault | None
    ) -> None:
        if fault is None:
            _answer(handler, self._apply(request, None))
            return
        if fault.delay and self._held(fault, fault.delay):
            return  # the server is stopping: the test is over
        answer = self._apply(request, fault) if fault.apply else None
        if fault.apply_after is not None:
            self._apply_later(request, fault)
        if fault.kill is not None:
            try:
                fault.kill()
            except Exception as exc:
                self._failed(exc)
        if fault.answer == "reset":
            _reset(handler)
        elif fault.answer == "status":
            headers = {"Content-Type": "application/json", **fault.headers}
            _write(handler, (fault.status, headers, self._error_body(fault.message)))
        else:
            _answer(handler, answer)

    def _apply(self, request: requests.PreparedRequest, fault: Fault | None) -> Answer | None:
        """The fake's answer; None when the fake itself drops the connection (its own faults)."""
        try:
            return self.fake.answer(request)
        except requests.ConnectionError:
            return None
        except Exception as exc:  # a failed answer check, or a bug in the fake
            self._failed(exc)
            return 500, {}, f"the fake failed: {exc!r}"
        finally:
            if fault is not None:
                fault.applied.set()

    def _apply_later(self, request: requests.PreparedRequest, fault: Fault) -> None:
        with self._lock:
            self._busy += 1

        def later() -> None:
            try:
                if not self._held(fault, fault.apply_after or 0):
                    self._apply(request, fault)
            finally:
                self._done()

        threading.Thread(target=later, daemon=True).start()

    def _held(self, fault: Fault, seconds: float) -> bool:
        """Wait `seconds` or until the test releases the fault; True if the server stopped."""
        deadline = time.monotonic() + seconds
        while not fault.release.is_set() and time.monotonic() < deadline:
            if self._stopping.wait(0.05):
                return True
        return False

    def _done(self) -> None:
        with self._idle:
            self._busy -= 1
            self._idle.notify_all()

    def _failed(self, exc: BaseException) -> None:
        with self._lock:
            self.errors.append(exc)

    def _error_body(self, message: str) -> str:
        if isinstance(self.fake, FakeJira):
            return json.dumps({"errorMessages": [message], "errors": {}})
        return json.dumps({"message": message, "documentation_url": "https://docs.github.com/rest"})


def serve_github(**options: Any) -> FakeServer[FakeGitHub]:
    """A `FakeGitHub` (options: repo, token) at `http://127.0.0.1:PORT/api/v3`, the way
    GitHub Enterprise Server is addressed (`api_url` of the target)."""
    return FakeServer(lambda url: FakeGitHub(base=f"{url}/api/v3", **options))


def serve_jira(**options: Any) -> FakeServer[FakeJira]:
    """A `FakeJira` (options: cloud, project, user, token) at `http://127.0.0.1:PORT`."""
    return FakeServer(lambda url: FakeJira(url=url, **options))


def _answer(handler: _Handler, answer: Answer | None) -> None:
    if answer is None:
        _reset(handler)
    else:
        _write(handler, answer)


def _write(handler: _Handler, answer: Answer) -> None:
    status, headers, body = answer
    data = body.encode()
    try:
        handler.send_response(status)
        for name, value in headers.items():
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
    except OSError:  # the client has gone (it timed out, or was killed)
        handler.close_connection = True


def _reset(handler: _Handler) -> None:
    """Drop the connection with a RST, so the client sees "connection reset by peer"."""
    handler.close_connection = True
    connection = handler.connection
    with contextlib.suppress(OSError):
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.rfile.close()  # the file holds a reference: without this close() would not close
        connection.close()
