"""A hostile download for the Data Docs tests: event ids that are HTML with script in them, repeated so that the
timeline_events suite fails (uniqueness) and the snapshot is quarantined; the same HTML in the suite's notes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from claimledger.cli import app

SOURCE = "timeline_events"
# Each would mark the page, and try to start a recheck as the dashboard's own page would, if it ran.
RECHECK = "fetch('/articles/{article}/recheck',{{method:'POST',headers:{{Accept:'application/json'}}}})"
VALUE_PAYLOADS = (
    "<script>document.title='pwned';window.__pwned='script';" + RECHECK + "</script>",
    "<img src=x onerror=\"document.title='pwned';window.__pwned='img';" + RECHECK + '">',
)
NOTES_PAYLOAD = "<script>window.__pwned='notes'</script><b>notes</b>"


def payloads(article: str) -> tuple[str, ...]:
    """The event ids as written into the download, aimed at the given article's recheck."""
    return tuple(payload.format(article=article) for payload in VALUE_PAYLOADS)


def build_hostile_docs(home: Path, article: str = "any-article") -> list[Path]:
    """Fetch the hostile download into the project through `claimledger fetch`; return the validation pages."""
    suite_path = home / "expectations" / f"{SOURCE}.json"
    suite = json.loads(suite_path.read_text(encoding="utf-8"))
    suite["meta"]["notes"] = NOTES_PAYLOAD
    suite["expectations"][1]["notes"] = NOTES_PAYLOAD  # the uniqueness expectation, the one that fails
    suite_path.write_text(json.dumps(suite), encoding="utf-8")
    download = home / "hostile" / f"{SOURCE}.csv"
    download.parent.mkdir(parents=True, exist_ok=True)
    with download.open("w", newline="", encoding="utf-8") as out:
        rows = csv.writer(out)
        rows.writerow(["event_id", "date", "description", "value", "unit", "source_url"])
        for day, payload in enumerate([*payloads(article)] * 2, start=1):
            rows.writerow([payload, f"2024-01-0{day}", payload, "", "", "https://example.org/"])
    result = CliRunner().invoke(
        app,
        ["fetch", SOURCE, "--source", f"{SOURCE}=file:{download}", "--format", "json"],
        env={"CLAIMLEDGER_HOME": str(home)},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert row["status"] == "quarantined" and "event_id repeated" in row["message"], row
    pages = sorted((home / "data" / "gx" / "docs" / "validations" / SOURCE).rglob("*.html"))
    assert pages, f"no Data Docs page for {SOURCE}: {result.stderr}"
    return pages
