"""The dashboard through FastAPI's TestClient: pages, the JSON API, escaping, charts, rechecks and who may POST.

The ledger here is written by the real extraction and check rules and the real ledger store, without Prefect or GX
(fast), for a small project built below: one article of the sentences in SENTENCES, one figure for each kind of
check, and the reference rows that judge them (tests/builders.py). tests/test_dashboard_browser.py drives a ledger
from a real verify run of the same project in a real browser."""

from __future__ import annotations

import dataclasses
import re
import sqlite3
import time
import uuid
import warnings
from datetime import datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import (
    daily_casualties,
    diplomatic_action,
    emigration_poll,
    emigration_year,
    hostage_deal_poll,
    small_project,
    timeline_event,
    write_article,
)

from claimledger.checks.engine import check_claims, sources_needed
from claimledger.checks.model import Reference
from claimledger.claims.model import Frame, TimeFrame
from claimledger.claims.vocabulary import load_vocabulary
from claimledger.dashboard import create_app, display, recheck
from claimledger.ledger.store import LedgerStore, RunRecord, SourceUse
from claimledger.pipeline import extract, load_articles
from claimledger.settings import Settings
from claimledger.sources.fetch import Download
from claimledger.sources.loaders import load_frame
from claimledger.sources.registry import load_registry
from claimledger.sources.snapshots import SnapshotStore

with warnings.catch_warnings():  # Starlette suggests httpx2 over httpx; the TestClient works the same
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ARTICLE = "report"  # the one article of the project below, in articles/
SENTENCES = (
    "Over the past twenty months, the army has steadily intensified its war in Gaza.",
    "More than 41,000 people have been killed in Gaza, two-thirds of them women and children.",
    "In January, 64 percent of Israelis backed a deal to release the hostages, while only 26 percent opposed.",
    "The following month, nearly 800 Air Force veterans signed an open letter demanding the hostages' return.",
    "Six months later, the court issued an arrest warrant for him.",
    "More than eight countries downgraded ties with Israel.",
    "Emigration from Israel surged by 150 percent in 2024, with nearly a fifth of Israelis considering leaving the "
    "country.",
)
# The figures of SENTENCES, in text order; the rows below fail two of them and cannot judge one ("Six months": no
# metric). Women and children are a third plus a fifth of the killed in the series (53%, not two-thirds); 40,000 to
# 60,000 emigrants is +50%, not +150%.
QUOTES = [
    "twenty months",
    "More than 41,000",
    "two-thirds",
    "64 percent",
    "26 percent",
    "nearly 800",
    "Six months",
    "More than eight",
    "150 percent",
    "nearly a fifth",
]
FAILING = {"two-thirds", "150 percent"}
SERIES = daily_casualties({"2025-05-12": 41_200, "2025-05-15": 41_650})
TABLES = {
    "timeline_events": [
        timeline_event("war_start", "2023-10-07", "Start of the war"),
        timeline_event(
            "veterans_letter", "2025-04-10", "Letter of Air Force veterans for the hostages' return", 780, "signatories"
        ),
    ],
    "israel_polls_hostage_deal": [hostage_deal_poll("p-2025-01", "2025-01-20", 64, 26)],
    "diplomatic_actions": [
        diplomatic_action(country, f"2024-0{month}-01")
        for month, country in enumerate(["Atlantis", "Borduria", "Carpathia", "Elbonia", "Freedonia"], start=1)
    ]
    + [diplomatic_action(country, "2024-09-01") for country in ["Genovia", "Latveria", "Markovia", "Ruritania"]],
    "israel_emigration_cbs": [
        emigration_year(2023, 40_000, 20_000, "2024-09-22"),
        emigration_year(2024, 60_000, 21_000, "2024-12-31"),
    ],
    "israel_polls_emigration_intent": [emigration_poll("e-2024-10", "2024-10-04", 19, 70)],
    "palestine_recognitions": [{"country": "Atlantis", "date": "2024-04-19", "note": ""}],  # a source no claim needs
}
PASSED = {"success": True, "failures": [], "warnings": [], "evaluated": 1}
XSS_ARTICLE = """---
title: "<b>Bold</b> title"
publisher: "<i>Pub</i>"
published: 2025-05-16
url: "javascript:alert(1)"
---
<script>alert("x")</script> More than 52,000 people have been killed in Gaza, the health ministry said.
"""


