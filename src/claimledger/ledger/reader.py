"""The ledger as the dashboard, the history and the run reports read it: SELECTs over the ledger's tables, never a
write, a CREATE or a migration. Every read returns typed rows (ledger/rows.py); a LedgerStore's `reader` is one over
the store's own engine."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, inspect, or_, select, true
from sqlalchemy.engine import Engine, make_url

from claimledger.ledger import migrate, schema
from claimledger.ledger.engine import LedgerError, in_chunks, open_engine, redacted
from claimledger.ledger.rows import (
    CheckedClaim,
    FlippedResult,
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
_checks, _check_sources, _flips = schema.claim_checks, schema.claim_check_sources, schema.flips

DEFAULT_LIMIT, MAX_LIMIT = 100, 1_000
T = TypeVar("T")


class BadCursor(ValueError):
    """A `next` cursor this ledger did not hand out (or one of another list)."""


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, in the list's order; `next` is the cursor of the page after it (None on the last)."""

    items: list[T]
    next: str | None


def encode_cursor(kind: str, values: list[Any]) -> str:
    """An opaque cursor: the list it belongs to and the sort key of the last row shown."""
    raw = json.dumps([kind, [v.isoformat() if isinstance(v, (date, datetime)) else v for v in values]])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str, types: tuple[type, ...]) -> list[Any]:
    """The sort key a cursor holds, each value parsed as `types` says (None where the key is null)."""
    try:
        found, values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if found != kind or len(values) != len(types):
            raise ValueError
        return [None if v is None else _parse(t, v) for t, v in zip(types, values)]
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise BadCursor(f"cursor {cursor[:40]!r} is not one this list handed out: start again without it") from None


def _parse(kind: type, value: Any) -> Any:
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if not isinstance(value, kind):
        raise TypeError(value)
    return value


def clamp(limit: int | None) -> int:
    """A page's size: the default when none is asked for, at most MAX_LIMIT."""
    return DEFAULT_LIMIT if limit is None else max(1, min(limit, MAX_LIMIT))


