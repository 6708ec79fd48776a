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


# ---- issue 16: rows 3-4 (sources: bad downloads against the previous good snapshot; download deadline, SIGTERM) ----
import gzip  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from conftest import CASUALTIES, HISTORY, REPO  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from claimledger.cli import app  # noqa: E402
from claimledger.ledger.store import LedgerStore  # noqa: E402
from claimledger.scheduling.report import run_report  # noqa: E402
from claimledger.settings import Settings  # noqa: E402
from claimledger.sources.fetch import FetchError, download  # noqa: E402

_GAZA = "gaza_casualties_daily"
_FEED = "/api/v2/casualties_daily.json"
_LATEST = CASUALTIES.read_bytes()
_MAY_18 = HISTORY / "casualties_daily.2025-05-18.json"
# A claim that reads the series' latest day (2026-08-22, public the day after): each bad download would flip it.
_TOLL = ("---\ntitle: Toll\npublisher: Test desk\npublished: 2026-08-23\n---\n"
         "The health ministry in Gaza said 73,419 people have been killed since October 2023.\n")
_QUICK = {"CLAIMLEDGER_RETRIES": "0", "CLAIMLEDGER_READ_TIMEOUT": "5"}


def _times_ten(rows: list[dict]) -> list[dict]:
    rows[-1] = {**rows[-1], **{column: rows[-1][column] * 10 for column in ("killed_cum", "ext_killed_cum")}}
    return rows


def _revised_down(rows: list[dict]) -> list[dict]:
    return [{k: v * 0.9 if isinstance(v, (int, float)) and not isinstance(v, bool) else v for k, v in row.items()}
            for row in rows]


def _bad(change) -> bytes:
    return json.dumps(change(json.loads(_LATEST))).encode()


# case, the bad download, what quarantines it after the latest real version, and after the 2025-05-18 version
_BAD_DOWNLOADS = [
    ("latest-running-total-times-ten", _bad(_times_ten),
     "past values revised by more than 50% on 1 row: killed_cum 73,419 -> 734,190 on 2026-08-22",
     "running totals more than doubled from one day to the next on 1 row: killed_cum 734,190 after 73,417 on "
     "2026-08-22"),
    ("whole-history-revised-down-10-percent", _bad(_revised_down),
     "share of past days with a value revised above 5%: 1 observed",
     "share of past days with a value revised above 5%: 1 observed"),
    ("latest-485-days-missing", _bad(lambda rows: rows[:-485]),
     "days of the previous good snapshot missing on 485 rows: on 2025-04-25; on 2025-04-26; on 2025-04-27, ...",
     "days of the previous good snapshot missing on 24 rows: on 2025-04-25"),
]


def _home(root: Path) -> Path:
    """A fresh project folder (registry, curated tables, suites) with one article that reads the latest day."""
    home = root / "project"
    (home / "data").mkdir(parents=True)
    shutil.copy(REPO / "data" / "sources.toml", home / "data" / "sources.toml")
    shutil.copytree(REPO / "data" / "reference", home / "data" / "reference")
    shutil.copytree(REPO / "expectations", home / "expectations")
    (home / "articles").mkdir()
    (home / "articles" / "toll.md").write_text(_TOLL, encoding="utf-8")
    return home


