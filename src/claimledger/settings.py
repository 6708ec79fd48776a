"""One typed Settings object, loaded once from the environment (CLAIMLEDGER_*) and command-line flags."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


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
    """Where claimledger keeps its registry, snapshots and ledger, and how it talks to sources."""

    model_config = SettingsConfigDict(env_prefix="CLAIMLEDGER_", extra="ignore")

    home: Path = _default_home()
    ledger_url: str | None = None
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
    gx_keep_runs: int = 20  # runs of each GX suite whose validation results (and Data Docs pages) data/gx/ keeps
    # Host names the dashboard answers to besides those of its --host, comma-separated: "ledger.example.org,*.lan"
    dashboard_hosts: str = ""

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

    @property
    def ledger(self) -> str:
        """The ledger's SQLAlchemy URL: --ledger / CLAIMLEDGER_LEDGER_URL, else data/ledger.db in the project."""
        return self.ledger_url or f"sqlite:///{self.home / 'data' / 'ledger.db'}"
