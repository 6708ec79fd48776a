"""A reference table as plain records in publication order, built once: checks look rows up by date thousands of
times per run, and pandas costs milliseconds per lookup where a bisect over a list costs microseconds."""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from claimledger.checks.model import Reference

Record = dict[str, Any]


@dataclass(frozen=True)
class Rows:
    """The table's records sorted by the day each became public (its date plus the source's publication lag)."""

    records: tuple[Record, ...]
    public_on: tuple[date, ...]  # parallel to records; empty when the table has no date column
    dated: tuple[date, ...] = ()  # parallel to records: the date each row carries, before the publication lag

    def published_by(self, as_of: date) -> tuple[Record, ...]:
        """Records public on or before as_of, oldest first."""
        if not self.public_on:
            return self.records
        return self.records[: bisect.bisect_right(self.public_on, as_of)]

    def dated_within(self, first: date, last: date) -> tuple[Record, ...]:
        """Records dated first..last (both included), oldest first: a daily report may be quoted the day it is
        dated, before the publication lag says it was public."""
        if not self.dated:
            return ()
        return self.records[bisect.bisect_left(self.dated, first) : bisect.bisect_right(self.dated, last)]


def rows(ref: Reference) -> Rows:
    """The records of a reference table (once per table)."""
    return ref.memo(("rows",), lambda: _build(ref))


def _build(ref: Reference) -> Rows:
    records = plain_records(ref.frame)
    if ref.date_column is None:
        return Rows(tuple(records), ())
    dated = [(r[ref.date_column], i, r) for i, r in enumerate(records) if isinstance(r.get(ref.date_column), date)]
    dated.sort(key=lambda item: (item[0], item[1]))
    lag = timedelta(days=ref.publication_lag_days)
    return Rows(tuple(r for _, _, r in dated), tuple(d + lag for d, _, _ in dated), tuple(d for d, _, _ in dated))


def plain_records(frame: pd.DataFrame) -> list[Record]:
    """A table's rows as plain Python records (dates as dates, missing values as None)."""
    return [{k: _plain(v) for k, v in record.items()} for record in frame.to_dict("records")]


def _plain(value: Any) -> Any:
    """pandas and numpy values as plain Python: a Timestamp is a date, a missing value is None."""
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def evidence(ref: Reference, records: list[Record] | tuple[Record, ...], columns: list[str]) -> tuple[Record, ...]:
    """The reference rows a verdict rests on, as JSON values: date, the compared columns, the citation."""
    keep = list(dict.fromkeys(c for c in (ref.date_column, *columns, ref.citation_column) if c))
    return tuple(
        {k: (r[k].isoformat() if isinstance(r.get(k), date) else r.get(k)) for k in keep if k in r} for r in records
    )


def citation(ref: Reference, record: Record | None) -> str | None:
    """The row's citation URL, for curated tables that carry one."""
    if record is None or not ref.citation_column:
        return None
    value = record.get(ref.citation_column)
    return None if value is None else str(value)


def record_date(ref: Reference, record: Record) -> date | None:
    return record.get(ref.date_column) if ref.date_column else None


def day_of(ref: Reference, record: Record) -> date:
    """The date of a row of a dated table: the rows dated_within gives, and a dated table's published_by, have one."""
    day = record_date(ref, record)
    if day is None:
        raise ValueError(f"{ref.source}: a check that reads dates got a row with none")
    return day
