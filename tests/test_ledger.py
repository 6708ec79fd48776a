"""The ledger store on SQLite and on PostgreSQL: round trip, append-only history, idempotent reruns, concurrent writers."""

from __future__ import annotations

import dataclasses
import json
import threading
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, text

from builders import claim

from claimledger.checks.model import CheckResult
from claimledger.claims.model import Article
from claimledger.ledger import history, schema
from claimledger.ledger.engine import LedgerError
from claimledger.ledger.store import LedgerStore, RunRecord, SourceUse

ARTICLE = Article(id="a1", text="In Gaza, more than 52,000 people have been killed.", published=date(2025, 5, 16))
CLAIMS = [claim(ARTICLE, "more than 52,000", 52_000)]
SNAPSHOT_A, SNAPSHOT_B = "a" * 64, "b" * 64
T0 = datetime(2025, 5, 16, tzinfo=timezone.utc)


def snapshot(sha: str) -> dict:
    return {
        "sha256": sha,
        "url": "file:x.json",
        "retrieved_at": "2025-05-16T00:00:00Z",
        "bytes": 10,
        "etag": '"e1"',
        "last_modified": None,
        "license": "public domain",
        "validation": {"success": True},
    }


def run(
    run_id: str,
    *,
    sha: str = SNAPSHOT_A,
    verdict: str = "pass",
    observed: float = 53010.0,
    minutes: int = 0,
    as_of: date | None = None,
    claims=CLAIMS,
) -> RunRecord:
    """A run of the one-claim article against snapshot `sha`, started `minutes` after T0."""
    started = T0 + timedelta(minutes=minutes)
    results = [
        CheckResult(
            claim_id=c.id,
            check_kind="value_at_date",
            verdict=verdict,
            explanation=f"{observed:,.0f} on 2025-05-15",
            metric="killed",
            low=52000.0,
            observed=observed,
            reference_date=date(2025, 5, 15),
            source="gaza_casualties_daily",
            snapshot_sha256=sha,
            tolerance="more_than",
            evidence=({"ext_killed_cum": observed},),
        )
        for c in claims
    ]
    return RunRecord(
        run_id=run_id,
        started_at=started,
        finished_at=started + timedelta(seconds=5),
        arguments={"paths": ["articles"]},
        as_of=as_of,
        articles=[ARTICLE],
        claims=claims,
        results=results,
        sources=[SourceUse("gaza_casualties_daily", "used", snapshot(sha), ("note",))],
    )


def count(store: LedgerStore, table) -> int:
    with store.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(table))


@pytest.fixture
def store(ledger_url):
    with LedgerStore(ledger_url) as opened:
        yield opened


def test_round_trip(ledger_url):
    with LedgerStore(ledger_url) as first:
        first.record_run(run("r1"))
    with LedgerStore(ledger_url) as store:  # reopened: the database is the ledger
        (stored,) = store.reader.runs()
        assert (
            stored.id,
            stored.status,
            stored.articles,
            stored.claims,
            stored.results,
            stored.new_results,
        ) == ("r1", "completed", 1, 1, 1, 1)
        (row,) = store.reader.results_of_run("r1")
        assert (
            row.run_id,
            row.quote,
            row.verdict,
            row.observed,
            row.reference_date,
            row.snapshot_sha256,
        ) == ("r1", "more than 52,000", "pass", 53010.0, date(2025, 5, 15), SNAPSHOT_A)
        assert json.loads(row.evidence) == [{"ext_killed_cum": 53010}]
        assert store.reader.run_sources("r1")[0].snapshot_sha256 == SNAPSHOT_A
        assert store.integrity_problems() == []


def test_rerun_against_the_same_snapshot_adds_a_run_and_no_result(store):
    store.record_run(run("r1"))
    store.record_run(run("r2", minutes=10))
    assert [r.id for r in store.reader.runs()] == ["r2", "r1"]  # newest first
    assert (count(store, schema.check_results), count(store, schema.run_results), count(store, schema.claims)) == (
        1,
        2,
        1,
    )
    assert (
        store.reader.results_of_run("r2")[0].id == store.reader.results_of_run("r1")[0].id
    )  # the same result, re-confirmed
    assert {r.id: (r.results, r.new_results) for r in store.reader.runs()} == {"r1": (1, 1), "r2": (1, 0)}