def dashboard_project(root: Path) -> Path:
    """root/project: the registry of the sources in TABLES and the casualty SERIES, each read from the rows above,
    and ARTICLE in articles/; no snapshot, no ledger yet."""
    home = small_project(root, casualties=SERIES, tables=TABLES)
    write_article(home / "articles", ARTICLE, *SENTENCES)
    return home


def record_run(
    project: Path,
    paths: list[Path],
    *,
    flip: str | None = None,
    overrides: tuple[str, ...] = (),
    frames: dict | None = None,
) -> str:
    """Check the articles with the real rules against stored snapshots and write a run; `flip` turns the verdict of
    the claim with that quote to fail (a source revision, in effect); `frames` gives the claims with those quotes a
    frame (as a frame reader would), and their results the slots their metric was chosen on."""
    settings = Settings(home=project)
    registry = load_registry(settings.registry_path)
    store = SnapshotStore(settings.snapshots_dir)
    vocabulary = load_vocabulary()
    articles = load_articles(tuple(map(str, paths)))
    claims = [dataclasses.replace(c, frame=(frames or {}).get(c.quote, c.frame)) for c in extract(articles, settings)]
    references, uses = {}, []
    for name in sorted(sources_needed(claims, vocabulary)):
        source = registry[name]
        content = (project / source.url.removeprefix("file:")).read_bytes()  # the rows the project was built with
        snapshot = store.record_validation(store.put(source, content, Download(content, source.url, 200)), PASSED)
        references[name] = Reference(
            source=name,
            title=source.title,
            frame=load_frame(source, content),
            snapshot_sha256=snapshot.sha256,
            date_column=source.date_column,
            publication_lag_days=source.publication_lag_days,
            citation_column=source.citation_column,
        )
        uses.append(SourceUse(name, "used", snapshot.metadata()))
    results = check_claims(claims, references, vocabulary)
    quotes = {c.id: c.quote for c in claims}
    results = [
        dataclasses.replace(r, verdict="fail", explanation="revised: does not hold")
        if quotes[r.claim_id] == flip
        else r
        for r in results
    ]
    results = [
        dataclasses.replace(r, matched_on=("measure=killed", "place=Gaza"))
        if quotes[r.claim_id] in (frames or {})
        else r
        for r in results
    ]
    run_id = str(uuid.uuid4())
    now = datetime.now(timezone.utc)
    LedgerStore(settings.ledger).record_run(
        RunRecord(
            run_id=run_id,
            started_at=now,
            finished_at=now,
            as_of=None,
            articles=articles,
            claims=claims,
            results=results,
            sources=uses,
            arguments={"paths": list(map(str, paths)), "as_of": None, "sources": list(overrides), "ledger": None},
        )
    )
    return run_id


class FakeRunner:
    """Stands in for the verify flow: records what it was asked to recheck."""

    def __init__(self):
        self.requests = []
        self.ledgers = []

    def __call__(self, request, settings) -> str:
        self.requests.append(request)
        self.ledgers.append(settings.ledger)
        return f"run-{len(self.requests)}"


@pytest.fixture
def project(tmp_path):
    """The small project of these tests (not conftest's copy of the repository's seeds and tables)."""
    return dashboard_project(tmp_path)


@pytest.fixture
def seeded(project):
    """The project with one run of its article in the ledger."""
    record_run(project, [project / "articles"], overrides=("gaza_casualties_daily=file:/mirror/c.json",))
    return project


def client_for(project: Path, **options) -> TestClient:
    options.setdefault("runner", FakeRunner())
    options.setdefault("allowed_hosts", ["testserver"])  # the TestClient's Host
    settings = Settings(home=project)
    return TestClient(create_app(settings, **options))


