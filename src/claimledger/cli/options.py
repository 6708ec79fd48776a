"""The option groups claimledger's commands share, one decorator each (sqlite-utils' habit), so a flag has the same
name, help and meaning on every command that takes it, and the Settings the command runs with are built once.

A command that declares a `settings` parameter gets the Settings its group's callback built for this invocation
(cli/__init__.py puts them on the Typer context), with `--ledger` applied when the command takes it.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Optional

import typer
from pydantic import ValidationError

from claimledger.cli.terminal import OutputFormat, fail
from claimledger.settings import Settings

Command = Callable[..., Any]


def load_settings() -> Settings:
    """Settings from the environment, or one line saying what in them is wrong."""
    try:
        return Settings()
    except ValueError as exc:
        raise fail(settings_problem(exc)) from None


def settings_problem(exc: ValueError) -> str:
    """A settings error as a person reads it: what was wrong, without pydantic's wrapping."""
    if not isinstance(exc, ValidationError):
        return str(exc)
    return "; ".join(error["msg"].removeprefix("Value error, ") for error in exc.errors())


def current_settings(ctx: typer.Context) -> Settings:
    """The Settings of this invocation: those the callback built, or built now when a sub-app runs on its own."""
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        root.obj = load_settings()
    return root.obj


CONTEXT = "command_context"  # the Typer context a group passes to the command's settings when it declares none


def _option_group(*options: inspect.Parameter, apply: Callable[[dict[str, Any], dict[str, Any]], None]):
    """A decorator giving a command these options; `apply(values, arguments)` turns the options' values into the
    command's own arguments (and `settings`, when the command takes it, comes from the context). The command's own
    parameters of those names say what it receives; they are not options of their own."""

    def decorate(command: Command) -> Command:
        signature = inspect.signature(command)
        hints = typing.get_type_hints(command)
        takes_settings = "settings" in signature.parameters or getattr(command, "takes_settings", False)
        declared = next((name for name, hint in hints.items() if hint is typer.Context), None)
        context = declared or CONTEXT  # an inner group added CONTEXT, or the command takes a context of its own

        @functools.wraps(command)
        def run(*args: Any, **arguments: Any) -> Any:
            values = {option.name: arguments.pop(option.name) for option in options}
            ctx = arguments[context] if declared else arguments.pop(context)
            if takes_settings and "settings" not in arguments:
                arguments["settings"] = current_settings(ctx)
            apply(values, arguments)
            return command(*args, **arguments)

        supplied = {"settings"} | {option.name for option in options}
        kept = [p for p in signature.parameters.values() if p.name not in supplied]
        added = [] if declared else [_option(CONTEXT, typer.Context, inspect.Parameter.empty)]
        run.__signature__ = signature.replace(parameters=[*kept, *options, *added])  # type: ignore[attr-defined]
        run.__annotations__ = {name: hint for name, hint in hints.items() if name not in supplied} | {
            p.name: p.annotation for p in [*options, *added]
        }
        run.takes_settings = takes_settings  # type: ignore[attr-defined]
        return run

    return decorate


def _option(name: str, annotation: Any, info: Any) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=info, annotation=annotation)


def _no_change(values: dict[str, Any], arguments: dict[str, Any]) -> None:
    arguments.update(values)


def _apply_ledger(values: dict[str, Any], arguments: dict[str, Any]) -> None:
    settings = arguments["settings"]
    try:
        arguments["settings"] = settings.given(ledger=values["ledger"])
    except ValueError as exc:
        raise fail(settings_problem(exc)) from None


ledger_option = _option_group(
    _option(
        "ledger",
        Optional[str],
        typer.Option(
            None,
            "--ledger",
            metavar="URL",
            help="Ledger SQLAlchemy URL: sqlite:///PATH (a relative PATH is inside the "
            "project) or postgresql+psycopg://USER@HOST/DB for a shared ledger (default: CLAIMLEDGER_LEDGER_URL, else "
            "sqlite:///data/ledger.db).",
        ),
    ),
    apply=_apply_ledger,
)
ledger_option.__doc__ = "--ledger URL: the command's settings.ledger (the command must take `settings`)."


def output_option(json_holds: str = "the JSON array") -> Callable[[Command], Command]:
    """--format table|json, as `output`; the help says what stdout holds with json."""
    return _option_group(
        _option(
            "output",
            OutputFormat,
            typer.Option(
                OutputFormat.table,
                "--format",
                help=f"table for people, json for programs (stdout holds only {json_holds}).",
            ),
        ),
        apply=_no_change,
    )


source_overrides_option = _option_group(
    _option(
        "source",
        list[str],
        typer.Option(
            [],
            "--source",
            metavar="NAME=URL",
            help="Read source NAME from URL (file:, http://, https://); "
            "repeatable. Example: --source gaza_casualties_daily=file:/tmp/c.json",
        ),
    ),
    apply=_no_change,
)
source_overrides_option.__doc__ = "--source NAME=URL, repeatable, as `source` (a list of the overrides as given)."


class TaskRunnerName(str, Enum):
    processes = "processes"
    threads = "threads"
    dask = "dask"


@dataclass(frozen=True)
class TaskRunnerChoice:
    """Where a flow's tasks run: worker processes, threads in this process, or a Dask cluster (a local one, or at
    dask_address)."""

    name: TaskRunnerName = TaskRunnerName.processes
    dask_address: str | None = None

    def on(self, chosen_flow: Any) -> Any:
        """The flow, set to run its tasks here; one line on stderr when this task runner cannot be used."""
        from claimledger.flows.runners import TaskRunnerUnavailable, on_task_runner

        try:
            return on_task_runner(chosen_flow, self.name.value, self.dask_address)
        except TaskRunnerUnavailable as exc:
            raise fail(str(exc)) from None


def _apply_task_runner(values: dict[str, Any], arguments: dict[str, Any]) -> None:
    if values["dask_address"] and values["task_runner"] is not TaskRunnerName.dask:
        raise fail("--dask-address needs --task-runner dask")
    arguments["task_runner"] = TaskRunnerChoice(values["task_runner"], values["dask_address"])


task_runner_options = _option_group(
    _option(
        "task_runner",
        TaskRunnerName,
        typer.Option(  # the command receives a TaskRunnerChoice under this name
            TaskRunnerName.processes,
            "--task-runner",
            help="processes (the default: a run of more than one part, run_part_articles articles each, has its "
            "next parts read, extracted and checked by one worker process per core while it writes), threads "
            "(all in this process) or dask: parts, and a part's extraction and checks in "
            "chunks, on a Dask cluster (needs the dask extra). Example: --task-runner dask "
            "--dask-address tcp://10.0.0.5:8786",
        ),
    ),
    _option(
        "dask_address",
        Optional[str],
        typer.Option(
            None,
            "--dask-address",
            help="The Dask scheduler to use with --task-runner dask (default: a local cluster, "
            "one worker process per core).",
        ),
    ),
    apply=_apply_task_runner,
)
task_runner_options.__doc__ = "--task-runner and --dask-address, as `task_runner` (a TaskRunnerChoice)."
