"""How the dashboard writes numbers, intervals, ages and links for a reader (also its Jinja2 filters)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from urllib.parse import unquote, urlsplit

from claimledger.checks.kind import fmt
from claimledger.checks.model import Verdict
from claimledger.claims.qualifiers import Interval

VERDICTS = Verdict.worst_first()  # the order the dashboard lists them in
_UNIT_SUFFIX = {
    "percent": "%",
    "percent_change": "%",
    "months": " months",
    "years": " years",
    "weeks": " weeks",
    "days": " days",
}


def claim_verdict(verdicts: list[str]) -> str | None:
    """One verdict for a claim checked several ways (its metric and a consistency rule): the worst one."""
    return Verdict.worst(verdicts)


def _suffixes(unit: str | None) -> tuple[str, str]:
    """(after each number, after the whole text): '61.67% to 71.67%' but '15 to 25 months'."""
    suffix = _UNIT_SUFFIX.get(unit or "", "")
    return ("", suffix) if suffix.startswith(" ") else (suffix, "")


def number(value: float | int | None, unit: str | None = None) -> str:
    """53,010 / 57.35% / 19.29 months; a missing value is a dash."""
    if value is None:
        return "–"
    each, whole = _suffixes(unit)
    return f"{fmt(float(value))}{each}{whole}"


def interval(claim: dict) -> str:
    """The values a claim commits to, as a reader says it: '> 52,000', '900 to 1,020', '61.67% to 71.67%'."""
    each, whole = _suffixes(claim.get("unit"))
    span = Interval(
        claim.get("low"),
        claim.get("high"),
        bool(claim.get("low_inclusive", True)),
        bool(claim.get("high_inclusive", True)),
    )
    if span.low is None and span.high is None:
        return "any value"
    return span.describe(lambda v: f"{fmt(v)}{each}").replace(">=", "≥").replace("<=", "≤") + whole


def timestamp(value: datetime | str | None) -> str:
    """'2025-05-16 13:17 UTC' from a datetime or an ISO string."""
    moment = parse_moment(value)
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "–"


def parse_moment(value: datetime | str | None) -> datetime | None:
    """A timezone-aware datetime (naive ones are UTC, as the ledger writes them)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def age(value: datetime | str | None, now: datetime | None = None) -> str:
    """How long ago: '40 minutes ago', '5 hours ago', '3 days ago', 'just now'."""
    moment = parse_moment(value)
    if moment is None:
        return "unknown"
    seconds = max(0, ((now or datetime.now(timezone.utc)) - moment).total_seconds())
    for size, name in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {name}{'s' if count != 1 else ''} ago"
    return "just now"


def day(value: date | datetime | str | None) -> str:
    if value is None or value == "":
        return "–"
    return value.isoformat()[:10] if isinstance(value, (date, datetime)) else str(value)[:10]


def short(sha256: str | None) -> str:
    return sha256[:12] if sha256 else "–"


def web_link(url: object) -> str | None:
    """The URL when it is an http(s) link, else None: a `javascript:` citation must never become a link."""
    if not isinstance(url, str):
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def cell(value: object, column: str = "") -> str:
    """An evidence value: numbers formatted (years left alone), missing ones a dash."""
    if value is None:
        return "–"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(int(value)) if "year" in column and float(value).is_integer() else number(value)
    return str(value)


def link_text(url: str, limit: int = 90) -> str:
    """A URL as a reader can read it: percent-escapes decoded, the middle cut when it is long."""
    text = unquote(url)
    return text if len(text) <= limit else f"{text[: limit - 20]}…{text[-19:]}"


FILTERS = {
    "number": number,
    "interval": interval,
    "timestamp": timestamp,
    "age": age,
    "day": day,
    "short": short,
    "web_link": web_link,
    "link_text": link_text,
    "cell": cell,
}
