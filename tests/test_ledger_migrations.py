"""Alembic migrations on SQLite and PostgreSQL: a fresh ledger reaches head and matches schema.py; v1 and 0002
ledgers upgrade keeping their history."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date

from alembic import command
from ledger_writer import small_run
from sqlalchemy import create_engine, func, inspect, select, text

from claimledger.claims.model import Article, Frame, TimeFrame
from claimledger.claims.vocabulary import load_vocabulary
from claimledger.ledger import history, migrate, schema
from claimledger.ledger.store import LedgerStore, claim_text_sha256
from claimledger.runs.recheck import RecheckTarget, recorded_claims

V1_RESULT = (
    "INSERT INTO check_results (run_id, claim_id, check_kind, verdict, low, observed, reference_date, source, "
    "snapshot_sha256, explanation, evidence, fingerprint) VALUES (:run, 'c1', 'value_at_date', :verdict, "
    "52000.0, :observed, '2025-05-15', 'gaza_casualties_daily', :sha, :why, '[]', :fp)"
)


def test_fresh_ledger_is_at_head_and_matches_the_schema(ledger_url):
    with LedgerStore(ledger_url) as store, store.engine.connect() as conn:
        assert migrate.current(conn) == migrate.head()
        assert migrate.pending_changes(conn) == []  # `alembic check`: autogenerate finds nothing to do


def _v1_ledger(url: str, *, stamped: bool = True) -> None:
    """A ledger as v1 wrote it: run r1 and r2 saying the same about claim c1, r2 also a new result."""
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(migrate.config(conn), migrate.V1)
        if not stamped:  # made by metadata.create_all before migrations existed
            conn.execute(text("DROP TABLE alembic_version"))
        conn.execute(text("INSERT INTO articles (id, text_sha256) VALUES ('a1', 'x')"))
        conn.execute(
            text(
                'INSERT INTO claims (id, article_id, start, "end", quote, sentence, value, unit, qualifier, '
                "low_inclusive, high_inclusive, form) VALUES ('c1', 'a1', 0, 16, 'more than 52,000', "
                "'s', 52000, 'count', 'more_than', false, true, 'round')"
            )
        )
        for run_id, minute in (("r1", 0), ("r2", 5)):
            conn.execute(
                text(
                    "INSERT INTO runs (id, started_at, status, arguments, checks_version, claims, results) "
                    f"VALUES (:id, '2025-05-16 10:0{minute}:00', 'completed', '{{}}', '1', 1, :n)"
                ),
                {"id": run_id, "n": 1 if run_id == "r1" else 2},
            )
        same = {"verdict": "pass", "observed": 53010.0, "sha": "a" * 64, "why": "53,010 on 2025-05-15", "fp": "f1"}
        conn.execute(text(V1_RESULT), {"run": "r1", **same})
        conn.execute(text(V1_RESULT), {"run": "r2", **same})
        conn.execute(
            text(V1_RESULT.replace("'value_at_date'", "'share'")),
            {"run": "r2", "verdict": "fail", "observed": 57.35, "sha": "a" * 64, "why": "57.35%", "fp": "f2"},
        )
    engine.dispose()


def _check_upgraded_v1(url: str) -> None:
    with LedgerStore(url) as store:
        with store.engine.connect() as conn:
            assert migrate.current(conn) == migrate.head()
            assert migrate.pending_changes(conn) == []
            assert conn.scalar(select(func.count()).select_from(schema.check_results)) == 2  # r1's and r2's merged
            assert conn.scalar(select(func.count()).select_from(schema.run_results)) == 3
        assert [r.check_kind for r in store.reader.results_of_run("r1")] == ["value_at_date"]
        assert [r.check_kind for r in store.reader.results_of_run("r2")] == ["share", "value_at_date"]
        assert {r.id: (r.articles, r.results, r.new_results) for r in store.reader.runs()} == {
            "r1": (1, 1, 1),
            "r2": (1, 2, 1),
        }
        assert store.integrity_problems() == []


def test_v1_ledger_upgrades_keeping_its_history(ledger_url):
    _v1_ledger(ledger_url)
    _check_upgraded_v1(ledger_url)


def test_ledger_made_before_migrations_is_stamped_then_upgraded(tmp_path):
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    _v1_ledger(url, stamped=False)
    _check_upgraded_v1(url)


def test_first_opens_at_once_migrate_once(ledger_url):
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def open_ledger() -> None:
        try:
            start.wait()
            LedgerStore(ledger_url).close()
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=open_ledger) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with LedgerStore(ledger_url) as store, store.engine.connect() as conn:
        assert migrate.current(conn) == migrate.head()


def test_a_0002_ledger_upgrades_to_article_and_claim_versions_keeping_its_history(ledger_url):
    _v1_ledger(ledger_url)
    engine = create_engine(ledger_url)
    with engine.begin() as conn:
        command.upgrade(migrate.config(conn), "0002")
    engine.dispose()
    _check_upgraded_v1(ledger_url)
    with LedgerStore(ledger_url) as store:
        with store.engine.connect() as conn:
            versions = schema.article_versions
            assert [
                tuple(r)
                for r in conn.execute(select(versions.c.article_id, versions.c.text_sha256, versions.c.first_run_id))
            ] == [("a1", "x", "r1")]
            assert sorted(tuple(r) for r in conn.execute(select(schema.run_articles))) == [
                ("r1", "a1", "x"),
                ("r2", "a1", "x"),
            ]
            assert conn.scalar(select(schema.runs.c.skipped).where(schema.runs.c.id == "r1")) is None
        (version,) = [history.claim(store, "c1")]
        assert (version.quote, version.versions) == ("more than 52,000", 1)
        assert version.text_sha256 == claim_text_sha256("more than 52,000", "s")
        steps = history.claim_history(store, "c1")
        assert [(s.run_id, s.check_kind, s.verdict, s.article_sha256) for s in steps] == [
            ("r1", "value_at_date", "pass", "x"),
            ("r2", "share", "fail", "x"),
            ("r2", "value_at_date", "pass", "x"),
        ]
        assert not any(s.flipped for s in steps)
        store.record_run(small_run(Article(id="a1", text="More than 52,000 people were killed.")))  # a new text
        with store.engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(schema.article_versions)) == 2
        assert store.integrity_problems() == []


FRAME = Frame(
    clause="a journalist killed on Thursday took the journalists' toll to 120",
    counted="journalist",
    measure="killed",
    subject="palestinian",
    place="Gaza",
    restriction=None,
    time=TimeFrame("as_of"),
    attribution="the Government Media Office",
)


def _framed_run(article: Article):
    """A run whose claims carry a frame and whose results say which frame slots chose their metric."""
    run = small_run(article)
    claims = [replace(c, frame=FRAME) for c in run.claims]
    results = [replace(r, matched_on=("measure=killed", "counted=journalist", "place=Gaza")) for r in run.results]
    return replace(run, claims=claims, results=results)


def test_a_0003_ledger_gains_frames_and_matched_slots_and_reads_them_back(ledger_url):
    _v1_ledger(ledger_url)
    engine = create_engine(ledger_url)
    with engine.begin() as conn:
        command.upgrade(migrate.config(conn), "0003")
    engine.dispose()
    _check_upgraded_v1(ledger_url)
    with LedgerStore(ledger_url) as store:
        assert history.claim(store, "c1").frame is None  # recorded before frames were read
        assert [s.matched_on for s in history.claim_history(store, "c1")] == [None, None, None]
        run = _framed_run(Article(id="a2", text="More than 52,000 people were killed.", published=date(2025, 5, 16)))
        store.record_run(run)
        (claim,) = run.claims
        assert Frame.from_dict(history.claim(store, claim.id).frame) == FRAME
        (row,) = store.reader.results_of_run(run.run_id)
        assert (Frame.from_dict(store.reader.claim(row.claim_id).frame), row.matched_on) == (
            FRAME,
            ["measure=killed", "counted=journalist", "place=Gaza"],
        )
        assert history.claim_history(store, claim.id)[0].matched_on == [
            "measure=killed",
            "counted=journalist",
            "place=Gaza",
        ]
        target = RecheckTarget(paths=(), article_ids=("a2",), whole_articles=frozenset({"a2"}))
        assert [c.frame for c in recorded_claims(store, target, load_vocabulary())] == [FRAME]  # a recheck reads it
        assert store.integrity_problems() == []


def test_0004_downgrades_to_0003_and_back(ledger_url):
    LedgerStore(ledger_url).close()
    engine = create_engine(ledger_url)
    with engine.begin() as conn:
        command.downgrade(migrate.config(conn), "0003")
        assert "frame" not in {c["name"] for c in inspect(conn).get_columns("claims")}
        assert "matched_on" not in {c["name"] for c in inspect(conn).get_columns("check_results")}
    engine.dispose()
    with LedgerStore(ledger_url) as store, store.engine.connect() as conn:
        assert migrate.current(conn) == migrate.head()
        assert migrate.pending_changes(conn) == []


def test_0005_downgrades_to_0004_and_back_keeping_older_results_readable(ledger_url):
    with LedgerStore(ledger_url) as store:
        store.record_run(
            small_run(Article(id="a", text="More than 52,000 people were killed.", published=date(2025, 5, 16)))
        )
    engine = create_engine(ledger_url)
    with engine.begin() as conn:
        command.downgrade(migrate.config(conn), "0004")
        assert "parameters" not in {c["name"] for c in inspect(conn).get_columns("check_results")}
        assert "basis" not in {c["name"] for c in inspect(conn).get_columns("runs")}
    engine.dispose()
    with LedgerStore(ledger_url) as store, store.engine.connect() as conn:
        assert migrate.current(conn) == migrate.head()
        assert migrate.pending_changes(conn) == []
        (run,) = store.reader.runs()
        assert run.basis is None and [r.parameters for r in store.reader.results_of_run(run.id)] == [None]


def _list_tables(conn) -> dict:
    """What the list pages read, in a comparable form (result ids kept: a downgrade keeps the results)."""
    return {
        "checks": conn.execute(select(schema.claim_checks).order_by(schema.claim_checks.c.claim_id)).all(),
        "sources": conn.execute(select(schema.claim_check_sources).order_by(*schema.claim_check_sources.c)).all(),
        "flips": conn.execute(select(schema.flips).order_by(*schema.flips.c)).all(),
        "verdicts": conn.execute(select(schema.runs.c.id, schema.runs.c.verdicts).order_by(schema.runs.c.id)).all(),
    }


def test_0006_fills_the_list_tables_of_an_older_ledger_as_the_writer_does(ledger_url):
    from datetime import datetime, timedelta, timezone

    at = datetime(2025, 5, 16, tzinfo=timezone.utc)
    one = Article(
        id="a", text="More than 52,000 people were killed. 120 journalists died.", published=date(2025, 5, 16)
    )
    changed = Article(id="a", text="More than 52,000 people were killed.", published=date(2025, 5, 16))
    other = Article(id="b", text="About 3,000 were injured.", published=date(2025, 5, 17))
    with LedgerStore(ledger_url) as store:
        store.record_run(small_run(one, "pass", started=at))
        store.record_run(small_run(other, "fail", started=at + timedelta(minutes=1)))
        store.record_run(small_run(one, "fail", started=at + timedelta(minutes=2)))  # two flips
        store.record_run(small_run(changed, "fail", started=at + timedelta(minutes=3)))  # a claim leaves the text
        with store.engine.connect() as conn:
            written = _list_tables(conn)
    assert len(written["flips"]) == 2 and len(written["checks"]) == 2  # the journalists' figure is gone
    engine = create_engine(ledger_url)
    with engine.begin() as conn:
        command.downgrade(migrate.config(conn), "0005")
        assert not inspect(conn).has_table("claim_checks")
    engine.dispose()
    with LedgerStore(ledger_url) as store, store.engine.connect() as conn:
        assert migrate.current(conn) == migrate.head()
        assert _list_tables(conn) == written