def ledger_counts(project: Path) -> tuple[str, dict[str, int]]:
    with sqlite3.connect(project / "data" / "ledger.db") as db:
        (run_id,) = db.execute("select id from runs order by started_at desc limit 1").fetchone()
        rows = db.execute(
            "select verdict, count(*) from check_results r join run_results l on l.result_id = r.id "
            "where l.run_id = ? group by verdict",
            (run_id,),
        ).fetchall()
    return run_id, dict(rows)


def highlighted(html: str) -> list[tuple[str, str]]:
    """(claim id, verdict) of every claim highlighted in an article's text."""
    text = html.split('<article class="article-text">', 1)[1].split("</article>", 1)[0]
    return re.findall(r'<a class="claim v-\w+" href="/claims/\w+" data-claim-id="(\w+)" data-verdict="(\w+)"', text)


# -- pages ----------------------------------------------------------------------------------------------------------


def test_overview_counts_match_the_ledger(seeded):
    run_id, counts = ledger_counts(seeded)
    html = client_for(seeded).get("/").text
    for verdict in ("pass", "fail", "unverifiable"):
        shown = re.search(rf'data-verdict="{verdict}"><span class="n">(\d+)</span>', html).group(1)
        assert int(shown) == counts.get(verdict, 0)
    assert run_id[:12] in html
    assert all(quote in html for quote in FAILING)  # the failing claims, at a glance
    assert "GX Data Docs have not been built yet" in html
    assert 'data-source="gaza_casualties_daily"' in html


def test_article_page_highlights_every_claim_by_verdict(seeded):
    client = client_for(seeded)
    claims = client.get("/api/claims", params={"article": ARTICLE}).json()["claims"]
    spans = highlighted(client.get(f"/articles/{ARTICLE}").text)
    assert len(spans) == len(claims)
    assert dict(spans) == {c["id"]: c["verdict"] for c in claims}
    assert {v for _, v in spans} == {"pass", "fail", "unverifiable"}


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda p: p.write_text(p.read_text() + "\nAn added line.\n"), "has changed since it was checked"),
        (lambda p: p.unlink(), "is gone"),
    ],
)
def test_article_whose_file_changed_or_went_lists_its_claims(seeded, damage, message):
    damage(seeded / "articles" / f"{ARTICLE}.md")
    html = client_for(seeded).get(f"/articles/{ARTICLE}").text
    assert message in html
    assert '<article class="article-text">' not in html
    assert html.count('data-claim-id="') == len(QUOTES)  # the claims table still lists them


def test_claim_page_shows_interval_evidence_history_and_chart(seeded):
    client = client_for(seeded)
    (killed,) = [c for c in client.get("/api/claims").json()["claims"] if c["quote"] == "More than 41,000"]
    html = client.get(f"/claims/{killed['id']}").text
    assert "&gt; 41,000" in html  # the interval the qualifier implies
    assert "41,650" in html and "2025-05-15" in html  # evidence row, formatted
    assert "<svg" in html and "article 2025-05-16" in html  # the chart, with the article date marked
    assert "Verdict history" in html
    assert "<mark>More than 41,000</mark>" in html


def test_claim_page_shows_what_the_figure_was_taken_to_mean_and_what_a_fail_rests_on(project):
    frame = Frame(
        clause="More than 41,000 people have been killed",
        counted="person",
        measure="killed",
        subject="palestinian",
        place="Gaza",
        time=TimeFrame("as_of"),
        attribution="the health ministry",
    )
    record_run(project, [project / "articles"], flip="More than 41,000", frames={"More than 41,000": frame})
    client = client_for(project)
    (killed,) = [c for c in client.get("/api/claims").json()["claims"] if c["quote"] == "More than 41,000"]
    html = client.get(f"/claims/{killed['id']}").text
    for slot, value in [
        ("counted", "person"),
        ("measure", "killed"),
        ("subject", "palestinian"),
        ("place", "Gaza"),
        ("time", "as of"),
        ("attribution", "the health ministry"),
        ("clause", "More than 41,000 people have been killed"),
    ]:
        assert f'<dd data-slot="{slot}">{value}</dd>' in html
    assert "<code>measure=killed</code> <code>place=Gaza</code>" in html
    assert '<span data-held="report">gaza_casualties_daily report of 2025-05-15</span>' in html
    assert '<span data-held="population">people killed in Gaza</span>' in html
    assert '<span data-held="period">as of the report of 2025-05-15</span>' in html
    api = client.get(f"/api/claims/{killed['id']}").json()
    assert api["claim"]["frame"]["attribution"] == "the health ministry"
    (other,) = [c for c in client.get("/api/claims").json()["claims"] if c["quote"] == "two-thirds"]
    html = client.get(f"/claims/{other['id']}").text
    # a real fail (53% of the killed, not two-thirds), on the window's nearest report, with the frame extraction read
    # for it
    assert '<dd data-slot="counted">women and children</dd>' in html or '<dd data-slot="measure">killed</dd>' in html
    assert '<span data-held="population">share of the killed in Gaza who were women or children</span>' in html


