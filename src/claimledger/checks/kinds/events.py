"""Kinds against a timeline of dated events: the time since an event ("twenty months" of war), and a figure reported
for an event ("nearly 1,000 reservists signed")."""

from __future__ import annotations

import re
from datetime import date, timedelta

from claimledger.checks.kind import (
    CheckKind,
    Observation,
    Params,
    check_kind,
    claimed,
    fmt,
    judged,
    published,
    unverifiable,
)
from claimledger.checks.model import CheckResult, Reference
from claimledger.checks.rows import Record, citation, evidence, record_date, rows
from claimledger.claims.model import Claim
from claimledger.claims.qualifiers import Interval

DAYS_PER_MONTH = 365.25 / 12
_DAYS_PER_UNIT = {"months": DAYS_PER_MONTH, "years": 365.25, "weeks": 7.0, "days": 1.0}


@check_kind
class DurationSince(CheckKind):
    """A duration against the time from the start event (the row whose `event_column` is the metric's `event`) to
    the article's date."""

    name = "duration_since"
    requires = ("event", "event_column", "description_column")

    def check(self, claim: Claim, params: Params, ref: Reference, as_of: date) -> CheckResult:
        event_column, name = params["event_column"], params["event"]

        def start_event() -> tuple[date | None, tuple[Record, ...], str | None]:
            event = _event(ref, event_column, name)
            if event is None:
                return None, (), None
            return (
                record_date(ref, event),
                evidence(ref, [event], [event_column, params["description_column"]]),
                citation(ref, event),
            )

        start, rows_used, cited = ref.memo(("event", event_column, name), start_event)
        if start is None:
            return unverifiable(claim, self.name, f"{ref.source} has no event {name!r}", ref)
        if start > as_of:  # an event still to come on the date: no time since it to hold the figure to
            return unverifiable(claim, self.name, f"{name} ({start}, {ref.source}) is after {as_of}", ref)
        per_unit = _DAYS_PER_UNIT[claim.unit]
        interval = claimed(claim)
        said = _said_when(claim, as_of)
        paused = _paused_on(params, ref, as_of)
        reach = None  # the earliest day the span may end on, and the words for "to" it
        if paused is not None and said is None:
            # "the 15-month war" said while it is paused: its length to the pause, or to the article's date, or any
            # day between (a fail needs none of them to fit)
            pause, pause_name = paused
            reach = pause, f"{pause_name} ({pause}), the pause it was in on {as_of}, or to {as_of}"
        elif said is not None and said[0] > start + timedelta(days=31):
            # "In January, ... after 15 months of war": any day from the start of the month the sentence names to
            # the article's date (a month naming the start itself, "the war that began in October 2023", is no such
            # time)
            first, label = said
            reach = first, f"a day from {label} (the time the sentence names) to {as_of}"
        if reach is not None:
            low, high = (reach[0] - start).days / per_unit, (as_of - start).days / per_unit
            text = f"{fmt(low)} to {fmt(high)} {claim.unit} from {name} ({start}) to {reach[1]}"
            seen = Observation(_reported(interval, low, high), start, text, rows_used, cited, span=(low, high))
        else:
            observed = (as_of - start).days / per_unit
            text = f"{fmt(observed)} {claim.unit} from {name} ({start}) to {as_of}"
            if claim.unit == "days" and not interval.contains(observed) and interval.contains(observed + 1):
                # Days are counted both ways: 25 days after the start is also its day 26, the first day counted as one
                observed += 1
                text = f"day {fmt(observed)} counted from {name} ({start}) as day one to {as_of}"
            seen = Observation(observed, start, text, rows_used, cited)
        time = claim.frame.time if claim.frame else None
        shortest = low if reach is not None else seen.value
        told = time.text if time is not None and time.kind == "after_start" else None
        if told and not re.search(r"\bsince\b", told) and interval.high is not None and interval.high < shortest:
            # "Two weeks after the war began, troops entered the city": the time of an event the sentence tells,
            # which may lie before the article's date; too short for that date, so it is not held to it ("since"
            # runs to the article's date)
            return unverifiable(
                claim,
                self.name,
                f"'{told}' may date an earlier event the sentence tells: shorter than the {text}, so not held "
                f"to {as_of}",
                ref,
            )
        return judged(claim, self.name, ref, seen, interval)


