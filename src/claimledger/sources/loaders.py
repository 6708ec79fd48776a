"""Snapshot bytes -> DataFrame, one loader per registry `loader` name; the checks on content live in the suites."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import pandas

from claimledger.sources.registry import Source


class LoadError(ValueError):
    """A snapshot's bytes are not the table its registry entry promises; the message names the source and the spot."""


def load_frame(source: Source, content: bytes) -> pandas.DataFrame:
    """Turn a snapshot into the table the suites and checks read, with dates parsed and declared columns derived."""
    reader = _LOADERS.get(source.loader)
    if reader is None:
        raise LoadError(f"{source.name}: unknown loader {source.loader!r} (known: {', '.join(sorted(_LOADERS))})")
    frame = reader(source, content)
    if source.date_column:
        frame[source.date_column] = _parse_dates(source, frame)
    for column, parts in source.derived:
        if column not in frame.columns and all(part in frame.columns for part in parts):
            # a row missing any part gets no value rather than a partial sum
            frame[column] = frame[list(parts)].sum(axis=1, min_count=len(parts))
    return frame


def _records(source: Source, content: bytes) -> pandas.DataFrame:
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise LoadError(f"{source.name}: not UTF-8 text (byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise LoadError(f"{source.name}: truncated or malformed JSON at {exc.lineno}:{exc.colno} ({exc.msg})") from exc
    if not isinstance(document, list):
        raise LoadError(f"{source.name}: not a JSON array of objects (top level is a {type(document).__name__})")
    for index, row in enumerate(document):
        if not isinstance(row, dict):
            raise LoadError(f"{source.name}: not a JSON array of objects (item {index} is a {type(row).__name__})")
    return _flattened(document)


def _flattened(rows: list[dict]) -> pandas.DataFrame:
    """Rows as a table whose nested objects become parent_child columns: suites and checks see only plain values."""
    if not any(isinstance(value, dict) for row in rows for value in row.values()):
        return pandas.DataFrame.from_records(rows)  # the common flat case, without json_normalize's cost
    return pandas.json_normalize(rows, sep="_")


def _csv(source: Source, content: bytes) -> pandas.DataFrame:
    try:
        return pandas.read_csv(io.BytesIO(content), encoding="utf-8-sig")
    except pandas.errors.EmptyDataError as exc:
        raise LoadError(f"{source.name}: empty CSV (no header row)") from exc
    except pandas.errors.ParserError as exc:
        raise LoadError(f"{source.name}: malformed CSV ({str(exc).strip()})") from exc
    except UnicodeDecodeError as exc:
        raise LoadError(f"{source.name}: not UTF-8 text (byte {exc.start})") from exc


def _parse_dates(source: Source, frame: pandas.DataFrame) -> pandas.Series:
    column = source.date_column
    if column not in frame.columns:
        found = ", ".join(map(str, frame.columns)) or "none"
        raise LoadError(f"{source.name}: date column {column!r} is missing (columns found: {found})")
    values = frame[column]
    parsed = pandas.to_datetime(values, errors="coerce", format="ISO8601")
    bad = values[parsed.isna() & values.notna()]
    if not bad.empty:
        row = bad.index[0]
        raise LoadError(f"{source.name}: {column} has a value that is not a date in row {row}: {bad.iloc[0]!r}")
    return parsed


_LOADERS: dict[str, Callable[[Source, bytes], pandas.DataFrame]] = {"records": _records, "csv": _csv}
