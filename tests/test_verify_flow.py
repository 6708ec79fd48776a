"""End to end: an article built in the test through the real verify_articles flow (Prefect test harness), the CLI
contract. (The seed's own verdicts are kept by tests/test_golden.py.)"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from builders import daily_casualties, hostage_deal_poll, small_project, timeline_event, write_article

from claimledger.cli import app
from claimledger.ledger.store import LedgerStore
from claimledger.settings import Settings

PATH = "/api/v2/casualties_daily.json"
SERIES = daily_casualties(
    {"2025-05-09": 52_400, "2025-05-12": 52_810, "2025-05-15": 53_010},
    ext_killed_children_cum={"2025-05-15": 17_000},
    ext_killed_women_cum={"2025-05-15": 12_000},
)
TABLES = {
    "israel_polls_hostage_deal": [hostage_deal_poll("p-2025-01", "2025-01-20", 69, 21)],
    "timeline_events": [
        timeline_event("war_start", "2023-10-07", "Start of the war in Gaza"),
        timeline_event(
            "veterans_letter",
            "2025-04-10",
            "Letter of Air Force veterans calling for a hostage deal",
            970,
            "signatories",
        ),
    ],
}
SENTENCES = (
    "More than 52,000 people have been killed in Gaza, two-thirds of them women and children.",
    "Fewer than 50,000 people have been killed in Gaza, the ministry said.",
    "Last month, nearly 1,000 Israeli Air Force veterans signed an open letter demanding the hostages' return.",
    "In January, 69 percent of Israelis backed a deal to release the hostages, while only 21 percent opposed.",
)
# quote: verdict, the reference value that decided it, its date
EXPECTED = {
    "More than 52,000": ("pass", 53010, "2025-05-15"),
    "two-thirds": ("fail", 54.71, "2025-05-15"),  # (17,000 + 12,000) / 53,010: the nearest report; none fits
    "Fewer than 50,000": ("fail", 52400, "2025-05-09"),  # the nearest of the window's reports
    "nearly 1,000": ("pass", 970, "2025-04-10"),
    "69 percent": ("pass", 69, "2025-01-20"),
}
KEYS = {
    "article",
    "claim_id",
    "quote",
    "sentence",
    "metric",
    "value",
    "unit",
    "qualifier",
    "low",
    "high",
    "frame",
    "verdict",
    "reference",
    "explanation",
    "matched_on",
}


@pytest.fixture
def project(tmp_path):
    """A project of one article (SENTENCES) and small tables: the casualty series, one poll, two dated events."""
    home = small_project(tmp_path, casualties=SERIES, tables=TABLES)
    write_article(home / "articles", "toll", *SENTENCES)
    return home


def run_cli(project, *args):
    runner = CliRunner()
    return runner.invoke(app, list(args), env={"CLAIMLEDGER_HOME": str(project)}, catch_exceptions=False)


@pytest.fixture
def served(httpserver):
    httpserver.expect_request(PATH).respond_with_data(json.dumps(SERIES), content_type="application/json")
    return httpserver.url_for(PATH)


def test_verdicts_through_the_flow(prefect_harness, project, served):
    result = run_cli(
        project, "verify", str(project / "articles"), "--format", "json", "--source", f"gaza_casualties_daily={served}"
    )
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
    assert by_quote["69 percent"]["reference"]["source"] == "israel_polls_hostage_deal"

    store = LedgerStore(Settings(home=project).ledger)
    (run,) = store.reader.runs()
    assert run.status == "completed" and run.results == len(rows)
    used = {s.source: s for s in store.reader.run_sources(run.id)}
    assert used["gaza_casualties_daily"].status == "used"
    assert (project / "data" / "snapshots" / "gaza_casualties_daily").is_dir()

    # The source goes away: the next run uses the last good snapshot and says so.
    again = run_cli(
        project,
        "verify",
        str(project / "articles"),
        "--format",
        "json",
        "--source",
        "gaza_casualties_daily=http://127.0.0.1:9/unreachable.json",
    )
    assert again.exit_code == 0, again.output
    assert {r["quote"]: r["verdict"] for r in json.loads(again.stdout)}["More than 52,000"] == "pass"
    assert "using last good snapshot" in again.stderr


def test_source_with_no_snapshot_makes_its_claims_unverifiable(prefect_harness, project, httpserver):
    httpserver.expect_request(PATH).respond_with_data("<html>maintenance</html>", content_type="text/html")
    result = run_cli(
        project,
        "verify",
        str(project / "articles"),
        "--format",
        "json",
        "--source",
        f"gaza_casualties_daily={httpserver.url_for(PATH)}",
    )
    assert result.exit_code == 0, result.output
    rows = {r["quote"]: r for r in json.loads(result.stdout)}
    assert rows["More than 52,000"]["verdict"] == "unverifiable"
    assert "gaza_casualties_daily unavailable" in rows["More than 52,000"]["explanation"]
    assert rows["69 percent"]["verdict"] == "pass"  # other sources are untouched


@pytest.mark.parametrize(
    "args, message",
    [
        (["verify", "no/such/folder"], "no/such/folder: no such file or folder"),
        (["verify", "{articles}", "--source", "nope=file:x"], "--source nope: no such source"),
        (["verify", "{articles}", "--source", "gaza_casualties_daily"], "--source expects NAME=URL"),
        (["verify", "{articles}", "--ledger", "sqlite:///{bad}"], "not a usable database"),
        (["verify", "{articles}", "--as-of", "yesterday"], "is not a date"),
    ],
)
def test_operational_errors_exit_non_zero_with_a_message(project, args, message):
    bad = project / "bad.db"
    bad.write_bytes(b"garbage" * 200)
    args = [a.format(articles=project / "articles", bad=bad) for a in args]
    result = run_cli(project, *args)
    assert result.exit_code != 0
    assert message in result.output


def test_extract_lists_claims_without_verdicts(project):
    result = run_cli(project, "extract", str(project / "articles"), "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["quote"] for r in rows} == set(EXPECTED) | {"21 percent"}
    assert all("verdict" not in r for r in rows)
