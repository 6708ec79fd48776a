"""Extraction benchmark: claimledger vs quantulum3 on the annotated evaluation set (accuracy, speed, memory).

Run: .venv/bin/python bench/extraction.py [--data tests/data/extraction_eval.jsonl] [--repeat 5] [--json out.json]
Each extractor runs in its own fresh subprocess (pinned to one CPU), so neither library's imports touch the
other's timing or memory numbers; the parent process only scores and prints.
"""

import os
import sys

# One core only: cap the thread pools of any numeric library before anything can import it, then pin the process
# (children inherit both the environment and the affinity).
for _var in (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "RAYON_NUM_THREADS",
):
    os.environ[_var] = "1"
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from datetime import date  # noqa: E402
from importlib import metadata  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXTRACTORS = ("claimledger", "quantulum3")
FIELDS = ("claims", "value", "unit", "qualifier", "interval", "metric", "share_base", "period")
# Fields each extractor can produce at all; the others print as "n/a".
SUPPORTED = {"claimledger": set(FIELDS), "quantulum3": {"claims", "value", "unit"}}
# quantulum3 unit name -> our unit. Anything else (currencies, lengths, ...) is kept as quantulum3 names it and so
# never agrees. Values are scored as quantulum3 gives them: "two-thirds" is 0.667 dimensionless (-> count), not
# 66.67 percent; a range is its midpoint; nothing is converted on its behalf.
Q3_UNITS = {
    "percentage": "percent",
    "dimensionless": "count",
    "month": "months",
    "year": "years",
    "week": "weeks",
    "day": "days",
}


# ---------------------------------------------------------------------------------------------------- child side
def load_extractor(name):
    """Import one extractor; return (version, run(item) -> raw result, to_predictions(raw) -> list of dicts)."""
    if name == "claimledger":
        from claimledger.claims.extract import extract_claims
        from claimledger.claims.model import Article

        def run(item):
            """claimledger's claims for one evaluation item, read against its as_of date."""
            return extract_claims(
                Article(
                    id=item["id"],
                    text=item["text"],
                    published=date.fromisoformat(item["as_of"]) if item.get("as_of") else None,
                )
            )

        def to_predictions(claims):
            """Claims -> the plain dicts the parent scores."""
            return [
                {
                    "start": c.start,
                    "end": c.end,
                    "value": c.value,
                    "unit": c.unit,
                    "qualifier": c.qualifier,
                    "low": c.low,
                    "high": c.high,
                    "metric": c.metric,
                    "period": c.period,
                    "share_base": _quote_of(getattr(c, "share_base", None)),
                }
                for c in claims
            ]

        return metadata.version("claimledger"), run, to_predictions
    import warnings

    warnings.filterwarnings("ignore", message="Classifier dependencies not installed")  # default: no classifier
    from quantulum3 import parser

    def run(item):
        """quantulum3's quantities for one evaluation item (default parser, no classifier)."""
        return parser.parse(item["text"])

    def to_predictions(quantities):
        """Quantities -> plain dicts, units mapped by Q3_UNITS, values as given."""
        return [
            {"start": q.span[0], "end": q.span[1], "value": q.value, "unit": Q3_UNITS.get(q.unit.name, q.unit.name)}
            for q in quantities
        ]

    return metadata.version("quantulum3"), run, to_predictions


def _quote_of(base):
    """share_base as a quote string, whether the extractor gives a string, a Claim-like object or a dict."""
    if base is None or isinstance(base, str):
        return base
    return base.get("quote") if isinstance(base, dict) else getattr(base, "quote", str(base))


def child(name, items, repeat):
    """Measure one extractor in this (fresh) process and print its predictions and numbers as JSON."""
    import resource
    import tracemalloc

    started = time.perf_counter()
    version, run, to_predictions = load_extractor(name)
    predictions = [to_predictions(run(item)) for item in items]  # warm-up pass; its output is what gets scored
    cold_s = time.perf_counter() - started  # import + first pass (lazy loading of rules, unit tables, caches)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    passes = []
    for _ in range(repeat):
        started = time.perf_counter()
        for item in items:
            run(item)
        passes.append(time.perf_counter() - started)
    tracemalloc.start()
    for item in items:
        run(item)
    traced_peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    extra = {}
    if name == "claimledger":
        from claimledger.claims.model import Claim

        extra["has_share_base"] = "share_base" in Claim.__dataclass_fields__
    else:
        import importlib.util

        extra["classifier"] = importlib.util.find_spec("sklearn") is not None
    json.dump(
        {
            "version": version,
            "cold_start_s": cold_s,
            "pass_s": passes,
            "peak_rss_mb": peak_rss_mb,
            "tracemalloc_peak_mb": traced_peak_mb,
            "predictions": predictions,
            **extra,
        },
        sys.stdout,
    )


