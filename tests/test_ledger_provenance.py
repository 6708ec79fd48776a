"""What decided a result is recorded with it and covered by its fingerprint: the check's parameters (a metric's
window, field, label), and the run's basis (package version, vocabulary and suites by sha256)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timezone

import pandas as pd
import pytest

from builders import daily_casualties, small_project, write_article
from conftest import REPO

from claimledger import pipeline
from claimledger.checks.engine import check_claims
from claimledger.checks.model import Reference
from claimledger.claims.extract import extract_claims
from claimledger.claims.model import Article
from claimledger.claims.vocabulary import load_vocabulary
from claimledger.dashboard.charts import check_parameters
from claimledger.ledger.reader import LedgerReader
from claimledger.ledger.store import LedgerStore, RunRecord, SourceUse, fingerprint
from claimledger.settings import Settings

METRICS = REPO / "src" / "claimledger" / "claims" / "metrics.toml"
SENTENCES = (
    "More than 30,000 Palestinians have been killed in Gaza since October 7, the health ministry said.",
    "The number of people injured in Gaza has passed 70,000.",
)
ARTICLE = Article(id="toll", published=date(2024, 3, 1), text=" ".join(SENTENCES))
INJURED = {"2024-02-26": 70_215, "2024-02-29": 70_457}
SERIES = daily_casualties({"2024-02-26": 29_782, "2024-02-29": 30_035}, injured_cum=INJURED, ext_injured_cum=INJURED)


@pytest.fixture(scope="module")
def casualties() -> Reference:
    frame = pd.DataFrame(SERIES)
    frame["report_date"] = pd.to_datetime(frame["report_date"])
    return Reference("gaza_casualties_daily", "casualties", frame, "a" * 64, "report_date", 1)


KILLED_WINDOW = 'reported_field = "killed_cum"  # empty on the days the count was not reported\nwindow_days = '
KIND_DEFAULTS = "[checks.value_at_date]\nwindow_days = "


def _vocabulary_with(tmp_path, old: str, new: str):
    text = METRICS.read_text()
    assert text.count(old) == 1
    path = tmp_path / "metrics.toml"
    path.write_text(text.replace(old, new))
    return load_vocabulary(path)


def _fingerprints(vocabulary, references) -> dict[str, str]:
    claims = extract_claims(ARTICLE, vocabulary)
    by_id = {c.id: c for c in claims}
    return {
        r.metric: fingerprint(by_id[r.claim_id], r) for r in check_claims(claims, references, vocabulary) if r.metric
    }


def test_a_metrics_window_is_in_the_fingerprint_of_its_results_only(tmp_path, casualties):
    references = {"gaza_casualties_daily": casualties}
    today = _fingerprints(load_vocabulary(), references)
    assert set(today) == {"killed", "injured"}
    assert _fingerprints(load_vocabulary(), references) == today  # the same inputs: nothing new to learn
    wider = _fingerprints(_vocabulary_with(tmp_path, f"{KILLED_WINDOW}7", f"{KILLED_WINDOW}3"), references)
    assert wider["killed"] != today["killed"]
    assert wider["injured"] == today["injured"]


def test_a_kinds_default_parameters_are_in_the_fingerprint_of_the_results_that_use_them(tmp_path, casualties):
    """A metric that sets no window of its own is decided with its kind's [checks.<kind>] default: changing the
    default changes its results' fingerprints, and not those of a metric that sets its own."""
    references = {"gaza_casualties_daily": casualties}
    own = _vocabulary_with(tmp_path, f"{KILLED_WINDOW}7\n", 'reported_field = "killed_cum"\n')  # killed: default
    today = _fingerprints(own, references)
    (tmp_path / "other").mkdir()
    text = (tmp_path / "metrics.toml").read_text().replace(f"{KIND_DEFAULTS}7", f"{KIND_DEFAULTS}3")
    (tmp_path / "other" / "metrics.toml").write_text(text)
    wider = _fingerprints(load_vocabulary(tmp_path / "other" / "metrics.toml"), references)
    assert wider["killed"] != today["killed"]
    assert wider["injured"] == today["injured"]  # its entry says window_days = 7 itself


