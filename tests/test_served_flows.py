"""End to end, unattended: a real Prefect server on loopback, `claimledger serve`, a source that publishes new data.

The test starts `prefect server start` on 127.0.0.1 (its own PREFECT_HOME) and `claimledger serve` against it,
serves a few days of the casualty series over HTTP, runs the served verify_articles deployment on an article of the
test's own, serves the series with one more day and runs refresh_sources: the claimledger.source.updated event must trigger recheck, and the ledger
must gain results citing the new snapshot for the casualty claims only. Every process it started is stopped.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from builders import daily_casualties, hostage_deal_poll, small_project, write_article

from claimledger.ledger import schema
from claimledger.ledger.store import LedgerStore
from claimledger.settings import Settings
from claimledger.sources.snapshots import SnapshotStore

PATH = "/api/v2/casualties_daily.json"
SOURCE = "gaza_casualties_daily"
QUIET = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
PUBLISHED = {"2025-05-12": 52_810, "2025-05-15": 53_010}
UPDATED = PUBLISHED | {"2025-05-16": 53_119}  # the next day's report: a new snapshot


@pytest.fixture
def project(tmp_path) -> Path:
    """A small project: the casualty series, one poll, and an article of casualty and poll figures under seeds/."""
    home = small_project(
        tmp_path,
        casualties=daily_casualties(PUBLISHED),
        tables={"israel_polls_hostage_deal": [hostage_deal_poll("p-2025-01", "2025-01-20", 69, 21)]},
    )
    write_article(
        home / "seeds",
        "toll",
        "More than 52,000 people have been killed in Gaza, two-thirds of them women and children.",
        "In January, 69 percent of Israelis backed a deal to release the hostages.",
    )
    return home


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(command: list[str], env: dict, log: Path, cwd: Path) -> subprocess.Popen:
    """A process in its own session, so that it and every child it starts can be stopped together."""
    return subprocess.Popen(
        command, env=env, cwd=cwd, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(process: subprocess.Popen) -> None:
    """SIGTERM the process group, SIGKILL what is left after a grace period, and check nothing of it remains."""
    for sig, grace in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and _group_alive(process):
            time.sleep(0.2)
        if not _group_alive(process):
            break
    assert not _group_alive(process), f"process group {process.pid} still has processes"


def _group_alive(process: subprocess.Popen) -> bool:
    process.poll()  # reap the leader, or it lingers as a zombie
    try:
        os.killpg(process.pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_for(what: str, check, timeout: float, log: Path | None = None, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    tail = log.read_text(errors="replace")[-4000:] if log and log.exists() else ""
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{tail}")


@pytest.fixture
def prefect_server(tmp_path):
    """`prefect server start` on a free loopback port with its own PREFECT_HOME; yields the API URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(QUIET, PREFECT_HOME=str(tmp_path / "prefect-server"))
    log = tmp_path / "prefect-server.log"
    prefect = Path(sys.executable).with_name("prefect")
    server = start([str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)], env, log, tmp_path)
    url = f"http://127.0.0.1:{port}/api"
    try:
        wait_for(
            "the Prefect server",
            lambda: server.poll() is None and _healthy(url) or server.poll() is not None,
            timeout=60,
            log=log,
        )
        assert server.poll() is None, log.read_text(errors="replace")[-4000:]
        yield url
    finally:
        stop(server)


def _healthy(url: str) -> bool:
    try:
        return requests.get(f"{url}/health", timeout=2).ok
    except requests.RequestException:
        return False


