"""The values the extractor produces: an Article read from disk and the Claims found in it."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import date

UNITS = ("count", "percent", "percent_change", "ratio", "months", "years", "weeks", "days", "date")
QUALIFIERS = ("exact", "more_than", "at_least", "fewer_than", "at_most", "nearly", "about", "range")


@dataclass(frozen=True)
class Article:
    """A news article: its id (file stem), front matter and body text."""

    id: str
    text: str
    title: str = ""
    publisher: str = ""
    url: str = ""
    published: date | None = None
    path: str = ""


@dataclass(frozen=True)
class Claim:
    """One numeric claim: the exact quote, what it counts, and the interval its wording commits to."""

    id: str
    article_id: str
    start: int
    end: int
    quote: str
    sentence: str
    value: float
    unit: str
    qualifier: str
    low: float | None
    high: float | None
    low_inclusive: bool
    high_inclusive: bool
    form: str  # how the figure was written: digits, round, words, fraction, percent, range, plural, multiplier
    metric: str | None = None
    subject: str | None = None
    period: str | None = None  # a year or month the sentence names ("in 2024"), else None
    as_of: date | None = None
    counted: str | None = None  # the noun the figure counts ("people", "countries")
    share_base: str | None = None  # for a share, the quote of the figure it is a share of ("More than 52,000")

    def as_dict(self) -> dict:
        values = asdict(self)
        values["as_of"] = self.as_of.isoformat() if self.as_of else None
        return values


def claim_id(article_id: str, start: int, end: int) -> str:
    """Stable across runs: a hash of the article id and the claim's character span."""
    return hashlib.sha256(f"{article_id}:{start}:{end}".encode()).hexdigest()[:16]
