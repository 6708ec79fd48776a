"""A run taken in parts (issue 13): articles read, extracted, checked and written into the run's one open transaction
settings.run_part_articles at a time, then committed. Whatever the part size, the ledger gets the same run; a source is
prepared once, by the first part that needs it; a broken invariant or a kill in any part leaves nothing."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from builders import daily_casualties, emigration_year, small_project, write_article
from test_ledger_killed import PAUSE_BEFORE_COMMIT, Writer, count

from conftest import REPO

from claimledger import pipeline
from claimledger.checks.invariants import InvariantError
from claimledger.checks.model import Verdict
from claimledger.ledger import schema
from claimledger.ledger.store import LedgerStore
from claimledger.settings import Settings

KILLED = "More than 52,000 people have been killed in Gaza since the war began, the ministry said."
INJURED = "The toll of the killed in Gaza has passed 60,000 since the war began, the ministry said."
LEFT = "Some 55,300 Israelis left the country in 2023, the bureau said."


@pytest.fixture
def corpus(tmp_path):
    """Seven articles, read in name order: five about the casualty series (a-toll-*), then two about emigration
    (b-left-*)."""
    home = small_project(
        tmp_path,
        casualties=daily_casualties({"2025-05-14": 52_928, "2025-05-15": 53_010}),
        tables={"israel_emigration_cbs": [emigration_year(2023, 55_300, 27_800, "2024-09-22")]},
    )
    for i in range(5):
        write_article(home / "articles", f"a-toll-{i}", KILLED, INJURED if i % 2 else KILLED.replace("52", "51"))
    for i in range(2):
        write_article(home / "articles", f"b-left-{i}", LEFT)
    return home


def verify(home, ledger: str, part: int, steps=pipeline.PLAIN):
    settings = Settings(home=home, ledger=ledger, run_part_articles=part)
    return pipeline.verify(pipeline.VerifyRequest(paths=(str(home / "articles"),)), settings, steps)


def ledger_rows(url: str) -> dict:
    """What a run wrote, without the run id and times: claims, results, and the run's counts."""
    with LedgerStore(url) as store, store.engine.connect() as conn:
        (run,) = store.reader.runs()
        results = conn.execute(
            select(schema.check_results.c.fingerprint, schema.check_results.c.verdict).order_by(
                schema.check_results.c.fingerprint
            )
        ).all()
        claims = conn.execute(select(schema.claims.c.id, schema.claims.c.quote).order_by(schema.claims.c.id)).all()
        sources = sorted(u.source for u in store.reader.run_sources(run.id))
        checks = conn.execute(
            select(schema.claim_checks.c.claim_id, schema.claim_checks.c.verdict).order_by(
                schema.claim_checks.c.claim_id
            )
        ).all()
        cited = conn.execute(
            select(schema.claim_check_sources.c.claim_id, schema.claim_check_sources.c.source).order_by(
                schema.claim_check_sources.c.claim_id
            )
        ).all()
        assert store.integrity_problems() == []
    return {
        "cited": cited,  # what the sources' pages list: each part's claims, not only the last part's
        "counts": (run.articles, run.claims, run.results, run.new_results, run.verdicts),
        "results": results,
        "claims": claims,
        "sources": sources,
        "checks": checks,
        "invariants": {k: v for k, v in run.basis["invariants"].items() if k not in ("parts", "evaluated")},
    }


def test_a_run_in_parts_writes_what_the_run_in_one_writes(corpus, tmp_path):
    whole = verify(corpus, f"sqlite:///{tmp_path / 'whole.db'}", part=1000)
    parts = verify(corpus, f"sqlite:///{tmp_path / 'parts.db'}", part=2)
    assert parts.spool.parts == 4 and whole.spool.parts == 1
    assert ledger_rows(f"sqlite:///{tmp_path / 'whole.db'}") == ledger_rows(f"sqlite:///{tmp_path / 'parts.db'}")
    assert [r.check_id for r in parts.results] == [r.check_id for r in whole.results]  # the spool, in order
    assert {a.id for a in parts.articles} == {f"a-toll-{i}" for i in range(5)} | {"b-left-0", "b-left-1"}
    with LedgerStore(f"sqlite:///{tmp_path / 'parts.db'}") as store:
        (run,) = store.reader.runs()
        assert run.basis["invariants"]["parts"] == 4 and run.basis["invariants"]["rows"] == len(parts.results)
    pages = {p.name for p in (Settings(home=corpus).data_docs_dir / "validations").rglob("*.html")}
    assert {f"run-{parts.run_id}-part-{k:03d}.html" for k in range(1, 5)} <= pages  # each part's validation


class _CountingPrepare(pipeline.PlainSteps):
    def __init__(self):
        self.prepared: list[tuple[frozenset[str], frozenset[str]]] = []

    def prepare(self, claims, overrides, settings, ready):
        references, uses = super().prepare(claims, overrides, settings, ready)
        self.prepared.append((ready, frozenset(references)))
        return references, uses


def test_each_source_is_prepared_once_by_the_first_part_that_needs_it(corpus, tmp_path):
    steps = _CountingPrepare()
    outcome = verify(corpus, f"sqlite:///{tmp_path / 'ledger.db'}", part=3, steps=steps)
    # parts: a-toll-0..2 (casualties), a-toll-3, a-toll-4, b-left-0 (emigration is new), b-left-1 (nothing new)
    assert steps.prepared == [
        (frozenset(), frozenset({"gaza_casualties_daily"})),
        (frozenset({"gaza_casualties_daily"}), frozenset({"israel_emigration_cbs"})),
    ]
    assert sorted(u.source for u in outcome.sources) == ["gaza_casualties_daily", "israel_emigration_cbs"]


