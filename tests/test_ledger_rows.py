"""The ledger's reads return typed rows (ledger/rows.py): fields by name, verdicts as Verdict, JSON columns parsed,
and `as_dict()` the JSON the API and `ledger --format json` print. On SQLite and on PostgreSQL."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest

from ledger_writer import small_run

from claimledger.checks.model import Verdict
from claimledger.claims.model import Article
from claimledger.ledger import history
from claimledger.ledger.reader import LedgerReader
from claimledger.ledger.rows import (
    ClaimVerdict,
    LatestClaim,
    RecordedArticle,
    RecordedClaim,
    RecordedResult,
    RecordedRun,
    RecordedSnapshot,
    RecordedSourceUse,
    RunSummary,
)
from claimledger.ledger.store import LedgerStore

ARTICLE = Article(
    id="a1", text="More than 52,000 people have been killed.", published=date(2025, 5, 16), path="seeds/a1.md"
)


@pytest.fixture
def recorded(ledger_url):
    """A ledger with two runs of one article: a pass, then a fail against another snapshot."""
    first, second = small_run(ARTICLE, "pass", sha="a" * 64), small_run(ARTICLE, "fail", sha="b" * 64)
    first = dataclasses.replace(first, arguments={"paths": ["seeds"], "sources": []})
    with LedgerStore(ledger_url) as store:
        store.record_run(first)
        store.record_run(
            dataclasses.replace(
                second, started_at=first.started_at.replace(year=2099), finished_at=first.started_at.replace(year=2099)
            )
        )
    return ledger_url, first.run_id, second.run_id


def test_the_reader_returns_typed_rows(recorded):
    url, first, second = recorded
    reader = LedgerReader(url)
    runs = reader.runs()
    assert [type(r) for r in runs] == [RecordedRun, RecordedRun] and [r.id for r in runs] == [second, first]
    assert reader.run(first).arguments == {"paths": ["seeds"], "sources": []}  # stored as JSON text, read parsed
    (article,) = reader.articles_page().items
    assert isinstance(article, RecordedArticle) and (article.id, article.path) == ("a1", "seeds/a1.md")
    (claim,) = reader.claims("a1")
    assert isinstance(claim, RecordedClaim) and claim.quote == "More than 52,000" and claim.qualifier == "more_than"
    assert reader.claim(claim.id) == claim
    results = reader.results_of_claims([claim.id])
    assert [type(r) for r in results] == [RecordedResult, RecordedResult]
    assert [(r.run_id, r.verdict) for r in results] == [(first, Verdict.PASS), (second, Verdict.FAIL)]
    assert all(type(r.verdict) is Verdict for r in results)
    (use,) = reader.source_uses("s")[:1]
    assert isinstance(use, RecordedSourceUse) and (use.run_id, use.snapshot_sha256) == (second, "b" * 64)
    snapshot = reader.snapshot("s", "a" * 64)
    assert isinstance(snapshot, RecordedSnapshot) and snapshot.url == "file:x"
    assert reader.run("no-such-run") is None and reader.claim("0" * 16) is None


def test_as_dict_is_the_json_of_the_row(recorded):
    url, first, _ = recorded
    (result,) = LedgerReader(url).results_of_run(first)
    shown = json.loads(json.dumps(result.as_dict(), default=str))
    assert shown["verdict"] == "pass" and shown["claim_id"] == result.claim_id and shown["quote"] == result.quote
    assert set(shown) == {f.name for f in dataclasses.fields(RecordedResult)}


def test_a_query_with_a_column_the_row_does_not_name_fails_loudly():
    with pytest.raises(TypeError):
        RecordedArticle.of(
            {
                "id": "a",
                "title": None,
                "publisher": None,
                "url": None,
                "published": None,
                "path": None,
                "text_sha256": "x",
                "surprise": 1,
            }
        )


def test_history_reads_are_typed_too(recorded):
    url, first, second = recorded
    with LedgerStore(url) as store:
        summaries = history.run_summaries(store)
        assert [type(s) for s in summaries] == [RunSummary, RunSummary]
        assert summaries[0].verdicts == {Verdict.FAIL: 1} and summaries[1].verdicts == {Verdict.PASS: 1}
        assert [(u.source, u.snapshot_sha256) for u in summaries[1].sources] == [("s", "a" * 64)]
        (claim_id,) = {c.id for c in LedgerReader(url).claims("a1")}
        found = history.claim(store, claim_id[:6])
        assert isinstance(found, LatestClaim) and found.versions == 1 and found.article_published == date(2025, 5, 16)
        steps = history.claim_history(store, claim_id)
        assert [type(s) for s in steps] == [ClaimVerdict, ClaimVerdict]
        assert [(s.verdict, s.flipped) for s in steps] == [(Verdict.PASS, False), (Verdict.FAIL, True)]
        (flip,) = history.diff_runs(store, first, second).flipped
        assert (flip.verdict_a, flip.verdict_b, flip.snapshot_b) == (Verdict.PASS, Verdict.FAIL, "b" * 64)
        assert history.run_row(store, first).arguments["paths"] == ["seeds"]
