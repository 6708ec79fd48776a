"""The West Bank series, the named list of journalists killed and the World Bank population table: fetched over real
HTTP from a local server (never the internet), validated by their suites, a broken copy quarantined, and the real
tables deciding claims."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from claimledger.checks.engine import check_claim
from claimledger.checks.model import Reference
from claimledger.claims.extract import extract_claims
from claimledger.claims.model import Article
from claimledger.claims.vocabulary import load_vocabulary
from claimledger.settings import Settings
from claimledger.sources.loaders import load_frame
from claimledger.sources.reference import ReferenceTable, SourceUnavailable, prepare_sources
from claimledger.sources.registry import load_registry
from claimledger.sources.snapshots import SnapshotStore

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "reference"
REGISTRY = load_registry(REPO / "data" / "sources.toml")
COPIES = {
    "west_bank_daily": SHARED / "techforpalestine" / "west_bank_daily.json",
    "press_killed_gaza": SHARED / "techforpalestine" / "press_killed_in_gaza.json",
    "worldbank_population": SHARED / "worldbank" / "population.csv",
}


def _json_rows(name: str) -> list[dict]:
    return json.loads(COPIES[name].read_bytes())


def _west_bank_killed_drop() -> bytes:
    rows = _json_rows("west_bank_daily")
    rows[-1]["killed_cum"] = rows[-2]["killed_cum"] - 100
    return json.dumps(rows).encode()


def _press_name_twice() -> bytes:
    rows = _json_rows("press_killed_gaza")
    return json.dumps(rows + [rows[0]]).encode()


def _population_negative() -> bytes:
    lines = COPIES["worldbank_population"].read_text(encoding="utf-8").splitlines()
    return "\n".join(lines + ["Israel,ISR,2025,-9974400"]).encode()


def _population_year_twice() -> bytes:
    lines = COPIES["worldbank_population"].read_text(encoding="utf-8").splitlines()
    return "\n".join(lines + ["Israel,ISR,2024,10000000"]).encode()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    shutil.copytree(REPO / "expectations", tmp_path / "expectations")
    return Settings(home=tmp_path, connect_timeout=2.0, read_timeout=5.0, retries=1, backoff_seconds=0.01)


def _prepare(httpserver, settings: Settings, name: str, body: bytes):
    path = f"/{name}"
    httpserver.expect_request(path).respond_with_data(body)
    source = replace(REGISTRY[name], url=httpserver.url_for(path), mirrors=(), allowed_hosts=())
    return prepare_sources([name], {name: source}, {}, settings)[name]


@pytest.mark.parametrize(
    "name, rows, columns",
    [
        ("west_bank_daily", 1051, {"killed_cum", "injured_cum", "killed_children_cum", "verified_killed_cum"}),
        ("press_killed_gaza", 262, {"name", "name_en", "notes"}),
        ("worldbank_population", 17195, {"Country Name", "Country Code", "Year", "Value"}),
    ],
)
def test_the_shared_copy_is_fetched_over_http_and_passes_its_suite(httpserver, settings, name, rows, columns):
    table = _prepare(httpserver, settings, name, COPIES[name].read_bytes())
    assert isinstance(table, ReferenceTable), table
    assert len(table.frame) == rows and columns <= set(table.frame.columns)
    assert table.snapshot.validation["success"] is True
    assert SnapshotStore(settings.snapshots_dir).latest_good(name) == table.snapshot


@pytest.mark.parametrize(
    "name, body, failure",
    [
        ("west_bank_daily", _west_bank_killed_drop(), "killed_cum decreased on 1 row"),
        ("west_bank_daily", b'[{"report_date": "2025-05-16", "killed_cum": 1}]', "injured_cum"),
        ("press_killed_gaza", _press_name_twice(), "name"),
        ("press_killed_gaza", b"[]", "column name missing"),
        ("worldbank_population", _population_negative(), "Value"),
        (
            "worldbank_population",
            _population_year_twice(),
            "Country Code + Year repeated on 2 rows: ISR / 2024 for Country Name Israel",
        ),
    ],
    ids=["killed-drops", "columns-missing", "name-twice", "empty-list", "negative-population", "year-twice"],
)
def test_a_broken_copy_is_quarantined_with_the_reason(httpserver, settings, name, body, failure):
    result = _prepare(httpserver, settings, name, body)
    assert isinstance(result, SourceUnavailable), result
    assert "new download failed its suite" in result.reason and failure in result.reason, result.reason
    quarantined = SnapshotStore(settings.snapshots_dir).get(name, hashlib.sha256(body).hexdigest())
    assert quarantined.validation["success"] is False
    assert SnapshotStore(settings.snapshots_dir).latest_good(name) is None


def _reference(name: str) -> Reference:
    source = REGISTRY[name]
    return Reference(
        name,
        source.title,
        load_frame(source, COPIES[name].read_bytes()),
        "d" * 64,
        source.date_column,
        source.publication_lag_days,
        source.citation_column,
    )


REFERENCES = {name: _reference(name) for name in ("west_bank_daily", "worldbank_population")}


@pytest.mark.parametrize(
    "text, published, metric, expected, observed",
    [
        # the real West Bank series: 241 on 30 Nov and 1 Dec 2023, 243 on 2 Dec
        (
            "At least 242 Palestinians have been killed in the West Bank since October 7.",
            date(2023, 12, 2),
            "west_bank_killed",
            "pass",
            243,
        ),
        # UN OCHA's series confirms, never refutes: the ministry's count reporters quote differs from it by design
        (
            "More than 300 Palestinians have been killed in the West Bank.",
            date(2023, 12, 2),
            "west_bank_killed",
            "unverifiable",
            243,
        ),
        (
            "Some 3,300 Palestinians have been wounded in the West Bank.",
            date(2023, 12, 2),
            "west_bank_injured",
            "pass",
            3327,
        ),
        (
            "At least 65 children have been killed in the West Bank.",
            date(2023, 12, 2),
            "west_bank_children_killed",
            "pass",
            65,
        ),
        # the real World Bank table: Israel 9,849,000 in 2023 (public from July 2024)
        ("Israel has a population of about 9.8 million.", date(2024, 9, 1), "population", "pass", 9849000),
        ("Israel has a population of 12 million.", date(2024, 9, 1), "population", "fail", 9849000),
    ],
)
def test_the_real_tables_decide_claims(text, published, metric, expected, observed):
    article_id = hashlib.sha256(text.encode()).hexdigest()[:12]
    (claim,) = extract_claims(Article(id=article_id, text=text, published=published))
    assert claim.metric == metric
    result = check_claim(claim, REFERENCES, load_vocabulary())
    assert (result.verdict, result.observed) == (expected, observed), result.explanation


def test_a_population_of_gaza_alone_has_no_row_in_the_real_table():
    (claim,) = extract_claims(
        Article(id="gaza-pop", text="Gaza has a population of 2.3 million.", published=date(2024, 9, 1))
    )
    result = check_claim(claim, REFERENCES, load_vocabulary())
    assert result.verdict == "unverifiable"
    assert "no row for Gaza" in result.explanation
