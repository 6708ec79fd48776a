"""The README stays true to the CLI: every command and option is documented, and every one has help text."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from claimledger.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
COMMAND = typer.main.get_command(app)


def commands():
    return sorted(COMMAND.commands.items())


@pytest.mark.parametrize("name, command", commands())
def test_command_is_in_readme_with_help(name, command):
    assert f"claimledger {name}" in README
    assert command.help and "Example:" in command.help


@pytest.mark.parametrize(
    "name, option",
    [(n, o) for n, c in commands() for p in c.params if isinstance(p, typer.core.TyperOption) for o in p.opts],
)
def test_option_is_in_readme(name, option):
    assert option in README, f"{name} {option} is not documented in README.md"


@pytest.mark.parametrize("name, param", [(n, p) for n, c in commands() for p in c.params], ids=str)
def test_every_parameter_has_help(name, param):
    assert param.help, f"{name} {param.name} has no help text"


def test_readme_opens_with_the_two_commands():
    head = README[:600]
    assert "make run" in head and "make test" in head
