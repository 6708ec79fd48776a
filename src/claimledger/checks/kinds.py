"""The check kinds: small pure functions from a claim, its metric's parameters and a reference table to a verdict.

Each follows DESIGN.md's qualifier semantics through the claim's interval; each uses only rows published on or
before the claim's as-of date. The daily-series kinds are in checks/daily.py, the population kind in
checks/population.py; both register here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Callable

from claimledger.checks.model import CheckResult, Reference, Verdict
from claimledger.checks.rows import Record, citation, evidence, record_date, rows
from claimledger.claims.model import Claim
from claimledger.claims.qualifiers import STATED_PERCENT_POINTS, Interval, counts_whole_units

Check = Callable[[Claim, dict[str, Any], Reference, date], CheckResult]
CHECKS: dict[str, Check] = {}

DAYS_PER_MONTH = 365.25 / 12


def check_kind(name: str) -> Callable[[Check], Check]:
    """Register a check under the name metrics.toml uses for it."""
    def register(fn: Check) -> Check:
        CHECKS[name] = fn
        return fn
    return register


def claimed(claim: Claim) -> Interval:
    return Interval(claim.low, claim.high, claim.low_inclusive, claim.high_inclusive)


def fmt(value: float) -> str:
    """Numbers as a reader expects them: 53,010 / 57.35 / 19.3."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def published(ref: Reference, as_of: date) -> tuple[Record, ...]:
    """Rows public on or before as_of: a row dated D counts as public on D + the source's publication lag."""
    return rows(ref).published_by(as_of)


def verdict_line(observed_text: str, claim: Claim, interval: Interval, holds: bool, ref: Reference) -> str:
    return (f"{observed_text} ({ref.source}); '{claim.quote}' needs {interval.describe(fmt)}: "
            f"{'holds' if holds else 'does not hold'}")


def result(claim: Claim, kind: str, ref: Reference, *, holds: bool, observed: float, when: date | None,
           explanation: str, tolerance: str, evidence: tuple, citation: str | None = None,
           window: Interval | None = None) -> CheckResult:
    """A compared check. Its verdict is the rule's and is recorded as it is; the run's invariants (checks/invariants.py)
    only make sure it sits on the right side of the window."""
    window = window or claimed(claim)
    return CheckResult(
        claim_id=claim.id, check_kind=kind, verdict=Verdict.PASS if holds else Verdict.FAIL, explanation=explanation,
        metric=claim.metric, low=claim.low, high=claim.high, observed=float(observed),
        reference_date=when, source=ref.source, snapshot_sha256=ref.snapshot_sha256, tolerance=tolerance,
        citation=citation, evidence=evidence, window_low=window.low, window_high=window.high,
        window_low_inclusive=window.low_inclusive, window_high_inclusive=window.high_inclusive,
    )


def unverifiable(claim: Claim, kind: str, why: str, ref: Reference | None = None) -> CheckResult:
    return CheckResult(
        claim_id=claim.id, check_kind=kind, verdict=Verdict.UNVERIFIABLE, explanation=why, metric=claim.metric,
        low=claim.low, high=claim.high, source=ref.source if ref else None,
        snapshot_sha256=ref.snapshot_sha256 if ref else None,
    )


@dataclass(frozen=True)
class _Year:
    """One year's published figure, its date, evidence row and citation, looked up once per table and date."""

    value: float
    when: date | None
    evidence: tuple[dict[str, Any], ...]
    citation: str | None


def _years(params: dict, ref: Reference, as_of: date) -> dict[int, _Year]:
    """The yearly figures of a field published by as_of, by year."""
    period_column, field = params.get("period_column", "year"), params["field"]

    def by_year() -> dict[int, _Year]:
        return {int(r[period_column]): _Year(float(r[field]), record_date(ref, r),
                                             evidence(ref, [r], [period_column, field]), citation(ref, r))
                for r in published(ref, as_of) if r.get(field) is not None and r.get(period_column) is not None}

    return ref.memo(("years", field, period_column, as_of), by_year)


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


