"""The JSON API: the same data as the pages, for scripts and other tools (read-only)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request

from claimledger.dashboard.pages import VerdictFilter
from claimledger.dashboard.views import Views

router = APIRouter(prefix="/api")


def _views(request: Request) -> Views:
    return request.app.state.views


@router.get("/overview")
def overview(request: Request) -> dict:
    """The overview page: latest run, flips, failing claims, articles, sources."""
    return _views(request).overview()


@router.get("/runs")
def runs(request: Request) -> list[dict]:
    """Every run, newest first, with its counts by verdict."""
    return _views(request).runs()


@router.get("/claims")
def claims(
    request: Request, verdict: VerdictFilter | None = None, article: str | None = None, source: str | None = None
) -> list[dict]:
    """Claims with their latest verdict, explanation and results; filter by verdict, article or source."""
    return _views(request).claims(verdict=verdict, article=article, source=source)


@router.get("/claims/{claim_id}")
def claim(request: Request, claim_id: str) -> dict:
    """One claim: its latest results with evidence rows, and its verdict history across runs."""
    page = _views(request).claim(claim_id, charts=False)
    if page is None:
        raise HTTPException(404, f"No claim {claim_id!r} in the ledger.")
    return page


@router.get("/articles")
def articles(request: Request) -> list[dict]:
    return _views(request).articles()


@router.get("/articles/{article_id}")
def article(request: Request, article_id: str) -> dict:
    """One article: its claims with their latest verdicts, and whether its text still matches the ledger."""
    page = _views(request).article(article_id)
    if page is None:
        raise HTTPException(404, f"No article {article_id!r} in the ledger.")
    page.pop("segments")
    return page


@router.get("/sources")
def sources(request: Request) -> list[dict]:
    """Every source with its latest snapshot, age and validation status."""
    return _views(request).sources()


@router.get("/sources/{name}")
def source(request: Request, name: str) -> dict:
    page = _views(request).source(name)
    if page is None:
        raise HTTPException(404, f"No source {name!r} in the registry or the ledger.")
    return page
