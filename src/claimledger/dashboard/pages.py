"""The HTML pages a fact-checker reads, and the recheck buttons on them (POST, answered with a job to follow)."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from claimledger.dashboard.recheck import Job, RecheckError
from claimledger.dashboard.security import check_post
from claimledger.dashboard.views import Views
from claimledger.ledger.reader import MAX_LIMIT

router = APIRouter()
VerdictFilter = Literal["pass", "fail", "unverifiable"]  # a Verdict, as a query parameter
# A list's page: ?limit= (default 100, at most 1,000) and ?after= (the `next` cursor of the page before)
Limit = Annotated[int | None, Query(ge=1, le=MAX_LIMIT)]
After = Annotated[str | None, Query(max_length=2_000)]


def page_context(request: Request, **values) -> dict:
    """What every page needs besides its own data: the ledger it reads and whether rechecks need the token."""
    job = request.query_params.get("job")
    return {
        "ledger": request.app.state.ledger_label,
        "token_required": request.app.state.token is not None,
        "job_id": job if job and job.isalnum() else None,
        **values,
    }


def _views(request: Request) -> Views:
    return request.app.state.views


def _render(request: Request, template: str, **values) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(request, template, page_context(request, **values))


@router.get("/", response_class=HTMLResponse)
def overview(request: Request):
    return _render(request, "overview.html", **_views(request).overview())


@router.get("/claims", response_class=HTMLResponse)
def claims(
    request: Request,
    verdict: VerdictFilter | None = None,
    article: str | None = None,
    source: str | None = None,
    limit: Limit = None,
    after: After = None,
):
    page = _views(request).claims(verdict=verdict, article=article, source=source, limit=limit, after=after)
    return _render(
        request,
        "claims.html",
        claims=page["claims"],
        next_page=_next_link(request, page["next"]),
        verdict=verdict,
        article=article,
        source=source,
    )


@router.get("/articles", response_class=HTMLResponse)
def articles(request: Request, limit: Limit = None, after: After = None):
    page = _views(request).articles(limit=limit, after=after)
    return _render(request, "articles.html", articles=page["articles"], next_page=_next_link(request, page["next"]))


@router.get("/runs", response_class=HTMLResponse)
def runs(request: Request, limit: Limit = None, after: After = None):
    page = _views(request).runs(limit=limit, after=after)
    return _render(request, "runs.html", runs=page["runs"], next_page=_next_link(request, page["next"]))


def _next_link(request: Request, cursor: str | None) -> str | None:
    """The same list, from the page after this one (its other query parameters kept)."""
    if cursor is None:
        return None
    return f"{request.url.path}?{urlencode({**request.query_params, 'after': cursor})}"


@router.get("/articles/{article_id}", response_class=HTMLResponse, name="article_page")
def article(request: Request, article_id: str):
    page = _views(request).article(article_id)
    if page is None:
        raise HTTPException(404, f"No article {article_id!r} in the ledger.")
    return _render(request, "article.html", **page)


@router.get("/claims/{claim_id}", response_class=HTMLResponse)
def claim(request: Request, claim_id: str):
    page = _views(request).claim(claim_id)
    if page is None:
        raise HTTPException(404, f"No claim {claim_id!r} in the ledger.")
    return _render(request, "claim.html", **page)


@router.get("/sources", response_class=HTMLResponse)
def sources(request: Request):
    return _render(request, "sources.html", sources=_views(request).sources())


@router.get("/sources/{name}", response_class=HTMLResponse, name="source_page")
def source(request: Request, name: str):
    page = _views(request).source(name)
    if page is None:
        raise HTTPException(404, f"No source {name!r} in the registry or the ledger.")
    return _render(request, "source.html", source=page)


@router.post("/articles/{article_id}/recheck", dependencies=[Depends(check_post)])
def recheck_article(request: Request, article_id: str):
    if request.app.state.views.reader.article(article_id) is None:
        raise HTTPException(404, f"No article {article_id!r} in the ledger.")
    job = _start(request, f"article {article_id}", [article_id])
    return _started(request, job, request.app.url_path_for("article_page", article_id=article_id))


@router.post("/sources/{name}/recheck", dependencies=[Depends(check_post)])
def recheck_source(request: Request, name: str):
    if name not in {s["name"] for s in _views(request).sources()}:
        raise HTTPException(404, f"No source {name!r} in the registry or the ledger.")
    article_ids = request.app.state.views.reader.source_claim_articles(name)
    if not article_ids:
        raise HTTPException(409, f"No checked claim used {name}: there is nothing to recheck.")
    job = _start(request, f"the {len(article_ids)} article(s) that used {name}", article_ids)
    return _started(request, job, request.app.url_path_for("source_page", name=name))


@router.get("/jobs/{job_id}")
def job_status(request: Request, job_id: str):
    job = request.app.state.rechecks.get(job_id)
    if job is None:
        raise HTTPException(404, f"No recheck job {job_id!r} (jobs live as long as the dashboard process).")
    return job.as_dict()


def _start(request: Request, label: str, article_ids: list[str]) -> Job:
    try:
        return request.app.state.rechecks.start(label, article_ids)
    except RecheckError as exc:
        raise HTTPException(409, str(exc)) from None


def _started(request: Request, job: Job, page: str):
    """A script gets the job to poll (202); a plain form post goes back to the page, which follows the job."""
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(jsonable_encoder({**job.as_dict(), "status_url": f"/jobs/{job.id}"}), status_code=202)
    return RedirectResponse(f"{page}?job={job.id}", status_code=303)
