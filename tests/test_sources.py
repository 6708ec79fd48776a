"""Fetching, snapshots, loaders and fallbacks of reference sources, against a local HTTP server (never the internet)."""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import threading
from dataclasses import replace
from pathlib import Path

import pandas
import pytest
from werkzeug import Response

from claimledger.settings import Settings
from claimledger.sources.fetch import Download, FetchError, download, file_path
from claimledger.sources.loaders import LoadError, load_frame
from claimledger.sources.reference import ReferenceTable, SourceUnavailable, prepare_sources
from claimledger.sources.registry import Source, load_registry
from claimledger.sources.snapshots import SnapshotError, SnapshotStore

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CASUALTIES = SHARED / "reference" / "techforpalestine" / "casualties_daily.json"
SERIES = CASUALTIES.read_bytes()
PATH = "/api/v2/casualties_daily.json"

GAZA = load_registry(REPO / "data" / "sources.toml")["gaza_casualties_daily"]


def _series_with_killed_cum_drop() -> bytes:
    """The shared series with its last day's killed_cum below the day before: a suite must reject it."""
    rows = [row for row in json.loads(SERIES) if "killed_cum" in row]
    rows[-1]["killed_cum"] = rows[-2]["killed_cum"] - 239
    return json.dumps(rows).encode()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """A project home in tmp_path holding only the suites, with tight timeouts and quick retries."""
    shutil.copytree(REPO / "expectations", tmp_path / "expectations")
    return Settings(home=tmp_path, connect_timeout=1.0, read_timeout=1.0, retries=2, backoff_seconds=0.01)


@pytest.fixture
def registry(httpserver) -> dict[str, Source]:
    """The real gaza entry, pointed at the local server with no mirror to fall through to."""
    source = replace(GAZA, url=httpserver.url_for(PATH), mirrors=(), allowed_hosts=())
    return {source.name: source}


@pytest.fixture(scope="module")
def good_snapshots(tmp_path_factory) -> Path:
    """A snapshot folder with one validated, good snapshot of the shared series (validated once per module)."""
    home = tmp_path_factory.mktemp("seed")
    shutil.copytree(REPO / "expectations", home / "expectations")
    (home / "casualties_daily.json").write_bytes(SERIES)
    seeded = Settings(home=home)
    source = replace(GAZA, url="file:casualties_daily.json", mirrors=())
    prepared = prepare_sources([source.name], {source.name: source}, {}, seeded)[source.name]
    assert isinstance(prepared, ReferenceTable), prepared
    return seeded.snapshots_dir


@pytest.fixture
def seeded(settings: Settings, good_snapshots: Path) -> Settings:
    """Settings whose snapshot folder already holds a good snapshot of the series."""
    shutil.copytree(good_snapshots, settings.snapshots_dir)
    return settings


@pytest.fixture
def stalled():
    """An event a slow handler waits on; set at teardown so the single-threaded server is free for the next test."""
    release = threading.Event()
    yield release
    release.set()


def _prepare(registry: dict[str, Source], settings: Settings, overrides: dict[str, str] | None = None):
    return prepare_sources([GAZA.name], registry, overrides or {}, settings)[GAZA.name]


# --- fetch.download ---------------------------------------------------------------------------------------------


def test_download_returns_body_and_validators(httpserver, settings):
    validators = {"ETag": '"v1"', "Last-Modified": "Fri, 16 May 2025 10:00:00 GMT"}
    httpserver.expect_request(PATH).respond_with_data(SERIES, content_type="application/json", headers=validators)
    got = download(httpserver.url_for(PATH), settings=settings, base=settings.home, expected_format="json")
    assert (got.status, got.content, got.etag, got.last_modified) == (
        200,
        SERIES,
        '"v1"',
        "Fri, 16 May 2025 10:00:00 GMT",
    )


def test_download_sends_validators_and_accepts_304(httpserver, settings):
    httpserver.expect_request(PATH, headers={"If-None-Match": '"v1"'}).respond_with_data("", status=304)
    got = download(httpserver.url_for(PATH), settings=settings, base=settings.home, etag='"v1"')
    assert (got.status, got.content, got.etag) == (304, None, '"v1"')


def test_download_retries_after_500(httpserver, settings):
    httpserver.expect_ordered_request(PATH).respond_with_data("busy", status=500)
    httpserver.expect_ordered_request(PATH).respond_with_data("down", status=503)
    httpserver.expect_ordered_request(PATH).respond_with_data(SERIES)
    got = download(httpserver.url_for(PATH), settings=settings, base=settings.home, expected_format="json")
    assert got.content == SERIES
    assert len(httpserver.log) == 3


