"""The check kinds: small pure functions from a claim, its metric's parameters and a reference table to a verdict.

Each follows DESIGN.md's qualifier semantics through the claim's interval; each uses only rows published on or
before the claim's as-of date.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any, Callable

import pandas as pd

from claimledger.checks.model import CheckResult, Reference
from claimledger.claims.model import Claim
from claimledger.claims.qualifiers import STATED_PERCENT_POINTS, Interval

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


def published_rows(ref: Reference, as_of: date) -> pd.DataFrame:
    """Rows public on or before as_of: a row dated D counts as public on D + the source's publication lag."""
    if ref.date_column is None:
        return ref.frame
    dates = ref.memo(("dates",), lambda: pd.to_datetime(ref.frame[ref.date_column]))
    cutoff = pd.Timestamp(as_of) - pd.Timedelta(days=ref.publication_lag_days)
    return ref.memo(("published", as_of), lambda: ref.frame[dates <= cutoff])


def _row_date(ref: Reference, row: pd.Series) -> date | None:
    if ref.date_column is None or pd.isna(row[ref.date_column]):
        return None
    return pd.Timestamp(row[ref.date_column]).date()


def _evidence(ref: Reference, rows: pd.DataFrame, columns: list[str]) -> tuple[dict[str, Any], ...]:
    """The reference rows a verdict rests on, as plain JSON values (the same rows are asked for again and again)."""
    key = ("evidence", tuple(map(str, rows.index)), tuple(columns))
    return ref.memo(key, lambda: _evidence_rows(ref, rows, columns))


def _evidence_rows(ref: Reference, rows: pd.DataFrame, columns: list[str]) -> tuple[dict[str, Any], ...]:
    keep = [c for c in [ref.date_column, *columns, ref.citation_column] if c and c in rows.columns]
    out = []
    for record in rows[list(dict.fromkeys(keep))].to_dict("records"):
        out.append({k: (v.date().isoformat() if isinstance(v, pd.Timestamp) else (None if pd.isna(v) else v))
                    for k, v in record.items()})
    return tuple(out)


def _citation(ref: Reference, row: pd.Series) -> str | None:
    if ref.citation_column and ref.citation_column in row and not pd.isna(row[ref.citation_column]):
        return str(row[ref.citation_column])
    return None


def verdict_line(observed_text: str, claim: Claim, interval: Interval, holds: bool, ref: Reference) -> str:
    return (f"{observed_text} ({ref.source}); '{claim.quote}' needs {interval.describe(fmt)}: "
            f"{'holds' if holds else 'does not hold'}")


def result(claim: Claim, kind: str, ref: Reference, *, holds: bool, observed: float, when: date | None,
           explanation: str, tolerance: str, evidence: tuple, citation: str | None = None,
           window: Interval | None = None) -> CheckResult:
    """A compared check; its verdict here is the pure rule's, which the run's GX evidence validation confirms."""
    window = window or claimed(claim)
    return CheckResult(
        claim_id=claim.id, check_kind=kind, verdict="pass" if holds else "fail", explanation=explanation,
        metric=claim.metric, low=claim.low, high=claim.high, observed=float(observed),
        reference_date=when, source=ref.source, snapshot_sha256=ref.snapshot_sha256, tolerance=tolerance,
        citation=citation, evidence=evidence, window_low=window.low, window_high=window.high,
        window_low_inclusive=window.low_inclusive, window_high_inclusive=window.high_inclusive,
    )


def unverifiable(claim: Claim, kind: str, why: str, ref: Reference | None = None) -> CheckResult:
    return CheckResult(
        claim_id=claim.id, check_kind=kind, verdict="unverifiable", explanation=why, metric=claim.metric,
        low=claim.low, high=claim.high, source=ref.source if ref else None,
        snapshot_sha256=ref.snapshot_sha256 if ref else None,
    )


def _latest_in_window(claim: Claim, params: dict, ref: Reference, as_of: date,
                      columns: list[str]) -> tuple[pd.Series | None, str]:
    window = int(params.get("window_days", 3))
    return ref.memo(("latest", as_of, tuple(columns), window),
                    lambda: _find_latest_in_window(ref, as_of, columns, window))


