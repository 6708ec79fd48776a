"""Checks against a daily series (running totals, shares of them), held to every report of a window ending on the
article's own date, as DESIGN.md's "Time" says reporters quote them: the same day's report, or one a few days old.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Callable

from claimledger.checks.kinds import check_kind, claimed, fmt, result, unverifiable, verdict_line, tolerance_of
from claimledger.checks.model import CheckResult, Reference
from claimledger.checks.rows import citation, evidence, record_date, rows
from claimledger.claims.model import Claim

DEFAULT_WINDOW_DAYS = 7


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


def _window(params: dict, ref: Reference, as_of: date, columns: list[str]) -> _Window:
    days = int(params.get("window_days", DEFAULT_WINDOW_DAYS))
    return ref.memo(("window", as_of, tuple(columns), days), lambda: _find_window(ref, as_of, columns, days))


def _find_window(ref: Reference, as_of: date, columns: list[str], days: int) -> _Window:
    first = as_of - timedelta(days=days)
    public_by = as_of - timedelta(days=ref.publication_lag_days)
    reports = tuple(
        _Report({c: float(r[c]) for c in columns}, record_date(ref, r), record_date(ref, r) <= public_by,
                evidence(ref, [r], columns), citation(ref, r))
        for r in rows(ref).dated_within(first, as_of) if all(r.get(c) is not None for c in columns))
    return _Window(first, as_of, reports)


def _no_report(ref: Reference, window: _Window) -> str:
    """Why nothing could be compared: no report in the window, and the nearest one before it if any."""
    earlier = [r for r in rows(ref).dated_within(date.min, window.first - timedelta(days=1))]
    before = f"; the latest before it is dated {record_date(ref, earlier[-1])}" if earlier else ""
    return f"no {ref.source} report dated between {window.first} and {window.last}{before}"


def _decide(claim: Claim, ref: Reference, kind: str, window: _Window, observe: Callable[[_Report], float | None],
            describe: Callable[[_Report, float], str]) -> CheckResult:
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
    holds = bool(fitting)
    return result(claim, kind, ref, holds=holds, observed=value, when=report.when,
                  explanation=verdict_line(text, claim, interval, holds, ref), tolerance=tolerance_of(claim),
                  evidence=report.evidence, citation=report.citation)


@check_kind("value_at_date")
def value_at_date(claim: Claim, params: dict, ref: Reference, as_of: date) -> CheckResult:
    """A running total (killed, injured) against every report of the window ending on the article's date."""
    field, label = params["field"], params.get("label", claim.metric)
    window = _window(params, ref, as_of, [field])
    return _decide(claim, ref, "value_at_date", window, lambda r: r.values[field],
                   lambda r, v: f"{fmt(v)} {label} in the report of {r.when}")


@check_kind("share_at_date")
def share_at_date(claim: Claim, params: dict, ref: Reference, as_of: date) -> CheckResult:
    """A share ("two-thirds of them women and children") against part / total on each report of the window."""
    parts, total, label = list(params["numerator"]), params["denominator"], params.get("label", claim.metric)
    window = _window(params, ref, as_of, [*parts, total])

    def share(r: _Report) -> float | None:
        # compared unrounded: rounding moves verdicts
        return 100 * sum(r.values[p] for p in parts) / r.values[total] if r.values[total] > 0 else None

    def describe(r: _Report, value: float) -> str:
        return (f"{fmt(value)}% ({label}) in the report of {r.when} "
                f"({' + '.join(fmt(r.values[p]) for p in parts)} of {fmt(r.values[total])})")

    return _decide(claim, ref, "share_at_date", window, share, describe)
