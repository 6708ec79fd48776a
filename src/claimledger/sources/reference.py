"""Fetch, store, load and validate each reference source, falling back to its last good snapshot when it must."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import pandas

from claimledger.settings import Settings
from claimledger.sources.changes import check_changes
from claimledger.sources.diff import DiffError, SnapshotDiff, diff_frames
from claimledger.sources.docs import SourceValidation
from claimledger.sources.fetch import Download, FetchError, download
from claimledger.sources.loaders import LoadError, load_frame
from claimledger.sources.registry import RegistryError, Source
from claimledger.sources.snapshots import Snapshot, SnapshotError, SnapshotStore, _write_atomically
from claimledger.gx import Validation, validate_frame

NEW, UNCHANGED, QUARANTINED, FETCH_FAILED = "new snapshot", "unchanged", "quarantined", "fetch failed"
_QUARANTINE = "QUARANTINED"  # beside LATEST: the newest download that failed its suite, and the snapshot kept
_DIFF_SUFFIX = ".diff.json"
_SINCE = "since snapshot"  # starts each line of a changes suite's verdict


@dataclass(frozen=True)
class FetchOutcome:
    """What this run's download did to a source: a new good snapshot, nothing, a quarantine, or a failed fetch."""

    status: str  # NEW, UNCHANGED, QUARANTINED or FETCH_FAILED
    downloaded: Snapshot | None = None  # the snapshot the download created or matched
    diff: SnapshotDiff | None = None  # NEW only, against the previous good snapshot
    detail: str = ""  # why: "304 Not Modified", the first failed expectation, the fetch error, a diff problem
    validation: SourceValidation | None = None  # when the suite ran in this run: its GX result, for Data Docs


@dataclass(frozen=True)
class ReferenceTable:
    """A validated table ready for checks, with the snapshot it was read from and what happened on the way."""

    source: Source
    snapshot: Snapshot
    frame: pandas.DataFrame
    notes: tuple[str, ...]
    fetched_from: str
    outcome: FetchOutcome | None = None


@dataclass(frozen=True)
class SourceUnavailable:
    """No usable table for a source this run: claims that need it become `unverifiable`, with this reason."""

    source: Source
    reason: str
    outcome: FetchOutcome | None = None


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


def latest_diff(store: SnapshotStore, source_name: str) -> SnapshotDiff | None:
    """The diff stored with the source's current good snapshot; None for a first snapshot or none at all."""
    good = store.latest_good(source_name)
    if good is None:
        return None
    path = good.path.with_name(f"{good.sha256}{_DIFF_SUFFIX}")
    try:
        return SnapshotDiff.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (ValueError, TypeError) as exc:
        raise SnapshotError(f"{path}: unreadable snapshot diff ({exc})") from exc


def pending_quarantine(store: SnapshotStore, source_name: str) -> Snapshot | None:
    """The newest download that failed its suite while the current good snapshot (or none) stayed in use."""
    good = store.latest_good(source_name)  # checks the name before it is used in a path
    record_path = store.root / source_name / _QUARANTINE
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        kept, sha256 = record.get("kept"), record["sha256"]
    except FileNotFoundError:
        return None
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise SnapshotError(f"{record_path}: unreadable quarantine record ({exc})") from exc
    if kept != (good.sha256 if good else None):
        return None  # a newer good snapshot has replaced the one this record kept
    return store.get(source_name, sha256)


def _prepare(source: Source, store: SnapshotStore, settings: Settings) -> ReferenceTable | SourceUnavailable:
    good = store.latest_good(source.name)
    fetched, problems = _first_download(source, good, settings)
    if fetched is None:
        return _unreachable(source, store, good, problems)
    notes = (f"could not fetch ({'; '.join(problems)}); used {fetched.url}",) if problems else ()
    if fetched.status == 304 and good is not None:
        _clear_quarantine(good)
        return _table(source, store, good, notes, fetched.url, FetchOutcome(UNCHANGED, good, detail="304 Not Modified"))
    snapshot = store.put(source, fetched.content or b"", fetched)
    checked = None
    if snapshot.validation is None:
        validation, compared = _validate(source, store, snapshot, settings, good)
        snapshot = store.record_validation(snapshot, {**validation.as_dict(), **compared})
        if validation.result is not None:
            checked = SourceValidation(source.name, snapshot.sha256, validation.result)
    if snapshot.passed and good is not None and snapshot.sha256 == good.sha256:
        _clear_quarantine(good)
        outcome = FetchOutcome(UNCHANGED, snapshot, detail="same sha256", validation=checked)
        return _table(source, store, snapshot, notes, fetched.url, outcome)
    if snapshot.passed:
        return _promote(source, store, good, snapshot, notes, fetched.url, checked)
    failures = (snapshot.validation or {}).get("failures") or ["no failure recorded"]
    _record_quarantine(snapshot, good)
    why = f"new download failed its suite: {failures[0]} (snapshot {snapshot.short} from {fetched.url} quarantined)"
    return _fallback(
        source,
        store,
        good,
        why,
        lambda kept: f"kept snapshot {kept.short} from {kept.retrieved_at}; {why}",
        FetchOutcome(QUARANTINED, snapshot, detail=failures[0], validation=checked),
    )


