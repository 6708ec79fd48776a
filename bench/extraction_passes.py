"""Import the extractor, read the evaluation set once (the warm-up), then read it N more times: the run to count
instructions on, where wall-clock time on a shared machine is too noisy to compare two versions of the code.

Run: valgrind --tool=callgrind --callgrind-out-file=/dev/null .venv/bin/python bench/extraction_passes.py N
for N = 0 and N = 2; half the difference of the two "Collected" counts is the instructions of one pass
(bench/README.md).
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from claimledger.claims.extract import extract_claims
from claimledger.claims.model import Article

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("passes", type=int)
    parser.add_argument("--data", type=Path, default=ROOT / "tests/data/extraction_eval.jsonl")
    args = parser.parse_args()
    items = [json.loads(line) for line in args.data.read_text().splitlines()]
    articles = [
        Article(
            id=item["id"], text=item["text"], published=date.fromisoformat(item["as_of"]) if item.get("as_of") else None
        )
        for item in items
    ]
    for _ in range(1 + args.passes):
        for article in articles:
            extract_claims(article)


if __name__ == "__main__":
    main()
