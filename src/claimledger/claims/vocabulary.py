"""The metric vocabulary (metrics.toml): the frame each metric needs (measure, counted, group, place, time,
attribution) and how to check it; places and groups by name; phrase lists shared by name."""

from __future__ import annotations

import hashlib

import tomllib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from claimledger.claims.frames import Names
from claimledger.claims.lemmas import lemma
from claimledger.claims.model import DURATION_UNITS

# The keys that say which frame a metric needs; every other key is a check parameter for the engine.
_RULE_KEYS = {
    "label",
    "units",
    "measure",
    "counted",
    "subject",
    "place",
    "place_also",
    "time",
    "since",
    "restricted_to",
    "attribution_not",
    "requires",
    "answered_beside",
}
TIME_KINDS = (
    "unsaid",
    "as_of",
    "period",
    "period:year",
    "period:half",
    "period:quarter",
    "period:month",
    "day",
    "past_hours",
    "since",
    "ago",
    "after_start",
    "span",
)


@dataclass(frozen=True)
class MetricRule:
    """One metric: the frame a figure must have to be checked against it, and the check parameters for the engine.

    Slots left empty (no `counted`, no `subject`, no `place`) are not asked of the frame; `""` in counted or
    subject accepts a frame that names none.
    """

    name: str
    label: str
    units: tuple[str, ...]
    measure: str
    counted: tuple[str, ...] = ()
    subject: tuple[str, ...] = ()
    place: str | None = None
    place_also: tuple[str, ...] = ()  # other places that name the same thing here ("a war between A and B")
    time: tuple[str, ...] = ("as_of",)
    since: tuple[str, ...] = ()  # what a "since" may name for the figure to be this running total
    restricted_to: tuple[str, ...] = ()  # a restriction that is this metric's own population ("in the health sector")
    attribution_not: tuple[str, ...] = ()  # attributions whose figure is another count than this series'
    requires: tuple[tuple[str, ...], ...] = ()  # lemma groups: one of each must stand in the sentence
    # An answer with no question of its own ("11% did not know"): where its sentence holds other shares, one of them
    # must give one of these measures, else it answers their question, not this metric's.
    answered_beside: tuple[str, ...] = ()
    check: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ConsistencyRule:
    """Figures of one sentence that must fit together: their sum cannot pass a bound (poll answers <= 100)."""

    name: str
    label: str
    metrics: tuple[str, ...]
    sum_at_most: float


@dataclass(frozen=True)
class Vocabulary:
    """All metrics, place and group names and consistency rules, as loaded from one TOML file."""

    metrics: dict[str, MetricRule]
    places: dict[str, tuple[str, ...]] = field(default_factory=dict)
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    homes: dict[str, str] = field(default_factory=dict)  # the place of a group that lives in one ("norwegian")
    consistency: tuple[ConsistencyRule, ...] = ()

    @cached_property
    def metrics_by_unit(self) -> dict[str, tuple[MetricRule, ...]]:
        """The candidate metrics for a claim of each unit."""
        units = {u for rule in self.metrics.values() for u in rule.units}
        return {u: tuple(r for r in self.metrics.values() if u in r.units) for u in units}

    @cached_property
    def metrics_by_unit_and_measure(self) -> dict[tuple[str, str], tuple[MetricRule, ...]]:
        """The candidate metrics for a claim of each unit and measure, in the vocabulary's order (asked per figure)."""
        found: dict[tuple[str, str], list[MetricRule]] = {}
        for unit, rules in self.metrics_by_unit.items():
            for rule in rules:
                found.setdefault((unit, rule.measure), []).append(rule)
        return {key: tuple(rules) for key, rules in found.items()}

    @cached_property
    def names(self) -> Names:
        """What a frame reader needs of the vocabulary: place and group names, counted phrases, events."""
        durations = set(DURATION_UNITS)
        events = {c for r in self.metrics.values() if set(r.units) & durations for c in r.counted if c}
        counted = {c for r in self.metrics.values() if not set(r.units) & durations for c in r.counted if c}
        return Names(
            places=tuple((k, tuple(w.lower() for w in v)) for k, v in self.places.items()),
            groups=tuple((k, tuple(w.lower() for w in v)) for k, v in self.groups.items()),
            counted=tuple(sorted(counted, key=len, reverse=True)),
            events=tuple(sorted(events)),
            homes=tuple(self.homes.items()),
        )


def _lemma_phrase(phrase: str) -> str:
    return " ".join(lemma(w) for w in phrase.split())


def _listed(
    entry: dict[str, Any], key: str, phrases: dict[str, list[str]], where: str, lemmatise: bool = True
) -> tuple[str, ...]:
    """A list value, with "@name" items replaced by the [phrases] list of that name (error naming both if unknown)."""
    value = entry.get(key, ())
    if isinstance(value, str):
        value = [value]
    out: list[str] = []
    for item in value:
        if isinstance(item, str) and item.startswith("@"):
            if item[1:] not in phrases:
                raise ValueError(
                    f"{where}: {key} names phrase list {item!r}, not in [phrases] "
                    f"(known: {', '.join(sorted(phrases)) or 'none'})"
                )
            out.extend(phrases[item[1:]])
        else:
            out.append(item)
    return tuple(_lemma_phrase(p) if lemmatise and p else p for p in out)


