"""The ledger store: every run written whole in one transaction; `store.reader` reads it back as typed rows
(reader.py), over the same engine.

SQLite (the default, one file) and PostgreSQL (shared: postgresql+psycopg://user@host/db) behave the same: the
schema is migrated on open, claims, articles and snapshots are upserted with INSERT ... ON CONFLICT so two runs
writing the same claim at once both land, and each distinct result is stored once (see schema.py).

A SQLite file is checked (PRAGMA quick_check, about 40 ms for 50 MB) when opened and again before each run is
written, so a damaged ledger is refused with one line and is never written to.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DatabaseError, OperationalError

from claimledger.checks.model import CHECKS_VERSION, CheckResult
from claimledger.claims.model import Article, Claim
from claimledger.ledger import latest, migrate, schema
from claimledger.ledger.engine import LedgerError, execute_many, in_chunks, malformed, open_engine, redacted
from claimledger.ledger.reader import LedgerReader

# Both dialects' INSERT ... ON CONFLICT, which the generic Insert lacks.
_DIALECT_INSERT: dict[str, Callable[[Any], sqlite.Insert | postgresql.Insert]] = {
    "sqlite": sqlite.insert,
    "postgresql": postgresql.insert,
}


def claim_text_sha256(quote: str, sentence: str) -> str:
    """A claim version's key beside its id: the same span of a new article text is a new claim when its words differ."""
    return hashlib.sha256(json.dumps([quote, sentence]).encode()).hexdigest()


@dataclass(frozen=True)
class SourceUse:
    """Which snapshot of a source a run used (or why it used none), with the snapshot's passport."""

    source: str
    status: str  # used | unavailable
    snapshot: dict[str, Any] | None = None  # sha256, url, retrieved_at, bytes, etag, last_modified, license, validation
    notes: tuple[str, ...] = ()


ANALYZE_AFTER = 5_000  # results a run writes on PostgreSQL before it gathers the tables' statistics anew
LOCK_TRIES = 3  # waits of SQLite's busy_timeout for another run's write lock before a run gives up

RunChunk = tuple[list[Article], list[Claim], list[CheckResult]]  # a part of a run: articles, claims, results


@dataclass
class _Totals:
    """What a run's parts added up to so far, for its row."""

    articles: dict[str, str] = field(default_factory=dict)  # article id -> the version the run read
    result_ids: set[int] = field(default_factory=set)
    claims: int = 0
    results: int = 0
    new: int = 0
    first: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)


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
    skipped: tuple[dict[str, Any], ...] = ()  # articles and figures not read: {"article", "path", "reason"} each
    basis: dict[str, Any] = field(default_factory=dict)  # what the run decided with: version, vocabulary, suites
    # what its results were held to before this write (the claim checks suite's outcome); kept in the runs.basis
    # column beside the basis, outside every result's fingerprint
    invariants: dict[str, Any] = field(default_factory=dict)


# json.dumps(value, sort_keys=True, default=str) and json.dumps(value, default=str), built once
_SORTED = json.JSONEncoder(sort_keys=True, default=str)
_PLAIN = json.JSONEncoder(default=str)


def fingerprint(
    claim: Claim,
    result: CheckResult,
    as_of: date | None = None,
    basis: dict[str, Any] | None = None,
    claim_dict: dict[str, Any] | None = None,
) -> str:
    """What went into a verdict: the claim, the check and its parameters (window, field, tolerance...), the
    snapshot, the date checked against, the checks version, and the run's basis (package version, vocabulary and
    suites by sha256).

    Same fingerprint: nothing new to learn. `as_of` is the run's --as-of (it moves the date a claim is held to);
    `claim_dict` is claim.as_dict() when the caller has it already.
    """
    claim_json = _SORTED.encode(claim_dict if claim_dict is not None else claim.as_dict())
    return _fingerprint(claim_json, result, as_of, _SORTED.encode(basis or {}))


def _fingerprint(claim_json: str, result: CheckResult, as_of: date | None, basis_json: str) -> str:
    """fingerprint() of a claim and a basis already encoded: the sha256 of the JSON list [claim, check kind,
    source, snapshot, as_of, checks version, parameters, basis], keys sorted, written out piece by piece (a part's
    results share one basis)."""
    middle = _SORTED.encode(
        [
            result.check_kind,
            result.source,
            result.snapshot_sha256,
            as_of.isoformat() if as_of else None,
            CHECKS_VERSION,
            result.parameters,
        ]
    )
    inputs = f"[{claim_json}, {middle[1:-1]}, {basis_json}]"
    return hashlib.sha256(inputs.encode()).hexdigest()


