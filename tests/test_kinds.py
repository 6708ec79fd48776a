"""A check kind is one object: a new kind is one class and a metric entry, and runs through the engine, the ledger and
the dashboard's chart with no other edit; every interval names the rule that made it; no curated table's column name
is spelled in the checks' Python."""

from __future__ import annotations

import ast
import csv
import tomllib
from collections.abc import Mapping
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from conftest import REPO

from claimledger.checks.engine import check_claim, check_claims
from claimledger.checks.kind import (
    KINDS,
    CheckKind,
    Observation,
    Params,
    Plot,
    Table,
    check_kind,
    claimed,
    fmt,
    judged,
    published,
    unverifiable,
)
from claimledger.checks.model import CheckResult, Reference
from claimledger.checks.rows import Record, citation, evidence, record_date
from claimledger.claims.extract import extract_claims
from claimledger.claims.model import Article, Claim
from claimledger.claims.qualifiers import interval_for
from claimledger.claims.vocabulary import load_vocabulary, parse_vocabulary
from claimledger.dashboard.charts import claim_chart
from claimledger.ledger.reader import LedgerReader
from claimledger.ledger.store import LedgerStore, RunRecord, SourceUse
from claimledger.settings import Settings


class LatestReading(CheckKind):
    """A toy kind, defined here and nowhere in the package: the latest reading published by the article's date."""

    name = "latest_reading"
    requires = ("reading_column",)
    chart_rows = "evidence"

    def check(self, claim: Claim, params: Params, ref: Reference, as_of: date) -> CheckResult:
        column = params["reading_column"]
        readings = [r for r in published(ref, as_of) if r.get(column) is not None]
        if not readings:
            return unverifiable(claim, self.name, f"no {ref.source} reading by {as_of}", ref)
        last = readings[-1]
        when = record_date(ref, last)
        seen = Observation(
            float(last[column]),
            when,
            f"{fmt(last[column])} read on {when}",
            evidence(ref, readings, [column]),
            citation(ref, last),
        )
        return judged(claim, self.name, ref, seen, claimed(claim))

    def plot(self, params: Params, claim: Mapping[str, Any], records: list[Record], table: Table) -> Plot:
        column = params["reading_column"]
        return Plot(
            "dots",
            tuple((r[table.date_column], float(r[column])) for r in records),
            params["label"],
            f"Each dot is a reading from {table.title}.",
        )


TOY_VOCABULARY = """
[checks.latest_reading]
reading_column = "reading"

[metrics.gauge_level]
label = "the gauge's level"
units = ["count"]
measure = "level"
check = "latest_reading"
source = "toy_gauge"
"""
TOY_REGISTRY = """
[sources.toy_gauge]
title = "A toy gauge"
url = "file:data/gauge.csv"
format = "csv"
loader = "csv"
suite = "toy_gauge"
date_column = "read_on"
"""


@pytest.fixture
def toy_kind():
    check_kind(LatestReading)
    yield KINDS["latest_reading"]
    del KINDS["latest_reading"]


def _claim(quote: str, value: float, qualifier: str, form: str = "digits") -> Claim:
    interval = interval_for(value, qualifier, "count", form, 1.0)
    return Claim(
        id=f"c-{quote}",
        article_id="gauge",
        start=0,
        end=len(quote),
        quote=quote,
        sentence=f"The gauge stood at {quote}.",
        value=value,
        unit="count",
        qualifier=qualifier,
        low=interval.low,
        high=interval.high,
        low_inclusive=interval.low_inclusive,
        high_inclusive=interval.high_inclusive,
        form=form,
        metric="gauge_level",
        as_of=date(2025, 3, 10),
    )


def test_a_new_kind_is_one_class_and_a_metric_entry(toy_kind, tmp_path):
    vocabulary = parse_vocabulary(tomllib.loads(TOY_VOCABULARY), "toy")
    frame = pd.DataFrame(
        {"read_on": pd.to_datetime(["2025-03-01", "2025-03-08", "2025-03-20"]), "reading": [40.0, 51.0, 90.0]}
    )
    references = {"toy_gauge": Reference("toy_gauge", "A toy gauge", frame, "b" * 64, "read_on")}
    claims = [_claim("more than 50", 50, "more_than"), _claim("more than 60", 60, "more_than")]

    passed, failed = check_claims(claims, references, vocabulary)

    assert (passed.verdict, passed.observed, passed.reference_date) == ("pass", 51.0, date(2025, 3, 8))
    assert failed.verdict == "fail"  # the reading of 2025-03-20 is after the article's date
    assert passed.explanation == (
        "51 read on 2025-03-08 (toy_gauge); 'more than 50' needs > 50 (more than: above, not equal): holds"
    )
    assert passed.parameters["reading_column"] == "reading"  # the kind's default, recorded with the result
    assert [row["reading"] for row in passed.evidence] == [40.0, 51.0]

    home = tmp_path / "home"
    (home / "data").mkdir(parents=True)
    (home / "data" / "sources.toml").write_text(TOY_REGISTRY)
    now = datetime.now(timezone.utc)
    article = Article(id="gauge", published=date(2025, 3, 10), text="The gauge stood at more than 50.")
    ledger_url = f"sqlite:///{tmp_path / 'ledger.db'}"
    with LedgerStore(ledger_url) as store:
        store.record_run(
            RunRecord(
                "r1",
                now,
                now,
                {},
                None,
                [article],
                claims,
                [passed, failed],
                [
                    SourceUse(
                        "toy_gauge", "used", {"sha256": "b" * 64, "url": "file:x", "retrieved_at": "now", "bytes": 1}
                    )
                ],
            )
        )
    reader = LedgerReader(ledger_url)
    recorded = {row.claim_id: row for row in reader.results_of_run("r1")}

    chart = claim_chart(reader.claim(claims[0].id), recorded[claims[0].id], date(2025, 3, 10), Settings(home=home))
    assert chart.svg is not None and "<svg" in chart.svg
    assert chart.caption.startswith("Each dot is a reading from A toy gauge.")


