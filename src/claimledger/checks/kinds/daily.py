"""Checks against a daily series (running totals, shares of them), held to every report of a window ending on the
article's own date, as DESIGN.md's "Time" says reporters quote them: the same day's report, or one a few days old.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Callable

from claimledger.checks.kind import (
    CheckKind,
    Observation,
    Params,
    Plot,
    Table,
    check_kind,
    claimed,
    fmt,
    judged,
    unverifiable,
)
from claimledger.checks.model import CheckResult, Reference, Verdict
from claimledger.checks.rows import Record, citation, day_of, evidence, record_date, rows
from claimledger.claims.model import Claim


@dataclass(frozen=True)
class _Report:
    """One report of the window: its values, date, evidence row and citation, looked up once per table and date."""

    values: dict[str, float]
    when: date
    public: bool  # public by the article's date under the source's publication lag (else a same-day report)
    evidence: tuple[dict[str, Any], ...]
    citation: str | None


@dataclass(frozen=True)
class _Window:
    """The reports a claim is held against: every one dated first..last with all the columns it needs."""

    first: date
    last: date
    reports: tuple[_Report, ...]


def _window(params: Params, ref: Reference, as_of: date, columns: list[str]) -> _Window:
    days = int(params["window_days"])
    return ref.memo(("window", as_of, tuple(columns), days), lambda: _find_window(ref, as_of, columns, days))


def _find_window(ref: Reference, as_of: date, columns: list[str], days: int) -> _Window:
    first = as_of - timedelta(days=days)
    public_by = as_of - timedelta(days=ref.publication_lag_days)
    reports = tuple(
        _Report(
            {c: float(r[c]) for c in columns},
            day_of(ref, r),
            day_of(ref, r) <= public_by,
            evidence(ref, [r], columns),
            citation(ref, r),
        )
        for r in rows(ref).dated_within(first, as_of)
        if all(r.get(c) is not None for c in columns)
    )
    return _Window(first, as_of, reports)


def _no_report(ref: Reference, window: _Window) -> str:
    """Why nothing could be compared: no report in the window, and the nearest one before it if any."""
    earlier = [r for r in rows(ref).dated_within(date.min, window.first - timedelta(days=1))]
    before = f"; the latest before it is dated {record_date(ref, earlier[-1])}" if earlier else ""
    return f"no {ref.source} report dated between {window.first} and {window.last}{before}"


def _decide(
    claim: Claim,
    ref: Reference,
    kind: str,
    window: _Window,
    observe: Callable[[_Report], float | None],
    describe: Callable[[_Report, float], str],
) -> CheckResult:
    """Pass on the report that fits (a public one before a same-day one, the latest first); fail only when none
    does, naming the nearest report and the range of values in the window."""
    interval = claimed(claim)
    observed = [(report, value) for report in window.reports if (value := observe(report)) is not None]
    if not observed:
        return unverifiable(claim, kind, _no_report(ref, window), ref)
    fitting = [(r, v) for r, v in observed if interval.contains(v)]
    values = [v for _, v in observed]
    count = f"{len(observed)} report(s) dated {window.first} to {window.last}"
    if fitting:
        report, value = max(fitting, key=lambda rv: (rv[0].public, rv[0].when))
        text = f"{describe(report, value)}, one of {count}"
    else:
        report, value = min(observed, key=lambda rv: (interval.distance(rv[1]), -rv[0].when.toordinal()))
        text = f"{describe(report, value)}, the nearest of {count} (from {fmt(min(values))} to {fmt(max(values))})"
    return judged(claim, kind, ref, Observation(value, report.when, text, report.evidence, report.citation), interval)


class _Daily(CheckKind):
    """What both daily kinds share: their window, and their chart, the series drawn around the article's date."""

    chart_rows = "around"

    def plot(self, params: Params, claim: Mapping[str, Any], records: list[Record], table: Table) -> Plot:
        dated = table.date_column
        points = tuple(
            (r[dated], value)
            for r in records
            if dated and r.get(dated) is not None and (value := self.value(params, r)) is not None
        )
        return Plot(
            "line",
            points,
            params["label"],
            f"{table.title}: {self.plotted(params)}.",
            empty=f"{table.name} has no values near the article's date",
        )

    @abstractmethod
    def value(self, params: Params, row: Mapping[str, Any]) -> float | None:
        """The value the kind compares, from one row (None when the row lacks it)."""

    @abstractmethod
    def plotted(self, params: Params) -> str:
        """What the chart's line is, in words."""