@pytest.mark.parametrize(
    "second",
    [
        pytest.param({"sha": SNAPSHOT_B}, id="new snapshot"),
        pytest.param({"as_of": date(2025, 1, 1)}, id="other as-of date"),
        pytest.param({"verdict": "fail"}, id="same inputs, different verdict"),  # kept, never merged into the old one
    ],
)
def test_anything_new_about_a_result_adds_a_result(store, second):
    store.record_run(run("r1"))
    store.record_run(run("r2", minutes=10, **second))
    assert count(store, schema.check_results) == 2
    assert {r.id: r.new_results for r in store.reader.runs()} == {"r1": 1, "r2": 1}


def test_verdict_flip_after_a_revised_snapshot(store):
    claim_id = CLAIMS[0].id
    store.record_run(run("run-a", sha=SNAPSHOT_A, verdict="pass", observed=53010.0))
    store.record_run(run("run-b", sha=SNAPSHOT_B, verdict="fail", observed=51900.0, minutes=60))

    changes = history.diff_runs(store, "run-a", "run-b")
    (flip,) = changes.flipped
    assert (flip.claim_id, flip.verdict_a, flip.verdict_b, flip.snapshot_a, flip.snapshot_b) == (
        claim_id,
        "pass",
        "fail",
        SNAPSHOT_A,
        SNAPSHOT_B,
    )
    assert (changes.added, changes.removed, changes.unchanged) == ([], [], 0)
    assert history.previous_run(store, "run-b") == "run-a"
    assert history.resolve_run(store, "latest") == "run-b"

    steps = history.claim_history(store, claim_id)
    assert [(h.run_id, h.verdict, h.snapshot_sha256) for h in steps] == [
        ("run-a", "pass", SNAPSHOT_A),
        ("run-b", "fail", SNAPSHOT_B),
    ]


def test_diff_lists_added_and_removed_claims(store):
    two = Article(id="a2", text="More than 10 countries downgraded ties.", published=date(2025, 5, 16))
    store.record_run(run("r1"))
    other = run("r2", minutes=5, claims=[claim(two, "More than 10", 10, metric="countries_downgraded_ties")])
    store.record_run(RunRecord(**{**other.__dict__, "articles": [two]}))
    changes = history.diff_runs(store, "r1", "r2")
    assert [a.article_id for a in changes.added] == ["a2"]
    assert [r.article_id for r in changes.removed] == ["a1"]


def test_runs_are_found_by_unique_prefix(store):
    store.record_run(run("3f2a0000-aaaa"))
    store.record_run(run("3f2b0000-bbbb", minutes=1))
    assert history.resolve_run(store, "3f2a") == "3f2a0000-aaaa"
    with pytest.raises(LedgerError, match="ambiguous"):
        history.resolve_run(store, "3f2")
    with pytest.raises(LedgerError, match="no run 'zz'"):
        history.resolve_run(store, "zz")


def test_a_failed_write_leaves_nothing(store):
    store.record_run(run("r1"))
    with pytest.raises(LedgerError, match="run r1 not written"):
        store.record_run(run("r1", sha=SNAPSHOT_B))  # same run id: fails after its new result row went in
    assert (
        count(store, schema.runs),
        count(store, schema.check_results),
        count(store, schema.run_results),
        count(store, schema.run_sources),
        count(store, schema.snapshots),
    ) == (1, 1, 1, 1, 1)
    assert store.integrity_problems() == []