class _BrokenLastPart(pipeline.PlainSteps):
    """A rule with a bug that shows only in the run's last part: its first pass called a fail."""

    def __init__(self):
        self.checked = 0

    def check(self, chunks, references, as_of, settings):
        results = super().check(chunks, references, as_of, settings)
        self.checked += 1
        if any(c.article_id == "b-left-1" for chunk in chunks for c in chunk):
            first = next(i for i, r in enumerate(results) if r.verdict == Verdict.PASS)
            results = [*results[:first], replace(results[first], verdict=Verdict.FAIL), *results[first + 1 :]]
        return results


def test_a_broken_invariant_in_a_later_part_leaves_nothing_of_the_run(corpus, tmp_path):
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    steps = _BrokenLastPart()
    with pytest.raises(InvariantError, match="not recorded"):
        verify(corpus, url, part=2, steps=steps)
    assert steps.checked == 4  # the first three parts were checked and written (uncommitted), then the fourth broke
    with LedgerStore(url) as store:
        assert store.reader.runs() == [] and count(store, schema.claims) == 0


def test_one_article_id_in_two_parts_is_skipped_with_both_files(corpus, tmp_path):
    (corpus / "articles" / "z").mkdir()
    write_article(corpus / "articles" / "z", "a-toll-0", KILLED)  # read last: the id of an article of the first part
    outcome = verify(corpus, f"sqlite:///{tmp_path / 'ledger.db'}", part=2)
    (skipped,) = outcome.skipped
    assert skipped["path"].endswith("z/a-toll-0.md") and "article id 'a-toll-0' is also" in skipped["reason"]
    assert skipped["reason"].endswith("articles/a-toll-0.md")
    assert len(outcome.articles) == 7


def test_a_run_killed_before_its_commit_leaves_nothing_of_any_part(corpus, ledger_url):
    (corpus / "articles").rename(corpus / "seeds")  # what the writer verifies
    env = {PAUSE_BEFORE_COMMIT: "300", "CLAIMLEDGER_RUN_PART_ARTICLES": "2"}
    series = str(corpus / "data" / "reference" / "gaza_casualties_daily.json")
    writer = Writer("verify", str(corpus), ledger_url, series, env=env)
    try:
        writer.wait_for("paused before commit")
    finally:
        writer.kill()
    with LedgerStore(ledger_url) as store:
        assert store.reader.runs() == [] and store.integrity_problems() == []
        assert [count(store, t) for t in (schema.claims, schema.check_results, schema.claim_checks)] == [0, 0, 0]


def test_the_spool_gives_back_equal_objects_and_runs_no_code(project, tmp_path):
    from datetime import date

    from claimledger.runs.spool import RunSpool, decode, encode

    settings = Settings(home=project, ledger=f"sqlite:///{tmp_path / 'ledger.db'}")  # every source, offline
    articles = pipeline.load_articles((str(project / "seeds"), str(REPO / "bench" / "devset" / "articles")))
    claims = pipeline.extract(articles, settings)
    references, _ = pipeline.prepare_references(claims, (), settings)
    results = pipeline.check(claims, references, None, settings)
    assert any(c.frame and c.frame.time for c in claims) and any(r.evidence for r in results)
    spool = RunSpool()
    spool.add(articles, claims, results, [])
    ((back_articles, back_claims, back_results),) = list(spool)
    assert back_articles == list(articles) and back_claims == list(claims) and back_results == results
    assert [c.matched_on for c in back_claims] == [c.matched_on for c in claims]  # compare=False fields too
    assert type(back_results[0].verdict) is Verdict and decode(encode({"d": date(2025, 5, 16)})) == {
        "d": date(2025, 5, 16)
    }
    with pytest.raises(KeyError):
        decode({"$": "Popen", "v": {"args": ["true"]}})  # only the spool's own types are ever built


def test_parts_read_extracted_and_checked_by_worker_processes_write_what_one_process_writes(
    corpus, tmp_path, prefect_harness
):
    """The CLI's default runner (a pool of worker processes): the parts after the first are read, extracted and,
    once the sources they need are prepared, checked in the workers while the flow writes the part before. The
    ledger gets the same run as from one process, and the spool the same results in the same order."""
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.client.schemas.sorting import FlowRunSort

    from claimledger.flows.runners import on_task_runner
    from claimledger.flows.verify import verify_articles

    alone = verify(corpus, f"sqlite:///{tmp_path / 'alone.db'}", part=1)
    settings = Settings(home=corpus, ledger=f"sqlite:///{tmp_path / 'workers.db'}", run_part_articles=1)
    request = pipeline.VerifyRequest(paths=(str(corpus / "articles"),))
    spread = on_task_runner(verify_articles, "processes", workers=1)(request, settings)  # two parts in flight
    with get_client(sync_client=True) as client:
        (latest,) = client.read_flow_runs(sort=FlowRunSort.START_TIME_DESC, limit=1)
        tasks = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[latest.id])))
    names = sorted(t.name.rsplit("-", 1)[0] for t in tasks)

    assert ledger_rows(f"sqlite:///{tmp_path / 'alone.db'}") == ledger_rows(settings.ledger)
    assert [r.check_id for r in spread.results] == [r.check_id for r in alone.results]
    assert names.count("read, extract and check part") == 7 and names.count("record part") == 7
    # parts are handed out two ahead: the first two before any source was prepared, the two emigration parts before
    # theirs was; the flow checked those (and prepared the sources), the worker the three others
    assert names.count("check claims") == 4
