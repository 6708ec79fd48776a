"""great-expectations, in one place: run a suite (a source's expectations/<source>.json, or claim_checks.json on a
run's results table) on a DataFrame and say, in words, what broke; and the custom expectations both need.

great_expectations takes ~3 s to import, so it is imported inside functions, once per process, on first use.
"""

from __future__ import annotations

import logging

import json
import math
import numbers
import re
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import pandas

_EXAMPLES = 3  # example rows quoted per failed expectation
_RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": _EXAMPLES}
_MISSING_COLUMN = re.compile(r'The column "(?P<column>[^"]+)" in BatchData does not exist')


class SuiteError(ValueError):
    """An expectation suite file is missing or is not a suite GX can run; the message names the file."""


@dataclass(frozen=True)
class Validation:
    """What a suite said about one table: errors reject it, warnings are recorded and shown."""

    success: bool
    failures: tuple[str, ...]
    warnings: tuple[str, ...]
    evaluated: int
    # GX's own ExpectationSuiteValidationResult (failed expectations with example rows), for Data Docs
    result: Any = field(default=None, compare=False, repr=False)

    def as_dict(self) -> dict:
        """The outcome as plain JSON types, for a snapshot's passport and the ledger."""
        return {
            "success": self.success,
            "failures": list(self.failures),
            "warnings": list(self.warnings),
            "evaluated": self.evaluated,
        }


@dataclass(frozen=True)
class _Suite:
    expectations: Any  # great_expectations.ExpectationSuite
    row_label: str | None  # the column that names a row in messages (a date, a poll id)
    size: int


# One ephemeral GX context per process: building it and its data source costs more than a validation.
_lock = threading.Lock()
_batch_definition: Any = None
_suites: dict[Path, tuple[tuple[int, int], _Suite]] = {}


def validate_frame(frame: pandas.DataFrame, suite_path: Path) -> Validation:
    """Check a loaded table against its suite, so a snapshot that breaks a rule is quarantined with the reason."""
    if not frame.index.is_unique:
        frame = frame.reset_index(drop=True)  # messages look rows up by the index GX reports
    # The pandas data source keeps the active batch on one shared execution engine: one validation at a time.
    with _lock:
        suite = _load_suite(Path(suite_path))
        batch = _frames_batch_definition().get_batch(batch_parameters={"dataframe": frame})
        # BOOLEAN_ONLY costs half of SUMMARY; only the expectations that failed are rerun for example rows.
        outcome = batch.validate(suite.expectations, result_format="BOOLEAN_ONLY")
        results = outcome.results
        raised, failed = [], []
        for result in results:
            if _exception_message(result.exception_info) is not None:
                raised.append(result)
            elif not result.success:
                failed.append(result)
        if failed:
            rerun = _expectation_suite(f"{suite.expectations.name} (failed)", [r.expectation_config for r in failed])
            rerun_results = batch.validate(rerun, result_format=_RESULT_FORMAT).results
            detailed = {id(first): again for first, again in zip(failed, rerun_results)}
            failed = rerun_results
            # Data Docs show the example rows of a failed expectation, not only its boolean
            outcome.results = [detailed.get(id(result), result) for result in results]
    return replace(_outcome(raised + failed, suite, frame, evaluated=len(results)), result=outcome)


def _outcome(results: list, suite: _Suite, frame: pandas.DataFrame, evaluated: int) -> Validation:
    """Sort failed and raised expectations into failures and warnings by severity; count what GX ran."""
    failures: list[str] = []
    warnings: list[str] = []
    for result in results:
        if _exception_message(result.exception_info) is None and result.success:
            continue
        line = _describe(result, frame, suite.row_label)
        severity = result.expectation_config.severity.value  # GX's default, when a suite names none, is critical
        if severity == "critical":
            failures.append(line)
        else:
            warnings.append(line if severity == "warning" else f"({severity}) {line}")
    if evaluated != suite.size:
        failures.append(f"GX ran {evaluated} of the suite's {suite.size} expectations")
    return Validation(success=not failures, failures=tuple(failures), warnings=tuple(warnings), evaluated=evaluated)