def test_concurrent_writers_both_land(ledger_url):
    """Two processes' worth of writers recording the same claim and results at once: every run lands whole."""
    with LedgerStore(ledger_url):
        pass  # migrated before the race: the race under test is the writes
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def writer(name: str) -> None:
        try:
            with LedgerStore(ledger_url) as store:
                start.wait()
                for i in range(10):
                    store.record_run(run(f"{name}-{i}", sha=(SNAPSHOT_A, SNAPSHOT_B)[i % 2], minutes=i))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("w1", "w2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    with LedgerStore(ledger_url) as store:
        assert len(store.reader.runs()) == 20
        assert (count(store, schema.check_results), count(store, schema.run_results), count(store, schema.claims)) == (
            2,
            20,
            1,
        )
        assert sum(r.new_results for r in store.reader.runs()) == 2  # exactly one writer added each distinct result
        assert store.integrity_problems() == []


def test_unreadable_ledger_is_a_clear_error(tmp_path):
    bad = tmp_path / "ledger.db"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(LedgerError, match="not a usable database"):
        LedgerStore(f"sqlite:///{bad}")
    with pytest.raises(LedgerError, match="cannot open"):
        LedgerStore("nosuchdialect://x")


def test_ledger_from_a_newer_claimledger_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    with LedgerStore(url) as store, store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(LedgerError, match="revision 9999, newer than this claimledger knows"):
        LedgerStore(url)


def test_a_recheck_re_asks_the_latest_version_of_each_claim(store):
    """After a new text under an old article id, recorded claims come from that text; their run reads it too."""
    from claimledger.claims.vocabulary import load_vocabulary
    from claimledger.runs.recheck import RecheckTarget, recorded_claims

    edited = Article(id="a1", text=ARTICLE.text.replace("52,000", "61,000"), published=ARTICLE.published)
    store.record_run(run("r1"))
    store.record_run(
        dataclasses.replace(
            run("r2", minutes=5), articles=[edited], claims=[claim(edited, "more than 61,000", 61_000)], results=[]
        )
    )
    target = RecheckTarget(paths=(), article_ids=("a1",), claim_ids=frozenset(c.id for c in CLAIMS))
    (latest,) = recorded_claims(store, target, load_vocabulary())
    assert (latest.id, latest.quote) == (CLAIMS[0].id, "more than 61,000")
    store.record_run(dataclasses.replace(run("r3", minutes=10, claims=[latest]), articles=[]))  # as a recheck does
    with store.engine.connect() as conn:
        read = dict(conn.execute(select(schema.run_articles.c.run_id, schema.run_articles.c.article_sha256)).all())
    assert read["r3"] == read["r2"] != read["r1"]
    with pytest.raises(LedgerError, match="article.s. elsewhere that this run did not read"):
        store.record_run(
            run(
                "r4", claims=[claim(Article(id="elsewhere", text=ARTICLE.text), "more than 52,000", 52_000)], minutes=15
            )
        )


def test_a_run_on_postgresql_gathers_the_statistics_of_its_tables_as_it_grows(postgres_server, monkeypatch):
    # Inside the run's transaction the planner sees only the statistics of committed rows: the run gathers them
    # again each time it has written as many results as the planner knew of (ANALYZE_AFTER at least; 1 here).
    from ledger_writer import many_claims_article, small_run

    from claimledger.ledger import store as store_module

    monkeypatch.setattr(store_module, "ANALYZE_AFTER", 1)
    parts = [small_run(dataclasses.replace(many_claims_article(), id=f"a{i}"), sha=SNAPSHOT_A) for i in range(3)]
    with LedgerStore(postgres_server.create_database()) as store:
        with store.writer("r1", T0, None, {}, {}) as writer:
            known = []
            for part in parts:
                writer.part(part.articles, part.claims, part.results)
                known.append(
                    writer._conn.exec_driver_sql(
                        "SELECT reltuples FROM pg_class WHERE oid = 'check_results'::regclass"
                    ).scalar_one()
                )
            writer.commit(parts[0].sources, (), {}, T0)
        assert known == [200, 400, 400]  # gathered after the first part, then once the run had doubled it
        assert store.reader.run("r1").results == 600
