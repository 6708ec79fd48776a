"""The extractor against the annotated evaluation set (tests/data/extraction_eval.jsonl, see its README).

Every item must yield exactly its annotated claims: same spans, values, units, qualifiers and intervals. Metric,
share base and period are harder (they need context the sentence may not hold): each must stay above a floor,
measured over the whole set, so a change that makes them worse fails here.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from claimledger.claims.extract import extract_claims
from claimledger.claims.model import Article

ITEMS = [json.loads(line) for line in (Path(__file__).parent / "data" / "extraction_eval.jsonl").open()]
FLOORS = {"metric": 0.95, "share_base": 0.95, "period": 0.85}  # share of gold claims whose field agrees


def extracted(item):
    return extract_claims(Article(id=item["id"], text=item["text"], published=date.fromisoformat(item["as_of"])))


def test_the_set_is_large_and_covers_every_form():
    groups = {item["group"] for item in ITEMS}
    assert len(ITEMS) >= 200
    assert {
        "digits",
        "scale",
        "words",
        "fraction",
        "share",
        "range",
        "change",
        "multiplier",
        "duration",
        "qualifier",
        "time",
        "subject",
        "unicode",
        "no_claim",
    } <= groups
    assert sum(1 for item in ITEMS if not item["claims"]) >= 40


@pytest.mark.parametrize("item", ITEMS, ids=[item["id"] for item in ITEMS])
def test_item(item):
    got = [(c.quote, c.value, c.unit, c.qualifier, c.low, c.high) for c in extracted(item)]
    want = [
        (
            c["quote"],
            pytest.approx(c["value"], abs=0.01),
            c["unit"],
            c["qualifier"],
            None if c["low"] is None else pytest.approx(c["low"], abs=0.011),
            None if c["high"] is None else pytest.approx(c["high"], abs=0.011),
        )
        for c in item["claims"]
    ]
    assert got == want, item["text"]


@pytest.mark.parametrize("field", sorted(FLOORS))
def test_context_fields_stay_above_their_floor(field):
    agree = total = 0
    for item in ITEMS:
        got = {c.quote: c for c in extracted(item)}
        for gold in item["claims"]:
            total += 1
            claim = got.get(gold["quote"])
            agree += claim is not None and getattr(claim, field) == gold[field]
    assert agree / total >= FLOORS[field], f"{field}: {agree}/{total}"