def test_a_source_update_rechecks_exactly_the_claims_that_depend_on_it(prefect_server, project, httpserver, tmp_path):
    timings = {"start": time.monotonic()}
    httpserver.expect_request(PATH).respond_with_data(
        json.dumps(daily_casualties(PUBLISHED)), content_type="application/json"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        QUIET,
        CLAIMLEDGER_HOME=str(project),
        PREFECT_HOME=str(tmp_path / "prefect-serve"),
        PREFECT_API_URL=prefect_server,
        PREFECT_RUNNER_POLL_FREQUENCY="1",
        PREFECT_LOGGING_LEVEL="INFO",
    )
    log = tmp_path / "serve.log"
    claimledger = Path(sys.executable).with_name("claimledger")
    serving = start(
        [
            str(claimledger),
            "serve",
            "--source",
            f"{SOURCE}={httpserver.url_for(PATH)}",
            "--articles",
            str(project / "seeds"),
        ],
        env,
        log,
        project,
    )

    from prefect import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    try:
        with temporary_settings({PREFECT_API_URL: prefect_server}), get_client(sync_client=True) as client:
            names = ("refresh_sources/refresh_sources", "verify_articles/verify_articles", "recheck/recheck")
            deployments = wait_for(
                "the served deployments", lambda: serving.poll() is None and _read(client, names), timeout=60, log=log
            )
            timings["served"] = time.monotonic()

            verified = _run(client, deployments[1], timeout=120)
            assert verified.state.is_completed(), log.read_text(errors="replace")[-4000:]
            timings["verified"] = time.monotonic()

            httpserver.clear_all_handlers()
            httpserver.expect_request(PATH).respond_with_data(
                json.dumps(daily_casualties(UPDATED)), content_type="application/json"
            )
            refreshed = _run(client, deployments[0], timeout=120)
            assert refreshed.state.is_completed(), log.read_text(errors="replace")[-4000:]
            timings["refreshed"] = time.monotonic()

            recheck_id = deployments[2].id
            rechecked = wait_for(
                "the triggered recheck of the casualty series",
                lambda: _finished_recheck(client, recheck_id),
                timeout=60,
                log=log,
            )
            timings["rechecked"] = time.monotonic()
            assert all(run.state.is_completed() for run in rechecked), [run.state for run in rechecked]
            artifacts = _markdown_artifacts(client, "claimledger-recheck")
    finally:
        stop(serving)
    timings["stopped"] = time.monotonic()

    settings = Settings(home=project)
    new_sha = SnapshotStore(settings.snapshots_dir).latest_good(SOURCE).sha256
    with LedgerStore(settings.ledger) as store:
        runs = store.reader.runs()
        (first,) = [run for run in runs if "recheck" not in run.arguments]
        (again,) = [run for run in runs if "recheck" in run.arguments]
        before, after = store.reader.results_of_run(first.id), store.reader.results_of_run(again.id)
        old_sha = next(u for u in store.reader.run_sources(first.id) if u.source == SOURCE).snapshot_sha256
        with store.engine.connect() as conn:
            stored = {row.id for row in conn.execute(schema.check_results.select())}

    # The recheck says what started it: the event, with the old and the new snapshot of the source.
    recheck = again.arguments["recheck"]
    assert recheck["sources"] == [SOURCE]
    assert recheck["trigger"]["event"] == "claimledger.source.updated"
    assert (recheck["trigger"]["old_sha256"], recheck["trigger"]["new_sha256"]) == (old_sha, new_sha)
    assert old_sha != new_sha
    # Exactly the claims whose results cited the casualty series are rechecked, and cite the new snapshot.
    casualty_claims = {r.claim_id for r in before if r.source == SOURCE}
    assert {r.quote for r in before if r.source == SOURCE} == {"More than 52,000", "two-thirds"}
    assert {r.source for r in before} == {SOURCE, "israel_polls_hostage_deal"}
    assert {r.claim_id for r in after} == casualty_claims
    assert {(r.source, r.snapshot_sha256) for r in after} == {(SOURCE, new_sha)}
    assert again.new_results == len(after)
    assert [r.verdict for r in after if r.quote == "More than 52,000"] == ["pass"]
    # The other claims are untouched: the ledger holds no result beyond the two runs'.
    assert stored == {r.id for r in before} | {r.id for r in after}
    # The Prefect UI has the run's report: the rechecked source and its new snapshot.
    assert any(SOURCE in markdown and new_sha[:12] in markdown for markdown in artifacts), artifacts

    print("e2e timings (s): " + ", ".join(f"{step} {timings[step] - timings['start']:.1f}" for step in timings))
    assert timings["stopped"] - timings["start"] < 120


def _read(client, names):
    from prefect.exceptions import ObjectNotFound

    try:
        return [client.read_deployment_by_name(name) for name in names]
    except ObjectNotFound:
        return None


def _run(client, deployment, timeout: float):
    """Start a flow run of the deployment (the served process picks it up) and wait until it is final."""
    flow_run = client.create_flow_run_from_deployment(deployment.id)
    return wait_for(f"{deployment.name} to finish", lambda: _final(client.read_flow_run(flow_run.id)), timeout)


def _final(flow_run):
    return flow_run if flow_run.state and flow_run.state.is_final() else None


def _finished_recheck(client, deployment_id):
    """The recheck runs so far, once the one for the casualty series and every other one are final."""
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

    runs = client.read_flow_runs(deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])))
    ours = [run for run in runs if run.parameters.get("depends_on") == [SOURCE]]
    if ours and all(run.state and run.state.is_final() for run in runs):
        return runs
    return None


def _markdown_artifacts(client, key):
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    return [a.data for a in client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))]


# ---- issue 16: row 2 (a served run killed while it holds a fetch slot) ----
HOLD_SLOT = """
import sys, time
from claimledger.flows.fetch_slots import FetchSlotBusy, fetch_slots
try:
    with fetch_slots(["served_probe"], float(sys.argv[1])):
        print("held", flush=True)
        time.sleep(float(sys.argv[2]))
except FetchSlotBusy as exc:
    sys.exit(f"busy: {exc}")
"""


def test_a_killed_holder_of_a_fetch_slot_on_a_prefect_server_frees_it_when_its_lease_expires(prefect_server, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(QUIET, PREFECT_API_URL=prefect_server, PREFECT_HOME=str(tmp_path / "prefect-client"))
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_SLOT, "30", "600"],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        busy = subprocess.run(
            [sys.executable, "-c", HOLD_SLOT, "3", "0"], env=env, capture_output=True, text=True, timeout=120
        )
        assert busy.returncode == 1
        assert "claimledger-fetch-served_probe is held by another run (see Concurrency in the Prefect UI" in busy.stderr
        holder.kill()  # the holder dies without releasing; the server's lease for it is renewed no more
        holder.wait()
        taken = subprocess.run(
            [sys.executable, "-c", HOLD_SLOT, "200", "0"], env=env, capture_output=True, text=True, timeout=300
        )  # the 60 s lease expires; the server frees the slot
        assert taken.returncode == 0 and taken.stdout.strip() == "held", taken.stderr[-3000:]
    finally:
        stop(holder)
