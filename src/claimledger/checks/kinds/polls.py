"""The poll kind: a poll figure against the polls published before the article, within each poll's margin."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

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
    published,
    unverifiable,
)
from claimledger.checks.model import CheckResult, Reference
from claimledger.checks.rows import Record, citation, day_of, evidence, record_date, rows
from claimledger.claims.model import Claim
from claimledger.claims.qualifiers import STATED_PERCENT_POINTS, Interval


def _polls(
    ref: Reference, params: Params, as_of: date, window_days: int, pollster: str | None
) -> list[tuple[Record, float, float]]:
    """The polls on the question published in the window before as_of (of one pollster, if named):
    [(record, value, margin)]; a poll that states no margin is held to a stated percent's."""
    field, pollster_column, margin_column = params["field"], params["pollster_column"], params["margin_column"]
    since = as_of - timedelta(days=window_days)
    polls = []
    for r in published(ref, as_of):
        if r.get(field) is None or day_of(ref, r) < since:
            continue
        if pollster is not None and r.get(pollster_column) != pollster:
            continue
        margin = r.get(margin_column)
        polls.append((r, float(r[field]), STATED_PERCENT_POINTS if margin is None else float(margin)))
    return polls


def named_pollster(claim: Claim, ref: Reference, pollster_column: str) -> str | None:
    """The table's pollster the claim's frame attributes the figure to ("Channel 12" in "Channel 12 news"), if any."""
    said = claim.frame.attribution if claim.frame else None
    if not said:
        return None
    pollsters = ref.memo(
        ("pollsters", pollster_column),
        lambda: sorted({str(r[pollster_column]) for r in rows(ref).records if r.get(pollster_column) is not None}),
    )
    for name in pollsters:
        if _names_in(said, name) or _names_in(name, said):
            return name
    return None


def _names_in(short: str, long: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(short)}(?!\w)", long, re.IGNORECASE) is not None


def held_to(claim: Claim, margin: float) -> Interval:
    """The interval a poll figure is held to against one poll: a bare figure, the poll's margin instead of a stated
    percent's 3 points; a qualified one, its qualifier's interval widened by the margin."""
    if claim.qualifier == "exact":
        return Interval(claim.value - margin, claim.value + margin, rule=f"the poll's margin: {fmt(margin)} points")
    interval = claimed(claim)
    return interval.widened(margin, f"{interval.rule}, widened by the poll's margin of {fmt(margin)} points")


@check_kind
class Poll(CheckKind):
    """Attributed to a pollster in the table: that pollster's polls of the last `pollster_window_days` decide, and
    a fail is possible. Not attributed: a pass when some poll of the `window_days` fits, else unverifiable (the
    figure may be from a poll the table lacks), never a fail."""

    name = "poll"
    requires = ("field", "pollster_column", "margin_column", "poll_id_column", "window_days", "pollster_window_days")
    chart_rows = "evidence"

    def check(self, claim: Claim, params: Params, ref: Reference, as_of: date) -> CheckResult:
        field, label, pollster_column = params["field"], params["label"], params["pollster_column"]
        pollster = named_pollster(claim, ref, pollster_column)
        window_days = int(params["pollster_window_days"] if pollster else params["window_days"])
        polls = ref.memo(
            ("polls", field, as_of, window_days, pollster), lambda: _polls(ref, params, as_of, window_days, pollster)
        )
        since = as_of - timedelta(days=window_days)
        if not polls:
            who = f"{pollster} poll" if pollster else "poll"
            return unverifiable(claim, self.name, f"no {ref.source} {who} published between {since} and {as_of}", ref)
        scored = []
        for record, value, margin in polls:
            decision = held_to(claim, margin)
            holds = decision.contains(value)
            scored.append(
                (not holds, decision.distance(value), -day_of(ref, record).toordinal(), record, margin, decision)
            )
        _, _, _, record, margin, decision = min(scored, key=lambda s: s[:3])
        observed, when = float(record[field]), record_date(ref, record)
        who = record.get(pollster_column) or ref.title
        text = (
            f"{who} poll published {when}: {fmt(observed)}% ({label}; margin {fmt(margin)} points; "
            f"{len(polls)} {'of its' if pollster else ''} poll(s) in the {window_days} days before {as_of})"
        ).replace("  ", " ")
        if not decision.contains(observed) and pollster is None:
            return unverifiable(
                claim,
                self.name,
                f"no poll in the table matches '{claim.quote}' and the text names "
                f"no pollster to hold it to; the nearest is {text}",
                ref,
            )
        shown = [c for c in (params["poll_id_column"], pollster_column, field) if c in polls[0][0]]
        rows_used = ref.memo(
            ("poll_evidence", field, as_of, window_days, pollster), lambda: evidence(ref, [p[0] for p in polls], shown)
        )
        return judged(
            claim, self.name, ref, Observation(observed, when, text, rows_used, citation(ref, record)), decision
        )

    def plot(self, params: Params, claim: Mapping[str, Any], records: list[Record], table: Table) -> Plot:
        field, dated = params["field"], table.date_column
        points = tuple(
            (r[dated], float(r[field])) for r in records if dated and r.get(field) is not None and r.get(dated)
        )
        return Plot("dots", points, params["label"], f"Each dot is a published figure from {table.title}.")
