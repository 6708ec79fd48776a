"""The population check: a country's population in a year, from a table of (country, year, value) rows.

Only a place the table names exactly is checked: "West Bank and Gaza" is not Gaza, so a figure for Gaza alone has
no row and is unverifiable, never a fail against the whole territory.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from claimledger.checks.kind import (
    CheckKind,
    Observation,
    Params,
    check_kind,
    claimed,
    claimed_period,
    claimed_year,
    fmt,
    judged,
    unverifiable,
)
from claimledger.checks.model import CheckResult, Reference, Verdict
from claimledger.checks.rows import evidence, rows
from claimledger.claims.model import Claim


@dataclass(frozen=True)
class _Estimate:
    """One country's population in one year, with the row it came from."""

    country: str
    year: int
    value: float
    evidence: tuple[dict[str, Any], ...]


def _by_country(ref: Reference, params: Params) -> dict[str, dict[int, _Estimate]]:
    """{country name, casefolded: {year: estimate}}, built once per table."""
    country, year, value = params["country_column"], params["year_column"], params["value_column"]

    def build() -> dict[str, dict[int, _Estimate]]:
        table: dict[str, dict[int, _Estimate]] = {}
        for r in rows(ref).records:
            if r.get(country) is None or r.get(year) is None or r.get(value) is None:
                continue
            table.setdefault(str(r[country]).casefold(), {})[int(r[year])] = _Estimate(
                str(r[country]), int(r[year]), float(r[value]), evidence(ref, [r], [country, year, value])
            )
        return table

    return ref.memo(("population", country, year, value), build)


def claimed_place(claim: Claim) -> str | None:
    """The place the figure is about: the frame's place, else the claim's subject."""
    return (claim.frame.place if claim.frame and claim.frame.place else None) or claim.subject


@check_kind
class Population(CheckKind):
    """A population against the table's row for the claim's place and year (the year named, else the latest one
    published by the article's date); a year's row is public from the 1st of `published_month` of the next year. A
    current figure that misses an earlier year's row by no more than `yearly_drift` a year since is not refuted."""

    name = "population"
    requires = ("country_column", "year_column", "value_column", "published_month", "yearly_drift")

    def check(self, claim: Claim, params: Params, ref: Reference, as_of: date) -> CheckResult:
        place = claimed_place(claim)
        if not place:
            return unverifiable(claim, self.name, f"'{claim.quote}' names no place to look up in {ref.source}", ref)
        years = _by_country(ref, params).get(place.casefold())
        if not years:
            return unverifiable(
                claim,
                self.name,
                f"{ref.source} has no row for {place} (only a country or area the table names exactly is checked)",
                ref,
            )
        month = int(params["published_month"])

        def public_on(year: int) -> date:
            return date(year + 1, month, 1)

        period = claimed_period(claim)
        if period is not None:
            year, why = claimed_year(claim, ref.source)  # a part of a year has no estimate of its own
            if year is None:
                return unverifiable(claim, self.name, why, ref)
            if year not in years or public_on(year) > as_of:
                return unverifiable(
                    claim, self.name, f"{ref.source} has no {year} estimate for {place} published by {as_of}", ref
                )
        else:
            known = [y for y in years if y <= as_of.year and public_on(y) <= as_of]
            if not known:
                return unverifiable(
                    claim, self.name, f"{ref.source} has no estimate for {place} published by {as_of}", ref
                )
            year = max(known)
        estimate = years[year]
        text = (
            f"{fmt(estimate.value)} people in {estimate.country} in {year} "
            f"({'the year named' if period else 'the latest year'} published by {as_of})"
        )
        interval = claimed(claim)
        result = judged(
            claim, self.name, ref, Observation(estimate.value, public_on(year), text, estimate.evidence), interval
        )
        gap = as_of.year - year
        if result.verdict is Verdict.FAIL and period is None and gap > 0:
            # A population today against the estimate of an earlier year: it may have grown (or shrunk) since.
            drift = float(params["yearly_drift"]) * gap
            low, high = estimate.value * (1 - drift), estimate.value * (1 + drift)
            if interval.overlaps(low, high):
                return unverifiable(
                    claim,
                    self.name,
                    f"{text}; '{claim.quote}' does not fit it, but a figure for {as_of.year} may count {gap} more "
                    f"year(s) of change ({fmt(low)} to {fmt(high)} at {drift:.0%}), so it cannot be refuted",
                    ref,
                )
        return result