def _cli(home: Path, *args: str):
    result = CliRunner().invoke(app, list(args), env={"CLAIMLEDGER_HOME": str(home), **_QUICK},
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def _verify(home: Path, url: str):
    result = _cli(home, "verify", str(home / "articles"), "--format", "json", "--source", f"{_GAZA}={url}")
    return {row["quote"]: row["verdict"] for row in json.loads(result.stdout)}, result.stderr


def _pointer(home: Path) -> str:
    return (home / "data" / "snapshots" / _GAZA / "LATEST").read_text().strip()


@pytest.fixture(scope="module")
def verified_on_latest(tmp_path_factory, prefect_harness) -> Path:
    """A project whose good snapshot is the latest real version, with one verify run on it in the ledger."""
    home = _home(tmp_path_factory.mktemp("latest"))
    verdicts, _ = _verify(home, CASUALTIES.as_uri())
    assert verdicts == {"73,419": "pass"}
    return home


@pytest.mark.parametrize("case, body, says, _", _BAD_DOWNLOADS, ids=[c[0] for c in _BAD_DOWNLOADS])
def test_a_plausible_bad_download_is_quarantined_and_no_verdict_flips(case, body, says, _, verified_on_latest,
                                                                      tmp_path, httpserver):
    home = tmp_path / "project"
    shutil.copytree(verified_on_latest, home)
    good = _pointer(home)
    httpserver.expect_request(_FEED).respond_with_data(body, content_type="application/json")
    verdicts, stderr = _verify(home, httpserver.url_for(_FEED))
    assert verdicts == {"73,419": "pass"}
    assert _pointer(home) == good
    assert f"kept snapshot {good[:12]}" in stderr and f"failed its suite: since snapshot {good[:12]}: {says}" in stderr
    with LedgerStore(Settings(home=home).ledger) as store:
        newest = store.runs()[0]["id"]
        assert {s["source"]: s["snapshot_sha256"] for s in store.run_sources(newest)} == {_GAZA: good}
        assert run_report(store, newest).flipped == []


@pytest.mark.parametrize("case, body, _, says", _BAD_DOWNLOADS, ids=[c[0] for c in _BAD_DOWNLOADS])
def test_a_plausible_bad_download_after_an_older_version_is_quarantined(case, body, _, says, tmp_path, httpserver):
    home = _home(tmp_path)
    (first,) = json.loads(_cli(home, "fetch", _GAZA, "--format", "json", "--source",
                               f"{_GAZA}={_MAY_18.as_uri()}").stdout)
    httpserver.expect_request(_FEED).respond_with_data(body, content_type="application/json")
    (row,) = json.loads(_cli(home, "fetch", _GAZA, "--format", "json", "--source",
                             f"{_GAZA}={httpserver.url_for(_FEED)}").stdout)
    assert row["status"] == "quarantined" and row["snapshot_sha256"] == first["snapshot_sha256"] == _pointer(home)
    assert says in row["failures"][0], row["failures"]


def test_a_replaced_snapshot_is_named_in_verify_output_and_the_run_artifact(tmp_path, prefect_harness):
    home = _home(tmp_path)
    sha = {day: hashlib.sha256((HISTORY / f"casualties_daily.{day}.json").read_bytes()).hexdigest()
           for day in ("2025-05-17", "2025-05-18")}
    _verify(home, (HISTORY / "casualties_daily.2025-05-17.json").as_uri())
    _, replaced = _verify(home, _MAY_18.as_uri())  # this run replaces the snapshot itself
    assert (f"new snapshot {sha['2025-05-18'][:12]} replaces {sha['2025-05-17'][:12]}, so verdicts may differ: "
            "+1 row (2025-05-18)") in replaced
    _cli(home, "fetch", _GAZA, "--source", f"{_GAZA}={CASUALTIES.as_uri()}")  # a fetch between runs replaces it
    latest = _pointer(home)
    _, after_fetch = _verify(home, CASUALTIES.as_uri())
    assert "replaces" not in after_fetch
    assert f"verdicts read snapshot {latest[:12]}; the previous run (" in after_fetch
    assert f") read {sha['2025-05-18'][:12]}" in after_fetch
    with LedgerStore(Settings(home=home).ledger) as store:
        second, third = store.runs()[1]["id"], store.runs()[0]["id"]
        assert "replaces" in run_report(store, second).markdown()
        text = run_report(store, third).markdown()
    assert "## Snapshots changed since the previous run" in text
    assert f"`{sha['2025-05-18'][:12]}` -> `{latest[:12]}`" in text


class _Trickle:
    """A loopback HTTP server that sends its headers, then one byte of body a second (for at most two minutes)."""

    def __init__(self) -> None:
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
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n")
                for _ in range(120):
                    if self.stop.wait(1):
                        return
                    conn.sendall(b" ")
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


def test_a_trickling_body_is_cut_at_the_download_deadline(trickle, tmp_path):
    settings = Settings(home=tmp_path, download_deadline_seconds=2, read_timeout=30, retries=2)
    started = time.monotonic()
    with pytest.raises(FetchError) as raised:
        download(trickle.url, settings=settings, base=tmp_path, expected_format="json")
    assert time.monotonic() - started < 15  # the server would take 1,000,000 s to send its body
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
    ("gzip-bomb", b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(_BOMB) + _BOMB,
     "body exceeds the 1,000,000-byte limit (max_bytes)"),
    ("short-of-its-content-length", b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n[1, 2, 3]",
     "connection failed (Connection broken: IncompleteRead"),
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
def test_a_signal_mid_download_ends_the_command_promptly_and_records_nothing(command, sent, status, trickle,
                                                                            tmp_path):
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
            assert store.runs() == []
    assert not list((home / "data" / "snapshots").glob(f"{_GAZA}/*.json"))
