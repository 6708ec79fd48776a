"""Everything the extractor reads from a fixed set of texts, written to one JSON file, so that a change meant only to
make extraction faster can be shown to change no output: take a snapshot before, one after, and compare the files.

Run: .venv/bin/python bench/extraction_snapshot.py OUT.json [--eval ../shared/eval]
Texts: tests/data/extraction_eval.jsonl, bench/devset/articles/*.md, bench/devset/offtopic/*.md, seeds/*.md and
NewsQuant (read in place from --eval). For each: its claims with every field (frame and time frame included, and the
derived `unmatched` and `matched_on`), what was left unread, and every quantity of every sentence with every field
(claims or not, a from-to range's parts too). Compare two snapshots with `cmp` or `diff`.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from claimledger.articles import read_article
from claimledger.claims.extract import read_claims
from claimledger.claims.model import Article
from claimledger.claims.quantities import Quantity, find_quantities
from claimledger.claims.text import normalise, sentences

ROOT = Path(__file__).resolve().parents[1]


def quantity_dict(q: Quantity) -> dict:
    """A quantity with every field, its figure and its parts as plain values."""
    values = q._asdict()
    values["figure"] = q.figure._asdict()
    values["parts"] = [quantity_dict(part) for part in q.parts]
    return values


def snapshot(article: Article) -> dict:
    """What extraction reads from one article: claims, what was left unread, quantities per sentence."""
    extraction = read_claims(article)
    claims = [
        {**claim.as_dict(), "unmatched": claim.unmatched, "matched_on": list(claim.matched_on)}
        for claim in extraction.claims
    ]
    quantities = [
        [quantity_dict(q) for q in find_quantities(sentence.text)] for sentence in sentences(normalise(article.text))
    ]
    return {"id": article.id, "claims": claims, "unread": extraction.unread, "quantities": quantities}


def articles(eval_dir: Path):
    """Every text of the snapshot as an Article, in a fixed order."""
    for line in (ROOT / "tests/data/extraction_eval.jsonl").read_text().splitlines():
        item = json.loads(line)
        published = date.fromisoformat(item["as_of"]) if item.get("as_of") else None
        yield Article(id=f"eval:{item['id']}", text=item["text"], published=published)
    for folder in ("bench/devset/articles", "bench/devset/offtopic", "seeds"):
        for path in sorted((ROOT / folder).glob("*.md")):
            yield read_article(path)
    for number, line in enumerate((eval_dir / "newsquant.jsonl").read_text().splitlines()):
        yield Article(id=f"newsquant:{number}", text=json.loads(line)["text"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    args = parser.parse_args()
    texts = [snapshot(article) for article in articles(args.eval)]
    args.out.write_text(json.dumps(texts, indent=1, ensure_ascii=False, sort_keys=True, default=str) + "\n")
    print(
        f"{len(texts)} texts, {sum(len(t['claims']) for t in texts)} claims, "
        f"{sum(len(s) for t in texts for s in t['quantities'])} quantities -> {args.out}"
    )


if __name__ == "__main__":
    main()