def parse_vocabulary(document: dict[str, Any], origin: str) -> Vocabulary:
    """Build a Vocabulary from parsed TOML, naming the metric and key at fault when a rule is malformed."""
    phrases = {k: list(v) for k, v in document.get("phrases", {}).items()}
    places = {name: tuple(words) for name, words in document.get("places", {}).items()}
    groups = {
        name: tuple(entry["words"] if isinstance(entry, dict) else entry)
        for name, entry in document.get("groups", {}).items()
    }
    homes = {
        name: entry["home"]
        for name, entry in document.get("groups", {}).items()
        if isinstance(entry, dict) and entry.get("home")
    }
    if unknown := sorted(h for h in homes.values() if h not in places):
        raise ValueError(f"{origin}: [groups] name homes {unknown} not in [places]")
    defaults = document.get("checks", {})  # [checks.<kind>]: parameters every metric of that kind starts from
    metrics: dict[str, MetricRule] = {}
    for name, entry in document.get("metrics", {}).items():
        where = f"{origin}: metric {name!r}"
        for key in ("units", "measure", "check", "source"):
            if key not in entry:
                raise ValueError(f"{where} lacks {key!r}")
        time = _listed(entry, "time", phrases, where, lemmatise=False) or ("as_of",)
        if unknown := [t for t in time if t not in TIME_KINDS]:
            raise ValueError(f"{where}: time kinds {unknown} unknown (known: {', '.join(TIME_KINDS)})")
        if entry.get("place") not in (None, "any") and entry["place"] not in places:
            raise ValueError(f"{where}: place {entry['place']!r} is not in [places] ({', '.join(places)})")
        also = _listed(entry, "place_also", phrases, where, lemmatise=False)
        if unknown := [p for p in also if p not in places]:
            raise ValueError(f"{where}: place_also {unknown} not in [places] ({', '.join(places)})")
        requires = entry.get("requires", ())
        if requires and isinstance(requires[0], str):
            raise ValueError(f"{where}: requires is a list of word groups (lists)")
        metrics[name] = MetricRule(
            name=name,
            label=entry.get("label", name),
            units=tuple(entry["units"]),
            measure=entry["measure"],
            counted=_listed(entry, "counted", phrases, where),
            subject=_listed(entry, "subject", phrases, where),
            place=entry.get("place"),
            place_also=also,
            time=time,
            since=_listed(entry, "since", phrases, where, lemmatise=False),
            restricted_to=_listed(entry, "restricted_to", phrases, where, lemmatise=False),
            attribution_not=_listed(entry, "attribution_not", phrases, where, lemmatise=False),
            answered_beside=_listed(entry, "answered_beside", phrases, where, lemmatise=False),
            requires=tuple(
                tuple(_lemma_phrase(w) for w in _listed({"g": g}, "g", phrases, where, False)) for g in requires
            ),
            check={**defaults.get(entry["check"], {}), **{k: v for k, v in entry.items() if k not in _RULE_KEYS}},
        )
    consistency = []
    for entry in document.get("consistency", []):
        unknown = [m for m in entry.get("metrics", []) if m not in metrics]
        if unknown or "sum_at_most" not in entry or "name" not in entry:
            raise ValueError(
                f"{origin}: consistency rule {entry.get('name')!r} needs name, sum_at_most and known "
                f"metrics (unknown: {', '.join(unknown) or 'none'})"
            )
        consistency.append(
            ConsistencyRule(
                entry["name"], entry.get("label", entry["name"]), tuple(entry["metrics"]), float(entry["sum_at_most"])
            )
        )
    return Vocabulary(metrics=metrics, places=places, groups=groups, homes=homes, consistency=tuple(consistency))


def load_vocabulary(path: Path | None = None) -> Vocabulary:
    """The vocabulary from a file, or the one shipped with the package (claims/metrics.toml)."""
    if path is None:
        return _default_vocabulary()
    try:
        return parse_vocabulary(tomllib.loads(path.read_text(encoding="utf-8")), str(path))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not valid TOML: {exc}") from exc


@lru_cache(maxsize=1)
def vocabulary_sha256() -> str:
    """The shipped vocabulary's identity: sha256 over metrics.toml and every lexicon file, by name and content."""
    package = resources.files("claimledger.claims")
    files = [
        package.joinpath("metrics.toml"),
        *sorted((f for f in package.joinpath("lexicon").iterdir() if f.name.endswith(".toml")), key=lambda f: f.name),
    ]
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _default_vocabulary() -> Vocabulary:
    """Read once per process: extraction asks for it per article."""
    text = resources.files("claimledger.claims").joinpath("metrics.toml").read_text(encoding="utf-8")
    return parse_vocabulary(tomllib.loads(text), "claimledger/claims/metrics.toml")