@pytest.mark.parametrize(
    "quote, chart",
    [
        ("two-thirds", True),  # the daily share series
        ("64 percent", True),  # polls as dots
        ("More than eight", True),  # running count of diplomatic actions
        ("150 percent", True),  # yearly bars
        ("Six months", False),  # no metric: no reference data
        ("twenty months", False),  # a duration rests on one dated event
    ],
)
def test_each_kind_of_check_gets_a_chart_or_a_sentence_why_not(seeded, quote, chart):
    client = client_for(seeded)
    (claim,) = [c for c in client.get("/api/claims").json()["claims"] if c["quote"] == quote]
    html = client.get(f"/claims/{claim['id']}").text
    assert ("<svg" in html) is chart
    assert chart or "No chart:" in html


def test_verdict_that_flipped_since_the_previous_run_is_shown(seeded):
    record_run(seeded, [seeded / "articles"], flip="More than 41,000")
    client = client_for(seeded)
    flips = client.get("/api/overview").json()["flips"]
    assert [(f["quote"], f["previous_verdict"], f["verdict"]) for f in flips] == [("More than 41,000", "pass", "fail")]
    assert "revised: does not hold" in client.get("/").text
    (killed,) = [c for c in client.get("/api/claims").json()["claims"] if c["quote"] == "More than 41,000"]
    history = client.get(f"/api/claims/{killed['id']}").json()["history"]
    assert [h["verdict"] for h in history] == ["fail", "pass"]  # newest first


def test_article_text_and_metadata_are_escaped(project):
    (project / "evil").mkdir()
    (project / "evil" / "evil.md").write_text(XSS_ARTICLE, encoding="utf-8")
    record_run(project, [project / "evil"])
    client = client_for(project)
    for url in ["/articles/evil", "/", f"/claims/{client.get('/api/claims').json()['claims'][0]['id']}", "/claims"]:
        html = client.get(url).text
        assert "<script>alert" not in html and "<b>Bold</b>" not in html and "<i>Pub</i>" not in html, url
        assert 'href="javascript:' not in html, url
    html = client.get("/articles/evil").text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Bold&lt;/b&gt; title" in html
    assert 'href="javascript:' not in html
    assert len(highlighted(html)) == 1
    assert "script-src 'self'" in client.get("/articles/evil").headers["content-security-policy"]


def test_missing_things_are_404(seeded):
    client = client_for(seeded)
    for url in ["/articles/nope", "/claims/nope", "/sources/nope", "/jobs/nope"]:
        assert client.get(url).status_code == 404, url
    for url in ["/api/articles/nope", "/api/claims/nope", "/api/sources/nope"]:
        response = client.get(url)
        assert response.status_code == 404 and "nope" in response.json()["detail"]
    assert "No claim" in client.get("/claims/nope").text  # a page for people
    assert client.post("/articles/nope/recheck").status_code == 404


def test_a_ledger_not_written_yet_reads_as_empty_and_is_not_created(project):
    html = client_for(project).get("/").text
    assert "No run in this ledger yet" in html
    assert not (project / "data" / "ledger.db").exists()


