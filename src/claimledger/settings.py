"""One typed Settings object, loaded once from the environment (CLAIMLEDGER_*) and command-line flags."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LEDGER_URL_FORMS = "sqlite:///PATH or postgresql+psycopg://USER@HOST/DB"


def _default_home() -> Path:
    """The project folder: the current directory when it holds a registry, else the checkout this code runs from."""
    cwd = Path.cwd()
    if (cwd / "data" / "sources.toml").is_file():
        return cwd
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "data" / "sources.toml").is_file():
        return checkout
    return cwd


class Settings(BaseSettings):
    """Where claimledger keeps its registry, snapshots and ledger, and how it talks to sources and to Prefect.

    Built once per command (the CLI's callback; a served flow or the dashboard's app factory when called without
    one) and passed down; command-line flags are applied with `given`."""

    model_config = SettingsConfigDict(env_prefix="CLAIMLEDGER_", extra="ignore", populate_by_name=True)

    home: Path = _default_home()
    # The ledger's SQLAlchemy URL: --ledger or CLAIMLEDGER_LEDGER_URL, else data/ledger.db in the project; a relative
    # SQLite path is taken inside the project (resolved by _resolve_ledger, so it is always set once built).
    ledger: str = Field("", validation_alias="claimledger_ledger_url")
    # The Prefect server a recheck is handed to and `serve` registers on (Prefect's own variable); None: none.
    prefect_api_url: str | None = Field(None, validation_alias="prefect_api_url")
    # The token every dashboard POST needs when it listens beyond loopback; None: one is generated at start.
    dashboard_token: str | None = Field(None, validation_alias="claimledger_dashboard_token")
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    # How long a fetch waits for another run's fetch of the same source: longer than the slowest live fetch (a read
    # timeout, times the attempts) and than the 60 s lease of a killed run; then the waiting run says who holds it.
    fetch_slot_wait_seconds: float = 120.0
    retries: int = 2
    backoff_seconds: float = 0.5
    max_bytes: int = 64 * 1024 * 1024
    download_deadline_seconds: float = 120.0  # one download in all: connects, retries, backoff and the whole body
    # Figures read per sentence and per article; those past the bound are skipped with a warning naming the file.
    # A real sentence holds under 20 figures and a long feature a few hundred; a table of figures a few thousand.
    max_figures_per_sentence: int = 500
    max_figures_per_article: int = 20_000
    # Articles a run reads, extracts and checks at a time before spooling them to disk: its memory is about one part
    # (2,000 articles of a few figures each: under 100 MB), whatever the corpus's size.
    run_part_articles: int = Field(2_000, ge=1)
    gx_keep_runs: int = 20  # runs of each GX suite whose validation results (and Data Docs pages) data/gx/ keeps
    # Host names the dashboard answers to besides those of its --host, comma-separated: "ledger.example.org,*.lan"
    dashboard_hosts: str = ""
    # Requests the dashboard handles at once (the rest queue): pages are Python work under one GIL, and on this
    # 2-core machine 2 at a time gave the lowest p95 with 10 clients (bench/dashboard_load.py)
    dashboard_threads: int = Field(2, ge=1, le=64)

    @field_validator("prefect_api_url", "dashboard_token")
    @classmethod
    def _unset_when_empty(cls, value: str | None) -> str | None:
        return value or None  # an exported but empty variable means "not set", as Prefect reads it

    @model_validator(mode="after")
    def _resolve_ledger(self) -> Settings:
        return self._resolved()

    def _resolved(self) -> Settings:
        self.home = self.home.absolute()
        self.ledger = ledger_url(self.ledger, self.home) if self.ledger else self.default_ledger
        return self

    def given(self, **flags: Any) -> Settings:
        """A copy of these settings with the command-line flags that were given (None: not given), the ledger URL
        resolved as on load; the environment is not read again. ValueError for a ledger that is no URL."""
        chosen = {name: value for name, value in flags.items() if value is not None}
        return self.model_copy(update=chosen)._resolved() if chosen else self

    @property
    def default_ledger(self) -> str:
        """data/ledger.db in the project: the ledger when none is chosen."""
        return f"sqlite:///{self.home / 'data' / 'ledger.db'}"

    @property
    def chosen_ledger(self) -> str | None:
        """The ledger when one was chosen (--ledger, CLAIMLEDGER_LEDGER_URL), None for the project's default: what
        `serve` hands its deployments, so that otherwise each worker writes its own project's ledger."""
        return None if self.ledger == self.default_ledger else self.ledger

    @property
    def registry_path(self) -> Path:
        return self.home / "data" / "sources.toml"

    @property
    def snapshots_dir(self) -> Path:
        return self.home / "data" / "snapshots"

    @property
    def gx_dir(self) -> Path:
        """Generated GX state (validation results, Data Docs); git-ignored, safe to delete."""
        return self.home / "data" / "gx"

    @property
    def data_docs_dir(self) -> Path:
        """The static GX Data Docs site, served by the dashboard: the sources' suite validations and each verify
        run's invariant validation (expectations/claim_checks.json on its results, before the ledger write)."""
        return self.gx_dir / "docs"

    @property
    def expectations_dir(self) -> Path:
        return self.home / "expectations"

    @property
    def dashboard_host_names(self) -> list[str]:
        """CLAIMLEDGER_DASHBOARD_HOSTS as a list: the names a proxy or a LAN uses to reach the dashboard."""
        return [name.strip() for name in self.dashboard_hosts.split(",") if name.strip()]


def ledger_url(url: str, home: Path) -> str:
    """A ledger URL as given, with a relative SQLite path (sqlite:///data/x.db) made absolute inside the project, so
    every run, served deployment and dashboard names the same file wherever it starts. ValueError when the text is no
    database URL at all (the engine says which databases it supports when it opens one)."""
    scheme, sep, rest = url.strip().partition("://")
    if not sep or not scheme or not scheme.replace("+", "").replace("_", "").isalnum():
        raise ValueError(f"ledger {url!r} is not a database URL: use {LEDGER_URL_FORMS}")
    if scheme.split("+")[0] != "sqlite" or not rest.startswith("/"):
        return url.strip()
    path, query_sep, query = rest[1:].partition("?")
    if not path or path == ":memory:" or path.startswith("/"):
        return url.strip()
    return f"{scheme}:///{home / path}{query_sep}{query}"
