"""A polite HTTP fetcher for feeds (httpx), and file:// URLs read the same way.

httpx, because it is well kept, typed, thread-safe with one pooled client,
streams bodies (so a cap and a deadline can cut a download short), decodes
gzip and (with ``brotli``) br, and lets us handle redirects ourselves: a feed
reader must know whether each hop was permanent, and must see a loop.

Manners: a User-Agent naming newsreader and its version; at most one request
per host at a time and about 8 in all, request starts spread apart; a connect
timeout of 10 s and a deadline of 30 s per request, checked as the body
streams in (a server that drips bytes is cut off); a 15 MiB cap on the decoded
body (a gzip bomb is cut off too); at most 10 redirects. Validators are sent
back exactly as received: header bytes are kept as latin-1 text, which maps
each byte to one character and back.

A link inside a feed (a full-text page, a redirect) may not reach a loopback
or private address unless the subscription itself is on one.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import httpx

MIB = 1024 * 1024
REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT = frozenset({301, 308})
NETWORK_KINDS = frozenset({"dns", "connect"})
"""Errors that a network that is down altogether gives for every feed."""
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9,"
    " application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("newsreader")
    except PackageNotFoundError:
        return "dev"


USER_AGENT = (
    f"newsreader/{_version()} (terminal feed reader; +https://pypi.org/project/newsreader/)"
)


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """The fetcher's limits (tests shorten the times)."""

    connect_timeout: float = 10.0
    deadline: float = 30.0
    max_body: int = 15 * MIB
    max_redirects: int = 10
    connections: int = 8
    start_gap: float = 0.05
    """Seconds between two new connections' starts, over all hosts: no burst of 8 at
    once (requests on a kept-alive connection to one host follow each other)."""


@dataclass(frozen=True, slots=True)
class FetchError:
    kind: str
    """timeout, too-slow, too-large, dns, connect, tls, protocol, redirect-loop,
    too-many-redirects, blocked-address, bad-url, file, decoding."""
    message: str

    @property
    def network(self) -> bool:
        return self.kind in NETWORK_KINDS


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One request's outcome after any redirects: a status and body, or an error."""

    url: str
    final_url: str
    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None
    error: FetchError | None = None
    redirects: tuple[tuple[int, str], ...] = ()
    """Each hop's status and the URL it pointed to."""

    @property
    def permanent_target(self) -> str | None:
        """Where every hop said, permanently, the feed now lives (None if any hop was
        temporary, or there was no redirect)."""
        if self.redirects and all(status in PERMANENT for status, _ in self.redirects):
            return self.redirects[-1][1]
        return None


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def is_private_host(host: str) -> bool:
    """True when ``host`` is, or resolves to, a loopback, private or link-local address."""
    if not host:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        addresses = {ipaddress.ip_address(host.strip("[]"))}
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError):
            return False
        addresses = {ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos}
    return any(
        a.is_private or a.is_loopback or a.is_link_local or a.is_reserved or a.is_unspecified
        for a in addresses
    )


