"""The ledger round trip on a real SQLite file, and the all-or-nothing write of a run."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, timezone

import pytest

from claimledger.checks.model import CheckResult
from claimledger.claims.extract import extract_claims
from claimledger.claims.model import Article
from claimledger.ledger.store import LedgerError, LedgerStore, RunRecord, SourceUse

ARTICLE = Article(id="a1", text="In Gaza, more than 52,000 people have been killed.", published=date(2025, 5, 16))
CLAIMS = extract_claims(ARTICLE)
SNAPSHOT = {"sha256": "c" * 64, "url": "file:x.json", "retrieved_at": "2025-05-16T00:00:00Z", "bytes": 10,
            "etag": '"e1"', "last_modified": None, "license": "public domain", "validation": {"success": True}}


def run(run_id: str, verdict: str = "pass") -> RunRecord:
    now = datetime(2025, 5, 16, tzinfo=timezone.utc)
    result = CheckResult(claim_id=CLAIMS[0].id, check_kind="value_at_date", verdict=verdict,
                         explanation="53,010 on 2025-05-15", metric="killed", low=52000.0, observed=53010.0,
                         reference_date=date(2025, 5, 15), source="gaza_casualties_daily",
                         snapshot_sha256="c" * 64, tolerance="more_than", evidence=({"ext_killed_cum": 53010},))
    return RunRecord(run_id=run_id, started_at=now, finished_at=now, arguments={"paths": ["seeds"]},
                     as_of=None, articles=[ARTICLE], claims=CLAIMS, results=[result],
                     sources=[SourceUse("gaza_casualties_daily", "used", SNAPSHOT, ("note",))])


def test_round_trip(tmp_path):
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    LedgerStore(url).record_run(run("r1"))
    store = LedgerStore(url)  # reopened: the file is the ledger
    (stored_run,) = store.runs()
    assert (stored_run["id"], stored_run["status"], stored_run["claims"], stored_run["results"]) == \
        ("r1", "completed", 1, 1)
    (row,) = store.results("r1")
    assert (row["quote"], row["verdict"], row["observed"], row["reference_date"], row["snapshot_sha256"]) == \
        ("more than 52,000", "pass", 53010.0, date(2025, 5, 15), "c" * 64)
    assert json.loads(row["evidence"]) == [{"ext_killed_cum": 53010}]
    assert store.run_sources("r1")[0]["snapshot_sha256"] == "c" * 64


def test_second_run_appends_and_reuses_claim_rows(tmp_path):
    store = LedgerStore(f"sqlite:///{tmp_path / 'ledger.db'}")
    store.record_run(run("r1"))
    store.record_run(run("r2", verdict="fail"))
    assert [r["id"] for r in store.runs()] and len(store.runs()) == 2
    with sqlite3.connect(tmp_path / "ledger.db") as db:
        assert db.execute("select count(*) from claims").fetchone() == (1,)
        assert db.execute("select count(*) from check_results").fetchone() == (2,)


def test_a_failed_write_leaves_nothing(tmp_path):
    store = LedgerStore(f"sqlite:///{tmp_path / 'ledger.db'}")
    store.record_run(run("r1"))
    with pytest.raises(LedgerError, match="run r1 not written"):
        store.record_run(run("r1"))  # same run id: the insert fails half-way through
    with sqlite3.connect(tmp_path / "ledger.db") as db:
        assert db.execute("select count(*) from runs").fetchone() == (1,)
        assert db.execute("select count(*) from check_results").fetchone() == (1,)
        assert db.execute("select count(*) from run_sources").fetchone() == (1,)


def test_unreadable_ledger_is_a_clear_error(tmp_path):
    bad = tmp_path / "ledger.db"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(LedgerError, match="not a usable database"):
        LedgerStore(f"sqlite:///{bad}")
    with pytest.raises(LedgerError, match="cannot open"):
        LedgerStore("nosuchdialect://x")
