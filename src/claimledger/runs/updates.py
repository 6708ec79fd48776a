"""What a fetch run did to each source, and which sources changed: the facts `claimledger.source.updated` carries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from claimledger.sources.docs import SourceValidation
from claimledger.sources.reference import FETCH_FAILED, QUARANTINED, UNCHANGED, ReferenceTable, SourceUnavailable
from claimledger.sources.snapshots import SnapshotStore

SOURCE_UPDATED = "claimledger.source.updated"  # the Prefect event refresh_sources emits, recheck is triggered by


@dataclass(frozen=True)
class SourceUpdate:
    """A source whose latest good snapshot changed during a fetch run (old is None for its first good snapshot)."""

    source: str
    old_sha256: str | None
    new_sha256: str

    def resource(self) -> dict[str, str]:
        """The event's resource: Prefect's id plus the plain source name a trigger can match on."""
        return {"prefect.resource.id": f"claimledger.source.{self.source}", "claimledger.source": self.source}

    def payload(self) -> dict[str, str | None]:
        return {"source": self.source, "old_sha256": self.old_sha256, "new_sha256": self.new_sha256}


def good_snapshots(store: SnapshotStore, names: Iterable[str]) -> dict[str, str | None]:
    """The sha256 of each source's latest good snapshot (None when it has none): read before and after a fetch."""
    found = {}
    for name in names:
        good = store.latest_good(name)
        found[name] = good.sha256 if good else None
    return found


def changed_sources(before: Mapping[str, str | None], after: Mapping[str, str | None]) -> list[SourceUpdate]:
    """Sources whose latest good snapshot differs after the fetch, in name order.

    "Changed" means a new good snapshot is in use: a 304, the same bytes again, a download that failed its suite
    (quarantined, the old snapshot stays) or a failed fetch changes nothing, so nothing depends on it anew.
    """
    return [
        SourceUpdate(name, before.get(name), new)
        for name, new in sorted(after.items())
        if new is not None and new != before.get(name)
    ]


def fetch_row(name: str, table: ReferenceTable | SourceUnavailable) -> dict:
    """One source's line of a fetch run: what happened, the snapshot in use, and the reason in words."""
    outcome = table.outcome
    downloaded = outcome.downloaded if outcome else None
    kept = table.snapshot if isinstance(table, ReferenceTable) else None
    failures = list((downloaded.validation or {}).get("failures") or []) if downloaded else []
    if isinstance(table, SourceUnavailable):
        message = table.reason
    elif outcome is None or outcome.status in (QUARANTINED, FETCH_FAILED) or kept is None:
        message = "; ".join(table.notes)
    elif outcome.status == UNCHANGED:
        message = "; ".join((f"{kept.short} ({outcome.detail})", *table.notes))
    else:
        against = outcome.diff.summary() if outcome.diff else outcome.detail or "first good snapshot"
        size = f"{downloaded.bytes:,} bytes" if downloaded else "no download"
        message = "; ".join((f"{kept.short} ({size} from {table.fetched_from}): {against}", *table.notes))
    if outcome is not None and outcome.status == QUARANTINED and len(failures) > 1:
        message += "; also: " + "; ".join(failures[1:3]) + ("; ..." if len(failures) > 3 else "")
    return {
        "source": name,
        "status": outcome.status if outcome else "unavailable",
        "snapshot_sha256": kept.sha256 if kept else None,
        "downloaded_sha256": downloaded.sha256 if downloaded else None,
        "message": message,
        "failures": failures,
        "diff": outcome.diff.as_dict() if outcome and outcome.diff else None,
    }


def validations(prepared: Iterable[ReferenceTable | SourceUnavailable]) -> list[SourceValidation]:
    """The suite runs a fetch run made (new downloads only): what its Data Docs build shows."""
    return [t.outcome.validation for t in prepared if t.outcome and t.outcome.validation]