def _find_latest_in_window(ref: Reference, as_of: date, columns: list[str], window: int) -> tuple[pd.Series | None, str]:
    rows = published_rows(ref, as_of).dropna(subset=columns)
    if rows.empty:
        return None, f"no {ref.source} report published by {as_of}"
    row = rows.iloc[-1] if ref.date_column is None else rows.loc[pd.to_datetime(rows[ref.date_column]).idxmax()]
    when = _row_date(ref, row)
    if when is not None and (as_of - when).days > window + ref.publication_lag_days:
        return None, f"latest {ref.source} report before {as_of} is from {when}, more than {window} days earlier"
    return row, ""


@check_kind("value_at_date")
def value_at_date(claim: Claim, params: dict, ref: Reference, as_of: date) -> CheckResult:
    """A running total (killed, injured) against the nearest report published before the article."""
    field = params["field"]
    row, why = _latest_in_window(claim, params, ref, as_of, [field])
    if row is None:
        return unverifiable(claim, "value_at_date", why, ref)
    observed, when, interval = float(row[field]), _row_date(ref, row), claimed(claim)
    holds = interval.contains(observed)
    text = f"{fmt(observed)} {params.get('label', claim.metric)} on {when}"
    return result(claim, "value_at_date", ref, holds=holds, observed=observed, when=when,
                  explanation=verdict_line(text, claim, interval, holds, ref), tolerance=_tolerance(claim),
                  evidence=_evidence(ref, row.to_frame().T, [field]), citation=_citation(ref, row))


@check_kind("share_at_date")
def share_at_date(claim: Claim, params: dict, ref: Reference, as_of: date) -> CheckResult:
    """A share ("two-thirds of them women and children") against part / total on the same report."""
    parts, total = list(params["numerator"]), params["denominator"]
    row, why = _latest_in_window(claim, params, ref, as_of, [*parts, total])
    if row is None:
        return unverifiable(claim, "share_at_date", why, ref)
    if float(row[total]) <= 0:
        return unverifiable(claim, "share_at_date", f"{total} is 0 on {_row_date(ref, row)}", ref)
    part = sum(float(row[p]) for p in parts)
    observed = 100 * part / float(row[total])  # compared unrounded: rounding first moves boundary verdicts
    when, interval = _row_date(ref, row), claimed(claim)
    holds = interval.contains(observed)
    text = (f"{fmt(observed)}% on {when} ({' + '.join(fmt(float(row[p])) for p in parts)} of "
            f"{fmt(float(row[total]))})")
    return result(claim, "share_at_date", ref, holds=holds, observed=observed, when=when,
                  explanation=verdict_line(text, claim, interval, holds, ref), tolerance=_tolerance(claim),
                  evidence=_evidence(ref, row.to_frame().T, [*parts, total]), citation=_citation(ref, row))


def _annual_rows(claim: Claim, params: dict, ref: Reference, as_of: date) -> tuple[pd.DataFrame, int | None]:
    period_column, field = params.get("period_column", "year"), params["field"]

    def by_year() -> pd.DataFrame:
        rows = published_rows(ref, as_of).dropna(subset=[field])
        return rows.set_index(rows[period_column].astype(int), drop=False)

    rows = ref.memo(("annual", field, period_column, as_of), by_year)
    year = int(claim.period[:4]) if claim.period else (int(rows.index.max()) if not rows.empty else None)
    return rows, year


@check_kind("annual_value")
def annual_value(claim: Claim, params: dict, ref: Reference, as_of: date) -> CheckResult:
    """A yearly figure against the year the sentence names, else the latest year published before the article."""
    field = params["field"]
    rows, year = _annual_rows(claim, params, ref, as_of)
    if year is None or year not in rows.index:
        return unverifiable(claim, "annual_value", f"{ref.source} has no figure for {year or 'any year'} "
                            f"published by {as_of}", ref)
    row = rows.loc[year]
    observed, interval = float(row[field]), claimed(claim)
    holds = interval.contains(observed)
    text = f"{fmt(observed)} {params.get('label', claim.metric)} in {year}"
    return result(claim, "annual_value", ref, holds=holds, observed=observed, when=_row_date(ref, row),
                  explanation=verdict_line(text, claim, interval, holds, ref), tolerance=_tolerance(claim),
                  evidence=_evidence(ref, row.to_frame().T, [params.get("period_column", "year"), field]),
                  citation=_citation(ref, row))


