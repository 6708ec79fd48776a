"""The metric vocabulary (metrics.toml): keyword rules that say what a figure measures and how to check it."""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

MAX_KEYWORD_DISTANCE = 150  # characters between a figure and the keyword that names its metric

_RULE_KEYS = {"label", "units", "keywords", "counted", "requires", "context", "not_followed_by", "not_with", "subject"}


@dataclass(frozen=True)
class MetricRule:
    """One metric: the words that identify it in text, and the check parameters passed on to the engine."""

    name: str
    label: str
    units: tuple[str, ...]
    keywords: tuple[str, ...]
    counted: tuple[str, ...] = ()
    requires: tuple[tuple[str, ...], ...] = ()
    context: tuple[str, ...] = ()
    not_followed_by: tuple[str, ...] = ()
    not_with: tuple[str, ...] = ()
    subject: str | None = None
    check: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def counted_phrases(self) -> tuple[str, ...]:
        """The counted nouns of several words ("health workers"), matched as phrases after the figure."""
        return tuple(c for c in self.counted if " " in c)

    @cached_property
    def _context_pattern(self) -> re.Pattern | None:
        return any_of(self.context) if self.context else None

    @cached_property
    def _keyword_set(self) -> frozenset[str]:
        return frozenset(_folded(k) for k in self.keywords)

    @cached_property
    def _requires_sets(self) -> tuple[frozenset[str], ...]:
        return tuple(frozenset(_folded(w) for w in group) for group in self.requires)

    @cached_property
    def _not_with_set(self) -> frozenset[str]:
        return frozenset(_folded(w) for w in self.not_with)

    def requirements_hold(self, words: "SentenceWords") -> bool:
        """Every `requires` group has a word in the sentence, and no `not_with` word is there."""
        return all(group & words.found for group in self._requires_sets) and not (self._not_with_set & words.found)

    def keyword_distance(self, words: "SentenceWords", start: int, end: int) -> tuple[int, int] | None:
        """(distance, -phrase length) of this metric's keyword nearest to the figure's span, None when none is near."""
        best: tuple[int, int] | None = None
        for hit_start, hit_end, phrase in words.near(start, end, MAX_KEYWORD_DISTANCE):
            if phrase not in self._keyword_set or (hit_start < end and hit_end > start):
                continue
            distance = hit_start - end if hit_start >= end else start - hit_end
            candidate = (distance, -len(phrase))
            if distance <= MAX_KEYWORD_DISTANCE and (best is None or candidate < best):
                best = candidate
        return best

    def context_holds(self, *texts: str) -> bool:
        """No context needed, or one of its words is in one of the texts (paragraph, title)."""
        return self._context_pattern is None or any(_cached_search(self._context_pattern, t) for t in texts)


@dataclass(frozen=True)
class ConsistencyRule:
    """Figures of one sentence that must fit together: their sum cannot pass a bound (poll answers <= 100)."""

    name: str
    label: str
    metrics: tuple[str, ...]
    sum_at_most: float


@dataclass(frozen=True)
class Vocabulary:
    """All metrics, subject names and consistency rules, as loaded from one TOML file."""

    metrics: dict[str, MetricRule]
    subjects: dict[str, tuple[str, ...]]
    consistency: tuple[ConsistencyRule, ...] = ()

    @cached_property
    def metrics_by_unit(self) -> dict[str, tuple[MetricRule, ...]]:
        """The candidate metrics for a claim of each unit."""
        units = {u for rule in self.metrics.values() for u in rule.units}
        return {u: tuple(r for r in self.metrics.values() if u in r.units) for u in units}

    @cached_property
    def _all_words(self) -> re.Pattern:
        """Every keyword and required word of every metric, in one pattern over lower-cased text (case-blind
        patterns with look-behinds cost three times more); the longer phrase wins where two start together."""
        phrases = {_folded(p) for r in self.metrics.values()
                   for p in (*r.keywords, *r.not_with, *(w for g in r.requires for w in g))}
        body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True))
        return re.compile(rf"\b(?:{body})\b")

    def words_in(self, sentence: str) -> "SentenceWords":
        """The vocabulary's words in a sentence, with where they stand: one scan serves every metric's rules."""
        lower = sentence.lower()
        hits = tuple((m.start(), m.end(), _folded(m.group())) for m in self._all_words.finditer(lower)
                     if not (m.start() and lower[m.start() - 1] == "-") and lower[m.end():m.end() + 1] != "-")
        return SentenceWords(hits, frozenset(h[2] for h in hits), max((h[1] - h[0] for h in hits), default=0))

    @cached_property
    def subject_pattern(self) -> tuple[re.Pattern, dict[str, str]] | None:
        """One pattern for every subject word, and which subject each word names."""
        names = {word.lower(): name for name, words in self.subjects.items() for word in words}
        if not names:
            return None
        body = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(names, key=len, reverse=True))
        return re.compile(rf"\b(?:{body})\b"), names  # over lower-cased text, like the metric words