def test_a_metric_missing_a_parameter_its_kind_reads_says_which(toy_kind):
    vocabulary = parse_vocabulary(tomllib.loads(TOY_VOCABULARY.replace('reading_column = "reading"', "")), "toy")
    frame = pd.DataFrame({"read_on": pd.to_datetime(["2025-03-01"]), "reading": [40.0]})
    with pytest.raises(ValueError, match=r"check 'latest_reading' needs reading_column"):
        check_claims(
            [_claim("more than 50", 50, "more_than")],
            {"toy_gauge": Reference("toy_gauge", "A toy gauge", frame, "b" * 64, "read_on")},
            vocabulary,
        )


@pytest.mark.parametrize("name", sorted(load_vocabulary().metrics))
def test_every_shipped_metric_gives_its_kind_what_it_reads(name):
    rule = load_vocabulary().metrics[name]
    assert rule.check["check"] in KINDS
    assert KINDS[rule.check["check"]].missing({**rule.check, "label": rule.label}) == []


def test_every_kinds_defaults_in_metrics_toml_name_a_registered_kind():
    document = tomllib.loads((REPO / "src" / "claimledger" / "claims" / "metrics.toml").read_text())
    assert set(document["checks"]) <= set(KINDS)  # a misspelt [checks.<kind>] would give no metric its defaults


@pytest.mark.parametrize(
    "value, qualifier, unit, form, low, high, low_inclusive, rule",
    [
        (10_000, "more_than", "count", "round", 10_000, None, False, "more than: above, not equal"),
        (34, "at_least", "count", "digits", 34, None, True, "at least: equal or above"),
        (30, "fewer_than", "percent", "percent", None, 30, True, "fewer than: below, not equal"),
        (1_000, "nearly", "count", "round", 900, 1_020, True, "nearly: 90% to 102% of it"),
        (40_000, "about", "count", "round", 36_000, 44_000, True, "about: within 10%"),
        (69, "exact", "percent", "percent", 66, 72, True, "stated percent: 3 points"),
        (66.67, "exact", "percent", "fraction", 61.67, 71.67, True, "verbal fraction: 5 points"),
        (285, "exact", "percent_change", "percent", 256.5, 313.5, True, "a change: within 10% of it"),
        (14, "exact", "months", "digits", 13.5, 15, True, "whole units: completed, or rounded to the nearest"),
        (53_010, "exact", "count", "digits", 51_949.8, 54_070.2, True, "exact figure: within 2%"),
    ],
)
def test_an_interval_names_the_rule_that_made_it(value, qualifier, unit, form, low, high, low_inclusive, rule):
    interval = interval_for(value, qualifier, unit, form, 1.0)
    assert (interval.low, interval.high, interval.low_inclusive, interval.rule) == (low, high, low_inclusive, rule)


def _column_names() -> set[str]:
    """Every column of the curated tables, and every column metrics.toml names for a check."""
    names = set()
    for table in (REPO / "data" / "reference").glob("*.csv"):
        with table.open(newline="", encoding="utf-8") as f:
            names.update(next(csv.reader(f)))
    document = tomllib.loads((REPO / "src" / "claimledger" / "claims" / "metrics.toml").read_text())
    for entry in [*document["checks"].values(), *document["metrics"].values()]:
        for key, value in entry.items():
            if key.endswith(("_column", "field")) or key in ("numerator", "denominator"):
                names.update([value] if isinstance(value, str) else value)
    return names


def _string_literals(path: Path) -> set[str]:
    """The string constants of a module that are not docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    }


CHECKS = REPO / "src" / "claimledger" / "checks"
# The modules that read reference tables (the engine and the result model read none: their "count" is a unit and
# their "value" and "date" are keys of the JSON contract).
TABLE_READERS = sorted([CHECKS / "kind.py", CHECKS / "rows.py", *(CHECKS / "kinds").glob("*.py")])


@pytest.mark.parametrize("module", TABLE_READERS, ids=lambda p: str(p.relative_to(CHECKS)))
def test_no_curated_column_name_is_spelled_in_the_checks(module):
    assert _string_literals(module) & _column_names() == set()


@pytest.fixture(scope="module")
def timeline() -> dict[str, Reference]:
    frame = pd.read_csv(REPO / "data" / "reference" / "timeline_events.csv", parse_dates=["date"])
    return {"timeline_events": Reference("timeline_events", "timeline", frame, "c" * 64, "date", 0, "source_url")}


@pytest.mark.parametrize(
    "words, verdict",
    [
        ("more than 15 months", "pass"),  # 13.8 to 16.1 months: the strict low end 15 is no value the claim holds
        ("at least 15 months", "pass"),
        ("fewer than 13 months", "fail"),
        ("about 20 months", "fail"),
    ],
)
def test_a_duration_said_of_a_month_reports_a_value_its_verdict_holds(timeline, words, verdict):
    """ "In December ... after N months" holds from 1 December to the article's date: a pass reports a value inside
    the claim's window, a fail the end of the span nearest it."""
    text = f"In December, a UN official said that after {words} of war in Gaza most buildings had been damaged."
    (claim,) = [
        c for c in extract_claims(Article(id="a", text=text, title="", published=date(2025, 2, 8))) if words in c.quote
    ]
    result = check_claim(claim, timeline, load_vocabulary())
    assert result.verdict == verdict, result.explanation
    assert "to a day from 2024-12" in result.explanation
    window = claimed(claim)
    assert window.contains(result.observed) is (verdict == "pass")
