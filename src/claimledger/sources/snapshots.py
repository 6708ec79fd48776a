"""Snapshots stored by sha256, each beside its passport (url, retrieval time, headers, license, validation)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from claimledger.sources.fetch import Download
from claimledger.sources.registry import Source

_SOURCE_NAME = re.compile(r"[a-z0-9_]+")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_FORMAT = re.compile(r"[a-z0-9]+")
_LATEST = "LATEST"
_META_SUFFIX = ".meta.json"  # not "<sha>.json": it would collide with the data file of a JSON source


class SnapshotError(ValueError):
    """A snapshot name, file or pointer is unusable; the message names the file or source."""


@dataclass(frozen=True)
class Snapshot:
    """One immutable download of a source, named by the sha256 of its bytes, with the metadata a verdict cites."""

    source: str
    sha256: str
    bytes: int
    url: str
    retrieved_at: str
    format: str
    path: Path
    etag: str | None = None
    last_modified: str | None = None
    license: str = ""
    validation: dict | None = field(default=None, hash=False, compare=False)

    @property
    def short(self) -> str:
        """The 12-character form used in notes and tables."""
        return self.sha256[:12]

    @property
    def passed(self) -> bool:
        """True once a validation has been recorded and no error-severity expectation failed."""
        return bool(self.validation and self.validation.get("success") is True)

    def metadata(self) -> dict:
        """The JSON passport written beside the data file (everything but the local path)."""
        values = asdict(self)
        del values["path"]
        return values


class SnapshotStore:
    """The folder of snapshots: root/<source>/<sha256>.<format>, <sha256>.meta.json and a LATEST pointer."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def put(self, source: Source, content: bytes, download: Download) -> Snapshot:
        """Store a download once per content; an identical body returns the snapshot already recorded for it."""
        folder = self._folder(source.name)
        if not _FORMAT.fullmatch(source.format):
            raise SnapshotError(f"source {source.name!r}: format {source.format!r} cannot name a snapshot file")
        sha256 = hashlib.sha256(content).hexdigest()
        folder.mkdir(parents=True, exist_ok=True)
        data_path = folder / f"{sha256}.{source.format}"
        if not data_path.exists():
            _write_atomically(data_path, content)
        existing = self.get(source.name, sha256)
        if existing is not None:
            return existing
        snapshot = Snapshot(
            source=source.name,
            sha256=sha256,
            bytes=len(content),
            url=download.url,
            retrieved_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            format=source.format,
            path=data_path,
            etag=download.etag,
            last_modified=download.last_modified,
            license=source.license,
        )
        self._write_metadata(snapshot)
        return snapshot

    def record_validation(self, snapshot: Snapshot, validation: dict) -> Snapshot:
        """Keep a suite's outcome in the passport, so a failed snapshot stays quarantined across runs."""
        updated = replace(snapshot, validation=dict(validation))
        self._write_metadata(updated)
        return updated

    def mark_good(self, snapshot: Snapshot) -> None:
        """Point root/<source>/LATEST at a snapshot that passed its suite; the fallback when a later fetch fails."""
        if not snapshot.passed:
            raise SnapshotError(
                f"{snapshot.source} snapshot {snapshot.short}: only a snapshot that passed its suite can be marked good"
            )
        _write_atomically(self._folder(snapshot.source) / _LATEST, f"{snapshot.sha256}\n".encode())

    def latest_good(self, source_name: str) -> Snapshot | None:
        """The snapshot LATEST points to, or None when no download of this source has passed its suite yet."""
        pointer = self._folder(source_name) / _LATEST
        try:
            sha256 = pointer.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        if not _SHA256.fullmatch(sha256):
            raise SnapshotError(f"{pointer}: not a sha256 ({sha256[:80]!r})")
        snapshot = self.get(source_name, sha256)
        return snapshot if snapshot is not None and snapshot.passed else None

    def get(self, source_name: str, sha256: str) -> Snapshot | None:
        """The stored snapshot of a source with this sha256, or None if it was never stored."""
        if not _SHA256.fullmatch(sha256):
            raise SnapshotError(f"not a sha256: {sha256[:80]!r}")
        meta_path = self._folder(source_name) / f"{sha256}{_META_SUFFIX}"
        try:
            values = json.loads(meta_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise SnapshotError(f"{meta_path}: unreadable snapshot metadata ({exc})") from exc
        if not isinstance(values, dict) or not _FORMAT.fullmatch(str(values.get("format", ""))):
            raise SnapshotError(f"{meta_path}: snapshot metadata has no usable format")
        try:
            return Snapshot(path=meta_path.with_name(f"{sha256}.{values['format']}"), **values)
        except TypeError as exc:
            raise SnapshotError(f"{meta_path}: snapshot metadata lacks or has unexpected fields ({exc})") from exc

    def read(self, snapshot: Snapshot) -> bytes:
        """The snapshot's bytes, checked against its sha256 so a damaged file is never used for a verdict."""
        try:
            content = snapshot.path.read_bytes()
        except FileNotFoundError as exc:
            raise SnapshotError(f"{snapshot.path}: snapshot file is missing") from exc
        if hashlib.sha256(content).hexdigest() != snapshot.sha256:
            raise SnapshotError(f"{snapshot.path}: content no longer matches its sha256 {snapshot.short}")
        return content

    def _folder(self, source_name: str) -> Path:
        if not isinstance(source_name, str) or not _SOURCE_NAME.fullmatch(source_name):
            raise SnapshotError(f"source name {source_name!r} must match [a-z0-9_]+ (lower-case letters, digits, _)")
        return self.root / source_name

    def _write_metadata(self, snapshot: Snapshot) -> None:
        text = json.dumps(snapshot.metadata(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        folder = self._folder(snapshot.source)
        folder.mkdir(parents=True, exist_ok=True)
        _write_atomically(folder / f"{snapshot.sha256}{_META_SUFFIX}", text.encode("utf-8"))


def _write_atomically(path: Path, content: bytes) -> None:
    """Write to a temporary file in the same folder, then rename: readers never see half a file."""
    handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
