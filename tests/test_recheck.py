"""Unattended runs as plain functions: chunks, what changed, the claim-to-source index, recheck plans, run reports.

Plain calls on a ledger written by the pipeline without Prefect; then `claimledger recheck` through the recheck flow
(Prefect test harness) and extraction and checks split over a local Dask cluster of two worker processes.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from typer.testing import CliRunner

from builders import claim, daily_casualties, hostage_deal_poll, small_project, write_article, write_rows

from claimledger import pipeline
from claimledger.checks.model import CheckResult
from claimledger.claims.extract import extract_claims
from claimledger.claims.model import Article
from claimledger.claims.vocabulary import load_vocabulary
from claimledger.cli import app
from claimledger.ledger.engine import LedgerError
from claimledger.ledger.store import LedgerStore, RunRecord, SourceUse
from claimledger.runs.chunks import chunk_count, chunked
from claimledger.runs.recheck import (
    RecheckScope,
    RecheckTarget,
    dependent_claims,
    keep_claims,
    recorded_claims,
    merge_overrides,
    plan_recheck,
)
from claimledger.runs.report import refresh_markdown, run_report
from claimledger.runs.updates import SourceUpdate, changed_sources
from claimledger.settings import Settings

VOCABULARY = load_vocabulary()
TOLL = "toll"  # the one article of the projects below
SENTENCES = (
    "More than 52,000 people have been killed in Gaza, two-thirds of them women and children.",
    "In January, 69 percent of Israelis backed a deal to release the hostages, while only 21 percent opposed.",
)
CASUALTY_QUOTES = {"More than 52,000", "two-thirds"}
POLL_QUOTES = {"69 percent", "21 percent"}
SERIES = daily_casualties({"2025-05-12": 52_810, "2025-05-15": 53_010})
TABLES = {
    "israel_polls_hostage_deal": [hostage_deal_poll("p-2025-01", "2025-01-20", 69, 21)],
    "palestine_recognitions": [{"country": "Barbados", "date": "2024-04-19", "note": ""}],
}


# ---- chunks -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "items, workers, expected",
    [
        (0, 4, 0),  # nothing to do: no chunk
        (1, 4, 1),  # never more chunks than items
        (5, 2, 5),
        (100, 2, 6),  # a few chunks per worker
        (100, 0, 1),  # no cluster (Prefect's default runner): one chunk, one task
        (1000, 8, 24),
    ],
)
def test_chunk_count(items, workers, expected):
    assert chunk_count(items, workers) == expected


@pytest.mark.parametrize(
    "items, count, sizes",
    [
        (list(range(10)), 3, [4, 3, 3]),
        (list(range(3)), 5, [1, 1, 1]),
        (list(range(4)), 1, [4]),
        ([], 3, []),
    ],
)
def test_chunked_keeps_order_and_balances(items, count, sizes):
    chunks = chunked(items, count)
    assert [len(c) for c in chunks] == sizes
    assert [x for c in chunks for x in c] == items


# ---- what changed -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "before, after, expected",
    [
        ({"a": "1"}, {"a": "1"}, []),  # 304, same bytes, quarantined or failed fetch: the good snapshot stays
        ({"a": "1"}, {"a": "2"}, [SourceUpdate("a", "1", "2")]),
        ({"a": None}, {"a": "2"}, [SourceUpdate("a", None, "2")]),  # a first good snapshot is news too
        ({"a": None}, {"a": None}, []),  # still nothing usable
        ({"b": "1", "a": "1"}, {"b": "2", "a": "3"}, [SourceUpdate("a", "1", "3"), SourceUpdate("b", "1", "2")]),
    ],
)
def test_changed_sources(before, after, expected):
    assert changed_sources(before, after) == expected


def test_update_event_resource_and_payload():
    update = SourceUpdate("gaza_casualties_daily", "a" * 64, "b" * 64)
    assert update.resource() == {
        "prefect.resource.id": "claimledger.source.gaza_casualties_daily",
        "claimledger.source": "gaza_casualties_daily",
    }
    assert update.payload() == {"source": "gaza_casualties_daily", "old_sha256": "a" * 64, "new_sha256": "b" * 64}


@pytest.mark.parametrize(
    "earlier, later, expected",
    [
        ([], [], ()),
        (["a=file:1"], [], ("a=file:1",)),
        (["a=file:1", "b=file:2"], ["a=http://x/1"], ("a=http://x/1", "b=file:2")),
    ],
)
def test_merge_overrides_later_wins(earlier, later, expected):
    assert merge_overrides(earlier, later) == expected


# ---- a ledger written by the pipeline (no Prefect) ----------------------------------------------------------------


def _project(root):
    """A small project (the casualty series, one poll, a recognition nobody's claim needs) with the article TOLL
    under seeds/ (the folder verify reads by default), and a copy of the series outside the registry for runs to
    name with --source."""
    home = small_project(root, casualties=SERIES, tables=TABLES)
    write_article(home / "seeds", TOLL, *SENTENCES)
    write_rows(home / "casualties.json", SERIES)
    return home


@pytest.fixture
def project(tmp_path):
    return _project(tmp_path)


def _series(home) -> str:
    return f"file://{home / 'casualties.json'}"


def _verify(home, ledger_url: str, casualties: str, as_of: date | None = None) -> str:
    settings = Settings(home=home, ledger=ledger_url)
    request = pipeline.VerifyRequest(
        paths=(str(home / "seeds"),), as_of=as_of, source_overrides=(f"gaza_casualties_daily={casualties}",)
    )
    return pipeline.verify(request, settings).run_id


@pytest.fixture(scope="module")
def verified(tmp_path_factory):
    """A small project whose article was verified once, the casualty series named with --source: (home, ledger
    URL, run id)."""
    home = _project(tmp_path_factory.mktemp("recheck"))
    ledger_url = f"sqlite:///{home / 'data' / 'ledger.db'}"
    return home, ledger_url, _verify(home, ledger_url, _series(home))


def _quotes(store, claim_ids) -> set[str]:
    return {row.quote for row in store.reader.results_of_run(store.reader.runs()[-1].id) if row.claim_id in claim_ids}


@pytest.mark.parametrize(
    "sources, quotes",
    [
        (["gaza_casualties_daily"], CASUALTY_QUOTES),
        (["israel_polls_hostage_deal"], POLL_QUOTES),
        (["gaza_casualties_daily", "israel_polls_hostage_deal"], CASUALTY_QUOTES | POLL_QUOTES),
        (["palestine_recognitions"], set()),  # registered, but no claim in the ledger needs it
        ([], set()),
    ],
)
def test_claims_that_depend_on_sources(verified, sources, quotes):
    home, ledger_url, _ = verified
    with LedgerStore(ledger_url) as store:
        found = dependent_claims(store, sources, VOCABULARY)
        assert _quotes(store, found) == quotes
        assert set(found.values()) <= {TOLL}


def test_a_recheck_reads_the_claims_as_recorded(verified):
    """The ledger's claims are the extracted ones, field for field, partners of a consistency rule included."""
    home, ledger_url, _ = verified
    extracted = {c.id: c for c in pipeline.extract(pipeline.load_articles((str(home / "seeds"),)), Settings(home=home))}
    with LedgerStore(ledger_url) as store:
        depends = dependent_claims(store, ["israel_polls_hostage_deal"], VOCABULARY)
        oppose = next(i for i in depends if extracted[i].metric == "oppose_hostage_deal")
        target = RecheckTarget(paths=(), article_ids=(TOLL,), claim_ids=frozenset({oppose}))
        recorded = recorded_claims(store, target, VOCABULARY)
    assert {c.metric for c in recorded} == {"support_hostage_deal", "oppose_hostage_deal"}  # the poll pair
    assert all(c == extracted[c.id] for c in recorded)


def test_an_unverifiable_claim_still_depends_on_its_missing_source(project, tmp_path):
    """With the source unreachable the claims cite no snapshot; they are what a first snapshot must recheck."""
    ledger_url = f"sqlite:///{tmp_path / 'ledger.db'}"
    run_id = _verify(project, ledger_url, "http://127.0.0.1:9/unreachable.json")
    with LedgerStore(ledger_url) as store:
        results = store.reader.results_of_run(run_id)
        assert {r.verdict for r in results if r.quote in CASUALTY_QUOTES} == {"unverifiable"}
        assert {r.source for r in results if r.quote in CASUALTY_QUOTES} == {None}
        assert _quotes(store, dependent_claims(store, ["gaza_casualties_daily"], VOCABULARY)) == CASUALTY_QUOTES


def test_recheck_plan_for_a_source_repeats_the_last_run(verified):
    home, ledger_url, _ = verified
    with LedgerStore(ledger_url) as store:
        plan = plan_recheck(store, RecheckScope(sources=("gaza_casualties_daily",)), VOCABULARY, home)
        (target,) = plan.targets
        assert plan.skipped == []
        assert target.article_ids == (TOLL,) and target.whole_articles == frozenset()
        assert _quotes(store, target.claim_ids) == CASUALTY_QUOTES
        assert target.paths == (str(home / "seeds" / f"{TOLL}.md"),)
        assert target.source_overrides == (f"gaza_casualties_daily={_series(home)}",)  # as last run
        assert target.as_of is None
        mirror = plan_recheck(
            store,
            RecheckScope(sources=("gaza_casualties_daily",)),
            VOCABULARY,
            home,
            overrides=["gaza_casualties_daily=http://mirror/c.json"],
        )
        assert mirror.targets[0].source_overrides == ("gaza_casualties_daily=http://mirror/c.json",)


def test_recheck_plan_for_an_article_and_for_a_claim_prefix(verified):
    home, ledger_url, _ = verified
    with LedgerStore(ledger_url) as store:
        (whole,) = plan_recheck(store, RecheckScope(articles=(TOLL,)), VOCABULARY, home).targets
        assert whole.whole_articles == frozenset({TOLL})
        claim_id = next(
            r.claim_id for r in store.reader.results_of_run(store.reader.runs()[0].id) if r.quote == "two-thirds"
        )
        (one,) = plan_recheck(store, RecheckScope(claims=(claim_id[:6],)), VOCABULARY, home).targets
        assert one.claim_ids == frozenset({claim_id}) and one.whole_articles == frozenset()


@pytest.mark.parametrize(
    "scope, message",
    [
        (RecheckScope(articles=("no-such-article",)), "no article 'no-such-article' in the ledger"),
        (RecheckScope(claims=("ffffffff",)), "no claim 'ffffffff' in the ledger"),
    ],
)
def test_recheck_plan_refuses_unknown_articles_and_claims(verified, scope, message):
    home, ledger_url, _ = verified
    with LedgerStore(ledger_url) as store, pytest.raises(LedgerError, match=message):
        plan_recheck(store, scope, VOCABULARY, home)


def test_recheck_plan_skips_an_article_whose_file_is_gone(project, tmp_path):
    ledger_url = f"sqlite:///{tmp_path / 'ledger.db'}"
    _verify(project, ledger_url, _series(project))
    (project / "seeds" / f"{TOLL}.md").rename(tmp_path / "moved.md")
    with LedgerStore(ledger_url) as store:
        plan = plan_recheck(store, RecheckScope(sources=("gaza_casualties_daily",)), VOCABULARY, project)
    assert plan.targets == []
    assert plan.skipped == [f"article {TOLL}: its file {project / 'seeds' / TOLL}.md is gone; not rechecked"]


class _Logged(pipeline.PlainSteps):
    """The plain steps, noting the order they are called in."""

    def __init__(self):
        self.calls = []

    def __getattribute__(self, name):
        if name in ("parts", "recorded", "prepare", "check", "record_part", "record", "report"):
            object.__getattribute__(self, "calls").append(name)
        return object.__getattribute__(self, name)


def test_the_job_runs_its_steps_in_order_and_a_recheck_reuses_it(project, tmp_path):
    """pipeline.verify and pipeline.recheck, with plain in-process steps: the job the flows run, without Prefect."""
    ledger_url = f"sqlite:///{tmp_path / 'ledger.db'}"
    settings = Settings(home=project, ledger=ledger_url)
    steps = _Logged()
    request = pipeline.VerifyRequest(
        paths=(str(project / "seeds"),), source_overrides=(f"gaza_casualties_daily={_series(project)}",)
    )
    first = pipeline.verify(request, settings, steps)
    assert steps.calls == ["parts", "prepare", "check", "record_part", "record", "report"]
    assert {a.id for a in first.articles} == {TOLL} and len(first.results) >= len(first.claims)

    steps.calls.clear()
    scope = RecheckScope(sources=("gaza_casualties_daily",))
    (again,) = pipeline.recheck(pipeline.plan(scope, [], settings), settings, steps)
    assert steps.calls == ["recorded", "prepare", "check", "record_part", "record", "report"]  # no article read again
    assert again.articles == [] and {c.quote for c in again.claims} == CASUALTY_QUOTES
    with LedgerStore(ledger_url) as store:
        run = next(r for r in store.reader.runs() if r.id == again.run_id)
        assert run.arguments["recheck"] == {"sources": ["gaza_casualties_daily"]}
        assert {r.quote for r in store.reader.results_of_run(again.run_id)} == CASUALTY_QUOTES


def test_keep_claims_brings_the_other_figures_of_a_consistency_rule():
    article = Article(
        id="poll",
        published=date(2025, 5, 16),
        text=(
            "A Channel 12 poll found 69 percent of Israelis backing a deal and 21 percent opposed. "
            "More than 52,000 people have been killed in Gaza."
        ),
    )
    claims = extract_claims(article, VOCABULARY)
    support = next(c for c in claims if c.quote == "69 percent")
    kept = keep_claims(
        claims, RecheckTarget(paths=(), article_ids=("poll",), claim_ids=frozenset({support.id})), VOCABULARY
    )
    assert {c.quote for c in kept} == POLL_QUOTES  # the 21 percent is judged with it; the casualty figure is not
    whole = RecheckTarget(paths=(), article_ids=("poll",), whole_articles=frozenset({"poll"}))
    assert keep_claims(claims, whole, VOCABULARY) == claims


# ---- run reports --------------------------------------------------------------------------------------------------

ARTICLE = Article(id="a1", text="In Gaza, more than 52,000 people have been killed.", published=date(2025, 5, 16))


def _record(store, verdict: str, sha: str, minutes: int, arguments=None) -> str:
    claims = [claim(ARTICLE, "more than 52,000", 52_000)]
    started = datetime(2025, 5, 18, tzinfo=timezone.utc) + timedelta(minutes=minutes)
    run_id = str(uuid.uuid4())
    store.record_run(
        RunRecord(
            run_id=run_id,
            started_at=started,
            finished_at=started,
            arguments=arguments or {},
            as_of=None,
            articles=[ARTICLE],
            claims=claims,
            results=[
                CheckResult(
                    claim_id=c.id,
                    check_kind="value_at_date",
                    verdict=verdict,
                    explanation="x",
                    observed=53010.0,
                    source="gaza_casualties_daily",
                    snapshot_sha256=sha,
                )
                for c in claims
            ],
            sources=[
                SourceUse(
                    "gaza_casualties_daily",
                    "used",
                    {"sha256": sha, "url": "file:x", "retrieved_at": "2025-05-18T00:00:00Z", "bytes": 1},
                )
            ],
        )
    )
    return run_id


def test_run_report_counts_verdicts_and_shows_the_flips(tmp_path):
    with LedgerStore(f"sqlite:///{tmp_path / 'ledger.db'}") as store:
        first = _record(store, "pass", "a" * 64, 0)
        second = _record(
            store,
            "fail",
            "b" * 64,
            1,
            {
                "recheck": {
                    "sources": ["gaza_casualties_daily"],
                    "trigger": {"event": "claimledger.source.updated", "old_sha256": "a" * 64, "new_sha256": "b" * 64},
                }
            },
        )
        opening, flipped = run_report(store, first), run_report(store, second)
    assert (opening.kind, opening.verdicts, opening.flipped, opening.first_checked) == ("verify", {"pass": 1}, [], 1)
    assert flipped.kind == "recheck" and flipped.verdicts == {"fail": 1}
    (flip,) = flipped.flipped
    assert (flip.quote, flip.before, flip.after) == ("more than 52,000", "pass", "fail")
    markdown = flipped.markdown()
    for line in (
        "| pass | 0 |",
        "| fail | 1 |",
        "| unverifiable | 0 |",
        "Rechecked the claims that depend on sources gaza_casualties_daily.",
        "Triggered by `claimledger.source.updated` (`aaaaaaaaaaaa` -> `bbbbbbbbbbbb`).",
        "| more than 52,000 (`",
        "| pass | **fail** | `aaaaaaaaaaaa` -> `bbbbbbbbbbbb` |",
        "| gaza_casualties_daily | used | `bbbbbbbbbbbb` |",
    ):
        assert line in markdown, line
    assert "No verdict flipped (1 result(s) checked for the first time)." in opening.markdown()


def test_refresh_markdown_lists_sources_and_updates():
    rows = [
        {
            "source": "gaza_casualties_daily",
            "status": "new snapshot",
            "snapshot_sha256": "b" * 64,
            "message": "bbbbbbbbbbbb (10 bytes from http://x|y): +1 row (2025-05-17)",
        },
        {"source": "timeline_events", "status": "unchanged", "snapshot_sha256": "c" * 64, "message": "same"},
    ]
    markdown = refresh_markdown(rows, [SourceUpdate("gaza_casualties_daily", "a" * 64, "b" * 64)], "built x")
    assert (
        "| gaza_casualties_daily | new snapshot | `bbbbbbbbbbbb` | bbbbbbbbbbbb (10 bytes from http://x\\|y)"
        in markdown
    )
    assert (
        "- `gaza_casualties_daily`: `aaaaaaaaaaaa` -> `bbbbbbbbbbbb`; emitted `claimledger.source.updated`" in markdown
    )
    assert "None: no source has a new good snapshot" in refresh_markdown(rows, [], "built x")


# ---- the commands -------------------------------------------------------------------------------------------------


def run_cli(home, *args, env=None):
    return CliRunner().invoke(
        app, list(args), env={"CLAIMLEDGER_HOME": str(home), **(env or {})}, catch_exceptions=False
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["recheck"], "recheck needs --depends-on NAME, --article ID or --claim ID"),
        (["recheck", "--depends-on", "nope"], "no such source 'nope'"),
        (["recheck", "--article", "nope"], "no article 'nope' in the ledger"),
        (["recheck", "--claim", "ffffffff"], "no claim 'ffffffff' in the ledger"),
        (["verify", "--dask-address", "tcp://127.0.0.1:8786"], "--dask-address needs --task-runner dask"),
        (["serve"], "serve needs a Prefect server"),
    ],
)
def test_command_errors_are_one_line(project, args, message):
    result = run_cli(project, *args, env={"PREFECT_API_URL": None})
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_recheck_of_a_source_nothing_depends_on_records_nothing(verified):
    home, ledger_url, _ = verified
    result = run_cli(
        home, "recheck", "--depends-on", "palestine_recognitions", "--ledger", ledger_url, "--format", "json"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []
    assert "nothing to recheck" in result.stderr


def test_recheck_of_a_claim_through_the_recheck_flow(prefect_harness, project, tmp_path):
    ledger_url = f"sqlite:///{tmp_path / 'ledger.db'}"
    first = _verify(project, ledger_url, _series(project))
    with LedgerStore(ledger_url) as store:
        claim_id = next(r.claim_id for r in store.reader.results_of_run(first) if r.quote == "69 percent")
    result = run_cli(project, "recheck", "--claim", claim_id[:8], "--ledger", ledger_url, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {row["quote"] for row in rows} == POLL_QUOTES  # the rule that judges both figures comes along
    with LedgerStore(ledger_url) as store:
        latest = store.reader.runs()[0]
        arguments = latest.arguments
        assert arguments["recheck"] == {"claims": [claim_id[:8]]}
        assert arguments["sources"] == [f"gaza_casualties_daily={_series(project)}"]  # the last run's
        assert latest.new_results == 0  # same snapshots, same results: links only
        assert {s.source for s in store.reader.run_sources(latest.id)} == {"israel_polls_hostage_deal"}


# ---- on a Dask cluster --------------------------------------------------------------------------------------------


@pytest.mark.dask
def test_extraction_and_checks_split_over_a_local_dask_cluster(prefect_harness, project, tmp_path):
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.client.schemas.sorting import FlowRunSort

    from claimledger.flows.runners import on_task_runner
    from claimledger.flows.verify import verify_articles

    folder = tmp_path / "copies"
    for n in range(4):
        write_article(folder, f"copy{n}", *SENTENCES)
    settings = Settings(home=project, ledger=f"sqlite:///{tmp_path / 'ledger.db'}")
    request = pipeline.VerifyRequest(paths=(str(folder),))
    on_dask = on_task_runner(verify_articles, "dask", workers=2)(request, settings)
    with get_client(sync_client=True) as client:
        (latest,) = client.read_flow_runs(sort=FlowRunSort.START_TIME_DESC, limit=1)  # the run on Dask
        tasks = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[latest.id])))
    alone = verify_articles(request, settings)

    verdicts = {(r.claim_id, r.check_kind): r.verdict for r in alone.results}
    assert {(r.claim_id, r.check_kind): r.verdict for r in on_dask.results} == verdicts
    assert len(on_dask.articles) == 4
    assert len(on_dask.claims) == len(alone.claims) == 4 * len(CASUALTY_QUOTES | POLL_QUOTES)
    names = sorted(t.name.rsplit("-", 1)[0] for t in tasks)
    assert names.count("extract claims") == 4 and names.count("check claims") == 4  # 4 articles: 4 chunks
