"""The entity count: "more than ten countries" against the distinct entities a curated table lists by the article's
date."""

from __future__ import annotations

from collections.abc import Mapping
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
    judged,
    published,
)
from claimledger.checks.model import CheckResult, Reference
from claimledger.checks.rows import Record, citation, evidence
from claimledger.claims.model import Claim


@check_kind
class CountEntities(CheckKind):
    """A count of countries (or other entities) against the distinct `entity_column` values listed by the article's
    date; the evidence shows each row's `detail_column` (what the entity did) when the table has one."""

    name = "count_entities"
    requires = ("entity_column", "detail_column")
    chart_rows = "evidence"

    def check(self, claim: Claim, params: Params, ref: Reference, as_of: date) -> CheckResult:
        column, detail = params["entity_column"], params["detail_column"]

        def listed() -> tuple[list[str], tuple[Record, ...], str | None]:
            records = [r for r in published(ref, as_of) if r.get(column) is not None]
            shown = [column, *(c for c in (detail,) if records and c in records[0])]
            return (
                sorted({str(r[column]) for r in records}),
                evidence(ref, records, shown),
                citation(ref, records[-1] if records else None),
            )

        names, rows_used, cited = ref.memo(("entities", column, detail, as_of), listed)
        shown = ", ".join(names[:6]) + (", ..." if len(names) > 6 else "")
        text = f"{len(names)} {claim.counted or column} listed by {as_of}: {shown}"
        return judged(
            claim, self.name, ref, Observation(float(len(names)), as_of, text, rows_used, cited), claimed(claim)
        )

    def plot(self, params: Params, claim: Mapping[str, Any], records: list[Record], table: Table) -> Plot:
        column, dated = params["entity_column"], table.date_column or ""  # "": no dates, no rows listed
        listed = sorted(
            (r for r in records if dated and r.get(dated) and r.get(column) is not None), key=lambda r: str(r[dated])
        )
        points: list[tuple[Any, float]] = []
        seen = set()
        for row in listed:  # the check counts distinct names: a second action by the same country adds nothing
            if row[column] not in seen:
                seen.add(row[column])
                points.append((row[dated], float(len(seen))))
        counted = claim.get("counted") or f"distinct {column} values"
        return Plot(
            "steps",
            tuple(points),
            f"{counted} listed so far",
            f"{counted.capitalize()} listed in {table.name} by each date (each {column} counted once).",
            empty="the evidence rows have no dates to count along",
        )