@check_kind("annual_value")
def annual_value(claim: Claim, params: dict, ref: Reference, as_of: date) -> CheckResult:
    """A yearly figure against the row of the year the sentence names; no year named, or no row, is unverifiable."""
    year, why = claimed_year(claim, ref.source)
    if year is None:
        return unverifiable(claim, "annual_value", why, ref)
    years = _years(params, ref, as_of)
    if year not in years:
        return unverifiable(claim, "annual_value", f"{ref.source} has no figure for {year} published by {as_of}", ref)
    figure, interval = years[year], claimed(claim)
    holds = interval.contains(figure.value)
    text = f"{fmt(figure.value)} {params.get('label', claim.metric)} in {year} (row published by {figure.when})"
    return result(claim, "annual_value", ref, holds=holds, observed=figure.value, when=figure.when,
                  explanation=verdict_line(text, claim, interval, holds, ref), tolerance=tolerance_of(claim),
                  evidence=figure.evidence, citation=figure.citation)


@check_kind("annual_change")
def annual_change(claim: Claim, params: dict, ref: Reference, as_of: date) -> CheckResult:
    """A change ("surged by 285 percent in 2024") computed from the two years' published figures."""
    year, why = claimed_year(claim, ref.source)
    if year is None:
        return unverifiable(claim, "annual_change", why, ref)
    years = _years(params, ref, as_of)
    if year not in years or year - 1 not in years:
        return unverifiable(claim, "annual_change", f"{ref.source} lacks {year} or {year and year - 1} "
                            f"figures published by {as_of}", ref)
    before, after = years[year - 1], years[year]
    if before.value == 0:
        return unverifiable(claim, "annual_change", f"{params['field']} is 0 in {year - 1}: no percent change", ref)
    observed = 100 * (after.value - before.value) / before.value
    interval = claimed(claim)
    holds = interval.contains(observed)
    text = (f"{params.get('label', claim.metric)}: {fmt(before.value)} in {year - 1} -> {fmt(after.value)} in {year} "
            f"= {observed:+.1f}%")
    return result(claim, "annual_change", ref, holds=holds, observed=observed, when=after.when,
                  explanation=verdict_line(text, claim, interval, holds, ref), tolerance="10% of the claimed change",
                  evidence=before.evidence + after.evidence, citation=after.citation)


POLLSTER_WINDOW_DAYS = 14  # a figure attributed to a pollster is that pollster's latest poll, days old at most


def _polls(ref: Reference, field: str, as_of: date, window_days: int,
           pollster: str | None) -> list[tuple[Record, float, float]]:
    """The polls on the question published in the window before as_of (of one pollster, if named):
    [(record, value, margin)]."""
    since = as_of - timedelta(days=window_days)
    polls = []
    for r in published(ref, as_of):
        if r.get(field) is None or record_date(ref, r) < since:
            continue
        if pollster is not None and r.get("pollster") != pollster:
            continue
        margin = r.get("margin_of_error_pct")
        polls.append((r, float(r[field]), STATED_PERCENT_POINTS if margin is None else float(margin)))
    return polls


def named_pollster(claim: Claim, ref: Reference) -> str | None:
    """The table's pollster the claim's frame attributes the figure to ("Channel 12" in "Channel 12 news"), if any."""
    said = claim.frame.attribution if claim.frame else None
    if not said:
        return None
    pollsters = ref.memo(("pollsters",), lambda: sorted({str(r["pollster"]) for r in rows(ref).records
                                                          if r.get("pollster") is not None}))
    for name in pollsters:
        if _names_in(said, name) or _names_in(name, said):
            return name
    return None


def _names_in(short: str, long: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(short)}(?!\w)", long, re.IGNORECASE) is not None


