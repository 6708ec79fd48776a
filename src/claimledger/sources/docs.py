"""GX Data Docs: one static site in data/gx/docs/ that the dashboard serves, built once per fetch run (the sources'
suite validations) and once per verify run (the invariants its results were held to before the ledger write).

Validation results are kept under data/gx/validations/<suite>/<run>/ for the last `gx_keep_runs` runs of each
suite; older runs are deleted with their pages. They are stored with the values from the data HTML-escaped, as the
pages are rendered from them (the snapshot's passport keeps the failures as they were). Everything under data/gx/ is
generated and git-ignored: no gx/ project is committed, and the context is built in memory at run time with its
stores pointed at that folder.
"""

from __future__ import annotations

import copy
import html
import logging
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from collections.abc import Sequence
from typing import Any

from claimledger.settings import Settings

_SITE = "claimledger_sources"
_RUN_TIME = "%Y%m%dT%H%M%S.%fZ"


class DocsError(RuntimeError):
    """Data Docs could not be written; the snapshots and their validations are unaffected."""


@dataclass(frozen=True)
class SourceValidation:
    """One suite run of a fetch run: which source and snapshot it judged, and GX's own result object."""

    source: str
    sha256: str
    result: Any  # great_expectations ExpectationSuiteValidationResult

    @property
    def batch(self) -> str:
        return f"{self.source}-{self.sha256[:12]}"

    @property
    def meta(self) -> dict[str, str]:
        return {"source": self.source, "snapshot_sha256": self.sha256}


@dataclass(frozen=True)
class RunValidation:
    """A verify run's invariant validation: the run (its ledger id) and GX's own result object."""

    run_id: str
    result: Any  # great_expectations ExpectationSuiteValidationResult
    part: int | None = None  # which part of a run taken in parts (pipeline.verify), None for a run of one

    @property
    def batch(self) -> str:
        return f"run-{self.run_id}" if self.part is None else f"run-{self.run_id}-part-{self.part:03d}"

    @property
    def meta(self) -> dict[str, str]:
        return {"run_id": self.run_id}


def run_name(now: datetime | None = None, kind: str = "fetch") -> str:
    """A run's name, its kind then its time: fetch-20250518T101500.123456Z, verify-20250518T101502.000001Z."""
    return f"{kind}-{(now or datetime.now(UTC)).strftime(_RUN_TIME)}"


def _run_time(run: str) -> datetime:
    return datetime.strptime(run.partition("-")[2], _RUN_TIME).replace(tzinfo=UTC)


def _by_time(run: str) -> tuple[str, str]:
    """A run name's sort key: its fixed-width time, then the name (fetch and verify runs interleave by time)."""
    return run.partition("-")[2], run


def build_data_docs(
    validations: Sequence[SourceValidation | RunValidation], settings: Settings, run: str | None = None
) -> Path | None:
    """Store this run's validation results, prune old runs and render the site once; None when nothing was validated."""
    if not validations:
        return None
    run = run or run_name()
    try:
        context = _context(settings.gx_dir, settings.data_docs_dir)
        identifiers = [key for validation in validations for key in _store(context, validation, run)]
        _prune(settings.gx_dir / "validations", settings.data_docs_dir / "validations", settings.gx_keep_runs)
        context.build_data_docs(site_names=[_SITE], resource_identifiers=identifiers)
    except Exception as exc:  # GX raises its own, marshmallow's and OS errors while rendering and writing
        raise DocsError(f"{settings.data_docs_dir}: Data Docs not built: {' '.join(str(exc).split())}") from exc
    return settings.data_docs_dir / "index.html"


def stored_runs(gx_dir: Path, suite: str | None = None) -> list[str]:
    """The runs (of one suite, or of any) whose validation results are still stored, oldest first."""
    root = gx_dir / "validations"
    if not root.is_dir():
        return []
    suites = [root / suite] if suite else [path for path in root.iterdir() if path.is_dir()]
    found = {run.name for path in suites if path.is_dir() for run in path.iterdir() if run.is_dir()}
    return sorted(found, key=_by_time)


