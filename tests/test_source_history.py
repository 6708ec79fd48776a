"""`claimledger fetch` against a local publisher serving the casualty series' real history, then its faults.

The publisher serves 2025-05-16, 2025-05-17, 2025-05-18 and the latest copy in turn (with an ETag, honouring
If-None-Match); every fault must end in one clear line, the last good snapshot still the pointer, nothing lost.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
from pathlib import Path

import pandas
import pytest
from typer.testing import CliRunner
from werkzeug import Request, Response

from conftest import CASUALTIES, HISTORY, REPO

from claimledger.cli import app
from claimledger.sources.diff import DiffError, Revision, diff_frames
from claimledger.sources.docs import stored_runs
from claimledger.sources.registry import load_registry
from claimledger.sources.snapshots import SnapshotStore

GAZA = "gaza_casualties_daily"
PATH = "/api/v2/casualties_daily.json"
VERSIONS = {
    day: (HISTORY / f"casualties_daily.{day}.json").read_bytes() for day in ("2025-05-16", "2025-05-17", "2025-05-18")
} | {"latest": CASUALTIES.read_bytes()}
REGISTRY = load_registry(REPO / "data" / "sources.toml")
# Quick failures: one retry, 10 ms backoff, a 0.3 s read timeout, and a size limit between May 2025 (314 KB) and
# the latest copy (604 KB), so the latest can stand in for an oversized body.
ENV = {
    "CLAIMLEDGER_RETRIES": "1",
    "CLAIMLEDGER_BACKOFF_SECONDS": "0.01",
    "CLAIMLEDGER_READ_TIMEOUT": "0.3",
    "CLAIMLEDGER_GX_KEEP_RUNS": "3",
}


def fetch(home: Path, *args: str, **env: str) -> tuple[list[dict], str]:
    """Run `claimledger fetch --format json` in a project; return the per-source rows and what went to stderr."""
    result = CliRunner().invoke(
        app,
        ["fetch", *args, "--format", "json"],
        env={"CLAIMLEDGER_HOME": str(home), **ENV, **env},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result.stderr


def cli(home: Path, *args: str) -> str:
    result = CliRunner().invoke(app, list(args), env={"CLAIMLEDGER_HOME": str(home)}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def snapshot_files(home: Path) -> dict[str, str]:
    """Every file of the gaza snapshot folder with the sha256 of its bytes: 'nothing lost' is a superset check."""
    folder = home / "data" / "snapshots" / GAZA
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.iterdir())}


def latest(home: Path) -> str:
    return (home / "data" / "snapshots" / GAZA / "LATEST").read_text().strip()


def etag(body: bytes) -> str:
    return f'"{hashlib.sha256(body).hexdigest()[:16]}"'


class Publisher:
    """The series' publisher: one version at a time, with an ETag, answering 304 to a matching If-None-Match."""

    def __init__(self) -> None:
        self.body = b""
        self.conditional: list[str | None] = []

    def __call__(self, request: Request) -> Response:
        current = etag(self.body)
        self.conditional.append(request.headers.get("If-None-Match"))
        if request.headers.get("If-None-Match") == current:
            return Response(status=304, headers={"ETag": current})
        return Response(self.body, content_type="application/json", headers={"ETag": current})


# --- the real history ------------------------------------------------------------------------------------------

# version served -> (rows added, first and last date added, revised values (date, column, old, new), fields added)
HISTORY_STEPS = [
    ("2025-05-16", None),
    ("2025-05-17", (1, "2025-05-17", "2025-05-17", set(), ())),
    ("2025-05-18", (1, "2025-05-18", "2025-05-18", set(), ())),
    (
        "latest",
        (
            461,
            "2025-05-19",
            "2026-08-22",
            {("2025-01-11", "killed_committee", None, 499), ("2025-01-11", "killed_truce_new", None, 32)},
            ("aid_seeker_killed_cum", "aid_seeker_injured_cum", "child_famine_cum", "famine_cum"),
        ),
    ),
]


