"""The suites in expectations/ accept every real dataset and reject each kind of broken one, saying where."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

from claimledger.gx import SuiteError, validate_frame

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SUITES = ROOT / "expectations"
TECHFORPALESTINE = SHARED / "reference" / "techforpalestine"
CASUALTY_SUITE = SUITES / "gaza_casualties_daily.json"
CASUALTY_VERSIONS = [
    TECHFORPALESTINE / "casualties_daily.json",
    *sorted((TECHFORPALESTINE / "history").glob("casualties_daily.*.json")),
]
# curated table -> its date column (the loader parses it)
CURATED = {
    "israel_emigration_cbs": "published_by",
    "israel_polls_hostage_deal": "published",
    "israel_polls_emigration_intent": "published",
    "diplomatic_actions": "date",
    "palestine_recognitions": "date",
    "timeline_events": "date",
}
PRESS_CORRECTION = "ext_press_killed_cum decreased on 1 row: 97 on 2023-12-24 after 100"


def casualty_frame(raw: pd.DataFrame) -> pd.DataFrame:
    """What the loader hands the suite: report_date parsed, women + children derived."""
    frame = raw.copy()
    frame["report_date"] = pd.to_datetime(frame["report_date"], format="ISO8601")
    frame["ext_killed_women_children_cum"] = frame["ext_killed_children_cum"] + frame["ext_killed_women_cum"]
    return frame


def curated_frame(name: str) -> pd.DataFrame:
    frame = pd.read_csv(ROOT / "data" / "reference" / f"{name}.csv")
    frame[CURATED[name]] = pd.to_datetime(frame[CURATED[name]], format="ISO8601")
    return frame


@pytest.fixture(scope="session")
def raw_casualties() -> pd.DataFrame:
    with open(CASUALTY_VERSIONS[0], encoding="utf-8") as handle:
        return pd.DataFrame(json.load(handle))


def test_all_casualty_versions_are_here():
    assert len(CASUALTY_VERSIONS) == 4


@pytest.mark.parametrize("path", CASUALTY_VERSIONS, ids=lambda path: path.name)
def test_real_casualty_series_passes_with_the_press_correction_as_its_only_warning(path: Path):
    with open(path, encoding="utf-8") as handle:
        validation = validate_frame(casualty_frame(pd.DataFrame(json.load(handle))), CASUALTY_SUITE)
    assert validation.success, validation.failures
    assert validation.failures == ()
    assert len(validation.warnings) == 1 and validation.warnings[0].startswith(PRESS_CORRECTION)
    assert validation.evaluated == len(json.loads(CASUALTY_SUITE.read_text())["expectations"])


@pytest.mark.parametrize("name", sorted(CURATED))
def test_curated_table_passes(name: str):
    validation = validate_frame(curated_frame(name), SUITES / f"{name}.json")
    assert validation.success, validation.failures
    assert (validation.failures, validation.warnings) == ((), ())
    assert validation.evaluated > 0


def _rename_killed_cum(raw: pd.DataFrame) -> pd.DataFrame:
    return raw.rename(columns={"killed_cum": "killed_total"})


def _negative_injured(raw: pd.DataFrame) -> pd.DataFrame:
    raw.loc[raw["report_date"] == "2024-03-01", "injured_cum"] = -1
    return raw


def _killed_drops(raw: pd.DataFrame) -> pd.DataFrame:
    row = raw.index[raw["report_date"] == "2024-06-01"][0]
    raw.loc[row, "ext_killed_cum"] = raw.loc[row - 1, "ext_killed_cum"] - 239
    return raw


def _children_and_women_above_killed(raw: pd.DataFrame) -> pd.DataFrame:
    row = raw["report_date"] == "2024-02-10"
    raw.loc[row, "ext_killed_children_cum"] = raw.loc[row, "ext_killed_cum"]
    return raw


def _repeated_date(raw: pd.DataFrame) -> pd.DataFrame:
    raw.loc[raw["report_date"] == "2024-01-16", "report_date"] = "2024-01-15"
    return raw


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (_rename_killed_cum, ["column killed_cum missing"]),
        (_negative_injured, ["injured_cum below 0 on 1 row: -1 on 2024-03-01"]),
        (_killed_drops, ["ext_killed_cum decreased on 1 row:", "on 2024-06-01 after"]),
        (_children_and_women_above_killed, ["ext_killed_women_children_cum above ext_killed_cum", "on 2024-02-10"]),
        (_repeated_date, ["report_date repeated on 2 rows: 2024-01-15"]),
    ],
    ids=["schema drift", "negative count", "running total drops", "subsets above total", "repeated date"],
)
def test_broken_casualty_series_is_rejected_with_a_line_naming_the_column(raw_casualties, breakage, expected):
    validation = validate_frame(casualty_frame(breakage(raw_casualties.copy())), CASUALTY_SUITE)
    assert not validation.success
    assert any(all(part in line for part in expected) for line in validation.failures), validation.failures
    assert json.loads(json.dumps(validation.as_dict()))["failures"] == list(validation.failures)


def test_an_expectation_that_cannot_run_fails_instead_of_passing(raw_casualties):
    validation = validate_frame(casualty_frame(_rename_killed_cum(raw_casualties.copy())), CASUALTY_SUITE)
    assert "killed_cum: expect_column_values_to_be_increasing could not run: column killed_cum missing" in (
        validation.failures
    )


def test_a_missing_warning_column_is_a_warning_not_a_rejection(raw_casualties):
    validation = validate_frame(casualty_frame(raw_casualties.drop(columns="ext_med_killed_cum")), CASUALTY_SUITE)
    assert validation.success
    assert any("ext_med_killed_cum" in line and "missing" in line for line in validation.warnings)


def test_poll_shares_above_100_are_rejected():
    frame = curated_frame("israel_polls_hostage_deal")
    frame.loc[frame["poll_id"] == "idi-2025-01", "oppose_pct"] = 50  # 57.5 for, 50 against, undecided not reported
    validation = validate_frame(frame, SUITES / "israel_polls_hostage_deal.json")
    assert not validation.success
    assert validation.failures == (
        "support_pct + oppose_pct + undecided_pct above 100 on 1 row: 107.5 for poll_id idi-2025-01"
        " (expect_multicolumn_sum_to_be_at_most)",
    )


def _suite_text(expectation: dict) -> str:
    return json.dumps({"name": "malformed", "expectations": [expectation]})


@pytest.mark.parametrize(
    "content",
    [
        None,
        '{"name": "broken", "expectations": [',
        '["not", "a", "suite"]',
        _suite_text({"type": "expect_column_values_to_be_increasingg", "kwargs": {"column": "a"}}),
        _suite_text({"type": "expect_column_to_exist", "kwargs": {"column": "a"}, "severity": "fatal"}),
        _suite_text({"type": "expect_column_values_to_be_between", "kwargs": {"colum": "a", "min_value": 0}}),
    ],
    ids=["missing file", "truncated JSON", "not an object", "unknown type", "unknown severity", "misspelt kwarg"],
)
def test_malformed_suite_raises_suite_error_naming_the_file(tmp_path: Path, content: str | None):
    suite = tmp_path / "malformed.json"
    if content is not None:
        suite.write_text(content, encoding="utf-8")
    with pytest.raises(SuiteError, match="malformed.json"):
        validate_frame(pd.DataFrame({"a": [1]}), suite)


def test_an_edited_suite_is_read_again(tmp_path: Path):
    suite = tmp_path / "edited.json"
    expectation = {"type": "expect_column_to_exist", "kwargs": {"column": "a"}, "severity": "critical"}
    suite.write_text(json.dumps({"name": "edited", "expectations": [expectation]}), encoding="utf-8")
    assert validate_frame(pd.DataFrame({"a": [1]}), suite).evaluated == 1
    suite.write_text(json.dumps({"name": "edited", "expectations": [expectation] * 2}), encoding="utf-8")
    os.utime(suite, ns=(suite.stat().st_atime_ns, suite.stat().st_mtime_ns + 1_000_000))
    assert validate_frame(pd.DataFrame({"a": [1]}), suite).evaluated == 2


def test_validation_survives_another_gx_context_becoming_current():
    import great_expectations as gx

    validate_frame(curated_frame("palestine_recognitions"), SUITES / "palestine_recognitions.json")
    gx.get_context(mode="ephemeral")  # e.g. a Data Docs writer elsewhere in the process
    assert validate_frame(curated_frame("palestine_recognitions"), SUITES / "palestine_recognitions.json").success