@check_kind("poll")
def poll(claim: Claim, params: dict, ref: Reference, as_of: date) -> CheckResult:
    """A poll figure against the polls published before the article, within each poll's margin.

    Attributed to a pollster in the table: that pollster's polls of the last 14 days decide, and a fail is
    possible. Not attributed: a pass when some poll of the window fits, else unverifiable (the figure may be from a
    poll the table lacks), never a fail.
    """
    field, label = params["field"], params.get("label", claim.metric)
    pollster = named_pollster(claim, ref)
    window_days = int(params.get("pollster_window_days", POLLSTER_WINDOW_DAYS)) if pollster \
        else int(params.get("window_days", 365))
    polls = ref.memo(("polls", field, as_of, window_days, pollster),
                     lambda: _polls(ref, field, as_of, window_days, pollster))
    since = as_of - timedelta(days=window_days)
    if not polls:
        who = f"{pollster} poll" if pollster else "poll"
        return unverifiable(claim, "poll", f"no {ref.source} {who} published between {since} and {as_of}", ref)
    interval = claimed(claim)
    scored = []
    for record, value, margin in polls:
        # A bare figure is held to the poll's margin instead of the stated-percent 3 points; a qualified one
        # keeps its qualifier's interval, widened by the margin.
        decision = Interval(claim.value - margin, claim.value + margin) if claim.qualifier == "exact" \
            else interval.widened(margin)
        holds = decision.contains(value)
        scored.append((not holds, decision.distance(value), -record_date(ref, record).toordinal(), record, margin, holds, decision))
    _, _, _, record, margin, holds, decision = min(scored, key=lambda s: s[:3])
    observed, when = float(record[field]), record_date(ref, record)
    who = record.get("pollster") or ref.title
    text = (f"{who} poll published {when}: {fmt(observed)}% ({label}; margin {fmt(margin)} points; "
            f"{len(polls)} {'of its' if pollster else ''} poll(s) in the {window_days} days before {as_of})"
            ).replace("  ", " ")
    if not holds and pollster is None:
        return unverifiable(claim, "poll", f"no poll in the table matches '{claim.quote}' and the text names no "
                            f"pollster to hold it to; the nearest is {text}", ref)
    return result(claim, "poll", ref, holds=holds, observed=observed, when=when, window=decision,
                  explanation=verdict_line(text, claim, decision, holds, ref), tolerance=f"{fmt(margin)} points",
                  evidence=ref.memo(("poll_evidence", field, as_of, window_days, pollster), lambda: evidence(
                      ref, [p[0] for p in polls], [c for c in ("poll_id", "pollster", field) if c in polls[0][0]])),
                  citation=citation(ref, record))


@check_kind("count_entities")
def count_entities(claim: Claim, params: dict, ref: Reference, as_of: date) -> CheckResult:
    """A count of countries (or other entities) against the distinct entities listed by the article's date."""
    column = params["entity_column"]

    def listed() -> tuple[list[str], tuple, str | None]:
        records = [r for r in published(ref, as_of) if r.get(column) is not None]
        shown = [column, *(c for c in ("action",) if records and c in records[0])]
        return (sorted({str(r[column]) for r in records}), evidence(ref, records, shown),
                citation(ref, records[-1] if records else None))

    names, rows_used, cited = ref.memo(("entities", column, as_of), listed)
    observed, interval = float(len(names)), claimed(claim)
    holds = interval.contains(observed)
    shown = ", ".join(names[:6]) + (", ..." if len(names) > 6 else "")
    text = f"{len(names)} {claim.counted or column} listed by {as_of}: {shown}"
    return result(claim, "count_entities", ref, holds=holds, observed=observed, when=as_of,
                  explanation=verdict_line(text, claim, interval, holds, ref), tolerance=tolerance_of(claim),
                  evidence=rows_used, citation=cited)


@check_kind("duration_since")
def duration_since(claim: Claim, params: dict, ref: Reference, as_of: date) -> CheckResult:
    """A duration ("twenty months" of war) against the time from the start event to the article's date."""
    def start_event() -> tuple[date | None, tuple, str | None]:
        event = next((r for r in rows(ref).records if r.get("event_id") == params["event"]), None)
        if event is None:
            return None, (), None
        return record_date(ref, event), evidence(ref, [event], ["event_id", "description"]), citation(ref, event)

    start, rows_used, cited = ref.memo(("event", params["event"]), start_event)
    if start is None:
        return unverifiable(claim, "duration_since", f"{ref.source} has no event {params['event']!r}", ref)
    if start > as_of:  # an event still to come on the date: no time since it to hold the figure to
        return unverifiable(claim, "duration_since", f"{params['event']} ({start}, {ref.source}) is after {as_of}",
                            ref)
    per_unit = {"months": DAYS_PER_MONTH, "years": 365.25, "weeks": 7.0, "days": 1.0}[claim.unit]
    interval = claimed(claim)
    said = _said_when(claim, as_of)
    if said is not None and said[0] > start + timedelta(days=31):
        # "In January, ... after 15 months of war": any day from the start of the month the sentence names to the
        # article's date (a month naming the start itself, "the war that began in October 2023", is no such time)
        first, label = said
        low, high = (first - start).days / per_unit, (as_of - start).days / per_unit
        holds = interval.overlaps(low, high)
        observed = _value_in(interval, low, high) if holds else (
            low if interval.high is not None and interval.high < low else high)
        text = (f"{fmt(low)} to {fmt(high)} {claim.unit} from {params['event']} ({start}) to a day from {label} "
                f"(the time the sentence names) to {as_of}")
    else:
        observed = (as_of - start).days / per_unit
        holds = interval.contains(observed)
        text = f"{fmt(observed)} {claim.unit} from {params['event']} ({start}) to {as_of}"
        if claim.unit == "days" and not holds and interval.contains(observed + 1):
            # Days are counted both ways: 25 days after the start is also its day 26, the first day counted as one
            observed, holds = observed + 1, True
            text = f"day {fmt(observed)} counted from {params['event']} ({start}) as day one to {as_of}"
    return result(claim, "duration_since", ref, holds=holds, observed=observed, when=start,
                  explanation=verdict_line(text, claim, interval, holds, ref), tolerance=tolerance_of(claim),
                  evidence=rows_used, citation=cited)


