"""Yearly figures: a year's value ("82,700 left in 2024") and the change between two years ("surged by 285 percent
in 2024"), from a table of one row per year."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from claimledger.checks.kind import (
    CheckKind,
    Observation,
    Params,
    Plot,
    Table,
    check_kind,
    claimed,
    claimed_year,
    fmt,
    judged,
    published,
    unverifiable,
)
from claimledger.checks.model import CheckResult, Reference
from claimledger.checks.rows import Record, citation, evidence, record_date
from claimledger.claims.model import Claim


@dataclass(frozen=True)
class _Year:
    """One year's published figure, its date, evidence row and citation, looked up once per table and date."""

    value: float
    when: date | None
    evidence: tuple[dict[str, Any], ...]
    citation: str | None


def _years(params: Params, ref: Reference, as_of: date) -> dict[int, _Year]:
    """The yearly figures of a field published by as_of, by year."""
    period_column, field = params["period_column"], params["field"]

    def by_year() -> dict[int, _Year]:
        return {
            int(r[period_column]): _Year(
                float(r[field]), record_date(ref, r), evidence(ref, [r], [period_column, field]), citation(ref, r)
            )
            for r in published(ref, as_of)
            if r.get(field) is not None and r.get(period_column) is not None
        }

    return ref.memo(("years", field, period_column, as_of), by_year)


class _Yearly(CheckKind):
    """What both yearly kinds share: their parameters and their chart, the yearly values as bars."""

    requires = ("field", "period_column")
    chart_rows = "evidence"

    def plot(self, params: Params, claim: Mapping[str, Any], records: list[Record], table: Table) -> Plot:
        field, period = params["field"], params["period_column"]
        bars = tuple(
            (str(r[period]), float(r[field])) for r in records if r.get(field) is not None and r.get(period) is not None
        )
        return Plot(
            "bars",
            bars,
            params["label"],
            "The yearly values the verdict compares.",
            empty="the evidence rows hold no yearly values",
        )


@check_kind
class AnnualValue(_Yearly):
    """A yearly figure against the row of the year the sentence names; no year named, or no row, is unverifiable."""

    name = "annual_value"

    def check(self, claim: Claim, params: Params, ref: Reference, as_of: date) -> CheckResult:
        year, why = claimed_year(claim, ref.source)
        if year is None:
            return unverifiable(claim, self.name, why, ref)
        years = _years(params, ref, as_of)
        if year not in years:
            return unverifiable(claim, self.name, f"{ref.source} has no figure for {year} published by {as_of}", ref)
        figure = years[year]
        text = f"{fmt(figure.value)} {params['label']} in {year} (row published by {figure.when})"
        return judged(
            claim,
            self.name,
            ref,
            Observation(figure.value, figure.when, text, figure.evidence, figure.citation),
            claimed(claim),
        )


@check_kind
class AnnualChange(_Yearly):
    """A change ("surged by 285 percent in 2024") computed from the two years' published figures."""

    name = "annual_change"

    def check(self, claim: Claim, params: Params, ref: Reference, as_of: date) -> CheckResult:
        year, why = claimed_year(claim, ref.source)
        if year is None:
            return unverifiable(claim, self.name, why, ref)
        years = _years(params, ref, as_of)
        if year not in years or year - 1 not in years:
            return unverifiable(
                claim, self.name, f"{ref.source} lacks {year} or {year and year - 1} figures published by {as_of}", ref
            )
        before, after = years[year - 1], years[year]
        if before.value == 0:
            return unverifiable(claim, self.name, f"{params['field']} is 0 in {year - 1}: no percent change", ref)
        observed = 100 * (after.value - before.value) / before.value
        text = (
            f"{params['label']}: {fmt(before.value)} in {year - 1} -> {fmt(after.value)} in {year} = {observed:+.1f}%"
        )
        return judged(
            claim,
            self.name,
            ref,
            Observation(observed, after.when, text, before.evidence + after.evidence, after.citation),
            claimed(claim),
        )

    def plot(self, params: Params, claim: Mapping[str, Any], records: list[Record], table: Table) -> Plot:
        yearly = super().plot(params, claim, records, table)
        return Plot(
            yearly.mark,
            yearly.points,
            yearly.title,
            f"{yearly.caption} The claim is a change between years, so it is not drawn as a band.",
            yearly.empty,
        )
