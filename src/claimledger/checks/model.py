"""What the check engine takes (reference tables with provenance) and gives (one CheckResult per claim)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Callable, TypeVar

import pandas as pd

_T = TypeVar("_T")


class Verdict(StrEnum):
    """A check's outcome, in listing order. A str: rows read back from the ledger compare equal to it as they are."""

    PASS = "pass"
    FAIL = "fail"
    UNVERIFIABLE = "unverifiable"

    @property
    def severity(self) -> int:
        """How bad for the claim: a fail is an accusation, an unverifiable a question left open, a pass nothing."""
        return {"pass": 0, "unverifiable": 1, "fail": 2}[self.value]

    @classmethod
    def worst_first(cls) -> tuple[Verdict, ...]:
        return tuple(sorted(cls, key=lambda v: -v.severity))

    @classmethod
    def worst(cls, verdicts: Iterable[str]) -> Verdict | None:
        """One verdict for a claim checked several ways (its metric and a consistency rule): the worst of them; a
        claim passes only when every check of it passes."""
        found = {cls(v) for v in verdicts}
        return max(found, key=lambda v: v.severity) if found else None


VERDICTS = tuple(Verdict)
CHECKS_VERSION = "2"  # bump when a rule or tolerance changes: it is part of every result's fingerprint


@dataclass(frozen=True)
class Reference:
    """A validated reference table and where it came from; the engine never reads files or the network."""

    source: str
    title: str
    frame: pd.DataFrame
    snapshot_sha256: str
    date_column: str | None = None
    publication_lag_days: int = 0
    citation_column: str | None = None
    notes: tuple[str, ...] = ()
    # Lookups that depend only on the table and a date are shared by every claim that asks for them.
    _memo: dict[tuple[Any, ...], Any] = field(default_factory=dict, compare=False, repr=False, hash=False)

    def memo(self, key: tuple[Any, ...], compute: Callable[[], _T]) -> _T:
        """compute() once per key for this table (thousands of claims share a few hundred dates)."""
        if key not in self._memo:
            self._memo[key] = compute()
        computed: _T = self._memo[key]  # what compute() gave for this key
        return computed


@dataclass(frozen=True)
class Unavailable:
    """A source the run could not use, and why (said in the explanation of every claim it serves)."""

    source: str
    reason: str


@dataclass(frozen=True)
class CheckResult:
    """One verdict on one claim: the rule applied, the reference value it was held against, and why."""

    claim_id: str
    check_kind: str
    verdict: Verdict
    explanation: str
    metric: str | None = None
    low: float | None = None
    high: float | None = None
    observed: float | None = None
    reference_date: date | None = None
    source: str | None = None
    snapshot_sha256: str | None = None
    tolerance: str | None = None
    citation: str | None = None
    evidence: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    # The interval the observed value must fall in: the claim's own, or for a poll widened by its margin.
    window_low: float | None = None
    window_high: float | None = None
    window_low_inclusive: bool = True
    window_high_inclusive: bool = True
    # How the metric was chosen: the frame slots that matched it ("measure=killed", "place=Gaza", "time=as_of").
    matched_on: tuple[str, ...] = ()
    # The check's parameters as the vocabulary gave them (source, field, window_days, label, ...): part of the
    # fingerprint, recorded with the result, read back by its chart.
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def check_id(self) -> str:
        """One check of one claim: the key of its row in the run's results table (checks/invariants.py)."""
        return f"{self.claim_id}:{self.check_kind}"

    def reference(self) -> dict[str, Any] | None:
        """The reference object of the JSON contract, or None when nothing was compared."""
        if self.observed is None or self.source is None:
            return None
        return {
            "source": self.source,
            "value": round(self.observed, 2),  # as shown; the verdict compared the unrounded value
            "date": self.reference_date.isoformat() if self.reference_date else None,
            "snapshot_sha256": self.snapshot_sha256,
        }