def test_download_gives_up_after_retries_naming_url_status_and_attempts(httpserver, settings):
    httpserver.expect_request(PATH).respond_with_data("down", status=503)
    url = httpserver.url_for(PATH)
    with pytest.raises(FetchError) as error:
        download(url, settings=settings, base=settings.home)
    assert str(error.value) == f"{url}: HTTP 503 after 3 attempts"
    assert len(httpserver.log) == 3


def test_download_names_the_cause_when_nothing_listens(settings):
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match=r"connection failed \(\[Errno \d+\] Connection refused\) after 3 attempts"):
        download(f"http://127.0.0.1:{port}/x.json", settings=settings, base=settings.home)


def test_download_does_not_retry_a_404(httpserver, settings):
    httpserver.expect_request(PATH).respond_with_data("no", status=404)
    with pytest.raises(FetchError, match=r"HTTP 404"):
        download(httpserver.url_for(PATH), settings=settings, base=settings.home)
    assert len(httpserver.log) == 1


def test_download_times_out_on_a_stalled_server(httpserver, settings, stalled):
    def stall(request):
        stalled.wait(5)
        return Response(SERIES)

    httpserver.expect_request(PATH).respond_with_handler(stall)
    quick = settings.model_copy(update={"read_timeout": 0.05, "retries": 1})
    with pytest.raises(FetchError, match=r"timed out .*read 0\.05 s.* after 2 attempts"):
        download(httpserver.url_for(PATH), settings=quick, base=settings.home)


@pytest.mark.parametrize(
    "body",
    [b"<!DOCTYPE html><html><body>Just a moment...</body></html>", b"\n  <html><head><title>Login</title></html>"],
    ids=["doctype", "html-after-whitespace"],
)
def test_download_rejects_html_where_data_was_expected(httpserver, settings, body):
    httpserver.expect_request(PATH).respond_with_data(body, content_type="text/html")
    with pytest.raises(FetchError, match="expected JSON but the server sent an HTML page"):
        download(httpserver.url_for(PATH), settings=settings, base=settings.home, expected_format="json")


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_download_rejects_a_body_over_max_bytes(httpserver, settings, declared):
    if declared:
        httpserver.expect_request(PATH).respond_with_data(b"[" + b" " * 5000 + b"]")
    else:
        httpserver.expect_request(PATH).respond_with_response(Response(iter([b"[", b" " * 5000, b"]"])))
    small = settings.model_copy(update={"max_bytes": 1000})
    with pytest.raises(FetchError, match=r"exceeds the 1,000-byte limit"):
        download(httpserver.url_for(PATH), settings=small, base=settings.home)


def test_download_follows_redirect_on_the_same_host(httpserver, settings):
    httpserver.expect_request("/old").respond_with_data("", status=301, headers={"Location": PATH})
    httpserver.expect_request(PATH).respond_with_data(SERIES)
    got = download(httpserver.url_for("/old"), settings=settings, base=settings.home)
    assert (got.content, got.url, got.final_url) == (SERIES, httpserver.url_for("/old"), httpserver.url_for(PATH))


def test_download_follows_redirect_to_an_allowed_host(httpserver, httpserver_ipv4, settings):
    httpserver_ipv4.expect_request(PATH).respond_with_data(SERIES)
    target = httpserver_ipv4.url_for(PATH)
    httpserver.expect_request("/old").respond_with_data("", status=302, headers={"Location": target})
    got = download(httpserver.url_for("/old"), settings=settings, base=settings.home, allowed_hosts=("127.0.0.1",))
    assert (got.content, got.final_url) == (SERIES, target)


@pytest.mark.parametrize(
    "location, allowed, message",
    [
        ("http://mirror.example.invalid/x.json", (), "redirect to http://mirror.example.invalid/x.json refused"),
        ("http://mirror.example.invalid/x.json", ("data.techforpalestine.org",), "refused"),
        ("ftp://localhost/x.json", (), "refused"),
        ("/loop", (), "more than 5 redirects"),
    ],
    ids=["other-host", "host-not-in-allowed", "other-scheme", "loop"],
)
def test_download_refuses_redirects_it_should_not_follow(httpserver, settings, location, allowed, message):
    httpserver.expect_request("/loop").respond_with_data("", status=302, headers={"Location": location})
    with pytest.raises(FetchError, match=message):
        download(httpserver.url_for("/loop"), settings=settings, base=settings.home, allowed_hosts=allowed)


