"""The JSON API: the same data as the pages, for scripts and other tools (read-only).

Each answer is the view's plain data written by `json.dumps` (dates and times in ISO 8601): FastAPI's own encoder
walks every value in Python and took longer than reading a page of claims from the ledger.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse

from claimledger.dashboard.pages import After, Limit, VerdictFilter
from claimledger.dashboard.views import Views


def _views(request: Request) -> Views:
    return request.app.state.views


class PlainJSON(JSONResponse):
    """JSON of plain data (dicts, lists, str, numbers, None, dates, times, paths, sets) without FastAPI's encoder."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, default=_plain, ensure_ascii=False, separators=(",", ":")).encode()


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not plain data")


router = APIRouter(prefix="/api", default_response_class=PlainJSON)


@router.get("/overview")
def overview(request: Request) -> PlainJSON:
    """The overview page: latest run, flips, failing claims, articles, sources."""
    return PlainJSON(_views(request).overview())


@router.get("/runs")
def runs(request: Request, limit: Limit = None, after: After = None) -> PlainJSON:
    """Runs, newest first, with their counts by verdict: {"runs": [...], "next": cursor or null}."""
    return PlainJSON(_views(request).runs(limit=limit, after=after))


@router.get("/claims")
def claims(
    request: Request,
    verdict: VerdictFilter | None = None,
    article: str | None = None,
    source: str | None = None,
    limit: Limit = None,
    after: After = None,
) -> PlainJSON:
    """Claims with their latest verdict, explanation and results (their evidence rows: /api/claims/{id}), in article
    and text order; filter by verdict, article or source: {"claims": [...], "next": cursor or null} (pass it back as
    ?after= for the next page)."""
    return PlainJSON(_views(request).claims(verdict=verdict, article=article, source=source, limit=limit, after=after))


@router.get("/claims/{claim_id}")
def claim(request: Request, claim_id: str) -> PlainJSON:
    """One claim: its latest results with evidence rows, and its verdict history across runs."""
    page = _views(request).claim(claim_id, charts=False)
    if page is None:
        raise HTTPException(404, f"No claim {claim_id!r} in the ledger.")
    return PlainJSON(page)


@router.get("/articles")
def articles(request: Request, limit: Limit = None, after: After = None) -> PlainJSON:
    """Articles newest first with their claims' verdicts counted: {"articles": [...], "next": cursor or null}."""
    return PlainJSON(_views(request).articles(limit=limit, after=after))


@router.get("/articles/{article_id}")
def article(request: Request, article_id: str) -> PlainJSON:
    """One article: its claims with their latest verdicts, and whether its text still matches the ledger."""
    page = _views(request).article(article_id)
    if page is None:
        raise HTTPException(404, f"No article {article_id!r} in the ledger.")
    page.pop("segments")
    return PlainJSON(page)


@router.get("/sources")
def sources(request: Request) -> PlainJSON:
    """Every source with its latest snapshot, age and validation status."""
    return PlainJSON(_views(request).sources())


@router.get("/sources/{name}")
def source(request: Request, name: str) -> PlainJSON:
    page = _views(request).source(name)
    if page is None:
        raise HTTPException(404, f"No source {name!r} in the registry or the ledger.")
    return PlainJSON(page)
