"""`claimledger ledger list|show|diff|export` over a real history: an article checked, then checked again after the
casualty series was revised so that "More than 52,000" no longer holds. On SQLite and on PostgreSQL."""

from __future__ import annotations

import dataclasses
import io
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from builders import daily_casualties, hostage_deal_poll, point_source_at, small_project, write_article
from conftest import REPO
from ledger_writer import many_claims_article, small_run

from claimledger import pipeline
from claimledger.cli import app
from claimledger.ledger import history
from claimledger.cli.ledger import ledger_app
from claimledger.ledger.store import LedgerStore
from claimledger.settings import Settings

README = (REPO / "README.md").read_text(encoding="utf-8")
# A month of daily reports below 52,000, then the report of 2025-05-15, the only one in the article's window; the
# revision corrects that one report (one day in 39: a correction the series' changes suite lets through).
PUBLISHED = {(date(2025, 4, 1) + timedelta(days=n)).isoformat(): 50_000 + 40 * n for n in range(38)} | {
    "2025-05-15": 53_010
}
REVISED = PUBLISHED | {"2025-05-15": 51_900}
SENTENCES = (
    "More than 52,000 people have been killed in Gaza.",
    "In January, 69 percent of Israelis backed a deal to release the hostages.",
)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def flipped(request, tmp_path_factory):
    """Two runs of one article: against the published series, then against the revised one (the poll table the
    same). The ledger, the run ids."""
    home = small_project(
        tmp_path_factory.mktemp("flipped"),
        casualties=daily_casualties(PUBLISHED),
        tables={"israel_polls_hostage_deal": [hostage_deal_poll("p-2025-01", "2025-01-20", 69, 21)]},
    )
    write_article(home / "articles", "toll", *SENTENCES)
    url = (
        f"sqlite:///{home / 'ledger.db'}"
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_server").create_database()
    )
    verify = pipeline.VerifyRequest(paths=(str(home / "articles"),))
    run_a = pipeline.verify(verify, Settings(home=home, ledger=url)).run_id
    point_source_at(home, "gaza_casualties_daily", daily_casualties(REVISED))
    run_b = pipeline.verify(verify, Settings(home=home, ledger=url)).run_id
    return url, run_a, run_b


def ledger(*args: str, project: Path | None = None):
    env = {"CLAIMLEDGER_HOME": str(project)} if project else {}
    return CliRunner().invoke(app, ["ledger", *args], env=env, catch_exceptions=False)


def test_revised_snapshot_flips_the_verdict(flipped):
    url, run_a, run_b = flipped
    with LedgerStore(url) as store:
        changes = history.diff_runs(store, run_a, run_b)
        flips = {f.quote: (f.verdict_a, f.verdict_b) for f in changes.flipped}
        assert flips == {"More than 52,000": ("pass", "fail")}  # the poll's verdict stands
        assert changes.added == changes.removed == []
        (flip,) = [f for f in changes.flipped if f.quote == "More than 52,000"]
        assert flip.snapshot_a != flip.snapshot_b
        steps = history.claim_history(store, flip.claim_id)
        assert [(s.run_id, s.verdict) for s in steps] == [(run_a, "pass"), (run_b, "fail")]


def test_ledger_diff_names_the_flipped_claim(flipped):
    url, run_a, run_b = flipped
    explicit = ledger("diff", run_a[:8], run_b, "--ledger", url, "--format", "json")
    assert explicit.exit_code == 0, explicit.output
    default = ledger("diff", "--ledger", url, "--format", "json")  # the latest run against the one before
    assert json.loads(default.stdout) == json.loads(explicit.stdout)
    flips = {f["quote"]: f for f in json.loads(explicit.stdout)["flipped"]}
    assert (flips["More than 52,000"]["verdict_a"], flips["More than 52,000"]["verdict_b"]) == ("pass", "fail")

    table = ledger("diff", "--ledger", url)
    assert "More than 52,000" in table.stdout and "1 flipped, 0 added, 0 removed" in table.stdout


def test_ledger_list_and_show(flipped):
    url, run_a, run_b = flipped
    runs = json.loads(ledger("list", "--ledger", url, "--format", "json").stdout)
    assert [r["id"] for r in runs] == [run_b, run_a]
    assert all(r["status"] == "completed" and sum(r["verdicts"].values()) == r["results"] for r in runs)
    assert {s["source"] for s in runs[0]["sources"]} == {"gaza_casualties_daily", "israel_polls_hostage_deal"}
    assert run_b[:8] in ledger("list", "--ledger", url, "--limit", "1").stdout

    with LedgerStore(url) as store:
        claim_id = next(r.claim_id for r in store.reader.results_of_run(run_a) if r.quote == "More than 52,000")
    shown = json.loads(ledger("show", claim_id[:10], "--ledger", url, "--format", "json").stdout)
    assert shown["claim"]["quote"] == "More than 52,000"
    assert [h["verdict"] for h in shown["history"]] == ["pass", "fail"]
    assert "(flipped)" in ledger("show", claim_id, "--ledger", url).stdout


