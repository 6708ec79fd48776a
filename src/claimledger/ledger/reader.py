"""The ledger as the dashboard, the history and the run reports read it: SELECTs over the ledger's tables, never a
write, a CREATE or a migration. Every read returns typed rows (ledger/rows.py); a LedgerStore's `reader` is one over
the store's own engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, inspect, select
from sqlalchemy.engine import Engine, make_url

from claimledger.ledger import migrate, schema
from claimledger.ledger.engine import LedgerError, open_engine, redacted
from claimledger.ledger.rows import (
    RecordedArticle,
    RecordedClaim,
    RecordedResult,
    RecordedRun,
    RecordedSnapshot,
    RecordedSourceUse,
    Row,
)

_runs, _articles, _claims = schema.runs, schema.articles, schema.claims
_results, _snapshots, _run_sources = schema.check_results, schema.snapshots, schema.run_sources
_run_results = schema.run_results


class LedgerReader:
    """The ledger at a SQLAlchemy URL, read as typed rows; a ledger not written yet reads as empty."""

    def __init__(self, url: str, engine: Engine | None = None):
        """`engine`: one already open on `url` (a LedgerStore's, so the writer and its reads share one pool)."""
        self.url = url
        self.engine: Engine = engine if engine is not None else open_engine(url)
        self._ready = False

    def ready(self) -> bool:
        """True once a verify run has created the tables (a missing SQLite file is not created by looking);
        a ledger at another schema revision is an error: the dashboard reads, it never migrates."""
        if self._ready:
            return True
        database = make_url(self.url).database
        on_disk = self.engine.dialect.name == "sqlite" and database not in (None, "", ":memory:")
        if on_disk and database and not Path(database).is_file():
            return False
        with self.engine.connect() as conn:
            if not inspect(conn).has_table(_runs.name):
                return False
            revision = migrate.current(conn)
        if revision != migrate.head():
            raise LedgerError(
                f"ledger {redacted(self.url)}: its schema is at revision {revision or '(none)'}, this "
                f"dashboard reads revision {migrate.head()}; a `claimledger verify` run migrates an "
                "older ledger"
            )
        self._ready = True
        return True

    def _mappings(self, query: Select[Any]) -> list[dict[str, Any]]:
        if not self.ready():
            return []
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def _rows(self, row_type: type[Row], query: Select[Any]) -> list[Row]:
        return [row_type.of(columns) for columns in self._mappings(query)]

    def _one(self, row_type: type[Row], query: Select[Any]) -> Row | None:
        rows = self._rows(row_type, query.limit(1))
        return rows[0] if rows else None

    # runs
    def runs(self, limit: int | None = None) -> list[RecordedRun]:
        """Runs, newest first."""
        return self._rows(RecordedRun, select(_runs).order_by(_runs.c.started_at.desc(), _runs.c.id).limit(limit))

    def run(self, run_id: str) -> RecordedRun | None:
        return self._one(RecordedRun, select(_runs).where(_runs.c.id == run_id))

    def run_sources(self, run_id: str) -> list[RecordedSourceUse]:
        """Which snapshot of each source a run used, or why it used none."""
        return self._rows(
            RecordedSourceUse,
            select(_run_sources).where(_run_sources.c.run_id == run_id).order_by(_run_sources.c.source),
        )

    def source_names(self) -> list[str]:
        """Every source any run used or tried to use."""
        return [r["source"] for r in self._mappings(select(_run_sources.c.source).distinct())]

    def source_uses(self, source: str) -> list[RecordedSourceUse]:
        """Every run's use of one source, newest run first, with the run's start time."""
        query = (
            select(_run_sources, _runs.c.started_at)
            .join(_runs, _runs.c.id == _run_sources.c.run_id)
            .where(_run_sources.c.source == source)
            .order_by(_runs.c.started_at.desc())
        )
        return self._rows(RecordedSourceUse, query)

    # check results: every read goes through schema.results_by_run, the one place that knows how a result belongs
    # to a run
    def results_of_run(self, run_id: str) -> list[RecordedResult]:
        """A run's results with their claims' article, quote and position, in article and text order."""
        return self._rows(
            RecordedResult,
            _results_query()
            .where(_run_results.c.run_id == run_id)
            .order_by(_claims.c.article_id, _claims.c.start, _results.c.check_kind),
        )

    def verdict_counts(self) -> dict[str, dict[str, int]]:
        """{run id: {verdict: number of results}} for every run."""
        query = (
            select(_runs.c.id.label("run_id"), _results.c.verdict, func.count().label("n"))
            .select_from(schema.results_by_run())
            .group_by(_runs.c.id, _results.c.verdict)
        )
        counts: dict[str, dict[str, int]] = {}
        for row in self._mappings(query):
            counts.setdefault(row["run_id"], {})[row["verdict"]] = row["n"]
        return counts

    def results_of_claims(self, claim_ids: list[str] | None = None) -> list[RecordedResult]:
        """Every result of these claims (None: of all claims) across all runs, oldest run first: their history."""
        if claim_ids is not None and not claim_ids:
            return []
        query = _results_query().order_by(_runs.c.started_at, _runs.c.id, _results.c.check_kind)
        if claim_ids is not None:
            query = query.where(_results.c.claim_id.in_(claim_ids))
        return self._rows(RecordedResult, query)

    def results_of_source(self, source: str) -> list[RecordedResult]:
        """Every result that cited a source, oldest run first."""
        return self._rows(
            RecordedResult, _results_query().where(_results.c.source == source).order_by(_runs.c.started_at, _runs.c.id)
        )

    # articles and claims
    def articles(self) -> list[RecordedArticle]:
        return self._rows(RecordedArticle, select(_articles).order_by(_articles.c.published.desc(), _articles.c.id))

    def article(self, article_id: str) -> RecordedArticle | None:
        return self._one(RecordedArticle, select(_articles).where(_articles.c.id == article_id))

    def articles_by_id(self, article_ids: list[str]) -> list[RecordedArticle]:
        return self._rows(
            RecordedArticle, select(_articles).where(_articles.c.id.in_(article_ids)).order_by(_articles.c.id)
        )

    def claims(self, article_id: str | None = None) -> list[RecordedClaim]:
        """Claims of each article's latest version (of one article, or all), in article and text order."""
        query = select(_claims).join(_articles, schema.latest_claims).order_by(_claims.c.article_id, _claims.c.start)
        if article_id is not None:
            query = query.where(_claims.c.article_id == article_id)
        return self._rows(RecordedClaim, query)

    def claim(self, claim_id: str) -> RecordedClaim | None:
        """A claim's latest version: the one in its article's latest text, else the last it had."""
        return self._one(
            RecordedClaim,
            select(_claims)
            .join(_articles, _articles.c.id == _claims.c.article_id)
            .where(_claims.c.id == claim_id)
            .order_by((_claims.c.article_sha256 == _articles.c.text_sha256).desc(), _claims.c.text_sha256),
        )

    # snapshots
    def snapshot(self, source: str, sha256: str) -> RecordedSnapshot | None:
        """A snapshot's passport as the ledger keeps it, its validation parsed."""
        return self._one(
            RecordedSnapshot, select(_snapshots).where(_snapshots.c.source == source, _snapshots.c.sha256 == sha256)
        )


def _results_query() -> Select[Any]:
    """Results with their run's id and start time and their claim's article, quote and position."""
    return select(
        _results,
        _run_results.c.run_id,
        _runs.c.started_at.label("run_started_at"),
        _claims.c.article_id,
        _claims.c.quote,
        _claims.c.start,
    ).select_from(schema.results_by_run())