# ---------------------------------------------------------------------------------------------------- scoring
def gold_spans(item, missing):
    """Locate each gold quote in the text left to right (a repeated quote takes its next occurrence)."""
    spans, cursor = [], 0
    for claim in item["claims"]:
        at = item["text"].find(claim["quote"], cursor)
        if at < 0:
            at = item["text"].find(claim["quote"])
        if at < 0:
            missing.append(f"{item['id']}: {claim['quote']!r}")
            spans.append(None)
            continue
        spans.append((at, at + len(claim["quote"])))
        cursor = at + 1
    return spans


def match(gold, spans, predicted):
    """Pair each gold claim with the unpaired prediction that overlaps its span the most (one-to-one)."""
    pairs, used = [], set()
    for g, span in zip(gold, spans):
        if span is None:
            continue
        best, best_overlap = None, 0
        for i, p in enumerate(predicted):
            overlap = min(span[1], p["end"]) - max(span[0], p["start"])
            if i not in used and overlap > best_overlap:
                best, best_overlap = i, overlap
        if best is not None:
            used.add(best)
            pairs.append((g, predicted[best]))
    return pairs


def close(a, b):
    """Numbers agree within 0.5% relative or 0.01 absolute; two nulls agree."""
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= max(0.01, 0.005 * abs(b))


def agrees(field, g, p):
    """Does the prediction's field agree with the gold claim's? (A null on both sides agrees.)"""
    if field == "claims":
        return True
    if field == "value":
        return close(p.get("value"), g.get("value"))
    if field == "interval":
        return all(
            (a is None and b is None) or (a is not None and b is not None and abs(a - b) <= 0.01)
            for a, b in ((p.get("low"), g.get("low")), (p.get("high"), g.get("high")))
        )
    if field == "share_base":
        return (p.get("share_base") or "").strip() == (g.get("share_base") or "").strip()
    return p.get(field) == g.get(field)


def prf(tp, n_pred, n_gold):
    """Precision, recall and F1 (None where a denominator is zero)."""
    p = tp / n_pred if n_pred else None
    r = tp / n_gold if n_gold else None
    f = None if p is None or r is None else (2 * p * r / (p + r) if p + r else 0.0)
    return {"tp": tp, "predicted": n_pred, "gold": n_gold, "precision": p, "recall": r, "f1": f}


def score(name, items, predictions, spans):
    """Per-field P/R/F1 over all items and value F1 per group, for one extractor."""
    counts = {f: 0 for f in FIELDS}
    groups = {}
    n_pred = n_gold = 0
    for item, predicted, item_spans in zip(items, predictions, spans):
        pairs = match(item["claims"], item_spans, predicted)
        n_pred, n_gold = n_pred + len(predicted), n_gold + len(item["claims"])
        for field in FIELDS:
            counts[field] += sum(agrees(field, g, p) for g, p in pairs)
        group = groups.setdefault(item["group"], {"items": 0, "tp": 0, "predicted": 0, "gold": 0})
        group["items"] += 1
        group["tp"] += sum(agrees("value", g, p) for g, p in pairs)
        group["predicted"] += len(predicted)
        group["gold"] += len(item["claims"])
    fields = {f: prf(counts[f], n_pred, n_gold) if f in SUPPORTED[name] else None for f in FIELDS}
    by_group = {g: {"items": v["items"], **prf(v["tp"], v["predicted"], v["gold"])} for g, v in sorted(groups.items())}
    return fields, by_group


# ---------------------------------------------------------------------------------------------------- output
def table(headers, rows):
    """Plain text table: first column left-aligned, the rest right-aligned."""
    cells = [headers] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))) for row in cells
    ]
    return "\n".join([lines[0], "  ".join("-" * w for w in widths)] + lines[1:])


def fmt(x, digits=3):
    """A number for a table cell; '-' when undefined."""
    return "-" if x is None else f"{x:.{digits}f}"


