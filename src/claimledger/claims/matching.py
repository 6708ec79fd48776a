"""Precision first: a figure gets a metric only when its frame fits that metric completely and no other metric fits;
otherwise it gets none and the reason, which becomes its `unverifiable` explanation (a wrong fail is an accusation)."""

from __future__ import annotations

import re
from typing import NamedTuple

from claimledger.claims.lemmas import words_of
from claimledger.claims.model import Frame
from claimledger.claims.vocabulary import MetricRule, Vocabulary


class Match(NamedTuple):  # built once per claim: a NamedTuple costs a third of a frozen dataclass to build
    """The metric chosen and the frame slots that chose it, or no metric and why."""

    metric: MetricRule | None
    matched_on: tuple[str, ...] = ()
    reason: str | None = None


def match_metric(frame: Frame, unit: str, quote: str, sentence: str, vocabulary: Vocabulary) -> Match:
    """The one metric the frame fits, with the slots that matched; else the slot that kept it unchecked."""
    by_measure = vocabulary.metrics_by_unit_and_measure
    candidates = by_measure.get((unit, frame.measure), ()) if frame.measure is not None else ()
    if frame.measure is None or not candidates:
        what = f"'{quote}' ({unit})"
        if frame.measure is None:
            return Match(None, reason=f"no metric: the clause does not say what {what} measures: '{frame.clause}'")
        return Match(None, reason=f"{_described(frame)}: no registered source covers it")
    words = words_of(sentence)
    described = _described(frame)  # said once for the reasons of every candidate that misses
    fits: list[tuple[MetricRule, tuple[str, ...]]] = []
    misses: list[str] = []
    for rule in candidates:
        slots, miss = _fit(rule, frame, words, described)
        if miss is None:
            fits.append((rule, slots))
        else:
            misses.append(miss)
    if len(fits) > 1:
        return Match(
            None,
            reason="two metrics fit: "
            + ", ".join(f"{r.name} ({r.label})" for r, _ in fits)
            + f"; the clause does not say which: '{frame.clause}'",
        )
    if fits:
        return Match(fits[0][0], fits[0][1])
    return Match(None, reason=_first_reason(described, misses))


def _fit(rule: MetricRule, frame: Frame, words: frozenset[str], described: str) -> tuple[tuple[str, ...], str | None]:
    """The slots the frame matches on this metric, or the first slot that does not fit, said for a reader
    (`described`: the frame in words, _described)."""
    slots = [f"measure={frame.measure}"]
    restricted_ok = frame.restriction is not None and frame.restriction in rule.restricted_to
    if frame.restriction is not None and not restricted_ok:
        return (), f"restriction:a figure about a subgroup: '{frame.restriction}'"
    if restricted_ok:
        slots.append(f"restriction={frame.restriction}")
    if rule.counted and not restricted_ok:
        if (frame.counted or "") not in rule.counted and not (
            _since_its_start(frame, rule) or _named_start(frame, rule)
        ):
            return (), f"counted:{described}: no registered source covers it"
        slots.append(f"counted={frame.counted or ''}")
    if rule.subject:
        if (frame.subject or "") not in rule.subject:
            return (), f"subject:{described}: no registered source covers it"
        if frame.subject:
            slots.append(f"subject={frame.subject}")
    if rule.place is not None and not (frame.place is None and _since_its_start(frame, rule)):
        # "500 days since the October 7 massacre": the day itself names what the span is of, wherever it is said
        if frame.place is None:
            return (), f"place:the text does not say where '{frame.clause}' holds: {rule.label} needs {rule.place}"
        same = {rule.place, *rule.place_also}
        if frame.place.startswith("ambiguous") and not set(frame.place[len("ambiguous: ") :].split(" or ")) <= same:
            return (), f"place:the place is {frame.place} (both are named as near the figure)"
        if frame.place not in same and not frame.place.startswith("ambiguous") and rule.place != "any":
            return (), f"other:{described}: no registered source covers it"
        slots.append(f"place={frame.place}")
    time = frame.time
    kind = time.kind if time else "unsaid"
    granularity = f"period:{_granularity(time.period)}" if time and time.period else None
    if time is not None and kind == "ambiguous":
        return (), f"time:the sentence names {time.text} and does not say which '{frame.clause}' is for"
    if kind == "unsaid" and kind not in rule.time:
        return (), (
            f"time:the clause does not say the figure is a running total ('toll', 'have been killed', "
            f"'so far') nor when it holds: '{frame.clause}'; {rule.label} is checked {_times(rule)}"
        )
    if kind not in rule.time and granularity not in rule.time:
        return (), f"time:{described}: {rule.label} is checked {_times(rule)}"
    dated = kind == "since" or kind == "after_start" and time is not None and time.start is not None
    if time is not None and dated and rule.since and not _since_fits(time.start, time.text, rule.since):
        if frame.measure == "duration":
            return (), f"time:'{time.text}' names another start than {rule.label}"
        return (), f"time:'{time.text}' is a part of the total, not the running total {rule.label}"
    slots.append(f"time={kind}" + (f":{time.period}" if time and time.period else ""))
    who = "; ".join(w for w in (frame.attribution, frame.reported_by) if w)  # "the center found", of the report
    if who and any(_names(a, who) for a in rule.attribution_not):
        return (), f"attribution:'{who}' counts by its own rules; {rule.label} is another series"
    for group in rule.requires:
        if not any(all(w in words for w in phrase.split()) for phrase in group):
            return (), f"other:{described}: no registered source covers it"
    return tuple(slots), None


