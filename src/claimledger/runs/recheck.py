"""Which claims depend on a source, and what a recheck must run: the ledger's claim-to-source index.

A claim depends on a source when its latest result for some check cites that source, or when the metric vocabulary
checks its metric against that source. The second half matters: a claim judged `unverifiable` because its source
was unreachable cites no snapshot, yet it is exactly the claim a new snapshot can settle.

A recheck repeats each article's last run (its --as-of and --source overrides) on the data available now, for the
chosen claims only; claims that share a consistency rule with a chosen claim in the same sentence come along, so a
rule is never judged on half its figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from claimledger.articles import read_article, recorded_article_file
from claimledger.claims.model import Claim
from claimledger.claims.vocabulary import Vocabulary
from claimledger.ledger import history
from claimledger.ledger.engine import LedgerError
from claimledger.ledger.store import LedgerStore


@dataclass(frozen=True)
class RecheckScope:
    """What a recheck was asked to cover: sources by name, articles by id, claims by id (or prefix), article files."""

    sources: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    claims: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    trigger: dict[str, Any] | None = field(default=None, compare=False)  # the event that started it, if any

    def arguments(self) -> dict[str, Any]:
        """What a recheck run records under `recheck` in its arguments: what it rechecked, and why."""
        values: dict[str, Any] = {
            key: list(getattr(self, key)) for key in ("sources", "articles", "claims", "paths") if getattr(self, key)
        }
        if self.trigger:
            values["trigger"] = dict(self.trigger)
        return values

    def describe(self) -> str:
        """'source gaza_casualties_daily, claim 3f2a…' for titles and messages."""
        parts = [
            f"{label} {', '.join(values)}"
            for label, values in (
                ("source", self.sources),
                ("article", self.articles),
                ("claim", self.claims),
                ("file", self.paths),
            )
            if values
        ]
        return "; ".join(parts) or "nothing"


@dataclass(frozen=True)
class RecheckTarget:
    """One recheck run: the article files to read, which of their claims to check, and the last run's options."""

    paths: tuple[str, ...]
    article_ids: tuple[str, ...]
    claim_ids: frozenset[str] = frozenset()  # these claims ...
    whole_articles: frozenset[str] = frozenset()  # ... and every claim of these articles
    as_of: date | None = None
    source_overrides: tuple[str, ...] = ()

    def selects(self, claim: Claim) -> bool:
        return claim.article_id in self.whole_articles or claim.id in self.claim_ids


@dataclass(frozen=True)
class RecheckPlan:
    """The runs a recheck will make, and the articles it cannot recheck (their file is gone), in words."""

    targets: list[RecheckTarget]
    skipped: list[str]
    scope: RecheckScope = RecheckScope()  # what was asked for (recorded with each run)


def metric_sources(vocabulary: Vocabulary) -> dict[str, str]:
    """Each metric's reference source, as the vocabulary's checks name it."""
    return {name: rule.check["source"] for name, rule in vocabulary.metrics.items() if rule.check.get("source")}


def dependent_claims(store: LedgerStore, sources: Iterable[str], vocabulary: Vocabulary) -> dict[str, str]:
    """The claims (id -> article id) that depend on any of the sources: the claim-to-source index."""
    wanted = set(sources)
    served = [metric for metric, source in metric_sources(vocabulary).items() if source in wanted]
    return history.claims_citing(store, wanted) | history.claims_with_metrics(store, served)


def plan_recheck(
    store: LedgerStore, scope: RecheckScope, vocabulary: Vocabulary, home: Path, overrides: Sequence[str] = ()
) -> RecheckPlan:
    """The runs a recheck makes: one per distinct (--as-of, --source overrides) of the articles' last runs.

    `overrides` (NAME=URL) are laid over each article's last overrides. Unknown or ambiguous articles and claims
    raise LedgerError; a source nothing depends on simply selects nothing.
    """
    claim_ids: dict[str, str] = dependent_claims(store, scope.sources, vocabulary)
    for ref in scope.claims:
        found = history.claim(store, ref)
        claim_ids[found.id] = found.article_id
    whole = set(scope.articles)
    files: dict[str, str | Path] = {}  # article id -> file to read
    for given in scope.paths:
        named = read_article(Path(given))
        whole.add(named.id)
        files[named.id] = given
    recorded = history.article_paths(store, set(claim_ids.values()) | whole)
    unknown = sorted(set(scope.articles) - set(recorded))
    if unknown:
        raise LedgerError(
            f"no article {', '.join(map(repr, unknown))} in the ledger "
            "(claimledger ledger list shows the runs; verify the article first)"
        )
    last = history.last_runs(store, set(claim_ids.values()) | whole)
    claims_of: dict[str, list[str]] = {}
    for claim, article in claim_ids.items():
        claims_of.setdefault(article, []).append(claim)
    groups: dict[tuple[date | None, tuple[str, ...]], dict[str, Any]] = {}
    skipped: list[str] = []
    for article_id in sorted(set(claim_ids.values()) | whole):
        path = files.get(article_id) or recorded_article_file(home, recorded.get(article_id))
        if path is None:
            skipped.append(
                f"article {article_id}: its file {recorded.get(article_id) or '(none recorded)'} is gone; not rechecked"
            )
            continue
        as_of, arguments = last.get(article_id, (None, {}))
        key = (as_of, merge_overrides(arguments.get("sources") or (), overrides))
        group = groups.setdefault(key, {"paths": [], "articles": [], "claims": set(), "whole": set()})
        group["paths"].append(str(path))
        group["articles"].append(article_id)
        if article_id in whole:
            group["whole"].add(article_id)
        group["claims"].update(claims_of.get(article_id, ()))
    targets = [
        RecheckTarget(
            paths=tuple(g["paths"]),
            article_ids=tuple(g["articles"]),
            claim_ids=frozenset(g["claims"]),
            whole_articles=frozenset(g["whole"]),
            as_of=as_of,
            source_overrides=sources,
        )
        for (as_of, sources), g in sorted(groups.items(), key=lambda item: str(item[0]))
    ]
    return RecheckPlan(targets, skipped, scope)


def keep_claims(claims: list[Claim], target: RecheckTarget, vocabulary: Vocabulary) -> list[Claim]:
    """The target's claims among those extracted, with the partners a consistency rule judges them with."""
    chosen = {c.id for c in claims if target.selects(c)}
    for rule in vocabulary.consistency:
        sentences: dict[tuple[str, str], list[str]] = {}
        for c in claims:
            if c.metric in rule.metrics:
                sentences.setdefault((c.article_id, c.sentence), []).append(c.id)
        for ids in sentences.values():
            if chosen.intersection(ids):
                chosen.update(ids)
    return [c for c in claims if c.id in chosen]


def recorded_claims(store: LedgerStore, target: RecheckTarget, vocabulary: Vocabulary) -> list[Claim]:
    """The target's claims as the ledger recorded them in each article's latest version (with their consistency
    partners), in text order.

    A recheck after a source update asks the same questions of new data: the claims need not be extracted again,
    which for thousands of articles costs more than checking them.
    """
    return keep_claims(history.latest_claims(store, target.article_ids), target, vocabulary)


def merge_overrides(earlier: Iterable[str], later: Iterable[str]) -> tuple[str, ...]:
    """NAME=URL overrides with the later ones winning per source name, in name order."""
    merged = {}
    for pair in (*earlier, *later):
        name, _, _ = pair.partition("=")
        merged[name] = pair
    return tuple(merged[name] for name in sorted(merged))
