"""What every claimledger command shares on the terminal: the consoles, verdict colours, output formats, errors."""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import Any

import typer
from rich.console import Console

# Piped output (make run, CI logs) gets room for the explanation column; a terminal keeps its own width.
out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)

VERDICT_STYLE = {"pass": "green", "fail": "bold red", "unverifiable": "yellow"}

# The same --ledger on every command that reads or writes the ledger.
LEDGER_OPTION = typer.Option(None, "--ledger", help="Ledger SQLAlchemy URL (default sqlite:///data/ledger.db in the "
                             "project; postgresql+psycopg://USER@HOST/DB for a shared ledger).")


class OutputFormat(str, Enum):
    table = "table"
    json = "json"


def fail(message: str) -> typer.Exit:
    """Print one actionable line on stderr; raise the returned Exit (status 2: an operational error)."""
    err.print(f"[bold red]claimledger: error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


def write_json(value: Any) -> None:
    """stdout holds only the JSON document, so programs can read it."""
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n")
