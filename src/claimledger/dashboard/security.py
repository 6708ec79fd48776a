"""Who may change anything: POSTs only, from the dashboard's own pages, and with a token when other machines can
reach the app; which Host names the app answers to; what GX's Data Docs pages may do."""

from __future__ import annotations

import ipaddress
import secrets
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from fastapi import HTTPException, Request

TOKEN_ENV = "CLAIMLEDGER_DASHBOARD_TOKEN"
TOKEN_HEADER = "X-Claimledger-Token"
# Pages load nothing from elsewhere and run only /static scripts: an injected <script> could not run even if
# escaping failed. Vega's SVG carries style attributes, hence 'unsafe-inline' for styles only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# GX's Data Docs pages carry values from fetched data and load scripts and styles from seven CDNs. Served sandboxed
# (no allow-scripts, no allow-same-origin) with nothing allowed from elsewhere: no script runs, none comes from
# outside, and the pages cannot act as the dashboard. They stay readable as plain HTML with GX's local styles.
DATA_DOCS_POLICY = (
    "sandbox; default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
HOSTS_SETTING = "CLAIMLEDGER_DASHBOARD_HOSTS"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
_WILDCARD_BINDS = ("0.0.0.0", "::", "")


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost: only this machine can reach the app."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class HostsError(ValueError):
    """CLAIMLEDGER_DASHBOARD_HOSTS holds an entry that is not a host name or a *.domain pattern."""


def trusted_hosts(host: str, configured: Iterable[str] = ()) -> list[str]:
    """The Host names the app answers to, so a page on a name that was rebound to this machine gets 400: the
    loopback names on a loopback bind, the bound address otherwise, the machine's own names on 0.0.0.0 or ::, and
    always the names configured in CLAIMLEDGER_DASHBOARD_HOSTS (`*.example.org` patterns; `*` turns the check off)."""
    names = [*LOOPBACK_NAMES, host] if is_loopback(host) else [host]
    if host.strip("[]") in _WILDCARD_BINDS:
        names = [*LOOPBACK_NAMES, *_machine_names()]
    for name in configured:
        name = name.strip()
        if name.count("*") > 1 or ("*" in name and name != "*" and not name.startswith("*.")):
            raise HostsError(f"{HOSTS_SETTING}: {name!r} is not a host name or a pattern like *.example.org")
        if _port(name):
            raise HostsError(f"{HOSTS_SETTING}: {name!r} has a port; list host names only (any port is accepted)")
        names.append(name)
    return list(dict.fromkeys(_as_host_header(name) for name in names if name))


def _machine_names() -> list[str]:
    """This machine's host name, its fully qualified name and the addresses they resolve to."""
    names = [socket.gethostname()]
    try:
        names.append(socket.getfqdn())
        names += [str(info[4][0]) for info in socket.getaddrinfo(names[0], None, proto=socket.IPPROTO_TCP)]
    except OSError:
        pass  # no resolver: the host name alone, and the names configured
    return names


def _as_host_header(name: str) -> str:
    """How a name appears in a Host header: lower case, an IPv6 literal in brackets (which Starlette keeps)."""
    name = name.lower()
    return f"[{name.strip('[]')}]" if ":" in name else name


def _port(name: str) -> bool:
    if name.startswith("["):
        return "]:" in name
    return name.count(":") == 1


async def check_post(request: Request) -> None:
    """Refuse a POST from another site's page, and, when the app is reachable from other machines, one without
    the token (form field `token` or header X-Claimledger-Token)."""
    origin = request.headers.get("origin")
    if origin and urlsplit(origin).netloc != request.headers.get("host"):
        raise HTTPException(403, "refused: the request came from another site's page")
    token = request.app.state.token
    if token is None:
        return
    supplied: object = request.headers.get(TOKEN_HEADER)  # a form's field may be a file: only a str is a token
    if supplied is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        supplied = (await request.form()).get("token")
    if not isinstance(supplied, str) or not secrets.compare_digest(supplied.encode(), token.encode()):
        raise HTTPException(
            403,
            "refused: this dashboard is reachable from other machines, so a recheck needs the "
            "token printed when it started (or set in CLAIMLEDGER_DASHBOARD_TOKEN)",
        )
