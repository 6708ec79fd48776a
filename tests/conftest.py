"""Shared fixtures: where ../shared is, an isolated project home, and one Prefect test harness per session."""

from __future__ import annotations

import os
import shutil
import tomllib
from pathlib import Path

import pytest
from hypothesis import settings
from pg import ledger_url, postgres_server  # noqa: F401  (the ledger tests run on SQLite and on PostgreSQL)

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CASUALTIES = SHARED / "reference" / "techforpalestine" / "casualties_daily.json"
HISTORY = SHARED / "reference" / "techforpalestine" / "history"

os.environ.setdefault("PREFECT_HOME", str(REPO / ".prefect"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

# Property tests (tests/test_properties.py): 200 generated cases each, no deadline on a busy machine;
# HYPOTHESIS_PROFILE=deep for a longer search before a release or after changing the number reader.
settings.register_profile("default", deadline=None, max_examples=200)
settings.register_profile("deep", deadline=None, max_examples=5000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder like a fresh checkout: registry, curated tables, suites, seeds; no snapshots, no ledger."""
    return make_project(tmp_path)


def _offline_registry() -> str:
    """data/sources.toml with each web source read from its shared mirror: tests never touch the internet, and a
    test that wants a source over HTTP points it at a local server with --source."""
    text = (REPO / "data" / "sources.toml").read_text(encoding="utf-8")
    for entry in tomllib.loads(text)["sources"].values():
        if entry["url"].startswith(("http://", "https://")) and entry.get("mirrors"):
            mirror = (REPO / entry["mirrors"][0].removeprefix("file:")).resolve()
            text = text.replace(f'url = "{entry["url"]}"', f'url = "{mirror.as_uri()}"', 1)
    return text


def make_project(root: Path) -> Path:
    """The `project` fixture's folder, under root."""
    home = root / "project"
    (home / "data").mkdir(parents=True)
    (home / "data" / "sources.toml").write_text(_offline_registry(), encoding="utf-8")
    shutil.copytree(REPO / "data" / "reference", home / "data" / "reference")
    shutil.copytree(REPO / "expectations", home / "expectations")
    shutil.copytree(REPO / "seeds", home / "seeds")
    return home


@pytest.fixture(scope="session")
def prefect_harness():
    """A temporary Prefect API for the few tests that run real flows (about 11 s, once per session)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness():
        yield