def test_the_runs_basis_is_in_every_fingerprint(casualties):
    (claim, _) = extract_claims(ARTICLE)
    (result,) = check_claims([claim], {"gaza_casualties_daily": casualties}, load_vocabulary())
    assert result.parameters["window_days"] == 7 and result.parameters["field"] == "ext_killed_cum"
    basis = {"version": "1", "vocabulary_sha256": "v" * 64, "suites_sha256": "s" * 64}
    assert fingerprint(claim, result, None, basis) != fingerprint(claim, result, None, basis | {"suites_sha256": "t"})
    assert fingerprint(claim, result, None, basis) != fingerprint(claim, result)


def test_parameters_and_basis_are_recorded_and_the_chart_reads_them(tmp_path, casualties):
    ledger_url = f"sqlite:///{tmp_path / 'ledger.db'}"
    vocabulary = _vocabulary_with(tmp_path, f"{KILLED_WINDOW}7", f"{KILLED_WINDOW}3")
    claims = extract_claims(ARTICLE, vocabulary)
    results = check_claims(claims, {"gaza_casualties_daily": casualties}, vocabulary)
    now = datetime.now(timezone.utc)
    basis = pipeline.run_basis(Settings(home=REPO))
    with LedgerStore(ledger_url) as store:
        store.record_run(
            RunRecord(
                "r1",
                now,
                now,
                {},
                None,
                [ARTICLE],
                claims,
                results,
                [
                    SourceUse(
                        "gaza_casualties_daily",
                        "used",
                        {"sha256": "a" * 64, "url": "file:x", "retrieved_at": "now", "bytes": 1},
                    )
                ],
                basis=basis,
            )
        )
        (run,) = store.reader.runs()
    reader = LedgerReader(ledger_url)
    killed = next(row for row in reader.results_of_run("r1") if row.metric == "killed")
    claim = reader.claim(killed.claim_id)
    assert run.basis == basis and set(basis) == {"version", "vocabulary_sha256", "suites_sha256"}
    assert killed.parameters["window_days"] == 3
    # the chart of that result uses the window it was decided with, not today's metrics.toml (7 days)
    assert check_parameters(claim, killed)["window_days"] == 3
    older = dataclasses.replace(killed, parameters=None)  # as a ledger from before revision 0005 holds it
    assert check_parameters(claim, older)["window_days"] == 7


def test_a_run_records_what_it_decided_with(tmp_path):
    project = small_project(tmp_path, casualties=SERIES)
    write_article(project / "articles", "toll", *SENTENCES, published=ARTICLE.published)
    ledger_url = f"sqlite:///{tmp_path / 'ledger.db'}"
    settings = Settings(home=project, ledger=ledger_url)
    request = pipeline.VerifyRequest(paths=(str(project / "articles"),))
    first = pipeline.verify(request, settings)
    assert [r.verdict for r in first.results] == ["pass", "pass"]
    with LedgerStore(ledger_url) as store:
        (run,) = store.reader.runs()
        # what it decided with, and beside it what its results were held to before the write
        assert {k: v for k, v in run.basis.items() if k != "invariants"} == pipeline.run_basis(settings)
        assert run.basis["invariants"]["success"] is True
        assert [row.parameters["field"] for row in store.reader.results_of_run(first.run_id)] == [
            "ext_killed_cum",
            "ext_injured_cum",
        ]
    (project / "expectations" / "claim_checks.json").write_text(
        (project / "expectations" / "claim_checks.json").read_text() + "\n"
    )  # a changed suite
    second = pipeline.verify(request, settings)
    with LedgerStore(ledger_url) as store:
        runs = {r.id: r for r in store.reader.runs()}
    assert runs[second.run_id].basis["suites_sha256"] != run.basis["suites_sha256"]
    assert runs[second.run_id].new_results == runs[second.run_id].results  # every result decided anew
