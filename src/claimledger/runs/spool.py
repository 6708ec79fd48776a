"""A run's parts on disk: what pipeline.verify has read, extracted and checked, kept until the ledger write.

Each part (articles, claims, results) is one line of JSON in a temporary file, its values tagged by type so they come
back as the same objects: only the types named in TYPES are ever rebuilt (no pickle: nothing in the file can run
code). Dates and times keep their type; a value of any other type is written as its text, as the ledger's JSON
columns write it (json.dumps(..., default=str)).
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
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


class RunSpool:
    """A run's parts on disk as they are checked, so a run of any size holds one part in memory at a time: the
    ledger writer and the command's output read them back a part at a time. A temporary file, gone when the spool
    is closed or collected."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(mode="w+", encoding="utf-8", prefix="claimledger-run-")
        self.parts = 0
        self.articles = 0
        self.claims = 0
        self.results = 0
        self.skipped: list[dict[str, Any]] = []
        self.verdicts: Counter[str] = Counter()

    def add(
        self, articles: list[Article], claims: list[Claim], results: list[CheckResult], skipped: list[dict[str, Any]]
    ) -> None:
        self._file.seek(0, os.SEEK_END)
        self._file.write(json.dumps([encode(list(articles)), encode(list(claims)), encode(list(results))]) + "\n")
        self.parts += 1
        self.articles += len(articles)
        self.claims += len(claims)
        self.results += len(results)
        self.skipped += skipped
        self.verdicts.update(Verdict(r.verdict).value for r in results)

    def __iter__(self) -> Iterator[Part]:
        """The parts in the order they were added (one in memory at a time)."""
        self._file.flush()
        self._file.seek(0)
        for _ in range(self.parts):
            articles, claims, results = (decode(v) for v in json.loads(self._file.readline()))
            yield articles, claims, results

    def close(self) -> None:
        self._file.close()
