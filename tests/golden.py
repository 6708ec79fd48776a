"""The seed's verdicts as a golden file: tests/golden/seed_verdicts.json, one object per check result of every
article in seeds/, checked against the shared reference copies through the plain pipeline (no Prefect).

    make golden        (or: .venv/bin/python tests/golden.py --update)
        writes the file anew from what the pipeline gives now; review it with `git diff tests/golden/`
    .venv/bin/python tests/golden.py
        prints the differences, if any, and exits 1 when there are some

tests/test_golden.py fails when the file and the pipeline disagree: a changed verdict or explanation on the seed is
then a reviewed diff in a commit, never a side effect.
"""

from __future__ import annotations

import difflib
import json
import os
import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS))  # run as a script: conftest's helpers beside it

from conftest import CASUALTIES, REPO, make_project  # noqa: E402

GOLDEN = TESTS / "golden" / "seed_verdicts.json"
FIELDS = ("article", "quote", "metric", "check_kind", "verdict", "explanation")
UPDATE = "make golden"


def seed_verdicts(root: Path) -> list[dict[str, str | None]]:
    """The check results of seeds/ in text order, as the golden file holds them; a project is made under root."""
    from claimledger import pipeline
    from claimledger.settings import Settings

    home = make_project(root)
    ledger = f"sqlite:///{root / 'ledger.db'}"
    request = pipeline.VerifyRequest(
        paths=(str(home / "seeds"),), source_overrides=(f"gaza_casualties_daily=file:{CASUALTIES}",)
    )
    outcome = pipeline.verify(request, Settings(home=home, ledger=ledger))
    claims = {c.id: c for c in outcome.claims}
    rows = []
    for result in outcome.results:
        claim = claims[result.claim_id]
        rows.append(
            {
                "article": claim.article_id,
                "quote": claim.quote,
                "metric": result.metric,
                "check_kind": result.check_kind,
                "verdict": result.verdict,
                "explanation": result.explanation,
            }
        )
    return rows


def as_text(rows: list[dict]) -> str:
    """The golden file's text: one result a line, so a diff shows each changed result on its own."""
    return "[\n" + ",\n".join(json.dumps({k: row[k] for k in FIELDS}, ensure_ascii=False) for row in rows) + "\n]\n"


def differences(expected: str, actual: str) -> str:
    """A unified diff from the golden file to what the pipeline gives; empty when they agree."""
    return "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile=str(GOLDEN.relative_to(REPO)),
            tofile="the pipeline now",
        )
    )


def main(argv: list[str]) -> int:
    os.environ.setdefault("PREFECT_HOME", str(REPO / ".prefect"))
    with tempfile.TemporaryDirectory() as root:
        actual = as_text(seed_verdicts(Path(root)))
    if "--update" in argv:
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(actual, encoding="utf-8")
        print(f"wrote {GOLDEN.relative_to(REPO)}: review it with git diff {GOLDEN.parent.relative_to(REPO)}/")
        return 0
    diff = differences(GOLDEN.read_text(encoding="utf-8") if GOLDEN.exists() else "", actual)
    print(diff or f"{GOLDEN.relative_to(REPO)} agrees with the pipeline", end="" if diff else "\n")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