def _value_in(interval: Interval, low: float, high: float) -> float:
    """A value from low to high that the interval holds (it overlaps them): the one nearest the interval's low end,
    else, where that end is strict, the span's own high end or the middle of what the two share."""
    nearest = min(max(low, interval.low if interval.low is not None else low), high)
    if interval.contains(nearest):
        return nearest
    if interval.contains(high):
        return high
    shared_high = high if interval.high is None else min(high, interval.high)
    return (nearest + shared_high) / 2


def _said_when(claim: Claim, as_of: date) -> tuple[date, str] | None:
    """The first day of the month or year a duration's sentence names as its time (the frame's time `end`), when
    that is before the article's date."""
    end = claim.frame.time.end if claim.frame and claim.frame.time else None
    if end is None or not re.fullmatch(r"\d{4}(?:-\d{2})?", end):
        return None
    first = date(int(end[:4]), int(end[5:]) if len(end) > 4 else 1, 1)
    return (first, end) if first <= as_of else None


_STOPWORDS = frozenset("""a an the of and or to in on at for by with from as is was were be been has have had it its
their them they this that these those who which while even if into over than then also not no his her he she we
our you your i me my us more most some any all each per after before during since until about""".split())


def _content_words(text: str) -> set[str]:
    return {w.rstrip("s") for w in re.findall(r"[a-z]+", text.lower()) if w not in _STOPWORDS and len(w) > 2}


@check_kind("event_value")
def event_value(claim: Claim, params: dict, ref: Reference, as_of: date) -> CheckResult:
    """A figure reported for a dated event, matched to the event whose description shares most words."""
    def events_with_figures() -> list[tuple[Record, set[str]]]:
        return [(r, _content_words(str(r.get("description") or ""))) for r in published(ref, as_of)
                if r.get("value") is not None]

    described = ref.memo(("events", as_of), events_with_figures)
    sentence_words = _content_words(claim.sentence)
    scored = [(len(sentence_words & words), i) for i, (_, words) in enumerate(described)]
    scored = [s for s in scored if s[0] >= int(params.get("min_overlap", 3))]
    if not scored:
        return unverifiable(claim, "event_value", f"no event in {ref.source} published by {as_of} matches "
                            f"this sentence", ref)
    overlap, index = max(scored)
    event = described[index][0]
    observed, when, interval = float(event["value"]), record_date(ref, event), claimed(claim)
    holds = interval.contains(observed)
    text = f"{fmt(observed)} {event.get('unit') or ''} for '{event['description']}' on {when}".replace("  ", " ")
    return result(claim, "event_value", ref, holds=holds, observed=observed, when=when,
                  explanation=verdict_line(text, claim, interval, holds, ref), tolerance=tolerance_of(claim),
                  evidence=evidence(ref, [event], ["event_id", "description", "value", "unit"]),
                  citation=citation(ref, event))


def tolerance_of(claim: Claim) -> str:
    """The rule of DESIGN.md's table that set the claim's interval, in words for the ledger."""
    if claim.qualifier != "exact":
        return claim.qualifier
    if claim.unit == "percent":
        return "5 points (verbal fraction)" if claim.form == "fraction" else "3 points (stated percent)"
    if claim.unit == "percent_change":
        return "10% of the claimed change"
    if counts_whole_units(claim.value, claim.unit, claim.form):
        return "whole units: completed, or rounded to the nearest"
    if claim.form in ("round", "words"):
        return "round figure: half a unit of the last significant digit, else within 10%"
    return "2% (exact figure)"
