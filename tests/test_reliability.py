"""Bad input and odd articles: each ends with a clear message or a sound result, and nothing half-done.

(Source faults are in test_sources.py and test_source_history.py; killed and concurrent runs in test_ledger*.py.)
"""

from __future__ import annotations

import random
from datetime import date

import pytest

from claimledger.articles import ArticleError, read_article
from claimledger.checks.engine import check_claims
from claimledger.claims.extract import extract_claims
from claimledger.claims.model import Article
from claimledger.claims.vocabulary import load_vocabulary
from claimledger.pipeline import load_articles


def test_an_oversized_article_file_is_refused_before_it_is_read(tmp_path):
    """(Empty, binary and non-UTF-8 files: test_articles.py.)"""
    path = tmp_path / "dump.md"
    path.write_bytes(b"x" * (3 * 1024 * 1024))
    with pytest.raises(ArticleError, match=r"dump\.md: 3\.1 MB, above the 2\.1 MB limit"):
        read_article(path)


def test_one_bad_file_stops_the_run_before_any_work_and_names_every_bad_file(tmp_path):
    (tmp_path / "good.md").write_text("---\npublished: 2025-05-16\n---\nMore than 52,000 people were killed in Gaza.")
    (tmp_path / "empty.md").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02")
    with pytest.raises(ArticleError) as caught:
        load_articles((str(tmp_path),))
    assert "empty.md" in str(caught.value) and "binary.txt" in str(caught.value)


def test_an_article_without_a_date_gives_unverifiable_claims_that_say_why():
    article = Article(id="undated", text="More than 52,000 people have been killed in Gaza.", published=None)
    claims = extract_claims(article)
    (result,) = check_claims(claims, {}, load_vocabulary())
    assert result.verdict == "unverifiable"
    assert "no date" in result.explanation and "--as-of" in result.explanation


def test_thousands_of_numbers_in_one_article():
    rng = random.Random(3)
    sentences = [f"In Gaza, {rng.randrange(1, 99_999):,} people were reported in shelter {i}." for i in range(3000)]
    sentences += [f"Table row {i}: {rng.random() * 100:.2f} percent, {rng.randrange(10**6)} units." for i in range(2000)]
    article = Article(id="numbers", text=" ".join(sentences), published=date(2025, 5, 16))
    claims = extract_claims(article)
    assert len(claims) >= 7000
    assert len({c.id for c in claims}) == len(claims)  # ids stay unique
    assert all(article.text[c.start:c.end] == c.quote for c in claims)


@pytest.mark.parametrize("text", [
    "\u200b\u200b\u200b",                       # nothing visible
    "52,000" * 1000,                            # digits with no spaces
    "(((((((((((" * 5000 + " 12 people",        # punctuation storm
    "one two three four five " * 2000,          # number words without nouns
])
def test_odd_text_never_crashes_extraction(text):
    extract_claims(Article(id="odd", text=text, published=date(2025, 5, 16)))


# ---- issue 16: rows 2 and 11 (Prefect: a killed run's fetch slot, the first runs on a fresh PREFECT_HOME) ----
import json, os, re, signal, subprocess, sys, threading  # noqa: E401,E402  (this block's imports)
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer  # noqa: E402
from pathlib import Path  # noqa: E402

from conftest import CASUALTIES  # noqa: E402

from claimledger.ledger.store import LedgerStore  # noqa: E402
from claimledger.settings import Settings  # noqa: E402

CASUALTIES_PATH = "/api/v2/casualties_daily.json"
CLAIMLEDGER = str(Path(sys.executable).with_name("claimledger"))


