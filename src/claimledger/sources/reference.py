"""Fetch, store, load and validate each reference source, falling back to its last good snapshot when it must."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas

from claimledger.settings import Settings
from claimledger.sources.fetch import Download, FetchError, download
from claimledger.sources.loaders import LoadError, load_frame
from claimledger.sources.registry import RegistryError, Source
from claimledger.sources.snapshots import Snapshot, SnapshotError, SnapshotStore
from claimledger.sources.validate import validate_frame


@dataclass(frozen=True)
class ReferenceTable:
    """A validated table ready for checks, with the snapshot it was read from and what happened on the way."""

    source: Source
    snapshot: Snapshot
    frame: pandas.DataFrame
    notes: tuple[str, ...]
    fetched_from: str


@dataclass(frozen=True)
class SourceUnavailable:
    """No usable table for a source this run: claims that need it become `unverifiable`, with this reason."""

    source: Source
    reason: str


def prepare_sources(
    names: Iterable[str],
    registry: dict[str, Source],
    overrides: dict[str, str],
    settings: Settings,
) -> dict[str, ReferenceTable | SourceUnavailable]:
    """Give every named source a validated table (new download, else last good snapshot) or say why there is none."""
    store = SnapshotStore(settings.snapshots_dir)
    prepared: dict[str, ReferenceTable | SourceUnavailable] = {}
    for name in names:
        if name not in registry:
            raise RegistryError(f"no such source {name!r} (known: {', '.join(sorted(registry))})")
        source = registry[name]
        if name in overrides:
            source = source.with_url(overrides[name])
        prepared[name] = _prepare(source, store, settings)
    return prepared


def _prepare(source: Source, store: SnapshotStore, settings: Settings) -> ReferenceTable | SourceUnavailable:
    good = store.latest_good(source.name)
    fetched, problems = _first_download(source, good, settings)
    if fetched is None:
        reason = f"could not fetch ({'; '.join(problems)})"
        return _fallback(
            source,
            store,
            good,
            reason,
            lambda kept: f"{reason}; using last good snapshot {kept.short} retrieved {kept.retrieved_at}",
        )
    notes = (f"could not fetch ({'; '.join(problems)}); used {fetched.url}",) if problems else ()
    if fetched.status == 304 and good is not None:
        return _table(source, store, good, notes, fetched.url)
    snapshot = store.put(source, fetched.content or b"", fetched)
    if snapshot.validation is None:
        snapshot = store.record_validation(snapshot, _validate(source, store, snapshot, settings))
    if snapshot.passed:
        store.mark_good(snapshot)
        return _table(source, store, snapshot, notes, fetched.url)
    failures = snapshot.validation.get("failures") or ["no failure recorded"]
    why = f"new download failed its suite: {failures[0]} (snapshot {snapshot.short} from {fetched.url} quarantined)"
    return _fallback(
        source, store, good, why, lambda kept: f"kept snapshot {kept.short} from {kept.retrieved_at}; {why}"
    )


def _first_download(
    source: Source, good: Snapshot | None, settings: Settings
) -> tuple[Download | None, list[str]]:
    """Try the URL, then each mirror; a conditional request against the good snapshot when it came from that URL."""
    problems: list[str] = []
    for url in (source.url, *source.mirrors):
        same_origin = good is not None and good.url == url
        try:
            return download(
                url,
                settings=settings,
                base=settings.home,
                allowed_hosts=source.allowed_hosts,
                etag=good.etag if same_origin else None,
                last_modified=good.last_modified if same_origin else None,
                expected_format=source.format,
            ), problems
        except FetchError as exc:
            problems.append(str(exc))
    return None, problems


def _validate(source: Source, store: SnapshotStore, snapshot: Snapshot, settings: Settings) -> dict:
    """Run the source's suite on the stored bytes; a snapshot that will not load fails like one that breaks a rule."""
    try:
        frame = load_frame(source, store.read(snapshot))
    except LoadError as exc:
        return {"success": False, "failures": [f"could not load: {exc}"], "warnings": []}
    suite_path = settings.expectations_dir / f"{source.suite}.json"
    return validate_frame(frame, suite_path).as_dict()


def _fallback(
    source: Source,
    store: SnapshotStore,
    good: Snapshot | None,
    reason: str,
    note: Callable[[Snapshot], str],
) -> ReferenceTable | SourceUnavailable:
    """Use the last good snapshot with a note saying why, or report the source unavailable when there is none."""
    if good is None:
        return SourceUnavailable(source, f"{reason}; no good snapshot of {source.name} is stored")
    table = _table(source, store, good, (note(good),), good.url)
    if isinstance(table, SourceUnavailable):
        return SourceUnavailable(source, f"{reason}; {table.reason}")
    return table


def _table(
    source: Source, store: SnapshotStore, snapshot: Snapshot, notes: tuple[str, ...], fetched_from: str
) -> ReferenceTable | SourceUnavailable:
    """Rebuild the frame from the stored bytes, so a run reads exactly what the snapshot's sha256 names."""
    try:
        frame = load_frame(source, store.read(snapshot))
    except (LoadError, SnapshotError) as exc:
        return SourceUnavailable(source, f"snapshot {snapshot.short} cannot be read: {exc}")
    return ReferenceTable(source=source, snapshot=snapshot, frame=frame, notes=notes, fetched_from=fetched_from)
