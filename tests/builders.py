"""Small projects built inside a test, as sqlite-utils' tests build a `fresh_db`: an article of the sentences the
test names, a few rows of a reference table, and a registry pointing at them.

A ledger, dashboard or recheck test built this way says in its own body what it checks against, so a change to the
seed article, to the shared reference copies or to extraction elsewhere does not move it.

    home = small_project(tmp_path, casualties=daily_casualties({"2025-05-15": 53_010}))
    write_article(home / "articles", "toll", "More than 52,000 people have been killed in Gaza.")
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from claimledger.claims.model import Article, Claim, claim_id
from claimledger.claims.qualifiers import interval_for

REPO = Path(__file__).resolve().parents[1]
REGISTRY = REPO / "data" / "sources.toml"
CASUALTIES_SOURCE = "gaza_casualties_daily"
PUBLISHED = date(2025, 5, 16)


def write_article(
    folder: Path,
    article_id: str,
    *sentences: str,
    published: date | None = PUBLISHED,
    title: str = "",
    publisher: str = "Test Wire",
) -> Path:
    """folder/<article_id>.md: front matter and the sentences, one paragraph each (folder made when missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    front = {"title": title or f"Article {article_id}", "publisher": publisher}
    if published is not None:
        front["published"] = published.isoformat()
    head = "".join(f"{key}: {json.dumps(value)}\n" for key, value in front.items())
    path = folder / f"{article_id}.md"
    path.write_text(f"---\n{head}---\n" + "\n\n".join(sentences) + "\n", encoding="utf-8")
    return path


def claim(
    article: Article,
    quote: str,
    value: float,
    *,
    qualifier: str = "more_than",
    metric: str | None = "killed",
    unit: str = "count",
    form: str = "round",
) -> Claim:
    """The claim a ledger test records, built without extraction: `quote` where it first stands in the article's
    text, with the interval its qualifier gives `value`."""
    start = article.text.index(quote)
    interval = interval_for(value, qualifier, unit, form, 1.0)
    return Claim(
        id=claim_id(article.id, start, start + len(quote)),
        article_id=article.id,
        start=start,
        end=start + len(quote),
        quote=quote,
        sentence=article.text,
        value=value,
        unit=unit,
        qualifier=qualifier,
        low=interval.low,
        high=interval.high,
        low_inclusive=interval.low_inclusive,
        high_inclusive=interval.high_inclusive,
        form=form,
        metric=metric,
        as_of=article.published,
    )


def daily_casualties(killed: dict[str, int], **columns: dict[str, int]) -> list[dict[str, Any]]:
    """Rows of the daily casualty series, one per day given: the cumulative killed count of each day, every other
    field its suite requires derived from it (injured twice as many; children a third and women a fifth, so their
    sum stays below the killed count), and any column given as {day: value} set as given."""
    rows = []
    for day, count in sorted(killed.items()):
        row = {
            "report_date": day,
            "report_source": "mohtel",
            "killed_cum": count,
            "ext_killed_cum": count,
            "injured_cum": 2 * count,
            "ext_injured_cum": 2 * count,
            "ext_killed_children_cum": count // 3,
            "ext_killed_women_cum": count // 5,
            "ext_press_killed_cum": 0,
            "ext_med_killed_cum": 0,
        }
        for column, values in columns.items():
            if day in values:
                row[column] = values[day]
        rows.append(row)
    return rows


def hostage_deal_poll(
    poll_id: str, published: str, support_pct: float, oppose_pct: float, margin_of_error_pct: float | str = ""
) -> dict[str, Any]:
    """A row of the hostage-deal poll table (a test's own pollster and citation)."""
    return {
        "poll_id": poll_id,
        "pollster": "Test Pollster",
        "published": published,
        "date_precision": "day",
        "question": "a deal to release the hostages",
        "support_pct": support_pct,
        "oppose_pct": oppose_pct,
        "undecided_pct": round(100 - support_pct - oppose_pct, 1),
        "sample_size": 500,
        "margin_of_error_pct": margin_of_error_pct,
        "source_url": f"https://example.org/polls/{poll_id}",
    }


def emigration_poll(poll_id: str, published: str, considering_pct: float, not_considering_pct: float) -> dict[str, Any]:
    """A row of the emigration-intent poll table (a test's own pollster and citation)."""
    return {
        "poll_id": poll_id,
        "pollster": "Test Pollster",
        "published": published,
        "date_precision": "day",
        "question": "considered leaving the country",
        "considering_pct": considering_pct,
        "not_considering_pct": not_considering_pct,
        "undecided_pct": round(100 - considering_pct - not_considering_pct, 1),
        "source_url": f"https://example.org/polls/{poll_id}",
        "note": "",
    }


def emigration_year(year: int, left: int, returned: int, published_by: str) -> dict[str, Any]:
    """A row of the yearly emigration table: residents who left and who returned in `year`, published by a day."""
    return {
        "year": year,
        "residents_left": left,
        "residents_returned": returned,
        "published_by": published_by,
        "precision": "exact",
        "publisher": "Test Bureau of Statistics",
        "source_url": f"https://example.org/emigration/{year}",
        "note": "",
    }


def diplomatic_action(country: str, day: str, action: str = "recalled_ambassador") -> dict[str, Any]:
    """A row of the diplomatic-actions table: a country's action on a day."""
    return {"country": country, "action": action, "date": day, "source_url": f"https://example.org/actions/{country}"}


def timeline_event(
    event_id: str, day: str, description: str, value: float | str = "", unit: str = ""
) -> dict[str, Any]:
    """A row of the dated-events table: an event, and the figure reported for it when there is one."""
    return {
        "event_id": event_id,
        "date": day,
        "description": description,
        "value": value,
        "unit": unit,
        "source_url": f"https://example.org/events/{event_id}",
    }


def write_rows(path: Path, rows: list[dict[str, Any]]) -> Path:
    """rows as JSON records (path ending .json) or CSV with the first row's columns (.csv)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".json":
        path.write_text(json.dumps(rows), encoding="utf-8")
        return path
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def small_project(
    root: Path, *, casualties: list[dict[str, Any]] | None = None, tables: dict[str, list[dict[str, Any]]] | None = None
) -> Path:
    """root/project: a registry of only the sources given, each read from the rows given (the casualty series as
    `casualties`, a curated table by its source name in `tables`), with the project's own suites. No article, no
    snapshot, no ledger yet. A source's other settings (loader, date column, suite, metrics) are the project's."""
    given = dict(tables or {})
    if casualties is not None:
        given[CASUALTIES_SOURCE] = casualties
    home = root / "project"
    (home / "data" / "reference").mkdir(parents=True)
    shutil.copytree(REPO / "expectations", home / "expectations")
    registry = tomllib.loads(REGISTRY.read_text(encoding="utf-8"))["sources"]
    sections = []
    for name, rows in given.items():
        suffix = ".json" if registry[name]["format"] == "json" else ".csv"
        write_rows(home / "data" / "reference" / f"{name}{suffix}", rows)
        sections.append(_registry_section(name, f"file:data/reference/{name}{suffix}"))
    (home / "data" / "sources.toml").write_text("\n".join(sections), encoding="utf-8")
    return home


def point_source_at(home: Path, name: str, rows: list[dict[str, Any]]) -> Path:
    """Replace the rows a small project's source reads (a revision of the series); the file's path."""
    (path,) = (home / "data" / "reference").glob(f"{name}.*")
    return write_rows(path, rows)


def _registry_section(name: str, url: str) -> str:
    """The project registry's text for one source (its [sources.NAME] table and subtables), read from `url` with
    no mirrors."""
    text = REGISTRY.read_text(encoding="utf-8")
    start = re.search(rf"^\[sources\.{name}\]$", text, re.MULTILINE)
    assert start, f"{name}: not in {REGISTRY}"
    end = re.compile(r"^\[sources\.(?!" + name + r"\.)", re.MULTILINE).search(text, start.end())
    section = text[start.start() : end.start() if end else len(text)]
    section = re.sub(r"^url = .*$", f"url = {json.dumps(url)}", section, count=1, flags=re.MULTILINE)
    return re.sub(r"^mirrors = .*\n", "", section, flags=re.MULTILINE)
