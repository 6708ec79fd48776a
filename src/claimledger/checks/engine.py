"""Choose and run the check for each claim, by its metric; say plainly why a claim cannot be checked."""

from __future__ import annotations

from datetime import date

from claimledger.checks.kinds import CHECKS, unverifiable
from claimledger.checks.model import CheckResult, Reference, Unavailable
from claimledger.claims.model import Claim
from claimledger.claims.vocabulary import Vocabulary


def sources_needed(claims: list[Claim], vocabulary: Vocabulary) -> set[str]:
    """The sources the claims' metrics are checked against: only these are fetched."""
    return {vocabulary.metrics[c.metric].check["source"] for c in claims if c.metric in vocabulary.metrics}


def check_claims(claims: list[Claim], references: dict[str, Reference | Unavailable], vocabulary: Vocabulary,
                 as_of: date | None = None) -> list[CheckResult]:
    """One CheckResult per claim; `as_of` overrides each article's own date."""
    return [check_claim(claim, references, vocabulary, as_of) for claim in claims]


def check_claim(claim: Claim, references: dict[str, Reference | Unavailable], vocabulary: Vocabulary,
                as_of: date | None = None) -> CheckResult:
    """The verdict on one claim; never `pass` without a reference value that satisfies the claim."""
    if claim.metric is None or claim.metric not in vocabulary.metrics:
        return unverifiable(claim, "none", f"no metric in the vocabulary matches '{claim.quote}' "
                            f"({claim.unit}): no reference source covers it")
    rule = vocabulary.metrics[claim.metric]
    params = {**rule.check, "label": rule.label}
    kind, source = params["check"], params["source"]
    when = as_of or claim.as_of
    if when is None:
        return unverifiable(claim, kind, "the article has no date (front matter or text); give --as-of")
    reference = references.get(source)
    if reference is None:
        return unverifiable(claim, kind, f"source {source} was not loaded for this run")
    if isinstance(reference, Unavailable):
        return unverifiable(claim, kind, f"source {source} unavailable: {reference.reason}")
    if kind not in CHECKS:
        raise ValueError(f"metric {claim.metric!r} names unknown check {kind!r} (known: {', '.join(sorted(CHECKS))})")
    return CHECKS[kind](claim, params, reference, when)