@dataclass(frozen=True)
class SentenceWords:
    """Where the vocabulary's words stand in one sentence (start, end, folded phrase), and the set of them."""

    hits: tuple[tuple[int, int, str], ...]
    found: frozenset[str]
    longest: int = 0  # characters of the longest hit

    @cached_property
    def _starts(self) -> list[int]:
        return [h[0] for h in self.hits]

    def near(self, start: int, end: int, reach: int) -> tuple[tuple[int, int, str], ...]:
        """The hits within `reach` characters of a span: a sentence of many figures and keywords costs each figure
        only its neighbourhood, not every hit of the sentence."""
        low = bisect_left(self._starts, start - reach - self.longest)
        return self.hits[low:bisect_right(self._starts, end + reach)]


def _folded(phrase: str) -> str:
    return " ".join(phrase.lower().split())


@lru_cache(maxsize=512)
def any_of(phrases: tuple[str, ...]) -> re.Pattern:
    """One pattern matching any of the phrases as whole words, ignoring case and runs of spaces; longest first."""
    ordered = sorted(phrases, key=len, reverse=True)
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _cached_search(pattern: re.Pattern, text: str) -> bool:
    """Paragraph context is asked once per figure and metric: remember the answer per paragraph."""
    return pattern.search(text) is not None


def parse_vocabulary(document: dict, origin: str) -> Vocabulary:
    """Build a Vocabulary from parsed TOML, naming the metric and key at fault when a rule is malformed."""
    metrics: dict[str, MetricRule] = {}
    for name, entry in document.get("metrics", {}).items():
        for key in ("units", "keywords", "check", "source"):
            if key not in entry:
                raise ValueError(f"{origin}: metric {name!r} lacks {key!r}")
        requires = entry.get("requires", ())
        if requires and isinstance(requires[0], str):
            raise ValueError(f"{origin}: metric {name!r}: requires is a list of word groups (lists)")
        metrics[name] = MetricRule(
            name=name,
            label=entry.get("label", name),
            units=tuple(entry["units"]),
            keywords=tuple(entry["keywords"]),
            counted=tuple(entry.get("counted", ())),
            requires=tuple(tuple(group) for group in requires),
            context=tuple(entry.get("context", ())),
            not_followed_by=tuple(entry.get("not_followed_by", ())),
            not_with=tuple(entry.get("not_with", ())),
            subject=entry.get("subject"),
            check={k: v for k, v in entry.items() if k not in _RULE_KEYS},
        )
    subjects = {name: tuple(words) for name, words in document.get("subjects", {}).items()}
    consistency = []
    for entry in document.get("consistency", []):
        unknown = [m for m in entry.get("metrics", []) if m not in metrics]
        if unknown or "sum_at_most" not in entry or "name" not in entry:
            raise ValueError(f"{origin}: consistency rule {entry.get('name')!r} needs name, sum_at_most and known "
                             f"metrics (unknown: {', '.join(unknown) or 'none'})")
        consistency.append(ConsistencyRule(entry["name"], entry.get("label", entry["name"]), tuple(entry["metrics"]),
                                           float(entry["sum_at_most"])))
    return Vocabulary(metrics=metrics, subjects=subjects, consistency=tuple(consistency))


def load_vocabulary(path: Path | None = None) -> Vocabulary:
    """The vocabulary from a file, or the one shipped with the package (claims/metrics.toml)."""
    if path is None:
        return _default_vocabulary()
    try:
        return parse_vocabulary(tomllib.loads(path.read_text(encoding="utf-8")), str(path))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not valid TOML: {exc}") from exc


@lru_cache(maxsize=1)
def _default_vocabulary() -> Vocabulary:
    """Read once per process: extraction asks for it per article."""
    text = resources.files("claimledger.claims").joinpath("metrics.toml").read_text(encoding="utf-8")
    return parse_vocabulary(tomllib.loads(text), "claimledger/claims/metrics.toml")
