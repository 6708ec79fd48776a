"""Every list of the dashboard and its API is one page of an SQL query (issue 13): keyset pages that follow `next`
cover each row once, in order, under every filter; the overview's counts and flips come from the tables the writer
keeps; and the query plans of every page use indexes, never a full scan of the results or the claims, on SQLite and
on PostgreSQL."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, text

from claimledger.checks.model import CheckResult
from claimledger.claims.extract import extract_claims
from claimledger.claims.model import Article
from claimledger.dashboard.app import create_app
from claimledger.ledger.store import LedgerStore, RunRecord, SourceUse
from claimledger.settings import Settings

T0 = datetime(2025, 6, 1, tzinfo=timezone.utc)
SOURCES = ("alpha", "beta")


def articles() -> list[Article]:
    """Nine articles of a few figures each; three have no date (they list last)."""
    return [
        Article(
            id=f"art-{i}",
            text=" ".join(
                f"In district {i}-{k}, more than {1000 + 10 * i + k} people have been killed." for k in range(4)
            ),
            published=date(2025, 5, 1 + i % 3) if i % 4 else None,
        )
        for i in range(9)
    ]


def verdict_of(run: int, position: int) -> str:
    """Verdicts that differ between the two runs for every fifth claim (the flips)."""
    verdicts = ("pass", "fail", "unverifiable")
    return verdicts[(position + (run if position % 5 == 0 else 0)) % 3]


def run_of(run: int, texts: list[Article]) -> RunRecord:
    claims = [c for a in texts for c in extract_claims(a)]
    sha = uuid.uuid5(uuid.NAMESPACE_URL, f"snapshot-{run}").hex * 2
    results = [
        CheckResult(
            claim_id=c.id,
            check_kind="value_at_date",
            verdict=verdict_of(run, i),
            explanation=f"run {run}: {verdict_of(run, i)}",
            observed=c.value,
            source=SOURCES[i % 2],
            snapshot_sha256=sha,
        )
        for i, c in enumerate(claims)
    ]
    return RunRecord(
        run_id=f"run-{run}",
        started_at=T0 + timedelta(hours=run),
        finished_at=T0 + timedelta(hours=run, minutes=1),
        arguments={"paths": ["articles"]},
        as_of=None,
        articles=texts,
        claims=claims,
        results=results,
        sources=[
            SourceUse(s, "used", {"sha256": sha, "url": "file:x", "retrieved_at": "now", "bytes": 1}) for s in SOURCES
        ],
    )


@pytest.fixture
def ledger(ledger_url, tmp_path):
    """Two runs over the same nine articles; every fifth claim changes verdict in the second. Returns the
    dashboard's client, the ledger URL and what every claim's latest check is (by claim id)."""
    texts = articles()
    with LedgerStore(ledger_url) as store:
        store.record_run(run_of(1, texts))
        store.record_run(run_of(2, texts))
    claims = [c for a in texts for c in extract_claims(a)]
    latest = {
        c.id: {"article_id": c.article_id, "start": c.start, "verdict": verdict_of(2, i), "source": SOURCES[i % 2]}
        for i, c in enumerate(claims)
    }
    settings = Settings(home=tmp_path, ledger=ledger_url)
    return TestClient(create_app(settings, allowed_hosts=["testserver"])), ledger_url, latest


def every_page(client: TestClient, path: str, key: str, **params) -> tuple[list[dict], int]:
    """All the rows of a list, following `next`; and how many pages that took."""
    rows, after, pages = [], None, 0
    while True:
        answer = client.get(path, params={**params, **({"after": after} if after else {})})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert len(body[key]) <= params.get("limit", 100)
        rows += body[key]
        pages += 1
        if not (after := body["next"]):
            return rows, pages


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"verdict": "fail"},
        {"verdict": "pass"},
        {"source": "beta"},
        {"source": "alpha", "verdict": "unverifiable"},
        {"article": "art-4"},
    ],
)
def test_claim_pages_cover_every_claim_once_in_text_order(ledger, filters):
    client, _, latest = ledger
    rows, pages = every_page(client, "/api/claims", "claims", limit=4, **filters)
    wanted = sorted(
        (c["article_id"], c["start"], claim_id)
        for claim_id, c in latest.items()
        if all(
            c[k] == v
            for k, v in {"verdict": None, "source": None, "article": None, **filters}.items()
            if v and k != "article"
        )
        and c["article_id"] == filters.get("article", c["article_id"])
    )
    assert [(r["article_id"], r["start"], r["id"]) for r in rows] == wanted
    assert pages == max(1, -(-len(wanted) // 4))  # no empty page at the end
    assert all(r["verdict"] == latest[r["id"]]["verdict"] for r in rows)
    assert all(r["sources"] == [latest[r["id"]]["source"]] and len(r["results"]) == 1 for r in rows)
    assert all(r["run_id"] == "run-2" and r["explanation"].startswith("run 2") for r in rows)


def test_articles_and_runs_page_newest_first_undated_last(ledger):
    client, _, latest = ledger
    rows, pages = every_page(client, "/api/articles", "articles", limit=2)
    assert pages == 5
    dated = sorted((a for a in articles() if a.published), key=lambda a: (a.published, a.id), reverse=True)
    undated = sorted((a.id for a in articles() if not a.published), reverse=True)
    assert [r["id"] for r in rows] == [a.id for a in dated] + undated
    for row in rows:
        mine = [c["verdict"] for c in latest.values() if c["article_id"] == row["id"]]
        assert row["claims"] == len(mine) and row["verdicts"] == {v: mine.count(v) for v in row["verdicts"]}
    runs, _ = every_page(client, "/api/runs", "runs", limit=1)
    assert [r["id"] for r in runs] == ["run-2", "run-1"]
    assert runs[0]["verdicts"] == {
        v: sum(c["verdict"] == v for c in latest.values()) for v in ("pass", "fail", "unverifiable")
    }


def test_the_overview_counts_and_flips_come_from_the_written_tables(ledger):
    client, _, latest = ledger
    overview = client.get("/api/overview").json()
    changed = [claim_id for i, claim_id in enumerate(latest) if verdict_of(1, i) != verdict_of(2, i)]
    assert overview["flips_total"] == len(changed) == len(overview["flips"])
    assert {f["claim_id"] for f in overview["flips"]} == set(changed)
    assert all(f["previous_run_id"] == "run-1" and f["previous_verdict"] != f["verdict"] for f in overview["flips"])
    assert overview["failing_total"] == sum(c["verdict"] == "fail" for c in latest.values()) == len(overview["failing"])
    assert overview["articles_total"] == 9
    page = client.get("/").text
    assert "Flipped since the previous run" in page and 'href="/articles"' in page


def test_html_lists_link_to_their_next_page_and_bad_pages_are_refused(ledger):
    client, _, _ = ledger
    first = client.get("/claims", params={"verdict": "fail", "limit": 2})
    (link,) = re.findall(r'<a rel="next" href="([^"]+)"', first.text)
    assert link.startswith("/claims?") and "verdict=fail" in link and "limit=2" in link
    second = client.get(link.replace("&amp;", "&"))
    assert second.status_code == 200 and second.text.count("data-claim-id=") == 2
    assert client.get("/articles", params={"limit": 3}).text.count('<a rel="next"') == 1
    assert client.get("/runs").status_code == 200
    for bad in [{"limit": 0}, {"limit": 1001}]:
        assert client.get("/api/claims", params=bad).status_code == 422
    refused = client.get("/api/claims", params={"after": "not-a-cursor"})
    assert refused.status_code == 400 and "not one this list handed out" in refused.json()["detail"]
    runs_cursor = client.get("/api/runs", params={"limit": 1}).json()["next"]
    assert client.get("/api/claims", params={"after": runs_cursor}).status_code == 400  # another list's cursor


# -- the query plans ---------------------------------------------------------------------------------------------

BIG_TABLES = ("check_results", "run_results", "claims", "claim_checks", "claim_check_sources", "flips")


def pages(client: TestClient, latest: dict) -> list[str]:
    """Every page and endpoint, with a filter, a cursor and a limit where it takes them."""
    claim_id = next(iter(latest))
    after = client.get("/api/claims", params={"limit": 3}).json()["next"]
    fail_after = client.get("/api/claims", params={"limit": 3, "verdict": "fail"}).json()["next"]
    source_after = client.get("/api/claims", params={"limit": 3, "source": "alpha"}).json()["next"]
    article_after = client.get("/api/articles", params={"limit": 3}).json()["next"]
    run_after = client.get("/api/runs", params={"limit": 1}).json()["next"]
    return [
        "/",
        "/api/overview",
        "/claims",
        f"/claims?after={after}",
        "/claims?verdict=fail",
        f"/api/claims?verdict=fail&after={fail_after}",
        "/api/claims?source=alpha",
        f"/api/claims?source=alpha&after={source_after}",
        "/api/claims?article=art-3",
        "/articles",
        f"/api/articles?after={article_after}",
        "/runs",
        f"/api/runs?after={run_after}",
        f"/claims/{claim_id}",
        f"/api/claims/{claim_id}",
        "/articles/art-2",
        "/api/articles/art-2",
        "/sources",
        "/sources/alpha",
        "/api/sources/beta",
    ]


def test_no_page_scans_the_results_or_the_claims_whole(ledger):
    client, url, latest = ledger
    urls = pages(client, latest)
    engine = client.app.state.views.reader.engine
    statements: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and "alembic_version" not in statement:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        for page in urls:
            assert client.get(page).status_code == 200, page
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert len(statements) > len(urls)
    problems = []
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET enable_seqscan = off"))  # a small table is cheapest scanned: ask for the index path
        for statement, parameters in statements:
            plan = explain(conn, statement, parameters)
            for table in BIG_TABLES:
                if full_scan(plan, table, engine.dialect.name):
                    problems.append(f"{table} scanned whole by:\n{statement}\n{plan}")
    assert problems == []


def explain(conn, statement: str, parameters) -> str:
    raw = conn.connection.driver_connection
    if conn.dialect.name == "sqlite":
        rows = raw.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
        return "\n".join(row[-1] for row in rows)
    with raw.cursor() as cursor:
        cursor.execute(f"EXPLAIN {statement}", parameters)
        return "\n".join(row[0] for row in cursor.fetchall())


def full_scan(plan: str, table: str, dialect: str) -> bool:
    """SQLite: `SCAN table` without an index (a scan in an index's order stops at the page's LIMIT); PostgreSQL:
    `Seq Scan on table`."""
    if dialect == "sqlite":
        return any(re.fullmatch(rf"SCAN {table}( AS \w+)?", line.strip()) for line in plan.splitlines())
    return re.search(rf"Seq Scan on {table}\b", plan) is not None