def _cli_env(project, prefect_home, **extra: str) -> dict:
    """A separate `claimledger` process's environment: the project, its own PREFECT_HOME, no Prefect server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CLAIMLEDGER_"))}
    env.update(PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1", PREFECT_HOME=str(prefect_home),
               CLAIMLEDGER_HOME=str(project), **extra)
    return env


def _verify(project, url: str, *args: str) -> list[str]:
    return [CLAIMLEDGER, "verify", str(project / "seeds"), "--source", f"gaza_casualties_daily={url}",
            "--format", "json", *args]


@pytest.fixture
def stalling_source():
    """A source that answers nothing until the test ends; `.asked` is set once a run is downloading from it."""
    release = threading.Event()

    class Stall(BaseHTTPRequestHandler):
        def do_GET(self):
            server.asked.set()
            release.wait(600)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Stall)
    server.daemon_threads = True
    server.asked = threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        release.set()
        server.shutdown()
        server.server_close()


def test_a_killed_verify_never_keeps_the_fetch_slot_and_a_live_holder_is_named(project, tmp_path, httpserver,
                                                                               stalling_source):
    httpserver.expect_request(CASUALTIES_PATH).respond_with_data(CASUALTIES.read_bytes(),
                                                                 content_type="application/json")
    served = httpserver.url_for(CASUALTIES_PATH)
    prefect_home, log = tmp_path / "prefect", tmp_path / "holder.log"
    stalled = f"http://127.0.0.1:{stalling_source.server_address[1]}{CASUALTIES_PATH}"
    holder = subprocess.Popen(_verify(project, stalled), env=_cli_env(project, prefect_home,
                              CLAIMLEDGER_READ_TIMEOUT="600"), cwd=project, stdout=subprocess.DEVNULL,
                              stderr=log.open("wb"), start_new_session=True)  # its temporary server joins its group
    try:
        assert stalling_source.asked.wait(300), log.read_text(errors="replace")[-3000:]  # it holds the slot now
        busy = subprocess.run(_verify(project, served), env=_cli_env(project, prefect_home,
                              CLAIMLEDGER_FETCH_SLOT_WAIT_SECONDS="3"), cwd=project, capture_output=True, text=True,
                              timeout=300)
        assert busy.returncode == 2, busy.stderr[-3000:]
        named = re.search(r"claimledger-fetch-gaza_casualties_daily is held by flow run '[^']+' \(([0-9a-f-]{36})",
                          busy.stderr)
        assert named, busy.stderr[-3000:]
        leases = [json.loads(p.read_text()) for p in (prefect_home / "concurrency_leases").glob("*-*.json")]
        assert [lease["metadata"]["holder"]["id"] for lease in leases] == [named.group(1)]

        os.kill(holder.pid, signal.SIGKILL)  # the run dies holding the slot; its temporary server lives on
        holder.wait()
        after = subprocess.run(_verify(project, served), env=_cli_env(project, prefect_home), cwd=project,
                               capture_output=True, text=True, timeout=400)  # was: 900 s waits, then nothing
        assert after.returncode == 0, after.stderr[-3000:]
        freed = re.search(r"freed [^:]*claimledger-fetch-gaza_casualties_daily[^:]*: held by flow run '[^']+' "
                          r"\(([0-9a-f-]{36}), Running, since [^)]*\), whose lease expired", after.stderr)
        assert freed and freed.group(1) == named.group(1), after.stderr[-3000:]
        assert "ERROR" not in after.stderr  # waiting for a slot is not an error

        # A count no lease holds: what a temporary server that kept its leases in memory left when its run died.
        prefect = str(Path(sys.executable).with_name("prefect"))
        subprocess.run([prefect, "global-concurrency-limit", "update", "claimledger-fetch-gaza_casualties_daily",
                        "--active-slots", "1"], env=_cli_env(project, prefect_home), check=True, capture_output=True,
                       timeout=300)
        unstuck = subprocess.run(_verify(project, served), env=_cli_env(project, prefect_home), cwd=project,
                                 capture_output=True, text=True, timeout=400)
        assert unstuck.returncode == 0, unstuck.stderr[-3000:]
        assert "freed claimledger-fetch-gaza_casualties_daily: 1 slot(s) counted taken but held by no lease" in \
            unstuck.stderr
        assert [run["status"] for run in LedgerStore(Settings(home=project).ledger).runs()] == ["completed"] * 2
    finally:
        try:
            os.killpg(holder.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_two_first_runs_on_a_fresh_prefect_home_both_succeed(project, tmp_path):
    prefect_home = tmp_path / "fresh-prefect"  # no database yet: both temporary servers would migrate it at once
    runs = [subprocess.Popen(_verify(project, f"file:{CASUALTIES}", "--ledger", f"sqlite:///{tmp_path / f'{i}.db'}"),
                             env=_cli_env(project, prefect_home), cwd=project, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True, start_new_session=True) for i in range(2)]
    try:
        errors = [run.communicate(timeout=600)[1] for run in runs]
    finally:
        for run in runs:
            try:
                os.killpg(run.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    assert [run.returncode for run in runs] == [0, 0], "\n".join(e[-2000:] for e in errors)
    for i in range(2):
        (run,) = LedgerStore(f"sqlite:///{tmp_path / f'{i}.db'}").runs()
        assert run["status"] == "completed"


def test_a_prefect_start_up_timeout_is_one_clear_line(project, monkeypatch):
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, temporary_settings
    from typer.testing import CliRunner

    from claimledger.cli import app

    def timed_out(self, timeout=None):
        raise RuntimeError("Timed out while attempting to connect to ephemeral Prefect API server. Ephemeral server "
                           "process exited with code 3. stdout: None stderr: None")

    monkeypatch.setattr(SubprocessASGIServer, "start", timed_out)
    monkeypatch.setenv("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    with temporary_settings(restore_defaults={PREFECT_API_URL}):  # no server configured: a temporary one is needed
        result = CliRunner().invoke(app, ["verify", str(project / "seeds")], env={"CLAIMLEDGER_HOME": str(project)})
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert "Prefect's temporary API server" in line and "it did not answer within 90 s" in line
    assert "exited with code 3" in line and "nothing was run or recorded" in line
    assert "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS" in line and "PREFECT_API_URL" in line
    assert LedgerStore(Settings(home=project).ledger).runs() == []
