"""Choose and run the check for each claim, by its metric; say plainly why a claim cannot be checked."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any

from claimledger.checks.kind import unverifiable
from claimledger.checks.kinds import KINDS
from claimledger.checks.model import CheckResult, Reference, Unavailable, Verdict
from claimledger.claims.matching import Match, match_metric
from claimledger.claims.model import Claim
from claimledger.claims.vocabulary import Vocabulary

CONSISTENCY_KIND = "internal_consistency"  # the check kind of a consistency rule's result: it cites no source


def sources_needed(claims: list[Claim], vocabulary: Vocabulary) -> set[str]:
    """The sources the claims' metrics are checked against: only these are fetched."""
    return {vocabulary.metrics[c.metric].check["source"] for c in claims if c.metric in vocabulary.metrics}


def check_claims(
    claims: list[Claim],
    references: dict[str, Reference | Unavailable],
    vocabulary: Vocabulary,
    as_of: date | None = None,
) -> list[CheckResult]:
    """One CheckResult per claim, plus one per internal-consistency rule a sentence's claims fall under;
    `as_of` overrides each article's own date."""
    results = [check_claim(claim, references, vocabulary, as_of) for claim in claims]
    return results + check_consistency(claims, vocabulary)


def check_consistency(claims: list[Claim], vocabulary: Vocabulary) -> list[CheckResult]:
    """Claims of one sentence that must fit together ("69 percent backed, 21 percent opposed": at most 100)."""
    results = []
    for rule in vocabulary.consistency:
        by_sentence: dict[tuple[str, str], list[Claim]] = {}
        for claim in claims:
            if claim.metric in rule.metrics:
                by_sentence.setdefault((claim.article_id, claim.sentence), []).append(claim)
        for group in by_sentence.values():
            distinct = {c.metric for c in group}
            if len(distinct) < 2 or len(distinct) < len(group):
                continue  # one answer alone, or an answer said twice: two groups or polls, and which goes with which
            total = sum(c.value for c in group)
            holds = total <= rule.sum_at_most
            parts = " + ".join(f"'{c.quote}'" for c in group)
            last = group[-1]
            results.append(
                CheckResult(
                    claim_id=last.id,
                    check_kind=CONSISTENCY_KIND,
                    verdict=Verdict.PASS if holds else Verdict.FAIL,
                    metric=last.metric,
                    low=last.low,
                    high=last.high,
                    observed=round(total, 4),
                    tolerance=f"sum at most {rule.sum_at_most:g}",
                    explanation=(
                        f"{parts} = {total:g} for {rule.label} ({rule.name}); needs <= {rule.sum_at_most:g}: "
                        f"{'holds' if holds else 'does not hold'}"
                    ),
                    evidence=tuple({"claim_id": c.id, "quote": c.quote, "value": c.value} for c in group),
                    window_low=None,
                    window_high=rule.sum_at_most,
                    parameters={"rule": rule.name, "metrics": sorted(rule.metrics), "sum_at_most": rule.sum_at_most},
                )
            )
    return results


def check_claim(
    claim: Claim, references: dict[str, Reference | Unavailable], vocabulary: Vocabulary, as_of: date | None = None
) -> CheckResult:
    """The verdict on one claim; never `pass` without a reference value that satisfies the claim."""
    match = _match(claim, vocabulary)
    if claim.metric is None or claim.metric not in vocabulary.metrics:
        return unverifiable(
            claim,
            "none",
            (match.reason if match else None)
            or f"no metric in the vocabulary matches '{claim.quote}' ({claim.unit}): no reference source covers it",
        )
    result = _checked(claim, claim.metric, references, vocabulary, as_of)
    if match is not None and match.metric is not None and match.metric.name == claim.metric:  # chosen as checked
        return replace(result, matched_on=match.matched_on)
    return result


def _match(claim: Claim, vocabulary: Vocabulary) -> Match | None:
    """How the claim's metric was chosen: as extraction said, else again from its frame (a claim read back from the
    ledger); None for a claim with no frame."""
    if claim.unmatched is not None or claim.matched_on:
        return Match(vocabulary.metrics.get(claim.metric or ""), claim.matched_on, claim.unmatched)
    if claim.frame is None:
        return None
    return match_metric(claim.frame, claim.unit, claim.quote, claim.sentence, vocabulary)


def _checked(
    claim: Claim,
    metric: str,
    references: dict[str, Reference | Unavailable],
    vocabulary: Vocabulary,
    as_of: date | None,
) -> CheckResult:
    rule = vocabulary.metrics[metric]
    params = {**rule.check, "label": rule.label}
    return replace(_checked_with(claim, params, references, as_of), parameters=params)