def test_download_reads_relative_and_absolute_file_urls(tmp_path, settings):
    (tmp_path / "copies").mkdir()
    (tmp_path / "copies" / "series.json").write_bytes(SERIES)
    relative = download("file:copies/series.json", settings=settings, base=tmp_path, expected_format="json")
    absolute = download((tmp_path / "copies" / "series.json").as_uri(), settings=settings, base=Path("/nonexistent"))
    assert relative.content == absolute.content == SERIES
    assert relative.final_url == absolute.final_url == (tmp_path / "copies" / "series.json").as_uri()


@pytest.mark.parametrize(
    "url, update, message",
    [
        ("file:missing.json", {}, "file:missing.json: no such file .*missing.json"),
        ("file:big.json", {"max_bytes": 10}, "larger than the 10-byte limit"),
        ("file://example.org/x.json", {}, "file URLs must be local"),
        ("gopher://example.org/x", {}, "unsupported URL scheme 'gopher'"),
    ],
    ids=["missing", "oversized", "remote-file-url", "scheme"],
)
def test_download_file_and_scheme_errors(tmp_path, settings, url, update, message):
    (tmp_path / "big.json").write_bytes(b"[" + b" " * 100 + b"]")
    with pytest.raises(FetchError, match=message):
        download(url, settings=settings.model_copy(update=update), base=tmp_path)


def test_registry_mirror_resolves_to_the_shared_copy():
    assert file_path(GAZA.mirrors[0], REPO).resolve() == CASUALTIES


# --- snapshots --------------------------------------------------------------------------------------------------


def _fetched(url: str = "https://data.example/casualties.json") -> Download:
    return Download(content=SERIES, url=url, status=200, etag='"v1"', last_modified="Fri, 16 May 2025 10:00:00 GMT")


def test_snapshot_is_stored_by_sha256_with_its_passport(tmp_path):
    store = SnapshotStore(tmp_path)
    snapshot = store.put(GAZA, SERIES, _fetched())
    sha = hashlib.sha256(SERIES).hexdigest()
    assert snapshot.path == tmp_path / GAZA.name / f"{sha}.json"
    assert snapshot.path.read_bytes() == SERIES
    passport = json.loads((tmp_path / GAZA.name / f"{sha}.meta.json").read_text())
    assert passport["sha256"] == sha
    assert passport["bytes"] == len(SERIES)
    assert passport["url"] == "https://data.example/casualties.json"
    assert passport["etag"] == '"v1"'
    assert passport["last_modified"] == "Fri, 16 May 2025 10:00:00 GMT"
    assert passport["license"] == GAZA.license
    assert passport["validation"] is None
    assert passport["retrieved_at"].endswith("Z")
    assert store.get(GAZA.name, sha) == snapshot


def test_same_content_twice_is_one_snapshot(tmp_path):
    store = SnapshotStore(tmp_path)
    first = store.put(GAZA, SERIES, _fetched())
    second = store.put(GAZA, SERIES, _fetched("https://mirror.example/copy.json"))
    assert second == first
    assert sorted(p.name for p in (tmp_path / GAZA.name).iterdir()) == [
        f"{first.sha256}.json",
        f"{first.sha256}.meta.json",
    ]


def test_validation_is_recorded_and_only_a_passing_snapshot_becomes_latest_good(tmp_path):
    store = SnapshotStore(tmp_path)
    snapshot = store.put(GAZA, SERIES, _fetched())
    assert store.latest_good(GAZA.name) is None
    failed = store.record_validation(snapshot, {"success": False, "failures": ["x"], "warnings": []})
    with pytest.raises(SnapshotError, match="only a snapshot that passed"):
        store.mark_good(failed)
    passed = store.record_validation(snapshot, {"success": True, "failures": [], "warnings": []})
    store.mark_good(passed)
    assert (tmp_path / GAZA.name / "LATEST").read_text().strip() == snapshot.sha256
    assert store.latest_good(GAZA.name).validation == {"success": True, "failures": [], "warnings": []}
    assert store.read(store.latest_good(GAZA.name)) == SERIES


def test_a_damaged_snapshot_file_is_not_read(tmp_path):
    store = SnapshotStore(tmp_path)
    snapshot = store.put(GAZA, SERIES, _fetched())
    snapshot.path.write_bytes(SERIES[:-10])
    with pytest.raises(SnapshotError, match="no longer matches its sha256"):
        store.read(snapshot)