def test_gx_data_docs_are_served_once_built(seeded):
    client = client_for(seeded)
    assert client.get("/gx-docs/").status_code == 404
    docs = Settings(home=seeded).data_docs_dir
    docs.mkdir(parents=True)
    (docs / "index.html").write_text("<h1>Data Docs</h1>")
    assert client.get("/gx-docs/").text == "<h1>Data Docs</h1>"
    assert 'href="/gx-docs/"' in client.get("/").text and "not been built" not in client.get("/").text


# -- the JSON API ---------------------------------------------------------------------------------------------------


def test_api_mirrors_the_pages(seeded):
    client = client_for(seeded)
    run_id, counts = ledger_counts(seeded)
    (run,) = client.get("/api/runs").json()["runs"]
    assert run["id"] == run_id and run["verdicts"] == {v: counts.get(v, 0) for v in ("fail", "unverifiable", "pass")}
    failing = client.get("/api/claims", params={"verdict": "fail"}).json()["claims"]
    assert {c["quote"] for c in failing} == FAILING
    assert all(c["explanation"] and c["sources"] for c in failing)
    detail = client.get(f"/api/claims/{failing[0]['id']}").json()
    assert detail["claim"]["quote"] in FAILING
    assert detail["results"][0]["evidence_rows"] and detail["history"]
    sources = {s["name"]: s for s in client.get("/api/sources").json()}
    assert sources["gaza_casualties_daily"]["status"]["state"] == "passed"
    assert sources["palestine_recognitions"]["status"]["state"] == "never used"
    assert client.get("/api/claims", params={"verdict": "maybe"}).status_code == 422
    article = client.get(f"/api/articles/{ARTICLE}").json()
    assert article["text_problem"] is None and [c["quote"] for c in article["claims"]] == QUOTES


# -- rechecks and who may start them --------------------------------------------------------------------------------


def wait_for(client: TestClient, status_url: str) -> dict:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        job = client.get(status_url).json()
        if job["finished"]:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job at {status_url} did not finish")


def test_recheck_of_an_article_repeats_its_last_run_in_the_background(seeded):
    runner = FakeRunner()
    client = client_for(seeded, runner=runner)
    response = client.post(f"/articles/{ARTICLE}/recheck", headers={"Accept": "application/json"})
    assert response.status_code == 202
    job = wait_for(client, response.json()["status_url"])
    assert job["status"] == "done" and job["run_ids"] == ["run-1"]
    (request,) = runner.requests
    assert request.paths == (str(seeded / "articles" / f"{ARTICLE}.md"),)
    assert request.source_overrides == ("gaza_casualties_daily=file:/mirror/c.json",)
    assert runner.ledgers == [Settings(home=seeded).ledger]


def test_recheck_without_script_goes_back_to_the_page_which_follows_the_job(seeded):
    client = client_for(seeded)
    response = client.post("/sources/gaza_casualties_daily/recheck", follow_redirects=False)
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    job_id = response.headers["location"].split("job=")[1]
    assert f'data-job-url="/jobs/{job_id}"' in page.text
    assert wait_for(client, f"/jobs/{job_id}")["article_ids"] == [ARTICLE]


def test_recheck_that_fails_says_why(seeded):
    def broken(request, settings):
        raise RuntimeError("source server on fire")

    client = client_for(seeded, runner=broken)
    job = wait_for(
        client, client.post(f"/articles/{ARTICLE}/recheck", headers={"Accept": "application/json"}).json()["status_url"]
    )
    assert job["status"] == "failed" and "source server on fire" in job["message"]
    assert client.post("/sources/palestine_recognitions/recheck").status_code == 409  # no claim used it


@pytest.mark.parametrize(
    "host, headers, data, status",
    [
        ("127.0.0.1", {}, {}, 303),  # loopback: no token needed
        ("::1", {}, {}, 303),
        ("0.0.0.0", {}, {}, 403),
        ("0.0.0.0", {}, {"token": "wrong"}, 403),
        ("0.0.0.0", {}, {"token": "s3cret"}, 303),
        ("0.0.0.0", {"X-Claimledger-Token": "s3cret"}, {}, 303),
        ("127.0.0.1", {"Origin": "http://evil.example"}, {}, 403),  # another site's page posting to loopback
    ],
)
def test_posts_need_the_token_when_the_app_is_reachable_from_other_machines(seeded, host, headers, data, status):
    client = client_for(seeded, host=host, token="s3cret")
    response = client.post(f"/articles/{ARTICLE}/recheck", headers=headers, data=data, follow_redirects=False)
    assert response.status_code == status, response.text


