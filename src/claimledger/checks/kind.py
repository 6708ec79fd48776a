"""A check kind is one object: what it observes in a reference table for a claim, the chart of what it observed, and
the rule it holds the claim to. Every kind ends the same way, in `judged`: an observation and the interval it must
fall in become one CheckResult, whose explanation names the rule that made the interval.

A kind is a subclass of CheckKind with a `name`, registered by the `@check_kind` decorator under the name
metrics.toml's `check = "..."` uses; its parameters come from the metric's entry over the `[checks.<name>]` defaults
of metrics.toml, so no table's column name is spelled here. Each module of checks/kinds/ is imported by that package,
so a new kind is one new module there and its entries in metrics.toml.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, TypeVar

from claimledger.checks.model import CheckResult, Reference, Verdict
from claimledger.checks.rows import Record, rows
from claimledger.claims.model import Claim
from claimledger.claims.qualifiers import Interval, interval_rule

Params = Mapping[str, Any]


@dataclass(frozen=True)
class Observation:
    """What a kind read in the table for one claim: the value compared, its date, the rows it rests on (with the
    columns the value was computed from: a share's numerator and denominator, a change's two years), the row's
    citation, and the observation in words ("53,010 people killed in Gaza in the report of 2025-05-15").

    `span` is for a value known only to lie in a range (a duration whose start is a month, not a day): the claim
    holds when its interval meets the range, and `value` is the point of the range nearest the claim."""

    value: float
    when: date | None
    text: str
    evidence: tuple[dict[str, Any], ...]
    citation: str | None = None
    span: tuple[float, float] | None = None


@dataclass(frozen=True)
class Table:
    """What a chart says of the source it draws: its name, its title, the column its rows are dated by."""

    name: str
    title: str
    date_column: str | None


@dataclass(frozen=True)
class Plot:
    """What a kind's chart draws, for the dashboard to render: points (a date, or a year's label for bars, and a
    value) and the mark for them ("line", "steps" or "dots" over time, beside the claim's interval as a band; or
    "bars" by year, without one), a title, a caption, and the sentence shown when no point is left to draw."""

    mark: str
    points: tuple[tuple[Any, float], ...]
    title: str
    caption: str
    empty: str = "the rows the verdict rests on hold no values to plot"


class CheckKind(ABC):
    """One way of checking a claim against a reference table.

    `requires`: the parameters the kind reads (from the metric's entry or the `[checks.<name>]` defaults), checked
    before the kind is asked. `chart_rows`: the rows its chart is drawn from, "evidence" (the rows the verdict rests
    on, recorded with it) or "around" (the snapshot's rows dated near the article); None: the kind has no chart.
    """

    name: ClassVar[str]
    requires: ClassVar[tuple[str, ...]] = ()
    chart_rows: ClassVar[str | None] = None

    @abstractmethod
    def check(self, claim: Claim, params: Params, ref: Reference, as_of: date) -> CheckResult:
        """The verdict on the claim from the rows of `ref` published by `as_of`."""

    def plot(self, params: Params, claim: Mapping[str, Any], records: list[Record], table: Table) -> Plot:
        """The chart of the rows `chart_rows` names, for a claim as the ledger gives it back."""
        raise NotImplementedError(f"check kind {self.name} has no chart")

    def no_chart(self) -> str:
        """Why a kind without a chart has none, for the claim page."""
        return f"this {self.name.replace('_', ' ')} check rests on the single figure in the evidence table below"

    def missing(self, params: Params) -> list[str]:
        """The parameters this kind reads that `params` lacks."""
        return [p for p in self.requires if p not in params]


KINDS: dict[str, CheckKind] = {}
K = TypeVar("K", bound=type[CheckKind])


def check_kind(cls: K) -> K:
    """Register a kind under its name (the `check = "..."` of metrics.toml); two kinds may not share one."""
    if cls.name in KINDS and type(KINDS[cls.name]) is not cls:
        raise ValueError(
            f"check kind {cls.name!r} is registered twice: {type(KINDS[cls.name]).__qualname__} and {cls.__qualname__}"
        )
    KINDS[cls.name] = cls()
    return cls


def judged(claim: Claim, kind: str, ref: Reference, seen: Observation, interval: Interval) -> CheckResult:
    """The one compare-and-explain: does the observation fall in the interval, and why, naming the interval's rule.
    The verdict is the pure rule's."""
    holds = interval.overlaps(*seen.span) if seen.span else interval.contains(seen.value)
    made_by = f" ({interval.rule})" if interval.rule else ""
    explanation = (
        f"{seen.text} ({ref.source}); '{claim.quote}' needs {interval.describe(fmt)}{made_by}: "
        f"{'holds' if holds else 'does not hold'}"
    )
    return CheckResult(
        claim_id=claim.id,
        check_kind=kind,
        verdict=Verdict.PASS if holds else Verdict.FAIL,
        explanation=explanation,
        metric=claim.metric,
        low=claim.low,
        high=claim.high,
        observed=float(seen.value),
        reference_date=seen.when,
        source=ref.source,
        snapshot_sha256=ref.snapshot_sha256,
        tolerance=interval.rule,
        citation=seen.citation,
        evidence=seen.evidence,
        window_low=interval.low,
        window_high=interval.high,
        window_low_inclusive=interval.low_inclusive,
        window_high_inclusive=interval.high_inclusive,
    )


def unverifiable(claim: Claim, kind: str, why: str, ref: Reference | None = None) -> CheckResult:
    """A check that compared nothing, and why."""
    return CheckResult(
        claim_id=claim.id,
        check_kind=kind,
        verdict=Verdict.UNVERIFIABLE,
        explanation=why,
        metric=claim.metric,
        low=claim.low,
        high=claim.high,
        source=ref.source if ref else None,
        snapshot_sha256=ref.snapshot_sha256 if ref else None,
    )


def claimed(claim: Claim) -> Interval:
    """The interval the claim's wording commits it to, with the rule that made it."""
    return Interval(
        claim.low,
        claim.high,
        claim.low_inclusive,
        claim.high_inclusive,
        interval_rule(claim.value, claim.qualifier, claim.unit, claim.form),
    )


def fmt(value: float) -> str:
    """Numbers as a reader expects them: 53,010 / 57.35 / 19.3."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def published(ref: Reference, as_of: date) -> tuple[Record, ...]:
    """Rows public on or before as_of: a row dated D counts as public on D + the source's publication lag."""
    return rows(ref).published_by(as_of)


def claimed_period(claim: Claim) -> str | None:
    """The period key the sentence names ("2024", "2024-H1"), from the claim or its frame's time."""
    if claim.period:
        return claim.period
    time = claim.frame.time if claim.frame else None
    return time.period if time else None


def claimed_year(claim: Claim, source: str) -> tuple[int | None, str]:
    """The year a yearly figure is held to, or why there is none: a table of years cannot check a figure whose
    sentence names no period (the latest year is a guess) or names a part of a year."""
    period = claimed_period(claim)
    if period is None:
        return None, f"'{claim.quote}' names no year, and {source} holds one figure per year: which one is meant?"
    if not (len(period) == 4 and period.isdigit()):
        return None, f"'{claim.quote}' is a figure for {period}; {source} has rows for whole years only"
    return int(period), ""
