"""The ledger's rows as its readers get them: frozen dataclasses, one per thing the ledger records, so a reader
names fields (`result.verdict`, `claim.quote`) and a typo is an AttributeError, not a None from `.get`.

Each is built from a query's columns by `of` (every column is a field: a query that selects another column fails
loudly), and `as_dict()` gives the JSON the dashboard's API and `ledger --format json` print.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import Field, asdict, dataclass, field, is_dataclass
from datetime import date, datetime
from typing import Any, ClassVar, TypeVar

from claimledger.checks.model import Verdict
from claimledger.claims.model import Qualifier

Row = TypeVar("Row", bound="_Recorded")


class _Recorded:
    """What every row shares: built from a query's columns, shown as a dict."""

    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]  # each row type is a dataclass (as_dict reads this)

    @classmethod
    def of(cls: type[Row], columns: Mapping[Any, Any]) -> Row:  # a RowMapping: keys typed as names or columns
        return cls(**dict(columns))

    def as_dict(self) -> dict[str, Any]:
        """The fields by name, rows inside a field (a run's sources) as dicts too. Plain dict and list values are
        shared, not copied: rows are frozen and read-only, and dataclasses.asdict's deep copy of every frame and
        evidence row was most of a claims page's time."""
        return {name: _plain(getattr(self, name)) for name in self.__dataclass_fields__}


_AS_IS = frozenset({str, int, float, bool, type(None), date, datetime, dict})  # most fields: no dataclass to look for


def _plain(value: Any) -> Any:
    if type(value) in _AS_IS:
        return value
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, list) and value and is_dataclass(value[0]):
        return [asdict(item) for item in value]
    return value


def parsed_json(text: str | None) -> Any:
    """A JSON column's value, or None when it is empty or not JSON."""
    if not text:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


def _arguments(value: Any) -> dict[str, Any]:
    parsed = parsed_json(value) if isinstance(value, str) else value
    return parsed if isinstance(parsed, dict) else {}


@dataclass(frozen=True)
class RecordedRun(_Recorded):
    """A run as recorded: when, how it was asked for (`arguments`, parsed), what it read and decided with."""

    id: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    as_of: date | None
    arguments: dict[str, Any]  # paths, as_of, sources, ledger, recheck: as the run was asked for
    checks_version: str
    claims: int
    results: int  # results linked: produced or re-confirmed
    new_results: int  # of which first seen in this run
    articles: int
    skipped: list[dict[str, Any]] | None  # [{"path", "reason"}]: the articles the run could not read
    basis: dict[str, Any] | None  # {"version", "vocabulary_sha256", "suites_sha256"}
    verdicts: dict[str, int] | None = None  # {verdict: results}, counted when the run was written
    first_checked: int | None = None  # results whose claim text and check no earlier run had checked

    def __post_init__(self) -> None:
        object.__setattr__(self, "arguments", _arguments(self.arguments))  # stored as JSON text


@dataclass(frozen=True)
class SnapshotUsed:
    """Which snapshot of a source a run used (or `unavailable`, with no snapshot)."""

    source: str
    status: str  # used | unavailable
    snapshot_sha256: str | None


@dataclass(frozen=True)
class RunSummary(RecordedRun):
    """A run with its results counted by verdict and the snapshot of each source it used."""

    verdicts: dict[str, int] = field(default_factory=dict)  # by Verdict (a str)
    sources: list[SnapshotUsed] = field(default_factory=list)


@dataclass(frozen=True)
class RecordedSourceUse(_Recorded):
    """A run's use of one source: the snapshot it read, or why it read none; with the run's start when asked for."""

    run_id: str
    source: str
    snapshot_sha256: str | None
    status: str  # used | unavailable
    notes: str | None
    started_at: datetime | None = None


@dataclass(frozen=True)
class RecordedArticle(_Recorded):
    """An article's latest version as the ledger holds it (its text is the file's, checked by `text_sha256`)."""

    id: str
    title: str | None
    publisher: str | None
    url: str | None
    published: date | None
    path: str | None
    text_sha256: str


