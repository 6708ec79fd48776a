"""The values the extractor produces: an Article read from disk and the Claims found in it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any, Literal, get_args

# What a claim's figure is measured in, and the wording that sets its interval (DESIGN.md, qualifier semantics).
Unit = Literal["count", "percent", "percent_change", "ratio", "months", "years", "weeks", "days", "date"]
Qualifier = Literal["exact", "more_than", "at_least", "fewer_than", "at_most", "nearly", "about", "range"]
DURATION_UNITS: tuple[Unit, ...] = ("months", "years", "weeks", "days")
UNITS: tuple[Unit, ...] = get_args(Unit)
QUALIFIERS: tuple[Qualifier, ...] = get_args(Qualifier)


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
class TimeFrame:
    """When a figure holds, as its clause says it (claims/frames.py reads it).

    kind: "as_of" (no time words: as of the article's date), "period" (a named year, half, quarter or month: "in
    2024", "the first half of 2024"), "day" (a single day: "on 7 October", "on Tuesday"), "past_hours" ("in the past
    24 hours"), "since" ("since 18 March"), "ago" ("five months ago"), "after_start" ("two years after the war
    began"), "span" (a stretch of time the figure measures: "twenty months of war"), "ambiguous" (the clause names
    several periods and does not say which is the figure's: text lists them).
    """

    kind: str
    text: str = ""  # the words that said it
    start: str | None = None  # ISO date or period start, when the words give one
    end: str | None = None
    period: str | None = None  # "2024", "2024-H1", "2024-Q3", "2024-03": the period's key, for kind "period"


@dataclass(frozen=True)
class Frame:
    """What a figure was taken to mean, read from the clause that holds it; stored with the claim, shown on its page.

    Every slot holds a lemma or the words that filled it, or None when the clause does not say.
    """

    clause: str  # the clause the slots were read from
    counted: str | None = None  # what is counted, lemmatised: "injury", "journalist", "person", "country"
    measure: str | None = None  # "killed", "injured", "displaced", "detained", "left", "returned", "support", ...
    subject: str | None = None  # who, lemmatised: "palestinian", "israeli"
    place: str | None = None  # "Gaza", "West Bank", "Israel": a name from metrics.toml's places
    restriction: str | None = None  # a subgroup, in the text's words: "among Netanyahu's voters"
    time: TimeFrame | None = None
    attribution: str | None = None  # who says so: "the health ministry", "CPJ", "Channel 12"
    # who an earlier sentence of the paragraph says gives the figures after it ("A report by the bureau finds
    # that ..."), when the figure's own sentence names no one: it can keep a figure from another counter's series
    reported_by: str | None = None

    def as_dict(self) -> dict[str, Any]:
        values: dict[str, Any] = plain(self)
        return values

    @classmethod
    def from_dict(cls, values: dict[str, Any] | None) -> "Frame | None":
        """A frame back from its stored dict (the ledger's JSON), so a recheck holds the claim to the same reading."""
        if not values:
            return None
        time = values.get("time")
        return cls(**{**values, "time": TimeFrame(**time) if time else None})


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
    unit: str  # a Unit, or the currency code or unit glued to the figure ("USD10m", "64GB"): no metric has those
    qualifier: Qualifier
    low: float | None
    high: float | None
    low_inclusive: bool
    high_inclusive: bool
    form: str  # how the figure was written: digits, round, words, fraction, percent, range, plural, multiplier
    metric: str | None = None
    subject: str | None = None
    period: str | None = None  # the period key the clause names: "2024", "2024-H1", "2024-Q3", "2024-03", else None
    as_of: date | None = None
    counted: str | None = None  # the noun the figure counts ("people", "countries"); frame.counted has its lemma
    share_base: str | None = None  # for a share, the quote of the figure it is a share of ("More than 52,000")
    frame: Frame | None = None  # what the figure was taken to mean (None for a figure no frame was read for)
    # What the metric choice said of the frame: derived from it (claims/matching.py), so neither is stored, compared
    # or fingerprinted; a claim read back from the ledger with its frame gets them again from the same frame.
    unmatched: str | None = field(default=None, compare=False)  # why no metric: "a figure about a subgroup: ..."
    matched_on: tuple[str, ...] = field(default=(), compare=False)  # the slots that chose it: "measure=killed"

    def as_dict(self) -> dict[str, Any]:
        values: dict[str, Any] = plain(self)
        values["as_of"] = self.as_of.isoformat() if self.as_of else None
        del values["unmatched"], values["matched_on"]  # derived from the frame (see above)
        return values


def plain(value: Any) -> Any:
    """dataclasses.asdict for these values (frozen dataclasses of atoms, dates, tuples and each other), without its
    deep copy of every atom: the same dicts, about ten times faster (a run writes two per claim)."""
    if type(value) in _ATOMS:
        return value
    if isinstance(value, (list, tuple)):
        return type(value)(plain(v) for v in value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    names = _field_names(type(value))
    if names is None:
        return value
    values = {}
    for name in names:
        item = getattr(value, name)
        values[name] = item if type(item) in _ATOMS else plain(item)
    return values


_ATOMS = frozenset({str, int, float, bool, type(None), date})


_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}


def _field_names(kind: type) -> tuple[str, ...] | None:
    """A dataclass's field names in order (dataclasses.fields: no ClassVar); None for any other type."""
    if kind not in _FIELD_NAMES:
        _FIELD_NAMES[kind] = tuple(f.name for f in fields(kind)) if hasattr(kind, "__dataclass_fields__") else None
    return _FIELD_NAMES[kind]


def claim_id(article_id: str, start: int, end: int) -> str:
    """Stable across runs: a hash of the article id and the claim's character span."""
    return hashlib.sha256(f"{article_id}:{start}:{end}".encode()).hexdigest()[:16]