RESULT_FIELDS = (
    "fingerprint",
    "claim_id",
    "check_kind",
    "verdict",
    "metric",
    "low",
    "high",
    "observed",
    "reference_date",
    "source",
    "snapshot_sha256",
    "tolerance",
    "explanation",
    "citation",
    "evidence",
    "matched_on",
)


# a part's ledger rows: claim id -> its claims row (but article_sha256: the version it is read from), and
# result_sha256 -> its check_results row
PartRows = tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]


def part_rows(claims: list[Claim], results: list[CheckResult], as_of: date | None, basis: dict[str, Any]) -> PartRows:
    """The claims' rows and the results' ledger rows (fingerprints and identities) of one part of a run: pure
    computation, the larger share of a part's write, which a worker process can do beside its checks."""
    claim_rows, claim_json = {}, {}
    for claim in claims:  # each claim's dict and its JSON once: its row and its results' fingerprints
        values = claim.as_dict()
        claim_json[claim.id] = _SORTED.encode(values)
        claim_rows[claim.id] = _claim_row(claim, values)
    basis_json = _SORTED.encode(basis or {})
    rows = {}
    for r in results:
        row = _result_row(r, _fingerprint(claim_json[r.claim_id], r, as_of, basis_json))
        row["claim_sha256"] = claim_rows[r.claim_id]["text_sha256"]
        rows[row["result_sha256"]] = row
    return claim_rows, rows


def result_sha256(row: dict[str, Any]) -> str:
    """A result row's identity: its fingerprint and everything the check said (migration 0002 keeps a copy)."""
    return hashlib.sha256(_PLAIN.encode([row[k] for k in RESULT_FIELDS]).encode()).hexdigest()


