"""The dashboard in a real browser: Debian's headless Chromium driven by Playwright, against the app served on
loopback over a ledger from a real verify run (Prefect test harness) of the small project tests/test_dashboard.py
builds: its article, its reference rows, its casualty series served by a local HTTP server. Screenshots go to
tests/artifacts/ (git-ignored) for a person to look at."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from conftest import REPO
from test_dashboard import ARTICLE, FAILING, SERIES, dashboard_project

from claimledger.cli import app as cli
from claimledger.dashboard import create_app
from claimledger.dashboard.display import claim_verdict
from claimledger.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
# No sandbox (root in CI), no GPU, and nothing that would reach out to the network on its own.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO / "tests" / "artifacts"
PATH = "/api/v2/casualties_daily.json"
VERDICT_BACKGROUND = {"pass": "rgb(220, 252, 231)", "fail": "rgb(254, 226, 226)", "unverifiable": "rgb(254, 243, 199)"}


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium, installed with apt-get when missing; the tests cannot run without it, so they fail."""
    if not CHROMIUM.exists():
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        try:
            subprocess.run(["apt-get", "update", "-q"], env=env, check=True, capture_output=True, timeout=600)
            subprocess.run(
                ["apt-get", "install", "-y", "-q", "chromium"], env=env, check=True, capture_output=True, timeout=1200
            )
        except (OSError, subprocess.SubprocessError) as exc:
            detail = getattr(exc, "stderr", b"") or b""
            pytest.fail(
                f"the dashboard's browser tests need Debian's chromium at {CHROMIUM}, and installing it failed "
                f"({exc}; {detail.decode(errors='replace')[-400:]}). Install it with: "
                "apt-get install -y chromium (as root), or run `make test`.",
                pytrace=False,
            )
    if not CHROMIUM.exists():
        pytest.fail(f"apt-get installed chromium but {CHROMIUM} is still missing", pytrace=False)
    return CHROMIUM


@pytest.fixture(scope="session")
def driver(chromium):
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(driver, chromium):
    launched = driver.chromium.launch(executable_path=str(chromium), args=LAUNCH_ARGS)
    yield launched
    launched.close()


