"""expect_observed_within_claimed_interval: the custom GX expectation that decides claim checks.

UnexpectedRowsExpectation runs only on SQL data sources, so on pandas this is a MulticolumnMapExpectation with its own
row condition. Importing this module (which imports great_expectations, ~3 s) registers it with GX.
"""

from __future__ import annotations

from typing import Literal

from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import MulticolumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import MulticolumnMapMetricProvider
from great_expectations.expectations.metrics.map_metric_provider.multicolumn_condition_partial import (
    multicolumn_condition_partial,
)


class MulticolumnValuesWithinClaimedInterval(MulticolumnMapMetricProvider):
    """Row condition: low <(=) observed <(=) high, an empty bound being open."""

    condition_metric_name = "multicolumn_values.within_claimed_interval"

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list, **kwargs):
        observed, low, high, low_inclusive, high_inclusive = (column_list.iloc[:, i] for i in range(5))
        above_low = low.isna() | (observed > low) | ((observed == low) & low_inclusive.astype(bool))
        below_high = high.isna() | (observed < high) | ((observed == high) & high_inclusive.astype(bool))
        return above_low & below_high


class ExpectObservedWithinClaimedInterval(MulticolumnMapExpectation):
    """Each check's observed reference value lies in the interval its claim's wording commits to.

    column_list: [observed, low, high, low_inclusive, high_inclusive], in that order.
    """

    map_metric = "multicolumn_values.within_claimed_interval"
    success_keys = ("mostly",)
    args_keys = ("column_list",)
    ignore_row_if: Literal["all_values_are_missing", "any_value_is_missing", "never"] = "never"