@check_kind("annual_change")
def annual_change(claim: Claim, params: dict, ref: Reference, as_of: date) -> CheckResult:
    """A change ("surged by 285 percent in 2024") computed from the two years' published figures."""
    field = params["field"]
    rows, year = _annual_rows(claim, params, ref, as_of)
    if year is None or year not in rows.index or year - 1 not in rows.index:
        return unverifiable(claim, "annual_change", f"{ref.source} lacks {year} or {year and year - 1} "
                            f"figures published by {as_of}", ref)
    before, after = float(rows.loc[year - 1][field]), float(rows.loc[year][field])
    if before == 0:
        return unverifiable(claim, "annual_change", f"{field} is 0 in {year - 1}: no percent change", ref)
    observed = 100 * (after - before) / before
    interval = claimed(claim)
    holds = interval.contains(observed)
    text = f"{fmt(before)} in {year - 1} -> {fmt(after)} in {year} = {observed:+.1f}%"
    row = rows.loc[year]
    return result(claim, "annual_change", ref, holds=holds, observed=observed, when=_row_date(ref, row),
                  explanation=verdict_line(text, claim, interval, holds, ref), tolerance="10% of the claimed change",
                  evidence=_evidence(ref, rows.loc[[year - 1, year]], [params.get("period_column", "year"), field]),
                  citation=_citation(ref, row))


def _polls(ref: Reference, field: str, as_of: date, window_days: int) -> tuple[pd.DataFrame, list[tuple]]:
    """The polls on the question published in the window before as_of: (rows, [(row, value, margin, ns)])."""
    rows = published_rows(ref, as_of).dropna(subset=[field])
    rows = rows[pd.to_datetime(rows[ref.date_column]) >= pd.Timestamp(as_of - timedelta(days=window_days))]
    polls = []
    for _, row in rows.iterrows():
        margin = row.get("margin_of_error_pct")
        margin = STATED_PERCENT_POINTS if margin is None or pd.isna(margin) else float(margin)
        polls.append((row, float(row[field]), margin, pd.Timestamp(row[ref.date_column]).value))
    return rows, polls


@check_kind("poll")
def poll(claim: Claim, params: dict, ref: Reference, as_of: date) -> CheckResult:
    """Some poll on the question, published in the window before the article, within its margin of the claim."""
    field, window_days = params["field"], int(params.get("window_days", 365))
    rows, polls = ref.memo(("polls", field, as_of, window_days), lambda: _polls(ref, field, as_of, window_days))
    if not polls:
        return unverifiable(claim, "poll", f"no {ref.source} poll published between "
                            f"{as_of - timedelta(days=window_days)} and {as_of}", ref)
    interval = claimed(claim)
    scored = []
    for row, value, margin, published_ns in polls:
        # A bare figure is held to the poll's margin instead of the stated-percent 3 points; a qualified one
        # keeps its qualifier's interval, widened by the margin.
        decision = Interval(claim.value - margin, claim.value + margin) if claim.qualifier == "exact" \
            else interval.widened(margin)
        holds = decision.contains(value)
        gap = 0.0 if holds else min(abs(value - b) for b in (decision.low, decision.high) if b is not None)
        scored.append((not holds, gap, -published_ns, row, margin, holds, decision))
    _, _, _, row, margin, holds, decision = min(scored, key=lambda s: s[:3])
    observed, when = float(row[field]), _row_date(ref, row)
    who = row.get("pollster", ref.title)
    text = (f"{who} poll published {when}: {fmt(observed)}% (margin {fmt(margin)} points; "
            f"{len(polls)} poll(s) in the {window_days} days before {as_of})")
    return result(claim, "poll", ref, holds=holds, observed=observed, when=when, window=decision,
                  explanation=verdict_line(text, claim, decision, holds, ref), tolerance=f"{fmt(margin)} points",
                  evidence=_evidence(ref, rows, [c for c in ("poll_id", "pollster", field) if c in rows.columns]),
                  citation=_citation(ref, row))


@check_kind("count_entities")
def count_entities(claim: Claim, params: dict, ref: Reference, as_of: date) -> CheckResult:
    """A count of countries (or other entities) against the distinct entities listed by the article's date."""
    column = params["entity_column"]

    def listed() -> tuple[list[str], tuple, str | None]:
        rows = published_rows(ref, as_of).dropna(subset=[column])
        last = rows.loc[pd.to_datetime(rows[ref.date_column]).idxmax()] if not rows.empty and ref.date_column \
            else None
        evidence = _evidence(ref, rows, [column, *(c for c in ("action",) if c in rows.columns)])
        return sorted(set(rows[column].astype(str))), evidence, _citation(ref, last) if last is not None else None

    names, evidence, citation = ref.memo(("entities", column, as_of), listed)
    observed, interval = float(len(names)), claimed(claim)
    holds = interval.contains(observed)
    shown = ", ".join(names[:6]) + (", ..." if len(names) > 6 else "")
    text = f"{len(names)} {claim.counted or column} listed by {as_of}: {shown}"
    return result(claim, "count_entities", ref, holds=holds, observed=observed, when=as_of,
                  explanation=verdict_line(text, claim, interval, holds, ref), tolerance=_tolerance(claim),
                  evidence=evidence, citation=citation)


