"""The tables the list pages read (schema.claim_checks, claim_check_sources, flips, runs.verdicts), kept in the
transaction that writes each run, so that no page or endpoint aggregates the results table.

`record` is called by the store for every run it writes, after the run's results and links; migration 0006 replays
it over the runs already in a ledger, oldest first. Both dialects take the same statements.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, exists, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from claimledger.checks.model import VERDICTS, Verdict
from claimledger.ledger import schema
from claimledger.ledger.engine import execute_many, in_chunks

_DIALECT_INSERT: dict[str, Callable[[Any], sqlite.Insert | postgresql.Insert]] = {
    "sqlite": sqlite.insert,
    "postgresql": postgresql.insert,
}


@dataclass(frozen=True)
class LinkedResult:
    """A result as one run produced or re-confirmed it, with the claim position it belongs to."""

    id: int
    claim_id: str
    claim_sha256: str
    check_kind: str
    verdict: str
    explanation: str
    source: str | None
    article_id: str
    start: int


def newest(rows: Iterable[Any], key: Callable[[Any], Any]) -> dict[Any, Any]:
    """Per key, the row of the newest run (rows carry `started_at` and `run_id`): the latest start, then the
    largest run id (two runs may start in the same microsecond on a fast machine)."""
    found: dict[Any, Any] = {}
    for row in rows:
        k = key(row)
        held = found.get(k)
        if held is None or (row.started_at, row.run_id) > (held.started_at, held.run_id):
            found[k] = row
    return found


def earlier(started_at: datetime | None, run_id: str) -> Any:
    """Runs before this one: started earlier, or at the same instant with a smaller id."""
    runs = schema.runs
    return or_(runs.c.started_at < started_at, and_(runs.c.started_at == started_at, runs.c.id < run_id))


def prior_results(
    conn: Connection, started_at: datetime, run_id: str, claim_ids: Iterable[str]
) -> dict[tuple[str, str, str], Any]:
    """For each (claim, claim text, check kind), the result of the newest run before this one that made it: rows
    with result_id, verdict, snapshot_sha256, started_at and run_id."""
    r, runs = schema.check_results, schema.runs
    found: dict[tuple[str, str, str], Any] = {}
    for chunk in in_chunks(set(claim_ids)):
        query = (
            select(
                r.c.id.label("result_id"),
                r.c.claim_id,
                r.c.claim_sha256,
                r.c.check_kind,
                r.c.verdict,
                r.c.snapshot_sha256,
                runs.c.started_at,
                runs.c.id.label("run_id"),
            )
            .select_from(schema.results_by_run())
            .where(r.c.claim_id.in_(chunk))
            .where(earlier(started_at, run_id))
        )
        found.update(newest(conn.execute(query), lambda row: (row.claim_id, row.claim_sha256, row.check_kind)))
    return found


def record(
    conn: Connection,
    run_id: str,
    started_at: datetime,
    results: list[LinkedResult],
    read_articles: Iterable[str],
) -> int:
    """Bring the list tables up to date with one run (its results linked, `read_articles` the article ids whose text
    it read); return how many of the results are the first for their claim text and check (no earlier run's)."""
    insert = _DIALECT_INSERT[conn.dialect.name]
    first = _record_flips(conn, run_id, started_at, results)
    _record_claim_checks(conn, insert, run_id, started_at, results)
    drop_superseded(conn, read_articles)
    return first


def verdict_counts(verdicts: Iterable[str]) -> dict[str, int]:
    """A run's results by verdict, every verdict named (runs.verdicts)."""
    counts = Counter(verdicts)
    return {v.value: counts.get(v.value, 0) for v in VERDICTS}


def _record_flips(conn: Connection, run_id: str, started_at: datetime, results: list[LinkedResult]) -> int:
    """The run's flips; return how many results had no earlier one."""
    prior = prior_results(conn, started_at, run_id, {r.claim_id for r in results})
    rows, first = [], 0
    for result in results:
        before = prior.get((result.claim_id, result.claim_sha256, result.check_kind))
        first += before is None
        if before is not None and before.verdict != result.verdict:
            rows.append(
                {
                    "run_id": run_id,
                    "article_id": result.article_id,
                    "start": result.start,
                    "result_id": result.id,
                    "previous_result_id": before.result_id,
                    "previous_run_id": before.run_id,
                }
            )
    if rows:
        execute_many(conn, schema.flips.insert(), sorted(rows, key=lambda row: (row["article_id"], row["start"])))
    return first


def _record_claim_checks(
    conn: Connection, insert: Callable[[Any], Any], run_id: str, started_at: datetime, results: list[LinkedResult]
) -> None:
    """Each claim this run checked: its verdict here, replacing the one it had unless a later-started run's
    check is already there (two runs written out of order)."""
    checks = schema.claim_checks
    by_claim: dict[str, list[LinkedResult]] = {}
    for result in sorted(results, key=lambda r: (r.claim_id, r.check_kind)):
        by_claim.setdefault(result.claim_id, []).append(result)
    rows = []
    for claim_id, mine in sorted(by_claim.items()):
        verdict = Verdict.worst(r.verdict for r in mine)
        assert verdict is not None  # every claim here has at least one result
        worst = next(r for r in mine if r.verdict == verdict.value)
        rows.append(
            {
                "claim_id": claim_id,
                "claim_sha256": worst.claim_sha256,
                "article_id": worst.article_id,
                "start": worst.start,
                "run_id": run_id,
                "run_started_at": started_at,
                "verdict": verdict.value,
                "explanation": worst.explanation,
                "result_ids": [r.id for r in mine],
            }
        )
    if not rows:
        return
    # the claims with a check already (another run's): only they may cite sources to replace
    checked_before: set[str] = set()
    for chunk in in_chunks(by_claim):
        checked_before.update(conn.scalars(select(checks.c.claim_id).where(checks.c.claim_id.in_(chunk))))
    statement = insert(checks)
    newer = or_(
        statement.excluded.run_started_at > checks.c.run_started_at,
        and_(statement.excluded.run_started_at == checks.c.run_started_at, statement.excluded.run_id > checks.c.run_id),
    )
    statement = statement.on_conflict_do_update(
        index_elements=["claim_id"],
        set_={c.name: statement.excluded[c.name] for c in checks.c if c.name != "claim_id"},
        where=newer,
    )
    execute_many(conn, statement, rows)
    # the sources of the checks this run now holds
    sources = schema.claim_check_sources
    held: set[str] = set()  # of these claims, those whose check is now this run's (not a later-started run's)
    for chunk in in_chunks(by_claim):  # by claim id, in Python: on run_id the planner would read all the run's rows
        rows_now = conn.execute(select(checks.c.claim_id, checks.c.run_id).where(checks.c.claim_id.in_(chunk)))
        held.update(claim_id for claim_id, holder in rows_now if holder == run_id)
    for chunk in in_chunks(held & checked_before):  # a claim checked for the first time cites nothing yet
        conn.execute(delete(sources).where(sources.c.claim_id.in_(chunk)))
    cited = {(r.source, r.article_id, r.start, r.claim_id): None for r in results if r.source and r.claim_id in held}
    if cited:
        execute_many(
            conn,
            sources.insert(),
            [{"source": s, "article_id": a, "start": p, "claim_id": c} for s, a, p, c in sorted(cited)],
        )


def drop_superseded(conn: Connection, article_ids: Iterable[str]) -> None:
    """Drop the checks of claims that are no longer in their article's latest text (a new text under the same id)."""
    checks, claims, articles = schema.claim_checks, schema.claims, schema.articles
    current = exists(
        select(claims.c.id)
        .join(articles, schema.latest_claims)
        .where(claims.c.id == checks.c.claim_id, claims.c.article_id == checks.c.article_id)
    )
    sources = schema.claim_check_sources
    for chunk in in_chunks(set(article_ids)):
        gone = list(conn.scalars(select(checks.c.claim_id).where(checks.c.article_id.in_(chunk), ~current)))
        for ids in in_chunks(gone):
            conn.execute(delete(sources).where(sources.c.claim_id.in_(ids)))
            conn.execute(delete(checks).where(checks.c.claim_id.in_(ids)))
