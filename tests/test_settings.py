"""Settings: built once per command, the ledger URL resolved on load, Prefect's API URL and the dashboard token read
into them, and no other module reading the environment."""

from __future__ import annotations

import json
import re
from typing import ClassVar

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from conftest import REPO

from claimledger.cli import app, options
from claimledger.settings import Settings


@pytest.mark.parametrize(
    "given, expected",
    [
        ("sqlite:///data/other.db", "sqlite:///{home}/data/other.db"),  # relative: inside the project
        ("sqlite:///l.db?mode=ro", "sqlite:///{home}/l.db?mode=ro"),
        ("sqlite+pysqlite:///l.db", "sqlite+pysqlite:///{home}/l.db"),
        ("sqlite:////srv/ledger.db", "sqlite:////srv/ledger.db"),  # absolute: as given
        ("sqlite://", "sqlite://"),  # in memory
        ("sqlite:///:memory:", "sqlite:///:memory:"),
        ("postgresql+psycopg://claims@db.example.org/ledger", "postgresql+psycopg://claims@db.example.org/ledger"),
    ],
)
def test_the_ledger_url_is_resolved_against_the_project(tmp_path, given, expected):
    assert Settings(home=tmp_path, ledger=given).ledger == expected.format(home=tmp_path)


def test_the_default_ledger_is_in_the_project_and_the_variable_sets_it(tmp_path, monkeypatch):
    monkeypatch.delenv("CLAIMLEDGER_LEDGER_URL", raising=False)
    assert Settings(home=tmp_path).ledger == f"sqlite:///{tmp_path / 'data' / 'ledger.db'}"
    monkeypatch.setenv("CLAIMLEDGER_LEDGER_URL", "sqlite:///shared.db")
    settings = Settings(home=tmp_path)
    assert settings.ledger == f"sqlite:///{tmp_path / 'shared.db'}"
    assert settings.given(ledger="sqlite:///flag.db").ledger == f"sqlite:///{tmp_path / 'flag.db'}"  # the flag wins
    assert settings.given(ledger=None) is settings  # a flag not given changes nothing
    assert settings.chosen_ledger == settings.ledger  # what `serve` hands its deployments
    monkeypatch.delenv("CLAIMLEDGER_LEDGER_URL")
    assert Settings(home=tmp_path).chosen_ledger is None  # none chosen: each worker writes its own project's


@pytest.mark.parametrize("bad", ["data/ledger.db", "ledger.db", "://nothing", "sqlite:/one-slash.db"])
def test_text_that_is_no_database_url_is_refused_with_the_forms_it_may_take(tmp_path, bad):
    with pytest.raises(ValidationError, match="is not a database URL: use sqlite:///PATH or postgresql"):
        Settings(home=tmp_path, ledger=bad)
    with pytest.raises(ValueError, match="is not a database URL"):  # a flag, as a command applies --ledger
        Settings(home=tmp_path).given(ledger=bad)


def test_prefect_api_url_and_dashboard_token_are_read_into_the_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    monkeypatch.setenv("CLAIMLEDGER_DASHBOARD_TOKEN", "s3cret")
    settings = Settings(home=tmp_path)
    assert (settings.prefect_api_url, settings.dashboard_token) == ("http://127.0.0.1:4200/api", "s3cret")
    monkeypatch.setenv("PREFECT_API_URL", "")
    monkeypatch.delenv("CLAIMLEDGER_DASHBOARD_TOKEN")
    assert (Settings(home=tmp_path).prefect_api_url, Settings(home=tmp_path).dashboard_token) == (None, None)


class Counted(Settings):
    """Settings that count how often a command builds them."""

    built: ClassVar[int] = 0

    def __init__(self, **values):
        super().__init__(**values)
        type(self).built += 1


@pytest.fixture
def counted(monkeypatch):
    Counted.built = 0
    monkeypatch.setattr(options, "Settings", Counted)
    return Counted


def test_a_command_builds_its_settings_once_and_applies_ledger_on_them(counted, tmp_path):
    result = CliRunner().invoke(
        app,
        ["ledger", "list", "--ledger", "sqlite:///here.db", "--format", "json"],
        env={"CLAIMLEDGER_HOME": str(tmp_path), "CLAIMLEDGER_LEDGER_URL": None},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []
    assert counted.built == 1
    assert (tmp_path / "here.db").is_file()  # the relative path was taken inside the project, not the cwd


def test_a_command_with_no_ledger_builds_its_settings_once_too(counted, tmp_path):
    article = tmp_path / "a.md"
    article.write_text(
        "---\ntitle: T\npublisher: P\npublished: 2025-05-16\n---\n\nMore than 52,000 people were killed.\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app, ["extract", str(article), "--format", "json"], env={"CLAIMLEDGER_HOME": str(REPO)}, catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert [row["quote"] for row in json.loads(result.stdout)] == ["More than 52,000"]
    assert counted.built == 1


@pytest.mark.parametrize(
    "args, env",
    [
        (["ledger", "list", "--ledger", "data/ledger.db"], {}),
        (["ledger", "list"], {"CLAIMLEDGER_LEDGER_URL": "data/ledger.db"}),
    ],
)
def test_a_bad_ledger_url_is_one_line_naming_it(tmp_path, args, env):
    result = CliRunner().invoke(app, args, env={"CLAIMLEDGER_HOME": str(tmp_path), **env})
    assert result.exit_code == 2
    assert "ledger 'data/ledger.db' is not a database URL: use sqlite:///PATH" in result.stderr
    assert "Traceback" not in result.output and "validation error" not in result.stderr


def test_serve_needs_the_prefect_api_url_of_its_settings(tmp_path):
    result = CliRunner().invoke(app, ["serve"], env={"CLAIMLEDGER_HOME": str(REPO), "PREFECT_API_URL": ""})
    assert result.exit_code == 2 and "serve needs a Prefect server" in result.stderr


def test_only_settings_read_the_environment():
    """Everything a command is configured with comes through Settings: no module reads a variable of its own (a
    test's hook included); setting Prefect's variables for the process is not reading them."""
    reads = re.compile(r"os\.getenv\(|environ\.get\(|environ\[[^\]]+\](?!\s*=[^=])")
    found = [
        f"{path.relative_to(REPO)}:{n}"
        for path in sorted((REPO / "src" / "claimledger").rglob("*.py"))
        if path.name != "settings.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if reads.search(line)
    ]
    assert found == []