@check_kind("duration_since")
def duration_since(claim: Claim, params: dict, ref: Reference, as_of: date) -> CheckResult:
    """A duration ("twenty months" of war) against the time from the start event to the article's date."""
    def start_event() -> tuple[date | None, tuple, str | None]:
        events = ref.frame[ref.frame["event_id"] == params["event"]]
        if events.empty:
            return None, (), None
        first = events.iloc[0]
        return (pd.Timestamp(first[ref.date_column]).date(), _evidence(ref, events, ["event_id", "description"]),
                _citation(ref, first))

    start, evidence, citation = ref.memo(("event", params["event"]), start_event)
    if start is None:
        return unverifiable(claim, "duration_since", f"{ref.source} has no event {params['event']!r}", ref)
    days = (as_of - start).days
    per_unit = {"months": DAYS_PER_MONTH, "years": 365.25, "weeks": 7.0, "days": 1.0}[claim.unit]
    observed, interval = days / per_unit, claimed(claim)
    holds = interval.contains(observed)
    text = f"{fmt(observed)} {claim.unit} from {params['event']} ({start}) to {as_of}"
    return result(claim, "duration_since", ref, holds=holds, observed=observed, when=start,
                  explanation=verdict_line(text, claim, interval, holds, ref), tolerance=_tolerance(claim),
                  evidence=evidence, citation=citation)


_STOPWORDS = frozenset("""a an the of and or to in on at for by with from as is was were be been has have had it its
their them they this that these those who which while even if into over than then also not no his her he she we
our you your i me my us more most some any all each per after before during since until about""".split())


def _content_words(text: str) -> set[str]:
    return {w.rstrip("s") for w in re.findall(r"[a-z]+", text.lower()) if w not in _STOPWORDS and len(w) > 2}


@check_kind("event_value")
def event_value(claim: Claim, params: dict, ref: Reference, as_of: date) -> CheckResult:
    """A figure reported for a dated event, matched to the event whose description shares most words."""
    def events_with_figures() -> tuple[pd.DataFrame, list[tuple[Any, set[str]]]]:
        rows = published_rows(ref, as_of)
        rows = rows[rows["value"].notna()] if "value" in rows.columns else rows.iloc[0:0]
        return rows, [(i, _content_words(str(r["description"]))) for i, r in rows.iterrows()]

    rows, described = ref.memo(("events", as_of), events_with_figures)
    sentence_words = _content_words(claim.sentence)
    scored = [(len(sentence_words & words), i) for i, words in described]
    scored = [s for s in scored if s[0] >= int(params.get("min_overlap", 3))]
    if not scored:
        return unverifiable(claim, "event_value", f"no event in {ref.source} published by {as_of} matches "
                            f"this sentence", ref)
    overlap, index = max(scored)
    row = rows.loc[index]
    observed, when, interval = float(row["value"]), _row_date(ref, row), claimed(claim)
    holds = interval.contains(observed)
    text = f"{fmt(observed)} {row.get('unit', '') or ''} for '{row['description']}' on {when}".replace("  ", " ")
    return result(claim, "event_value", ref, holds=holds, observed=observed, when=when,
                  explanation=verdict_line(text, claim, interval, holds, ref), tolerance=_tolerance(claim),
                  evidence=_evidence(ref, rows.loc[[index]], ["event_id", "description", "value", "unit"]),
                  citation=_citation(ref, row))


def _tolerance(claim: Claim) -> str:
    """The rule of DESIGN.md's table that set the claim's interval, in words for the ledger."""
    if claim.qualifier != "exact":
        return claim.qualifier
    if claim.unit == "percent":
        return "5 points (verbal fraction)" if claim.form == "fraction" else "3 points (stated percent)"
    if claim.unit == "percent_change":
        return "10% of the claimed change"
    if claim.form in ("round", "words"):
        return "round figure: half a unit of the last significant digit, else within 10%"
    return "2% (exact figure)"
