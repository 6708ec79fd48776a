"""Bad input and odd articles: each ends with a clear message or a sound result, and nothing half-done.

(Source faults are in test_sources.py and test_source_history.py; killed and concurrent runs in test_ledger*.py.)
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import daily_casualties, small_project, write_article
from conftest import CASUALTIES, HISTORY, make_project
from ledger_writer import many_claims_article, small_run

from claimledger import pipeline
from claimledger.articles import ArticleError, read_article
from claimledger.checks.engine import check_claims
from claimledger.claims.extract import FigureLimits, extract_claims, read_claims
from claimledger.claims.model import Article
from claimledger.claims.vocabulary import load_vocabulary
from claimledger.cli import app
from claimledger.ledger import history
from claimledger.ledger.engine import LedgerError
from claimledger.ledger.store import LedgerStore
from claimledger.pipeline import load_articles
from claimledger.runs.report import run_report
from claimledger.settings import Settings
from claimledger.sources.fetch import FetchError, download


SERIES = daily_casualties({"2025-05-12": 52_810, "2025-05-15": 53_010})


@pytest.fixture
def project(tmp_path) -> Path:
    """A small project: the casualty series as SERIES, one article on it under seeds/ (the folder verify reads by
    default). The seed itself is tests/test_golden.py's."""
    home = small_project(tmp_path, casualties=SERIES)
    write_article(home / "seeds", "toll", "More than 52,000 people have been killed in Gaza.")
    return home


def series_path(project: Path) -> Path:
    return project / "data" / "reference" / "gaza_casualties_daily.json"


def test_an_oversized_article_file_is_refused_before_it_is_read(tmp_path):
    """(Empty, binary and non-UTF-8 files: test_articles.py.)"""
    path = tmp_path / "dump.md"
    path.write_bytes(b"x" * (3 * 1024 * 1024))
    with pytest.raises(ArticleError, match=r"dump\.md: 3\.1 MB, above the 2\.1 MB limit"):
        read_article(path)


def test_an_article_without_a_date_gives_unverifiable_claims_that_say_why():
    article = Article(id="undated", text="More than 52,000 people have been killed in Gaza.", published=None)
    claims = extract_claims(article)
    (result,) = check_claims(claims, {}, load_vocabulary())
    assert result.verdict == "unverifiable"
    assert "no date" in result.explanation and "--as-of" in result.explanation


def test_thousands_of_numbers_in_one_article():
    rng = random.Random(3)
    sentences = [f"In Gaza, {rng.randrange(1, 99_999):,} people were reported in shelter {i}." for i in range(3000)]
    sentences += [
        f"Table row {i}: {rng.random() * 100:.2f} percent, {rng.randrange(10**6)} units." for i in range(2000)
    ]
    article = Article(id="numbers", text=" ".join(sentences), published=date(2025, 5, 16))
    claims = extract_claims(article)
    assert len(claims) >= 7000
    assert len({c.id for c in claims}) == len(claims)  # ids stay unique
    assert all(article.text[c.start : c.end] == c.quote for c in claims)


@pytest.mark.parametrize(
    "text",
    [
        "\u200b\u200b\u200b",  # nothing visible
        "52,000" * 1000,  # digits with no spaces
        "(((((((((((" * 5000 + " 12 people",  # punctuation storm
        "one two three four five " * 2000,  # number words without nouns
    ],
)
def test_odd_text_never_crashes_extraction(text):
    extract_claims(Article(id="odd", text=text, published=date(2025, 5, 16)))


# ---- issue 16: rows 7 (a damaged SQLite ledger) and 8 (a new text under an old article id) ----


