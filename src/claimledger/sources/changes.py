"""A new download measured against the previous good snapshot: rows it lost, past values it revised, totals that jump.

A plausible bad download (a running total times ten, the whole history scaled down, the latest months cut off) passes
every rule about the table itself; only the comparison with what was already accepted shows it. The comparison is a
frame with one row per key of either snapshot, and the source's changes suite (the registry's `changes.suite`,
expectations/<suite>.json) decides on it with GX, so thresholds and severities are data like every other rule.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from claimledger.sources.diff import keyed_rows, row_key, same_value, show_value
from claimledger.sources.registry import Source
from claimledger.gx import Validation, validate_frame

# The comparison frame's columns, besides the row label (named like the key: report_date, poll_id):
# kept             True for each row of the new snapshot; empty for a row of the previous one that the new one lacks
# revised          rows in both: 1 when a value the previous snapshot had is changed or emptied, else 0
# revision         rows in both: the largest relative change of a number the previous snapshot had,
#                  |new - old| / max(|old|, 1); an emptied number counts 1
# revision_detail  that change in words: "killed_cum 73,419 -> 734,190"
# jump             rows whose running totals (the registry's `changes.cumulative`) are new or changed: the largest
#                  ratio of such a total to the one on the row before it, in the new snapshot's order
# jump_detail      that jump in words: "killed_cum 734,190 after 73,419"


def check_changes(previous: pandas.DataFrame, current: pandas.DataFrame, source: Source, suite: Path) -> Validation:
    """Run the source's changes suite on the comparison of a new download with the previous good snapshot."""
    return validate_frame(comparison_frame(previous, current, source), suite)


def comparison_frame(previous: pandas.DataFrame, current: pandas.DataFrame, source: Source) -> pandas.DataFrame:
    """One row per key of either snapshot (the new snapshot's rows in its order, then the rows it lost)."""
    key = row_key(source, previous, current)
    derived = {column for column, _ in source.derived}
    before, after = keyed_rows(previous, key, derived), keyed_rows(current, key, derived)
    lost = before.index.difference(after.index, sort=False)
    labels = after.index.append(lost)
    common = after.index.intersection(before.index, sort=False)
    columns = [c for c in before.columns if c in after.columns]
    old, new = before.loc[common, columns], after.loc[common, columns]
    numbers = [c for c in columns if _numeric(old[c]) and _numeric(new[c])]

    revision, revision_detail = _revisions(old[numbers].astype(float), new[numbers].astype(float))
    others = [c for c in columns if c not in numbers]
    changed_other = pandas.DataFrame(
        {c: [not same_value(a, b) and not _empty(a) for a, b in zip(old[c], new[c])] for c in others},
        index=common,
        dtype=bool,
    )
    revised = (revision > 0) | changed_other.any(axis=1)
    jump, jump_detail = _jumps(after, before, [c for c in source.changes_cumulative if c in after.columns])

    frame = pandas.DataFrame(index=labels)
    frame["kept"] = pandas.Series(True, index=after.index, dtype=object).reindex(labels)
    frame["revised"] = revised.astype(float).reindex(labels)
    frame["revision"] = revision.reindex(labels)
    frame["revision_detail"] = revision_detail.reindex(labels)
    frame["jump"] = jump.reindex(labels)
    frame["jump_detail"] = jump_detail.reindex(labels)
    label = " / ".join(key)
    frame.insert(0, label, _labels(labels, key, current).to_numpy())
    return frame.reset_index(drop=True)


def _revisions(old: pandas.DataFrame, new: pandas.DataFrame) -> tuple[pandas.Series, pandas.Series]:
    """Per row: the largest relative revision of a number the previous snapshot had, and that revision in words."""
    relative = ((new - old).abs() / old.abs().clip(lower=1)).where(new.notna(), 1.0).where(old.notna())
    largest = relative.max(axis=1, skipna=True)
    detail = pandas.Series("", index=old.index, dtype=object)
    for row in largest.index[largest.fillna(0) > 0]:
        column = relative.loc[row].idxmax()
        detail[row] = f"{column} {show_value(_plain(old.at[row, column]))} -> {show_value(_plain(new.at[row, column]))}"
    return largest, detail


def _jumps(
    after: pandas.DataFrame, before: pandas.DataFrame, cumulative: list[str]
) -> tuple[pandas.Series, pandas.Series]:
    """Per row: the largest day-over-day ratio of a running total whose value is new in this snapshot (a row or a
    value the previous snapshot did not have, or had otherwise), and that jump in words."""
    ratios = pandas.DataFrame(index=after.index)
    earlier = pandas.DataFrame(index=after.index)
    for column in cumulative:
        values = pandas.to_numeric(after[column], errors="coerce").astype(float)
        prior = values.ffill().shift(1)
        ratio = values / prior.where(prior > 0)
        if column in before.columns:
            held = before[column].reindex(after.index)
            unchanged = pandas.Series([same_value(a, b) for a, b in zip(held, after[column])], index=after.index)
            ratio = ratio.where(~unchanged)
        ratios[column], earlier[column] = ratio, prior
    largest = ratios.max(axis=1, skipna=True) if cumulative else pandas.Series(math.nan, index=after.index)
    detail = pandas.Series("", index=after.index, dtype=object)
    for row in largest.index[largest.notna()]:
        column = ratios.loc[row].idxmax()
        detail[row] = (
            f"{column} {show_value(_plain(after.at[row, column]))} after {show_value(_plain(earlier.at[row, column]))}"
        )
    return largest, detail


def _labels(labels: pandas.Index, key: tuple[str, ...], current: pandas.DataFrame) -> pandas.Series:
    """Row labels as dates when the key is one date column, so messages say 'on 2026-08-22'."""
    if len(key) == 1 and pandas.api.types.is_datetime64_any_dtype(current[key[0]]):
        return pandas.Series(pandas.to_datetime(labels.str.replace(r" #\d+$", "", regex=True), errors="coerce"))
    return pandas.Series(labels.astype(str))


def _numeric(values: pandas.Series) -> bool:
    return is_numeric_dtype(values) and not is_bool_dtype(values)


def _empty(value) -> bool:
    return same_value(value, None)


def _plain(value: float):
    return int(value) if isinstance(value, float) and value.is_integer() else value
