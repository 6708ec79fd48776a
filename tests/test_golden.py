"""The seed's verdicts, explanations included, are those of tests/golden/seed_verdicts.json (tests/golden.py)."""

from __future__ import annotations

from golden import GOLDEN, UPDATE, as_text, differences, seed_verdicts


def test_the_seed_gives_the_golden_verdicts(tmp_path):
    rows = seed_verdicts(tmp_path)
    assert {row["verdict"] for row in rows} >= {"pass", "fail"}  # a run that decided nothing is no golden run
    diff = differences(GOLDEN.read_text(encoding="utf-8"), as_text(rows))
    assert not diff, f"the seed's verdicts changed; if that is meant, run `{UPDATE}` and review the diff:\n{diff}"
