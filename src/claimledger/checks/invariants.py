"""What no verdict may break, checked on a run's results before the ledger sees them.

The pure check rules decide every verdict. Before a run is written, its results become one table (one row per
result, verdict included) and expectations/claim_checks.json, a GX suite, checks the rows in one validation: a pass
or fail cites its source and snapshot, was held to a date no reference row of it is dated after, has an observed
value on the side of its claimed interval that its verdict says, and a consistency group's parts add up as its
verdict says. A broken invariant is an InvariantError, and the run is not written.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from claimledger.checks.engine import CONSISTENCY_KIND
from claimledger.checks.model import CheckResult
from claimledger.claims.model import Claim
from claimledger.gx import Validation, validate_frame

RESULT_COLUMNS = [
    "check_id",
    "claim_id",
    "check_kind",
    "verdict",
    "source",
    "snapshot_sha256",
    "observed",
    "window_low",
    "window_high",
    "window_low_inclusive",
    "window_high_inclusive",
    "reference_date",
    "as_of",
    "parts_sum",
]


class InvariantError(RuntimeError):
    """A run's results broke an invariant of its claim checks suite: a bug in a rule, never a verdict to record.
    The message names each broken expectation, the check ids (claim:check kind) that broke it and how."""

    def __init__(self, suite_path: Path, validation: Validation, run_id: str | None = None):
        self.validation = validation
        run = f"run {run_id}" if run_id else "the run"
        broken = len(validation.failures)
        super().__init__(
            f"{run} not recorded (nothing of it was written): its results broke {broken} invariant"
            f"{'' if broken == 1 else 's'} of {suite_path}: " + "; ".join(validation.failures)
        )


def results_table(results: list[CheckResult], claims: list[Claim], as_of: date | None = None) -> pd.DataFrame:
    """One row per result with what the invariants read: its verdict, citation, observed value and interval, the
    date of the reference row it used and the date it was held to (`as_of`, else its article's), and for a
    consistency result the sum of the parts it cites."""
    claim_as_of = {c.id: c.as_of for c in claims}
    frame = pd.DataFrame(
        [
            {
                "check_id": r.check_id,
                "claim_id": r.claim_id,
                "check_kind": r.check_kind,
                "verdict": str(r.verdict),
                "source": r.source,
                "snapshot_sha256": r.snapshot_sha256,
                "observed": r.observed,
                "window_low": r.window_low,
                "window_high": r.window_high,
                "window_low_inclusive": r.window_low_inclusive,
                "window_high_inclusive": r.window_high_inclusive,
                "reference_date": r.reference_date,
                "as_of": as_of or claim_as_of.get(r.claim_id),
                "parts_sum": _parts_sum(r),
            }
            for r in results
        ],
        columns=RESULT_COLUMNS,
    )
    for column in ("observed", "window_low", "window_high", "parts_sum"):
        frame[column] = frame[column].astype("float64")
    for column in ("window_low_inclusive", "window_high_inclusive"):
        frame[column] = frame[column].astype(bool)
    for column in ("reference_date", "as_of"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def _parts_sum(r: CheckResult) -> float | None:
    """What a consistency result's cited parts add up to; None for any other result or a part without a value."""
    if r.check_kind != CONSISTENCY_KIND or not r.evidence:
        return None
    values = [part.get("value") for part in r.evidence]
    present = [v for v in values if v is not None]
    return float(sum(present)) if len(present) == len(values) else None


def check_invariants(
    results: list[CheckResult], claims: list[Claim], as_of: date | None, suite_path: Path
) -> Validation:
    """The run's results validated by the claim checks suite in one GX run (GX imported on first use). Returns the
    outcome whether or not it holds, so Data Docs can show a broken one; `raise_if_broken` stops the write."""
    return validate_frame(results_table(results, claims, as_of), suite_path)


def raise_if_broken(validation: Validation, suite_path: Path, run_id: str | None = None) -> None:
    """Raise InvariantError when the validation found a broken invariant."""
    if not validation.success:
        raise InvariantError(suite_path, validation, run_id)