class Fetcher:
    """The refresh's fetcher: one httpx client per host, used by one thread at a time.

    A client per host, each limited to one connection, is how "never two
    connections to one host" holds by construction: one shared pool would
    close a host's idle connection to make room for another host's and open a
    second one to the first host moments later, before the server has seen the
    first one close. The refresh runs at most ``policy.connections`` hosts at
    once and releases each host's client when its feeds are done; the TLS
    context is made once and shared.
    """

    def __init__(self, policy: FetchPolicy | None = None, *, user_agent: str = USER_AGENT) -> None:
        self.policy = policy or FetchPolicy()
        self._headers = {"User-Agent": user_agent, "Accept": ACCEPT}
        self._tls = httpx.create_ssl_context()
        self._clients: dict[str, httpx.Client] = {}
        self._hosts: dict[str, threading.Lock] = {}
        self._hosts_lock = threading.Lock()
        self._pace = threading.Lock()
        self._next_start = 0.0
        self._started: set[str] = set()

    def close(self) -> None:
        with self._hosts_lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()

    def _client(self, host: str) -> httpx.Client:
        """``host``'s client (made on first use); called with the host's turn held."""
        with self._hosts_lock:
            client = self._clients.get(host)
            if client is None:
                p = self.policy
                client = httpx.Client(
                    timeout=httpx.Timeout(p.deadline, connect=p.connect_timeout),
                    limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
                    follow_redirects=False,
                    headers=self._headers,
                    verify=self._tls,
                )
                self._clients[host] = client
            return client

    def release(self, host: str) -> None:
        """Close ``host``'s connection once its feeds are done (waits for its turn)."""
        with self.host_turn(host), self._hosts_lock:
            client = self._clients.pop(host, None)
        if client is not None:
            client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def host_turn(self, host: str) -> Iterator[None]:
        """Hold ``host``'s one slot: no two requests to a host are ever in flight together."""
        with self._hosts_lock:
            lock = self._hosts.setdefault(host, threading.Lock())
        with lock:
            if host not in self._started:
                self._started.add(host)
                self._wait_start()
            yield

    def _wait_start(self) -> None:
        with self._pace:
            now = time.monotonic()
            start = max(now, self._next_start)
            self._next_start = start + self.policy.start_gap
        if start > now:
            time.sleep(start - now)

    def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        allow_private: bool = True,
    ) -> FetchResult:
        """GET ``url`` (conditionally when validators are given), following redirects."""
        scheme = urlsplit(url).scheme.lower()
        if scheme == "file":
            return self._read_file(url)
        deadline = time.monotonic() + self.policy.deadline
        hops: list[tuple[int, str]] = []
        seen = {url}
        current = url
        conditional: dict[bytes, bytes] = {}
        if etag:
            conditional[b"If-None-Match"] = etag.encode("latin-1", "replace")
        if last_modified:
            conditional[b"If-Modified-Since"] = last_modified.encode("latin-1", "replace")
        while True:
            if urlsplit(current).scheme.lower() not in ("http", "https"):
                return self._failed(url, current, hops, "bad-url", "only http(s) and file URLs")
            host = host_of(current)
            if not allow_private and is_private_host(host):
                why = f"refused: {host} is a private or loopback address"
                return self._failed(url, current, hops, "blocked-address", why)
            outcome = self._one(current, conditional, deadline)
            if isinstance(outcome, FetchError):
                return FetchResult(url, current, error=outcome, redirects=tuple(hops))
            status, headers, body = outcome
            location = headers.get("location", "")
            if status in REDIRECTS and location:
                target = urljoin(current, location.strip())
                hops.append((status, target))
                if target in seen:
                    return self._failed(url, target, hops, "redirect-loop", "redirect loop")
                if len(hops) > self.policy.max_redirects:
                    why = f"more than {self.policy.max_redirects} redirects"
                    return self._failed(url, target, hops, "too-many-redirects", why)
                seen.add(target)
                current = target
                continue
            return FetchResult(url, current, status, headers, body, redirects=tuple(hops))

    @staticmethod
    def _failed(
        url: str, current: str, hops: list[tuple[int, str]], kind: str, message: str
    ) -> FetchResult:
        return FetchResult(url, current, error=FetchError(kind, message), redirects=tuple(hops))

    def _one(
        self, url: str, conditional: Mapping[bytes, bytes], deadline: float
    ) -> tuple[int, dict[str, str], bytes | None] | FetchError:
        cap = self.policy.max_body
        host = host_of(url)
        with self.host_turn(host):
            try:
                client = self._client(host)
                with client.stream("GET", url, headers=dict(conditional)) as response:
                    headers = _headers(response)
                    if response.status_code != 200:
                        _drain(response)
                        return response.status_code, headers, None
                    declared = headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > cap:
                        return FetchError("too-large", _too_large(cap))
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in response.iter_bytes():
                        size += len(chunk)
                        if size > cap:
                            return FetchError("too-large", _too_large(cap))
                        if time.monotonic() > deadline:
                            return FetchError("too-slow", _too_slow(self.policy.deadline))
                        chunks.append(chunk)
                    return 200, headers, b"".join(chunks)
            except httpx.TimeoutException as error:
                if isinstance(error, httpx.ConnectTimeout):
                    return FetchError("timeout", "connect timed out")
                return FetchError("timeout", "the server stopped answering (timed out)")
            except httpx.ConnectError as error:
                return _connect_error(error)
            except httpx.DecodingError:
                return FetchError("decoding", "the body's compression is damaged")
            except httpx.HTTPError as error:
                return FetchError("protocol", f"HTTP failure ({_one_line(error)})")
            except OSError as error:
                return FetchError("connect", f"network error ({_one_line(error)})")

    def _read_file(self, url: str) -> FetchResult:
        path = Path(unquote(urlsplit(url).path))
        try:
            with path.open("rb") as handle:
                data = handle.read(self.policy.max_body + 1)
        except OSError as error:
            reason = f"cannot read {path} ({error.strerror or error})"
            return FetchResult(url, url, error=FetchError("file", reason))
        if len(data) > self.policy.max_body:
            return FetchResult(
                url, url, error=FetchError("too-large", _too_large(self.policy.max_body))
            )
        return FetchResult(url, url, 200, {}, data)


def _drain(response: httpx.Response, limit: int = 64 * 1024) -> None:
    """Read a short non-200 body to its end, so that its connection is kept for the
    host's next request (closing it unread would close the connection too)."""
    size = 0
    for chunk in response.iter_raw():
        size += len(chunk)
        if size > limit:
            return


def _headers(response: httpx.Response) -> dict[str, str]:
    """Response headers, lower-case names, values as latin-1 text of their exact bytes."""
    found: dict[str, str] = {}
    for name, value in response.headers.raw:
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        found[key] = f"{found[key]}, {text}" if key in found else text
    return found


def _connect_error(error: httpx.ConnectError) -> FetchError:
    text = str(error)
    lowered = text.lower()
    if any(s in lowered for s in ("name or service", "nodename", "getaddrinfo", "name resolution")):
        return FetchError("dns", "the host name does not resolve (DNS)")
    if "ssl" in lowered or "certificate" in lowered or "tls" in lowered:
        return FetchError("tls", f"TLS failure ({_one_line(error)})")
    return FetchError("connect", f"cannot connect ({_one_line(error)})")


def _too_large(cap: int) -> str:
    return f"the body is too large (over {cap / MIB:.0f} MiB), cut off"


def _too_slow(deadline: float) -> str:
    return f"the server is too slow (the body took over {deadline:.0f} s), cut off"


def _one_line(error: BaseException) -> str:
    line = " ".join(str(error).split()) or type(error).__name__
    return line if len(line) <= 120 else line[:119] + "…"
