"""End to end: the seed article through the real verify_articles flow (Prefect test harness), the CLI contract."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest import CASUALTIES

from claimledger.cli import app
from claimledger.ledger.store import LedgerStore
from claimledger.settings import Settings

PATH = "/api/v2/casualties_daily.json"

# The expected verdicts on the seed, with the shared reference data.
EXPECTED = {
    "More than 52,000": ("pass", 53010, "2025-05-15"),
    "two-thirds": ("fail", 57.59, "2025-05-09"),  # the nearest report of the 7-day window: none fits
    "nearly 1,000": ("pass", 970, "2025-04-10"),
    "285 percent": ("fail", 49.55, "2024-12-31"),
    "nearly a quarter": ("pass", 23, "2024-10-04"),
    "More than ten": ("pass", 12, "2025-05-16"),
}
KEYS = {"article", "claim_id", "quote", "sentence", "metric", "value", "unit", "qualifier", "low", "high", "frame",
        "verdict", "reference", "explanation", "matched_on"}


def run_cli(project, *args):
    runner = CliRunner()
    return runner.invoke(app, list(args), env={"CLAIMLEDGER_HOME": str(project)}, catch_exceptions=False)


@pytest.fixture
def served(httpserver):
    httpserver.expect_request(PATH).respond_with_data(CASUALTIES.read_bytes(), content_type="application/json")
    return httpserver.url_for(PATH)


def test_seed_verdicts_through_the_flow(prefect_harness, project, served):
    result = run_cli(project, "verify", str(project / "seeds"), "--format", "json",
                     "--source", f"gaza_casualties_daily={served}")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)  # stdout holds only the JSON array
    assert all(set(row) == KEYS for row in rows)
    by_quote = {row["quote"]: row for row in rows}
    for quote, (verdict, value, when) in EXPECTED.items():
        row = by_quote[quote]
        assert row["verdict"] == verdict, row["explanation"]
        assert row["reference"]["value"] == pytest.approx(value, abs=0.01)
        assert row["reference"]["date"] == when
        assert len(row["reference"]["snapshot_sha256"]) == 64
    assert by_quote["two-thirds"]["value"] == pytest.approx(66.67)
    assert by_quote["285 percent"]["unit"] == "percent_change"

    store = LedgerStore(Settings(home=project).ledger)
    (run,) = store.runs()
    assert run["status"] == "completed" and run["results"] == len(rows)
    used = {s["source"]: s for s in store.run_sources(run["id"])}
    assert used["gaza_casualties_daily"]["status"] == "used"
    assert (project / "data" / "snapshots" / "gaza_casualties_daily").is_dir()

    # The source goes away: the next run uses the last good snapshot and says so.
    again = run_cli(project, "verify", str(project / "seeds"), "--format", "json",
                    "--source", "gaza_casualties_daily=http://127.0.0.1:9/unreachable.json")
    assert again.exit_code == 0, again.output
    assert {r["quote"]: r["verdict"] for r in json.loads(again.stdout)}["More than 52,000"] == "pass"
    assert "using last good snapshot" in again.stderr


def test_source_with_no_snapshot_makes_its_claims_unverifiable(prefect_harness, project, httpserver):
    httpserver.expect_request(PATH).respond_with_data("<html>maintenance</html>", content_type="text/html")
    result = run_cli(project, "verify", str(project / "seeds"), "--format", "json",
                     "--source", f"gaza_casualties_daily={httpserver.url_for(PATH)}")
    assert result.exit_code == 0, result.output
    rows = {r["quote"]: r for r in json.loads(result.stdout)}
    assert rows["More than 52,000"]["verdict"] == "unverifiable"
    assert "gaza_casualties_daily unavailable" in rows["More than 52,000"]["explanation"]
    assert rows["285 percent"]["verdict"] == "fail"  # other sources are untouched


@pytest.mark.parametrize("args, message", [
    (["verify", "no/such/folder"], "no/such/folder: no such file or folder"),
    (["verify", "{seeds}", "--source", "nope=file:x"], "--source nope: no such source"),
    (["verify", "{seeds}", "--source", "gaza_casualties_daily"], "--source expects NAME=URL"),
    (["verify", "{seeds}", "--ledger", "sqlite:///{bad}"], "not a usable database"),
    (["verify", "{seeds}", "--as-of", "yesterday"], "is not a date"),
])
def test_operational_errors_exit_non_zero_with_a_message(project, args, message):
    bad = project / "bad.db"
    bad.write_bytes(b"garbage" * 200)
    args = [a.format(seeds=project / "seeds", bad=bad) for a in args]
    result = run_cli(project, *args)
    assert result.exit_code != 0
    assert message in result.output


def test_extract_lists_claims_without_verdicts(project):
    result = run_cli(project, "extract", str(project / "seeds"), "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["quote"] for r in rows} >= set(EXPECTED)
    assert all("verdict" not in r for r in rows)
