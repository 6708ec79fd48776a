"""The source registry (data/sources.toml): what each reference dataset is, where it lives, how it is checked."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit


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
    # the column(s) naming a row across snapshots, for diffs (a poll_id, country + date + action); default date_column
    key: tuple[str, ...] = ()
    # the claim metrics (src/claimledger/claims/metrics.toml) this source can confirm or refute
    metrics: tuple[str, ...] = ()
    # columns the loader adds as the row sum of other columns: ((name, (column, ...)), ...)
    derived: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # [sources.X.changes]: the suite a new download's comparison with the previous good snapshot must pass, and the
    # running totals whose day-over-day jump it measures (src/claimledger/sources/changes.py)
    changes_suite: str | None = None
    changes_cumulative: tuple[str, ...] = ()

    @property
    def key_columns(self) -> tuple[str, ...]:
        """The columns naming a row from one snapshot to the next, so a diff tells a revision from a new row."""
        if self.key:
            return self.key
        return (self.date_column,) if self.date_column else ()

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
        known = set(Source.__dataclass_fields__) - {"name", "changes_suite", "changes_cumulative"} | {"changes"}
        unknown = sorted(set(entry) - known)
        if unknown:
            raise RegistryError(f"{path}: source {name!r} has unknown keys {', '.join(unknown)}")
        values = dict(entry)
        for listed in ("mirrors", "allowed_hosts", "metrics"):
            values[listed] = tuple(values.get(listed, ()))
        values["key"] = _key(path, name, values.get("key", ()))
        values["derived"] = _derived(path, name, values.get("derived", {}))
        values["changes_suite"], values["changes_cumulative"] = _changes(path, name, values.pop("changes", {}))
        if not _SOURCE_NAME.match(name):
            raise RegistryError(f"{path}: source name {name!r} may hold only a-z, 0-9 and '_' (it names a folder)")
        _check_hosts(path, name, (values["url"], *values["mirrors"]), values["allowed_hosts"])
        sources[name] = Source(name=name, **values)
    return sources


_SOURCE_NAME = re.compile(r"^[a-z0-9_]+$")


def _check_hosts(path: Path, name: str, urls: tuple[str, ...], allowed: tuple[str, ...]) -> None:
    """A configured web URL must name one of the source's allowed hosts: the registry cannot be made to fetch from
    anywhere else (redirects are held to the same list when fetching)."""
    permitted = {host.lower() for host in allowed}
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme.lower() in ("http", "https") and (parts.hostname or "").lower() not in permitted:
            raise RegistryError(
                f"{path}: source {name!r}: {url} is not on its allowed_hosts "
                f"({', '.join(sorted(permitted)) or 'none listed'})"
            )


def _key(path: Path, name: str, value: object) -> tuple[str, ...]:
    """Accept `key = "poll_id"` or `key = ["country", "date", "action"]`."""
    columns = [value] if isinstance(value, str) else value
    if not isinstance(columns, (list, tuple)) or not all(isinstance(c, str) and c for c in columns):
        raise RegistryError(f"{path}: source {name!r}: key must be a column name or a list of column names")
    return tuple(columns)


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


def _changes(path: Path, name: str, table: object) -> tuple[str | None, tuple[str, ...]]:
    """Check a `[sources.X.changes]` table: `suite` (required) and `cumulative` (a list of columns)."""
    if not isinstance(table, dict):
        raise RegistryError(f"{path}: source {name!r}: changes must be a table with a suite")
    if not table:
        return None, ()
    unknown = sorted(set(table) - {"suite", "cumulative"})
    suite, cumulative = table.get("suite"), table.get("cumulative", [])
    if unknown:
        raise RegistryError(f"{path}: source {name!r}: changes has unknown keys {', '.join(unknown)}")
    if not isinstance(suite, str) or not suite:
        raise RegistryError(f"{path}: source {name!r}: changes.suite must name a suite in expectations/")
    if not isinstance(cumulative, list) or not all(isinstance(c, str) and c for c in cumulative):
        raise RegistryError(f"{path}: source {name!r}: changes.cumulative must be a list of column names")
    return suite, tuple(cumulative)


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
