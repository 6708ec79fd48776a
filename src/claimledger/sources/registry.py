"""The source registry (data/sources.toml): what each reference dataset is, where it lives, how it is checked."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path


class RegistryError(ValueError):
    """The registry file is missing or describes a source badly."""


@dataclass(frozen=True)
class Source:
    """One reference dataset as the registry describes it."""

    name: str
    url: str
    format: str
    loader: str
    suite: str
    title: str = ""
    license: str = ""
    publisher: str = ""
    cadence: str = ""
    mirrors: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] = ()
    date_column: str | None = None
    publication_lag_days: int = 0
    citation_column: str | None = None
    # columns the loader adds as the row sum of other columns: ((name, (column, ...)), ...)
    derived: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def with_url(self, url: str) -> "Source":
        """The same source read from another URL (--source NAME=URL): mirrors are dropped, the override is final."""
        return Source(**{**self.__dict__, "url": url, "mirrors": ()})


_REQUIRED = ("url", "format", "loader", "suite")


def load_registry(path: Path) -> dict[str, Source]:
    """Read data/sources.toml into Source objects, saying which entry is wrong when one is."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RegistryError(f"source registry not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{path}: not valid TOML: {exc}") from exc
    sources: dict[str, Source] = {}
    for name, entry in document.get("sources", {}).items():
        missing = [key for key in _REQUIRED if key not in entry]
        if missing:
            raise RegistryError(f"{path}: source {name!r} lacks {', '.join(missing)}")
        known = set(Source.__dataclass_fields__) - {"name"}
        unknown = sorted(set(entry) - known)
        if unknown:
            raise RegistryError(f"{path}: source {name!r} has unknown keys {', '.join(unknown)}")
        values = dict(entry)
        for key in ("mirrors", "allowed_hosts"):
            values[key] = tuple(values.get(key, ()))
        values["derived"] = _derived(path, name, values.get("derived", {}))
        sources[name] = Source(name=name, **values)
    return sources


def _derived(path: Path, name: str, table: object) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Check a `derived = { column = ["a", "b"] }` table and freeze it, so Source stays hashable."""
    if not isinstance(table, dict):
        raise RegistryError(f"{path}: source {name!r}: derived must be a table of column = [columns]")
    frozen = []
    for column, parts in table.items():
        if not isinstance(parts, list) or not parts or not all(isinstance(part, str) for part in parts):
            raise RegistryError(f"{path}: source {name!r}: derived.{column} must be a non-empty list of column names")
        frozen.append((column, tuple(parts)))
    return tuple(frozen)


def parse_overrides(pairs: list[str], known: dict[str, Source]) -> dict[str, str]:
    """Turn --source NAME=URL options into {name: url}, rejecting unknown names and malformed pairs."""
    overrides: dict[str, str] = {}
    for pair in pairs:
        name, sep, url = pair.partition("=")
        if not sep or not name or not url:
            raise RegistryError(f"--source expects NAME=URL, got {pair!r}")
        if name not in known:
            raise RegistryError(f"--source {name}: no such source (known: {', '.join(sorted(known))})")
        if not url.startswith(("file:", "http://", "https://")):
            raise RegistryError(f"--source {name}: URL must be file:, http:// or https://, got {url!r}")
        overrides[name] = url
    return overrides