@pytest.mark.parametrize("name", ["../escape", "Gaza", "a/b", "", "x.y", "..", "gaza\n"])
def test_source_names_that_could_leave_the_store_are_rejected(tmp_path, name):
    store = SnapshotStore(tmp_path / "snapshots")
    with pytest.raises(SnapshotError, match="must match"):
        store.put(replace(GAZA, name=name), SERIES, _fetched())
    with pytest.raises(SnapshotError, match="must match"):
        store.latest_good(name)
    assert not (tmp_path / "escape").exists()


def test_a_sha256_that_is_not_hex_is_rejected(tmp_path):
    with pytest.raises(SnapshotError, match="not a sha256"):
        SnapshotStore(tmp_path).get(GAZA.name, "../../etc/passwd")


# --- loaders ----------------------------------------------------------------------------------------------------


def test_records_loader_parses_dates_and_derives_women_and_children():
    frame = load_frame(GAZA, SERIES)
    assert pandas.api.types.is_datetime64_any_dtype(frame["report_date"])
    day = frame.loc[frame["report_date"] == "2023-10-08"].iloc[0]
    assert day["ext_killed_women_children_cum"] == 78 + 41


@pytest.mark.parametrize(
    "content, message",
    [
        (SERIES[:1000], r"truncated or malformed JSON at \d+:\d+"),
        (b'{"report_date": "2025-05-16"}', "not a JSON array of objects"),
        (b"[1, 2]", "not a JSON array of objects"),
        (b'[{"day": "2025-05-16"}]', r"date column 'report_date' is missing \(columns found: day\)"),
        (b'[{"report_date": "2025-05-16"}, {"report_date": "yesterday"}]', "not a date in row 1: 'yesterday'"),
    ],
    ids=["truncated", "object", "scalars", "no-date-column", "bad-date"],
)
def test_records_loader_errors_say_what_is_wrong(content, message):
    with pytest.raises(LoadError, match=message):
        load_frame(GAZA, content)


def test_csv_loader_reads_a_curated_table():
    source = load_registry(REPO / "data" / "sources.toml")["palestine_recognitions"]
    frame = load_frame(source, (REPO / "data" / "reference" / "palestine_recognitions.csv").read_bytes())
    assert {"country", "date"} <= set(frame.columns)
    assert pandas.api.types.is_datetime64_any_dtype(frame["date"])


# --- prepare_sources --------------------------------------------------------------------------------------------


def test_prepare_stores_validates_and_marks_a_new_download_good(httpserver, registry, settings):
    httpserver.expect_request(PATH).respond_with_data(SERIES, headers={"ETag": '"v1"'})
    table = _prepare(registry, settings)
    assert isinstance(table, ReferenceTable), table
    assert table.fetched_from == httpserver.url_for(PATH)
    assert table.notes == ()
    assert table.snapshot.sha256 == hashlib.sha256(SERIES).hexdigest()
    assert table.snapshot.validation["success"] is True
    assert SnapshotStore(settings.snapshots_dir).latest_good(GAZA.name) == table.snapshot
    assert len(table.frame) == len(json.loads(SERIES))


def test_prepare_reuses_the_good_snapshot_on_304(httpserver, registry, seeded):
    store = SnapshotStore(seeded.snapshots_dir)
    good = store.latest_good(GAZA.name)
    store.record_validation(replace(good, url=registry[GAZA.name].url, etag='"v1"'), good.validation)
    httpserver.expect_request(PATH, headers={"If-None-Match": '"v1"'}).respond_with_data("", status=304)
    table = _prepare(registry, seeded)
    assert isinstance(table, ReferenceTable), table
    assert (table.snapshot.sha256, table.notes) == (good.sha256, ())
    assert len(httpserver.log) == 1 and httpserver.log[0][1].status_code == 304
    assert len(list((seeded.snapshots_dir / GAZA.name).glob("*.meta.json"))) == 1


def test_prepare_same_content_twice_keeps_one_snapshot_and_its_validation(httpserver, registry, seeded):
    httpserver.expect_request(PATH).respond_with_data(SERIES)
    first = _prepare(registry, seeded)
    second = _prepare(registry, seeded)
    assert first.snapshot == second.snapshot
    assert second.snapshot.validation == first.snapshot.validation
    assert len(list((seeded.snapshots_dir / GAZA.name).glob("*.meta.json"))) == 1