def _load_suite(path: Path) -> _Suite:
    """The suite in path, read again only when the file's mtime or size changes."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise SuiteError(f"expectation suite not found: {path}") from exc
    key = path.resolve()
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _suites.get(key)
    if cached is None or cached[0] != stamp:
        cached = _suites[key] = (stamp, _read_suite(path))
    return cached[1]


def _read_suite(path: Path) -> _Suite:
    _frames_batch_definition()  # registers our own expectation types before the suite names them
    from great_expectations.expectations.expectation_configuration import ExpectationConfigurationSchema

    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SuiteError(f"{path}: cannot read expectation suite: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise SuiteError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("expectations"), list):
        raise SuiteError(f"{path}: not a GX expectation suite (needs an object with a list of expectations)")
    meta = document.get("meta") or {}
    expectations = []
    for number, entry in enumerate(document["expectations"], start=1):
        kind = entry.get("type") if isinstance(entry, dict) else None
        # Built one by one because ExpectationSuite(...) logs and drops an expectation it cannot build.
        try:
            expectations.append(ExpectationConfigurationSchema().load(entry).to_domain_obj())
        except Exception as exc:  # GX raises marshmallow, pydantic and its own errors here
            reason = " ".join(str(exc).split())
            raise SuiteError(f"{path}: expectation {number} ({kind or 'no type'}) is not valid: {reason}") from exc
    try:
        suite = _expectation_suite(document.get("name") or path.stem, expectations, meta)
    except (TypeError, ValueError) as exc:
        raise SuiteError(f"{path}: not a GX expectation suite: {exc}") from exc
    return _Suite(expectations=suite, row_label=meta.get("row_label"), size=len(expectations))


def _expectation_suite(name: str, expectations: list, meta: dict | None = None) -> Any:
    from great_expectations.core import ExpectationSuite

    return ExpectationSuite(name=name, expectations=expectations, meta=meta)


def _frames_batch_definition() -> Any:
    """A whole-DataFrame batch definition in an ephemeral GX context, built once per process."""
    global _batch_definition
    if _batch_definition is None:
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        # That module pins its logger to INFO and announces every ephemeral context's temporary Data Docs folder.
        logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)

        _register_expectation_types()
        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        asset = context.data_sources.add_pandas("claimledger_frames").add_dataframe_asset("frame")
        _batch_definition = asset.add_batch_definition_whole_dataframe("whole_frame")
    return _batch_definition


def _register_expectation_types() -> None:
    """Define the expectations GX lacks; defining the classes registers them with GX.

    - expect_multicolumn_sum_to_be_at_most: shares of one poll question cannot add up past the whole. GX ships only
      the equality (expect_multicolumn_sum_to_equal), which rounding and unreported shares break.
    - expect_verdict_to_match_claimed_interval: a run's invariant on its results, not a judge of them: a `pass`
      has its observed value inside the interval the claim's wording commits to and a `fail` outside it
      (column_list: observed, low, high, low_inclusive, high_inclusive, verdict).
    UnexpectedRowsExpectation, the general tool for both, runs only on SQL data sources.
    """
    from great_expectations.execution_engine import PandasExecutionEngine
    from great_expectations.expectations.core.expect_multicolumn_sum_to_equal import ExpectMulticolumnSumToEqual
    from great_expectations.expectations.expectation import MulticolumnMapExpectation
    from great_expectations.expectations.metrics.map_metric_provider import MulticolumnMapMetricProvider
    from great_expectations.expectations.metrics.map_metric_provider.multicolumn_condition_partial import (
        multicolumn_condition_partial,
    )

    class MulticolumnSumAtMost(MulticolumnMapMetricProvider):
        condition_metric_name = "multicolumn_sum.at_most"
        condition_value_keys = ("sum_total",)

        @multicolumn_condition_partial(engine=PandasExecutionEngine)
        def _pandas(cls, column_list, **kwargs):
            # An empty share counts as 0: a poll reporting only "for" and "against" still must not pass the total.
            return column_list.sum(axis=1, skipna=True) <= kwargs["sum_total"]

    class ExpectMulticolumnSumToBeAtMost(ExpectMulticolumnSumToEqual):
        map_metric = "multicolumn_sum.at_most"

    class MulticolumnVerdictMatchesClaimedInterval(MulticolumnMapMetricProvider):
        condition_metric_name = "multicolumn_values.verdict_matches_claimed_interval"

        @multicolumn_condition_partial(engine=PandasExecutionEngine)
        def _pandas(cls, column_list, **kwargs):
            return _verdict_matches_interval(*(column_list.iloc[:, i] for i in range(6)))

    class ExpectVerdictToMatchClaimedInterval(MulticolumnMapExpectation):
        map_metric = "multicolumn_values.verdict_matches_claimed_interval"
        success_keys = ("mostly",)
        args_keys = ("column_list",)
        ignore_row_if: Literal["all_values_are_missing", "any_value_is_missing", "never"] = "never"


def _within(
    observed: pandas.Series,
    low: pandas.Series,
    high: pandas.Series,
    low_inclusive: pandas.Series,
    high_inclusive: pandas.Series,
) -> pandas.Series:
    """low <(=) observed <(=) high, row by row, an empty bound being open (an empty observed value is in nothing)."""
    above_low = low.isna() | (observed > low) | ((observed == low) & low_inclusive.astype(bool))
    below_high = high.isna() | (observed < high) | ((observed == high) & high_inclusive.astype(bool))
    return observed.notna() & above_low & below_high


def _verdict_matches_interval(
    observed: pandas.Series,
    low: pandas.Series,
    high: pandas.Series,
    low_inclusive: pandas.Series,
    high_inclusive: pandas.Series,
    verdict: pandas.Series,
) -> pandas.Series:
    """A `pass` inside its interval, a `fail` outside it; any other verdict compared nothing and matches."""
    within = _within(observed, low, high, low_inclusive, high_inclusive)
    return ((verdict == "pass") & within) | ((verdict == "fail") & ~within) | ~verdict.isin(["pass", "fail"])


# ---- turning GX results into lines a person can act on ----------------------------------------------------------


def _describe(result: Any, frame: pandas.DataFrame, row_label: str | None) -> str:
    """One line for a failed or raised expectation: which rule, which column, how many rows, which ones."""
    config = result.expectation_config
    kind, kwargs = config.type, config.kwargs
    raised = _exception_message(result.exception_info)
    if raised is not None:
        return f"{_subject(kwargs)}: {kind} could not run: {raised}"
    if kind == "expect_column_to_exist":
        return f"column {kwargs['column']} missing"
    details = result.result or {}
    count = details.get("unexpected_count")
    # a suite may say in words what a rule means ("days of the previous good snapshot missing")
    what = config.description or f"{_subject(kwargs)} {_trouble(kind, kwargs)}"
    if count is None:
        observed = _show(details.get("observed_value"))
        if config.description:
            return f"{config.description}: {observed} observed ({kind})"
        return f"{_subject(kwargs)}: {kind} failed: {observed} observed"
    rows_shown = details.get("partial_unexpected_index_list") or []
    detail = (config.meta or {}).get("detail")  # a column that says what is wrong with a row better than its value
    examples = [_example(kind, kwargs, frame, row, row_label, detail) for row in rows_shown]
    more = ", ..." if count > len(examples) else ""
    noun = "row" if count == 1 else "rows"
    return f"{what} on {count:,} {noun}: {'; '.join(examples)}{more} ({kind})"


def _subject(kwargs: dict) -> str:
    if "column_list" in kwargs:
        return " + ".join(kwargs["column_list"])
    if "column_B" in kwargs:
        return str(kwargs["column_B"])
    return str(kwargs.get("column", "table"))


def _trouble(kind: str, kwargs: dict) -> str:
    if kind == "expect_column_values_to_be_increasing":
        return "did not increase" if kwargs.get("strictly") else "decreased"
    if kind == "expect_column_values_to_not_be_null":
        return "empty"
    if kind in ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"):
        return "repeated"
    if kind == "expect_column_values_to_be_between":
        low, high = kwargs.get("min_value"), kwargs.get("max_value")
        if high is None:
            return f"below {_show(low)}"
        return f"above {_show(high)}" if low is None else f"outside {_show(low)}..{_show(high)}"
    if kind == "expect_column_pair_values_a_to_be_greater_than_b":
        return f"{'above' if kwargs.get('or_equal') else 'not below'} {kwargs['column_A']}"
    if kind == "expect_multicolumn_sum_to_be_at_most":
        return f"above {_show(kwargs['sum_total'])}"
    if kind == "expect_verdict_to_match_claimed_interval":
        return "verdict does not match the claimed interval"
    return f"failed {kind}"


def _example(
    kind: str, kwargs: dict, frame: pandas.DataFrame, row: Any, row_label: str | None, detail: str | None = None
) -> str:
    """One offending row as data: the value(s), where it is, and for a running total the value before it."""
    where = _where(frame, row, row_label, kwargs.get("column"))
    if detail and detail in frame.columns:
        return f"{frame.at[row, detail]} {where}"
    if kind == "expect_multicolumn_sum_to_be_at_most":
        total = frame.loc[row, list(kwargs["column_list"])].sum(skipna=True)
        return f"{_show(total)} {where}"
    if kind == "expect_verdict_to_match_claimed_interval":
        observed, low, high, _, _, verdict = (frame.at[row, c] for c in kwargs["column_list"])
        return f"{verdict} with {_show(observed)} against {_show(low)}..{_show(high)} {where}"
    if "column_B" in kwargs:
        pair = (frame.at[row, kwargs["column_B"]], frame.at[row, kwargs["column_A"]])
        return f"{_show(pair[0])} > {_show(pair[1])} {where}"
    if "column_list" in kwargs:  # a rule on several columns (compound uniqueness): the row's values of them all
        return f"{' / '.join(str(frame.at[row, c]) for c in kwargs['column_list'])} {where}"  # key values, as written
    column = kwargs["column"]
    if kind == "expect_column_values_to_not_be_null":
        return where
    value = f"{_show(frame.at[row, column])} {where}"
    if kind == "expect_column_values_to_be_increasing":
        earlier = frame[column].iloc[: frame.index.get_loc(row)].dropna()
        if not earlier.empty:
            value += f" after {_show(earlier.iloc[-1])}"
    return value


def _where(frame: pandas.DataFrame, row: Any, row_label: str | None, column: str | None) -> str:
    """'on 2025-05-18' or 'for poll_id c12-2024-11', from the suite's row_label; the row number otherwise."""
    if row_label and row_label != column and row_label in frame.columns:
        label = frame.at[row, row_label]
        if isinstance(label, pandas.Timestamp):
            return f"on {_show(label)}"
        if not pandas.isna(label):
            return f"for {row_label} {_show(label)}"
    return f"in row {_show(row)}"


def _show(value: Any) -> str:
    """53100 -> '53,100', 12.50 -> '12.5', a midnight timestamp -> '2025-05-18'."""
    if value is None or (not isinstance(value, (list, tuple, dict)) and pandas.isna(value)):
        return "empty"
    if isinstance(value, pandas.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return f"{int(value):,}"
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return f"{math.trunc(value):,}" if float(value).is_integer() else f"{float(value):,.6g}"
    return str(value)


def _exception_message(info: Any) -> str | None:
    """The message of an expectation that raised; GX nests it per metric when a metric failed to compute."""
    if not isinstance(info, dict) or not info:
        return None
    entries = [info] if "raised_exception" in info else [entry for entry in info.values() if isinstance(entry, dict)]
    messages: list[str] = []
    for entry in entries:
        if not entry.get("raised_exception"):
            continue
        message = str(entry.get("exception_message") or "raised an exception without a message")
        missing = _MISSING_COLUMN.search(message)
        message = f"column {missing['column']} missing" if missing else message.splitlines()[0]
        if message not in messages:
            messages.append(message)
    return "; ".join(messages) or None