def _after(
    columns: Sequence[ColumnElement[Any]], values: Sequence[Any], descending: bool = False
) -> ColumnElement[bool]:
    """Rows after the key (a, b, c) in (a, b, c) order: a >= x AND (a > x OR (b, c) after (y, z)), the leading
    bound being a range either database scans an index for."""
    first, rest = columns[0], columns[1:]
    beyond: ColumnElement[bool] = first < values[0] if descending else first > values[0]
    if not rest:
        return beyond
    reach = first <= values[0] if descending else first >= values[0]
    return and_(reach, or_(beyond, and_(first == values[0], _after(rest, values[1:], descending))))


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
        with self.engine.connect() as conn:  # all rows in one fetch: a fetch per row gives the GIL up per row
            return [dict(row) for row in conn.execute(query).mappings().all()]

    def _rows(self, row_type: type[Row], query: Select[Any]) -> list[Row]:
        return [row_type.of(columns) for columns in self._mappings(query)]

    def _one(self, row_type: type[Row], query: Select[Any]) -> Row | None:
        rows = self._rows(row_type, query.limit(1))
        return rows[0] if rows else None

    # runs
    def runs(self, limit: int | None = None) -> list[RecordedRun]:
        """Runs, newest first."""
        return self._rows(RecordedRun, _newest_runs().limit(limit))

    def runs_page(self, limit: int | None = None, after: str | None = None) -> Page[RecordedRun]:
        """Runs newest first (by start, then id), a page at a time."""
        key = [_runs.c.started_at, _runs.c.id]
        query = _newest_runs()
        if after:
            query = query.where(_after(key, decode_cursor("runs", after, (datetime, str)), descending=True))
        return self._page("runs", RecordedRun, query, clamp(limit), lambda r: [r.started_at, r.id])

    def _page(self, kind: str, row_type: type[Row], query: Select[Any], limit: int, key: Any) -> Page[Row]:
        return _paged(kind, self._rows(row_type, query.limit(limit + 1)), limit, key)

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

    def source_uses(self, source: str, limit: int | None = None) -> list[RecordedSourceUse]:
        """The runs' uses of one source (the newest `limit`, or all), newest run first, with the run's start time."""
        query = (
            select(_run_sources, _runs.c.started_at)
            .join(_runs, _runs.c.id == _run_sources.c.run_id)
            .where(_run_sources.c.source == source)
            .order_by(_runs.c.started_at.desc(), _runs.c.id.desc())
            .limit(limit)
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

    def results_of_claims(self, claim_ids: list[str]) -> list[RecordedResult]:
        """Every result of these claims across all runs, oldest run first: their history."""
        found: list[RecordedResult] = []
        for chunk in in_chunks(claim_ids):
            query = _results_query().where(_results.c.claim_id.in_(chunk))
            found += self._rows(RecordedResult, query)
        return sorted(found, key=lambda r: (r.run_started_at, r.run_id, r.check_kind))

    # articles and claims
    def articles_page(self, limit: int | None = None, after: str | None = None) -> Page[RecordedArticle]:
        """Articles newest first (by date, then id, newest id first), those without a date last."""
        limit = clamp(limit)
        published, key = _articles.c.published, [_articles.c.published, _articles.c.id]
        dated = select(_articles).where(published.is_not(None)).order_by(published.desc(), _articles.c.id.desc())
        undated = select(_articles).where(published.is_(None)).order_by(_articles.c.id.desc())
        at = decode_cursor("articles", after, (date, str)) if after else None
        rows: list[RecordedArticle] = []
        if at is None or at[0] is not None:
            query = dated.where(_after(key, at, descending=True)) if at else dated
            rows = self._rows(RecordedArticle, query.limit(limit + 1))
        if len(rows) <= limit:
            query = undated.where(_articles.c.id < at[1]) if at and at[0] is None else undated
            rows += self._rows(RecordedArticle, query.limit(limit + 1 - len(rows)))
        return _paged("articles", rows, limit, lambda a: [a.published, a.id])

    def article_counts(self, article_ids: list[str]) -> dict[str, dict[str, int]]:
        """{article id: {"claims": n, verdict: n, ...}} over each article's latest claims."""
        counts: dict[str, dict[str, int]] = {a: {"claims": 0} for a in article_ids}
        if not article_ids:
            return counts
        query = (
            select(_claims.c.article_id, _checks.c.verdict, func.count().label("n"))
            .select_from(
                _claims.join(_articles, schema.latest_claims).outerjoin(_checks, _checks.c.claim_id == _claims.c.id)
            )
            .where(_claims.c.article_id.in_(article_ids))
            .group_by(_claims.c.article_id, _checks.c.verdict)
        )
        for row in self._mappings(query):
            counts[row["article_id"]]["claims"] += row["n"]
            if row["verdict"] is not None:
                counts[row["article_id"]][row["verdict"]] = row["n"]
        return counts

    def article(self, article_id: str) -> RecordedArticle | None:
        return self._one(RecordedArticle, select(_articles).where(_articles.c.id == article_id))

    def articles_by_id(self, article_ids: list[str]) -> list[RecordedArticle]:
        return self._rows(
            RecordedArticle, select(_articles).where(_articles.c.id.in_(article_ids)).order_by(_articles.c.id)
        )

    def claims(self, article_id: str) -> list[RecordedClaim]:
        """The claims of an article's latest version, in text order."""
        query = (
            select(_claims)
            .join(_articles, schema.latest_claims)
            .where(_claims.c.article_id == article_id)
            .order_by(_claims.c.start, _claims.c.id)
        )
        return self._rows(RecordedClaim, query)

    def checked_claims(
        self,
        *,
        verdict: str | None = None,
        article: str | None = None,
        source: str | None = None,
        limit: int | None = None,
        after: str | None = None,
    ) -> Page[CheckedClaim]:
        """Claims of each article's latest text, in article and text order, each with its latest check (none when
        never checked); filtered by that check's verdict, the article, or a source the check cited. Each filter is
        an index range: verdict (claim_checks_by_verdict), source (claim_check_sources), else claims in text order."""
        limit = clamp(limit)
        if source is not None:
            key = [_check_sources.c.article_id, _check_sources.c.start, _check_sources.c.claim_id]
            joined = (
                _check_sources.join(_checks, _checks.c.claim_id == _check_sources.c.claim_id)
                .join(
                    _claims, and_(_claims.c.id == _checks.c.claim_id, _claims.c.text_sha256 == _checks.c.claim_sha256)
                )
                .join(_articles, schema.latest_claims)
            )
            where: list[ColumnElement[bool]] = [_check_sources.c.source == source]
        elif verdict is not None:
            key = [_checks.c.article_id, _checks.c.start, _checks.c.claim_id]
            joined = _checks.join(
                _claims, and_(_claims.c.id == _checks.c.claim_id, _claims.c.text_sha256 == _checks.c.claim_sha256)
            ).join(_articles, schema.latest_claims)
            where = []
        else:
            key = [_claims.c.article_id, _claims.c.start, _claims.c.id]
            joined = _claims.join(_articles, schema.latest_claims).outerjoin(
                _checks, _checks.c.claim_id == _claims.c.id
            )
            where = []
        if verdict is not None:
            where.append(_checks.c.verdict == verdict)
        if article is not None:
            where.append(key[0] == article)
        if after:
            where.append(_after(key, decode_cursor("claims", after, (str, int, str))))
        query = (
            select(
                _claims,
                _checks.c.run_id.label("check_run_id"),
                _checks.c.verdict.label("check_verdict"),
                _checks.c.explanation.label("check_explanation"),
                _checks.c.run_started_at.label("check_started_at"),
                _checks.c.result_ids.label("check_result_ids"),
            )
            .select_from(joined)
            .where(and_(true(), *where))
            .order_by(*key)
        )
        return self._page("claims", CheckedClaim, query, limit, lambda c: [c.article_id, c.start, c.id])

    def count_claims(self, verdict: str) -> int:
        """How many claims of the articles' latest texts have this verdict in their latest check."""
        query = select(func.count()).select_from(_checks).where(_checks.c.verdict == verdict)
        return self._scalar(query) or 0

    def count(self, table_name: str) -> int:
        """Rows in one of the ledger's tables (articles, runs)."""
        return self._scalar(select(func.count()).select_from(schema.metadata.tables[table_name])) or 0

    def _scalar(self, query: Select[Any]) -> Any:
        if not self.ready():
            return None
        with self.engine.connect() as conn:
            return conn.scalar(query)

    def latest_results(self, claims: list[CheckedClaim]) -> dict[str, list[RecordedResult]]:
        """The results of each claim's latest check (claim_checks.result_ids, read by primary key), by claim id, in
        check kind order."""
        checks = {c.id: c for c in claims if c.check_run_id}
        wanted = {result_id: claim_id for claim_id, c in checks.items() for result_id in c.check_result_ids or []}
        query = select(_results, _claims.c.article_id, _claims.c.quote, _claims.c.start).join(
            _claims, schema.result_claim
        )
        found: dict[str, list[RecordedResult]] = {}
        for chunk in in_chunks(wanted):
            for row in self._mappings(query.where(_results.c.id.in_(chunk))):
                check = checks[row["claim_id"]]
                result = RecordedResult.of(
                    row | {"run_id": check.check_run_id, "run_started_at": check.check_started_at}
                )
                found.setdefault(result.claim_id, []).append(result)
        return {claim_id: sorted(rows, key=lambda r: r.check_kind) for claim_id, rows in found.items()}

    def flips(self, run_id: str, limit: int | None = None) -> list[FlippedResult]:
        """A run's results whose verdict differs from the same check of the same claim text in the newest earlier
        run that made it, in article and text order."""
        previous = _results.alias("previous")
        query = (
            _results_query()
            .add_columns(
                previous.c.verdict.label("previous_verdict"),
                _flips.c.previous_run_id,
                previous.c.snapshot_sha256.label("previous_snapshot_sha256"),
            )
            .join(_flips, and_(_flips.c.result_id == _results.c.id, _flips.c.run_id == _run_results.c.run_id))
            .join(previous, previous.c.id == _flips.c.previous_result_id)
            .where(_flips.c.run_id == run_id)
            .order_by(_flips.c.article_id, _flips.c.start, _flips.c.result_id)
            .limit(clamp(limit))
        )
        return self._rows(FlippedResult, query)

    def count_flips(self, run_id: str) -> int:
        return self._scalar(select(func.count()).select_from(_flips).where(_flips.c.run_id == run_id)) or 0

    def count_source_articles(self, source: str) -> int:
        """How many articles have a claim whose latest check cited a source."""
        articles = select(_check_sources.c.article_id).where(_check_sources.c.source == source).distinct().subquery()
        return self._scalar(select(func.count()).select_from(articles)) or 0

    def source_claim_articles(self, source: str) -> list[str]:
        """The articles whose claims' latest checks cited a source (what a recheck of that source re-asks)."""
        query = select(_check_sources.c.article_id).where(_check_sources.c.source == source).distinct()
        return sorted(row["article_id"] for row in self._mappings(query))

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


def _paged(kind: str, rows: list[Any], limit: int, key: Any) -> Page[Any]:
    """A page of `limit` rows out of up to limit + 1 read: the extra one says there is a next page."""
    return Page(rows[:limit], encode_cursor(kind, key(rows[limit - 1])) if len(rows) > limit else None)


def _newest_runs() -> Select[Any]:
    return select(_runs).order_by(_runs.c.started_at.desc(), _runs.c.id.desc())


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
