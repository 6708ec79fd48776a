"""What a figure was taken to mean, in words for the claim page: its frame's slots, the slots its metric was chosen
on, and for a fail the report, population and period it was held against."""

from __future__ import annotations

from typing import Any

from claimledger.checks.model import Verdict
from claimledger.claims.vocabulary import load_vocabulary
from claimledger.ledger.rows import RecordedClaim, RecordedResult

# The frame's slots in reading order, each with the words a reader sees beside it.
FRAME_SLOTS = (
    ("counted", "What is counted"),
    ("measure", "Measure"),
    ("subject", "Who"),
    ("place", "Where"),
    ("restriction", "Only among"),
    ("time", "When"),
    ("attribution", "According to"),
    ("reported_by", "Reported by (an earlier sentence)"),
)


def frame_slots(frame: dict[str, Any] | None) -> list[dict[str, str]]:
    """The filled slots of a stored frame as (label, value) rows, plus the clause they were read from."""
    if not frame:
        return []
    rows = [
        {"slot": slot, "label": label, "value": _said(slot, frame[slot])}
        for slot, label in FRAME_SLOTS
        if frame.get(slot)
    ]
    if frame.get("clause"):
        rows.append({"slot": "clause", "label": "Read from", "value": frame["clause"]})
    return rows


def _said(slot: str, value: Any) -> str:
    if slot != "time" or not isinstance(value, dict):
        return str(value)
    words = value.get("text") or value.get("kind", "").replace("_", " ")
    key = value.get("period") or " to ".join(v for v in (value.get("start"), value.get("end")) if v)
    return f"{words} ({key})" if key and key not in words else words


def held_against(result: RecordedResult, claim: RecordedClaim) -> dict[str, str] | None:
    """For a fail: the report (source and its date), the population (the metric's label) and the period it was held
    against, so an accusation shows what it rests on."""
    if result.verdict != Verdict.FAIL or not result.source:
        return None
    rule = load_vocabulary().metrics.get(result.metric or claim.metric or "")
    when = result.reference_date
    period = claim.period or (f"as of the report of {when}" if when else "as of the article's date")
    return {
        "report": f"{result.source}{f' report of {when}' if when else ''}",
        "population": rule.label if rule else (result.metric or "–"),
        "period": str(period),
    }
