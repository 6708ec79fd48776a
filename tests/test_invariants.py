"""The run's invariants (expectations/claim_checks.json on its results, checks/invariants.py): what no verdict may
break, each broken by a hand-made result; a real run that breaks one is not written, and its validation is in the
Data Docs either way."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from builders import daily_casualties, small_project, write_article

from claimledger import pipeline
from claimledger.checks.invariants import InvariantError, check_invariants, raise_if_broken, results_table
from claimledger.checks.model import CheckResult, Verdict
from claimledger.claims.extract import extract_claims
from claimledger.claims.model import Article
from claimledger.ledger.store import LedgerStore
from claimledger.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SUITE = REPO / "expectations" / "claim_checks.json"
AS_OF = date(2025, 5, 16)

# "more than 52,000" against the report of 2025-05-15 (53,010): a pass; "more than 54,000" against it: a fail
PASS = CheckResult(
    claim_id="c-pass",
    check_kind="value_at_date",
    verdict=Verdict.PASS,
    explanation="holds",
    observed=53010.0,
    reference_date=date(2025, 5, 15),
    source="gaza_casualties_daily",
    snapshot_sha256="a" * 64,
    window_low=52000.0,
    window_low_inclusive=False,
)
FAIL = replace(PASS, claim_id="c-fail", verdict=Verdict.FAIL, explanation="does not hold", window_low=54000.0)
UNVERIFIABLE = CheckResult(
    claim_id="c-none", check_kind="poll", verdict=Verdict.UNVERIFIABLE, explanation="no poll published in the window"
)
# '69 percent' + '21 percent' of one poll, at most 100
CONSISTENT = CheckResult(
    claim_id="c-sum",
    check_kind="internal_consistency",
    verdict=Verdict.PASS,
    explanation="holds",
    observed=90.0,
    window_high=100.0,
    evidence=({"claim_id": "a", "value": 69.0}, {"claim_id": "c-sum", "value": 21.0}),
)
GOOD = [PASS, FAIL, UNVERIFIABLE, CONSISTENT]


def broken(results: list[CheckResult], as_of: date | None = AS_OF) -> str:
    """The InvariantError message for the results, which must break an invariant."""
    validation = check_invariants(results, [], as_of, SUITE)
    assert not validation.success
    with pytest.raises(InvariantError) as raised:
        raise_if_broken(validation, SUITE, "run-1")
    return str(raised.value)


def test_a_good_run_validates():
    validation = check_invariants(GOOD, [], AS_OF, SUITE)
    assert validation.success, validation.failures
    assert validation.evaluated == len(json.loads(SUITE.read_text())["expectations"])
    raise_if_broken(validation, SUITE)  # no error


@pytest.mark.parametrize(
    "results, says, check_id",
    [
        ([replace(PASS, source=None)], "a pass or fail that cites no source", PASS.check_id),
        ([replace(FAIL, snapshot_sha256=None)], "a pass or fail that cites no snapshot", FAIL.check_id),
        (
            [replace(PASS, reference_date=date(2025, 5, 17))],
            "rests on a reference row dated after the date it was held to",
            PASS.check_id,
        ),
        ([replace(FAIL, observed=None)], "a pass or fail with no observed value", FAIL.check_id),
        ([replace(PASS, observed=51000.0)], "a verdict on the wrong side of its claimed interval", PASS.check_id),
        ([replace(FAIL, observed=55000.0)], "a verdict on the wrong side of its claimed interval", FAIL.check_id),
        # strictly more than 52,000: the bound itself is no pass
        ([replace(PASS, observed=52000.0)], "a verdict on the wrong side of its claimed interval", PASS.check_id),
        (
            [replace(CONSISTENT, evidence=({"claim_id": "a", "value": 79.0}, {"claim_id": "c-sum", "value": 31.0}))],
            "a consistency group whose parts do not add up as its verdict says",
            CONSISTENT.check_id,
        ),
        (
            [replace(CONSISTENT, evidence=())],
            "a consistency verdict that cites no parts with values",
            CONSISTENT.check_id,
        ),
        ([PASS, replace(PASS, explanation="again")], "two results of the run for one check of a claim", PASS.check_id),
    ],
)
def test_each_broken_invariant_raises_naming_it_and_the_check(results, says, check_id):
    message = broken([*results, UNVERIFIABLE])
    assert message.startswith("run run-1 not recorded (nothing of it was written)")
    assert says in message and check_id in message
    assert UNVERIFIABLE.check_id not in message


def test_a_verdict_held_to_no_date_breaks_an_invariant():
    assert "a pass or fail held to no date" in broken([PASS], as_of=None)


def test_the_date_a_result_is_held_to_is_its_articles_without_as_of():
    """No --as-of: each result is held to its article's date (a row of 2025-05-17 is after an article of the 16th)."""
    (claim,) = extract_claims(
        Article(id="a", text="More than 52,000 people have been killed in Gaza.", published=AS_OF)
    )
    result = replace(PASS, claim_id=claim.id, reference_date=date(2025, 5, 17))
    assert results_table([result], [claim])["as_of"].iloc[0].date() == AS_OF
    assert not check_invariants([result], [claim], None, SUITE).success
    assert check_invariants([result], [claim], date(2025, 5, 18), SUITE).success