def _unreachable(
    source: Source, store: SnapshotStore, good: Snapshot | None, problems: list[str]
) -> ReferenceTable | SourceUnavailable:
    """No URL answered: use the last good snapshot, and say so, and say again what an earlier run quarantined."""
    reason = f"could not fetch ({'; '.join(problems)})"
    held = pending_quarantine(store, source.name)
    failed = (
        ""
        if held is None
        else (f"; new download {held.short} retrieved {held.retrieved_at} failed its suite: {_first_failure(held)}")
    )

    def note(kept: Snapshot) -> str:
        if held is None:
            return f"{reason}; using last good snapshot {kept.short} retrieved {kept.retrieved_at}"
        return f"{reason}; kept snapshot {kept.short} from {kept.retrieved_at}{failed}"

    return _fallback(source, store, good, reason + failed, note, FetchOutcome(FETCH_FAILED, detail=reason + failed))


def _promote(
    source: Source,
    store: SnapshotStore,
    previous: Snapshot | None,
    snapshot: Snapshot,
    notes: tuple[str, ...],
    fetched_from: str,
    checked: SourceValidation | None,
) -> ReferenceTable | SourceUnavailable:
    """Make a snapshot that passed its suite the good one, and keep its diff against the one it replaces."""
    store.mark_good(snapshot)
    _clear_quarantine(snapshot)
    table = _table(source, store, snapshot, notes, fetched_from, FetchOutcome(NEW, snapshot, validation=checked))
    if previous is None or not isinstance(table, ReferenceTable):
        return table
    diff, problem = _record_diff(source, store, previous, snapshot, table.frame)
    changed = diff.summary() if diff else problem
    warned = [line for line in (snapshot.validation or {}).get("warnings") or [] if line.startswith(_SINCE)]
    note = f"new snapshot {snapshot.short} replaces {previous.short}, so verdicts may differ: {changed}" + "".join(
        f"; warning: {line}" for line in warned
    )
    assert table.outcome is not None  # _table of a promoted snapshot always says how it came
    return replace(table, notes=(*table.notes, note), outcome=replace(table.outcome, diff=diff, detail=problem))


def _first_download(source: Source, good: Snapshot | None, settings: Settings) -> tuple[Download | None, list[str]]:
    """Try the URL, then each mirror; a conditional request against the good snapshot when it came from that URL."""
    problems: list[str] = []
    for url in (source.url, *source.mirrors):
        same = good if good is not None and good.url == url else None  # a conditional request only to its origin
        try:
            return download(
                url,
                settings=settings,
                base=settings.home,
                allowed_hosts=source.allowed_hosts,
                etag=same.etag if same else None,
                last_modified=same.last_modified if same else None,
                expected_format=source.format,
            ), problems
        except FetchError as exc:
            problems.append(str(exc))
    return None, problems


def _validate(
    source: Source, store: SnapshotStore, snapshot: Snapshot, settings: Settings, good: Snapshot | None
) -> tuple[Validation, dict]:
    """Run the source's suite on the stored bytes, then, if it passed, its changes suite against the good snapshot;
    a snapshot that will not load fails like one that breaks a rule. Also returns which snapshot it was compared to."""
    try:
        frame = load_frame(source, store.read(snapshot))
    except LoadError as exc:
        return Validation(success=False, failures=(f"could not load: {exc}",), warnings=(), evaluated=0), {}
    validation = validate_frame(frame, settings.expectations_dir / f"{source.suite}.json")
    if not validation.success or source.changes_suite is None or good is None or good.sha256 == snapshot.sha256:
        return validation, {}
    changes = _changes(source, store, good, frame, settings)
    merged = replace(
        validation,
        success=changes.success,
        failures=changes.failures,
        warnings=validation.warnings + changes.warnings,
        evaluated=validation.evaluated + changes.evaluated,
    )
    return merged, {"compared_with": good.sha256}