def test_history_makes_one_snapshot_per_version_each_with_its_diff_then_a_304(httpserver, project):
    publisher = Publisher()
    httpserver.expect_request(PATH).respond_with_handler(publisher)
    override = f"{GAZA}={httpserver.url_for(PATH)}"
    store = SnapshotStore(project / "data" / "snapshots")
    previous = None
    for version, expected in HISTORY_STEPS:
        publisher.body = VERSIONS[version]
        (row,), _ = fetch(project, GAZA, "--source", override)
        sha = hashlib.sha256(VERSIONS[version]).hexdigest()
        assert (row["status"], row["snapshot_sha256"], latest(project)) == ("new snapshot", sha, sha), row
        stored = json.loads(cli(project, "sources", "diff", GAZA, "--format", "json"))
        assert stored == row["diff"]
        if expected is None:
            assert stored is None and row["message"].endswith("first good snapshot")
        else:
            added, first, last, revised, fields = expected
            assert (stored["previous"], stored["current"]) == (previous, sha)
            assert (stored["added_count"], stored["added_keys"][0], stored["added_keys"][-1]) == (added, first, last)
            assert {tuple(r.values()) for r in stored["revisions"]} == revised
            assert stored["revised_count"] == len(revised)
            assert (tuple(stored["added_fields"]), stored["missing_fields"], stored["removed_count"]) == (fields, [], 0)
            assert (store.root / GAZA / f"{sha}.diff.json").is_file()
        previous = sha
    # each request after the first carried the ETag of the snapshot before it
    assert publisher.conditional == [None] + [etag(VERSIONS[v]) for v in ("2025-05-16", "2025-05-17", "2025-05-18")]

    before = snapshot_files(project)
    (row,), stderr = fetch(project, GAZA, "--source", override)
    assert (row["status"], row["snapshot_sha256"]) == ("unchanged", previous)
    assert publisher.conditional[-1] == etag(VERSIONS["latest"])
    assert "304 Not Modified" in row["message"] and "nothing new was validated" in stderr
    assert snapshot_files(project) == before
    assert len(list((store.root / GAZA).glob("*.meta.json"))) == 4

    text = cli(project, "sources", "diff", GAZA)
    assert "2025-01-11  killed_committee: empty -> 499" in text and "+461 rows (2025-05-19 .. 2026-08-22)" in text
    (listed,) = [s for s in json.loads(cli(project, "sources", "--format", "json")) if s["source"] == GAZA]
    assert (listed["snapshot_sha256"], listed["rows"], listed["coverage"]) == (
        previous,
        1051,
        ["2023-10-07", "2026-08-22"],
    )
    assert listed["validation"] == "passed with 1 warning" and listed["quarantined"] is None
    # four runs validated something; Data Docs keep the last three (CLAIMLEDGER_GX_KEEP_RUNS) and their pages only
    gx = project / "data" / "gx"
    runs = stored_runs(gx)
    assert len(runs) == 3 and (gx / "docs" / "index.html").is_file()
    assert sorted(p.name for p in (gx / "docs" / "validations" / GAZA).iterdir()) == runs


# --- faults: each ends in a clear message, the last good snapshot still in use, nothing lost ---------------------


def _renamed(body: bytes, old: str, new: str) -> bytes:
    return json.dumps([{(new if k == old else k): v for k, v in row.items()} for row in json.loads(body)]).encode()


def _decreasing(body: bytes) -> bytes:
    rows = json.loads(body)
    rows[-1]["ext_killed_cum"] = rows[-2]["ext_killed_cum"] - 100
    return json.dumps(rows).encode()


def _stall(release: threading.Event):
    def handler(request: Request) -> Response:
        release.wait(5)
        return Response(VERSIONS["latest"])

    return handler


@pytest.fixture(scope="module")
def seeded_snapshots(tmp_path_factory) -> Path:
    """A snapshot folder whose good snapshot is the 2025-05-18 version (validated once for all fault cases)."""
    home = tmp_path_factory.mktemp("seed")
    (home / "data").mkdir()
    shutil.copy(REPO / "data" / "sources.toml", home / "data" / "sources.toml")
    shutil.copytree(REPO / "expectations", home / "expectations")
    (row,), _ = fetch(home, GAZA, "--source", f"{GAZA}={(HISTORY / 'casualties_daily.2025-05-18.json').as_uri()}")
    assert row["status"] == "new snapshot"
    return home / "data" / "snapshots"


@pytest.fixture
def stalled():
    release = threading.Event()
    yield release
    release.set()


LAST_TWO = [row["ext_killed_cum"] for row in json.loads(VERSIONS["latest"])[-2:]]
HTML_PAGE = Response(b"<!DOCTYPE html><html><body>Just a moment...</body></html>", content_type="text/html")
ELSEWHERE = "http://mirror.example.invalid/casualties_daily.json"

