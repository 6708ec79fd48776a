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


# ---- issue 16: rows 7 (a damaged SQLite ledger) and 8 (a new text under an old article id) ----
import hashlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

from ledger_writer import many_claims_article, small_run  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from claimledger.cli import app  # noqa: E402
from claimledger.ledger import history  # noqa: E402
from claimledger.ledger.store import LedgerError, LedgerStore  # noqa: E402

DAMAGED = r"ledger\.db: the SQLite file is damaged \(quick_check: .+\); nothing was written; "


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _damage(path: Path) -> None:
    """Garbage over page 3 onwards; page 1 (the header and the schema) kept, so SQLite still opens the file."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    assert len(data) > 4 * page
    data[2 * page:] = random.Random(16).randbytes(len(data) - 2 * page)
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


@pytest.mark.parametrize("args", [["list"], ["list", "--format", "json"], ["show", "abc"], ["diff"],
                                  ["export", "--format", "csv"]])
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
    done = subprocess.run([str(claimledger), "verify", "--ledger", f"sqlite:///{damaged_ledger}"],
                          env={**os.environ, "CLAIMLEDGER_HOME": str(project)}, cwd=project, capture_output=True,
                          text=True, timeout=300)
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
        assert [r["quote"] for r in store.results(first.run_id)] == ["more than 52,000"]  # the old quote is kept
        assert [r["quote"] for r in store.results(second.run_id)] == ["more than 61,000"]
        steps = history.claim_history(store, claim.id)
        assert [(s["quote"], s["verdict"], s["flipped"]) for s in steps] == [
            ("more than 52,000", "pass", False), ("more than 61,000", "fail", False),
            ("more than 61,000", "pass", True)]  # a flip only within the same claim text
        sha = [hashlib.sha256(t.encode()).hexdigest() for t in (TEXT_1, TEXT_2, TEXT_2)]
        assert [s["article_sha256"] for s in steps] == sha  # which article version each result read
        changed = history.diff_runs(store, first.run_id, second.run_id)
        assert changed.flipped == []
        assert [(c["quote"], c["verdict"]) for c in changed.added] == [("more than 61,000", "fail")]
        assert [(c["quote"], c["verdict"]) for c in changed.removed] == [("more than 52,000", "pass")]
        assert [f["quote"] for f in history.diff_runs(store, second.run_id, third.run_id).flipped] == \
            ["more than 61,000"]
        assert history.claim(store, claim.id)["quote"] == "more than 61,000"  # the latest version
    shown = CliRunner().invoke(app, ["ledger", "show", claim.id, "--ledger", ledger_url, "--format", "json"])
    assert [h["flipped"] for h in json.loads(shown.stdout)["history"]] == [False, False, True]
    diffed = CliRunner().invoke(app, ["ledger", "diff", first.run_id, second.run_id, "--ledger", ledger_url])
    assert "0 flipped, 1 added, 1 removed" in diffed.stdout


def test_the_dashboard_reports_no_flip_across_article_versions(tmp_path):
    from claimledger.dashboard.queries import LedgerReader
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
        ("more than 61,000", "fail", "pass")]