class LedgerStore:
    """A ledger at a SQLAlchemy URL (sqlite:///data/ledger.db by default, postgresql+psycopg://... when shared)."""

    def __init__(self, url: str, before_commit: Callable[[str], None] | None = None):
        """`before_commit(run_id)` runs inside a run's transaction, after every row is written and before COMMIT
        (tests/test_ledger_killed.py kills the writer there)."""
        self.url = url
        self.before_commit = before_commit
        self.engine: Engine = open_engine(url)
        self.dialect = self.engine.dialect.name
        try:
            with self.engine.connect() as conn:
                self._check_sound(conn)
            migrate.upgrade(self.engine)
        except migrate.SchemaTooNew as exc:
            raise LedgerError(f"ledger {redacted(url)}: {exc}") from exc
        except (OperationalError, DatabaseError) as exc:
            raise LedgerError(f"ledger {redacted(url)}: not a usable database: {exc.orig}") from exc
        self.reader = LedgerReader(url, self.engine)  # the reads, as typed rows

    def _check_sound(self, conn: Connection) -> None:
        """Refuse a damaged SQLite file (PRAGMA quick_check) before anything reads or writes it."""
        if self.dialect != "sqlite":
            return
        try:
            problems = [v for (v,) in conn.exec_driver_sql("PRAGMA quick_check") if v != "ok"]
        except DatabaseError as exc:  # the damage can stop SQLite reading its own schema
            if not malformed(exc):
                raise  # not a SQLite file at all: the caller says so
            problems = [str(exc.orig)]
        if problems:
            raise self.damaged("quick_check: " + "; ".join(problems[:3]))

    def damaged(self, detail: str) -> LedgerError:
        """The one line for a SQLite file that is damaged (quick_check found it, or a query hit it)."""
        return LedgerError(
            f"{self.engine.url.database}: the SQLite file is damaged ({detail}); nothing was written; "
            "restore it from a backup or move it aside"
        )

    def close(self) -> None:
        """Give back the pooled connections (a PostgreSQL server counts them)."""
        self.engine.dispose()

    def __enter__(self) -> LedgerStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def reading(self) -> Iterator[LedgerStore]:
        """Use the store; a database error on the way (damage found while reading) is a LedgerError in one line."""
        try:
            yield self
        except (OperationalError, DatabaseError) as exc:
            if self.dialect == "sqlite" and malformed(exc):
                raise self.damaged(str(exc.orig)) from exc
            raise LedgerError(f"ledger {redacted(self.url)}: {exc.orig}") from exc

    def record_run(self, run: RunRecord, chunks: Iterable[RunChunk] | None = None) -> None:
        """Write the run, its articles, claims, snapshots and results in one transaction: all or nothing.

        The articles, claims and results are the run's own lists, or `chunks`: (articles, claims, results) a part at
        a time, each written and let go before the next is read. pipeline.verify writes its parts through
        `writer()` itself, each as soon as it is checked."""
        with self.writer(run.run_id, run.started_at, run.as_of, run.arguments, run.basis, run.status) as writer:
            writer.sources(run.sources)
            for articles, claims, results in (
                chunks if chunks is not None else [(run.articles, run.claims, run.results)]
            ):
                writer.part(articles, claims, results)
            writer.commit(run.sources, run.skipped, run.invariants, run.finished_at)

    def writer(
        self,
        run_id: str,
        started_at: datetime,
        as_of: date | None,
        arguments: dict[str, Any],
        basis: dict[str, Any],
        status: str = "completed",
    ) -> RunWriter:
        """The run's transaction, to write it a part at a time (RunWriter)."""
        return RunWriter(self, run_id, started_at, as_of, arguments, basis, status)

    @contextlib.contextmanager
    def _writing(self, run_id: str) -> Iterator[None]:
        """A database error while a run is written, as one LedgerError line that says nothing was kept."""
        try:
            yield
        except (OperationalError, DatabaseError) as exc:
            if malformed(exc):
                raise self.damaged(str(exc.orig)) from exc
            raise LedgerError(
                f"ledger {redacted(self.url)}: run {run_id} not written (nothing was kept): {exc.orig}"
            ) from exc

    def _upsert(self, conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
        """Insert or update by primary key in one statement per table, race-free on both databases."""
        if not rows:
            return
        keys = [c.name for c in table.primary_key.columns]
        # One row per key (ON CONFLICT may not touch a row twice), in key order so concurrent writers lock alike.
        unique = {tuple(row[k] for k in keys): row for row in rows}
        statement = _DIALECT_INSERT[self.dialect](table)
        statement = statement.on_conflict_do_update(
            index_elements=keys, set_={c.name: statement.excluded[c.name] for c in table.c if c.name not in keys}
        )
        execute_many(conn, statement, [unique[k] for k in sorted(unique)])

    def _insert_new(self, conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
        """Insert the rows whose key the ledger does not hold yet; never touch the ones it does."""
        if rows:
            keys = [c.name for c in table.primary_key.columns]
            statement = _DIALECT_INSERT[self.dialect](table).on_conflict_do_nothing(index_elements=keys)
            execute_many(conn, statement, sorted(rows, key=lambda row: tuple(row[k] for k in keys)))

    def _latest_versions(self, conn: Connection, article_ids: set[str]) -> dict[str, str]:
        """The latest version of articles this run did not read (a recheck of recorded claims)."""
        a, found = schema.articles, dict[str, str]()
        for chunk in in_chunks(article_ids):
            found.update(
                (row.id, row.text_sha256)
                for row in conn.execute(select(a.c.id, a.c.text_sha256).where(a.c.id.in_(chunk)))
            )
        if missing := sorted(article_ids - found.keys()):
            raise LedgerError(
                f"ledger {redacted(self.url)}: claims of article(s) {', '.join(missing[:5])} that this "
                "run did not read and the ledger does not hold; nothing was written"
            )
        return found

    def _insert_results(self, conn: Connection, rows: list[dict[str, Any]]) -> tuple[dict[str, int], int]:
        """Store the results the ledger has not seen; return the ids of all of them (by result_sha256) and how many
        were new."""
        if not rows:
            return {}, 0
        table = schema.check_results
        statement = _DIALECT_INSERT[self.dialect](table).on_conflict_do_nothing(index_elements=["result_sha256"])
        inserted = execute_many(conn, statement, sorted(rows, key=lambda r: r["result_sha256"]))
        wanted = [row["result_sha256"] for row in rows]
        ids: dict[str, int] = {}
        for chunk in in_chunks(wanted):
            ids.update(
                (row.result_sha256, row.id)
                for row in conn.execute(
                    select(table.c.result_sha256, table.c.id).where(table.c.result_sha256.in_(chunk))
                )
            )
        return ids, inserted

    # -- reading -------------------------------------------------------------------------------------------------

    def integrity_problems(self) -> list[str]:
        """What is wrong with the ledger's consistency (empty when sound): the check a killed writer must pass."""
        problems: list[str] = []
        r, link, runs = schema.check_results, schema.run_results, schema.runs
        with self.engine.connect() as conn:
            if self.dialect == "sqlite":
                problems += [
                    f"integrity_check: {v}" for (v,) in conn.exec_driver_sql("PRAGMA integrity_check") if v != "ok"
                ]
                problems += [f"foreign key: {row}" for row in conn.exec_driver_sql("PRAGMA foreign_key_check")]
            orphans = conn.scalar(select(func.count()).select_from(r).where(~r.c.id.in_(select(link.c.result_id))))
            if orphans:
                problems.append(f"{orphans} result(s) linked to no run")
            unfinished = conn.scalar(select(func.count()).select_from(runs).where(runs.c.status != "completed"))
            if unfinished:
                problems.append(f"{unfinished} run(s) not completed")
            counted = select(link.c.run_id, func.count().label("n")).group_by(link.c.run_id).subquery()
            mismatched = conn.scalar(
                select(func.count())
                .select_from(runs.outerjoin(counted, counted.c.run_id == runs.c.id))
                .where(func.coalesce(counted.c.n, 0) != runs.c.results)
            )
            if mismatched:
                problems.append(f"{mismatched} run(s) whose result count differs from their links")
        return problems


class RunWriter:
    """One run's transaction, from its first part's rows to its COMMIT: a run is in the ledger whole or not at all.

    `part()` writes a part's articles, claims and results as soon as they are checked (nothing waits on disk in
    between), `sources()` the snapshots a part is about to cite, `commit()` the run's row, its sources and what it
    skipped, then commits. Leaving the `with` block without commit() (an error, a broken invariant) rolls it all
    back; a killed process leaves an uncommitted transaction, which the database discards.

    The transaction opens with the first write, not before, so a SQLite run holds the file's write lock while it
    writes, not while its first part is read and extracted.
    """

    def __init__(
        self,
        store: LedgerStore,
        run_id: str,
        started_at: datetime,
        as_of: date | None,
        arguments: dict[str, Any],
        basis: dict[str, Any],
        status: str,
    ):
        self.store, self.run_id, self.started_at, self.as_of, self.basis = store, run_id, started_at, as_of, basis
        self._row = {
            "id": run_id,
            "started_at": started_at,
            "status": status,
            "as_of": as_of,
            "arguments": json.dumps(arguments, default=str),
            "checks_version": CHECKS_VERSION,
        }
        self._conn: Connection | None = None
        self._planned: float | None = None  # results the PostgreSQL planner knows of (see _keep_statistics)
        self._analyzed = 0  # the run's results when it last gathered the statistics
        self._totals = _Totals()
        self._snapshots: set[tuple[str, str]] = set()
        self.committed = False

    def __enter__(self) -> RunWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._conn is not None:
            try:
                if not self.committed:
                    self._conn.rollback()
            finally:
                self._conn.close()
                self._conn = None

    def _open(self) -> Connection:
        if self._conn is None:
            with self.store._writing(self.run_id):
                conn = self.store.engine.connect()
                self._conn = conn
                conn.begin()
                if self.store.dialect == "sqlite":
                    self._lock(conn)
                    self.store._check_sound(conn)
                # first, for the links to point at; its counts, basis and end once every part is in
                conn.execute(schema.runs.insert().values(**self._row, finished_at=self._row["started_at"]))
        return self._conn

    def _lock(self, conn: Connection) -> None:
        """SQLite's write lock: writers queue for it (busy_timeout, 30 s a try), so they never deadlock; a run that
        waited LOCK_TRIES times in vain fails saying the ledger is locked."""
        for attempt in range(1, LOCK_TRIES + 1):
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except OperationalError as exc:
                if "locked" not in str(exc.orig) or attempt == LOCK_TRIES:
                    raise

    def sources(self, uses: Iterable[SourceUse]) -> None:
        """The snapshots of sources a part is about to cite (each written once)."""
        rows = [
            _snapshot_row(u) for u in uses if u.snapshot and (u.source, u.snapshot["sha256"]) not in self._snapshots
        ]
        if rows:
            conn = self._open()
            with self.store._writing(self.run_id):
                self.store._upsert(conn, schema.snapshots, rows)
            self._snapshots.update((row["source"], row["sha256"]) for row in rows)

    def part(
        self,
        articles: list[Article],
        claims: list[Claim],
        results: list[CheckResult],
        prepared: PartRows | None = None,
    ) -> None:
        """One part of the run: its articles and their versions, its claims, its results and their links
        (`prepared`: part_rows() of its claims and results with this run's as_of and basis, made elsewhere)."""
        conn = self._open()
        with self.store._writing(self.run_id):
            self._record_part(conn, articles, claims, results, prepared)

    def _record_part(
        self,
        conn: Connection,
        articles: list[Article],
        claims: list[Claim],
        results: list[CheckResult],
        prepared: PartRows | None,
    ) -> None:
        """One part of the run: its articles and their versions, its claims, its results and their links, and what
        the list pages read of them (ledger/latest.py); the run's totals grow by it."""
        store, totals = self.store, self._totals
        claims_by_id = {c.id: c for c in claims}
        claim_rows, rows = prepared if prepared is not None else part_rows(claims, results, self.as_of, self.basis)
        read = {a.id: _article_row(a) for a in articles}
        store._upsert(conn, schema.articles, list(read.values()))
        store._insert_new(conn, schema.article_versions, [_version_row(row, self.run_id) for row in read.values()])
        versions = {
            **store._latest_versions(conn, {c.article_id for c in claims} - read.keys()),
            **{article_id: row["text_sha256"] for article_id, row in read.items()},
        }
        store._upsert(
            conn, schema.claims, [claim_rows[c.id] | {"article_sha256": versions[c.article_id]} for c in claims]
        )
        result_ids, new = store._insert_results(conn, list(rows.values()))
        linked = [
            latest.LinkedResult(
                id=result_ids[sha],
                claim_id=row["claim_id"],
                claim_sha256=row["claim_sha256"],
                check_kind=row["check_kind"],
                verdict=row["verdict"],
                explanation=row["explanation"],
                source=row["source"],
                article_id=claims_by_id[row["claim_id"]].article_id,
                start=claims_by_id[row["claim_id"]].start,
            )
            for sha, row in rows.items()
        ]
        unseen = {a: sha for a, sha in versions.items() if a not in totals.articles}
        if unseen:
            execute_many(
                conn,
                schema.run_articles.insert(),
                [{"run_id": self.run_id, "article_id": a, "article_sha256": sha} for a, sha in sorted(unseen.items())],
            )
        fresh = set(result_ids.values()) - totals.result_ids  # parts hold other claims: all of them, in practice
        if fresh:
            execute_many(
                conn, schema.run_results.insert(), [{"run_id": self.run_id, "result_id": i} for i in sorted(fresh)]
            )
        linked = [r for r in linked if r.id in fresh]
        totals.first += latest.record(conn, self.run_id, self.started_at, linked, read)  # what the list pages read
        totals.articles.update(versions)
        totals.result_ids.update(fresh)
        totals.claims += len(claims)
        totals.results += len(fresh)
        totals.new += new
        totals.verdicts.update(r.verdict for r in linked)
        if store.dialect == "postgresql":
            self._keep_statistics(conn)

    def _keep_statistics(self, conn: Connection) -> None:
        """PostgreSQL plans by table statistics, which autovacuum gathers from committed rows only: inside a run's
        transaction, tables grown from empty still looked empty, and each IN lookup of a part read the whole table
        (8 s a part at first, 33 s by the fifth, at 10,000 articles). The statistics of the tables a run writes are
        gathered again (ANALYZE, in the transaction) whenever the run has written at least as many results as the
        planner knew of, and ANALYZE_AFTER at least: a few times in a large run, never in a small one."""
        totals = self._totals
        if self._planned is None:  # the results table's rows as the planner knows them, -1 if never analyzed
            known = conn.exec_driver_sql("SELECT reltuples FROM pg_class WHERE oid = 'check_results'::regclass")
            self._planned = max(0.0, float(known.scalar_one()))
        grown = totals.results - self._analyzed
        if grown >= max(self._planned, ANALYZE_AFTER):
            conn.exec_driver_sql(f"ANALYZE {', '.join(table.name for table in _WRITTEN)}")
            self._planned += grown
            self._analyzed = totals.results

    def commit(
        self,
        sources: list[SourceUse],
        skipped: Iterable[dict[str, Any]],
        invariants: dict[str, Any],
        finished_at: datetime,
    ) -> None:
        """The run's row (counts, what it skipped, its basis and invariants), its sources; then COMMIT."""
        self.sources(sources)
        conn = self._open()
        totals = self._totals
        with self.store._writing(self.run_id):
            conn.execute(
                schema.runs.update()
                .where(schema.runs.c.id == self.run_id)
                .values(
                    finished_at=finished_at,
                    skipped=[dict(s) for s in skipped] or None,
                    basis={**self.basis, **({"invariants": invariants} if invariants else {})} or None,
                    articles=len(totals.articles),
                    claims=totals.claims,
                    results=totals.results,
                    new_results=totals.new,
                    verdicts=latest.verdict_counts(totals.verdicts.elements()),
                    first_checked=totals.first,
                )
            )
            if sources:
                conn.execute(
                    schema.run_sources.insert(),
                    [
                        {
                            "run_id": self.run_id,
                            "source": use.source,
                            "status": use.status,
                            "snapshot_sha256": use.snapshot["sha256"] if use.snapshot else None,
                            "notes": "\n".join(use.notes) or None,
                        }
                        for use in sources
                    ],
                )
            if self.store.before_commit is not None:
                self.store.before_commit(self.run_id)
            conn.commit()
        self.committed = True


@contextlib.contextmanager
def open_for_reading(url: str) -> Iterator[LedgerStore]:
    """The ledger at url, checked on open and closed after; errors while reading it are LedgerErrors."""
    with LedgerStore(url) as store, store.reading():
        yield store


def _article_row(a: Article) -> dict[str, Any]:
    return {
        "id": a.id,
        "title": a.title,
        "publisher": a.publisher,
        "url": a.url,
        "published": a.published,
        "path": a.path,
        "text_sha256": hashlib.sha256(a.text.encode()).hexdigest(),
    }


def _version_row(article: dict[str, Any], run_id: str) -> dict[str, Any]:
    return {
        "article_id": article["id"],
        "first_run_id": run_id,
        **{k: v for k, v in article.items() if k in schema.article_versions.c and k != "id"},
    }


_WRITTEN = (  # the tables a run's parts write
    schema.articles,
    schema.article_versions,
    schema.claims,
    schema.check_results,
    schema.run_results,
    schema.run_articles,
    schema.claim_checks,
    schema.claim_check_sources,
    schema.flips,
)
_CLAIM_COLUMNS = frozenset(schema.claims.c.keys())


def _claim_row(c: Claim, claim_dict: dict[str, Any]) -> dict[str, Any]:
    """A claim's row but its article_sha256 (the article version it was read from, known when the part is written)."""
    row = {k: v for k, v in claim_dict.items() if k in _CLAIM_COLUMNS}
    row["text_sha256"] = claim_text_sha256(c.quote, c.sentence)
    return row


def _snapshot_row(use: SourceUse) -> dict[str, Any]:
    s = use.snapshot or {}
    return {
        "source": use.source,
        "sha256": s["sha256"],
        "url": s.get("url", ""),
        "retrieved_at": s.get("retrieved_at", ""),
        "bytes": s.get("bytes", 0),
        "etag": s.get("etag"),
        "last_modified": s.get("last_modified"),
        "license": s.get("license"),
        "validation": json.dumps(s.get("validation"), default=str),
    }


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)


def _result_row(r: CheckResult, fingerprint_sha256: str) -> dict[str, Any]:
    row = {
        "claim_id": r.claim_id,
        "check_kind": r.check_kind,
        "verdict": r.verdict,
        "metric": r.metric,
        "low": _float(r.low),
        "high": _float(r.high),
        "observed": _float(r.observed),
        "reference_date": r.reference_date,
        "source": r.source,
        "snapshot_sha256": r.snapshot_sha256,
        "tolerance": r.tolerance,
        "explanation": r.explanation,
        "citation": r.citation,
        "evidence": _PLAIN.encode(list(r.evidence)),
        "matched_on": list(r.matched_on),
        "parameters": json.loads(_PLAIN.encode(r.parameters)) or None,
        "fingerprint": fingerprint_sha256,
    }
    row["result_sha256"] = result_sha256(row)  # the fingerprint holds the claim's text, so the version is in it too
    return row
