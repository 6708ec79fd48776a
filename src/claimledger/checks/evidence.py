"""great-expectations decides: every compared check of a run becomes one row of an evidence table (observed value,
the interval it must fall in), validated in one GX run by expectations/claim_checks.json; the rows that fail it are
the `fail` verdicts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from claimledger.checks.model import CheckResult, Verdict

EVIDENCE_COLUMNS = ["observed", "window_low", "window_high", "window_low_inclusive", "window_high_inclusive"]


def evidence_table(results: list[CheckResult]) -> pd.DataFrame:
    """One row per compared check (its check id in a column); unverifiable checks compared nothing and have no row."""
    compared = [r for r in results if r.verdict != Verdict.UNVERIFIABLE and r.observed is not None]
    frame = pd.DataFrame(
        [{"check_id": r.check_id, "claim_id": r.claim_id, "check_kind": r.check_kind, "claimed_low": r.low,
          "claimed_high": r.high, "tolerance": r.tolerance, **{c: getattr(r, c) for c in EVIDENCE_COLUMNS}}
         for r in compared],
        columns=["check_id", "claim_id", "check_kind", "claimed_low", "claimed_high", "tolerance", *EVIDENCE_COLUMNS],
    )
    for column in ("observed", "window_low", "window_high", "claimed_low", "claimed_high"):
        frame[column] = frame[column].astype("float64")
    return frame


def decide(results: list[CheckResult], suite_path: Path) -> tuple[list[CheckResult], dict]:
    """Verdicts from one GX validation of the run's evidence table; returns them with the validation outcome.

    The pure check functions already hold an opinion; GX's is the one recorded. Where they disagree the explanation
    is rewritten to match, so a ledger row never says 'holds' beside a `fail`.
    """
    from claimledger.gx import failing_rows

    table = evidence_table(results)
    if table.empty:
        return results, {"success": True, "evaluated": 0, "failures": [], "warnings": [], "rows": 0}
    failing, validation = failing_rows(table, suite_path)
    failing_ids = set(table.loc[sorted(failing), "check_id"]) if failing else set()
    decided = []
    for r in results:
        if r.verdict == Verdict.UNVERIFIABLE or r.observed is None:
            decided.append(r)
            continue
        verdict = Verdict.FAIL if r.check_id in failing_ids else Verdict.PASS
        decided.append(r if verdict == r.verdict else replace(r, verdict=verdict, explanation=_reworded(r, verdict)))
    return decided, {**validation.as_dict(), "rows": len(table)}


def _reworded(r: CheckResult, verdict: str) -> str:
    head, _, _ = r.explanation.rpartition(": ")
    return f"{head}: {'holds' if verdict == 'pass' else 'does not hold'}"