@pytest.fixture(scope="module")
def served(prefect_harness, tmp_path_factory):
    """The dashboard tests' project with one real verify run in its ledger (the casualty series read over HTTP), and
    the dashboard over it on 127.0.0.1 (a free port)."""
    project = dashboard_project(tmp_path_factory.mktemp("browser"))
    source_server = HTTPServer(host="127.0.0.1", port=0)
    source_server.expect_request(PATH).respond_with_data(json.dumps(SERIES), content_type="application/json")
    source_server.start()
    result = CliRunner().invoke(
        cli,
        [
            "verify",
            str(project / "articles"),
            "--format",
            "json",
            "--source",
            f"gaza_casualties_daily={source_server.url_for(PATH)}",
        ],
        env={"CLAIMLEDGER_HOME": str(project)},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert {row["quote"] for row in json.loads(result.stdout) if row["verdict"] == "fail"} == FAILING

    import uvicorn

    settings = Settings(home=project)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(settings), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the dashboard did not start"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port = listener.getsockname()[1]
    yield {"url": f"http://127.0.0.1:{port}", "ledger": project / "data" / "ledger.db", "home": project, "port": port}
    server.should_exit = True
    thread.join(timeout=10)
    source_server.clear()
    source_server.stop()


@pytest.fixture
def page(browser, served):
    """A fresh page; the test fails if the page logged an error (a blocked script, a missing file)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert not errors, errors


def query(ledger: Path, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(ledger) as db:
        return db.execute(sql, args).fetchall()


def latest_counts(ledger: Path) -> dict[str, int]:
    ((run_id,),) = query(ledger, "select id from runs order by started_at desc limit 1")
    return dict(
        query(
            ledger,
            "select verdict, count(*) from check_results r join run_results l on l.result_id = r.id "
            "where l.run_id = ? group by verdict",
            run_id,
        )
    )


def test_overview_counts_match_the_ledger(page, served):
    page.goto(served["url"] + "/")
    counts = latest_counts(served["ledger"])
    for verdict in ("pass", "fail", "unverifiable"):
        assert page.inner_text(f".latest-run .count[data-verdict={verdict}] .n") == str(counts.get(verdict, 0))
    assert page.locator("table.claims tbody tr").count() == len(FAILING)  # the failing claims, with their reasons
    for quote in FAILING:
        expect(page.locator("table.claims tbody")).to_contain_text(quote)
    page.screenshot(path=ARTIFACTS / "overview.png", full_page=True)


def test_article_page_highlights_each_claim_by_verdict(page, served):
    page.goto(f"{served['url']}/articles/{ARTICLE}")
    rows = query(
        served["ledger"],
        "select c.id, r.verdict from claims c join check_results r on r.claim_id = c.id where c.article_id = ?",
        ARTICLE,
    )
    verdicts: dict[str, list[str]] = {}
    for claim_id, verdict in rows:
        verdicts.setdefault(claim_id, []).append(verdict)
    spans = page.locator("article.article-text a.claim")
    assert spans.count() == len(verdicts)
    for i in range(spans.count()):
        span = spans.nth(i)
        expected = claim_verdict(verdicts[span.get_attribute("data-claim-id")])
        assert span.get_attribute("data-verdict") == expected
        assert span.evaluate("e => getComputedStyle(e).backgroundColor") == VERDICT_BACKGROUND[expected]
    page.screenshot(path=ARTIFACTS / "article.png", full_page=True)
    page.locator("a.claim:text-is('More than 41,000')").evaluate("e => e.scrollIntoView({block: 'center'})")
    page.screenshot(path=ARTIFACTS / "article-claims.png")  # the claims in place, at reading size


def test_clicking_a_claim_opens_its_evidence_and_chart(page, served):
    page.goto(f"{served['url']}/articles/{ARTICLE}")
    page.click("article.article-text a.claim:text-is('More than 41,000')")
    page.wait_for_url("**/claims/*")
    assert page.locator("figure.chart svg").count() == 1
    assert "> 41,000" in page.inner_text("dd.interval")
    assert "41,650" in page.inner_text("table.evidence")  # the series' report of 2025-05-15
    page.screenshot(path=ARTIFACTS / "claim-more-than-41000.png", full_page=True)
    page.go_back()
    page.click("article.article-text a.claim:text-is('two-thirds')")
    page.wait_for_url("**/claims/*")
    assert page.locator("figure.chart svg").count() == 1
    assert "does not hold" in page.inner_text("p.explanation")
    page.screenshot(path=ARTIFACTS / "claim-two-thirds.png", full_page=True)


def test_source_page(page, served):
    page.goto(f"{served['url']}/sources/gaza_casualties_daily")
    assert page.locator("table.claims tbody tr").count() == 2  # the killed figure and the share of them
    for quote in ("More than 41,000", "two-thirds"):
        expect(page.locator("table.claims tbody")).to_contain_text(quote)
    page.screenshot(path=ARTIFACTS / "source.png", full_page=True)


def test_recheck_button_produces_a_new_run(page, served):
    before = query(served["ledger"], "select count(*) from runs")[0][0]
    page.goto(f"{served['url']}/articles/{ARTICLE}")
    # The script reloads the page once the job is done; waits go through locators (the pages' CSP forbids eval).
    with page.expect_navigation(timeout=180_000):
        page.click("form.recheck button")
        expect(page.locator("form.recheck .job-status")).to_contain_text("Recheck running")
        page.screenshot(path=ARTIFACTS / "recheck-progress.png")
    expect(page.locator("form.recheck .job-status")).to_be_empty()
    assert query(served["ledger"], "select count(*) from runs")[0][0] == before + 1
    page.goto(served["url"] + "/")
    ((latest,),) = query(served["ledger"], "select id from runs order by started_at desc limit 1")
    assert latest[:12] in page.inner_text(".latest-run")
    page.screenshot(path=ARTIFACTS / "overview-after-recheck.png", full_page=True)


# ---- issue 16: rows 1 (Data Docs run no script on the dashboard's origin) and 10 (DNS rebinding) ----
from urllib.parse import urlsplit  # noqa: E402

from data_docs_payload import build_hostile_docs, payloads  # noqa: E402

LOOPBACK = {"127.0.0.1", "localhost", "[::1]"}


def runs_in(ledger: Path) -> int:
    return query(ledger, "select count(*) from runs")[0][0]


@pytest.fixture
def watched(browser):
    """A page whose every request is logged; one for a host other than this machine is aborted, never sent."""
    context = browser.new_context()
    log: list[tuple[str, str]] = []

    def through(route):
        log.append((route.request.method, route.request.url))
        if urlsplit(route.request.url).hostname in LOOPBACK:
            route.continue_()
        else:
            route.abort()

    context.route("**/*", through)
    yield context.new_page(), log
    context.close()


def test_data_docs_of_a_hostile_quarantined_download_run_no_script(watched, served):
    page, log = watched
    before = runs_in(served["ledger"])
    pages = build_hostile_docs(served["home"], ARTICLE)
    docs = served["home"] / "data" / "gx" / "docs"
    for path in ("index.html", pages[0].relative_to(docs).as_posix()):
        response = page.goto(f"{served['url']}/gx-docs/{path}", wait_until="load")
        policy = response.headers["content-security-policy"]
        assert "sandbox" in policy.split("; ") and "allow-same-origin" not in policy and "allow-scripts" not in policy
        assert "http" not in policy  # nothing allowed from elsewhere
        page.wait_for_timeout(500)  # time for an image's onerror, and for a fetch it would start
        assert page.title() != "pwned"
        assert page.evaluate("() => window.__pwned === undefined")
    for payload in payloads(ARTICLE):  # shown as text in the table of unexpected values
        expect(page.get_by_text(payload, exact=True).first).to_be_visible()
    page.screenshot(path=ARTIFACTS / "gx-docs-hostile-values.png", full_page=True)
    outside = [url for method, url in log if urlsplit(url).hostname not in LOOPBACK]
    assert outside == [], f"requests for outside hosts: {outside}"
    assert [url for method, url in log if method != "GET"] == []
    assert runs_in(served["ledger"]) == before


ATTACK = """<!doctype html><title>attack</title><pre id=out></pre><script>
(async () => {
  const seen = [];
  const claims = await fetch('/api/claims');
  seen.push('claims ' + claims.status);
  const recheck = await fetch('/articles/%s/recheck', {method: 'POST', headers: {Accept: 'application/json'}});
  seen.push('recheck ' + recheck.status);
  document.getElementById('out').textContent = seen.join('\\n');
})().catch(e => { document.getElementById('out').textContent = 'error ' + e; });
</script>"""


@pytest.fixture
def rebound(driver, chromium):
    """A browser in which evil.example resolves to this machine, as after a DNS rebinding. Chromium's own Local
    Network Access checks would stop the public page's requests to loopback; other browsers have none, and the
    dashboard must hold without them, so they are off here and the requests reach the app."""
    launched = driver.chromium.launch(
        executable_path=str(chromium),
        args=[
            *LAUNCH_ARGS,
            "--host-resolver-rules=MAP evil.example 127.0.0.1",
            "--disable-features=BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights,"
            "LocalNetworkAccessChecks",
        ],
    )
    yield launched
    launched.close()


def test_a_page_on_a_rebound_name_reads_nothing_and_starts_no_recheck(rebound, served):
    before = runs_in(served["ledger"])
    origin = f"http://evil.example:{served['port']}"
    context = rebound.new_context()
    page = context.new_page()
    # The attacker's page, as their server answered before the name was rebound; everything after reaches the app.
    page.route(f"{origin}/attack.html", lambda route: route.fulfill(body=ATTACK % ARTICLE, content_type="text/html"))
    page.goto(f"{origin}/attack.html")
    expect(page.locator("#out")).to_have_text("claims 400\nrecheck 400", timeout=20_000)
    assert page.goto(f"{origin}/api/claims").status == 400
    context.close()
    assert runs_in(served["ledger"]) == before
