"""Who may change anything: POSTs only, from the dashboard's own pages, and with a token when other machines can
reach the app."""

from __future__ import annotations

import ipaddress
import secrets
from urllib.parse import urlsplit

from fastapi import HTTPException, Request

TOKEN_ENV = "CLAIMLEDGER_DASHBOARD_TOKEN"
TOKEN_HEADER = "X-Claimledger-Token"
# Pages load nothing from elsewhere and run only /static scripts: an injected <script> could not run even if
# escaping failed. Vega's SVG carries style attributes, hence 'unsafe-inline' for styles only.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
                           "frame-ancestors 'none'")


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost: only this machine can reach the app."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


async def check_post(request: Request) -> None:
    """Refuse a POST from another site's page, and, when the app is reachable from other machines, one without
    the token (form field `token` or header X-Claimledger-Token)."""
    origin = request.headers.get("origin")
    if origin and urlsplit(origin).netloc != request.headers.get("host"):
        raise HTTPException(403, "refused: the request came from another site's page")
    token = request.app.state.token
    if token is None:
        return
    supplied = request.headers.get(TOKEN_HEADER)
    if supplied is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        supplied = (await request.form()).get("token")
    if not isinstance(supplied, str) or not secrets.compare_digest(supplied.encode(), token.encode()):
        raise HTTPException(403, "refused: this dashboard is reachable from other machines, so a recheck needs the "
                                 "token printed when it started (or set in CLAIMLEDGER_DASHBOARD_TOKEN)")
