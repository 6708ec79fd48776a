"""A run's parts on disk: what pipeline.verify has read, extracted and checked, kept for whoever reads the run back
(its caller: the command's output, a test), since a run of any size is written to the ledger a part at a time.

What is kept is the caller's choice (`keep`):
- "objects": each part (articles, claims, results) is one line of JSON in a temporary file, its values tagged by
  type so they come back as the same objects: only the types named in TYPES are ever rebuilt (no pickle: nothing in
  the file can run code). Dates and times keep their type; a value of any other type is written as its text, as the
  ledger's JSON columns write it (json.dumps(..., default=str)).
- "rows": only the rows the command prints (pipeline.result_rows), one JSON object a line: several times cheaper.
- "none": counts and what was skipped only.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, datetime
from enum import Enum
from typing import Any

from claimledger.checks.model import CheckResult, Verdict
from claimledger.claims.model import Article, Claim, Frame, TimeFrame

Part = tuple[list[Article], list[Claim], list[CheckResult]]
TYPES: dict[str, type] = {t.__name__: t for t in (Article, Claim, Frame, TimeFrame, CheckResult)}
FIELDS: dict[type, tuple[str, ...]] = {
    t: tuple(f.name for f in dataclasses.fields(t) if f.init) for t in TYPES.values()
}
_PLAIN = frozenset({str, int, float, bool, type(None)})
ENUMS: dict[str, type[Enum]] = {"Verdict": Verdict}
KEEP = ("objects", "rows", "none")


def encode(value: Any) -> Any:
    """A value as plain JSON, tagged where JSON alone would lose its type."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind in FIELDS:
        return {"$": kind.__name__, "v": {name: encode(getattr(value, name)) for name in FIELDS[kind]}}
    if value is None or isinstance(value, (str, bool, int, float)) and not isinstance(value, Enum):
        return value
    if isinstance(value, Enum):
        return {"$e": type(value).__name__, "v": value.value}
    if isinstance(value, datetime):
        return {"$t": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, tuple):
        return {"$tu": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {"$m": {str(k): encode(v) for k, v in value.items()}}
    if hasattr(value, "item"):  # a numpy or pandas scalar: its Python value
        return encode(value.item())
    return str(value)


def decode(value: Any) -> Any:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$m" in value:
        return {k: decode(v) for k, v in value["$m"].items()}
    if "$tu" in value:
        return tuple(decode(v) for v in value["$tu"])
    if "$d" in value:
        return date.fromisoformat(value["$d"])
    if "$t" in value:
        return datetime.fromisoformat(value["$t"])
    if "$e" in value:
        return ENUMS[value["$e"]](value["v"])
    if "$" in value:
        return TYPES[value["$"]](**{k: decode(v) for k, v in value["v"].items()})
    raise ValueError(f"spool: an untagged object {sorted(value)[:5]}")


def _no_rows(*part: Any) -> list[dict[str, Any]]:
    raise ValueError("spool: made without the function that makes a part's rows")


class RunSpool:
    """What a caller keeps of a run's parts (`keep`, above) on disk as they are checked, so a run of any size holds
    one part in memory at a time; read back a part or a row at a time. A temporary file, gone when the spool is
    closed or collected."""

    def __init__(self, keep: str = "objects", rows: Callable[..., list[dict[str, Any]]] | None = None) -> None:
        if keep not in KEEP:
            raise ValueError(f"spool: keep is one of {', '.join(KEEP)}, not {keep!r}")
        if keep == "rows" and rows is None:
            raise ValueError("spool: keep='rows' needs the function that makes a part's rows")
        self.keep, self._rows = keep, rows or _no_rows
        self._file = (
            None if keep == "none" else tempfile.TemporaryFile(mode="w+", encoding="utf-8", prefix="claimledger-run-")
        )
        self.parts = 0
        self.articles = 0
        self.claims = 0
        self.results = 0
        self.skipped: list[dict[str, Any]] = []
        self.verdicts: Counter[str] = Counter()

    def add(
        self, articles: list[Article], claims: list[Claim], results: list[CheckResult], skipped: list[dict[str, Any]]
    ) -> None:
        if self._file is not None:
            self._file.seek(0, os.SEEK_END)
            if self.keep == "objects":
                self._file.write(json.dumps([encode(list(articles)), encode(list(claims)), encode(list(results))]))
                self._file.write("\n")
            else:
                for row in self._rows(articles, claims, results):
                    self._file.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        self.parts += 1
        self.articles += len(articles)
        self.claims += len(claims)
        self.results += len(results)
        self.skipped += skipped
        self.verdicts.update(Verdict(r.verdict).value for r in results)

    def __iter__(self) -> Iterator[Part]:
        """The parts in the order they were added (one in memory at a time)."""
        if self.keep != "objects" or self._file is None:
            raise ValueError(f"spool: this run kept {self.keep}, not its objects")
        self._file.flush()
        self._file.seek(0)
        for _ in range(self.parts):
            articles, claims, results = (decode(v) for v in json.loads(self._file.readline()))
            yield articles, claims, results

    def rows(self) -> Iterator[dict[str, Any]]:
        """The rows the command prints, in order."""
        return (json.loads(line) for line in self.lines())

    def lines(self) -> Iterator[str]:
        """The rows the command prints, each as one line of JSON (without its newline), in order."""
        if self.keep == "objects":
            for part in self:
                for row in self._rows(*part):
                    yield json.dumps(row, ensure_ascii=False, default=str)
            return
        if self._file is None:
            raise ValueError("spool: this run kept nothing to print")
        self._file.flush()
        self._file.seek(0)
        for line in self._file:
            yield line.rstrip("\n")

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
