"""What changed between two good snapshots of a source: rows added or removed, values revised, fields added or lost.

Published series revise their own history (a day's total corrected weeks later), so a new snapshot is compared row by
row with the one it replaces, keyed by the registry's `key` (default: the date column), and the diff is kept beside it.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas

from claimledger.sources.registry import Source

MAX_REVISIONS = 100  # revised values stored as examples; all are counted
MAX_KEYS = 1000  # added or removed keys stored; all are counted
_KEY_JOIN = " / "


class DiffError(ValueError):
    """Two snapshots cannot be compared row by row (no key, or the key column is missing); the message says which."""


@dataclass(frozen=True)
class Revision:
    """One value a newer snapshot changed for a row that both snapshots hold."""

    key: str
    column: str
    old: Any
    new: Any


@dataclass(frozen=True)
class SnapshotDiff:
    """A new good snapshot against the previous good one; plain JSON types throughout, stored as <sha256>.diff.json."""

    source: str
    key: tuple[str, ...]
    rows_before: int
    rows_after: int
    added_keys: tuple[str, ...] = ()
    added_count: int = 0
    removed_keys: tuple[str, ...] = ()
    removed_count: int = 0
    revised_count: int = 0
    revised_by_column: dict[str, int] = field(default_factory=dict)
    revisions: tuple[Revision, ...] = ()
    added_fields: tuple[str, ...] = ()
    missing_fields: tuple[str, ...] = ()
    previous: str | None = None  # sha256 of the snapshot compared against
    current: str | None = None  # sha256 of the new snapshot

    @property
    def changed(self) -> bool:
        """True when the two snapshots differ in any row, value or field (not only in bytes)."""
        return bool(
            self.added_count or self.removed_count or self.revised_count or self.added_fields or self.missing_fields
        )

    def as_dict(self) -> dict:
        """The diff as JSON-ready types, for the file beside the snapshot and `sources diff --format json`."""
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> "SnapshotDiff":
        """Read back a stored diff; lists become tuples again so the object compares equal to the one written."""
        values = dict(values)
        for name in ("key", "added_keys", "removed_keys", "added_fields", "missing_fields"):
            values[name] = tuple(values.get(name) or ())
        values["revisions"] = tuple(Revision(**revision) for revision in values.get("revisions") or ())
        return cls(**values)

    def summary(self) -> str:
        """One line: '+1 row (2025-05-17); 2 values revised (killed_cum 1, ...); fields added: x'."""
        parts = []
        if self.added_count:
            parts.append(f"+{_rows(self.added_count)} ({_span(self.added_keys, self.added_count)})")
        if self.removed_count:
            parts.append(f"-{_rows(self.removed_count)} ({_span(self.removed_keys, self.removed_count)})")
        if self.revised_count:
            columns = ", ".join(f"{column} {count}" for column, count in _by_count(self.revised_by_column)[:4])
            more = ", ..." if len(self.revised_by_column) > 4 else ""
            noun = "value" if self.revised_count == 1 else "values"
            parts.append(f"{self.revised_count:,} {noun} revised ({columns}{more})")
        if self.added_fields:
            parts.append(f"fields added: {', '.join(self.added_fields)}")
        if self.missing_fields:
            parts.append(f"fields missing: {', '.join(self.missing_fields)}")
        return "; ".join(parts) if parts else "same rows, values and fields"

    def lines(self) -> list[str]:
        """The diff as text a person reads top to bottom: counts, then every stored revision."""
        out = [
            f"{self.source}: {self.previous[:12] if self.previous else '?'} -> "
            f"{self.current[:12] if self.current else '?'} (key {' + '.join(self.key)}; "
            f"{self.rows_before:,} -> {self.rows_after:,} rows)",
            self.summary(),
        ]
        for title, keys, count in (
            ("added", self.added_keys, self.added_count),
            ("removed", self.removed_keys, self.removed_count),
        ):
            if count:
                shown = ", ".join(keys[:20]) + (f", ... ({count - 20:,} more)" if count > 20 else "")
                out.append(f"{title}: {shown}")
        if self.revisions:
            out.append(f"revised ({len(self.revisions)} of {self.revised_count:,} shown):")
            out.extend(f"  {r.key}  {r.column}: {show_value(r.old)} -> {show_value(r.new)}" for r in self.revisions)
        return out


def diff_frames(previous: pandas.DataFrame, current: pandas.DataFrame, source: Source) -> SnapshotDiff:
    """Compare two loaded snapshots of a source row by row on its key, so revisions of history are seen, not hidden."""
    key = row_key(source, previous, current)
    derived = {column for column, _ in source.derived}  # recomputed by the loader: a revision would show twice
    before, after = keyed_rows(previous, key, derived), keyed_rows(current, key, derived)
    added = after.index.difference(before.index, sort=False)
    removed = before.index.difference(after.index, sort=False)
    common_rows = after.index.intersection(before.index, sort=False)
    common_columns = [c for c in after.columns if c in before.columns]
    revisions: list[Revision] = []
    by_column: dict[str, int] = {}
    for column in common_columns:
        old, new = before.loc[common_rows, column], after.loc[common_rows, column]
        differs = [row for row, a, b in zip(common_rows, old, new) if not same_value(a, b)]
        if differs:
            by_column[column] = len(differs)
            for row in differs[: max(0, MAX_REVISIONS - len(revisions))]:
                revisions.append(Revision(row, column, _plain(before.at[row, column]), _plain(after.at[row, column])))
    revisions.sort(key=lambda r: (r.key, r.column))
    return SnapshotDiff(
        source=source.name,
        key=key,
        rows_before=len(previous),
        rows_after=len(current),
        added_keys=tuple(sorted(added)[:MAX_KEYS]),
        added_count=len(added),
        removed_keys=tuple(sorted(removed)[:MAX_KEYS]),
        removed_count=len(removed),
        revised_count=sum(by_column.values()),
        revised_by_column=by_column,
        revisions=tuple(revisions),
        added_fields=tuple(c for c in after.columns if c not in before.columns),
        missing_fields=tuple(c for c in before.columns if c not in after.columns),
    )


def row_key(source: Source, previous: pandas.DataFrame, current: pandas.DataFrame) -> tuple[str, ...]:
    """The columns that match rows between two snapshots, or a DiffError saying why rows cannot be matched."""
    key = source.key_columns
    if not key:
        raise DiffError(f"{source.name}: no key or date_column in the registry to match rows between snapshots")
    for label, frame in (("previous", previous), ("new", current)):
        missing = [column for column in key if column not in frame.columns]
        if missing:
            raise DiffError(f"{source.name}: key column {', '.join(missing)} missing from the {label} snapshot")
    return key


def keyed_rows(frame: pandas.DataFrame, key: tuple[str, ...], derived: set[str]) -> pandas.DataFrame:
    """Index rows by their key as text; a repeated key gets ' #2', ' #3' so no row is silently dropped."""
    labels = frame[list(key)].apply(lambda row: _KEY_JOIN.join(_key_text(value) for value in row), axis=1)
    repeat = labels.groupby(labels).cumcount()
    labels = labels.where(repeat == 0, labels + " #" + (repeat + 1).astype(str))
    columns = [c for c in frame.columns if c not in key and c not in derived]
    keyed = frame[columns].copy()
    keyed.index = pandas.Index(labels.astype(str), name=_KEY_JOIN.join(key))
    return keyed


def same_value(a: Any, b: Any) -> bool:
    a_missing, b_missing = _missing(a), _missing(b)
    if a_missing or b_missing:
        return a_missing and b_missing
    if isinstance(a, numbers.Real) and isinstance(b, numbers.Real):
        return float(a) == float(b)  # 5 in one snapshot and 5.0 in the other (a column that gained an empty day)
    return a == b


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pandas.isna(value))
    except (TypeError, ValueError):  # a list or dict cell
        return False


def _key_text(value: Any) -> str:
    if isinstance(value, pandas.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _plain(value: Any) -> Any:
    """numpy and pandas scalars -> JSON types (None for an empty cell)."""
    if _missing(value):
        return None
    if isinstance(value, pandas.Timestamp):
        return _key_text(value)
    if isinstance(value, bool) or (hasattr(value, "dtype") and value.dtype.kind == "b"):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return int(number) if number.is_integer() and not math.isinf(number) else number
    if isinstance(value, (str, list, dict)):
        return value
    return str(value)


def show_value(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return f"{value:,}" if isinstance(value, int) else f"{value:,.6g}"
    return str(value)


def _rows(count: int) -> str:
    return f"{count:,} row" if count == 1 else f"{count:,} rows"


def _span(keys: tuple[str, ...], count: int) -> str:
    if count == 1:
        return keys[0]
    if count == 2:
        return f"{keys[0]}, {keys[1]}"
    return f"{keys[0]} .. {keys[-1]}" if len(keys) == count else f"{keys[0]} .. {keys[-1]}, first {len(keys):,}"


def _by_count(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