def test_prepare_does_not_validate_a_snapshot_twice(httpserver, registry, seeded, monkeypatch):
    def refuse(frame, suite_path):
        raise AssertionError("validated a snapshot whose validation is already recorded")

    monkeypatch.setattr("claimledger.sources.reference.validate_frame", refuse)
    httpserver.expect_request(PATH).respond_with_data(SERIES)
    table = _prepare(registry, seeded)
    assert isinstance(table, ReferenceTable), table
    assert table.snapshot.validation["success"] is True


def test_prepare_falls_back_to_the_last_good_snapshot_on_timeout(httpserver, registry, seeded, stalled):
    httpserver.expect_request(PATH).respond_with_handler(lambda request: stalled.wait(5) and Response(SERIES))
    quick = seeded.model_copy(update={"read_timeout": 0.05, "retries": 1})
    good = SnapshotStore(seeded.snapshots_dir).latest_good(GAZA.name)
    table = _prepare(registry, quick)
    assert isinstance(table, ReferenceTable), table
    assert table.snapshot == good
    assert table.fetched_from == good.url
    (note,) = table.notes
    assert note.startswith(f"could not fetch ({httpserver.url_for(PATH)}: timed out")
    assert note.endswith(f"; using last good snapshot {good.sha256[:12]} retrieved {good.retrieved_at}")


@pytest.mark.parametrize(
    "body, failure",
    [
        (SERIES[:5000], "could not load: gaza_casualties_daily: truncated or malformed JSON at"),
        (_series_with_killed_cum_drop(), "killed_cum"),
    ],
    ids=["truncated-json", "killed-cum-decreases"],
)
def test_prepare_quarantines_a_bad_download_and_keeps_the_good_snapshot(httpserver, registry, seeded, body, failure):
    httpserver.expect_request(PATH).respond_with_data(body)
    good = SnapshotStore(seeded.snapshots_dir).latest_good(GAZA.name)
    table = _prepare(registry, seeded)
    assert isinstance(table, ReferenceTable), table
    assert table.snapshot == good
    (note,) = table.notes
    kept = f"kept snapshot {good.sha256[:12]} from {good.retrieved_at}; "
    assert note.startswith(kept + "new download failed its suite: ")
    assert failure in note
    quarantined = SnapshotStore(seeded.snapshots_dir).get(GAZA.name, hashlib.sha256(body).hexdigest())
    assert quarantined.validation["success"] is False
    assert SnapshotStore(seeded.snapshots_dir).latest_good(GAZA.name) == good


def test_prepare_reports_unavailable_with_no_good_snapshot(httpserver, registry, settings):
    httpserver.expect_request(PATH).respond_with_data("down", status=503)
    result = _prepare(registry, settings)
    assert isinstance(result, SourceUnavailable), result
    assert result.reason == (
        f"could not fetch ({httpserver.url_for(PATH)}: HTTP 503 after 3 attempts); "
        "no good snapshot of gaza_casualties_daily is stored"
    )


def test_prepare_reports_unavailable_when_the_only_download_fails_its_suite(httpserver, registry, settings):
    httpserver.expect_request(PATH).respond_with_data(SERIES[:5000])
    result = _prepare(registry, settings)
    assert isinstance(result, SourceUnavailable), result
    assert "new download failed its suite: could not load" in result.reason
    assert SnapshotStore(settings.snapshots_dir).latest_good(GAZA.name) is None


def test_prepare_tries_mirrors_in_order_and_says_so(httpserver, registry, settings):
    (settings.home / "copy.json").write_bytes(SERIES)
    httpserver.expect_request(PATH).respond_with_data("gone", status=404)
    source = replace(registry[GAZA.name], mirrors=("file:missing.json", "file:copy.json"))
    table = _prepare({GAZA.name: source}, settings)
    assert isinstance(table, ReferenceTable), table
    assert table.fetched_from == "file:copy.json"
    (note,) = table.notes
    assert "HTTP 404" in note and "file:missing.json: no such file" in note and note.endswith("; used file:copy.json")


def test_prepare_uses_an_override_instead_of_url_and_mirrors(httpserver, registry, settings):
    (settings.home / "override.json").write_bytes(SERIES)
    source = replace(registry[GAZA.name], mirrors=("file:never.json",))
    table = _prepare({GAZA.name: source}, settings, overrides={GAZA.name: "file:override.json"})
    assert isinstance(table, ReferenceTable), table
    assert table.fetched_from == table.source.url == "file:override.json"
    assert table.source.mirrors == ()
    assert httpserver.log == []