_REASON_ORDER = ("restriction", "place", "time", "attribution", "subject", "counted", "other")


def _first_reason(described: str, misses: list[str]) -> str:
    """Of the reasons the candidate metrics did not fit, the most telling (a subgroup before a missing place)."""
    ranked = sorted(misses, key=lambda m: _REASON_ORDER.index(m.split(":", 1)[0]))
    return ranked[0].split(":", 1)[1] if ranked else f"{described}: no registered source covers it"


def _described(frame: Frame) -> str:
    """What the frame says the figure counts, in a phrase: "counts norwegian killed in Norway (day: on 22 july)"."""
    counted = "" if frame.counted == frame.subject else frame.counted or ""  # the group once, not as both
    parts = ["counts", frame.subject or "", counted, frame.measure or "an unnamed measure"]
    if frame.place:
        parts.append(f"in {frame.place}")
    if frame.time and frame.time.kind != "as_of":
        parts.append(f"({frame.time.kind}: {frame.time.text})" if frame.time.text else f"({frame.time.kind})")
    if frame.restriction:
        parts.append(f"[{frame.restriction}]")
    return " ".join(p for p in parts if p)


def _granularity(period: str) -> str:
    if len(period) == 4:
        return "year"
    return {"H": "half", "Q": "quarter"}.get(period[5], "month")


def _times(rule: MetricRule) -> str:
    return "as " + " or ".join(t.replace("_", " ") for t in rule.time)


def _names(name: str, who: str) -> bool:
    """Whether an attribution names this one as a whole word ("UN" in "the UN rights office", not in "a state-run agency")."""
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", who, re.IGNORECASE) is not None


def _since_its_start(frame: Frame, rule: MetricRule) -> bool:
    """A duration since the very day the metric counts from ("733 days since October 7", "600 days since the attack
    of October 7, 2023"): what it counts is said by its start, not by a noun."""
    time = frame.time
    return (
        frame.measure == "duration"
        and time is not None
        and time.kind in ("since", "after_start")
        and time.start is not None
        and len(time.start) == len("2023-10-07")
        and time.start in rule.since
    )


def _named_start(frame: Frame, rule: MetricRule) -> bool:
    """A duration since the event the metric counts from, named in words of more than one ("two years since the
    attack on Norway that killed ..."): said by its start, as a date would."""
    time = frame.time
    return (
        frame.measure == "duration"
        and time is not None
        and time.kind == "since"
        and time.start is None
        and any(" " in a and a.lower() in time.text for a in rule.since if not a[:4].isdigit())
    )


def _since_fits(start: str | None, text: str, allowed: tuple[str, ...]) -> bool:
    """A "since" that names the series' own start (a date on or before it, or its event's words)."""
    if start is not None:
        dated = sorted(a for a in allowed if a[:4].isdigit())
        return bool(dated) and any(start[: len(a)] <= a for a in dated)
    return any(a.lower() in text.lower() for a in allowed if not a[:4].isdigit())
