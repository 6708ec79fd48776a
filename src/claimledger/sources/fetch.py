"""The one HTTP/file edge: every reference download goes through `download`, with timeouts, retries, a size limit
and a total deadline (a server trickling bytes keeps every read timeout happy, so reads alone cannot bound it)."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import requests
import requests.adapters
import urllib3.exceptions

from claimledger.settings import Settings

MAX_REDIRECTS = 5
_CHUNK = 64 * 1024
_HTML_STARTS = (b"<!doctype", b"<html")
_RETRY_STATUSES = frozenset({429}) | frozenset(range(500, 600))
_ERRNO = re.compile(r"\[Errno -?\d+\] [^'\")\]]+")
_USER_AGENT = "claimledger/0.1 (+https://github.com/claimledger)"


class FetchError(RuntimeError):
    """A source could not be downloaded; the message names the URL and what went wrong."""


@dataclass(frozen=True)
class _Deadline:
    """When a download must be done by: checked before each attempt, each backoff and each read of the body."""

    seconds: float
    at: float  # time.monotonic()

    @classmethod
    def start(cls, seconds: float) -> "_Deadline":
        return cls(seconds, time.monotonic() + seconds)

    def left(self) -> float:
        return self.at - time.monotonic()

    def check(self, where: str, received: int) -> None:
        """Give up once the deadline has passed, saying how much of the body had come."""
        if self.left() <= 0:
            raise FetchError(
                f"{where}: gave up at the {self.seconds:g} s download deadline "
                f"(download_deadline_seconds) with {received:,} bytes received"
            )


class _DeadlineAdapter(requests.adapters.HTTPAdapter):
    """An adapter that keeps the sockets of its connections, so the deadline can cut one blocked in a read: a server
    trickling its status line and headers keeps every read timeout happy before there is any body to check."""

    def __init__(self) -> None:
        super().__init__(max_retries=0)
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def get_connection_with_tls_context(self, *args, **kwargs):
        pool = super().get_connection_with_tls_context(*args, **kwargs)
        if getattr(pool.ConnectionCls, "_tracked_by", None) is not self:
            adapter, base = self, pool.ConnectionCls

            class Tracked(base):  # type: ignore[misc, valid-type]
                _tracked_by = adapter

                def connect(self) -> None:
                    super().connect()
                    adapter._keep(self.sock)

            pool.ConnectionCls = Tracked
        return pool

    def _keep(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)

    def cut(self) -> None:
        """Shut every connection down: a read blocked on one returns at once."""
        with self._lock:
            for sock in self._sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:  # already closed
                    pass


@dataclass(frozen=True)
class Download:
    """What one download returned: the body (None on 304 Not Modified) and the headers a snapshot keeps."""

    content: bytes | None
    url: str
    status: int
    etag: str | None = None
    last_modified: str | None = None
    final_url: str = ""


def download(
    url: str,
    *,
    settings: Settings,
    base: Path,
    allowed_hosts: tuple[str, ...] = (),
    etag: str | None = None,
    last_modified: str | None = None,
    expected_format: str | None = None,
) -> Download:
    """Fetch a source URL (http(s) or file:) within the limits in Settings, so no source can hang or flood a run."""
    scheme = urlsplit(url).scheme.lower()
    if scheme == "file":
        result = _read_file(url, base=base, max_bytes=settings.max_bytes)
    elif scheme in ("http", "https"):
        result = _fetch_http(url, settings, allowed_hosts, etag, last_modified)
    else:
        raise FetchError(f"{url}: unsupported URL scheme {scheme or '(none)'!r}; use file:, http:// or https://")
    if result.content is not None and expected_format in ("json", "csv"):
        _reject_html(url, result.content, expected_format)
    return result


def file_path(url: str, base: Path) -> Path:
    """Where a file: URL points: `file:relative/path` is read from `base`, `file:///abs/path` as written."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise FetchError(f"{url}: file URLs must be local (file:relative/path or file:///abs/path)")
    if not parts.path:
        raise FetchError(f"{url}: file URL has no path")
    path = Path(unquote(parts.path))
    return path if path.is_absolute() else base / path


def _read_file(url: str, *, base: Path, max_bytes: int) -> Download:
    path = file_path(url, base)
    try:
        with path.open("rb") as handle:
            content = handle.read(max_bytes + 1)
            modified = formatdate(path.stat().st_mtime, usegmt=True)
    except FileNotFoundError as exc:
        raise FetchError(f"{url}: no such file {path}") from exc
    except IsADirectoryError as exc:
        raise FetchError(f"{url}: {path} is a directory, not a file") from exc
    except OSError as exc:
        raise FetchError(f"{url}: cannot read {path}: {exc.strerror or exc}") from exc
    if len(content) > max_bytes:
        raise FetchError(f"{url}: {path} is larger than the {max_bytes:,}-byte limit (max_bytes)")
    return Download(content=content, url=url, status=200, last_modified=modified, final_url=path.resolve().as_uri())


def _fetch_http(
    url: str,
    settings: Settings,
    allowed_hosts: tuple[str, ...],
    etag: str | None,
    last_modified: str | None,
) -> Download:
    headers = {"User-Agent": _USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    origin_host = (urlsplit(url).hostname or "").lower()
    permitted = {origin_host, *(host.lower() for host in allowed_hosts)}
    deadline = _Deadline.start(settings.download_deadline_seconds)
    adapter = _DeadlineAdapter()
    watchdog = threading.Timer(max(0.0, deadline.left()), adapter.cut)
    watchdog.daemon = True
    watchdog.start()
    with requests.Session() as session, _cancelled(watchdog):
        session.verify = True
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            hop = _get_with_retries(session, url, current, headers, settings, deadline)
            if hop.response.is_redirect:
                current = _redirect_target(url, current, hop.response, permitted)
                continue
            if hop.response.status_code == 304 and (etag or last_modified):
                return Download(
                    content=None,
                    url=url,
                    status=304,
                    etag=hop.response.headers.get("ETag", etag),
                    last_modified=hop.response.headers.get("Last-Modified", last_modified),
                    final_url=current,
                )
            if hop.response.status_code != 200:
                status = f"HTTP {hop.response.status_code} {hop.response.reason or ''}".rstrip()
                raise FetchError(f"{_where(url, current)}: {status}")
            return Download(
                content=hop.content,
                url=url,
                status=200,
                etag=hop.response.headers.get("ETag"),
                last_modified=hop.response.headers.get("Last-Modified"),
                final_url=current,
            )
    raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")


@dataclass(frozen=True)
class _Hop:
    response: requests.Response
    content: bytes | None  # read only for 200


def _get_with_retries(
    session: requests.Session,
    origin: str,
    url: str,
    headers: dict[str, str],
    settings: Settings,
    deadline: _Deadline,
) -> _Hop:
    """One request and its body, retried with exponential backoff on timeouts, dropped connections and 5xx."""
    attempts = settings.retries + 1
    where = _where(origin, url)
    problem = ""
    for attempt in range(1, attempts + 1):
        if attempt > 1:
            time.sleep(max(0.0, min(settings.backoff_seconds * 2 ** (attempt - 2), deadline.left())))
        deadline.check(where, 0)
        # no wait of this attempt may outlast the deadline; reads of the body are checked against it one by one
        timeout = (min(settings.connect_timeout, deadline.left()), min(settings.read_timeout, deadline.left()))
        try:
            with session.get(url, headers=headers, timeout=timeout, stream=True, allow_redirects=False) as response:
                if response.status_code in _RETRY_STATUSES:
                    problem = f"HTTP {response.status_code}"
                    continue
                ok = response.status_code == 200
                content = _read_body(where, response, settings.max_bytes, deadline) if ok else None
                deadline.check(where, len(content or b""))  # the watchdog may have cut the body short
                return _Hop(response, content)
        except requests.exceptions.SSLError as exc:
            raise FetchError(f"{where}: TLS verification failed: {_first_line(exc)}") from exc
        except requests.exceptions.Timeout:
            deadline.check(where, 0)
            problem = f"timed out (connect {settings.connect_timeout:g} s, read {settings.read_timeout:g} s)"
        except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            deadline.check(where, 0)  # the watchdog cut a connection that outlasted the deadline
            problem = f"connection failed ({_first_line(exc)})"
        except requests.exceptions.RequestException as exc:
            raise FetchError(f"{where}: request failed: {_first_line(exc)}") from exc
    raise FetchError(f"{where}: {problem} after {attempts} attempt{'s' if attempts != 1 else ''}")


@contextmanager
def _cancelled(timer: threading.Timer) -> Iterator[None]:
    try:
        yield
    finally:
        timer.cancel()


def _redirect_target(origin: str, current: str, response: requests.Response, permitted: set[str]) -> str:
    """Follow a redirect only to the source's own host or one the registry allows, never to plain HTTP from HTTPS."""
    location = response.headers.get("Location", "")
    if not location:
        raise FetchError(f"{_where(origin, current)}: HTTP {response.status_code} redirect without a Location")
    target = urljoin(current, location)
    parts = urlsplit(target)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or host not in permitted:
        allowed = ", ".join(sorted(permitted))
        raise FetchError(f"{_where(origin, current)}: redirect to {target} refused (allowed hosts: {allowed})")
    if urlsplit(current).scheme == "https" and parts.scheme == "http":
        raise FetchError(f"{_where(origin, current)}: redirect from HTTPS to plain HTTP ({target}) refused")
    return target


def _read_body(where: str, response: requests.Response, max_bytes: int, deadline: _Deadline) -> bytes:
    """Read a streamed body, stopping as soon as it passes the size limit or the deadline, so a runaway or trickling
    server never fills memory or holds a run."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"{where}: body of {int(declared):,} bytes exceeds the {max_bytes:,}-byte limit (max_bytes)")
    body = bytearray()
    while True:
        deadline.check(where, len(body))
        chunk = _read_some(response)
        if not chunk:
            return bytes(body)
        body.extend(chunk)
        if len(body) > max_bytes:
            raise FetchError(f"{where}: body exceeds the {max_bytes:,}-byte limit (max_bytes)")


def _read_some(response: requests.Response) -> bytes:
    """What the server has sent so far (up to one chunk, decoded): iter_content would wait for a whole chunk, and a
    trickle fills one in hours. urllib3's errors become the requests errors iter_content raises."""
    try:
        return response.raw.read1(_CHUNK, decode_content=True)
    except urllib3.exceptions.SSLError as exc:
        raise requests.exceptions.SSLError(exc) from exc
    except urllib3.exceptions.ProtocolError as exc:  # its first argument is the sentence; the second, the cause
        said = exc.args[0] if exc.args and isinstance(exc.args[0], str) else exc
        raise requests.exceptions.ChunkedEncodingError(said) from exc
    except urllib3.exceptions.DecodeError as exc:
        raise requests.exceptions.ContentDecodingError(exc) from exc
    except urllib3.exceptions.ReadTimeoutError as exc:
        raise requests.exceptions.ConnectionError(exc) from exc


def _reject_html(url: str, content: bytes, expected_format: str) -> None:
    """An HTML page where data was expected is a portal's error or login page, not a new version of the data."""
    head = content[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(_HTML_STARTS):
        raise FetchError(f"{url}: expected {expected_format.upper()} but the server sent an HTML page")


def _where(origin: str, current: str) -> str:
    return origin if origin == current else f"{origin} (redirected to {current})"


def _first_line(exc: BaseException) -> str:
    """The part of a requests/urllib3 error a person needs ("[Errno 111] Connection refused"), not the wrappers."""
    text = str(exc).strip()
    errno = _ERRNO.search(text)
    if errno:
        return errno.group(0)
    line = text.splitlines()[0] if text else type(exc).__name__
    return line if len(line) <= 200 else line[:199] + "…"