def test_an_empty_run_validates():
    assert check_invariants([], [], None, SUITE).success


def test_a_suite_gx_cannot_run_on_the_results_is_a_broken_invariant_not_a_pass(tmp_path):
    suite = json.loads(SUITE.read_text())
    interval = next(e for e in suite["expectations"] if e["type"] == "expect_verdict_to_match_claimed_interval")
    interval["kwargs"]["column_list"][0] = "no_such_column"
    path = tmp_path / "claim_checks.json"
    path.write_text(json.dumps(suite))
    validation = check_invariants(GOOD, [], AS_OF, path)
    assert not validation.success and "no_such_column" in " ".join(validation.failures)


@pytest.fixture
def small(tmp_path) -> Path:
    """A project of one article whose three figures get a pass, a fail and an unverifiable against the two reports
    of a casualty series written here (53,010 killed by 2025-05-15)."""
    home = small_project(tmp_path, casualties=daily_casualties({"2025-05-14": 52_928, "2025-05-15": 53_010}))
    write_article(
        home / "articles",
        "toll",
        "More than 52,000 people have been killed in Gaza since the war began, the ministry said.",
        "The toll of the killed in Gaza has passed 60,000 since the war began, the ministry said.",
        "Some 1.9 million people in Gaza have been displaced, the agency said.",
    )
    return home


def test_a_runs_verdicts_keep_every_invariant_and_the_run_records_the_outcome(small):
    settings = Settings(home=small)
    outcome = pipeline.verify(pipeline.VerifyRequest(paths=(str(small / "articles"),)), settings)
    verdicts = [r.verdict for r in outcome.results]
    assert verdicts == ["pass", "fail", "unverifiable"]
    (basis,) = _runs(settings.ledger, "basis")
    assert json.loads(basis)["invariants"] == {
        "suite": "claim_checks.json",
        "success": True,
        "failures": [],
        "warnings": [],
        "evaluated": 11,  # the suite's expectations
        "rows": len(outcome.results),
    }
    # the run's validation is in the Data Docs site, once, under its run id
    (page,) = (settings.data_docs_dir / "validations" / "claim_checks").rglob("*.html")
    assert page.name == f"run-{outcome.run_id}.html"
    assert (settings.data_docs_dir / "index.html").is_file()


class _WrongFail(pipeline.PlainSteps):
    """A rule with a bug: it calls the run's first pass a fail, explanation and all unchanged."""

    flipped: str | None = None

    def check(self, chunks, references, as_of, settings):
        results = super().check(chunks, references, as_of, settings)
        first = next(i for i, r in enumerate(results) if r.verdict == Verdict.PASS)
        self.flipped = results[first].check_id
        return [*results[:first], replace(results[first], verdict=Verdict.FAIL), *results[first + 1 :]]