@dataclass(frozen=True)
class RecordedClaim(_Recorded):
    """One version of a claim (its id and the hash of its quote and sentence), as the ledger recorded it."""

    id: str
    text_sha256: str
    article_sha256: str  # the article version it was last read from
    article_id: str
    start: int
    end: int
    quote: str
    sentence: str
    value: float
    unit: str  # as Claim.unit: a Unit, or a glued currency code or unit
    qualifier: Qualifier
    low: float | None
    high: float | None
    low_inclusive: bool
    high_inclusive: bool
    form: str
    metric: str | None
    subject: str | None
    period: str | None
    counted: str | None
    share_base: str | None
    frame: dict[str, Any] | None  # Claim.frame as stored (claims.model.Frame.from_dict reads it back)


@dataclass(frozen=True)
class CheckedClaim(RecordedClaim):
    """A claim with its latest check: the run, the claim's verdict there and the explanation (None: never checked)."""

    check_run_id: str | None = None
    check_verdict: str | None = None
    check_explanation: str | None = None
    check_started_at: datetime | None = None
    check_result_ids: list[int] | None = None


@dataclass(frozen=True)
class RecordedResult(_Recorded):
    """A check result as one run produced or re-confirmed it, with that run and the claim's article, quote and
    position (a result stored once and linked to many runs is one RecordedResult per run)."""

    id: int
    claim_id: str
    claim_sha256: str  # the claim version judged
    check_kind: str
    verdict: Verdict
    metric: str | None
    low: float | None
    high: float | None
    observed: float | None
    reference_date: date | None
    source: str | None
    snapshot_sha256: str | None
    tolerance: str | None
    explanation: str
    citation: str | None
    evidence: str | None  # JSON rows of the reference the verdict rests on (evidence_rows parses them)
    matched_on: list[str] | None
    parameters: dict[str, Any] | None  # the metric's check parameters it was decided with (None before 0005)
    fingerprint: str
    result_sha256: str
    run_id: str
    run_started_at: datetime
    article_id: str
    quote: str
    start: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "verdict", Verdict(self.verdict))

    def evidence_rows(self) -> list[dict[str, Any]]:
        """The reference rows the result rests on (stored as JSON in the ledger)."""
        rows = parsed_json(self.evidence)
        return [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []


@dataclass(frozen=True)
class FlippedResult(RecordedResult):
    """A result whose verdict differs from the same check of the same claim text in the newest earlier run."""

    previous_verdict: str | None = None
    previous_run_id: str | None = None
    previous_snapshot_sha256: str | None = None


@dataclass(frozen=True)
class RecordedSnapshot(_Recorded):
    """A snapshot's passport as the ledger keeps it, its validation outcome parsed."""

    source: str
    sha256: str
    url: str
    retrieved_at: str
    bytes: int
    etag: str | None
    last_modified: str | None
    license: str | None
    validation: dict[str, Any] | None

    def __post_init__(self) -> None:
        if isinstance(self.validation, str) or self.validation is None:
            parsed = parsed_json(self.validation)
            object.__setattr__(self, "validation", parsed if isinstance(parsed, dict) else None)


@dataclass(frozen=True)
class LatestClaim(RecordedClaim):
    """A claim's latest version with its article's title and date, and how many texts the ledger holds under its id."""

    article_title: str | None = None
    article_published: date | None = None
    versions: int = 1


@dataclass(frozen=True)
class ClaimVerdict(_Recorded):
    """One verdict in a claim's history: the run, its as-of date, the claim text and article version it read, the
    snapshot used and the explanation; `flipped` when it differs from the last verdict on the same text."""

    run_id: str
    started_at: datetime
    as_of: date | None
    check_kind: str
    verdict: Verdict
    observed: float | None
    reference_date: date | None
    source: str | None
    snapshot_sha256: str | None
    explanation: str
    fingerprint: str
    result_id: int
    claim_sha256: str
    matched_on: list[str] | None
    quote: str
    article_sha256: str | None  # the article version the run read (none for ledgers from before 0003)
    flipped: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "verdict", Verdict(self.verdict))


@dataclass(frozen=True)
class ChangedVerdict:
    """A claim checked in two runs whose verdict differs: each side's verdict, observed value, snapshot and reason."""

    claim_id: str
    check_kind: str
    article_id: str
    quote: str
    verdict_a: Verdict
    verdict_b: Verdict
    observed_a: float | None
    observed_b: float | None
    snapshot_a: str | None
    snapshot_b: str | None
    explanation_a: str
    explanation_b: str


@dataclass(frozen=True)
class CheckedOnce:
    """A claim checked in only one of two runs (added in the later, or removed from it), with its verdict there."""

    claim_id: str
    check_kind: str
    article_id: str
    quote: str
    verdict: Verdict
