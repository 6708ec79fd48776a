"""What each page (and its JSON twin) shows, assembled from the ledger, the registry and the snapshot store.

The ledger's typed rows (ledger/rows.py) are read here; a page is plain data (their `as_dict()` with what the page
adds), so the template and the JSON API show the same fields.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from claimledger.dashboard.article_text import recorded_text, segments
from claimledger.dashboard.charts import claim_chart
from claimledger.dashboard.display import VERDICTS, claim_verdict, web_link
from claimledger.dashboard.meaning import frame_slots, held_against
from claimledger.ledger.reader import LedgerReader
from claimledger.ledger.rows import RecordedResult, RecordedRun, RecordedSnapshot, RecordedSourceUse
from claimledger.settings import Settings
from claimledger.sources.registry import RegistryError, load_registry

RECENT_RUNS = 10


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


def flips(current: list[RecordedResult], earlier: list[RecordedResult]) -> list[dict[str, Any]]:
    """Results of the current run whose verdict differs from the same check of the same claim text in its last run
    (a new text under an old article id is a new claim version, not a flip)."""
    before = {_flip_key(r): r for r in earlier}  # oldest first: the last one wins
    changed = []
    for result in current:
        previous = before.get(_flip_key(result))
        if previous is not None and previous.verdict != result.verdict:
            changed.append(
                result.as_dict() | {"previous_verdict": previous.verdict, "previous_run_id": previous.run_id}
            )
    return changed


def _flip_key(result: RecordedResult) -> tuple[str, str, str]:
    return result.claim_id, result.claim_sha256, result.check_kind


class Views:
    """One method per page; each returns plain data the template renders and the JSON API returns."""

    def __init__(self, reader: LedgerReader, settings: Settings):
        self.reader = reader
        self.settings = settings

    # runs and the overview
    def runs(self, limit: int | None = None) -> list[dict]:
        counts = self.reader.verdict_counts()
        return [
            run.as_dict() | {"verdicts": {v: counts.get(run.id, {}).get(v, 0) for v in VERDICTS}}
            for run in self.reader.runs(limit)
        ]

    def overview(self) -> dict:
        runs = self.runs(RECENT_RUNS)
        latest = runs[0] if runs else None
        results = self.reader.results_of_run(latest["id"]) if latest else []
        earlier = [
            r
            for r in self.reader.results_of_claims(sorted({r.claim_id for r in results}))
            if latest and r.run_id != latest["id"] and r.run_started_at < latest["started_at"]
        ]
        checks = latest_checks(self.reader.results_of_claims())
        return {
            "latest": latest,
            "runs": runs,
            "flips": flips(results, earlier),
            "failing": self._claim_rows(checks, verdict="fail"),
            "articles": self.articles(checks),
            "sources": self.sources(),
            "data_docs": (self.settings.data_docs_dir / "index.html").is_file(),
        }

    def articles(self, checks: dict[str, dict] | None = None) -> list[dict]:
        """Every article with how many of its claims pass, fail or cannot be checked."""
        if checks is None:
            checks = latest_checks(self.reader.results_of_claims())
        verdicts: dict[str, list[str | None]] = {}
        for claim in self.reader.claims():
            verdicts.setdefault(claim.article_id, []).append(checks.get(claim.id, NOT_CHECKED)["verdict"])
        return [
            article.as_dict()
            | {
                "claims": len(verdicts.get(article.id, [])),
                "verdicts": {v: verdicts.get(article.id, []).count(v) for v in VERDICTS},
            }
            for article in self.reader.articles()
        ]

    # claims
    def claims(self, verdict: str | None = None, article: str | None = None, source: str | None = None) -> list[dict]:
        claims = self.reader.claims(article)
        checks = latest_checks(self.reader.results_of_claims([c.id for c in claims] if article else None))
        return self._claim_rows(checks, claims, verdict=verdict, source=source)

    def _claim_rows(
        self,
        checks: dict[str, dict],
        claims: list | None = None,
        *,
        verdict: str | None = None,
        source: str | None = None,
    ) -> list[dict]:
        rows = []
        for claim in claims if claims is not None else self.reader.claims():
            check = checks.get(claim.id, NOT_CHECKED)
            if verdict and check["verdict"] != verdict:
                continue
            if source and source not in {r.source for r in check["results"]}:
                continue
            rows.append(
                claim.as_dict()
                | {
                    "verdict": check["verdict"],
                    "run_id": check["run_id"],
                    "explanation": check["explanation"],
                    "sources": sorted({r.source for r in check["results"] if r.source}),
                    "results": [_result(r) for r in check["results"]],
                }
            )
        return rows

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
                chart = claim_chart(claim, result, as_of, self.settings)
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
        claims = self.claims(article=article_id)
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
        uses = self.reader.source_uses(name)
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
        summary = next((s for s in self.sources() if s["name"] == name), None)
        if summary is None:
            return None
        uses = self.reader.source_uses(name)
        shas = list(dict.fromkeys(u.snapshot_sha256 for u in uses if u.snapshot_sha256))
        snapshots = [
            snapshot.as_dict() if (snapshot := self.reader.snapshot(name, sha)) else {"sha256": sha} for sha in shas
        ]
        cited = {r.claim_id for r in self.reader.results_of_source(name)}
        claims = [c for c in self.claims() if c["id"] in cited]
        return {
            **summary,
            "uses": [use.as_dict() for use in uses],
            "snapshots": snapshots,
            "claims": claims,
            "article_ids": sorted({c["article_id"] for c in claims}),
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