def test_a_broken_invariant_in_a_real_run_leaves_the_ledger_without_it(small, tmp_path):
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    settings = Settings(home=small, ledger=url)
    request = pipeline.VerifyRequest(paths=(str(small / "articles"),))
    good = pipeline.verify(request, settings)
    buggy = _WrongFail()
    with pytest.raises(
        InvariantError, match="a verdict on the wrong side of its claimed interval on 1 row: fail with "
    ) as raised:
        pipeline.verify(request, settings, buggy)
    assert f"for check_id {buggy.flipped} (expect_verdict_to_match_claimed_interval)" in str(raised.value)
    assert _runs(url, "id") == [good.run_id]  # the good run only, whole
    assert _count(url, "run_results") == len(good.results)
    # the broken run's validation is in the Data Docs all the same, beside the good one's
    pages = sorted(p.name for p in (settings.data_docs_dir / "validations" / "claim_checks").rglob("*.html"))
    assert len(pages) == 2 and f"run-{good.run_id}.html" in pages


def _runs(url: str, column: str) -> list:
    LedgerStore(url).close()  # the schema, when nothing was ever written
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return [value for (value,) in conn.execute(f"SELECT {column} FROM runs ORDER BY started_at")]


def _count(url: str, table: str) -> int:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_the_cli_says_which_invariant_broke_exits_2_and_records_nothing(prefect_harness, small):
    """Through the real flow: a suite the run's results break (here: no unverifiable allowed) stops the write."""
    from typer.testing import CliRunner

    from claimledger.cli import app

    suite = json.loads(SUITE.read_text())
    allowed = next(e for e in suite["expectations"] if e["type"] == "expect_column_values_to_be_in_set")
    allowed["kwargs"]["value_set"] = ["pass", "fail"]
    (small / "expectations" / "claim_checks.json").write_text(json.dumps(suite))
    url = f"sqlite:///{small / 'ledger.db'}"
    result = CliRunner().invoke(
        app,
        ["verify", str(small / "articles"), "--ledger", url],
        env={"CLAIMLEDGER_HOME": str(small)},
        catch_exceptions=False,
    )
    assert result.exit_code == 2
    assert "claimledger: error: run " in result.stderr and "not recorded (nothing of it was written)" in result.stderr
    assert "a verdict that is not pass, fail or unverifiable on 1 row" in result.stderr
    assert "run failed" not in result.stderr
    assert _runs(url, "id") == []
    # validated once: the record step does not retry a broken invariant
    assert len(list((Settings(home=small).data_docs_dir / "validations" / "claim_checks").rglob("*.html"))) == 1


def test_data_docs_keep_the_last_runs_of_each_suite_so_verify_runs_never_push_out_a_fetch(tmp_path):
    from datetime import UTC, datetime, timedelta

    import pandas as pd

    from claimledger.gx import validate_frame
    from claimledger.sources.docs import RunValidation, SourceValidation, build_data_docs, run_name, stored_runs

    source_suite = tmp_path / "tiny_source.json"
    source_suite.write_text(
        json.dumps(
            {
                "name": "tiny_source",
                "expectations": [{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "value"}}],
            }
        )
    )
    settings = Settings(home=tmp_path, gx_keep_runs=2)
    start = datetime(2025, 5, 16, 10, tzinfo=UTC)
    fetched = validate_frame(pd.DataFrame({"value": [1.0]}), source_suite).result
    build_data_docs([SourceValidation("tiny_source", "a" * 64, fetched)], settings, run_name(start))
    invariants = check_invariants(GOOD, [], AS_OF, SUITE).result
    verified = [run_name(start + timedelta(minutes=i), kind="verify") for i in range(1, 4)]
    for i, run in enumerate(verified):
        build_data_docs([RunValidation(f"r{i}", invariants)], settings, run)
    assert stored_runs(settings.gx_dir, "claim_checks") == verified[1:]
    assert stored_runs(settings.gx_dir, "tiny_source") == [run_name(start)]
    assert stored_runs(settings.gx_dir) == [run_name(start), *verified[1:]]  # oldest first, by time across kinds
    pages = settings.data_docs_dir / "validations"
    assert sorted(p.name for p in (pages / "claim_checks").iterdir()) == verified[1:]
    assert [p.name for p in (pages / "tiny_source").iterdir()] == [run_name(start)]