READERS = {
    "csv": pd.read_csv,
    "json": pd.read_json,
    "jsonl": lambda path: pd.read_json(path, lines=True),
    "parquet": pd.read_parquet,
}


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl", "parquet"])
def test_ledger_export(flipped, tmp_path, fmt):
    url, run_a, run_b = flipped
    with LedgerStore(url) as store:
        expected = len(store.reader.results_of_run(run_a)) + len(store.reader.results_of_run(run_b))
    target = tmp_path / f"ledger.{fmt}"
    result = ledger("export", "--format", fmt, "--output", str(target), "--ledger", url)
    assert result.exit_code == 0, result.output
    frame = READERS[fmt](target)
    assert len(frame) == expected
    assert {"run_id", "claim_id", "quote", "verdict", "observed", "snapshot_sha256", "explanation"} <= set(frame)
    assert set(frame["run_id"]) == {run_a, run_b}

    only_b = ledger("export", "--format", "csv", "--run", run_b, "--ledger", url)
    assert set(pd.read_csv(io.StringIO(only_b.stdout))["run_id"]) == {run_b}


def raw_rows(path: Path, fmt: str) -> list[dict[str, str]]:
    """An export's rows as text, read without pandas' type guessing: what each format itself says."""
    import csv

    import pyarrow.parquet as pq

    if fmt == "csv":
        rows = list(csv.DictReader(path.open(newline="")))
    elif fmt == "json":
        rows = json.loads(path.read_text())
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in path.read_text().splitlines()]
    else:
        rows = pq.read_table(path).to_pylist()
    return [{k: "" if v is None else str(v) for k, v in row.items()} for row in rows]


def test_export_streams_in_batches_and_every_format_holds_the_same_rows(flipped, tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    url, run_a, run_b = flipped
    monkeypatch.setattr(history.export_batches, "__defaults__", (None, 2))  # batches of two rows
    exported = {}
    for fmt in READERS:
        target = tmp_path / f"all.{fmt}"
        assert ledger("export", "--format", fmt, "--output", str(target), "--ledger", url).exit_code == 0
        exported[fmt] = raw_rows(target, fmt)
    rows = exported["csv"]
    assert len(rows) > 2 and pq.ParquetFile(tmp_path / "all.parquet").num_row_groups == -(-len(rows) // 2)
    assert all(found == rows for found in exported.values())  # the same rows, values and order in every format
    assert list(rows[0]) == history.EXPORT_COLUMNS and rows[0]["run_started_at"].endswith("Z")
    assert [r["run_id"] for r in rows] == sorted((r["run_id"] for r in rows), key=[run_a, run_b].index)  # oldest first


def test_a_failed_export_leaves_no_file(flipped, tmp_path, monkeypatch):
    url, _, _ = flipped
    target = tmp_path / "ledger.csv"
    target.write_text("the export before\n")

    real = history.export_batches

    def broken(store, run_id=None, size=2):
        yield next(real(store, run_id, 1))  # one row written, then the ledger fails
        raise history.LedgerError("the server went away")

    monkeypatch.setattr(history, "export_batches", broken)
    result = ledger("export", "--format", "csv", "--output", str(target), "--ledger", url)
    assert result.exit_code != 0 and "the server went away" in result.output
    assert target.read_text() == "the export before\n"  # untouched: the half-written file was never renamed over it
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".ledger.csv")] == []


def test_ledger_errors_are_one_line(project, tmp_path):
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    for args, message in (
        (["diff", "--ledger", url], "no run 'latest'"),
        (["show", "abc", "--ledger", url], "no claim 'abc'"),
        (["list", "--ledger", "sqlite:///" + str(tmp_path)], "not a usable database"),
    ):
        result = ledger(*args, project=project)
        assert result.exit_code == 2 and message in result.output, result.output


LEDGER_COMMANDS = sorted(typer.main.get_command(ledger_app).commands.items())


@pytest.mark.parametrize("name, command", LEDGER_COMMANDS)
def test_ledger_commands_are_documented(name, command):
    assert f"claimledger ledger {name}" in README
    assert command.help and "Example:" in command.help
    for param in command.params:
        assert param.help, f"ledger {name} {param.name} has no help text"
        for option in getattr(param, "opts", []):
            if option.startswith("--"):
                assert option in README, f"ledger {name} {option} is not documented in README.md"


def test_ledger_list_shows_the_articles_a_run_skipped(ledger_url):
    skipped = ({"path": "seeds/broken.md", "reason": "not UTF-8"}, {"path": "seeds/huge.md", "reason": "3.1 MB"})
    with LedgerStore(ledger_url) as store:
        store.record_run(small_run(many_claims_article()))
        store.record_run(dataclasses.replace(small_run(many_claims_article()), skipped=skipped))
    runs = json.loads(ledger("list", "--ledger", ledger_url, "--format", "json").stdout)
    assert [r["skipped"] for r in runs] == [list(skipped), None]
    table = ledger("list", "--ledger", ledger_url).stdout
    assert "skipped" in table and re.search(r"│\s+1\s+│\s+2\s+│\s+200\s+│", table)  # articles, skipped, claims