def _event(ref: Reference, event_column: str, event_id: object) -> Record | None:
    """The timeline's row of one event, by its id."""
    return next((r for r in rows(ref).records if r.get(event_column) == event_id), None)


def _paused_on(params: Params, ref: Reference, as_of: date) -> tuple[date, str] | None:
    """The day the event's course was paused (the metric's `paused_by` event), when the article falls in the pause:
    after it and before its `resumed_by` event, if that has come."""
    paused_by, resumed_by, event_column = params.get("paused_by"), params.get("resumed_by"), params["event_column"]
    if not paused_by:
        return None

    def day_of_event(event_id: object) -> date | None:
        event = _event(ref, event_column, event_id)
        return record_date(ref, event) if event is not None else None

    pause = ref.memo(("event", event_column, paused_by, "day"), lambda: day_of_event(paused_by))
    resumed = (
        ref.memo(("event", event_column, resumed_by, "day"), lambda: day_of_event(resumed_by)) if resumed_by else None
    )
    if pause is None or pause > as_of or (resumed is not None and resumed <= as_of):
        return None
    return pause, str(paused_by)


def _reported(interval: Interval, low: float, high: float) -> float:
    """The value of low..high a span observation reports: when the interval meets the span, a value both hold (the
    one nearest the interval's low end, else, where that end is strict, the span's high end or the middle of what
    they share), so a pass never reports a value outside its window; else the end of the span nearest the claim."""
    if not interval.overlaps(low, high):
        return low if interval.high is not None and interval.high <= low else high
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


_STOPWORDS = frozenset(
    """a an the of and or to in on at for by with from as is was were be been has have had it its
their them they this that these those who which while even if into over than then also not no his her he she we
our you your i me my us more most some any all each per after before during since until about""".split()
)


def _content_words(text: str) -> set[str]:
    return {w.rstrip("s") for w in re.findall(r"[a-z]+", text.lower()) if w not in _STOPWORDS and len(w) > 2}


@check_kind
class EventValue(CheckKind):
    """A figure reported for a dated event, matched to the event whose description shares most words (at least
    `min_overlap`)."""

    name = "event_value"
    requires = ("event_column", "description_column", "value_column", "unit_column", "min_overlap")

    def check(self, claim: Claim, params: Params, ref: Reference, as_of: date) -> CheckResult:
        described_by, value, unit = params["description_column"], params["value_column"], params["unit_column"]

        def events_with_figures() -> list[tuple[Record, set[str]]]:
            return [
                (r, _content_words(str(r.get(described_by) or "")))
                for r in published(ref, as_of)
                if r.get(value) is not None
            ]

        described = ref.memo(("events", described_by, value, as_of), events_with_figures)
        sentence_words = _content_words(claim.sentence)
        scored = [(len(sentence_words & words), i) for i, (_, words) in enumerate(described)]
        scored = [s for s in scored if s[0] >= int(params["min_overlap"])]
        if not scored:
            return unverifiable(
                claim, self.name, f"no event in {ref.source} published by {as_of} matches this sentence", ref
            )
        _, index = max(scored)
        event = described[index][0]
        observed, when = float(event[value]), record_date(ref, event)
        text = f"{fmt(observed)} {event.get(unit) or ''} for '{event[described_by]}' on {when}".replace("  ", " ")
        rows_used = evidence(ref, [event], [params["event_column"], described_by, value, unit])
        return judged(
            claim, self.name, ref, Observation(observed, when, text, rows_used, citation(ref, event)), claimed(claim)
        )