DAMAGED = r"ledger\.db: the SQLite file is damaged \(quick_check: .+\); nothing was written; "


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _damage(path: Path) -> None:
    """Garbage over page 3 onwards; page 1 (the header and the schema) kept, so SQLite still opens the file."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    assert len(data) > 4 * page
    data[2 * page :] = random.Random(16).randbytes(len(data) - 2 * page)
    path.write_bytes(data)


@pytest.fixture
def damaged_ledger(tmp_path) -> Path:
    """A real ledger of two runs, then damaged."""
    path = tmp_path / "ledger.db"
    with LedgerStore(f"sqlite:///{path}") as store:
        for verdict in ("pass", "fail"):
            store.record_run(small_run(many_claims_article(), verdict))
    _damage(path)
    return path


@pytest.mark.parametrize(
    "args", [["list"], ["list", "--format", "json"], ["show", "abc"], ["diff"], ["export", "--format", "csv"]]
)
def test_ledger_commands_on_a_damaged_sqlite_ledger_print_one_line_and_exit_2(damaged_ledger, args):
    before = _sha256(damaged_ledger)
    result = CliRunner().invoke(app, ["ledger", *args, "--ledger", f"sqlite:///{damaged_ledger}"])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)  # no traceback
    (line,) = result.output.strip().splitlines()
    assert str(damaged_ledger) in line and re.search(DAMAGED + "restore it from a backup", line), line
    assert _sha256(damaged_ledger) == before


def test_a_run_is_not_written_to_a_sqlite_ledger_damaged_after_it_was_opened(tmp_path):
    path = tmp_path / "ledger.db"
    with LedgerStore(f"sqlite:///{path}") as store:
        for verdict in ("pass", "fail"):
            store.record_run(small_run(many_claims_article(), verdict))
        store.engine.dispose()  # the next write opens the file afresh, as a new run would
        _damage(path)
        before = _sha256(path)
        with pytest.raises(LedgerError, match=DAMAGED + "restore it from a backup"):
            store.record_run(small_run(many_claims_article(), "pass"))
    assert _sha256(path) == before
    with pytest.raises(LedgerError, match=DAMAGED):
        LedgerStore(f"sqlite:///{path}")  # and nothing opens it as if it were sound


def test_verify_refuses_a_damaged_sqlite_ledger_and_appends_nothing(project, damaged_ledger):
    before = _sha256(damaged_ledger)
    claimledger = Path(sys.executable).with_name("claimledger")
    done = subprocess.run(
        [str(claimledger), "verify", "--ledger", f"sqlite:///{damaged_ledger}"],
        env={**os.environ, "CLAIMLEDGER_HOME": str(project)},
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert str(damaged_ledger) in line and re.search(DAMAGED + "restore it from a backup", line), line
    assert _sha256(damaged_ledger) == before


TEXT_1 = "In the north, more than 52,000 people have been killed since the start."
TEXT_2 = "In the north, more than 61,000 people have been killed since the start."  # same spans, other figures


def _at(minute: int) -> datetime:
    return datetime(2025, 5, 16, 10, minute, tzinfo=timezone.utc)


def test_a_new_text_under_an_old_article_id_is_a_new_version_not_a_flip(ledger_url):
    first = small_run(Article(id="a", text=TEXT_1, published=date(2025, 5, 16)), "pass", started=_at(0))
    second = small_run(Article(id="a", text=TEXT_2, published=date(2025, 5, 16)), "fail", started=_at(5))
    third = small_run(Article(id="a", text=TEXT_2, published=date(2025, 5, 16)), "pass", started=_at(10))
    (claim,) = first.claims
    assert [c.id for c in second.claims] == [claim.id] and second.claims[0].quote != claim.quote
    with LedgerStore(ledger_url) as store:
        for run in (first, second, third):
            store.record_run(run)
        assert [r.quote for r in store.reader.results_of_run(first.run_id)] == [
            "more than 52,000"
        ]  # the old quote is kept
        assert [r.quote for r in store.reader.results_of_run(second.run_id)] == ["more than 61,000"]
        steps = history.claim_history(store, claim.id)
        assert [(s.quote, s.verdict, s.flipped) for s in steps] == [
            ("more than 52,000", "pass", False),
            ("more than 61,000", "fail", False),
            ("more than 61,000", "pass", True),
        ]  # a flip only within the same claim text
        sha = [hashlib.sha256(t.encode()).hexdigest() for t in (TEXT_1, TEXT_2, TEXT_2)]
        assert [s.article_sha256 for s in steps] == sha  # which article version each result read
        changed = history.diff_runs(store, first.run_id, second.run_id)
        assert changed.flipped == []
        assert [(c.quote, c.verdict) for c in changed.added] == [("more than 61,000", "fail")]
        assert [(c.quote, c.verdict) for c in changed.removed] == [("more than 52,000", "pass")]
        assert [f.quote for f in history.diff_runs(store, second.run_id, third.run_id).flipped] == ["more than 61,000"]
        assert history.claim(store, claim.id).quote == "more than 61,000"  # the latest version
    shown = CliRunner().invoke(app, ["ledger", "show", claim.id, "--ledger", ledger_url, "--format", "json"])
    assert [h["flipped"] for h in json.loads(shown.stdout)["history"]] == [False, False, True]
    diffed = CliRunner().invoke(app, ["ledger", "diff", first.run_id, second.run_id, "--ledger", ledger_url])
    assert "0 flipped, 1 added, 1 removed" in diffed.stdout


def test_the_dashboard_reports_no_flip_across_article_versions(tmp_path):
    from claimledger.ledger.reader import LedgerReader
    from claimledger.dashboard.views import Views
    from claimledger.settings import Settings

    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    first = small_run(Article(id="a", text=TEXT_1, published=date(2025, 5, 16)), "pass", started=_at(0))
    second = small_run(Article(id="a", text=TEXT_2, published=date(2025, 5, 16)), "fail", started=_at(5))
    third = small_run(Article(id="a", text=TEXT_2, published=date(2025, 5, 16)), "pass", started=_at(10))
    views = Views(LedgerReader(url), Settings(home=tmp_path))
    with LedgerStore(url) as store:
        store.record_run(first)
        store.record_run(second)
        assert views.overview()["flips"] == []  # another text under the same claim id
        store.record_run(third)
    assert [(f["quote"], f["previous_verdict"], f["verdict"]) for f in views.overview()["flips"]] == [
        ("more than 61,000", "fail", "pass")
    ]


# ---- issue 16: rows 6, 9, 12 (figures per sentence, digit groups, one bad article in a folder) ----


def _numbers(n: int) -> str:
    return "Officials said " + ", ".join(str(1000 + i) for i in range(n)) + " people died."


def test_a_sentence_of_200000_numbers_is_read_up_to_the_bound_with_a_warning_naming_the_file():
    article = Article(id="dump", text=_numbers(200_000), path="articles/dump.md")
    claims = pipeline.extract([article], Settings())
    assert len(claims) == Settings().max_figures_per_sentence
    (skipped,) = claims.skipped
    assert skipped["path"] == "articles/dump.md" and skipped["article"] == "dump"
    assert skipped["reason"].startswith("articles/dump.md: sentence 1 at character 0: more than 500 figures")
    assert "CLAIMLEDGER_MAX_FIGURES_PER_SENTENCE" in skipped["reason"]
    assert all(len(c.sentence) <= 4000 and c.quote in c.sentence for c in claims)  # not 500 copies of 1.2 MB


def test_the_figures_of_an_article_past_its_bound_are_not_read_and_the_file_is_named():
    article = Article(id="table", text=" ".join(f"Row {i}: {i + 10} people." for i in range(100)), path="t.md")
    claims = pipeline.extract([article], Settings(max_figures_per_article=30))
    assert len(claims) <= 30
    (skipped,) = claims.skipped
    assert skipped["reason"].startswith("t.md: sentence ") and "past the 30th" in skipped["reason"]


def _seconds(text: str) -> float:
    article, unbounded = Article(id="n", text=text, published=date(2025, 5, 16)), FigureLimits(10**9, 10**9)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        read_claims(article, limits=unbounded)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize(
    "unit",
    [
        "{i}, ",  # a plain list
        "{i} percent of them, ",  # shares looking back for their base
        "killed {i} people in Gaza in 2024, ",  # keywords, subjects and periods in the same sentence
        "{i} times more, ",  # multipliers replacing figures
        "Dr. {i} ",  # abbreviations that do not end the sentence
        "{i}kg and {i}-1, ",  # units glued to numbers, and scores (the quantity layer's own scans)
    ],
)
def test_extraction_cost_grows_linearly_with_the_figures_in_one_sentence(unit):
    """Four times the figures cost about four times as much; the square would be sixteen (a generous 8 allowed)."""
    small, large = ("Officials said " + "".join(unit.format(i=1000 + i) for i in range(n)) + "." for n in (1500, 6000))
    assert _seconds(large) / _seconds(small) < 8


SEPARATORS = {
    "space": " ",
    "no-break space": "\u00a0",
    "narrow no-break space": "\u202f",
    "thin space": "\u2009",
    "figure space": "\u2007",
    "Arabic thousands separator": "\u066c",
}


@pytest.mark.parametrize(
    "text, expected",
    [
        *[
            (f"More than 52{sep}000 people were killed.", [(f"More than 52{sep}000", 52_000)])
            for sep in SEPARATORS.values()
        ],
        *[
            (f"Some 1{sep}250{sep}000 people fled.", [(f"Some 1{sep}250{sep}000", 1_250_000)])
            for sep in SEPARATORS.values()
        ],
        *[
            (f"More than 52{zw}000 people were killed.", [(f"More than 52{zw}000", 52_000)])  # zero-width: ignored
            for zw in ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
        ],
        ("More than 5\u200b2,000 people were killed.", [("More than 5\u200b2,000", 52_000)]),
        # look-alikes that must not join
        ("In 2024 52 000 people were killed.", [("52 000", 52_000)]),  # a year, then a number
        ("In 2\u200b024, 12 people were killed.", [("12", 12)]),  # still a year
        ("On March 3 100 people were killed.", [("100", 100)]),  # a date, then a number
        ("About 1 2345 people were killed.", [("About 1", 1), ("2345", 2345)]),  # a group of four is no group
        ("Some 52 0001 people were killed.", [("Some 52", 52), ("0001", 1)]),
        # decided: a space-grouped number ends a range as a comma-grouped one would ("between 10 and 12,000")
        ("Between 10 and 12 000 people fled.", [("Between 10 and 12 000", 6_005)]),
    ],
)
def test_digit_groups_with_spaces_and_separators_are_one_number(text, expected):
    claims = extract_claims(Article(id="groups", text=text))
    assert [(c.quote, c.value) for c in claims] == expected
    assert all(text[c.start : c.end] == c.quote for c in claims)  # the quote is the original text, separators and all


def _bad_folder(folder):
    folder.mkdir()
    (folder / "good.md").write_text(
        "---\npublished: 2025-05-16\n---\nMore than 52,000 people have been killed in Gaza."
    )
    (folder / "digits.md").write_text(
        "---\npublished: 2025-05-16\n---\nA count of "
        + "7" * 5000
        + " was posted. More than 52,000 people have been killed in Gaza."
    )
    (folder / "feb30.md").write_text("---\npublished: 2025-02-30\n---\nMore than 52,000 people were killed.")
    (folder / "gone.md").symlink_to(folder / "deleted-since.md")  # listed, but cannot be read
    return folder


def test_one_bad_article_in_a_folder_is_named_and_the_others_are_checked(tmp_path):
    batch = load_articles((str(_bad_folder(tmp_path / "articles")),))
    assert [a.id for a in batch] == ["digits", "good"]
    reasons = {s["path"].rsplit("/", 1)[1]: s["reason"] for s in batch.skipped}
    assert reasons == {
        "feb30.md": f"{tmp_path}/articles/feb30.md: front matter 'published' is '2025-02-30', expected a date "
        "like 2025-05-16",
        "gone.md": f"{tmp_path}/articles/gone.md: cannot be read (No such file or directory)",
    }
    claims = pipeline.extract(batch, Settings())
    assert [c.quote for c in claims] == ["More than 52,000", "More than 52,000"]
    (note,) = claims.skipped
    assert (
        note["reason"] == f"{tmp_path}/articles/digits.md: sentence 1 at character 0: a number of 5,000 digits "
        "is not read as a figure"
    )


def test_an_article_extraction_fails_on_is_named_and_the_others_are_checked(monkeypatch):
    real = pipeline.read_claims

    def failing_on_one(article, *args):
        if article.id == "odd":
            raise ValueError("a bug meeting odd text")
        return real(article, *args)

    monkeypatch.setattr(pipeline, "read_claims", failing_on_one)
    articles = [Article(id=i, text="More than 52,000 people were killed.", path=f"{i}.md") for i in ("odd", "ok")]
    claims = pipeline.extract(articles, Settings())
    assert {c.article_id for c in claims} == {"ok"}
    assert [s["reason"] for s in claims.skipped] == [
        "odd.md: extraction failed (ValueError: a bug meeting odd text); none of its claims checked"
    ]


def test_verify_reports_skipped_articles_in_the_table_the_json_and_the_ledger_run(prefect_harness, project):
    from claimledger.cli import app

    folder = _bad_folder(project / "articles")
    env = {"CLAIMLEDGER_HOME": str(project)}
    args = ["verify", str(folder), "--as-of", "2025-05-16"]
    result = CliRunner().invoke(app, [*args, "--format", "json"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["verdict"] for r in rows if r["verdict"]] == ["pass", "pass"]
    skipped = [r for r in rows if r["verdict"] is None]
    assert [(r["article"], r["path"].rsplit("/", 1)[1]) for r in skipped] == [
        (None, "feb30.md"),
        (None, "gone.md"),
        ("digits", "digits.md"),
    ]
    assert "'published' is '2025-02-30'" in skipped[0]["error"] and "5,000 digits" in skipped[2]["error"]
    assert "skipped: " in result.stderr and "3 skipped" in result.stderr

    table = CliRunner().invoke(app, args, env=env, catch_exceptions=False)
    assert table.exit_code == 0, table.output
    assert f"skipped: {folder}/feb30.md: front matter 'published'" in table.stdout
    assert f"skipped: {folder}/gone.md: cannot be read" in table.stdout

    run = LedgerStore(Settings(home=project).ledger).reader.runs()[0]
    assert [s["path"] for s in run.skipped] == [r["path"] for r in skipped]


def test_verify_with_no_readable_article_exits_2_naming_every_file(project):
    from claimledger.cli import app

    folder = project / "articles"
    folder.mkdir()
    (folder / "feb30.md").write_text("---\npublished: 2025-02-30\n---\nMore than 52,000 people were killed.")
    (folder / "gone.md").symlink_to(folder / "deleted-since.md")
    result = CliRunner().invoke(app, ["verify", str(folder)], env={"CLAIMLEDGER_HOME": str(project)})
    assert result.exit_code == 2
    assert "no article could be read" in result.stderr and "feb30.md" in result.stderr and "gone.md" in result.stderr


# ---- issue 16: rows 2 and 11 (Prefect: a killed run's fetch slot, the first runs on a fresh PREFECT_HOME) ----


CASUALTIES_PATH = "/api/v2/casualties_daily.json"
CLAIMLEDGER = str(Path(sys.executable).with_name("claimledger"))


def _cli_env(project, prefect_home, **extra: str) -> dict:
    """A separate `claimledger` process's environment: the project, its own PREFECT_HOME, no Prefect server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CLAIMLEDGER_"))}
    env.update(
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        PREFECT_HOME=str(prefect_home),
        CLAIMLEDGER_HOME=str(project),
        **extra,
    )
    return env