# case, what the server answers, the outcome, what the message says
FAULTS = [
    ("timeout", "stall", "fetch failed", "timed out (connect 5 s, read 0.3 s) after 2 attempts"),
    ("500-then-success", "500, then the latest", "new snapshot", "+461 rows (2025-05-19 .. 2026-08-22)"),
    (
        "truncated-json",
        VERSIONS["latest"][:100_000],
        "quarantined",
        "could not load: gaza_casualties_daily: truncated or malformed JSON at",
    ),
    ("html-with-200", HTML_PAGE, "fetch failed", "expected JSON but the server sent an HTML page"),
    (
        "field-renamed",
        _renamed(VERSIONS["latest"], "killed_cum", "killed_total"),
        "quarantined",
        "column killed_cum missing",
    ),
    (
        "count-decreases",
        _decreasing(VERSIONS["latest"]),
        "quarantined",
        f"ext_killed_cum decreased on 1 row: {LAST_TWO[0] - 100:,} on 2026-08-22 after {LAST_TWO[0]:,}",
    ),
    ("oversized", VERSIONS["latest"], "fetch failed", "body of 603,581 bytes exceeds the 400,000-byte limit"),
    (
        "redirect-elsewhere",
        Response(status=302, headers={"Location": ELSEWHERE}),
        "fetch failed",
        f"redirect to {ELSEWHERE} refused (allowed hosts: data.techforpalestine.org, localhost)",
    ),
]


def _serve(httpserver, answer, release: threading.Event) -> None:
    if answer == "stall":
        httpserver.expect_request(PATH).respond_with_handler(_stall(release))
    elif answer == "500, then the latest":
        httpserver.expect_ordered_request(PATH).respond_with_data("busy", status=500)
        httpserver.expect_ordered_request(PATH).respond_with_data(VERSIONS["latest"])
    elif isinstance(answer, Response):
        httpserver.expect_request(PATH).respond_with_response(answer)
    else:
        httpserver.expect_request(PATH).respond_with_data(answer, content_type="application/json")


@pytest.mark.parametrize("case, answer, status, says", FAULTS, ids=[case[0] for case in FAULTS])
def test_a_fault_ends_in_a_clear_message_and_keeps_the_last_good_snapshot(
    case, answer, status, says, httpserver, project, seeded_snapshots, stalled
):
    shutil.copytree(seeded_snapshots, project / "data" / "snapshots")
    good, before = latest(project), snapshot_files(project)
    _serve(httpserver, answer, stalled)
    env = {"CLAIMLEDGER_MAX_BYTES": "400000"} if case == "oversized" else {}
    (row,), _ = fetch(project, GAZA, "--source", f"{GAZA}={httpserver.url_for(PATH)}", **env)
    assert row["status"] == status, row
    assert says in row["message"], row["message"]
    after = snapshot_files(project)
    pointer = before.pop("LATEST")
    assert before.items() <= after.items()  # nothing lost, nothing rewritten
    if status == "new snapshot":
        assert latest(project) == row["snapshot_sha256"] != good
        return
    assert latest(project) == row["snapshot_sha256"] == good
    kept = f"kept snapshot {good[:12]} from " if status == "quarantined" else f"using last good snapshot {good[:12]}"
    assert kept in row["message"]
    assert after["LATEST"] == pointer
    new_files = sorted(set(after) - set(before) - {"LATEST"})
    if status == "quarantined":
        sha = row["downloaded_sha256"]
        assert new_files == sorted([f"{sha}.json", f"{sha}.meta.json", "QUARANTINED"])
        assert f"snapshot {sha[:12]} from {httpserver.url_for(PATH)} quarantined" in row["message"]
    else:
        assert new_files == []


def test_a_later_run_that_cannot_fetch_says_which_download_was_quarantined(httpserver, project, seeded_snapshots):
    shutil.copytree(seeded_snapshots, project / "data" / "snapshots")
    good = latest(project)
    override = ("--source", f"{GAZA}={httpserver.url_for(PATH)}")
    httpserver.expect_ordered_request(PATH).respond_with_data(_decreasing(VERSIONS["latest"]))
    httpserver.expect_ordered_request(PATH).respond_with_data("down", status=503)
    httpserver.expect_ordered_request(PATH).respond_with_data("down", status=503)
    httpserver.expect_ordered_request(PATH).respond_with_data(VERSIONS["latest"])
    (quarantined,), _ = fetch(project, GAZA, *override)
    bad = quarantined["downloaded_sha256"]

    (offline,), _ = fetch(project, GAZA, *override)
    assert offline["status"] == "fetch failed"
    assert (
        f"kept snapshot {good[:12]} from " in offline["message"]
        and f"new download {bad[:12]} retrieved " in offline["message"]
        and "failed its suite: ext_killed_cum decreased on 1 row" in offline["message"]
    )
    (listed,) = [s for s in json.loads(cli(project, "sources", "--format", "json")) if s["source"] == GAZA]
    assert listed["validation"] == f"passed with 1 warning; quarantined newer snapshot {bad[:12]}"
    assert listed["quarantined"]["failures"][0].startswith("ext_killed_cum decreased")

    (fixed,), _ = fetch(project, GAZA, *override)  # the publisher corrects the series: the quarantine is history
    assert fixed["status"] == "new snapshot"
    (listed,) = [s for s in json.loads(cli(project, "sources", "--format", "json")) if s["source"] == GAZA]
    assert listed["quarantined"] is None and listed["snapshot_sha256"] == fixed["snapshot_sha256"]
    assert (project / "data" / "snapshots" / GAZA / f"{bad}.json").is_file()  # the quarantined bytes stay