def test_recheck_is_post_only_and_the_page_asks_for_the_token(seeded):
    client = client_for(seeded, host="0.0.0.0", token="s3cret")
    assert client.get(f"/articles/{ARTICLE}/recheck").status_code == 405
    html = client.get(f"/articles/{ARTICLE}").text
    assert 'name="token"' in html and "s3cret" not in html


def test_token_is_generated_when_none_is_given(seeded, monkeypatch):
    monkeypatch.delenv("CLAIMLEDGER_DASHBOARD_TOKEN", raising=False)
    settings = Settings(home=seeded)
    assert create_app(settings, host="127.0.0.1").state.token is None
    assert len(create_app(settings, host="0.0.0.0").state.token) >= 24
    monkeypatch.setenv("CLAIMLEDGER_DASHBOARD_TOKEN", "from-env")
    assert create_app(settings, host="192.0.2.1").state.token != "from-env"  # read once, into the settings
    assert create_app(Settings(home=seeded), host="192.0.2.1").state.token == "from-env"
    assert create_app(settings.given(dashboard_token="given"), host="192.0.2.1").state.token == "given"


def test_cli_prints_the_generated_token_once_and_serves(seeded, monkeypatch):
    from claimledger.cli import app

    served = {}
    monkeypatch.setattr("uvicorn.run", lambda web, host, port, **kw: served.update(app=web, host=host, port=port))
    monkeypatch.delenv("CLAIMLEDGER_DASHBOARD_TOKEN", raising=False)
    result = CliRunner().invoke(
        app,
        ["dashboard", "--host", "0.0.0.0", "--port", "8123"],
        env={"CLAIMLEDGER_HOME": str(seeded), "CLAIMLEDGER_DASHBOARD_HOSTS": "ledger.example.org"},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert served["host"] == "0.0.0.0" and served["port"] == 8123
    assert result.output.count(served["app"].state.token) == 1
    assert {"localhost", "ledger.example.org"} <= set(served["app"].state.allowed_hosts)
    assert "Answers to Host: 127.0.0.1, localhost, [::1], " in result.output and "ledger.example.org" in result.output


def test_recheck_runs_in_process_when_no_prefect_server_is_configured(monkeypatch, tmp_path):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    assert recheck.recheck_deployment(Settings(home=tmp_path)) is None
    monkeypatch.setenv("PREFECT_API_URL", "")  # exported but empty: not configured, as Prefect reads it
    assert Settings(home=tmp_path).prefect_api_url is None
    assert recheck.recheck_deployment(Settings(home=tmp_path)) is None


# -- how numbers and links are written ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "claim, text",
    [
        ({"low": 52000, "high": None, "low_inclusive": False, "unit": "count"}, "> 52,000"),
        ({"low": 900, "high": 1020, "unit": "count"}, "900 to 1,020"),
        ({"low": 61.666667, "high": 71.666667, "unit": "percent"}, "61.67% to 71.67%"),
        ({"low": None, "high": 60, "high_inclusive": True, "unit": "count"}, "≤ 60"),
        ({"low": 15, "high": 25, "unit": "months"}, "15 to 25 months"),
        ({"low": None, "high": None, "unit": "count"}, "any value"),
    ],
)
def test_interval_as_a_reader_says_it(claim, text):
    assert display.interval(claim) == text


@pytest.mark.parametrize(
    "url, link",
    [
        ("https://example.org/a?b=1", "https://example.org/a?b=1"),
        ("javascript:alert(1)", None),
        ("file:/etc/passwd", None),
        ("//evil.example", None),
        (None, None),
    ],
)
def test_only_web_links_become_links(url, link):
    assert display.web_link(url) == link
