"""Qualifier words ("more than", "nearly") and the interval each commits a claim to (DESIGN.md's table)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from claimledger.claims.model import DURATION_UNITS, Qualifier
from claimledger.claims.numbers import rounded
from claimledger.claims.wordlists import word_list

# Longest phrases first so "just over" wins over "over". Each must stand right before the figure (lexicon/qualifiers.toml).
_BEFORE: dict[Qualifier, list[str]] = word_list("qualifiers")["before"]
_AFTER: dict[Qualifier, list[str]] = word_list("qualifiers")["after"]
_WRITTEN: dict[str, str] = word_list("qualifiers")["written"]
_UP_TO_VERBS = frozenset(word_list("qualifiers")["up_to_verbs"])

_BEFORE_PHRASES = sorted({p for ps in _BEFORE.values() for p in ps}, key=len, reverse=True)


def _before_pattern(phrases: list[str], flags: int = 0) -> re.Pattern[str]:
    return re.compile(
        r"(?:(?<![\w-])(?P<q>"
        + "|".join(re.escape(p) for p in phrases if p[0].isalpha())
        + r")|(?P<sign>"
        + "|".join(re.escape(p) for p in phrases if not p[0].isalpha())
        + r"))\s*(?:a\s+|an\s+)?$",
        flags,
    )


_BEFORE_RE = _before_pattern(_BEFORE_PHRASES, re.IGNORECASE)
# The same over lower-cased ASCII text, where it finds the same match: a case-blind pattern costs twice as much,
# and this one is tried before every figure.
_BEFORE_LOWER_RE = _before_pattern([p.lower() for p in _BEFORE_PHRASES])
_AFTER_RE = re.compile(
    r"^\s*(?P<q>" + "|".join(re.escape(p) for ps in _AFTER.values() for p in ps) + r")(?![\w-])", re.IGNORECASE
)
_BEFORE_LOOKUP = {p: q for q, ps in _BEFORE.items() for p in ps}
_AFTER_LOOKUP = {p: q for q, ps in _AFTER.items() for p in ps}


class QualifierMatch(NamedTuple):  # built once per figure: a NamedTuple costs a third of a frozen dataclass to build
    """The qualifier of a figure and the characters it covers before and after the figure."""

    qualifier: Qualifier  # the reading a check gives it
    before: int = 0  # characters of qualifier wording right before the figure
    after: int = 0
    written: str | None = None  # the bound as written, when stricter than the check's reading ("just under")

    @property
    def bound(self) -> str:
        """The bound the words state, for the quantity layer."""
        return self.written or self.qualifier


def find_qualifier(before: str, after: str) -> QualifierMatch:
    """Read the qualifier from the words around a figure; a bare figure is `exact`."""
    tail = before[-40:]  # the longest qualifier phrase is far shorter; an anchored search over more is waste
    m = _BEFORE_LOWER_RE.search(tail.lower()) if tail.isascii() else _BEFORE_RE.search(tail)
    if m:
        phrase = " ".join((m.group("q") or m.group("sign")).lower().split())
        if (
            phrase == "up to"
            and tail[: m.start()].split()[-1:]
            and tail[: m.start()].split()[-1].lower() in _UP_TO_VERBS
        ):
            return QualifierMatch("exact")  # "ticked up to 4.1%": the level the figure moved to, no bound
        return QualifierMatch(_BEFORE_LOOKUP[phrase], before=len(tail) - m.start(), written=_WRITTEN.get(phrase))
    m = _AFTER_RE.search(after)
    if m:
        return QualifierMatch(_AFTER_LOOKUP[m.group("q").lower()], after=m.end())
    return QualifierMatch("exact")


@dataclass(frozen=True)
class Interval:
    """The values of the reference that would make a claim true; None is an open end. `rule` names the rule of
    DESIGN.md's table that made it ("more than: above, not equal"), for the explanation and the ledger."""

    low: float | None
    high: float | None
    low_inclusive: bool = True
    high_inclusive: bool = True
    rule: str = field(default="", compare=False)

    def contains(self, value: float) -> bool:
        if self.low is not None and (value < self.low or (value == self.low and not self.low_inclusive)):
            return False
        if self.high is not None and (value > self.high or (value == self.high and not self.high_inclusive)):
            return False
        return True

    def overlaps(self, low: float, high: float) -> bool:
        """Whether some value from low to high (both included) lies in the interval."""
        if self.low is not None and (high < self.low or (high == self.low and not self.low_inclusive)):
            return False
        if self.high is not None and (low > self.high or (low == self.high and not self.high_inclusive)):
            return False
        return True

    def widened(self, by: float, rule: str) -> "Interval":
        """The interval grown by `by` on each closed end (a poll's margin of error), made by `rule`."""
        return Interval(
            None if self.low is None else self.low - by,
            None if self.high is None else self.high + by,
            self.low_inclusive,
            self.high_inclusive,
            rule,
        )

    def distance(self, value: float) -> float:
        """How far a value lies outside the interval (0 inside it or on an open end's side)."""
        if self.low is not None and value < self.low:
            return self.low - value
        if self.high is not None and value > self.high:
            return value - self.high
        return 0.0

    def describe(self, fmt: Callable[[float], str] = lambda v: f"{v:,.10g}") -> str:
        """Human form: '> 52,000', '900 to 1,020', '<= 60'."""
        if self.low is not None and self.high is not None:
            if self.low == self.high:
                return fmt(self.low)
            return f"{fmt(self.low)} to {fmt(self.high)}"
        if self.low is not None:
            return f"{'>=' if self.low_inclusive else '>'} {fmt(self.low)}"
        if self.high is not None:
            return f"{'<=' if self.high_inclusive else '<'} {fmt(self.high)}"
        return "any value"


