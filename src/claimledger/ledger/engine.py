"""Opening a ledger: the one place that turns a ledger URL into a SQLAlchemy engine.

Every reader and writer opens the ledger here, so the driver rule (plain `postgresql://` means psycopg 3, which we
ship), the supported databases, SQLite's pragmas and the way a URL is shown in messages are decided once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import ArgumentError, DatabaseError
from sqlalchemy.pool import ConnectionPoolEntry

SUPPORTED = ("sqlite", "postgresql")
Key = TypeVar("Key", str, int)  # ids: claim, article and run ids are text, result ids integers
IN_CHUNK = 500  # ids per IN (...) list, well under SQLite's and PostgreSQL's parameter limits


class LedgerError(RuntimeError):
    """The ledger cannot be opened, read or written; the message names the ledger URL."""


def redacted(url: str) -> str:
    """The URL with any password hidden, for messages and the dashboard's footer."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def open_engine(url: str) -> Engine:
    """An engine for a ledger URL (sqlite:///PATH or postgresql+psycopg://USER@HOST/DB). Connects to nothing yet:
    a SQLite file is created only when something writes to it."""
    try:
        parsed = make_url(url)
        if parsed.drivername == "postgresql":  # SQLAlchemy's default would be psycopg2; we ship psycopg 3
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = create_engine(parsed)
    except (ArgumentError, ImportError) as exc:
        raise LedgerError(f"ledger {redacted(url)}: cannot open: {exc}") from exc
    if engine.dialect.name not in SUPPORTED:
        raise LedgerError(
            f"ledger {redacted(url)}: cannot open: {engine.dialect.name} is not supported "
            "(use sqlite:///PATH or postgresql+psycopg://USER@HOST/DB)"
        )
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def in_chunks(items: Iterable[Key]) -> Iterator[list[Key]]:
    """The items sorted, in lists short enough for one IN (...) each."""
    ordered = sorted(items)
    for start in range(0, len(ordered), IN_CHUNK):
        yield ordered[start : start + IN_CHUNK]


def malformed(exc: DatabaseError) -> bool:
    """SQLite says the file is damaged (not merely missing, locked or not a database)."""
    return "malformed" in str(exc.orig)  # SQLITE_CORRUPT: "database disk image is malformed"


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")  # a reader or a second run waits for a run's transaction
    cursor.close()