def report(result):
    """Print the accuracy, per-group, speed and memory tables side by side for both extractors."""
    ex = result["extractors"]
    print(
        f"data: {result['data']}  ({result['texts']} texts, {result['sentences']} sentences, "
        f"{result['gold_claims']} gold claims)"
    )
    print(
        "versions: "
        + ", ".join(f"{n} {ex[n]['version']}" for n in EXTRACTORS)
        + f" (quantulum3 classifier: {'installed' if ex['quantulum3']['classifier'] else 'not installed'})"
    )
    for miss in result["unlocated_quotes"]:
        print(f"  warning: gold quote not found in text, claim not scorable: {miss}")
    if not ex["claimledger"]["has_share_base"]:
        print("  note: claimledger's Claim has no share_base yet; it is scored as null for every claim")
    rows = []
    for f in FIELDS:
        row = [f]
        for n in EXTRACTORS:
            s = ex[n]["fields"][f]
            row += ["n/a"] * 3 if s is None else [fmt(s["precision"]), fmt(s["recall"]), fmt(s["f1"])]
        rows.append(row)
    print("\nAccuracy (P = TP/predicted, R = TP/gold; spans match by overlap)")
    print(table(["field", "ours P", "ours R", "ours F1", "q3 P", "q3 R", "q3 F1"], rows))
    print("\nvalue F1 per group (pred = claims predicted; '-' when undefined, e.g. no gold claims)")
    groups = ex["claimledger"]["groups"]
    print(
        table(
            ["group", "items", "gold", "ours pred", "ours F1", "q3 pred", "q3 F1"],
            [
                [
                    g,
                    v["items"],
                    v["gold"],
                    v["predicted"],
                    fmt(v["f1"]),
                    ex["quantulum3"]["groups"][g]["predicted"],
                    fmt(ex["quantulum3"]["groups"][g]["f1"]),
                ]
                for g, v in groups.items()
            ],
        )
    )
    print(f"\nSpeed and memory (one CPU, median of {result['repeat']} passes after a warm-up; fresh process each)")
    print(
        table(
            ["", "sentences/s", "texts/s", "cold start s", "peak RSS MiB", "tracemalloc peak MiB"],
            [
                [
                    n,
                    fmt(ex[n]["sentences_per_s"], 1),
                    fmt(ex[n]["texts_per_s"], 1),
                    fmt(ex[n]["cold_start_s"], 2),
                    fmt(ex[n]["peak_rss_mb"], 1),
                    fmt(ex[n]["tracemalloc_peak_mb"], 2),
                ]
                for n in EXTRACTORS
            ],
        )
    )
    print(f"\nthroughput ratio claimledger / quantulum3: {fmt(result['throughput_ratio'], 2)}x")


def main():
    """Parse arguments; run as the parent (spawn, score, print) or as a --child measuring one extractor."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT / "tests/data/extraction_eval.jsonl")
    ap.add_argument("--repeat", type=int, default=5, help="timed passes per extractor (median reported)")
    ap.add_argument("--json", type=Path, help="also write every number to this JSON file")
    ap.add_argument("--child", choices=EXTRACTORS, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    if not args.data.exists():
        ap.error(f"no evaluation set at {args.data} (see tests/data/README.md)")
    items = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    for item in items:
        item.setdefault("claims", [])
    if args.child:
        return child(args.child, items, args.repeat)
    from claimledger.claims.text import normalise, sentences  # plain regex code; used only to count sentences

    n_sentences = sum(len(sentences(normalise(item["text"]))) for item in items)
    missing = []
    spans = [gold_spans(item, missing) for item in items]
    result = {
        "data": str(args.data),
        "texts": len(items),
        "sentences": n_sentences,
        "repeat": args.repeat,
        "gold_claims": sum(len(i["claims"]) for i in items),
        "unlocated_quotes": missing,
        "extractors": {},
    }
    for name in EXTRACTORS:
        done = subprocess.run(
            [sys.executable, __file__, "--child", name, "--data", str(args.data), "--repeat", str(args.repeat)],
            capture_output=True,
            text=True,
        )
        if done.returncode:
            sys.exit(f"{name} child failed:\n{done.stderr}")
        measured = json.loads(done.stdout)
        fields, groups = score(name, items, measured.pop("predictions"), spans)
        median = statistics.median(measured["pass_s"])
        result["extractors"][name] = {
            **measured,
            "fields": fields,
            "groups": groups,
            "median_pass_s": median,
            "sentences_per_s": n_sentences / median,
            "texts_per_s": len(items) / median,
        }
    ex = result["extractors"]
    result["throughput_ratio"] = ex["claimledger"]["sentences_per_s"] / ex["quantulum3"]["sentences_per_s"]
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    report(result)


if __name__ == "__main__":
    main()