@check_kind
class ValueAtDate(_Daily):
    """A running total (killed, injured) against every report of the window ending on the article's date.

    `reported_field`, when the metric names one, is the column that holds a value only on the days the count was
    actually reported (`field` is then the series with the other days filled in): a figure no filled-in value fits
    is no evidence of error while a real report of that day may have said it."""

    name = "value_at_date"
    requires = ("field", "window_days")

    def check(self, claim: Claim, params: Params, ref: Reference, as_of: date) -> CheckResult:
        field, label = params["field"], params["label"]
        window = _window(params, ref, as_of, [field])
        decided = _decide(
            claim,
            ref,
            self.name,
            window,
            lambda r: r.values[field],
            lambda r, v: f"{fmt(v)} {label} in the report of {r.when}",
        )
        reported = params.get("reported_field")
        if decided.verdict != Verdict.FAIL or not reported:
            return decided
        why = _filled_in(claim, ref, window, field, reported, label)
        return unverifiable(claim, self.name, why, ref) if why else decided

    def value(self, params: Params, row: Mapping[str, Any]) -> float | None:
        return None if row.get(params["field"]) is None else float(row[params["field"]])

    def plotted(self, params: Params) -> str:
        return str(params["field"])


def _filled_in(claim: Claim, ref: Reference, window: _Window, field: str, reported: str, label: str) -> str | None:
    """Why a running total that fits no value of the window cannot fail all the same: a day of the window was
    filled in, not reported, and the real reports either side of it (the later one may be after the article, or
    not yet published) leave room for the figure."""
    records = rows(ref)
    interval = claimed(claim)
    for day in records.dated_within(window.first, window.last):
        if day.get(field) is None or day.get(reported) is not None:
            continue
        when = day_of(ref, day)
        before = next(
            (
                r
                for r in reversed(records.dated_within(date.min, when - timedelta(days=1)))
                if r.get(reported) is not None
            ),
            None,
        )
        after = next(
            (r for r in records.dated_within(when + timedelta(days=1), date.max) if r.get(reported) is not None), None
        )
        if before is None:
            continue
        ends = [float(before[reported])] + ([float(after[reported])] if after else [])
        low, high = min(ends), (max(ends) if after else float("inf"))
        if interval.overlaps(low, high):
            later = f"and {fmt(after[reported])} on {record_date(ref, after)}" if after else "and none since"
            return (
                f"no report of {label} is dated {when} (the series fills that day in with {fmt(day[field])}); "
                f"the reports either side of it, {fmt(before[reported])} on {record_date(ref, before)} {later}, "
                "leave room for the figure"
            )
    return None


@check_kind
class ShareAtDate(_Daily):
    """A share ("two-thirds of them women and children") against numerator / denominator on each report of the
    window: the numerator the sum of its columns, compared unrounded (rounding moves verdicts)."""

    name = "share_at_date"
    requires = ("numerator", "denominator", "window_days")

    def check(self, claim: Claim, params: Params, ref: Reference, as_of: date) -> CheckResult:
        parts, total, label = list(params["numerator"]), params["denominator"], params["label"]
        window = _window(params, ref, as_of, [*parts, total])

        def describe(r: _Report, value: float) -> str:
            return (
                f"{fmt(value)}% ({label}) in the report of {r.when} "
                f"({' + '.join(fmt(r.values[p]) for p in parts)} of {fmt(r.values[total])})"
            )

        return _decide(claim, ref, self.name, window, lambda r: self.value(params, r.values), describe)

    def value(self, params: Params, row: Mapping[str, Any]) -> float | None:
        parts, total = list(params["numerator"]), params["denominator"]
        if any(row.get(c) is None for c in (*parts, total)) or not float(row[total]) > 0:
            return None
        return 100 * sum(float(row[p]) for p in parts) / float(row[total])

    def plotted(self, params: Params) -> str:
        return f"({' + '.join(params['numerator'])}) / {params['denominator']}, in percent"
