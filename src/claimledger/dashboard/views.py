"""What each page (and its JSON twin) shows, assembled from the ledger, the registry and the snapshot store.

The ledger's typed rows (ledger/rows.py) are read here; a page is plain data (their `as_dict()` with what the page
adds), so the template and the JSON API show the same fields.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date
from typing import Any

from claimledger.dashboard.article_text import recorded_text, segments
from claimledger.dashboard.charts import Chart, claim_chart
from claimledger.dashboard.display import VERDICTS, claim_verdict, web_link
from claimledger.dashboard.meaning import frame_slots, held_against
from claimledger.ledger.reader import MAX_LIMIT, LedgerReader
from claimledger.ledger.rows import (
    CheckedClaim,
    RecordedClaim,
    RecordedResult,
    RecordedRun,
    RecordedSnapshot,
    RecordedSourceUse,
)
from claimledger.settings import Settings
from claimledger.sources.registry import RegistryError, load_registry

RECENT_RUNS = 10
RECENT_USES = 100  # a source's uses by run on its page, newest first
OVERVIEW_ROWS = 25  # flips, failing claims and articles on the overview: the first this many, then a link to all
CHARTS_KEPT = 256  # charts drawn (about 80 ms each) kept in memory, most recently shown first


NOT_CHECKED: dict[str, Any] = {"verdict": None, "run_id": None, "results": [], "explanation": None}


def latest_checks(results: list[RecordedResult]) -> dict[str, dict[str, Any]]:
    """For each claim, the results of the newest run that checked it and the claim's verdict in that run.

    `results` must be ordered oldest run first, as the ledger reader returns them."""
    by_claim: dict[str, dict[str, Any]] = {}
    for result in results:
        entry = by_claim.get(result.claim_id)
        if entry is None or entry["run_id"] != result.run_id:
            entry = by_claim[result.claim_id] = {"run_id": result.run_id, "results": []}
        entry["results"].append(result)
    for entry in by_claim.values():
        entry["verdict"] = claim_verdict([r.verdict for r in entry["results"]])
        worst = next(r for r in entry["results"] if r.verdict == entry["verdict"])
        entry["explanation"] = worst.explanation
    return by_claim


class Views:
    """One method per page; each returns plain data the template renders and the JSON API returns. Every list is
    one page of an SQL query (`limit`, at most 1,000; `after`, the `next` cursor of the page before)."""

    def __init__(self, reader: LedgerReader, settings: Settings):
        self.reader = reader
        self.settings = settings
        self._charts: OrderedDict[tuple, Chart] = OrderedDict()
        self._charts_lock = threading.Lock()

    def _chart(self, claim: RecordedClaim, result: RecordedResult, as_of: date | None) -> Chart:
        """A result's chart, drawn once: a stored result, its claim version and the snapshot it cites never change
        (the registry's mtime is in the key: a chart can read today's registry entry)."""
        registry = self.settings.registry_path
        key = (claim.id, claim.text_sha256, result.id, as_of, registry.stat().st_mtime_ns if registry.exists() else 0)
        with self._charts_lock:
            if key in self._charts:
                self._charts.move_to_end(key)
                return self._charts[key]
        chart = claim_chart(claim, result, as_of, self.settings)
        with self._charts_lock:
            self._charts[key] = chart
            while len(self._charts) > CHARTS_KEPT:
                self._charts.popitem(last=False)
        return chart

    # runs and the overview
    def runs(self, limit: int | None = None, after: str | None = None) -> dict:
        page = self.reader.runs_page(limit, after)
        return {"runs": [_run(run) for run in page.items], "next": page.next}

    def overview(self) -> dict:
        runs = [_run(run) for run in self.reader.runs_page(RECENT_RUNS).items]
        latest = runs[0] if runs else None
        failing = self.claims(verdict="fail", limit=OVERVIEW_ROWS)
        articles = self.articles(limit=OVERVIEW_ROWS)
        return {
            "latest": latest,
            "runs": runs,
            "flips": [f.as_dict() for f in self.reader.flips(latest["id"], OVERVIEW_ROWS)] if latest else [],
            "flips_total": self.reader.count_flips(latest["id"]) if latest else 0,
            "failing": failing["claims"],
            "failing_total": self.reader.count_claims("fail"),
            "articles": articles["articles"],
            "articles_total": self.reader.count("articles"),
            "sources": self.sources(),
            "data_docs": (self.settings.data_docs_dir / "index.html").is_file(),
        }

    def articles(self, limit: int | None = None, after: str | None = None) -> dict:
        """Articles newest first, each with how many of its claims pass, fail or cannot be checked."""
        page = self.reader.articles_page(limit, after)
        counts = self.reader.article_counts([a.id for a in page.items])
        rows = [
            article.as_dict()
            | {
                "claims": counts[article.id]["claims"],
                "verdicts": {v: counts[article.id].get(v, 0) for v in VERDICTS},
            }
            for article in page.items
        ]
        return {"articles": rows, "next": page.next}

    # claims
    def claims(
        self,
        verdict: str | None = None,
        article: str | None = None,
        source: str | None = None,
        limit: int | None = None,
        after: str | None = None,
    ) -> dict:
        """A page of claims with their latest verdict, explanation and results, in article and text order."""
        page = self.reader.checked_claims(verdict=verdict, article=article, source=source, limit=limit, after=after)
        results = self.reader.latest_results(page.items)
        return {"claims": [_claim_row(c, results.get(c.id, [])) for c in page.items], "next": page.next}

    def claim(self, claim_id: str, charts: bool = True) -> dict | None:
        claim = self.reader.claim(claim_id)
        if claim is None:
            return None
        article = self.reader.article(claim.article_id)
        history = self.reader.results_of_claims([claim_id])
        check = latest_checks(history).get(claim_id, NOT_CHECKED)
        as_of = _as_of(
            self.reader.run(check["run_id"]) if check["run_id"] else None, article.published if article else None
        )
        results = []
        # the check of the claim's own metric first, then the rules that hold it against other figures
        for result in sorted(check["results"], key=lambda r: r.check_kind == "internal_consistency"):
            shown = _result(result)
            shown["held_against"] = held_against(result, claim)
            if charts:
                chart = self._chart(claim, result, as_of)
                shown["chart"] = {"svg": chart.svg, "caption": chart.caption}
            results.append(shown)
        return {
            "claim": claim.as_dict(),
            "article": article.as_dict() if article else {"id": claim.article_id, "published": None},
            "sentence": _sentence_parts(claim.sentence, claim.quote),
            "frame": frame_slots(claim.frame),
            "verdict": check["verdict"],
            "run_id": check["run_id"],
            "explanation": check["explanation"],
            "results": results,
            "as_of": as_of,
            "history": [_result(r, evidence=False) for r in reversed(history)],
        }

    # articles
    def article(self, article_id: str) -> dict | None:
        article = self.reader.article(article_id)
        if article is None:
            return None
        claims, after = [], None
        while True:  # every claim of one article (its text bounds them), a page at a time
            page = self.claims(article=article_id, limit=MAX_LIMIT, after=after)
            claims += page["claims"]
            if not (after := page["next"]):
                break
        text = recorded_text(self.settings, article)
        return {
            "article": article.as_dict(),
            "claims": claims,
            "text_problem": text.problem,
            "segments": segments(text.text, claims) if text.text is not None else None,
            "verdicts": {v: sum(1 for c in claims if c["verdict"] == v) for v in VERDICTS},
        }

    # sources
    def sources(self) -> list[dict]:
        """Every source in the registry (and any the ledger names that the registry lost), with its freshness."""
        try:
            registry = load_registry(self.settings.registry_path)
        except RegistryError:
            registry = {}
        names = sorted(set(registry) | set(self.reader.source_names()))
        return [self._source_summary(name, registry.get(name)) for name in names]

    def _source_summary(self, name: str, entry) -> dict:
        uses = self.reader.source_uses(name, limit=1)
        latest = uses[0] if uses else None
        sha256 = latest.snapshot_sha256 if latest else None
        snapshot = self.reader.snapshot(name, sha256) if sha256 else None
        return {
            "name": name,
            "title": entry.title if entry else "",
            "publisher": entry.publisher if entry else "",
            "cadence": entry.cadence if entry else "",
            "url": entry.url if entry else "",
            "license": entry.license if entry else "",
            "in_registry": entry is not None,
            "latest_use": latest.as_dict() if latest else None,
            "snapshot": snapshot.as_dict() if snapshot else None,
            "status": _validation_status(latest, snapshot),
            "notes": (latest.notes if latest else None) or "",
        }

    def source(self, name: str) -> dict | None:
        """A source: its latest state, its recent uses and snapshots, and the first page of claims whose latest
        check cited it (`claims_next` pages on through /claims?source=)."""
        summary = next((s for s in self.sources() if s["name"] == name), None)
        if summary is None:
            return None
        uses = self.reader.source_uses(name, limit=RECENT_USES)
        shas = list(dict.fromkeys(u.snapshot_sha256 for u in uses if u.snapshot_sha256))
        snapshots = [
            snapshot.as_dict() if (snapshot := self.reader.snapshot(name, sha)) else {"sha256": sha} for sha in shas
        ]
        claims = self.claims(source=name, limit=OVERVIEW_ROWS)
        return {
            **summary,
            "uses": [use.as_dict() for use in uses],
            "snapshots": snapshots,
            "claims": claims["claims"],
            "claims_next": claims["next"],
            "articles_checked": self.reader.count_source_articles(name),
        }


def _run(run: RecordedRun) -> dict:
    return run.as_dict() | {"verdicts": {v: (run.verdicts or {}).get(v, 0) for v in VERDICTS}}


def _claim_row(claim: CheckedClaim, results: list[RecordedResult]) -> dict:
    shown = {k: v for k, v in claim.as_dict().items() if not k.startswith("check_")}
    return shown | {
        "verdict": claim.check_verdict,
        "run_id": claim.check_run_id,
        "explanation": claim.check_explanation,
        "sources": sorted({r.source for r in results if r.source}),
        "results": [_result(r, evidence=False) for r in results],  # evidence rows: on the claim's own page
    }


def _result(result: RecordedResult, evidence: bool = True) -> dict:
    """A result as pages show it: its evidence rows parsed, the columns they share, the citation as a safe link."""
    shown = {k: v for k, v in result.as_dict().items() if k != "evidence"}
    shown["citation_link"] = web_link(result.citation)
    if evidence:
        rows = result.evidence_rows()
        shown["evidence_rows"] = rows
        shown["evidence_columns"] = list(dict.fromkeys(k for row in rows for k in row))
    return shown


def _sentence_parts(sentence: str, quote: str) -> dict:
    """The sentence around the quote, so the page can mark the quote inside it."""
    at = sentence.find(quote)
    if at < 0:
        return {"before": sentence, "quote": "", "after": ""}
    return {"before": sentence[:at], "quote": quote, "after": sentence[at + len(quote) :]}


def _validation_status(use: RecordedSourceUse | None, snapshot: RecordedSnapshot | None) -> dict:
    """'passed' / 'passed with warnings' / 'failed' / 'unavailable' / 'never used', with the messages behind it."""
    if use is None:
        return {"state": "never used", "messages": []}
    if use.status != "used" or snapshot is None:
        return {"state": "unavailable", "messages": [use.notes or "no snapshot could be used"]}
    validation = snapshot.validation or {}
    failures, warnings = validation.get("failures") or [], validation.get("warnings") or []
    if validation.get("success") is True:
        return {"state": "passed with warnings" if warnings else "passed", "messages": warnings}
    return {"state": "failed" if failures else "not validated", "messages": failures}


def _as_of(run: RecordedRun | None, published: date | None) -> date | None:
    """The date a claim was checked as of: the run's --as-of, else the article's own date."""
    if run and run.as_of:
        return run.as_of
    return published