def _verify(project, url: str, *args: str) -> list[str]:
    return [
        CLAIMLEDGER,
        "verify",
        str(project / "seeds"),
        "--source",
        f"gaza_casualties_daily={url}",
        "--format",
        "json",
        *args,
    ]


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


def test_a_killed_verify_never_keeps_the_fetch_slot_and_a_live_holder_is_named(
    project, tmp_path, httpserver, stalling_source
):
    httpserver.expect_request(CASUALTIES_PATH).respond_with_data(
        series_path(project).read_bytes(), content_type="application/json"
    )
    served = httpserver.url_for(CASUALTIES_PATH)
    prefect_home, log = tmp_path / "prefect", tmp_path / "holder.log"
    stalled = f"http://127.0.0.1:{stalling_source.server_address[1]}{CASUALTIES_PATH}"
    holder = subprocess.Popen(
        _verify(project, stalled),
        env=_cli_env(project, prefect_home, CLAIMLEDGER_READ_TIMEOUT="600"),
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
        start_new_session=True,
    )  # its temporary server joins its group
    try:
        assert stalling_source.asked.wait(300), log.read_text(errors="replace")[-3000:]  # it holds the slot now
        busy = subprocess.run(
            _verify(project, served),
            env=_cli_env(project, prefect_home, CLAIMLEDGER_FETCH_SLOT_WAIT_SECONDS="3"),
            cwd=project,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert busy.returncode == 2, busy.stderr[-3000:]
        named = re.search(
            r"claimledger-fetch-gaza_casualties_daily is held by flow run '[^']+' \(([0-9a-f-]{36})", busy.stderr
        )
        assert named, busy.stderr[-3000:]
        leases = [json.loads(p.read_text()) for p in (prefect_home / "concurrency_leases").glob("*-*.json")]
        assert [lease["metadata"]["holder"]["id"] for lease in leases] == [named.group(1)]

        os.kill(holder.pid, signal.SIGKILL)  # the run dies holding the slot; its temporary server lives on
        holder.wait()
        after = subprocess.run(
            _verify(project, served),
            env=_cli_env(project, prefect_home),
            cwd=project,
            capture_output=True,
            text=True,
            timeout=400,
        )  # was: 900 s waits, then nothing
        assert after.returncode == 0, after.stderr[-3000:]
        freed = re.search(
            r"freed [^:]*claimledger-fetch-gaza_casualties_daily[^:]*: held by flow run '[^']+' "
            r"\(([0-9a-f-]{36}), Running, since [^)]*\), whose lease expired",
            after.stderr,
        )
        assert freed and freed.group(1) == named.group(1), after.stderr[-3000:]
        assert "ERROR" not in after.stderr  # waiting for a slot is not an error

        # A count no lease holds: what a temporary server that kept its leases in memory left when its run died.
        prefect = str(Path(sys.executable).with_name("prefect"))
        subprocess.run(
            [
                prefect,
                "global-concurrency-limit",
                "update",
                "claimledger-fetch-gaza_casualties_daily",
                "--active-slots",
                "1",
            ],
            env=_cli_env(project, prefect_home),
            check=True,
            capture_output=True,
            timeout=300,
        )
        unstuck = subprocess.run(
            _verify(project, served),
            env=_cli_env(project, prefect_home),
            cwd=project,
            capture_output=True,
            text=True,
            timeout=400,
        )
        assert unstuck.returncode == 0, unstuck.stderr[-3000:]
        assert (
            "freed claimledger-fetch-gaza_casualties_daily: 1 slot(s) counted taken but held by no lease"
            in unstuck.stderr
        )
        assert [run.status for run in LedgerStore(Settings(home=project).ledger).reader.runs()] == ["completed"] * 2
    finally:
        try:
            os.killpg(holder.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_two_first_runs_on_a_fresh_prefect_home_both_succeed(project, tmp_path):
    prefect_home = tmp_path / "fresh-prefect"  # no database yet: both temporary servers would migrate it at once
    runs = [
        subprocess.Popen(
            _verify(project, f"file:{series_path(project)}", "--ledger", f"sqlite:///{tmp_path / f'{i}.db'}"),
            env=_cli_env(project, prefect_home),
            cwd=project,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        for i in range(2)
    ]
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
        (run,) = LedgerStore(f"sqlite:///{tmp_path / f'{i}.db'}").reader.runs()
        assert run.status == "completed"


def test_a_prefect_start_up_timeout_is_one_clear_line(project, monkeypatch):
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, temporary_settings
    from typer.testing import CliRunner

    from claimledger.cli import app

    def timed_out(self, timeout=None):
        raise RuntimeError(
            "Timed out while attempting to connect to ephemeral Prefect API server. Ephemeral server "
            "process exited with code 3. stdout: None stderr: None"
        )

    monkeypatch.setattr(SubprocessASGIServer, "start", timed_out)
    monkeypatch.setenv("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    with temporary_settings(restore_defaults={PREFECT_API_URL}):  # no server configured: a temporary one is needed
        result = CliRunner().invoke(app, ["verify", str(project / "seeds")], env={"CLAIMLEDGER_HOME": str(project)})
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert "Prefect's temporary API server" in line and "it did not answer within 90 s" in line
    assert "exited with code 3" in line and "nothing was run or recorded" in line
    assert "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS" in line and "PREFECT_API_URL" in line
    assert LedgerStore(Settings(home=project).ledger).reader.runs() == []


@pytest.mark.parametrize(
    "message, retried",
    [
        ("Task run encountered an exception LedgerError: /p/ledger.db: the SQLite file is damaged", False),
        ("Task run encountered an exception OperationalError: database is locked", True),
    ],
)
def test_a_damaged_ledger_is_not_written_again_by_retries(message, retried):
    from claimledger.flows.verify import retry_unless
    from prefect.states import Failed

    assert retry_unless(LedgerError)(None, None, Failed(message=message)) is retried


# ---- issue 16: rows 3-4 (sources: bad downloads against the previous good snapshot; download deadline, SIGTERM) ----


_GAZA = "gaza_casualties_daily"
_FEED = "/api/v2/casualties_daily.json"
_LATEST = CASUALTIES.read_bytes()
_MAY_18 = HISTORY / "casualties_daily.2025-05-18.json"
# A claim that reads the series' latest day (2026-08-22, public the day after): each bad download would flip it.
_TOLL = (
    "---\ntitle: Toll\npublisher: Test desk\npublished: 2026-08-23\n---\n"
    "The health ministry in Gaza said 73,419 people have been killed since October 2023.\n"
)
_QUICK = {"CLAIMLEDGER_RETRIES": "0", "CLAIMLEDGER_READ_TIMEOUT": "5"}


def _times_ten(rows: list[dict]) -> list[dict]:
    rows[-1] = {**rows[-1], **{column: rows[-1][column] * 10 for column in ("killed_cum", "ext_killed_cum")}}
    return rows


def _revised_down(rows: list[dict]) -> list[dict]:
    return [
        {k: v * 0.9 if isinstance(v, (int, float)) and not isinstance(v, bool) else v for k, v in row.items()}
        for row in rows
    ]


def _bad(change) -> bytes:
    return json.dumps(change(json.loads(_LATEST))).encode()


# case, the bad download, what quarantines it after the latest real version, and after the 2025-05-18 version
_BAD_DOWNLOADS = [
    (
        "latest-running-total-times-ten",
        _bad(_times_ten),
        "past values revised by more than 50% on 1 row: killed_cum 73,419 -> 734,190 on 2026-08-22",
        "running totals more than doubled from one day to the next on 1 row: killed_cum 734,190 after 73,417 on "
        "2026-08-22",
    ),
    (
        "whole-history-revised-down-10-percent",
        _bad(_revised_down),
        "share of past days with a value revised above 5%: 1 observed",
        "share of past days with a value revised above 5%: 1 observed",
    ),
    (
        "latest-485-days-missing",
        _bad(lambda rows: rows[:-485]),
        "days of the previous good snapshot missing on 485 rows: on 2025-04-25; on 2025-04-26; on 2025-04-27, ...",
        "days of the previous good snapshot missing on 24 rows: on 2025-04-25",
    ),
]


def _home(root: Path) -> Path:
    """A fresh project folder (registry, curated tables, suites) with one article that reads the latest day."""
    home = make_project(root)
    (home / "articles").mkdir()
    (home / "articles" / "toll.md").write_text(_TOLL, encoding="utf-8")
    return home


def _cli(home: Path, *args: str):
    result = CliRunner().invoke(app, list(args), env={"CLAIMLEDGER_HOME": str(home), **_QUICK}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def _verify_toll(home: Path, url: str):
    result = _cli(home, "verify", str(home / "articles"), "--format", "json", "--source", f"{_GAZA}={url}")
    return {row["quote"]: row["verdict"] for row in json.loads(result.stdout)}, result.stderr


def _pointer(home: Path) -> str:
    return (home / "data" / "snapshots" / _GAZA / "LATEST").read_text().strip()


@pytest.fixture(scope="module")
def verified_on_latest(tmp_path_factory, prefect_harness) -> Path:
    """A project whose good snapshot is the latest real version, with one verify run on it in the ledger."""
    home = _home(tmp_path_factory.mktemp("latest"))
    verdicts, _ = _verify_toll(home, CASUALTIES.as_uri())
    assert verdicts == {"73,419": "pass"}
    return home


@pytest.mark.parametrize("case, body, says, _", _BAD_DOWNLOADS, ids=[c[0] for c in _BAD_DOWNLOADS])
def test_a_plausible_bad_download_is_quarantined_and_no_verdict_flips(
    case, body, says, _, verified_on_latest, tmp_path, httpserver
):
    home = tmp_path / "project"
    shutil.copytree(verified_on_latest, home)
    good = _pointer(home)
    httpserver.expect_request(_FEED).respond_with_data(body, content_type="application/json")
    verdicts, stderr = _verify_toll(home, httpserver.url_for(_FEED))
    assert verdicts == {"73,419": "pass"}
    assert _pointer(home) == good
    assert f"kept snapshot {good[:12]}" in stderr and f"failed its suite: since snapshot {good[:12]}: {says}" in stderr
    with LedgerStore(Settings(home=home).ledger) as store:
        newest = store.reader.runs()[0].id
        assert {s.source: s.snapshot_sha256 for s in store.reader.run_sources(newest)} == {_GAZA: good}
        assert run_report(store, newest).flipped == []


@pytest.mark.parametrize("case, body, _, says", _BAD_DOWNLOADS, ids=[c[0] for c in _BAD_DOWNLOADS])
def test_a_plausible_bad_download_after_an_older_version_is_quarantined(case, body, _, says, tmp_path, httpserver):
    home = _home(tmp_path)
    (first,) = json.loads(
        _cli(home, "fetch", _GAZA, "--format", "json", "--source", f"{_GAZA}={_MAY_18.as_uri()}").stdout
    )
    httpserver.expect_request(_FEED).respond_with_data(body, content_type="application/json")
    (row,) = json.loads(
        _cli(home, "fetch", _GAZA, "--format", "json", "--source", f"{_GAZA}={httpserver.url_for(_FEED)}").stdout
    )
    assert row["status"] == "quarantined" and row["snapshot_sha256"] == first["snapshot_sha256"] == _pointer(home)
    assert says in row["failures"][0], row["failures"]


def test_a_replaced_snapshot_is_named_in_verify_output_and_the_run_artifact(tmp_path, prefect_harness):
    home = _home(tmp_path)
    sha = {
        day: hashlib.sha256((HISTORY / f"casualties_daily.{day}.json").read_bytes()).hexdigest()
        for day in ("2025-05-17", "2025-05-18")
    }
    _verify_toll(home, (HISTORY / "casualties_daily.2025-05-17.json").as_uri())
    _, replaced = _verify_toll(home, _MAY_18.as_uri())  # this run replaces the snapshot itself
    assert (
        f"new snapshot {sha['2025-05-18'][:12]} replaces {sha['2025-05-17'][:12]}, so verdicts may differ: "
        "+1 row (2025-05-18)"
    ) in replaced
    _cli(home, "fetch", _GAZA, "--source", f"{_GAZA}={CASUALTIES.as_uri()}")  # a fetch between runs replaces it
    latest = _pointer(home)
    _, after_fetch = _verify_toll(home, CASUALTIES.as_uri())
    assert "replaces" not in after_fetch
    assert f"verdicts read snapshot {latest[:12]}; the previous run (" in after_fetch
    assert f") read {sha['2025-05-18'][:12]}" in after_fetch
    with LedgerStore(Settings(home=home).ledger) as store:
        second, third = store.reader.runs()[1].id, store.reader.runs()[0].id
        assert "replaces" in run_report(store, second).markdown()
        text = run_report(store, third).markdown()
    assert "## Snapshots changed since the previous run" in text
    assert f"`{sha['2025-05-18'][:12]}` -> `{latest[:12]}`" in text


class _Trickle:
    """A loopback HTTP server that sends one byte a second (for at most two minutes): of its body after whole
    headers, or of its status line and headers themselves."""

    def __init__(self, what: str = "body") -> None:
        self.what = what
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.5)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}{_FEED}"
        self.requested = threading.Event()
        self.stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                continue
            threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                self.requested.set()
                head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n"
                if self.what == "body":
                    conn.sendall(head)
                for byte in (head * 2)[:120] if self.what == "headers" else b" " * 120:
                    if self.stop.wait(1):
                        return
                    conn.sendall(bytes([byte]))
            except OSError:
                return

    def close(self) -> None:
        self.stop.set()
        self.listener.close()


@pytest.fixture
def trickle():
    server = _Trickle()
    yield server
    server.close()


@pytest.fixture(params=["body", "headers"])
def trickling(request):
    server = _Trickle(request.param)
    yield server
    server.close()


def test_a_trickling_server_is_cut_at_the_download_deadline(trickling, tmp_path):
    """Its body after whole headers, or its status line and headers, which no read timeout ever catches."""
    trickle = trickling
    settings = Settings(home=tmp_path, download_deadline_seconds=2, read_timeout=30, retries=2)
    started = time.monotonic()
    with pytest.raises(FetchError) as raised:
        download(trickle.url, settings=settings, base=tmp_path, expected_format="json")
    assert time.monotonic() - started < 15  # the server would take days to send its body, minutes its headers
    message = str(raised.value)
    assert message.startswith(f"{trickle.url}: gave up at the 2 s download deadline (download_deadline_seconds) with ")
    assert message.endswith(" bytes received")


def _body_server(answer: bytes):
    """A loopback server that answers every request with the same raw bytes, then closes the connection."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        for _ in range(4):
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                conn.sendall(answer)

    threading.Thread(target=serve, daemon=True).start()
    return listener, f"http://127.0.0.1:{listener.getsockname()[1]}/data.json"


_BOMB = gzip.compress(b" " * 20_000_000)
_BODY_FAULTS = [
    (
        "gzip-bomb",
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(_BOMB) + _BOMB,
        "body exceeds the 1,000,000-byte limit (max_bytes)",
    ),
    (
        "short-of-its-content-length",
        b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n[1, 2, 3]",
        "connection failed (Connection broken: IncompleteRead",
    ),
]


@pytest.mark.parametrize("case, answer, says", _BODY_FAULTS, ids=[c[0] for c in _BODY_FAULTS])
def test_body_faults_still_end_in_a_clear_error_when_read_piece_by_piece(case, answer, says, tmp_path):
    listener, url = _body_server(answer)
    settings = Settings(home=tmp_path, max_bytes=1_000_000, retries=0, read_timeout=5)
    with listener, pytest.raises(FetchError, match=re.escape(says)):
        download(url, settings=settings, base=tmp_path, expected_format="json")


# command, signal, exit status
_STOPS = [("verify", signal.SIGTERM, 143), ("fetch", signal.SIGTERM, 143), ("verify", signal.SIGINT, 130)]


@pytest.mark.parametrize("command, sent, status", _STOPS, ids=[f"{c}-{s.name}" for c, s, _ in _STOPS])
def test_a_signal_mid_download_ends_the_command_promptly_and_records_nothing(command, sent, status, trickle, tmp_path):
    home = _home(tmp_path)
    args = [str(Path(sys.executable).with_name("claimledger")), command, "--source", f"{_GAZA}={trickle.url}"]
    args += [str(home / "articles")] if command == "verify" else [_GAZA]
    env = {**os.environ, "CLAIMLEDGER_HOME": str(home), "CLAIMLEDGER_DOWNLOAD_DEADLINE_SECONDS": "600"}
    # its own process group, so a failing run takes Prefect's local API server down with it
    process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        assert trickle.requested.wait(120), "the command never asked for the source"
        time.sleep(1)  # well into the body
        process.send_signal(sent)
        _, stderr = process.communicate(timeout=20)  # generous: proves it does not wait for the download
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()
    assert process.returncode == status, stderr.decode()
    assert f"stopped by {sent.name}" in stderr.decode()
    ledger = home / "data" / "ledger.db"
    if ledger.exists():
        with LedgerStore(f"sqlite:///{ledger}") as store:
            assert store.reader.runs() == []
    assert not list((home / "data" / "snapshots").glob(f"{_GAZA}/*.json"))
