"""A real HTTP server for the feed tests: loopback hosts, a request log, injected faults.

One threaded stdlib ``http.server`` per host, each on its own loopback address
(127.0.0.1, 127.0.0.2, ...: all of 127/8 is loopback on Linux), speaking
HTTP/1.1 with keep-alive, so that "one connection per host" means what it
means on the internet. Every request is logged with its host, connection,
headers and answer; every connection's open and close times are kept, so a
test can prove how many were open at once per host.

Routes are plain data (:class:`Route`) that a test may change between two
refreshes (a new entry, a new ETag, a fault switched on).
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MIB = 1024 * 1024


@dataclass
class Route:
    """What one path answers."""

    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    etag: str | None = None
    last_modified: str | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    location: str | None = None
    fault: str | None = None
    """drip, oversize, gzip-bomb, close: misbehaviours beyond a status code."""
    gzip: bool = False


@dataclass
class Request:
    host: str
    path: str
    headers: dict[str, str]
    status: int
    connection: int
    started: float
    ended: float = 0.0


@dataclass
class Connection:
    host: str
    opened: float
    closed: float = float("inf")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    """As real servers do: without it, a body written after its headers waits ~40 ms for
    the client's delayed ACK, and the test server, not the fetcher, sets the pace."""
    server: _HostServer

    def setup(self) -> None:
        super().setup()
        self._record = self.server.owner._opened(self.server.host)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self._record.closed = time.monotonic()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        owner = self.server.owner
        headers = {k.lower(): v for k, v in self.headers.items()}
        record = Request(self.server.host, self.path, headers, 0, id(self._record),
                         time.monotonic())  # fmt: skip
        owner._log(record)
        route = owner.routes.get((self.server.host, self.path.split("?")[0]))
        try:
            record.status = self._answer(route, headers)
        except (BrokenPipeError, ConnectionResetError):
            record.status = record.status or -1
        record.ended = time.monotonic()

    def _answer(self, route: Route | None, headers: dict[str, str]) -> int:
        if route is None:
            return self._send(404, b"not found", "text/plain")
        if route.location is not None:
            self.send_response(route.status)
            self.send_header("Location", route.location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return route.status
        if route.status != 200:
            return self._send(route.status, b"no", "text/plain", route.headers)
        fresh = (route.etag and headers.get("if-none-match") == route.etag) or (
            route.last_modified and headers.get("if-modified-since") == route.last_modified
        )
        validators = {}
        if route.etag:
            validators["ETag"] = route.etag
        if route.last_modified:
            validators["Last-Modified"] = route.last_modified
        if fresh and route.fault is None:
            self.send_response(304)
            for name, value in {**validators, **route.headers}.items():
                self.send_header(name, value)
            self.end_headers()
            return 304
        if route.fault == "drip":
            return self._drip(route)
        if route.fault == "oversize":
            return self._stream(route, (b"x" * MIB for _ in range(17)), 17 * MIB)
        if route.fault == "gzip-bomb":
            bomb = gzip.compress(b"\0" * (64 * MIB), compresslevel=9)
            extra = {"Content-Encoding": "gzip", **validators}
            return self._send(200, bomb, route.content_type, extra)
        body = route.body
        extra = {**validators, **route.headers}
        if route.gzip:
            body = gzip.compress(body)
            extra["Content-Encoding"] = "gzip"
        return self._send(200, body, route.content_type, extra)

    def _send(
        self, status: int, body: bytes, kind: str, extra: dict[str, str] | None = None
    ) -> int:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Date", formatdate(usegmt=True))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        return status

    def _drip(self, route: Route) -> int:
        self.send_response(200)
        self.send_header("Content-Type", route.content_type)
        self.send_header("Content-Length", str(len(route.body)))
        self.end_headers()
        for byte in route.body:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(1.0)
        return 200

    def _stream(self, route: Route, chunks: Iterator[bytes], size: int) -> int:
        self.send_response(200)
        self.send_header("Content-Type", route.content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for chunk in chunks:
            self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        self.wfile.write(b"0\r\n\r\n")
        return 200


class _HostServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, host: str, owner: FeedServer) -> None:
        super().__init__((host, 0), _Handler)
        self.host = host
        self.owner = owner

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (as a fetcher cutting off a body does) is no error."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FeedServer:
    """``hosts`` loopback HTTP servers; routes keyed by (host address, path)."""

    def __init__(self, hosts: int = 1) -> None:
        self.routes: dict[tuple[str, str], Route] = {}
        self.requests: list[Request] = []
        self.connections: list[Connection] = []
        self._lock = threading.Lock()
        self._servers = [_HostServer(f"127.0.0.{n + 1}", self) for n in range(hosts)]
        self._threads = [
            threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
            for s in self._servers
        ]
        for thread in self._threads:
            thread.start()

    @property
    def hosts(self) -> list[str]:
        return [s.host for s in self._servers]

    def base(self, host: int = 0) -> str:
        server = self._servers[host]
        return f"http://{server.host}:{server.server_address[1]}"

    def url(self, path: str, host: int = 0) -> str:
        return self.base(host) + path

    def route(self, path: str, host: int = 0, **fields: Any) -> Route:
        made = Route(**fields)
        self.routes[(self._servers[host].host, path)] = made
        return made

    def get(self, path: str, host: int = 0) -> Route:
        return self.routes[(self._servers[host].host, path)]

    def close(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()

    def _log(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def _opened(self, host: str) -> Connection:
        record = Connection(host, time.monotonic())
        with self._lock:
            self.connections.append(record)
        return record

    def requests_for(self, path: str, host: int = 0) -> list[Request]:
        address = self._servers[host].host
        with self._lock:
            return [r for r in self.requests if r.host == address and r.path == path]

    def max_open_per_host(self) -> dict[str, int]:
        """The most connections that were open at the same moment, per host."""
        peak: dict[str, int] = {}
        with self._lock:
            records = list(self.connections)
        for host in {c.host for c in records}:
            events = sorted(
                [(c.opened, 1) for c in records if c.host == host]
                + [(c.closed, -1) for c in records if c.host == host]
            )
            now = top = 0
            for _, step in events:
                now += step
                top = max(top, now)
            peak[host] = top
        return peak