# --- curated tables take the same path --------------------------------------------------------------------------


def test_curated_tables_are_snapshotted_validated_and_diffed_like_any_source(project):
    gaza_copy = f"{GAZA}={(HISTORY / 'casualties_daily.2025-05-16.json').as_uri()}"
    rows, _ = fetch(project, "--source", gaza_copy)
    assert [r["source"] for r in rows] == list(REGISTRY) and {r["status"] for r in rows} == {"new snapshot"}

    polls = project / "data" / "reference" / "israel_polls_hostage_deal.csv"
    table = pandas.read_csv(polls, dtype=str, keep_default_na=False)
    table.loc[table["poll_id"] == "c12-2024-11", "support_pct"] = "68"  # 68 + 20 + 11: the suite caps the sum at 100
    table.to_csv(polls, index=False)
    rows, _ = fetch(project, "israel_polls_hostage_deal", "diplomatic_actions")
    assert [(r["source"], r["status"]) for r in rows] == [
        ("israel_polls_hostage_deal", "new snapshot"),
        ("diplomatic_actions", "unchanged"),
    ]
    assert "1 value revised (support_pct 1)" in rows[0]["message"]
    assert rows[0]["diff"]["revisions"] == [{"key": "c12-2024-11", "column": "support_pct", "old": 69, "new": 68}]
    assert "same sha256" in rows[1]["message"]


# --- diff_frames on its own -------------------------------------------------------------------------------------

ACTIONS = REGISTRY["diplomatic_actions"]
BEFORE = pandas.DataFrame(
    {
        "country": ["Chile", "Chile", "Turkey"],
        "date": ["2023-10-31"] * 2 + ["2023-11-04"],
        "action": ["recalled_ambassador"] * 3,
        "source_url": ["a", "a2", "b"],
    }
)


@pytest.mark.parametrize(
    "change, added, removed, revisions, added_fields, missing_fields",
    [
        (lambda f: f, (), (), (), (), ()),
        (lambda f: f.iloc[:2], (), ("Turkey / 2023-11-04 / recalled_ambassador",), (), (), ()),
        (
            lambda f: f.assign(source_url=["a", "a2", "c"]),
            (),
            (),
            (Revision("Turkey / 2023-11-04 / recalled_ambassador", "source_url", "b", "c"),),
            (),
            (),
        ),
        (lambda f: f.assign(note="x"), (), (), (), ("note",), ()),
        (lambda f: f.drop(columns="source_url"), (), (), (), (), ("source_url",)),
        (
            lambda f: f.assign(date=["2023-10-31", "2023-11-01", "2023-11-04"]),
            ("Chile / 2023-11-01 / recalled_ambassador",),
            ("Chile / 2023-10-31 / recalled_ambassador #2",),
            (),
            (),
            (),
        ),
    ],
    ids=["same", "row-removed", "value-revised", "field-added", "field-missing", "repeated-key-moved"],
)
def test_diff_frames_on_a_composite_key(change, added, removed, revisions, added_fields, missing_fields):
    diff = diff_frames(BEFORE, change(BEFORE.copy()), ACTIONS)
    assert (diff.added_keys, diff.removed_keys, diff.revisions) == (added, removed, revisions)
    assert (diff.added_fields, diff.missing_fields) == (added_fields, missing_fields)
    assert diff.changed == any((added, removed, revisions, added_fields, missing_fields))
    assert type(diff).from_dict(json.loads(json.dumps(diff.as_dict()))) == diff


def test_diff_frames_names_a_missing_key_column():
    with pytest.raises(DiffError, match="diplomatic_actions: key column action missing from the new snapshot"):
        diff_frames(BEFORE, BEFORE.drop(columns="action"), ACTIONS)
