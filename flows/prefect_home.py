"""Prefect's state in the project (PREFECT_HOME) and the start of its temporary API server, one process at a time.

Each `claimledger verify` / `recheck` without PREFECT_API_URL starts Prefect's temporary API server, which migrates
the PREFECT_HOME database when it starts. Two servers starting on a fresh database race on that migration (both
fail), and on a busy 2-core machine a start can outlast Prefect's 20 s default wait. So the start is done here, once
per process, under a file lock in PREFECT_HOME, with a longer wait; the flow then reuses the running server.

This module imports nothing of Prefect at import time: its environment must be set before Prefect reads it.
"""

from __future__ import annotations

import fcntl
import os
import re
from pathlib import Path

STARTUP_TIMEOUT_SECONDS = 120  # a cold start (migrations, block types) takes 10-40 s on a loaded 2-core machine
# Leases in files under PREFECT_HOME, not in each temporary server's memory: separate CLI runs share one database,
# so they must share the leases that say who holds a fetch slot (see claimledger.flows.fetch_slots).
FILE_LEASES = "prefect.server.concurrency.lease_storage.filesystem"
_START_LOCK = "claimledger-start.lock"


class PrefectUnavailable(RuntimeError):
    """Prefect's API cannot be started or reached; the message says what failed and what to try."""


def prefect_environment(home: Path) -> None:
    """Keep Prefect's state in the project, quiet, patient at start-up, with shared leases, unless the user chose."""
    os.environ.setdefault("PREFECT_HOME", str(home / ".prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", str(STARTUP_TIMEOUT_SECONDS))
    os.environ.setdefault("PREFECT_SERVER_CONCURRENCY_LEASE_STORAGE", FILE_LEASES)


def start_prefect() -> None:
    """Start the temporary Prefect API server of this process (none when PREFECT_API_URL names a server).

    The lock makes concurrent runs start their servers one after another: the first migrates a fresh database, the
    others find it migrated. The server stays up for the flow run of this process, which reuses it.
    """
    from prefect.settings import PREFECT_API_URL, PREFECT_HOME

    if PREFECT_API_URL.value():
        return
    from prefect.server.api.server import SubprocessASGIServer

    home = Path(PREFECT_HOME.value())
    home.mkdir(parents=True, exist_ok=True)
    with open(home / _START_LOCK, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or when this process dies
        try:
            SubprocessASGIServer().start(timeout=_startup_timeout())
        except Exception as exc:
            raise PrefectUnavailable(start_failure(exc)) from None


def start_failure(exc: BaseException) -> str:
    """One line for a temporary server that did not start: what failed, what was kept, what to try."""
    detail = " ".join(str(exc).split())
    if "Timed out while attempting to connect to ephemeral Prefect API server" in detail:
        timeout = _startup_timeout()
        exited = re.search(r"exited with code -?\d+", detail)
        detail = f"it did not answer within {timeout} s" + (f" (its process {exited.group(0)})" if exited else "")
    home = os.environ.get("PREFECT_HOME", "PREFECT_HOME")
    return (
        f"Prefect's temporary API server (database in {home}) could not start: {detail[:300]}; nothing was run "
        f"or recorded. Try again when the machine is less busy, raise "
        f"PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, or run `prefect server start` and set "
        f"PREFECT_API_URL=http://127.0.0.1:4200/api"
    )


def _startup_timeout() -> int:
    """Seconds to wait for the temporary server: PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, else ours."""
    try:
        return int(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", STARTUP_TIMEOUT_SECONDS))
    except ValueError:
        return STARTUP_TIMEOUT_SECONDS
