"""The metric vocabulary (metrics.toml): keyword rules that say what a figure measures and how to check it."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

MAX_KEYWORD_DISTANCE = 150  # characters between a figure and the keyword that names its metric

_RULE_KEYS = {"label", "units", "keywords", "counted", "requires", "context", "not_followed_by", "subject"}


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
    subject: str | None = None
    check: dict[str, Any] = field(default_factory=dict)

    def keyword_distance(self, sentence: str, start: int, end: int) -> tuple[int, int] | None:
        """(distance, -keyword length) of the nearest keyword to the span, or None when none is near."""
        best: tuple[int, int] | None = None
        for keyword in self.keywords:
            for m in _word_pattern(keyword).finditer(sentence):
                if m.start() < end and m.end() > start:
                    continue  # the keyword is part of the figure itself
                distance = m.start() - end if m.start() >= end else start - m.end()
                candidate = (distance, -len(keyword))
                if distance <= MAX_KEYWORD_DISTANCE and (best is None or candidate < best):
                    best = candidate
        return best


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


@lru_cache(maxsize=64)
def _word_pattern(phrase: str) -> re.Pattern:
    return re.compile(r"(?<![\w-])" + re.escape(phrase).replace(r"\ ", r"\s+") + r"(?![\w-])", re.IGNORECASE)


def contains(text: str, phrases: tuple[str, ...]) -> bool:
    """True when any phrase occurs in text as whole words, ignoring case."""
    return any(_word_pattern(p).search(text) for p in phrases)


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
        text = resources.files("claimledger.claims").joinpath("metrics.toml").read_text(encoding="utf-8")
        return _default_vocabulary(text)
    try:
        return parse_vocabulary(tomllib.loads(path.read_text(encoding="utf-8")), str(path))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not valid TOML: {exc}") from exc


@lru_cache(maxsize=1)
def _default_vocabulary(text: str) -> Vocabulary:
    return parse_vocabulary(tomllib.loads(text), "claimledger/claims/metrics.toml")
