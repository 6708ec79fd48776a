"""A throwaway PostgreSQL server for the ledger tests: initdb into a temp folder, listen on 127.0.0.1, stop at the end.

The server binaries come from the system (Debian: `apt-get install postgresql`, which `make test` and `.ci/run` do
when `initdb` is missing). They are looked up on PATH, then in /usr/lib/postgresql/*/bin (Debian keeps them there).
Missing binaries fail the PostgreSQL tests with that instruction: they are never skipped.

PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user when there is one, else as
`nobody`, in a folder owned by that user (subprocess's user=/group=, no su/sudo needed).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest

BINARIES = ("initdb", "pg_ctl", "postgres")
SUPERUSER = "claimledger"
START_TIMEOUT = 30.0


def find_binaries() -> dict[str, str]:
    """initdb, pg_ctl and postgres from PATH, else from the newest /usr/lib/postgresql/N/bin."""
    found = {name: shutil.which(name) for name in BINARIES}
    if all(found.values()):
        return found
    for bindir in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda d: int(Path(d).parent.name), reverse=True):
        candidates = {name: os.path.join(bindir, name) for name in BINARIES}
        if all(os.access(path, os.X_OK) for path in candidates.values()):
            return candidates
    pytest.fail(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found on PATH or in "
        "/usr/lib/postgresql/*/bin; the ledger tests need them. Install them with `make pg-server` "
        "(runs apt-get install -y postgresql as root) or your system's postgresql package.",
        pytrace=False,
    )


class PostgresServer:
    """One postmaster we started, the folder it lives in, and how to reach it."""

    def __init__(self, binaries: dict[str, str]):
        self.binaries = binaries
        self.root = Path(tempfile.mkdtemp(prefix="claimledger-pg-"))
        self.data = self.root / "data"
        self.sockets = self.root / "sockets"
        self.log = self.root / "postgres.log"
        self.user = _server_user()
        self.process: subprocess.Popen | None = None
        self.port = 0

    def start(self) -> None:
        """initdb, then the postmaster on a free loopback port; retried if another process takes the port first."""
        self.sockets.mkdir()
        if self.user:
            for path in (self.root, self.sockets):
                os.chown(path, self.user.pw_uid, self.user.pw_gid)
        self._run(
            [
                self.binaries["initdb"],
                "-D",
                str(self.data),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
                "--no-instructions",
            ]
        )
        for _attempt in range(3):
            self.port = _free_port()
            with self.log.open("ab") as log:
                self.process = subprocess.Popen(
                    [
                        self.binaries["postgres"],
                        "-D",
                        str(self.data),
                        "-h",
                        "127.0.0.1",
                        "-p",
                        str(self.port),
                        "-k",
                        str(self.sockets),
                        "-c",
                        "fsync=off",
                        "-c",
                        "synchronous_commit=off",
                        "-c",
                        "full_page_writes=off",
                        "-c",
                        "max_connections=200",
                    ],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    **self._as_user(),
                )
            if self._wait_until_ready():
                return
            self.stop()
        pytest.fail(f"PostgreSQL did not start; its log ({self.log}):\n{self._log_tail()}", pytrace=False)

    def create_database(self) -> str:
        """A new empty database; its SQLAlchemy URL (psycopg 3)."""
        import psycopg

        name = f"ledger_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self._dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        """Fast shutdown of the postmaster (it ends its children); kill its process group if it lingers."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # its own session: only what it started
                self.process.wait(timeout=5)
        self.process = None

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def _wait_until_ready(self) -> bool:
        import psycopg

        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                psycopg.connect(self._dsn("postgres"), connect_timeout=2).close()
                return True
            except psycopg.OperationalError:
                time.sleep(0.1)
        return False

    def _dsn(self, database: str) -> str:
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname={database}"

    def _run(self, command: list[str]) -> None:
        done = subprocess.run(command, capture_output=True, text=True, **self._as_user())
        if done.returncode != 0:
            pytest.fail(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}", pytrace=False)

    def _as_user(self) -> dict:
        if not self.user:
            return {}
        return {
            "user": self.user.pw_uid,
            "group": self.user.pw_gid,
            "extra_groups": [],
            "cwd": str(self.root),
            "env": {**os.environ, "HOME": str(self.root), "USER": self.user.pw_name},
        }

    def _log_tail(self) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])
        except OSError:
            return "(no log)"


def _server_user() -> pwd.struct_passwd | None:
    """None when we are not root; else the account the server runs as."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    pytest.fail(
        "running as root and there is neither a `postgres` nor a `nobody` user to run PostgreSQL as", pytrace=False
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_server():
    """One PostgreSQL server for the whole test session (about 1-2 s to start), stopped and removed at the end."""
    server = PostgresServer(find_binaries())
    try:
        server.start()
        yield server
    finally:
        server.stop()
        server.remove()


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_url(request, tmp_path) -> str:
    """An empty ledger on each backend: a SQLite file, or a fresh database on the session's PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.db'}"
    return request.getfixturevalue("postgres_server").create_database()