def _changes(
    source: Source, store: SnapshotStore, good: Snapshot, frame: pandas.DataFrame, settings: Settings
) -> Validation:
    """The changes suite's verdict on a new download against the good snapshot, each line saying against which."""
    since = f"{_SINCE} {good.short}"
    try:
        previous = load_frame(source, store.read(good))
        checked = check_changes(previous, frame, source, settings.expectations_dir / f"{source.changes_suite}.json")
    except (DiffError, LoadError, SnapshotError) as exc:  # the download passed its own suite: say so, keep it
        return Validation(success=True, failures=(), warnings=(f"not compared {since}: {exc}",), evaluated=0)
    return replace(
        checked,
        failures=tuple(f"{since}: {line}" for line in checked.failures),
        warnings=tuple(f"{since}: {line}" for line in checked.warnings),
    )


def _record_diff(
    source: Source, store: SnapshotStore, previous: Snapshot, current: Snapshot, frame: pandas.DataFrame
) -> tuple[SnapshotDiff | None, str]:
    """Compare the new good snapshot with the one it replaces and keep the diff beside it as <sha256>.diff.json."""
    try:
        diff = diff_frames(load_frame(source, store.read(previous)), frame, source)
    except (DiffError, LoadError, SnapshotError) as exc:
        return None, f"no diff against snapshot {previous.short}: {exc}"
    diff = replace(diff, previous=previous.sha256, current=current.sha256)
    text = json.dumps(diff.as_dict(), indent=2, ensure_ascii=False) + "\n"
    _write_atomically(current.path.with_name(f"{current.sha256}{_DIFF_SUFFIX}"), text.encode("utf-8"))
    return diff, ""


def _record_quarantine(quarantined: Snapshot, kept: Snapshot | None) -> None:
    """Remember the failed download beside LATEST, so later runs that cannot fetch still say what was held back."""
    record = {
        "sha256": quarantined.sha256,
        "kept": kept.sha256 if kept else None,
        "recorded_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    text = json.dumps(record, indent=2) + "\n"
    _write_atomically(quarantined.path.with_name(_QUARANTINE), text.encode("utf-8"))


def _clear_quarantine(good: Snapshot) -> None:
    """The source serves a good version again: what was held back is history, not news (its snapshot stays)."""
    good.path.with_name(_QUARANTINE).unlink(missing_ok=True)


def _first_failure(snapshot: Snapshot) -> str:
    failures = (snapshot.validation or {}).get("failures") or ["no failure recorded"]
    return failures[0]


def _fallback(
    source: Source,
    store: SnapshotStore,
    good: Snapshot | None,
    reason: str,
    note: Callable[[Snapshot], str],
    outcome: FetchOutcome,
) -> ReferenceTable | SourceUnavailable:
    """Use the last good snapshot with a note saying why, or report the source unavailable when there is none."""
    if good is None:
        return SourceUnavailable(source, f"{reason}; no good snapshot of {source.name} is stored", outcome)
    table = _table(source, store, good, (note(good),), good.url, outcome)
    if isinstance(table, SourceUnavailable):
        return SourceUnavailable(source, f"{reason}; {table.reason}", outcome)
    return table


def _table(
    source: Source,
    store: SnapshotStore,
    snapshot: Snapshot,
    notes: tuple[str, ...],
    fetched_from: str,
    outcome: FetchOutcome,
) -> ReferenceTable | SourceUnavailable:
    """Rebuild the frame from the stored bytes, so a run reads exactly what the snapshot's sha256 names."""
    try:
        frame = load_frame(source, store.read(snapshot))
    except (LoadError, SnapshotError) as exc:
        return SourceUnavailable(source, f"snapshot {snapshot.short} cannot be read: {exc}", outcome)
    return ReferenceTable(
        source=source, snapshot=snapshot, frame=frame, notes=notes, fetched_from=fetched_from, outcome=outcome
    )