# Tolerances for a bare figure, from DESIGN.md's qualifier semantics.
EXACT_RELATIVE = 0.02
ABOUT_RELATIVE = 0.10
NEARLY_LOW, NEARLY_HIGH = 0.90, 1.02
VERBAL_SHARE_POINTS = 5.0
STATED_PERCENT_POINTS = 3.0
CHANGE_RELATIVE = 0.10


def counts_whole_units(value: float, unit: str, form: str) -> bool:
    """A duration in whole units written in digits ("a 14-month war"): counted as completed units or the nearest."""
    return unit in DURATION_UNITS and float(value).is_integer() and form not in ("round", "words")


_QUALIFIER_RULES = {
    "more_than": "more than: above, not equal",
    "at_least": "at least: equal or above",
    "fewer_than": "fewer than: below, not equal",
    "at_most": "at most: equal or below",
    "nearly": f"nearly: {NEARLY_LOW:.0%} to {NEARLY_HIGH:.0%} of it",
    "about": f"about: within {ABOUT_RELATIVE:.0%}",
    "range": "a range: from its low figure to its high one",
}


def interval_rule(value: float, qualifier: str, unit: str, form: str) -> str:
    """The rule of DESIGN.md's table that sets a figure's interval, in words: the branch interval_for takes."""
    if qualifier in _QUALIFIER_RULES:
        return _QUALIFIER_RULES[qualifier]
    if unit == "percent":
        if form == "fraction":
            return f"verbal fraction: {VERBAL_SHARE_POINTS:g} points"
        return f"stated percent: {STATED_PERCENT_POINTS:g} points"
    if unit == "percent_change":
        return f"a change: within {CHANGE_RELATIVE:.0%} of it"
    if counts_whole_units(value, unit, form):
        return "whole units: completed, or rounded to the nearest"
    if form in ("round", "words"):
        return f"round figure: half a unit of its last significant digit, else within {ABOUT_RELATIVE:.0%}"
    return f"exact figure: within {EXACT_RELATIVE:.0%}"


def interval_for(value: float, qualifier: str, unit: str, form: str, significant_unit: float) -> Interval:
    """The interval a figure commits to, given its qualifier, unit and the form it was written in; it names the
    rule that made it."""
    bounds = _interval(value, qualifier, unit, form, significant_unit)  # built anew: replace() costs three times more
    rule = interval_rule(value, qualifier, unit, form)
    return Interval(bounds.low, bounds.high, bounds.low_inclusive, bounds.high_inclusive, rule)


def _interval(value: float, qualifier: str, unit: str, form: str, significant_unit: float) -> Interval:
    if qualifier == "more_than":
        return Interval(value, None, low_inclusive=False)
    if qualifier == "at_least":
        return Interval(value, None)
    if qualifier == "fewer_than":
        return Interval(None, value, high_inclusive=False)
    if qualifier == "at_most":
        return Interval(None, value)
    if qualifier == "nearly":
        return _ordered(NEARLY_LOW * value, NEARLY_HIGH * value)
    if qualifier == "about":
        return _ordered((1 - ABOUT_RELATIVE) * value, (1 + ABOUT_RELATIVE) * value)
    # exact wording: the tolerance depends on what kind of figure it is
    if unit == "percent":
        points = VERBAL_SHARE_POINTS if form == "fraction" else STATED_PERCENT_POINTS
        return Interval(rounded(value - points), rounded(value + points))
    if unit == "percent_change":
        return _ordered((1 - CHANGE_RELATIVE) * value, (1 + CHANGE_RELATIVE) * value)
    if counts_whole_units(value, unit, form):
        # "a 14-month war" on day 440: whole units are counted as completed ones or rounded to the nearest (or, for
        # many of them, within the exact figure's 2%)
        return _ordered(min(value - 0.5, (1 - EXACT_RELATIVE) * value), max(value + 1, (1 + EXACT_RELATIVE) * value))
    if form in ("round", "words"):
        # r within half a unit of the last significant digit, else as `about`: the union of both.
        half = significant_unit / 2
        return _ordered(
            min(value - half, (1 - ABOUT_RELATIVE) * value), max(value + half, (1 + ABOUT_RELATIVE) * value)
        )
    return _ordered((1 - EXACT_RELATIVE) * value, (1 + EXACT_RELATIVE) * value)


def _ordered(a: float, b: float) -> Interval:
    low, high = sorted((a, b))  # a negative change flips the bounds
    return Interval(rounded(low), rounded(high))
