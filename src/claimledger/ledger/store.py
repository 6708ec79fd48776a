"""The ledger store: every run written whole in one transaction, read back for the CLI and the dashboard."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import create_engine, event, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError

from claimledger.checks.model import CHECKS_VERSION, CheckResult
from claimledger.claims.model import Article, Claim
from claimledger.ledger import schema


class LedgerError(RuntimeError):
    """The ledger cannot be opened or written; the message names the ledger URL."""


@dataclass(frozen=True)
class SourceUse:
    """Which snapshot of a source a run used (or why it used none), with the snapshot's passport."""

    source: str
    status: str  # used | unavailable
    snapshot: dict[str, Any] | None = None  # sha256, url, retrieved_at, bytes, etag, last_modified, license, validation
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RunRecord:
    """Everything one verify run produced, written to the ledger at once."""

    run_id: str
    started_at: datetime
    finished_at: datetime
    arguments: dict[str, Any]
    as_of: date | None
    articles: list[Article]
    claims: list[Claim]
    results: list[CheckResult]
    sources: list[SourceUse] = field(default_factory=list)
    status: str = "completed"


def fingerprint(claim: Claim, result: CheckResult) -> str:
    """Same claim, same snapshot, same checks version: same fingerprint, nothing new to learn."""
    basis = json.dumps([claim.as_dict(), result.check_kind, result.snapshot_sha256, CHECKS_VERSION],
                       sort_keys=True, default=str)
    return hashlib.sha256(basis.encode()).hexdigest()


def _redact(url: str) -> str:
    try:
        from sqlalchemy.engine import make_url
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


class LedgerStore:
    """A ledger at a SQLAlchemy URL (sqlite:///data/ledger.db by default, postgresql+psycopg://... when shared)."""

    def __init__(self, url: str):
        self.url = url
        try:
            self.engine: Engine = create_engine(url, future=True)
        except (ArgumentError, ImportError) as exc:
            raise LedgerError(f"ledger {_redact(url)}: cannot open: {exc}") from exc
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            schema.metadata.create_all(self.engine)
        except (OperationalError, DatabaseError) as exc:
            raise LedgerError(f"ledger {_redact(url)}: not a usable database: {exc.orig}") from exc

    def record_run(self, run: RunRecord) -> None:
        """Write the run, its articles, claims, snapshots and results in one transaction: all or nothing."""
        claims_by_id = {c.id: c for c in run.claims}
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(schema.runs).values(
                    id=run.run_id, started_at=run.started_at, finished_at=run.finished_at, status=run.status,
                    as_of=run.as_of, arguments=json.dumps(run.arguments, default=str), checks_version=CHECKS_VERSION,
                    claims=len(run.claims), results=len(run.results)))
                self._upsert(conn, schema.articles, [_article_row(a) for a in run.articles])
                self._upsert(conn, schema.claims, [_claim_row(c) for c in run.claims])
                self._upsert(conn, schema.snapshots, [_snapshot_row(u) for u in run.sources if u.snapshot])
                for use in run.sources:
                    conn.execute(insert(schema.run_sources).values(
                        run_id=run.run_id, source=use.source, status=use.status,
                        snapshot_sha256=use.snapshot["sha256"] if use.snapshot else None,
                        notes="\n".join(use.notes) or None))
                if run.results:
                    conn.execute(insert(schema.check_results), [
                        _result_row(run.run_id, r, claims_by_id[r.claim_id]) for r in run.results])
        except (OperationalError, DatabaseError) as exc:
            raise LedgerError(f"ledger {_redact(self.url)}: run {run.run_id} not written (nothing was kept): "
                              f"{exc.orig}") from exc

    @staticmethod
    def _upsert(conn, table, rows: list[dict]) -> None:
        if not rows:
            return
        keys = [c.name for c in table.primary_key.columns]
        existing = {tuple(r) for r in conn.execute(select(*table.primary_key.columns))}
        fresh = [r for r in rows if tuple(r[k] for k in keys) not in existing]
        if fresh:
            conn.execute(insert(table), fresh)
        for row in rows:
            if tuple(row[k] for k in keys) in existing:
                where = [table.c[k] == row[k] for k in keys]
                conn.execute(update(table).where(*where).values(**{k: v for k, v in row.items() if k not in keys}))

    def runs(self) -> list[dict]:
        """All runs, newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(schema.runs).order_by(schema.runs.c.started_at.desc()))
            return [dict(r._mapping) for r in rows]

    def results(self, run_id: str) -> list[dict]:
        """A run's check results joined with their claims, in article and text order."""
        r, c = schema.check_results, schema.claims
        query = (select(r, c.c.article_id, c.c.quote, c.c.sentence, c.c.value, c.c.unit, c.c.qualifier,
                        c.c.start).join(c, r.c.claim_id == c.c.id).where(r.c.run_id == run_id)
                 .order_by(c.c.article_id, c.c.start))
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def run_sources(self, run_id: str) -> list[dict]:
        """Which snapshot of each source a run used."""
        with self.engine.connect() as conn:
            query = select(schema.run_sources).where(schema.run_sources.c.run_id == run_id)
            return [dict(row._mapping) for row in conn.execute(query)]


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")  # a second run waits for the first one's transaction
    cursor.close()


def _article_row(a: Article) -> dict:
    return {"id": a.id, "title": a.title, "publisher": a.publisher, "url": a.url, "published": a.published,
            "path": a.path, "text_sha256": hashlib.sha256(a.text.encode()).hexdigest()}


def _claim_row(c: Claim) -> dict:
    row = c.as_dict()
    row.pop("as_of")
    return row


def _snapshot_row(use: SourceUse) -> dict:
    s = use.snapshot or {}
    return {"source": use.source, "sha256": s["sha256"], "url": s.get("url", ""),
            "retrieved_at": s.get("retrieved_at", ""), "bytes": s.get("bytes", 0), "etag": s.get("etag"),
            "last_modified": s.get("last_modified"), "license": s.get("license"),
            "validation": json.dumps(s.get("validation"), default=str)}


def _result_row(run_id: str, r: CheckResult, claim: Claim) -> dict:
    return {"run_id": run_id, "claim_id": r.claim_id, "check_kind": r.check_kind, "verdict": r.verdict,
            "metric": r.metric, "low": r.low, "high": r.high, "observed": r.observed,
            "reference_date": r.reference_date, "source": r.source, "snapshot_sha256": r.snapshot_sha256,
            "tolerance": r.tolerance, "explanation": r.explanation, "citation": r.citation,
            "evidence": json.dumps(list(r.evidence), default=str), "fingerprint": fingerprint(claim, r)}
