"""Write N generated news articles whose every claim has a known verdict: bench/make_corpus.py N [--out DIR].

Figures come from the real reference data (../shared's casualty series, the curated tables under data/reference/) at
random article dates; a known share of them is deliberately wrong. The expected verdict of each claim is worked out
here, from the data directly and DESIGN.md's qualifier table, never by calling claimledger's checks.
Writes DIR/articles/*.md and DIR/expected.jsonl (one line per claim: article, quote, metric, expected).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SERIES = REPO.parent / "shared" / "reference" / "techforpalestine" / "casualties_daily.json"
CURATED = REPO / "data" / "reference"
WAR_START = date(2023, 10, 7)

OPENINGS = ["GAZA CITY", "CAIRO", "JERUSALEM", "GENEVA", "DOHA", "AMMAN"]
FILLER = [
    "Aid agencies warned that conditions were deteriorating.",
    "Negotiators met again without announcing progress.",
    "The statement did not say how the figures were compiled.",
    "Residents described long queues for water and bread.",
    "Officials declined to comment further on the talks.",
]


def load_series() -> dict[date, dict]:
    """The daily casualty reports by date."""
    return {date.fromisoformat(r["report_date"]): r for r in json.loads(SERIES.read_text())}


def read_csv(name: str) -> list[dict]:
    with (CURATED / name).open(newline="") as handle:
        return list(csv.DictReader(handle))


def report_for(series: dict[date, dict], as_of: date) -> dict | None:
    """The report public on the article's date: dated the day before (published the next day), within 3 days."""
    for back in range(1, 4):
        row = series.get(as_of - timedelta(days=back))
        if row and row.get("ext_killed_cum") is not None:
            return row
    return None


def round_down(value: float, unit: int) -> int:
    return int(value // unit * unit)


def claims_for(rng: random.Random, as_of: date, series, emigration, recognitions_unused, ties, wrong_share):
    """[(sentence, quote, metric, expected)] for one article dated as_of."""
    out = []
    wrong = lambda: rng.random() < wrong_share  # noqa: E731
    report = report_for(series, as_of)
    if report:
        killed = report["ext_killed_cum"]
        if wrong():
            figure = round_down(killed * 1.25, 1000)
            out.append(
                (
                    f"More than {figure:,} people have been killed in Gaza, the health ministry said.",
                    f"More than {figure:,}",
                    "killed",
                    "fail",
                )
            )
        else:
            figure = round_down(killed * 0.98, 1000)
            out.append(
                (
                    f"More than {figure:,} people have been killed in Gaza, the health ministry said.",
                    f"More than {figure:,}",
                    "killed",
                    "pass",
                )
            )
        injured = report["ext_injured_cum"]
        stated = injured if not wrong() else int(injured * 1.08)
        if stated % 100 == 0:
            stated += 7  # keep it an exact figure (2%): a round one would be held to 10%
        expected = "pass" if abs(stated - injured) <= 0.02 * stated else "fail"
        out.append(
            (f"The Gaza health ministry said {stated:,} people had been wounded.", f"{stated:,}", "injured", expected)
        )
        share = 100 * (report["ext_killed_children_cum"] + report["ext_killed_women_cum"]) / killed
        stated = round(share) if not wrong() else round(share) + rng.choice([-9, 9])
        expected = "pass" if abs(stated - share) <= 3 else "fail"
        out.append(
            (
                f"In Gaza, {stated} percent of the dead were women and children, the ministry said.",
                f"{stated} percent",
                "women_children_share_of_killed",
                expected,
            )
        )
    months = (as_of - WAR_START).days / (365.25 / 12)
    off = wrong()
    stated = int(months) if not off else int(months) + rng.choice([-6, 7])
    if off and not months / 3 <= stated <= 3 * months:
        stated = 2 * int(months)  # a figure three times off more likely measures another span: no accusation
    # "past N months": the months completed is true (13 when 13.9 have gone by); two or more months off is false
    expected = "fail" if off else "pass"
    if stated >= 2:
        out.append(
            (
                f"Over the past {stated} months, the war in Gaza has reshaped the region.",
                f"{stated} months",
                "war_duration",
                expected,
            )
        )
    listed = {row["country"] for row in ties if date.fromisoformat(row["date"]) <= as_of}
    if len(listed) >= 3:
        bound = len(listed) - 1 if not wrong() else len(listed) + 2
        expected = "pass" if len(listed) > bound else "fail"
        out.append(
            (
                f"More than {bound} countries have cut or downgraded ties with Israel, diplomats said.",
                f"More than {bound}",
                "countries_downgraded_ties",
                expected,
            )
        )
    by_year = {int(r["year"]): r for r in emigration if date.fromisoformat(r["published_by"]) <= as_of}
    year = max(by_year) if by_year else None
    if year and year - 1 in by_year:
        before, after = int(by_year[year - 1]["residents_left"]), int(by_year[year]["residents_left"])
        change = 100 * (after - before) / before
        stated = round(change) if not wrong() else round(change * 2.5)
        expected = "pass" if 0.9 * stated <= change <= 1.1 * stated else "fail"
        out.append(
            (
                f"Emigration from Israel rose by {stated} percent in {year}, official figures show.",
                f"{stated} percent",
                "emigrants_change",
                expected,
            )
        )
    return out


def article_text(rng: random.Random, title: str, as_of: date, sentences: list[str]) -> str:
    body = [f"{rng.choice(OPENINGS)} - {sentences[0]}"] + sentences[1:]
    paragraphs, line = [], []
    for sentence in body:
        line.append(sentence)
        if rng.random() < 0.4:
            line.append(rng.choice(FILLER))
        if len(line) >= 2:
            paragraphs.append(" ".join(line))
            line = []
    if line:
        paragraphs.append(" ".join(line))
    front = f'---\ntitle: "{title}"\npublisher: claimledger bench\npublished: {as_of.isoformat()}\n---\n'
    return front + "\n\n".join(paragraphs) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("--out", type=Path, default=None, help="folder (default bench/out/corpus-N)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--wrong-share", type=float, default=0.2, help="share of figures made wrong on purpose")
    args = parser.parse_args()
    out = args.out or REPO / "bench" / "out" / f"corpus-{args.n}"
    (out / "articles").mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    series = load_series()
    emigration, ties = read_csv("israel_emigration_cbs.csv"), read_csv("diplomatic_actions.csv")
    first, last = date(2024, 1, 10), date(2025, 8, 20)
    expected_lines = []
    for i in range(args.n):
        as_of = first + timedelta(days=rng.randrange((last - first).days))
        claims = claims_for(rng, as_of, series, emigration, None, ties, args.wrong_share)
        rng.shuffle(claims)
        article_id = f"gen-{i:06d}"
        text = article_text(rng, f"Generated report {i}", as_of, [c[0] for c in claims])
        (out / "articles" / f"{article_id}.md").write_text(text, encoding="utf-8")
        expected_lines += [
            json.dumps({"article": article_id, "quote": q, "metric": m, "expected": e}) for _, q, m, e in claims
        ]
    (out / "expected.jsonl").write_text("\n".join(expected_lines) + "\n", encoding="utf-8")
    print(f"{args.n} articles, {len(expected_lines)} claims -> {out}")


if __name__ == "__main__":
    main()
