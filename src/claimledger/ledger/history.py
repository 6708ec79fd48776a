"""Reading the ledger's history: run summaries, a claim's verdicts across runs, what changed between two runs, exports.

Claims are matched across runs by claim id (a hash of the article and the character span), claim text and check
kind, so a rerun after a source update shows exactly the claims whose verdict flipped, and a new text under an old
article id shows its claims as added and the old ones as removed, never as flips.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from claimledger.ledger import schema
from claimledger.ledger.store import LedgerError, LedgerStore


@dataclass(frozen=True)
class RunDiff:
    """How run_b differs from run_a, claim by claim (a claim's key is its id, its text and the check kind)."""

    run_a: str
    run_b: str
    flipped: list[dict[str, Any]] = field(default_factory=list)  # verdict changed: before/after of each side
    added: list[dict[str, Any]] = field(default_factory=list)  # checked in run_b only
    removed: list[dict[str, Any]] = field(default_factory=list)  # checked in run_a only
    unchanged: int = 0


def resolve_run(store: LedgerStore, ref: str) -> str:
    """A run id from a full id, a unique prefix (as `ledger list` prints), or `latest`."""
    runs = schema.runs
    with store.engine.connect() as conn:
        if ref == "latest":
            found = list(conn.scalars(select(runs.c.id).order_by(runs.c.started_at.desc(), runs.c.id).limit(1)))
        else:
            found = list(conn.scalars(select(runs.c.id).where(runs.c.id.startswith(ref, autoescape=True)).limit(2)))
    if not found:
        raise LedgerError(f"no run {ref!r} in the ledger (claimledger ledger list shows the runs)")
    if len(found) > 1:
        raise LedgerError(f"run {ref!r} is ambiguous: give more of its id")
    return found[0]


def previous_run(store: LedgerStore, run_id: str) -> str:
    """The run started just before run_id (what a rerun after a source update is compared with)."""
    runs = schema.runs
    with store.engine.connect() as conn:
        started = conn.scalar(select(runs.c.started_at).where(runs.c.id == run_id))
        earlier = conn.scalar(select(runs.c.id).where((runs.c.started_at < started) | (
            (runs.c.started_at == started) & (runs.c.id < run_id))).order_by(runs.c.started_at.desc(),
                                                                             runs.c.id.desc()).limit(1))
    if earlier is None:
        raise LedgerError(f"run {run_id} is the first in the ledger: there is nothing before it to compare with")
    return earlier


def run_summaries(store: LedgerStore, limit: int | None = None) -> list[dict[str, Any]]:
    """Runs, newest first, each with its counts by verdict and the snapshot of each source it used."""
    runs, link, r = schema.runs, schema.run_results, schema.check_results
    with store.engine.connect() as conn:
        query = select(runs).order_by(runs.c.started_at.desc(), runs.c.id)
        summaries = [dict(row._mapping) for row in conn.execute(query.limit(limit) if limit else query)]
        ids = [s["id"] for s in summaries]
        verdicts = conn.execute(select(link.c.run_id, r.c.verdict, func.count()).join(r, r.c.id == link.c.result_id)
                                .where(link.c.run_id.in_(ids)).group_by(link.c.run_id, r.c.verdict))
        sources = conn.execute(select(schema.run_sources).where(schema.run_sources.c.run_id.in_(ids))
                               .order_by(schema.run_sources.c.source))
        by_run = {s["id"]: s for s in summaries}
        for s in summaries:
            s["verdicts"], s["sources"] = {}, []
        for run_id, verdict, count in verdicts:
            by_run[run_id]["verdicts"][verdict] = count
        for use in sources:
            by_run[use.run_id]["sources"].append({"source": use.source, "status": use.status,
                                                  "snapshot_sha256": use.snapshot_sha256})
    return summaries


def claim(store: LedgerStore, claim_id: str) -> dict[str, Any]:
    """A claim's fields and its article's, by id or unique id prefix: its latest version, and how many it has."""
    c, a = schema.claims, schema.articles
    with store.engine.connect() as conn:
        ids = list(conn.scalars(select(c.c.id).where(c.c.id.startswith(claim_id, autoescape=True)).distinct()
                                .limit(2)))
        if not ids:
            raise LedgerError(f"no claim {claim_id!r} in the ledger (verify --format json prints claim ids)")
        if len(ids) > 1:
            raise LedgerError(f"claim {claim_id!r} is ambiguous: give more of its id")
        latest_first = (c.c.article_sha256 == a.c.text_sha256).desc()
        query = (select(c, a.c.title.label("article_title"), a.c.published.label("article_published"))
                 .join(a, a.c.id == c.c.article_id).where(c.c.id == ids[0]).order_by(latest_first, c.c.text_sha256))
        rows = [dict(row._mapping) for row in conn.execute(query)]
    return rows[0] | {"versions": len(rows)}


def claim_history(store: LedgerStore, claim_id: str) -> list[dict[str, Any]]:
    """Every verdict on a claim, oldest run first: the run, its as-of date, the claim text and article version it
    read, the snapshot used and the explanation; `flipped` when it differs from the last verdict on the same text."""
    runs, link, r, c, read = schema.runs, schema.run_results, schema.check_results, schema.claims, schema.run_articles
    query = (select(runs.c.id.label("run_id"), runs.c.started_at, runs.c.as_of, r.c.check_kind, r.c.verdict,
                    r.c.observed, r.c.reference_date, r.c.source, r.c.snapshot_sha256, r.c.explanation,
                    r.c.fingerprint, r.c.id.label("result_id"), r.c.claim_sha256, r.c.matched_on, c.c.quote,
                    read.c.article_sha256)
             .join(link, link.c.run_id == runs.c.id).join(r, r.c.id == link.c.result_id).join(c, schema.result_claim)
             .outerjoin(read, (read.c.run_id == runs.c.id) & (read.c.article_id == c.c.article_id))
             .where(r.c.claim_id == claim_id).order_by(runs.c.started_at, runs.c.id, r.c.check_kind))
    with store.engine.connect() as conn:
        history = [dict(row._mapping) for row in conn.execute(query)]
    last: dict[tuple[str, str], str] = {}
    for h in history:
        key = (h["claim_sha256"], h["check_kind"])
        h["flipped"] = key in last and last[key] != h["verdict"]
        last[key] = h["verdict"]
    return history


def diff_runs(store: LedgerStore, run_a: str, run_b: str) -> RunDiff:
    """Claims whose verdict changed from run_a to run_b, and claims checked in only one of them."""
    before = {_key(row): row for row in store.results(run_a)}
    after = {_key(row): row for row in store.results(run_b)}
    flipped, unchanged = [], 0
    for key in sorted(before.keys() & after.keys()):
        a, b = before[key], after[key]
        if a["verdict"] == b["verdict"]:
            unchanged += 1
            continue
        flipped.append({**_claim_part(b), "verdict_a": a["verdict"], "verdict_b": b["verdict"],
                        "observed_a": a["observed"], "observed_b": b["observed"],
                        "snapshot_a": a["snapshot_sha256"], "snapshot_b": b["snapshot_sha256"],
                        "explanation_a": a["explanation"], "explanation_b": b["explanation"]})
    added = [_claim_part(after[k]) | {"verdict": after[k]["verdict"]} for k in sorted(after.keys() - before.keys())]
    removed = [_claim_part(before[k]) | {"verdict": before[k]["verdict"]}
               for k in sorted(before.keys() - after.keys())]
    return RunDiff(run_a, run_b, flipped, added, removed, unchanged)


def export_rows(store: LedgerStore, run_id: str | None = None) -> list[dict[str, Any]]:
    """One row per (run, result): the run, the claim and the verdict with its evidence; every run when run_id is None."""
    query = _export_query()
    if run_id is not None:
        query = query.where(schema.runs.c.id == run_id)
    with store.engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def _export_query():
    runs, link, r, c = schema.runs, schema.run_results, schema.check_results, schema.claims
    return (select(runs.c.id.label("run_id"), runs.c.started_at.label("run_started_at"),
                   runs.c.as_of.label("run_as_of"), c.c.article_id, r.c.claim_id, c.c.quote, c.c.sentence,
                   c.c.metric, c.c.value, c.c.unit, c.c.qualifier, r.c.low, r.c.high, r.c.check_kind, r.c.verdict,
                   r.c.observed, r.c.reference_date, r.c.source, r.c.snapshot_sha256, r.c.tolerance,
                   r.c.explanation, r.c.citation, r.c.fingerprint)
            .join(link, link.c.run_id == runs.c.id).join(r, r.c.id == link.c.result_id)
            .join(c, schema.result_claim)
            .order_by(runs.c.started_at, runs.c.id, c.c.article_id, c.c.start, r.c.check_kind))


EXPORT_COLUMNS = [column.name for column in _export_query().selected_columns]


def _key(row: dict[str, Any]) -> tuple[str, str, str]:
    return row["claim_id"], row["claim_sha256"], row["check_kind"]


def _claim_part(row: dict[str, Any]) -> dict[str, Any]:
    return {"claim_id": row["claim_id"], "check_kind": row["check_kind"], "article_id": row["article_id"],
            "quote": row["quote"]}