def _context(gx_dir: Path, docs_dir: Path) -> Any:
    """An in-memory GX context whose suite and validation stores and Data Docs site are folders under data/gx/."""
    from great_expectations.data_context import EphemeralDataContext
    from great_expectations.data_context.types.base import DataContextConfig, ProgressBarsConfig

    # That module pins its logger to INFO and announces every context's Data Docs folder.
    logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)

    def folder(path: Path) -> dict:
        return {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(path)}

    memory = {"class_name": "InMemoryStoreBackend"}
    config = DataContextConfig(
        expectations_store_name="expectations_store",
        validation_results_store_name="validation_results_store",
        checkpoint_store_name="checkpoint_store",
        stores={
            "expectations_store": {"class_name": "ExpectationsStore", "store_backend": folder(gx_dir / "expectations")},
            "validation_results_store": {
                "class_name": "ValidationResultsStore",
                "store_backend": folder(gx_dir / "validations"),
            },
            "checkpoint_store": {"class_name": "CheckpointStore", "store_backend": memory},
            "validation_definition_store": {"class_name": "ValidationDefinitionStore", "store_backend": memory},
        },
        data_docs_sites={
            _SITE: {
                "class_name": "SiteBuilder",
                "store_backend": folder(docs_dir),
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    return EphemeralDataContext(project_config=config)


def _store(context: Any, validation: SourceValidation | RunValidation, run: str) -> tuple[Any, Any]:
    """Write one result and the suite as it ran to the stores; return the keys their pages are rendered from."""
    from great_expectations.core import ExpectationSuite
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    result = _escaped(validation.result)
    run_id = RunIdentifier(run_name=run, run_time=_run_time(run))
    result.meta["run_id"] = run_id
    result.meta["claimledger"] = validation.meta
    suite = ExpectationSuite(name=result.suite_name, expectations=[r.expectation_config for r in result.results])
    context.suites.add_or_update(suite)
    suite_key = ExpectationSuiteIdentifier(name=result.suite_name)
    key = ValidationResultIdentifier(
        expectation_suite_identifier=suite_key,
        run_id=run_id,
        batch_identifier=validation.batch,
    )
    context.validation_results_store.set(key, result)
    return suite_key, key


def _escaped(result: Any) -> Any:
    """A copy of the result whose values from the data are HTML-escaped: GX writes the unexpected values, observed
    values and tracebacks into its pages as they are (it escapes only its template parameters)."""
    result = copy.deepcopy(result)
    for expectation in result.results:
        if expectation.result:
            expectation.result = _escape_strings(expectation.result)
        info = expectation.exception_info
        if isinstance(info, dict):  # one entry, or one per metric that failed to compute
            for entry in (info, *(value for value in info.values() if isinstance(value, dict))):
                if isinstance(entry.get("exception_traceback"), str):
                    entry["exception_traceback"] = html.escape(entry["exception_traceback"])
    return result


def _escape_strings(value: Any) -> Any:
    if isinstance(value, str):
        return html.escape(value)
    if isinstance(value, dict):
        return {key: _escape_strings(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_escape_strings(item) for item in value]
    return value


def _prune(results_dir: Path, pages_dir: Path, keep: int) -> list[str]:
    """Delete the validation results and pages of all but the newest `keep` runs of each suite (so verify runs,
    one a recheck, never push a source's last fetch runs out); return the runs deleted."""
    deleted: set[str] = set()
    suites = sorted(path.name for path in results_dir.iterdir() if path.is_dir()) if results_dir.is_dir() else []
    for suite in suites:
        runs = stored_runs(results_dir.parent, suite)
        old = runs[: max(0, len(runs) - max(keep, 1))]
        for root in (results_dir, pages_dir):
            for name in old:
                shutil.rmtree(root / suite / name, ignore_errors=True)
        deleted.update(old)
    return sorted(deleted, key=_by_time)