def _checked_with(
    claim: Claim, params: dict[str, Any], references: dict[str, Reference | Unavailable], as_of: date | None
) -> CheckResult:
    kind, source = params["check"], params["source"]
    when = _held_on(claim, as_of or claim.as_of)
    if when is None:
        return unverifiable(claim, kind, "the article has no date (front matter or text); give --as-of")
    reference = references.get(source)
    if reference is None:
        return unverifiable(claim, kind, f"source {source} was not loaded for this run")
    if isinstance(reference, Unavailable):
        return unverifiable(claim, kind, f"source {source} unavailable: {reference.reason}")
    if kind not in KINDS:
        raise ValueError(f"metric {claim.metric!r} names unknown check {kind!r} (known: {', '.join(sorted(KINDS))})")
    if missing := KINDS[kind].missing(params):
        raise ValueError(
            f"metric {claim.metric!r}: check {kind!r} needs {', '.join(missing)} (in the metric's entry "
            f"or metrics.toml's [checks.{kind}])"
        )
    return _no_accusation_without_evidence(claim, params, KINDS[kind].check(claim, params, reference, when))


def _held_on(claim: Claim, when: date | None) -> date | None:
    """The day a figure is held on: the article's, or the earlier day its clause says a running total ran to
    ("between October 7 and January 18, 357 were killed": 18 January)."""
    time = claim.frame.time if claim.frame else None
    if when is None or time is None or time.kind != "since" or time.end is None or len(time.end) != len("2024-01-18"):
        return when
    end = date.fromisoformat(time.end)
    return end if end < when else when


def _no_accusation_without_evidence(claim: Claim, params: dict[str, Any], result: CheckResult) -> CheckResult:
    """A mismatch that is no evidence the figure is wrong is `unverifiable`, not `fail`: against a source that counts
    differently from the bodies reporters quote (metrics.toml `refutes = false`, its `refutes_note` says why), or a
    report that is exactly the round bound of "more than 12,000" (a rounded report restated), or a count so far
    from the report that the figure was surely taken for the wrong measure (which no pass may confirm either: "at
    least 34" holds of a toll of 44,835, and says nothing of it)."""
    if result.verdict == Verdict.UNVERIFIABLE:
        return result
    other = _OTHER_MEASURE.get(claim.unit)
    if other and result.observed and claim.value and not 1 / _FAR <= claim.value / result.observed <= _FAR:
        return replace(
            result,
            verdict=Verdict.UNVERIFIABLE,
            explanation=(
                f"{result.explanation}; not a {result.verdict}: '{claim.quote}' is more than {_FAR} times away from the "
                f"reference, so far that it more likely {other} than "
                f"{'misstates' if result.verdict == Verdict.FAIL else 'states'} {params['label']}"
            ),
        )
    if result.verdict != Verdict.FAIL:
        return result
    if params.get("refutes") is False:
        note = params.get("refutes_note", f"{params['source']} can confirm this figure, not refute it")
        return replace(result, verdict=Verdict.UNVERIFIABLE, explanation=f"{result.explanation}; not a fail: {note}")
    clock = _CLOCK.search(claim.sentence) if claim.unit == "count" else None
    if clock is not None and result.observed is not None and claim.value < result.observed:
        return replace(
            result,
            verdict=Verdict.UNVERIFIABLE,
            explanation=(
                f"{result.explanation}; not a fail: counted by a time of day ('{clock.group()}'), so the day's report "
                f"may be a later count"
            ),
        )
    bound = {"more_than": claim.low, "fewer_than": claim.high}.get(claim.qualifier) if claim.form == "round" else None
    if bound is not None and result.observed is not None and result.observed == bound:
        return replace(
            result,
            verdict=Verdict.UNVERIFIABLE,
            explanation=(
                f"{result.explanation}; not a fail: the report's figure is the very bound '{claim.quote}' names, as a "
                f"rounded report restated would read"
            ),
        )
    return result


# A time of day: "up to 4:20 pm", "by 13:20 GMT", "as of 6 a.m."
_CLOCK = re.compile(r"\b\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\b\.?|gmt\b|utc\b)|\b\d{1,2}:\d{2}\b", re.IGNORECASE)
# A count this many times above or below the report it is held against is taken to be another measure: reporters
# misstate a running total by a few percent, not by a factor of three.
_FAR = 3
_SPAN = "measures another span (an event's, a stretch of the war, an age)"
_OTHER_MEASURE = {
    "count": "counts something else (a day's toll, a subgroup, a part)",
    "days": _SPAN,
    "weeks": _SPAN,
    "months": _SPAN,
    "years": _SPAN,
}
