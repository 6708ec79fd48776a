"""Reading the ledger's history: run summaries, a claim's verdicts across runs, what changed between two runs, exports,
and what a recheck plan and a run report read (the claims that cite a source, each article's last run, each claim's
previous result, the snapshots an earlier run read).

Claims are matched across runs by claim id (a hash of the article and the character span), claim text and check
kind, so a recheck after a source update shows exactly the claims whose verdict flipped, and a new text under an old
article id shows its claims as added and the old ones as removed, never as flips.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Date, DateTime, Float, Integer, Select, select

from claimledger.checks.model import Verdict
from claimledger.claims.model import Claim, Frame
from claimledger.ledger import latest, schema
from claimledger.ledger.engine import LedgerError, in_chunks
from claimledger.ledger.rows import (
    ChangedVerdict,
    CheckedOnce,
    ClaimVerdict,
    LatestClaim,
    RecordedResult,
    RecordedRun,
    RunSummary,
    SnapshotUsed,
)
from claimledger.ledger.store import LedgerStore


@dataclass(frozen=True)
class RunDiff:
    """How run_b differs from run_a, claim by claim (a claim's key is its id, its text and the check kind)."""

    run_a: str
    run_b: str
    flipped: list[ChangedVerdict] = field(default_factory=list)  # verdict changed: before/after of each side
    added: list[CheckedOnce] = field(default_factory=list)  # checked in run_b only
    removed: list[CheckedOnce] = field(default_factory=list)  # checked in run_a only
    unchanged: int = 0


def resolve_run(store: LedgerStore, ref: str) -> str:
    """A run id from a full id, a unique prefix (as `ledger list` prints), or `latest`."""
    runs = schema.runs
    found: list[str]
    with store.engine.connect() as conn:
        if ref == "latest":
            found = list(conn.scalars(select(runs.c.id).order_by(runs.c.started_at.desc(), runs.c.id).limit(1)))
        else:
            found = list(conn.scalars(select(runs.c.id).where(runs.c.id.startswith(ref, autoescape=True)).limit(2)))
    if not found:
        raise LedgerError(f"no run {ref!r} in the ledger (claimledger ledger list shows the runs)")
    if len(found) > 1:
        raise LedgerError(f"run {ref!r} is ambiguous: give more of its id")
    return found[0]


def previous_run(store: LedgerStore, run_id: str) -> str:
    """The run started just before run_id (what a recheck after a source update is compared with)."""
    runs = schema.runs
    with store.engine.connect() as conn:
        started = conn.scalar(select(runs.c.started_at).where(runs.c.id == run_id))
        earlier: str | None = conn.scalar(
            select(runs.c.id)
            .where(_earlier(started, run_id))
            .order_by(runs.c.started_at.desc(), runs.c.id.desc())
            .limit(1)
        )
    if earlier is None:
        raise LedgerError(f"run {run_id} is the first in the ledger: there is nothing before it to compare with")
    return earlier


def run_summaries(store: LedgerStore, limit: int | None = None) -> list[RunSummary]:
    """Runs, newest first, each with its counts by verdict and the snapshot of each source it used."""
    runs = schema.runs
    with store.engine.connect() as conn:
        query = select(runs).order_by(runs.c.started_at.desc(), runs.c.id.desc())
        summaries = [
            RunSummary.of({**row._mapping, "verdicts": {Verdict(v): n for v, n in (row.verdicts or {}).items() if n}})
            for row in conn.execute(query.limit(limit) if limit else query)
        ]
        ids = [s.id for s in summaries]
        sources = conn.execute(
            select(schema.run_sources).where(schema.run_sources.c.run_id.in_(ids)).order_by(schema.run_sources.c.source)
        )
        by_run = {s.id: s for s in summaries}
        for use in sources:
            by_run[use.run_id].sources.append(SnapshotUsed(use.source, use.status, use.snapshot_sha256))
    return summaries


def claim(store: LedgerStore, claim_id: str) -> LatestClaim:
    """A claim's fields and its article's, by id or unique id prefix: its latest version, and how many it has."""
    c, a = schema.claims, schema.articles
    with store.engine.connect() as conn:
        ids = list(conn.scalars(select(c.c.id).where(c.c.id.startswith(claim_id, autoescape=True)).distinct().limit(2)))
        if not ids:
            raise LedgerError(f"no claim {claim_id!r} in the ledger (verify --format json prints claim ids)")
        if len(ids) > 1:
            raise LedgerError(f"claim {claim_id!r} is ambiguous: give more of its id")
        latest_first = (c.c.article_sha256 == a.c.text_sha256).desc()
        query = (
            select(c, a.c.title.label("article_title"), a.c.published.label("article_published"))
            .join(a, a.c.id == c.c.article_id)
            .where(c.c.id == ids[0])
            .order_by(latest_first, c.c.text_sha256)
        )
        rows = [dict(row._mapping) for row in conn.execute(query)]
    return LatestClaim.of(rows[0] | {"versions": len(rows)})


def claim_history(store: LedgerStore, claim_id: str) -> list[ClaimVerdict]:
    """Every verdict on a claim, oldest run first: the run, its as-of date, the claim text and article version it
    read, the snapshot used and the explanation; `flipped` when it differs from the last verdict on the same text."""
    runs, r, c, read = schema.runs, schema.check_results, schema.claims, schema.run_articles
    query = (
        select(
            runs.c.id.label("run_id"),
            runs.c.started_at,
            runs.c.as_of,
            r.c.check_kind,
            r.c.verdict,
            r.c.observed,
            r.c.reference_date,
            r.c.source,
            r.c.snapshot_sha256,
            r.c.explanation,
            r.c.fingerprint,
            r.c.id.label("result_id"),
            r.c.claim_sha256,
            r.c.matched_on,
            c.c.quote,
            read.c.article_sha256,
        )
        .select_from(
            schema.results_by_run().outerjoin(
                read, (read.c.run_id == runs.c.id) & (read.c.article_id == c.c.article_id)
            )
        )
        .where(r.c.claim_id == claim_id)
        .order_by(runs.c.started_at, runs.c.id, r.c.check_kind)
    )
    with store.engine.connect() as conn:
        rows = [dict(row._mapping) for row in conn.execute(query)]
    history: list[ClaimVerdict] = []
    last: dict[tuple[str, str], str] = {}
    for row in rows:
        key = (row["claim_sha256"], row["check_kind"])
        history.append(ClaimVerdict.of(row | {"flipped": key in last and last[key] != row["verdict"]}))
        last[key] = row["verdict"]
    return history


def diff_runs(store: LedgerStore, run_a: str, run_b: str) -> RunDiff:
    """Claims whose verdict changed from run_a to run_b, and claims checked in only one of them."""
    before = {_key(row): row for row in store.reader.results_of_run(run_a)}
    after = {_key(row): row for row in store.reader.results_of_run(run_b)}
    flipped, unchanged = [], 0
    for key in sorted(before.keys() & after.keys()):
        a, b = before[key], after[key]
        if a.verdict == b.verdict:
            unchanged += 1
            continue
        flipped.append(
            ChangedVerdict(
                **_claim_part(b),
                verdict_a=a.verdict,
                verdict_b=b.verdict,
                observed_a=a.observed,
                observed_b=b.observed,
                snapshot_a=a.snapshot_sha256,
                snapshot_b=b.snapshot_sha256,
                explanation_a=a.explanation,
                explanation_b=b.explanation,
            )
        )
    added = [_checked_once(after[k]) for k in sorted(after.keys() - before.keys())]
    removed = [_checked_once(before[k]) for k in sorted(before.keys() - after.keys())]
    return RunDiff(run_a, run_b, flipped, added, removed, unchanged)


EXPORT_BATCH = 5_000  # rows per batch read from the ledger (and per Parquet row group)


def export_rows(store: LedgerStore, run_id: str | None = None) -> list[dict[str, Any]]:
    """One row per (run, result): the run, the claim and the verdict with its evidence; every run when run_id is
    None. All in memory: for a whole ledger use export_batches."""
    return [row for batch in export_batches(store, run_id) for row in batch]


def export_batches(
    store: LedgerStore, run_id: str | None = None, size: int = EXPORT_BATCH
) -> Iterator[list[dict[str, Any]]]:
    """export_rows a batch at a time, at constant memory whatever the ledger's size: runs oldest first, each run's
    rows read EXPORT_ARTICLES of its articles at a time, in article id order (one query over a whole run of 100,000
    articles made SQLite sort half a million rows in memory: 2.3 GB)."""
    runs, read = schema.runs, schema.run_articles
    with store.engine.connect() as conn:
        if run_id is not None:
            run_ids = [run_id]
        else:
            run_ids = list(conn.scalars(select(runs.c.id).order_by(runs.c.started_at, runs.c.id)))
    batch: list[dict[str, Any]] = []
    for one in run_ids:
        with store.engine.connect() as conn:
            articles = list(
                conn.scalars(select(read.c.article_id).where(read.c.run_id == one).order_by(read.c.article_id))
            )
            for start in range(0, len(articles), EXPORT_ARTICLES):
                chunk = articles[start : start + EXPORT_ARTICLES]
                for row in conn.execute(_export_of(one, chunk)).mappings():
                    batch.append(dict(row))
                    if len(batch) == size:
                        yield batch
                        batch = []
    if batch:
        yield batch


EXPORT_ARTICLES = 500  # articles of a run read per export query


def _export_query() -> Select[Any]:
    runs, r, c = schema.runs, schema.check_results, schema.claims
    return (
        select(
            runs.c.id.label("run_id"),
            runs.c.started_at.label("run_started_at"),
            runs.c.as_of.label("run_as_of"),
            c.c.article_id,
            r.c.claim_id,
            c.c.quote,
            c.c.sentence,
            c.c.metric,
            c.c.value,
            c.c.unit,
            c.c.qualifier,
            r.c.low,
            r.c.high,
            r.c.check_kind,
            r.c.verdict,
            r.c.observed,
            r.c.reference_date,
            r.c.source,
            r.c.snapshot_sha256,
            r.c.tolerance,
            r.c.explanation,
            r.c.citation,
            r.c.fingerprint,
        )
        .select_from(schema.results_by_run())
        .order_by(runs.c.started_at, runs.c.id, c.c.article_id, c.c.start, r.c.check_kind)
    )


def _export_of(run_id: str, article_ids: list[str]) -> Select[Any]:
    """The export rows of one run for some of its articles, driven from the articles' claims (their text-order
    index) and kept when the run links the result: a query driven from the run's links would read, and sort, every
    row of the run for each chunk. A claim has few distinct results, so the ones of other runs cost little."""
    runs, r, c, link = schema.runs, schema.check_results, schema.claims, schema.run_results
    linked = select(link.c.result_id).where(link.c.run_id == run_id, link.c.result_id == r.c.id).correlate(r).exists()
    return (
        select(*_export_query().selected_columns)
        .select_from(c.join(r, schema.result_claim).join(runs, runs.c.id == run_id))
        .where(c.c.article_id.in_(article_ids), linked)
        .order_by(c.c.article_id, c.c.start, r.c.check_kind)
    )


EXPORT_COLUMNS = [column.name for column in _export_query().selected_columns]


def _kind(column: Any) -> str:
    """What an export column holds, for a typed format (Parquet): text, float, integer, date or timestamp."""
    if isinstance(column.type, DateTime):
        return "timestamp"
    if isinstance(column.type, Date):
        return "date"
    if isinstance(column.type, Float):
        return "float"
    if isinstance(column.type, Integer):
        return "integer"
    return "text"


EXPORT_TYPES = {column.name: _kind(column) for column in _export_query().selected_columns}


def _key(row: RecordedResult) -> tuple[str, str, str]:
    return row.claim_id, row.claim_sha256, row.check_kind


def _claim_part(row: RecordedResult) -> dict[str, str]:
    return {"claim_id": row.claim_id, "check_kind": row.check_kind, "article_id": row.article_id, "quote": row.quote}


def _checked_once(row: RecordedResult) -> CheckedOnce:
    return CheckedOnce(**_claim_part(row), verdict=row.verdict)


# -- what a recheck and a run report read --------------------------------------------------------------------------
# One rule picks "the newest" everywhere below: the latest run by start time, then by run id (two runs may start in
# the same microsecond on a fast machine); `_earlier` is its strict "before this run".


_newest, _earlier = latest.newest, latest.earlier  # the one rule, shared with the writer's flips


def claims_citing(store: LedgerStore, sources: Iterable[str]) -> dict[str, str]:
    """Claims (id -> article id) whose latest result for some check cites one of the sources."""
    wanted = sorted(set(sources))
    if not wanted:
        return {}
    r, runs, c = schema.check_results, schema.runs, schema.claims
    cited = select(r.c.claim_id).where(r.c.source.in_(wanted)).distinct()
    query = (
        select(r.c.claim_id, r.c.check_kind, r.c.source, runs.c.started_at, runs.c.id.label("run_id"), c.c.article_id)
        .select_from(schema.results_by_run())
        .where(r.c.claim_id.in_(cited))
    )
    with store.engine.connect() as conn:
        latest = _newest(conn.execute(query), lambda row: (row.claim_id, row.check_kind))
    return {row.claim_id: row.article_id for row in latest.values() if row.source in wanted}


def claims_with_metrics(store: LedgerStore, metrics: Iterable[str]) -> dict[str, str]:
    """Claims (id -> article id) of each article's latest version whose metric is one of these."""
    wanted = sorted(set(metrics))
    if not wanted:
        return {}
    c = schema.claims
    query = select(c.c.id, c.c.article_id).join(schema.articles, schema.latest_claims).where(c.c.metric.in_(wanted))
    with store.engine.connect() as conn:
        return {claim_id: article_id for claim_id, article_id in conn.execute(query)}


def latest_claims(store: LedgerStore, article_ids: Iterable[str]) -> list[Claim]:
    """The claims of each article's latest version as the ledger recorded them, in article and text order."""
    c, a = schema.claims, schema.articles
    fields = [column.name for column in c.columns if column.name in Claim.__dataclass_fields__]  # not the version keys
    claims: list[Claim] = []
    with store.engine.connect() as conn:
        for chunk in in_chunks(article_ids):
            query = (
                select(c, a.c.published)
                .join(a, schema.latest_claims)
                .where(c.c.article_id.in_(chunk))
                .order_by(c.c.article_id, c.c.start)
            )
            claims.extend(
                Claim(
                    **{f: row._mapping[f] for f in fields} | {"frame": Frame.from_dict(row.frame)}, as_of=row.published
                )
                for row in conn.execute(query)
            )
    return claims


def article_paths(store: LedgerStore, article_ids: Iterable[str]) -> dict[str, str | None]:
    """Article id -> the path the ledger recorded for it (ids it does not hold are left out)."""
    a = schema.articles
    found: dict[str, str | None] = {}
    with store.engine.connect() as conn:
        for chunk in in_chunks(article_ids):
            found.update({row.id: row.path for row in conn.execute(select(a.c.id, a.c.path).where(a.c.id.in_(chunk)))})
    return found


def last_runs(store: LedgerStore, article_ids: Iterable[str]) -> dict[str, tuple[date | None, dict[str, Any]]]:
    """Each article's last run (the newest run that checked any of its claims): its --as-of and its arguments."""
    runs, c = schema.runs, schema.claims
    newest: dict[str, Any] = {}
    with store.engine.connect() as conn:
        for chunk in in_chunks(article_ids):
            query = (
                select(c.c.article_id, runs.c.started_at, runs.c.id.label("run_id"), runs.c.as_of, runs.c.arguments)
                .distinct()
                .select_from(schema.results_by_run())
                .where(c.c.article_id.in_(chunk))
            )
            newest.update(_newest(conn.execute(query), lambda row: row.article_id))
    return {article_id: (row.as_of, run_arguments(row.arguments)) for article_id, row in newest.items()}


def run_arguments(text: str | None) -> dict[str, Any]:
    """A run's recorded arguments (JSON), or {} when they are missing or not an object."""
    try:
        value = json.loads(text or "{}")
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def run_row(store: LedgerStore, run_id: str) -> RecordedRun:
    """One run's row; LedgerError when the ledger has no such run."""
    run = store.reader.run(run_id)
    if run is None:
        raise LedgerError(f"no run {run_id!r} in the ledger")
    return run


def snapshots_before(store: LedgerStore, run_id: str) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """The snapshots a run read ({source: sha256}) and, for each of those sources, the snapshot the newest earlier
    run using it read ({source: (sha256, that run's id)})."""
    used = schema.run_sources
    run = run_row(store, run_id)
    with store.engine.connect() as conn:
        mine = {
            row.source: row.snapshot_sha256
            for row in conn.execute(
                select(used.c.source, used.c.snapshot_sha256).where(used.c.run_id == run_id, used.c.status == "used")
            )
        }
        if not mine:
            return {}, {}
        query = (
            select(used.c.source, used.c.snapshot_sha256, schema.runs.c.started_at, schema.runs.c.id.label("run_id"))
            .join(schema.runs, schema.runs.c.id == used.c.run_id)
            .where(used.c.source.in_(sorted(mine)), used.c.status == "used", _earlier(run.started_at, run_id))
        )
        newest = _newest(conn.execute(query), lambda row: row.source)
    return mine, {source: (row.snapshot_sha256, row.run_id) for source, row in newest.items()}
