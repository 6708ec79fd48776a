"""What every claimledger command shares on the terminal: the consoles, verdict colours, output formats, errors, and
how a batch command stops on a signal."""

from __future__ import annotations

import atexit
import itertools
import json
import os
import signal
import sys
import threading
from enum import Enum
from collections.abc import Iterable
from typing import Any

import typer
from rich.console import Console

from claimledger.checks.model import Verdict

# Piped output (make run, CI logs) gets room for the explanation column; a terminal keeps its own width.
out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)

VERDICT_STYLE: dict[str, str] = {Verdict.PASS: "green", Verdict.FAIL: "bold red", Verdict.UNVERIFIABLE: "yellow"}


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


def write_json_array(items: Iterable[Any], encoded: Iterable[str] = ()) -> None:
    """A JSON array written as its items come (a run's results a part at a time), one item a line: first the
    `encoded` ones (JSON text already: a run's spooled rows, copied as they are), then `items`."""
    first = True
    sys.stdout.write("[")
    texts = (json.dumps(item, ensure_ascii=False, default=str) for item in items)
    for text in itertools.chain(encoded, texts):
        sys.stdout.write(("\n  " if first else ",\n  ") + text)
        first = False
    sys.stdout.write("]\n" if first else "\n]\n")


_STOPPABLE = frozenset({"verify", "fetch", "extract", "recheck"})  # the commands that do a batch of work and end


def stop_promptly_on_signals(ctx: typer.Context) -> None:
    """SIGTERM or Ctrl-C ends a batch command within seconds, even mid-download or mid-flow.

    The interrupt is raised in the main thread, so Prefect marks the flow run crashed and an open ledger transaction
    is rolled back; worker threads still reading a slow server would hold the process at exit, so once the exit
    functions have run (Prefect stops its local API server in one) it ends outright, at the latest 10 s after the
    signal. A run is recorded in one transaction: whole or absent.
    """
    if ctx.invoked_subcommand not in _STOPPABLE or threading.current_thread() is not threading.main_thread():
        return
    received: list[int] = []

    def end(status: int) -> None:
        atexit._run_exitfuncs()  # not threading's: that one joins the worker threads
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)

    def stop(signum: int, _frame) -> None:
        received.append(signum)
        print(
            f"claimledger {ctx.invoked_subcommand}: stopped by {signal.Signals(signum).name}; "
            "nothing is left half-written",
            file=sys.stderr,
            flush=True,
        )
        backstop = threading.Timer(10.0, end, args=(128 + signum,))  # if unwinding itself hangs
        backstop.daemon = True
        backstop.start()
        signal.signal(signum, signal.SIG_DFL)  # a second signal ends the process at once
        raise KeyboardInterrupt(signal.Signals(signum).name)

    def restore_or_exit() -> None:
        if received:  # do not wait for worker threads still blocked on a socket
            end(128 + received[0])
        for signum, handler in zip((signal.SIGTERM, signal.SIGINT), before):
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)  # None: one set outside Python

    before = (signal.signal(signal.SIGTERM, stop), signal.signal(signal.SIGINT, stop))
    ctx.call_on_close(restore_or_exit)
