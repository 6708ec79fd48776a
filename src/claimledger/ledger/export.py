"""`ledger export`'s formats, written a batch at a time (history.export_batches), so memory stays flat whatever the
ledger's size: CSV, a JSON array, JSON lines, and Parquet (one row group per batch, typed columns).

Timestamps are written in UTC to the second ("2025-05-16 08:00:00Z") in every format, dates as ISO dates.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import date, datetime, timezone
from typing import Any, BinaryIO

from claimledger.ledger.history import EXPORT_COLUMNS, EXPORT_TYPES

FORMATS = ("csv", "json", "jsonl", "parquet")


def when_text(value: Any) -> str:
    """Timestamps in UTC, to the second (SQLite hands them back naive, PostgreSQL in the session's zone)."""
    if isinstance(value, datetime):
        moment = value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
        return moment.strftime("%Y-%m-%d %H:%M:%SZ")
    return "" if value is None else str(value)


def write_export(batches: Iterable[list[dict[str, Any]]], output_format: str, out: BinaryIO) -> int:
    """Write the batches' rows to `out` in the format; return how many rows were written."""
    writer = {"csv": _csv, "json": _json_array, "jsonl": _json_lines, "parquet": _parquet}[output_format]
    return writer(batches, out)


def _timestamps(row: dict[str, Any]) -> dict[str, Any]:
    return {k: when_text(v) if isinstance(v, datetime) else v for k, v in row.items()}


def _csv(batches: Iterable[list[dict[str, Any]]], out: BinaryIO) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.DictWriter(text, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for batch in batches:
        writer.writerows(_timestamps(row) for row in batch)
        count += len(batch)
    text.flush()
    text.detach()  # the caller owns `out`
    return count


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return when_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _json_lines(batches: Iterable[list[dict[str, Any]]], out: BinaryIO) -> int:
    count = 0
    for batch in batches:
        out.write("".join(json.dumps(row, ensure_ascii=False, default=_plain) + "\n" for row in batch).encode())
        count += len(batch)
    return count


def _json_array(batches: Iterable[list[dict[str, Any]]], out: BinaryIO) -> int:
    """One JSON array, an object a line."""
    count = 0
    out.write(b"[")
    for batch in batches:
        for row in batch:
            out.write((",\n  " if count else "\n  ").encode())
            out.write(json.dumps(row, ensure_ascii=False, default=_plain).encode())
            count += 1
    out.write(b"\n]\n" if count else b"]\n")
    return count


def _parquet(batches: Iterable[list[dict[str, Any]]], out: BinaryIO) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {
        "text": pa.string(),
        "float": pa.float64(),
        "integer": pa.int64(),
        "date": pa.date32(),
        "timestamp": pa.string(),  # UTC text, as in the other formats
    }
    schema = pa.schema([(name, types[EXPORT_TYPES[name]]) for name in EXPORT_COLUMNS])
    count = 0
    with pq.ParquetWriter(out, schema) as writer:
        for batch in batches:
            columns = {name: [row[name] for row in batch] for name in EXPORT_COLUMNS}
            for name in (n for n in EXPORT_COLUMNS if EXPORT_TYPES[n] == "timestamp"):
                columns[name] = [when_text(v) for v in columns[name]]
            writer.write_table(pa.table(columns, schema=schema))  # a row group per batch
            count += len(batch)
    return count
