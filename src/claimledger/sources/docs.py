"""GX Data Docs for the sources: one static site in data/gx/docs/ that the dashboard serves, built once per fetch run.

Validation results are kept under data/gx/validations/<suite>/<run>/ for the last `gx_keep_runs` fetch runs; older
runs are deleted with their pages. They are stored with the values from the data HTML-escaped, as the pages are
rendered from them (the snapshot's passport keeps the failures as they were). Everything under data/gx/ is
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
from typing import Any

from claimledger.settings import Settings

_SITE = "claimledger_sources"
_RUN_PREFIX = "fetch-"


class DocsError(RuntimeError):
    """Data Docs could not be written; the snapshots and their validations are unaffected."""


@dataclass(frozen=True)
class SourceValidation:
    """One suite run of a fetch run: which source and snapshot it judged, and GX's own result object."""

    source: str
    sha256: str
    result: Any  # great_expectations ExpectationSuiteValidationResult


def run_name(now: datetime | None = None) -> str:
    """A fetch run's name, sortable as text: fetch-20250518T101500.123456Z."""
    return _RUN_PREFIX + (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S.%fZ")


def build_data_docs(validations: list[SourceValidation], settings: Settings, run: str | None = None) -> Path | None:
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


def stored_runs(gx_dir: Path) -> list[str]:
    """The fetch runs whose validation results are still stored, oldest first."""
    root = gx_dir / "validations"
    if not root.is_dir():
        return []
    return sorted({run.name for suite in root.iterdir() if suite.is_dir() for run in suite.iterdir() if run.is_dir()})


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
            "validation_results_store": {"class_name": "ValidationResultsStore",
                                         "store_backend": folder(gx_dir / "validations")},
            "checkpoint_store": {"class_name": "CheckpointStore", "store_backend": memory},
            "validation_definition_store": {"class_name": "ValidationDefinitionStore", "store_backend": memory},
        },
        data_docs_sites={_SITE: {"class_name": "SiteBuilder", "store_backend": folder(docs_dir),
                                 "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"}}},
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    return EphemeralDataContext(project_config=config)


def _store(context: Any, validation: SourceValidation, run: str) -> tuple[Any, Any]:
    """Write one result and the suite as it ran to the stores; return the keys their pages are rendered from."""
    from great_expectations.core import ExpectationSuite
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    result = _escaped(validation.result)
    run_time = datetime.strptime(run[len(_RUN_PREFIX):], "%Y%m%dT%H%M%S.%fZ").replace(tzinfo=UTC)
    run_id = RunIdentifier(run_name=run, run_time=run_time)
    result.meta["run_id"] = run_id
    result.meta["claimledger"] = {"source": validation.source, "snapshot_sha256": validation.sha256}
    suite = ExpectationSuite(name=result.suite_name, expectations=[r.expectation_config for r in result.results])
    context.suites.add_or_update(suite)
    suite_key = ExpectationSuiteIdentifier(name=result.suite_name)
    key = ValidationResultIdentifier(
        expectation_suite_identifier=suite_key,
        run_id=run_id,
        batch_identifier=f"{validation.source}-{validation.sha256[:12]}",
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
    """Delete the validation results and pages of all but the newest `keep` fetch runs; return the runs deleted."""
    runs = stored_runs(results_dir.parent)
    old = runs[: max(0, len(runs) - max(keep, 1))]
    for root in (results_dir, pages_dir):
        if not root.is_dir():
            continue
        for suite in (path for path in root.iterdir() if path.is_dir()):
            for name in old:
                shutil.rmtree(suite / name, ignore_errors=True)
    return old
